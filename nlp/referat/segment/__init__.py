"""Segment: meeting metadata and numbered agenda items (with sections) from normalised text.

    seg = segment(text, pages)             # items found by layout detection
    seg = segment(text, pages, structure)  # items as a portal format stated them

Layout detection (`detect`) scores every layout family of configs/layouts/
and keeps the best chain of item headings; `items` cuts the items and their
sections (configs/sections.toml); `meeting` reads the head. See ANNOTATION.md
§1 and §4 for what an item and the metadata are.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from referat.model import Item, Meeting, Page, Problem, Structure
from referat.segment.detect import Chain, best_layout
from referat.segment.items import build_items, items_from_hints
from referat.segment.lines import Lines
from referat.segment.meeting import body_of_decisions, read_meeting

if TYPE_CHECKING:
    from referat.segment.heading_model import HeadingModel

log = logging.getLogger(__name__)

STRUCTURE_LAYOUT = "structure"  # the layout name when a structured format gave the items
NO_LAYOUT = "none"


@dataclass
class Segmentation:
    """What segment found: metadata, items (with sections and absent), the layout, warnings."""

    meeting: Meeting
    items: list[Item]
    layout: str
    warnings: list[Problem] = field(default_factory=list)


def segment(text: str, pages: list[Page] | None = None, structure: Structure | None = None,
            heading_model: HeadingModel | str | None = "default") -> Segmentation:
    """Meeting metadata and items of a normalised text (offsets index `text`).

    `heading_model`: the learned model that scores candidate headings with the
    rules ("default": the shipped one; None or "rules": the rules alone; or a
    model directory or a loaded `HeadingModel`).
    """
    lines = Lines(text, (page.start for page in pages or ()))
    warnings: list[Problem] = []
    if structure is not None and structure.items:
        first = min(hint.start for hint in structure.items)
        meeting = _merge(structure.meeting, read_meeting(lines, lines.line_at(first)))
        items = items_from_hints(lines, structure.items, meeting)
        layout = STRUCTURE_LAYOUT
    else:
        from referat.segment.heading_model import load_heading_model  # numpy: only when detecting

        chain = best_layout(lines, len(pages or ()), load_heading_model(heading_model))
        stop = chain.candidates[0].line if chain.candidates else len(lines)
        meeting = read_meeting(lines, stop)
        if structure is not None:
            meeting = _merge(structure.meeting, meeting)
        items = build_items(lines, chain.candidates, chain.family.shapes, meeting)
        layout = chain.family.name if items else NO_LAYOUT
        warnings.extend(_chain_warnings(chain, items))
    if meeting.kind is None and any(item.section("beslutning") for item in items):
        meeting.kind = "referat"
    if meeting.body is None:
        meeting.body = body_of_decisions(items)
    return Segmentation(meeting, items, layout, warnings)


def _merge(stated: Meeting, read: Meeting) -> Meeting:
    """The stated metadata, with what it leaves empty read from the text."""
    merged = Meeting()
    for f in fields(Meeting):
        value = getattr(stated, f.name)
        setattr(merged, f.name, value if value not in (None, "", []) else getattr(read, f.name))
    return merged


def _chain_warnings(chain: Chain, items: list[Item]) -> list[Problem]:
    """Gaps in the numbering, and a table of contents that lists another number of items."""
    found = []
    for before, after in zip(items, items[1:]):
        if after.number != before.number + 1:
            found.append(Problem("item_number_gap",
                                 f"item numbers jump from {before.number} to {after.number}", "segment"))
    if items and items[0].number not in (0, 1):
        found.append(Problem("item_number_start", f"the first item is numbered {items[0].number}", "segment"))
    if chain.toc_entries and items and chain.toc_entries != len(items):
        found.append(Problem("toc_mismatch", f"the table of contents lists {chain.toc_entries} items, "
                             f"{len(items)} were found", "segment"))
    for item in items:
        if not item.title:
            found.append(Problem("empty_title", f"item {item.number} has no title", "segment"))
    return found
