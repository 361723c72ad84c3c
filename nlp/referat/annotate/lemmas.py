"""Danish lemmas on `token.lemma_`, from a lookup table (configs/lemmas).

    nlp = referat.load()
    [t.lemma_ for t in nlp("Kommunerne bevilgede pengene")]
    # ['kommune', 'bevilge', 'penge']

spaCy's own `lemmatizer` in lookup mode looks a token up as printed only, so
a Danish sentence's first word never finds its lemma; this component looks
up the printed form, then the lower-case one, and leaves forms the table does
not know (names, new compounds) as printed. The table (spacy-lookups-data's
Danish table, MIT) is read once per process, the first time it is needed, so
a pipeline that never lemmatises pays nothing for it.

The table is stored as two parallel word lists, the forms and their lemmas,
sorted by form, because most runs only ask whether a word is Danish. The
forms are first searched where they lie (a binary search of the sorted list,
some microseconds a word), and made into a set only once a run has asked
often enough for the set to pay: one small file asks a few hundred times,
and a set of 553,116 words costs 0.15 s and 70 MB to build, most of what
such a file costs to process.

    python -m referat.annotate.lemmas da_lemma_lookup.json.gz configs/lemmas

rebuilds the two lists from spacy-lookups-data's JSON table.
"""

from __future__ import annotations

import gzip
import json
import sys
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from referat.resources import config_path

FORMS = "lemmas/da_lemma_forms.txt.gz"
LEMMAS = "lemmas/da_lemma_lemmas.txt.gz"


_SET_AFTER = 5_000  # look-ups of the sorted list before the words are made a set


def _text(name: str) -> str:
    with gzip.open(config_path(name), "rb") as f:
        return f.read().decode("utf-8")


class DanishWords:
    """The table's word forms: `word in words`, by binary search of the sorted list
    until `_SET_AFTER` look-ups, then in a set."""

    def __init__(self, text: str):
        self._text = text  # "\n"-joined forms in code-point order
        self._set: frozenset[str] | None = None
        self._lookups = 0

    def __contains__(self, word: object) -> bool:
        if self._set is not None:
            return word in self._set
        self._lookups += 1
        if self._lookups > _SET_AFTER:
            self._set = frozenset(self._text.split("\n"))
            return word in self._set
        return isinstance(word, str) and bool(word) and "\n" not in word and _in_sorted(self._text, word)


def _in_sorted(text: str, word: str) -> bool:
    """Is `word` a line of `text`, whose lines are sorted? Bisects on character offsets."""
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi) // 2
        start = text.rfind("\n", lo, mid) + 1 or lo  # the line holding `mid`, within [lo, hi)
        end = text.find("\n", mid, hi)
        end = hi if end < 0 else end
        line = text[start:end]
        if line == word:
            return True
        if line < word:
            lo = end + 1
        else:
            hi = max(start - 1, lo)
    return False


@lru_cache(maxsize=1)
def danish_words() -> DanishWords:
    """Every word form the table knows, read once per process."""
    return DanishWords(_text(FORMS))


@lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    """Word form -> lemma, read once per process."""
    forms, lemmas = _text(FORMS).split("\n"), _text(LEMMAS).split("\n")
    if len(forms) != len(lemmas):
        raise ValueError(f"the lemma table's lists differ in length ({len(forms):,} forms, "
                         f"{len(lemmas):,} lemmas): rebuild them (python -m referat.annotate.lemmas)")
    return dict(zip(forms, lemmas))


def write_table(table: dict[str, str], directory: Path) -> None:
    """Store a form -> lemma table as referat's two parallel word lists, sorted by form."""
    if any("\n" in word or not word for pair in table.items() for word in pair):
        raise ValueError("a form or lemma is empty or holds a line break")
    forms = sorted(table)
    for name, words in ((FORMS, forms), (LEMMAS, [table[form] for form in forms])):
        path = Path(directory) / Path(name).name
        path.write_bytes(gzip.compress("\n".join(words).encode("utf-8"), compresslevel=9, mtime=0))


def lemma(word: str) -> str:
    """The lemma of one word form: as printed, else in lower case, else the word itself."""
    table = lemma_table()
    return table.get(word) or table.get(word.lower()) or word


def is_danish_word(word: str) -> bool:
    """Is the word (in lower case) a Danish word form the table knows?"""
    return word.lower() in danish_words()


def is_compound(word: str) -> bool:
    """Is the word a Danish compound of dictionary words ("Centerledelsen",
    "Arbejdsmarkedsdirektøren", "Mødedato"), with a linking s or e allowed?

    The last part must have four letters or more, every other part three or more.
    """
    return _compound(word.lower(), 0)


def ends_in_word(word: str) -> bool:
    """Does the word end in a Danish dictionary word of four letters or more after three
    letters or more ("Stokholtbuen", "Sønderborg")? Place names are built so; surnames
    rarely ("Christiansen", "Kjærsgaard" do not)."""
    words = danish_words()
    w = word.lower()
    return any(w[cut:] in words for cut in range(3, len(w) - 3))


@lru_cache(maxsize=16384)
def _compound(word: str, depth: int) -> bool:
    words = danish_words()
    if depth > 3:
        return False
    for cut in range(3, len(word) - 3):
        head = word[cut:]
        if head not in words:
            continue
        prefix = word[:cut]
        for stem in (prefix, prefix[:-1] if prefix[-1:] in "se" else None):
            if stem and len(stem) >= 3 and (stem in words or _compound(stem, depth + 1)):
                return True
    return False


class Lemmatizer:
    """Sets `token.lemma_` from the lookup table."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        table = lemma_table()
        for token in doc:
            text = token.text
            token.lemma_ = table.get(text) or table.get(token.lower_) or text
        return doc


@Language.factory("referat_lemmas", assigns=["token.lemma"], default_score_weights={})
def make_lemmas(nlp: Language, name: str) -> Lemmatizer:
    return Lemmatizer(name)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m referat.annotate.lemmas SOURCE.json.gz DIRECTORY")
    with gzip.open(sys.argv[1], "rt", encoding="utf-8") as source:
        write_table(json.load(source), Path(sys.argv[2]))
