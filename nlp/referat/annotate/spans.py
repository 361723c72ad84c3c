"""Helpers every finder shares: making spans, dropping overlaps, whitespace.

A finder returns `model.Span`s whose offsets index the text it was given;
`text[start:end] == span.text` always holds (the property tests check it).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from referat.model import Span

_WS = re.compile(r"\s+")
_MARKER = re.compile(r"\[([A-Z_]+) ([^\[\]]+)\]")


def squash(text: str) -> str:
    """Collapse runs of whitespace (line breaks inside a name) to one space."""
    return _WS.sub(" ", text).strip()


def make_span(text: str, label: str, start: int, end: int, norm: dict | None, source: str) -> Span:
    return Span(label=label, start=start, end=end, text=text[start:end], norm=norm, source=source)


def without_overlaps(spans: Iterable[Span]) -> list[Span]:
    """Per label, keep the longest of overlapping spans (the earliest on ties).

    Spans of different labels may overlap (ANNOTATION.md §3 forbids overlap
    only within one label).
    """
    spans = sorted(spans, key=lambda s: (s.start, s.end, s.label))
    ends: dict[str, int] = {}
    for span in spans:  # the common case: nothing overlaps, nothing to choose
        if span.end <= span.start or ends.get(span.label, -1) > span.start:
            break
        ends[span.label] = span.end
    else:
        return spans
    by_label: dict[str, list[Span]] = {}
    for span in spans:
        by_label.setdefault(span.label, []).append(span)
    kept: list[Span] = []
    for group in by_label.values():
        group.sort(key=lambda s: (s.start - s.end, s.start))
        starts: list[int] = []  # kept intervals of this label, sorted, disjoint
        stops: list[int] = []
        for span in group:
            if span.end <= span.start:
                continue
            k = bisect.bisect_right(starts, span.start)
            if k and stops[k - 1] > span.start:  # the kept interval before overlaps
                continue
            if k < len(starts) and starts[k] < span.end:  # the one after overlaps
                continue
            starts.insert(k, span.start)
            stops.insert(k, span.end)
            kept.append(span)
    kept.sort(key=lambda s: (s.start, s.end, s.label))
    return kept


def overlaps_any(start: int, end: int, spans: Iterable[Span]) -> bool:
    return any(start < s.end and s.start < end for s in spans)


def from_markers(marked: str) -> tuple[str, list[tuple[str, int, int]]]:
    """Inline markers to text and spans (eyecite's test habit).

    `"Bevilling på [AMOUNT 20 mio. kr.]"` -> `("Bevilling på 20 mio. kr.", [("AMOUNT", 13, 24)])`.
    """
    text, spans, pos = [], [], 0
    length = 0
    for m in _MARKER.finditer(marked):
        text.append(marked[pos:m.start()])
        length += m.start() - pos
        spans.append((m.group(1), length, length + len(m.group(2))))
        text.append(m.group(2))
        length += len(m.group(2))
        pos = m.end()
    text.append(marked[pos:])
    return "".join(text), spans
