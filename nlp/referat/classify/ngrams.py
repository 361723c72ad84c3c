"""Word and character n-grams of many texts at once, as 64-bit keys, with numpy.

The n-grams are exactly those of scikit-learn's `TfidfVectorizer` with
`lowercase=True` and `analyzer="word"`, `token_pattern=r"(?u)\\b\\w+\\b"`
(words joined by one space), or `analyzer="char_wb"` (character n-grams
inside each whitespace-separated word padded with a space), so a model
trained on either reads the same features. Each n-gram is a polynomial hash
of its characters modulo 2**64,

    key(s) = sum(ord(s[k]) * B**-k for k in range(len(s)))  (mod 2**64, B odd),

computed for every n-gram of a batch from one prefix sum (a sum of a window
is a difference of two prefix sums, shifted by a power of B), so no n-gram
is ever built as a string. `key()` gives the same value for one string: a
vocabulary is a sorted array of keys. Among the few hundred thousand
distinct n-grams of a corpus, two share a key with a probability near 1e-8.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

_BASE = 0x9E3779B97F4A7C15  # odd, so invertible modulo 2**64
_MOD = 1 << 64
_BASE_INV = pow(_BASE, -1, _MOD)
_SPACE = 32
_BMP = 0x10000


def key(text: str) -> int:
    """The key of one n-gram (as `word_ngrams`/`char_wb_ngrams` would give it)."""
    total, power = 0, 1
    for char in text:
        total = (total + ord(char) * power) % _MOD
        power = power * _BASE_INV % _MOD
    return total


def keys(texts: Sequence[str]) -> np.ndarray:
    """`key()` of many strings at once (a vocabulary's terms), as a uint64 array."""
    if not texts:
        return np.zeros(0, dtype=np.uint64)
    ends = np.cumsum([len(t) + 1 for t in texts]) - 1
    starts = ends - np.array([len(t) for t in texts])
    return _window_keys(_prefix(_codes("\n".join(texts))), starts, ends)


class _Powers:
    """B**i and B**-i modulo 2**64 for i < len, grown on demand."""

    def __init__(self) -> None:
        self.up = np.ones(1, dtype=np.uint64)
        self.down = np.ones(1, dtype=np.uint64)

    def upto(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if len(self.up) < n:
            size = max(n, 2 * len(self.up))
            self.up, self.down = (np.concatenate((np.ones(1, dtype=np.uint64),
                                                  np.cumprod(np.full(size - 1, base, dtype=np.uint64))))
                                  for base in (_BASE, _BASE_INV))  # cumprod wraps modulo 2**64
        return self.up, self.down


_powers = _Powers()


@lru_cache(maxsize=1)
def _tables() -> tuple[np.ndarray, np.ndarray]:
    """For every BMP code point: is it a word character (`\\w`), is it whitespace."""
    chars = [chr(c) for c in range(_BMP)]
    word = np.fromiter((c.isalnum() or c == "_" for c in chars), dtype=bool, count=_BMP)
    space = np.fromiter((c.isspace() for c in chars), dtype=bool, count=_BMP)
    return word, space


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _classify(codes: np.ndarray, table: int, test) -> np.ndarray:
    """Per code point, the table's answer (`test` for the rare ones beyond the BMP)."""
    tables = _tables()
    inside = codes < _BMP
    out = tables[table][np.where(inside, codes, 0)]
    if not inside.all():
        for i in np.flatnonzero(~inside):
            out[i] = test(chr(codes[i]))
    return out


def _prefix(codes: np.ndarray) -> np.ndarray:
    """P[k] = sum(codes[j] * B**-j for j < k) modulo 2**64."""
    _, down = _powers.upto(len(codes) + 1)
    prefix = np.zeros(len(codes) + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        np.cumsum(codes.astype(np.uint64) * down[:len(codes)], out=prefix[1:])
    return prefix


def _window_keys(prefix: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The key of each text[start:end], from the prefix sums."""
    up, _ = _powers.upto(int(starts.max(initial=0)) + 1)
    with np.errstate(over="ignore"):
        return (prefix[ends] - prefix[starts]) * up[starts]


def _joined(texts: Sequence[str], sep: str) -> tuple[str, np.ndarray]:
    """The texts lower-cased and joined by `sep`, and where each begins."""
    lowered = [t.lower() for t in texts]
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(t) + len(sep) for t in lowered], out=offsets[1:])
    return sep.join(lowered), offsets[:-1]


def word_ngrams(texts: Sequence[str], n_min: int = 1, n_max: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """(text index, key) of every word n-gram, `n_min` <= n <= `n_max`, of every text."""
    joined, offsets = _joined(texts, "\n")
    codes = _codes(joined)
    is_word = _classify(codes, 0, lambda c: c.isalnum())
    edges = np.flatnonzero(np.diff(np.concatenate(([False], is_word, [False])).astype(np.int8)))
    starts, ends = edges[0::2], edges[1::2]
    doc = np.searchsorted(offsets, starts, side="right") - 1
    token = _window_keys(_prefix(codes), starts, ends)
    length = ends - starts
    out_docs, out_keys = [], []
    gram, gram_len = token, length
    _, down = _powers.upto(int(codes.size) + 2)
    for n in range(1, n_max + 1):
        if n > 1:  # extend each (n-1)-gram by " " and the next token
            if len(gram) <= 1:
                break
            with np.errstate(over="ignore"):
                gram = (gram[:-1] + np.uint64(_SPACE) * down[gram_len[:-1]]
                        + token[n - 1:] * down[gram_len[:-1] + 1])
            gram_len = gram_len[:-1] + 1 + length[n - 1:]
        same_doc = doc[:len(gram)] == doc[n - 1:n - 1 + len(gram)]
        if n >= n_min:
            out_docs.append(doc[:len(gram)][same_doc])
            out_keys.append(gram[same_doc])
    if not out_keys:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    return np.concatenate(out_docs), np.concatenate(out_keys)


def char_wb_ngrams(texts: Sequence[str], n_min: int = 2, n_max: int = 5
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(text index, key) of every character n-gram inside a space-padded word, of every text.

    `n_min` is at most 3, the shortest padded word (scikit-learn counts a
    padded word shorter than `n_min` whole, once; with n_min <= 3 none is).
    """
    if not 1 <= n_min <= 3 or n_max < n_min:
        raise ValueError(f"char n-gram range ({n_min}, {n_max}): n_min must be 1 to 3, n_max >= n_min")
    padded = [" " + "  ".join(words) + " " if (words := t.lower().split()) else "" for t in texts]
    codes = _codes("  ".join(padded) + "  ")
    doc_of = np.repeat(np.arange(len(texts), dtype=np.int64), [len(p) + 2 for p in padded])
    # a window runs from one padded word into the next iff it holds two spaces in a row
    crossings = np.zeros(len(codes), dtype=np.int32)
    np.cumsum((codes[:-1] == _SPACE) & (codes[1:] == _SPACE), out=crossings[1:])
    prefix = _prefix(codes)
    up, _ = _powers.upto(len(codes) + 1)
    out_docs, out_keys = [], []
    for n in range(n_min, n_max + 1):
        m = len(codes) - n + 1  # windows [i, i + n)
        if m <= 0:
            break
        inside = crossings[n - 1:n - 1 + m] == crossings[:m]
        with np.errstate(over="ignore"):
            out_keys.append(((prefix[n:n + m] - prefix[:m]) * up[:m])[inside])
        out_docs.append(doc_of[:m][inside])
    if not out_keys:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    return np.concatenate(out_docs), np.concatenate(out_keys)
