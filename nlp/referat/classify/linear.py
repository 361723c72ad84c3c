"""The scikit-learn backend: TF-IDF word and character n-grams, logistic regression.

Saved as plain data, so loading runs no code from the file: the vocabularies
as JSON lists, idf weights, coefficients and intercepts as `.npy` arrays
(read with `allow_pickle=False`), hyperparameters in meta.json, all under a
SHA256SUMS that `load` verifies. Training is deterministic: the same data
and seed give byte-identical arrays.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from referat import __version__
from referat.classify.base import ModelClassifier, data_digest, read_meta, seal
from referat.classify.rules import EvidenceRules
from referat.errors import ModelError
from referat.model import ITEM_TYPES
from referat.resources import load_toml

_ARRAYS = ("idf_word", "idf_char", "coef", "intercept")


def default_params() -> dict:
    return dict(load_toml("classifier.toml")["linear"])


def _vectorizers(params: dict) -> tuple[TfidfVectorizer, TfidfVectorizer]:
    common = dict(lowercase=True, sublinear_tf=bool(params["sublinear_tf"]), dtype=np.float64)
    word = TfidfVectorizer(analyzer="word", ngram_range=tuple(params["word_ngram_range"]),
                           min_df=int(params["word_min_df"]),
                           max_features=int(params["max_word_features"]),
                           token_pattern=r"(?u)\b\w+\b", **common)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(params["char_ngram_range"]),
                           min_df=int(params["char_min_df"]),
                           max_features=int(params["max_char_features"]), **common)
    return word, char


class LinearClassifier(ModelClassifier):
    """TF-IDF + multinomial logistic regression, combined with the evidence rules."""

    backend = "linear"

    def __init__(self, params: dict | None = None, rules: EvidenceRules | None = None,
                 rule_weight: float | None = None, meta: dict | None = None):
        super().__init__(rules, rule_weight, meta)
        self.params = dict(params or default_params())
        self.word, self.char = _vectorizers(self.params)
        self.coef: np.ndarray | None = None
        self.intercept: np.ndarray | None = None
        self._word_names: np.ndarray | None = None

    def _features(self, texts: Sequence[str]) -> sp.csr_matrix:
        return sp.hstack([self.word.transform(texts), self.char.transform(texts)], format="csr")

    def fit(self, texts: Sequence[str], labels: Sequence[str], seed: int = 0) -> LinearClassifier:
        unknown = sorted(set(labels) - set(ITEM_TYPES))
        if unknown:
            raise ValueError(f"unknown labels {unknown}; expected {ITEM_TYPES}")
        started = time.perf_counter()
        self._word_names = None
        x = sp.hstack([self.word.fit_transform(texts), self.char.fit_transform(texts)],
                      format="csr")
        y = np.array([ITEM_TYPES.index(label) for label in labels])
        model = LogisticRegression(C=float(self.params["C"]), max_iter=int(self.params["max_iter"]),
                                   random_state=seed)
        model.fit(x, y)
        # Classes absent from the training data keep a column that never wins.
        self.coef = np.zeros((len(ITEM_TYPES), x.shape[1]))
        self.intercept = np.full(len(ITEM_TYPES), -30.0)
        if len(model.classes_) == 2:  # binary sklearn models keep one row
            self.coef[model.classes_[1]] = model.coef_[0] / 2
            self.coef[model.classes_[0]] = -model.coef_[0] / 2
            self.intercept[model.classes_[1]] = model.intercept_[0] / 2
            self.intercept[model.classes_[0]] = -model.intercept_[0] / 2
        else:
            for row, cls in enumerate(model.classes_):
                self.coef[cls] = model.coef_[row]
                self.intercept[cls] = model.intercept_[row]
        self.meta.update({
            "backend": self.backend, "version": __version__, "labels": list(ITEM_TYPES),
            "seed": seed, "params": self.params, "n_features": int(x.shape[1]),
            "n_examples": len(labels),
            "label_counts": {t: int(sum(1 for y_ in labels if y_ == t)) for t in ITEM_TYPES},
            "data_digest": data_digest(texts, labels),
            "fit_seconds": round(time.perf_counter() - started, 2),
        })
        return self

    def _check_fitted(self) -> None:
        if self.coef is None or self.intercept is None:
            raise ModelError("the linear model is not trained: call fit() or load()")

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        self._check_fitted()
        return np.asarray(self._features(texts) @ self.coef.T) + self.intercept

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(ITEM_TYPES)))
        scores = self.decision(texts)
        scores -= scores.max(axis=1, keepdims=True)
        exps = np.exp(scores)
        return exps / exps.sum(axis=1, keepdims=True)

    def explain(self, text: str, label: str) -> list[str]:
        """The word n-grams of `text` that push most towards `label`."""
        self._check_fitted()
        row = self.word.transform([text])
        if row.nnz == 0:
            return []
        weights = self.coef[ITEM_TYPES.index(label), :row.shape[1]]
        contrib = row.data * weights[row.indices]
        order = np.argsort(-contrib, kind="stable")[: int(self.params.get("explain_terms", 3))]
        if self._word_names is None:
            self._word_names = self.word.get_feature_names_out()
        return [str(self._word_names[row.indices[i]]) for i in order if contrib[i] > 0]

    # --- persistence: JSON + .npy only -------------------------------------------

    def save(self, path: str | Path) -> Path:
        self._check_fitted()
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        arrays = {"idf_word": self.word.idf_, "idf_char": self.char.idf_,
                  "coef": self.coef, "intercept": self.intercept}
        for name, value in arrays.items():
            np.save(out / f"{name}.npy", np.ascontiguousarray(value, dtype="<f8"),
                    allow_pickle=False)
        for name, vectorizer in (("word", self.word), ("char", self.char)):
            terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
            (out / f"vocab_{name}.json").write_text(
                json.dumps(terms, ensure_ascii=False, separators=(",", ":")) + "\n",
                encoding="utf-8")
        return seal(out, self)

    @classmethod
    def load(cls, path: str | Path, rules: EvidenceRules | None = None) -> LinearClassifier:
        directory = Path(path)
        meta = read_meta(directory, cls.backend)
        model = cls(params=meta["params"], rules=rules, meta=meta)
        try:
            arrays = {name: np.load(directory / f"{name}.npy", allow_pickle=False)
                      for name in _ARRAYS}
            for name, vectorizer in (("word", model.word), ("char", model.char)):
                terms = json.loads((directory / f"vocab_{name}.json").read_text(encoding="utf-8"))
                vectorizer.set_params(vocabulary={term: i for i, term in enumerate(terms)})
                vectorizer.idf_ = arrays[f"idf_{name}"]  # also fixes the vocabulary
        except (OSError, ValueError, KeyError) as err:
            raise ModelError(f"cannot read linear model ({err})", path=str(directory)) from err
        model.coef, model.intercept = arrays["coef"], arrays["intercept"]
        width = len(model.word.vocabulary_) + len(model.char.vocabulary_)
        if model.coef.shape != (len(ITEM_TYPES), width) or model.intercept.shape != (len(ITEM_TYPES),):
            raise ModelError(f"array shapes {model.coef.shape}/{model.intercept.shape} do not fit "
                             f"a vocabulary of {width}", path=str(directory))
        return model
