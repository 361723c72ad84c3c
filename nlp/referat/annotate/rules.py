"""All rule finders over one text, in one call: what `--ner rules` runs.

The finders need no tokenizer: each is a few compiled regexes over the whole
text plus a little Python per candidate, so tagging costs a fraction of
segmenting (bench/bench_annotate.py measures it).
"""

from __future__ import annotations

from collections.abc import Callable

from referat.annotate.amounts import find_amounts
from referat.annotate.case_numbers import find_case_numbers
from referat.annotate.committees import find_committees
from referat.annotate.context import DocumentContext
from referat.annotate.laws import find_laws
from referat.annotate.persons import find_persons
from referat.model import Span

Finder = Callable[[str, DocumentContext], list[Span]]

FINDERS: dict[str, Finder] = {
    "case_numbers": find_case_numbers,
    "amounts": lambda text, context: find_amounts(text),
    "laws": lambda text, context: find_laws(text),
    "committees": find_committees,
    "persons": find_persons,  # PERSON and PARTY
}
"""Finder per component name; `components.py` registers one spaCy factory each."""


def find_entities(text: str, context: DocumentContext | None = None) -> list[Span]:
    """Every rule span in `text`, sorted by offset (labels may overlap each other)."""
    context = context or DocumentContext()
    spans: list[Span] = []
    for finder in FINDERS.values():
        spans.extend(finder(text, context))
    spans.sort(key=lambda s: (s.start, s.end, s.label))
    return spans
