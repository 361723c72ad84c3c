"""CASE_NUMBER: journal and case numbers (sagsnumre), as printed.

Shapes that are case numbers wherever they stand:

    330-2017-90442        municipality-year-serial (Slagelse, many ESDH systems)
    EMN-2025-003383       prefix-year-serial (Aarhus and others)
    00.01.00-A00-1-19     KLE journal plan number, facet, serial, year
    21-014448             two-digit year, six-digit serial (Greve)

Shapes that are case numbers only after a cue ("Sagsnr.:", "J.nr.",
"Sag nr.", "Journalnr.") or where the document prints them with an item:
`19/7556`, `2012-28504` (which could be a year range or a date otherwise).
A number after "Dok.nr." is a document number: `{"kind": "document"}`.

Normalised value: `{"value": <the number as printed>}` (+ `"kind"`).
"""

from __future__ import annotations

import re

from referat.annotate.context import DocumentContext
from referat.annotate.scan import finditer_in, literal_hits, whole_words, windows
from referat.annotate.spans import make_span, without_overlaps
from referat.model import Span

SOURCE = "rules:case_number"

_STRONG = re.compile(
    r"(?<![\w./-])(?:\d{3}-\d{4}-\d{3,8}|[A-ZÆØÅ]{2,5}-\d{4}-\d{3,8}"
    r"|\d{2}\.\d{2}\.\d{2}-[A-ZÆØÅ]\d{2}-\d+-\d{2}|\d{2}-\d{6})(?![\w/-]|\.\d)"
)
_CUED = re.compile(
    r"(?P<cue>[Ss]ags?\.?[ \t]*n(?:umme)?r\.?|[Ss]agsnummer|[Jj]\.?[ \t]*nr\.?"
    r"|[Jj]ournal[ \t]*n(?:umme)?r\.?|[Jj]our\.[ \t]*nr\.?|[Dd]ok(?:ument)?\.?[ \t]*nr\.?"
    r"|SAGSNR\.?|J\.NR\.?)[ \t]*:?[ \t]*"
    # bounded, so that a run of letters after a cue is not searched for a digit end to end
    r"(?P<number>[A-ZÆØÅ0-9][\w.]{0,24}(?:[-/][\w.]{1,24}){0,4})"
)
# Prefilters (scan.py): every cue holds "nr"/"nummer"/"NR"; every strong shape a hyphen
# before a digit.
_CUE_TRIGGERS = ("nr", "nummer", "NR")
_HYPHEN_DIGIT = re.compile(r"-\d")


def find_case_numbers(text: str, context: DocumentContext | None = None) -> list[Span]:
    """Case numbers in `text`: strong shapes, cued numbers, the items' own numbers."""
    context = context or DocumentContext()
    spans: list[Span] = []
    cues = literal_hits(text, _CUE_TRIGGERS)
    for m in finditer_in(_CUED, text, windows(text, cues, 16, 40)):
        number = m.group("number").rstrip(".")
        if not any(c.isdigit() for c in number):
            continue
        norm = {"value": number}
        if m.group("cue").lower().startswith("dok"):
            norm["kind"] = "document"
        start = m.start("number")
        spans.append(make_span(text, "CASE_NUMBER", start, start + len(number), norm, SOURCE))
    hyphens = [m.start() for m in _HYPHEN_DIGIT.finditer(text)]
    for m in finditer_in(_STRONG, text, windows(text, hyphens, 12, 16)):
        spans.append(make_span(text, "CASE_NUMBER", m.start(), m.end(), {"value": m.group()}, SOURCE))
    for start, end, number in whole_words(text, context.case_numbers):
        spans.append(make_span(text, "CASE_NUMBER", start, end, {"value": number}, SOURCE))
    return without_overlaps(spans)
