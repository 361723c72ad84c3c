"""Segment: meeting metadata and numbered agenda items (with sections) from normalised text.

    seg = segment(text, pages)             # items found by layout detection
    seg = segment(text, pages, structure)  # items as a portal format stated them

Layout detection (`detect`) scores every layout family of configs/layouts/
and keeps the best chain of item headings; `items` cuts the items and their
sections (configs/sections.toml); `meeting` reads the head; `kind` says
whether it is minutes, an agenda or something else (which gets no items).
See ANNOTATION.md §1 and §4 for what an item and the metadata are.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from referat.model import Item, KindEvidence, Meeting, Page, Problem, Structure
from referat.segment.detect import Chain, best_layout, letter_rank, missing_between
from referat.segment.items import build_items, items_from_hints
from referat.segment.kind import Kind, document_kind
from referat.segment.lines import Lines
from referat.segment.meeting import body_of_decisions, head_lines, label_field, read_head

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

    Every readable text gives a segmentation: where no items are found, or the
    document is no minutes nor agenda (`Meeting.kind` "andet"), `warnings`
    say why, and headings that were not kept are named there.

    `heading_model`: the learned model that scores candidate headings with the
    rules ("default": the shipped one; None or "rules": the rules alone; or a
    model directory or a loaded `HeadingModel`).
    """
    lines = Lines(text, (page.start for page in pages or ()))
    warnings: list[Problem] = []
    chain = None
    if structure is not None and structure.items:
        stop = lines.line_at(min(hint.start for hint in structure.items))
        head = read_head(lines, stop)
        meeting = _merge(structure.meeting, head.meeting)
        items = items_from_hints(lines, structure.items, meeting)
        layout = STRUCTURE_LAYOUT
    else:
        from referat.segment.heading_model import load_heading_model  # numpy: only when detecting

        chain = best_layout(lines, len(pages or ()), load_heading_model(heading_model))
        stop = chain.candidates[0].line if chain.candidates else len(lines)
        head = read_head(lines, stop)
        meeting = head.meeting if structure is None else _merge(structure.meeting, head.meeting)
        items = build_items(lines, chain.candidates, chain.family.shapes, meeting)
        layout = chain.family.name if items else NO_LAYOUT
    _absent_from_items(items, head.item_absent)
    kind = document_kind(lines, head_lines(lines, stop), items, meeting.kind, label_field)
    if kind.kind == "andet" and items:
        warnings.extend(_dropped(lines, items, kind.evidence[0]))
        items, layout = [], NO_LAYOUT
        meeting = read_head(lines, len(lines)).meeting
    meeting.kind, meeting.kind_evidence = kind.kind, kind.evidence
    if meeting.body is None:
        meeting.body = body_of_decisions(items)
    if not items:
        warnings.append(Problem("no_items", _why_no_items(kind, chain), "segment"))
    elif chain is not None:
        warnings.extend(_chain_warnings(chain, items))
    return Segmentation(meeting, items, layout, warnings)


_CUE_NAMES = {"email_header": "an e-mail header", "salutation": "a letter's salutation",
              "closing": "a letter's closing", "document_type": "a title naming another kind of document",
              "no_items": "no title naming minutes or an agenda"}


def _is_what(evidence: KindEvidence) -> str:
    """"not minutes or an agenda (an e-mail header: 'Fra: ...')": the reason a document is "andet"."""
    shown = " ".join(evidence.text.split())
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    cue = _CUE_NAMES.get(evidence.cue, evidence.cue)
    return f"not minutes or an agenda ({cue}: {shown!r})" if evidence.start is not None else f"not minutes or an agenda ({cue})"


def _dropped(lines: Lines, items: list[Item], evidence: KindEvidence) -> list[Problem]:
    """One warning per item heading dropped because the document is no minutes."""
    why = _is_what(evidence)
    return [Problem("item_dropped", f"item {item.number}{item.label or ''} {item.title!r} on line "
                    f"{lines.line_at(item.start) + 1} dropped: the document is {why}", "segment")
            for item in items]


def _why_no_items(kind: Kind, chain: Chain | None) -> str:
    if kind.kind == "andet" and kind.evidence[0].cue != "no_items":
        return f"no items: the document is {_is_what(kind.evidence[0])}"
    if chain is None or not chain.considered:
        return "no items: no line has the shape of a numbered item heading"
    return (f"no items: {chain.considered} lines look like numbered item headings, but no numbered "
            f"sequence of them holds up as the agenda")


def _absent_from_items(items: list[Item], ranges: list[tuple[int, int, list[str]]]) -> None:
    """Add the names the head says were absent from some items only ("sag 129-131") to those items."""
    for first, last, names in ranges:
        for item in items:
            if first <= item.number <= last:
                item.absent.extend(n for n in names if n not in item.absent)


def _merge(stated: Meeting, read: Meeting) -> Meeting:
    """The stated metadata, with what it leaves empty read from the text."""
    merged = Meeting()
    for f in fields(Meeting):
        value = getattr(stated, f.name)
        setattr(merged, f.name, value if value not in (None, "", []) else getattr(read, f.name))
    return merged


def _chain_warnings(chain: Chain, items: list[Item]) -> list[Problem]:
    """Gaps in the numbering, a table of contents that lists another number of items, and
    headings with a case number or marker that the chain left out."""
    found = []
    for before, after in zip(items, items[1:]):
        if missing_between(before.number, letter_rank(before.label), after.number, letter_rank(after.label)):
            found.append(Problem("item_number_gap", f"item numbers jump from {before.number}{before.label or ''} "
                                 f"to {after.number}{after.label or ''}", "segment"))
    if items and items[0].number not in (0, 1):
        found.append(Problem("item_number_start", f"the first item is numbered {items[0].number}", "segment"))
    if chain.toc_entries and items and chain.toc_entries != len(items):
        found.append(Problem("toc_mismatch", f"the table of contents lists {chain.toc_entries} items, "
                             f"{len(items)} were found", "segment"))
    for item in items:
        if not item.title:
            found.append(Problem("empty_title", f"item {item.number} has no title", "segment"))
    for cand in chain.skipped:
        found.append(Problem("item_skipped", f"line {cand.number_line + 1} looks like the heading of item "
                             f"{cand.number}{cand.label} {cand.raw_title[:60]!r} but does not fit the "
                             f"numbering of the items found", "segment"))
    return found
