"""The outcome model: where no phrase decides, a linear model over the decision's words.

TF-IDF over word 1-2-grams (sublinear term frequency, l2-normalised) and a
multinomial logistic regression, fitted with scikit-learn (`fit`) and
applied with numpy alone (`predict`), so that loading it costs a JSON
vocabulary and three arrays, not an import of scikit-learn. The transform
is scikit-learn's (`TfidfVectorizer(token_pattern=TOKEN, ngram_range=(1, 2),
sublinear_tf=True)`), and a test checks that the two agree.

The model never sees the outcome phrases: `model_text` blanks every phrase
of configs/decisions.toml, in training (where the phrases gave the label,
training.py) as at run time (where none was found). It learns what else in
a decision goes with each outcome: who speaks ("Byrådet", "Økonomiudvalget
… overfor Byrådet"), what is spoken of ("orienteringen", "sagen",
"forslaget"), the item's title.

Saved as plain data (vocab.json, idf/coef/intercept .npy read with
allow_pickle=False, meta.json) under a SHA256SUMS verified before anything
is parsed (`classify.base.seal`/`read_meta`).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from referat import __version__
from referat.classify.base import data_digest, read_meta, seal
from referat.decide.grammar import Grammar
from referat.decide.outcome import readable
from referat.decide.text import Statement
from referat.errors import ModelError
from referat.model import OUTCOMES
from referat.resources import load_toml

TOKEN = r"(?u)\b\w+\b"
_TOKEN = re.compile(TOKEN)
_DIGITS = re.compile(r"\d+")
_ARRAYS = ("idf", "coef", "intercept")
VOCAB = "vocab.json"


def default_params() -> dict:
    return dict(load_toml("decisions.toml")["model"]["params"])


def model_text(title: str, statements: Sequence[Statement], vote_spans: Sequence[tuple[int, int]],
               grammar: Grammar) -> str:
    """What the model reads: title words (marked `titel_`), then the decision's own
    statements with votes, outcome phrases and digits taken out."""
    words = [f"titel_{w}" for w in _TOKEN.findall(_DIGITS.sub(" ", title.lower()))]
    for statement in statements:
        if statement.attendance or statement.placeholder:
            continue
        text = readable(statement, list(vote_spans))
        for phrase in grammar.outcomes:
            text = phrase.pattern.sub(lambda m: " " * len(m.group()), text)
        words.extend(_TOKEN.findall(_DIGITS.sub(" ", text.lower())))
    return " ".join(words)


def ngrams(text: str) -> list[str]:
    """Word 1- and 2-grams as scikit-learn's analyzer makes them."""
    tokens = _TOKEN.findall(text.lower())
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


class OutcomeModel:
    """TF-IDF + multinomial logistic regression over `OUTCOMES`."""

    backend = "outcome-linear"
    labels = OUTCOMES

    def __init__(self, params: dict | None = None, meta: dict | None = None):
        self.params = dict(params or default_params())
        self.meta: dict = dict(meta or {})
        self.vocabulary: dict[str, int] = {}
        self.idf: np.ndarray | None = None
        self.coef: np.ndarray | None = None
        self.intercept: np.ndarray | None = None

    @property
    def source(self) -> str:
        return f"model:{self.backend}@{self.meta.get('version', '0')}"

    # --- applying: numpy only ---------------------------------------------------

    def features(self, texts: Sequence[str]) -> np.ndarray:
        """TF-IDF rows (dense: the vocabulary is small), l2-normalised."""
        x = np.zeros((len(texts), len(self.vocabulary)))
        for row, text in enumerate(texts):
            counts: dict[int, int] = {}
            for gram in ngrams(text):
                index = self.vocabulary.get(gram)
                if index is not None:
                    counts[index] = counts.get(index, 0) + 1
            for index, count in counts.items():
                x[row, index] = (1.0 + np.log(count)) * self.idf[index]
            norm = np.linalg.norm(x[row])
            if norm > 0:
                x[row] /= norm
        return x

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, shape (n, len(OUTCOMES)), columns in `OUTCOMES` order."""
        if self.coef is None:
            raise ModelError("the outcome model is not trained: call fit() or load()")
        if not texts:
            return np.zeros((0, len(OUTCOMES)))
        scores = self.features(texts) @ self.coef.T + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        exps = np.exp(scores)
        return exps / exps.sum(axis=1, keepdims=True)

    def predict(self, text: str) -> tuple[str, float]:
        """The likeliest outcome of one model text, and its probability."""
        row = self.predict_proba([text])[0]
        best = int(np.argmax(row))
        return OUTCOMES[best], float(row[best])

    # --- fitting: scikit-learn ---------------------------------------------------

    def fit(self, texts: Sequence[str], labels: Sequence[str], seed: int = 0) -> OutcomeModel:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        unknown = sorted(set(labels) - set(OUTCOMES))
        if unknown:
            raise ValueError(f"unknown outcomes {unknown}; expected {OUTCOMES}")
        if len(set(labels)) < 2:
            raise ValueError("an outcome model needs examples of at least two outcomes")
        started = time.perf_counter()
        p = self.params
        vectorizer = TfidfVectorizer(token_pattern=TOKEN, ngram_range=(1, int(p["max_ngram"])),
                                     min_df=int(p["min_df"]), max_features=int(p["max_features"]),
                                     sublinear_tf=True, dtype=np.float64)
        x = vectorizer.fit_transform(texts)
        y = np.array([OUTCOMES.index(label) for label in labels])
        model = LogisticRegression(C=float(p["C"]), max_iter=int(p["max_iter"]), random_state=seed,
                                   class_weight=p.get("class_weight") or None)
        model.fit(x, y)
        self.vocabulary = {term: int(i) for term, i in vectorizer.vocabulary_.items()}
        self.idf = vectorizer.idf_.copy()
        # Outcomes absent from the training data keep a row that never wins.
        self.coef = np.zeros((len(OUTCOMES), x.shape[1]))
        self.intercept = np.full(len(OUTCOMES), -30.0)
        if len(model.classes_) == 2:  # binary scikit-learn models keep one row
            for sign, cls in ((-0.5, model.classes_[0]), (0.5, model.classes_[1])):
                self.coef[cls] = sign * model.coef_[0]
                self.intercept[cls] = sign * model.intercept_[0]
        else:
            for row, cls in enumerate(model.classes_):
                self.coef[cls] = model.coef_[row]
                self.intercept[cls] = model.intercept_[row]
        self.meta.update({
            "backend": self.backend, "version": __version__, "labels": list(OUTCOMES), "seed": seed,
            "params": self.params, "n_features": int(x.shape[1]), "n_examples": len(labels),
            "label_counts": {o: int(sum(1 for y_ in labels if y_ == o)) for o in OUTCOMES},
            "data_digest": data_digest(texts, labels),
            "fit_seconds": round(time.perf_counter() - started, 2),
        })
        return self

    # --- persistence: JSON + .npy only ---------------------------------------------

    def save(self, path: str | Path) -> Path:
        if self.coef is None:
            raise ModelError("the outcome model is not trained: call fit() first")
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        for name in _ARRAYS:
            np.save(out / f"{name}.npy", np.ascontiguousarray(getattr(self, name), dtype="<f8"),
                    allow_pickle=False)
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        (out / VOCAB).write_text(json.dumps(terms, ensure_ascii=False, separators=(",", ":")) + "\n",
                                 encoding="utf-8")
        return seal(out, self)

    @classmethod
    def load(cls, path: str | Path) -> OutcomeModel:
        directory = Path(path)
        meta = read_meta(directory, cls.backend, labels=OUTCOMES)
        model = cls(params=meta.get("params"), meta=meta)
        try:
            for name in _ARRAYS:
                setattr(model, name, np.load(directory / f"{name}.npy", allow_pickle=False))
            terms = json.loads((directory / VOCAB).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise ModelError(f"cannot read outcome model ({err})", path=str(directory)) from err
        model.vocabulary = {str(term): i for i, term in enumerate(terms)}
        width = len(model.vocabulary)
        if (model.idf.shape != (width,) or model.coef.shape != (len(OUTCOMES), width)
                or model.intercept.shape != (len(OUTCOMES),)):
            raise ModelError(f"array shapes {model.idf.shape}/{model.coef.shape}/{model.intercept.shape} "
                             f"do not fit a vocabulary of {width}", path=str(directory))
        return model
