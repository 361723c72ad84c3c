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
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from referat.resources import config_path

TABLE = "lemmas/da_lemma_lookup.json.gz"


@lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    """Word form -> lemma, read once per process."""
    with gzip.open(config_path(TABLE), "rt", encoding="utf-8") as f:
        return json.load(f)


def lemma(word: str) -> str:
    """The lemma of one word form: as printed, else in lower case, else the word itself."""
    table = lemma_table()
    return table.get(word) or table.get(word.lower()) or word


def is_danish_word(word: str) -> bool:
    """Is the word (in lower case) a Danish word form the table knows?"""
    return word.lower() in lemma_table()


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
    table = lemma_table()
    w = word.lower()
    return any(w[cut:] in table for cut in range(3, len(w) - 3))


@lru_cache(maxsize=16384)
def _compound(word: str, depth: int) -> bool:
    table = lemma_table()
    if depth > 3:
        return False
    for cut in range(3, len(word) - 3):
        head = word[cut:]
        if head not in table:
            continue
        prefix = word[:cut]
        for stem in (prefix, prefix[:-1] if prefix[-1:] in "se" else None):
            if stem and len(stem) >= 3 and (stem in table or _compound(stem, depth + 1)):
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
