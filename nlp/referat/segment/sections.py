"""Sections of an item: headings from configs/sections.toml and the body under each.

A section runs from just after its heading to the next section heading or the
end of the item. "Beslutning i Økonomiudvalget den 3. maj 2021:" and
"Beslutning: Godkendt." (body on the heading line) are headings too.
"""

from __future__ import annotations

from referat.model import Section
from referat.segment.config import fold, sections as vocabulary
from referat.segment.lines import Lines


def kind_of(heading: str) -> str:
    """The canonical kind of a heading as printed ("Sagsresumé" -> "resume"), else "other"."""
    vocab = vocabulary()
    text = heading.strip()
    kind = vocab.exact.get(fold(text.rstrip(":.").rstrip()))
    if kind:
        return kind
    for pattern, kind, _ in vocab.patterns:
        if pattern.match(text):
            return kind
    return "other"


def cut_sections(lines: Lines, first_line: int, stop_line: int, end: int) -> list[Section]:
    """The sections whose headings lie on lines [first_line, stop_line); the last ends at `end`."""
    heads = [(i, head) for i in range(first_line, min(stop_line, len(lines))) if (head := lines.section(i))]
    text = lines.text
    found = []
    for pos, (index, head) in enumerate(heads):
        stop = lines[heads[pos + 1][0]].start if pos + 1 < len(heads) else end
        start = head.body
        while start < stop and text[start].isspace():
            start += 1
        body_end = stop
        while body_end > start and text[body_end - 1].isspace():
            body_end -= 1
        found.append(Section(head.heading, head.kind, start, body_end))
    return found
