"""The linear backend: TF-IDF word and character n-grams, logistic regression.

Trained with scikit-learn (`TfidfVectorizer`, `LogisticRegression`), applied
with numpy alone: a run that only types items imports neither scikit-learn
nor scipy. `ngrams` finds the same n-grams as the vectorizers, a fixed
`Vocabulary` maps them to columns, and a document's items are scored in one
batch: TF-IDF rows, one product with the coefficients, and the terms that
explain each item's type read from the same rows.

Saved as plain data, so loading runs no code from the file: the vocabularies
as JSON lists, idf weights, coefficients and intercepts as `.npy` arrays
(read with `allow_pickle=False`), hyperparameters in meta.json, all under a
SHA256SUMS that `load` verifies. Training is deterministic: the same data
and seed give byte-identical arrays.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from referat import __version__
from referat.classify import ngrams
from referat.classify.base import ModelClassifier, data_digest, read_meta, seal
from referat.classify.rules import EvidenceRules
from referat.errors import ModelError
from referat.model import ITEM_TYPES
from referat.resources import load_toml

_ARRAYS = ("idf_word", "idf_char", "coef", "intercept")
_BLOCKS = ("word", "char")


def default_params() -> dict:
    return dict(load_toml("classifier.toml")["linear"])


def _vectorizers(params: dict):
    """The scikit-learn vectorizers `fit` learns the vocabularies with."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    common = dict(lowercase=True, sublinear_tf=bool(params["sublinear_tf"]), dtype=np.float64)
    word = TfidfVectorizer(analyzer="word", ngram_range=tuple(params["word_ngram_range"]),
                           min_df=int(params["word_min_df"]),
                           max_features=int(params["max_word_features"]),
                           token_pattern=r"(?u)\b\w+\b", **common)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(params["char_ngram_range"]),
                           min_df=int(params["char_min_df"]),
                           max_features=int(params["max_char_features"]), **common)
    return word, char


class Vocabulary:
    """A fixed list of n-grams (column order) and their idf; n-gram keys to columns at once.

    An open-addressing table (linear probing, at most a quarter full) is built
    once; `columns` looks up a whole batch of keys with a few numpy passes.
    """

    def __init__(self, terms: list[str], idf: np.ndarray):
        if len(terms) != len(idf):
            raise ValueError(f"{len(terms)} terms but {len(idf)} idf weights")
        self.terms = terms
        self.idf = np.asarray(idf, dtype=np.float64)
        self.keys = ngrams.keys(terms)
        bits = max(4, int(np.ceil(np.log2(max(len(terms), 1) * 4))))
        self._mask = (1 << bits) - 1
        self._shift = np.uint64(64 - bits)
        self._table_keys = np.zeros(1 << bits, dtype=np.uint64)
        self._table_cols = np.full(1 << bits, -1, dtype=np.int64)
        slots = self._slots(self.keys)
        pending, probe = np.arange(len(terms)), 0
        while len(pending):  # round r: each key still pending tries its slot + r
            tried = (slots[pending] + probe) & self._mask
            free = self._table_cols[tried] < 0
            taken, first = np.unique(tried[free], return_index=True)
            winners = pending[free][first]
            self._table_keys[taken] = self.keys[winners]
            self._table_cols[taken] = winners
            placed = np.zeros(len(terms), dtype=bool)
            placed[winners] = True
            pending = pending[~placed[pending]]
            probe += 1

    def __len__(self) -> int:
        return len(self.terms)

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            mixed = (keys ^ (keys >> np.uint64(31))) * np.uint64(0xBF58476D1CE4E5B9)
        return (mixed >> self._shift).astype(np.int64)

    def columns(self, keys: np.ndarray) -> np.ndarray:
        """The column of each key, -1 for keys not in the vocabulary."""
        cols = np.full(len(keys), -1, dtype=np.int64)
        slots = self._slots(keys)
        pending, probe = np.arange(len(keys)), 0
        while len(pending):
            tried = (slots[pending] + probe) & self._mask
            found = self._table_cols[tried]
            hit = (found >= 0) & (self._table_keys[tried] == keys[pending])
            cols[pending[hit]] = found[hit]
            pending = pending[(found >= 0) & ~hit]
            probe += 1
        return cols


@dataclass
class Rows:
    """Sparse TF-IDF rows of a batch, entries sorted by (row, column)."""

    n: int
    row: np.ndarray
    col: np.ndarray
    value: np.ndarray


def tfidf_rows(doc: np.ndarray, cols: np.ndarray, n_docs: int, vocabulary: Vocabulary,
               sublinear: bool) -> Rows:
    """TfidfVectorizer.transform's rows (norm l2) from the (row, column) of every n-gram seen."""
    known = cols >= 0
    doc, cols = doc[known], cols[known]
    width = len(vocabulary)
    cells, counts = np.unique(doc * width + cols, return_counts=True)
    row, col = np.divmod(cells, width)
    tf = counts.astype(np.float64)
    if sublinear:
        tf = np.log(tf) + 1.0
    value = tf * vocabulary.idf[col]
    norms = np.sqrt(np.bincount(row, weights=value * value, minlength=n_docs))
    value /= np.where(norms > 0, norms, 1.0)[row]
    return Rows(n_docs, row, col, value)


class LinearClassifier(ModelClassifier):
    """TF-IDF + multinomial logistic regression, combined with the evidence rules."""

    backend = "linear"

    def __init__(self, params: dict | None = None, rules: EvidenceRules | None = None,
                 rule_weight: float | None = None, meta: dict | None = None):
        super().__init__(rules, rule_weight, meta)
        self.params = dict(params or default_params())
        self.vocabularies: dict[str, Vocabulary] = {}
        self.coef: np.ndarray | None = None
        self.intercept: np.ndarray | None = None

    # --- features: the same n-grams and weights as the scikit-learn vectorizers ---

    def _ngrams(self, block: str, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        low, high = self.params[f"{block}_ngram_range"]
        if block == "word":
            return ngrams.word_ngrams(texts, int(low), int(high))
        return ngrams.char_wb_ngrams(texts, int(low), int(high))

    def rows(self, texts: Sequence[str]) -> dict[str, Rows]:
        """Each block's TF-IDF rows for a batch of model inputs (computed once, used twice:
        for the scores and for the terms that explain them)."""
        out = {}
        for block in _BLOCKS:
            vocabulary = self.vocabularies[block]
            doc, keys = self._ngrams(block, texts)
            out[block] = tfidf_rows(doc, vocabulary.columns(keys), len(texts), vocabulary,
                                    bool(self.params["sublinear_tf"]))
        return out

    def _by_column(self) -> np.ndarray:
        """The coefficients a column to a row (n_features, 3): one gather per batch."""
        if getattr(self, "_coef_by_column", (None,))[0] is not self.coef:
            self._coef_by_column = (self.coef, np.ascontiguousarray(self.coef.T))
        return self._coef_by_column[1]

    def _decision(self, rows: dict[str, Rows], n: int) -> np.ndarray:
        scores = np.tile(self.intercept, (n, 1))
        weights, offset = self._by_column(), 0
        for block in _BLOCKS:
            r = rows[block]
            if len(r.row):
                starts = np.flatnonzero(np.diff(r.row, prepend=-1))  # rows are sorted
                scores[r.row[starts]] += np.add.reduceat(weights[offset + r.col] * r.value[:, None],
                                                         starts, axis=0)
            offset += len(self.vocabularies[block])
        return scores

    # --- the model protocol -------------------------------------------------------

    def fit(self, texts: Sequence[str], labels: Sequence[str], seed: int = 0,
            progress: Callable[[int, int], None] | None = None) -> LinearClassifier:
        import scipy.sparse as sp
        from sklearn.linear_model import LogisticRegression

        unknown = sorted(set(labels) - set(ITEM_TYPES))
        if unknown:
            raise ValueError(f"unknown labels {unknown}; expected {ITEM_TYPES}")
        started = time.perf_counter()
        vectorizers = dict(zip(_BLOCKS, _vectorizers(self.params)))
        x = sp.hstack([v.fit_transform(texts) for v in vectorizers.values()], format="csr")
        y = np.array([ITEM_TYPES.index(label) for label in labels])
        model = LogisticRegression(C=float(self.params["C"]), max_iter=int(self.params["max_iter"]),
                                   random_state=seed)
        if progress is not None:
            progress(0, 1)
        model.fit(x, y)
        if progress is not None:
            progress(1, 1)
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
        self.vocabularies = {
            block: Vocabulary(sorted(v.vocabulary_, key=v.vocabulary_.__getitem__), v.idf_)
            for block, v in vectorizers.items()}
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
        """Logits per item and type, shape (n, 3)."""
        self._check_fitted()
        return self._decision(self.rows(texts), len(texts))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self.explained_proba(texts)[0]

    def explained_proba(self, texts: Sequence[str]):
        self._check_fitted()
        if not texts:
            return np.zeros((0, len(ITEM_TYPES))), _no_terms
        rows = self.rows(texts)
        scores = self._decision(rows, len(texts))
        scores -= scores.max(axis=1, keepdims=True)
        exps = np.exp(scores)
        return exps / exps.sum(axis=1, keepdims=True), _Explainer(self, rows["word"])

    def explain(self, text: str, label: str) -> list[str]:
        """The word n-grams of `text` that push most towards `label`."""
        return self.explained_proba([text])[1]([0], [label])[0]

    # --- persistence: JSON + .npy only -------------------------------------------

    def save(self, path: str | Path) -> Path:
        self._check_fitted()
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        arrays = {"idf_word": self.vocabularies["word"].idf, "idf_char": self.vocabularies["char"].idf,
                  "coef": self.coef, "intercept": self.intercept}
        for name, value in arrays.items():
            np.save(out / f"{name}.npy", np.ascontiguousarray(value, dtype="<f8"),
                    allow_pickle=False)
        for block in _BLOCKS:
            (out / f"vocab_{block}.json").write_text(
                json.dumps(self.vocabularies[block].terms, ensure_ascii=False, separators=(",", ":"))
                + "\n", encoding="utf-8")
        return seal(out, self)

    @classmethod
    def load(cls, path: str | Path, rules: EvidenceRules | None = None) -> LinearClassifier:
        directory = Path(path)
        meta = read_meta(directory, cls.backend)
        model = cls(params=meta["params"], rules=rules, meta=meta)
        try:
            arrays = {name: np.load(directory / f"{name}.npy", allow_pickle=False)
                      for name in _ARRAYS}
            for block in _BLOCKS:
                terms = json.loads((directory / f"vocab_{block}.json").read_text(encoding="utf-8"))
                model.vocabularies[block] = Vocabulary(terms, arrays[f"idf_{block}"])
        except (OSError, ValueError, KeyError) as err:
            raise ModelError(f"cannot read linear model ({err})", path=str(directory)) from err
        model.coef, model.intercept = arrays["coef"], arrays["intercept"]
        width = sum(len(v) for v in model.vocabularies.values())
        if model.coef.shape != (len(ITEM_TYPES), width) or model.intercept.shape != (len(ITEM_TYPES),):
            raise ModelError(f"array shapes {model.coef.shape}/{model.intercept.shape} do not fit "
                             f"a vocabulary of {width}", path=str(directory))
        return model


def _no_terms(indices: Sequence[int], labels: Sequence[str]) -> list[list[str]]:
    return [[] for _ in indices]


class _Explainer:
    """For rows of a batch and a type each, the word n-grams that push most towards that type,
    read from the batch's TF-IDF rows in one pass."""

    def __init__(self, model: LinearClassifier, words: Rows):
        self.model = model
        self.words = words

    def __call__(self, indices: Sequence[int], labels: Sequence[str]) -> list[list[str]]:
        words, out = self.words, [[] for _ in indices]
        if not len(indices) or not len(words.row):
            return out
        wanted = np.full(words.n, -1, dtype=np.int64)
        wanted[np.asarray(indices)] = [ITEM_TYPES.index(label) for label in labels]
        label = wanted[words.row]
        keep = label >= 0
        row, col = words.row[keep], words.col[keep]
        contrib = words.value[keep] * self.model._by_column()[col, label[keep]]
        order = np.lexsort((-contrib, row))  # by row, strongest first; ties in column order
        row, col, contrib = row[order], col[order], contrib[order]
        rank = np.arange(len(row)) - np.searchsorted(row, row)
        top = np.flatnonzero((rank < int(self.model.params.get("explain_terms", 3))) & (contrib > 0))
        slot = {index: i for i, index in enumerate(indices)}
        terms = self.model.vocabularies["word"].terms
        for k in top:
            out[slot[int(row[k])]].append(terms[col[k]])
        return out
