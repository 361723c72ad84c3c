"""Item sections from heading lines, with canonical kinds.

A section runs from the line after its heading to the line before the next
heading. Its `kind` comes from the heading words, looked up in the
vocabulary segment uses for printed headings (configs/sections.toml).
"""

from __future__ import annotations

from collections.abc import Sequence

from referat.ingest.lines import Heading
from referat.model import Section


_QUALIFIERS = ("ny supplerende ", "supplerende ", "opdateret ", "revideret ")
"""Words before a heading that do not change its kind ("Supplerende indstilling")."""


def section_kind(heading: str) -> str:
    """The canonical kind of a section heading ("other" when none fits).

    segment's `kind_of` decides (configs/sections.toml), so a portal field
    and a printed heading get the same kind; a qualifier in front
    ("Supplerende indstilling") does not change it.
    """
    from referat.segment.sections import kind_of

    kind = kind_of(heading)
    words = " ".join(heading.split())
    for qualifier in _QUALIFIERS:
        if kind == "other" and words.lower().startswith(qualifier):
            kind = kind_of(words[len(qualifier):])
    return kind


def is_section_heading(heading: str) -> bool:
    """Short and not a sentence: a heading line, not a paragraph set in <h3>."""
    from referat.segment.config import sections

    text = heading.strip()
    return 0 < len(text) <= sections().max_chars and not text.endswith(".")


def sections_from_headings(headings: Sequence[Heading], end: int) -> list[Section]:
    """Sections whose bodies run up to the next section heading, the last up to `end`.

    Offsets are those of the written text, where every line ends in "\\n".
    A heading of a known kind starts a section; an unknown one ("Nye ruter",
    a sub-heading inside a Sagsbeskrivelse) only where no section is open,
    and otherwise stays part of the open section's body. A heading with
    nothing under it (a container like "Fremstilling") gives no section.
    """
    starts: list[tuple[Heading, str]] = []
    for heading in headings:
        if not is_section_heading(heading.text):
            continue
        kind = section_kind(heading.text)
        if kind != "other" or not starts:
            starts.append((heading, kind))
    sections: list[Section] = []
    for i, (heading, kind) in enumerate(starts):
        body_start = heading.end + 1
        body_end = starts[i + 1][0].start - 1 if i + 1 < len(starts) else end
        if body_end > body_start:
            sections.append(Section(heading.text, kind, body_start, body_end))
    return sections
