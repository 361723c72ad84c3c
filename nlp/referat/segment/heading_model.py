"""The learned heading model: how likely a candidate line is to start an item.

The layout families (configs/layouts/) propose candidate headings and the
rules score them. This model scores the same candidates from the evidence
the families compute — the rules' score and their named evidence terms
(`Candidate.terms`, weighed by name, so a model keeps working when the rules
gain a term), the shape, the number's continuity with the candidates around
it, blank lines, a case number or a section heading just below, the title's
casing and length, the position in the document, repetition (a table of
contents, a running header) — plus the words of the line and the first
words of the lines around it, hashed. Its log-odds join the rules' score in the chain search
(`rescore`, configs/segmenter.toml [combine]), so the chain is still the
best numbered sequence, now over better scores.

The model is a logistic regression (scikit-learn at training time only);
it ships as plain arrays and JSON (`weights.npy`, `hashed.npy`,
`meta.json` with the feature and term names) under a SHA256SUMS that `load`
verifies before it reads anything. Scoring is a dot product per candidate:
the work is linear in the number of candidates, which is at most the
number of lines per layout family.
"""

from __future__ import annotations

import logging
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from referat.errors import ModelError
from referat.resources import load_toml, models_dir
from referat.segment.config import Family
from referat.segment.lines import Lines
from referat.segment.titles import clean_title

log = logging.getLogger(__name__)

BACKEND = "heading-logreg"
LABELS = ("other", "heading")
DEFAULT_MODEL = "segmenter"
_ARRAYS = ("weights", "hashed")
_FAR = 200  # lines: "no such candidate" counts as this far away
_PAGE_TOP = 3  # non-blank lines after a page break that count as its top
_EARLY = 0.1  # the share of a document's lines where its head and table of contents stand

DENSE_FEATURES = (
    "rule_score", "shape_weight", "title_below", "case_after", "marker", "blank_before", "section_soon",
    "blank_after", "closed", "echo", "no_letters", "lowercase", "list_word", "capitalised", "sentence",
    "clause", "title_chars", "title_words", "all_caps", "capital_share", "ends_digit", "number_log",
    "number_one", "number_zero", "prev_seen", "prev_gap", "next_seen", "next_gap", "prev_is_minus_one",
    "next_is_plus_one", "prev_distance", "next_distance", "body_lines", "body_sections", "early",
    "same_title", "same_number", "furniture", "indent", "after_section", "after_colon", "page_top",
    "line_chars", "next_is_case", "next_is_section", "starts_digit",
)


@dataclass(frozen=True)
class Combine:
    """How the model's log-odds join the rules' score (configs/segmenter.toml [combine])."""

    rule_weight: float = 1.0
    model_weight: float = 1.0
    clip: float = 8.0


@lru_cache(maxsize=None)
def settings() -> dict:
    return load_toml("segmenter.toml")


def default_combine() -> Combine:
    spec = settings()["combine"]
    return Combine(float(spec["rule_weight"]), float(spec["model_weight"]), float(spec["clip"]))


# --- features -----------------------------------------------------------------


def _word(text: str) -> str:
    """A token as hashed: lower case, digits as 0."""
    return "".join("0" if ch.isdigit() else ch for ch in text.casefold())


def _first_word(lines: Lines, index: int | None) -> str:
    if index is None:
        return "<none>"
    words = lines[index].text.split(maxsplit=1)
    return _word(words[0]) if words else "<blank>"


def _log(value: float) -> float:
    return math.log1p(max(0.0, value))


@dataclass
class Features:
    """Per candidate: dense features (rows of `dense`), the rules' named evidence
    (`Candidate.terms`, where the layout families give it) and hashed token ids."""

    dense: np.ndarray  # shape (n, len(DENSE_FEATURES))
    tokens: list[list[int]] = field(default_factory=list)
    terms: list[dict[str, float]] = field(default_factory=list)

    def matrix(self, term_names: Sequence[str]) -> np.ndarray:
        """The dense features and the named terms, in `term_names` order, side by side."""
        if not term_names:
            return self.dense
        named = np.array([[terms.get(name, 0.0) for name in term_names] for terms in self.terms],
                         dtype=np.float64).reshape(len(self.terms), len(term_names))
        return np.hstack([self.dense, named])

    def subset(self, chosen: np.ndarray) -> Features:
        """The rows where `chosen` is true."""
        return Features(self.dense[chosen], [t for t, c in zip(self.tokens, chosen) if c],
                        [t for t, c in zip(self.terms, chosen) if c])


def candidate_features(cands: Sequence, lines: Lines, family: Family, hash_bits: int,
                       title_words: int = 6) -> Features:
    """The features of a family's candidates (in text order); linear in their number."""
    n = len(cands)
    rows = np.zeros((n, len(DENSE_FEATURES)))
    tokens: list[list[int]] = []
    terms = [dict(getattr(cand, "terms", None) or {}) for cand in cands]
    if not n:
        return Features(rows, tokens, terms)
    size = max(1, len(lines))
    w = family.score
    list_words = w["list_words"]
    numbers = [c.number for c in cands]
    keys: dict[str, int] = {}
    counts: dict[int, int] = {}
    for cand in cands:
        if cand.key:
            keys[cand.key] = keys.get(cand.key, 0) + 1
        counts[cand.number] = counts.get(cand.number, 0) + 1
    # Continuity: where the nearest candidate numbered one less lies before, one more after.
    last_line: dict[int, int] = {}
    prev_gap = [0] * n
    for j, cand in enumerate(cands):
        before = last_line.get(cand.number - 1)
        prev_gap[j] = cand.line - before if before is not None else -1
        last_line[cand.number] = cand.line
    next_line: dict[int, int] = {}
    next_gap = [0] * n
    for j in range(n - 1, -1, -1):
        cand = cands[j]
        after = next_line.get(cand.number + 1)
        next_gap[j] = after - cand.line if after is not None else -1
        next_line[cand.number] = cand.line
    mask = (1 << hash_bits) - 1
    page_lines = lines.page_lines
    furniture = lines.furniture
    for j, cand in enumerate(cands):
        line = lines[cand.line]
        title = clean_title(cand.raw_title)
        text = title.text
        words = text.split()
        head_end = cand.head_end
        nxt_line = cands[j + 1].line if j + 1 < n else len(lines)
        prev_index = lines.prev_nonblank(cand.line)
        next_index = lines.next_nonblank(head_end, min(nxt_line, head_end + 30))
        letters = [ch for ch in text if ch.isalpha()]
        style = cand.style or (False, False, 0, False, False)
        page_top = any(i in page_lines for i in range(max(0, cand.line - _PAGE_TOP), cand.line + 1))
        row = rows[j]
        row[:] = (
            max(-10.0, min(10.0, cand.score)) / 5,
            cand.shape.weight,
            cand.title_line != cand.line,
            style[0], style[1], style[3], style[4],
            head_end + 1 >= len(lines) or lines[head_end + 1].blank,
            title.closed,
            cand.echo is not None,
            not letters,
            bool(text) and text[0].islower(),
            bool(words) and words[0].casefold() in list_words,
            bool(text) and (text[0].isupper() or text[0].isdigit()),
            text.endswith(".") and len(words) >= 3,
            text.endswith((",", ";")),
            min(3.0, len(text) / 100),
            _log(len(words)),
            len(letters) >= 3 and text.isupper(),
            sum(1 for word in words if word[0].isupper()) / len(words) if words else 0.0,
            bool(text) and text[-1].isdigit(),
            _log(cand.number),
            cand.number == 1,
            cand.number == 0,
            prev_gap[j] >= 0,
            _log(prev_gap[j] if prev_gap[j] >= 0 else _FAR),
            next_gap[j] >= 0,
            _log(next_gap[j] if next_gap[j] >= 0 else _FAR),
            j > 0 and numbers[j - 1] == cand.number - 1,
            j + 1 < n and numbers[j + 1] == cand.number + 1,
            _log(cand.line - cands[j - 1].line if j else _FAR),
            _log(nxt_line - cand.line if j + 1 < n else _FAR),
            _log(lines.nonblank_between(head_end + 1, nxt_line)),
            lines.sections_between(head_end + 1, nxt_line) > 0,
            cand.line < size * _EARLY,
            _log(keys.get(cand.key, 1) - 1) if cand.key else 0.0,
            _log(counts[cand.number] - 1),
            cand.line in furniture,
            line.start > lines.begins[cand.line],
            prev_index is not None and lines.section(prev_index) is not None,
            prev_index is not None and lines[prev_index].text.endswith((":", ",")),
            page_top,
            _log(len(line.text)),
            next_index is not None and lines.case_number(next_index) is not None,
            next_index is not None and lines.section(next_index) is not None,
            line.text[0].isdigit(),
        )
        names = [f"w:{_word(word)}" for word in line.text.split()[:title_words]]
        names += [f"first:{_first_word(lines, cand.line)}", f"prev:{_first_word(lines, prev_index)}",
                  f"next:{_first_word(lines, next_index)}", f"title:{_word(words[0]) if words else '<none>'}",
                  f"end:{_word(words[-1]) if words else '<none>'}"]
        tokens.append(sorted({zlib.crc32(name.encode("utf-8")) & mask for name in names}))
    return Features(rows, tokens, terms)


# --- the model ------------------------------------------------------------------


class HeadingModel:
    """Logistic regression over `candidate_features`; `rescore` is detect's hook."""

    backend = BACKEND

    def __init__(self, weights: np.ndarray, hashed: np.ndarray, intercept: float, meta: dict | None = None,
                 combine: Combine | None = None, terms: Sequence[str] = ()):
        self.weights = np.asarray(weights, dtype=np.float64)
        self.hashed = np.asarray(hashed, dtype=np.float64)
        self.intercept = float(intercept)
        self.meta = dict(meta or {})
        self.combine = combine or default_combine()
        self.terms = tuple(terms)  # the rules' evidence terms the model weighs, by name
        self._warned = False
        self.hash_bits = int(math.log2(len(self.hashed))) if len(self.hashed) else 0
        self.title_words = int(self.meta.get("params", {}).get("title_words", settings()["features"]["title_words"]))
        width = len(DENSE_FEATURES) + len(self.terms)
        if self.weights.shape != (width,) or len(self.hashed) != 1 << self.hash_bits:
            raise ModelError(f"heading model arrays of shape {self.weights.shape} / {self.hashed.shape} do not "
                             f"fit {width} features and a power-of-two hash table")

    @property
    def params(self) -> dict:
        """What meta.json records: training settings, the hash width, the feature and term
        names (in the order of `weights`), the intercept."""
        return dict(self.meta.get("params", {})) | {
            "hash_bits": self.hash_bits, "title_words": self.title_words,
            "features": list(DENSE_FEATURES), "terms": list(self.terms), "intercept": self.intercept}

    @property
    def source(self) -> str:
        return f"model:{self.backend}@{self.meta.get('version', '0')}"

    def features(self, cands: Sequence, lines: Lines, family: Family) -> Features:
        return candidate_features(cands, lines, family, self.hash_bits, self.title_words)

    def log_odds(self, features: Features) -> np.ndarray:
        """The model's log-odds that each candidate starts an item."""
        values = features.matrix(self.terms) @ self.weights + self.intercept
        for j, ids in enumerate(features.tokens):
            if ids:
                values[j] += self.hashed[ids].sum()
        return values

    def rescore(self, cands: Sequence, lines: Lines, family: Family) -> None:
        """detect's hook: each candidate's score becomes the rules' and the model's, combined.

        A model that weighs evidence terms the rules do not compute (a model
        trained with other rules) would misjudge every candidate: then the
        rules' scores stand, and a warning says to retrain.
        """
        if not cands or not self._fits(getattr(cands[0], "terms", None) or {}):
            return
        c = self.combine
        odds = np.clip(self.log_odds(self.features(cands, lines, family)), -c.clip, c.clip)
        for cand, value in zip(cands, odds.tolist()):
            cand.score = c.rule_weight * cand.score + c.model_weight * value

    def _fits(self, terms: dict) -> bool:
        """Whether the candidates carry the evidence terms the model was trained on (warned once)."""
        missing = [name for name in self.terms if name not in terms]
        if missing and not self._warned:
            self._warned = True
            log.warning("the heading model weighs evidence the layout rules do not compute (%s): "
                        "finding items by the rules alone; retrain it with `referat train segmenter`",
                        ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else ""))
        return not missing

    # --- persistence: JSON + .npy only ---------------------------------------------

    def save(self, path: str | Path) -> Path:
        from referat.classify.base import seal

        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        for name in _ARRAYS:
            np.save(out / f"{name}.npy", np.ascontiguousarray(getattr(self, name), dtype="<f8"),
                    allow_pickle=False)
        return seal(out, self, labels=LABELS)

    @classmethod
    def load(cls, path: str | Path) -> HeadingModel:
        from referat.classify.base import read_meta

        directory = Path(path)
        meta = read_meta(directory, BACKEND, labels=LABELS)
        names = list(meta.get("params", {}).get("features", []))
        if names != list(DENSE_FEATURES):
            raise ModelError("heading model was trained on other features than this referat computes "
                             "(retrain it with `referat train segmenter`)", path=str(directory))
        try:
            arrays = {name: np.load(directory / f"{name}.npy", allow_pickle=False) for name in _ARRAYS}
            intercept = float(meta["params"]["intercept"])
            terms = [str(name) for name in meta["params"].get("terms", [])]
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise ModelError(f"cannot read heading model ({err})", path=str(directory)) from err
        return cls(arrays["weights"], arrays["hashed"], intercept, meta, terms=terms)


def load_heading_model(name: str | Path | HeadingModel | None = "default") -> HeadingModel | None:
    """"default" (the shipped model), "rules" or None (no model), a model directory, or a model."""
    if name is None or isinstance(name, HeadingModel):
        return name
    if str(name) == "rules":
        return None
    if str(name) == "default":
        return _default_model()
    path = Path(name)
    if not path.is_dir():
        raise ModelError("segmenter must be 'default', 'rules' or a model directory", path=str(name))
    return HeadingModel.load(path)


@lru_cache(maxsize=1)
def _default_model() -> HeadingModel | None:
    path = models_dir() / DEFAULT_MODEL
    if not path.is_dir():
        log.warning("no heading model in %s: finding items by the rules alone", path)
        return None
    return HeadingModel.load(path)


# --- training (scikit-learn, imported only here) ---------------------------------


def fit(features: Sequence[Features], labels: Sequence[np.ndarray], *, hash_bits: int, title_words: int,
        C: float, max_iter: int, seed: int = 0, meta: dict | None = None) -> HeadingModel:
    """A model fitted on feature blocks and their 0/1 labels (one block per document and family)."""
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    terms = sorted({name for f in features for t in f.terms for name in t})
    dense = np.vstack([f.matrix(terms) for f in features if len(f.dense)])
    y = np.concatenate([np.asarray(lab, dtype=np.int8) for f, lab in zip(features, labels) if len(f.dense)])
    if len(set(y.tolist())) < 2:
        raise ValueError(f"{int(y.sum())} headings among {len(y)} candidates: a model needs both")
    indptr, indices = [0], []
    for f in features:
        for ids in f.tokens:
            indices.extend(ids)
            indptr.append(len(indices))
    hashed = sp.csr_matrix((np.ones(len(indices)), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
                           shape=(len(y), 1 << hash_bits))
    # Features are used as they are (flags 0/1, counts and distances on a log scale), not
    # standardised: a flag seldom seen in training then cannot earn a large weight, which
    # matters on layouts the model has not seen, where such a flag may fire on every line.
    x = sp.hstack([sp.csr_matrix(dense), hashed], format="csr")
    model = LogisticRegression(C=C, max_iter=max_iter, random_state=seed, solver="liblinear")
    model.fit(x, y)
    coef = model.coef_[0]
    width = dense.shape[1]
    weights = coef[:width]
    intercept = float(model.intercept_[0])
    info = dict(meta or {}) | {
        "params": {"title_words": title_words, "C": C, "max_iter": max_iter, "seed": seed},
        "n_candidates": int(len(y)), "n_headings": int(y.sum())}
    return HeadingModel(weights, coef[width:], intercept, info, terms=terms)
