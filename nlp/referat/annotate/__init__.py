"""Annotate: entities with normalised values (ANNOTATION.md §3).

One finder module per label, each a few compiled regexes over the whole text
and a normaliser (eyecite's habit: patterns built once from data tables in
configs/):

    amounts.py        AMOUNT        20 mio. kr. -> {"value": 20000000.0, "currency": "DKK"}
    laws.py           LAW           aktivlovens § 13 d, stk. 5 -> {"act": "aktivloven", ...}
    committees.py     COMMITTEE     Byrådets -> {"name": "Byrådet"}
    persons.py        PERSON/PARTY  Morten Hass Augustsen (V) -> {"name": ..., "party": "V"}
    case_numbers.py   CASE_NUMBER   330-2017-90442
    backends.py       the shipped NER model, DaCy, any spaCy pipeline (--ner)
    gate.py           the lines the rules leave unexplained (where the model runs)
    danplus.py        DaN+ (nested Danish NER data) read as flat sentences
    ner.py            trains the NER model on DaN+ and referat records (`referat train ner`)
    lemmas.py         Danish lemmas on token.lemma_ from a lookup table

`load_annotator()` is what the pipeline uses; `load_nlp()` gives the same
rules as a spaCy `Language` (components in `referat.components`).
"""

from __future__ import annotations

from functools import lru_cache

from referat.annotate.annotator import Annotator


@lru_cache(maxsize=8)
def load_annotator(ner: str = "model", trust_model: bool = False) -> Annotator:
    """The annotator for a `--ner` choice, loaded once per process.

    `ner`: "model" (the default: rules, then the Danish NER model in models/ner
    where the rules leave a line unexplained), "rules" (rules and gazetteers
    only), "dacy" or "dacy:<model>" (an installed DaCy model),
    or the path of a spaCy pipeline whose PER/ORG/LOC entities are merged in.
    A pipeline that is not referat's own (DaCy, a path) can run code when it
    loads: it needs `trust_model=True`.
    """
    return Annotator(ner, trust_model)


def load_nlp(ner: str = "model", trust_model: bool = False):
    """A spaCy `Language` (blank Danish + referat components) for notebooks.

    Entities land in `doc.spans["referat"]` (labels may overlap each other)
    with the normalised value on `span._.norm`; `doc._.referat_context` may
    carry a `DocumentContext` (names the document lists) before the call.
    """
    from referat.components import build_nlp

    return build_nlp(ner, trust_model)


__all__ = ["Annotator", "load_annotator", "load_nlp"]
