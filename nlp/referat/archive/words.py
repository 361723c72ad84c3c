"""Danish words as the archive's full-text index holds them: exact forms and stems.

The index keeps every item's words as printed (lower-cased, FTS5's
`unicode61` tokenizer does that) for phrases, prefixes and quoted words, and
beside them the stems of the words a stem changes; a plain word is searched
as its stem in both, so that `bevilling` finds `bevillingen`,
`bevillinger` and `bevillingernes`. Stems are Snowball's Danish stemmer (in
C, from PyStemmer: a new word costs microseconds, and each is stemmed once),
the one Lucene's Danish analyzer (and so the OpenSearch export) uses, with
its known slips: `budget` → `budg` but `budgettet` → `budget`, `godkende` →
`godk` but `godkendt` → `godkend` (a prefix, `budget*`, takes in both). A
second pass would join those and split far more (`oversigt` → `over`).

A word is a run of letters and digits (`18/58627` is two words, `§` none),
which is how `unicode61` splits text, so the stems of a query and of the
text it searches are cut the same way.
"""

from __future__ import annotations

import re

import Stemmer as snowball

WORD = re.compile(r"[^\W_]+")


def stemmer_id() -> str:
    """Names the stems an archive was built with: stems another stemmer made
    cannot be deleted from a contentless index, so a change means a rebuild."""
    from importlib.metadata import version

    return f"snowball-danish/pystemmer-{version('PyStemmer')}"

_CACHE_LIMIT = 500_000


class Stemmer:
    """Danish stems, cached per word (an archive's vocabulary is small next to its text)."""

    def __init__(self) -> None:
        self._stem_word = snowball.Stemmer("danish", 0).stemWord  # PyStemmer: C; its own cache off
        self._stems: dict[str, str] = {}
        self._chunks: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        """The stem of one lower-case word."""
        stem = self._stems.get(word)
        if stem is None:
            stem = _bounded(self._stems)[word] = self._stem_word(word)
        return stem

    def text(self, text: str | None) -> str:
        """The stems of the words of `text` that a stem changes (`bevillingen` →
        `bevilling`; `bevilling` itself is left out), in order, separated by
        spaces. A plain word is searched in the words as printed and in these
        stems together, so the index holds each unchanged word once."""
        if not text:
            return ""
        # Whitespace-separated chunks ("Byrådets,", "18/58627") are looked up whole,
        # in C (map over dict.get): several times faster than a word regex.
        chunks = text.split()
        stems = list(map(self._chunks.get, chunks))
        if None in stems:
            stems = [stem if stem is not None else self._chunk(chunk) for stem, chunk in zip(stems, chunks)]
        return " ".join(filter(None, stems))

    def _chunk(self, chunk: str) -> str:
        stems = " ".join(stem for word in words(chunk) if (stem := self(word)) != word)
        _bounded(self._chunks)[chunk] = stems
        return stems


def _bounded(cache: dict[str, str]) -> dict[str, str]:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    return cache


def words(text: str) -> list[str]:
    """The lower-case words of `text`."""
    return WORD.findall(text.lower())
