"""Annotation units: the slices of a document that an annotator sees as tasks.

Every export format cuts a document the same way: one unit per item, and one
per stretch of non-blank text outside the items (the meeting header with its
participants, a closing signature block), so that document-level entities
travel too. A unit's spans are relative to its text. Each unit carries a
`meta` block (document identity, meeting, the item's header, the spans as
exported with their normalised values) so that an import needs nothing but
the file an annotation tool gives back: `assemble()` puts the units together
into `Document`s again.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from referat import __version__
from referat.export.report import ImportReport
from referat.model import ITEM_TYPES, Classification, Document, Item, Meeting, Span

log = logging.getLogger(__name__)

META_KEY = "referat"
"""The key under which every exported task carries its unit's `meta`."""

_ITEM_HEADER_DROP = ("entities", "type", "classification")
HUMAN = "human"  # Classification.source of a type a person set or confirmed
HEADING_LINES = 3  # a heading, and a title some layouts repeat below it
_META_REQUIRED = ("doc_id", "sha256", "source", "format", "length", "offset")


@dataclass
class Unit:
    """One item, or one stretch of text outside the items, of a document."""

    document: Document
    start: int
    end: int
    item: Item | None
    spans: list[Span] = field(default_factory=list)  # relative to `text`

    @property
    def text(self) -> str:
        return self.document.text[self.start:self.end]

    @property
    def item_type(self) -> str | None:
        return self.item.type if self.item else None

    @property
    def caption(self) -> str:
        """A short human name for the task: `3. Title` or `text at 0`."""
        if self.item:
            return f"{self.item.number}. {self.item.title}"
        return f"text at {self.start}"

    def meta(self, *, with_spans: bool = True) -> dict[str, Any]:
        """JSON-safe identity of the unit; `assemble()` rebuilds documents from it.

        `with_spans` keeps the exported spans with their producer and
        normalised value, so that spans an annotator left alone get both back.
        """
        doc = self.document
        meta: dict[str, Any] = {
            "doc_id": doc.doc_id,
            "sha256": doc.sha256,
            "source": doc.source,
            "format": doc.format,
            "layout": doc.layout,
            "length": len(doc.text),
            "offset": self.start,
            "meeting": doc.meeting.to_dict(),
            "item": None,
        }
        if self.item:
            header = self.item.to_dict()
            for key in _ITEM_HEADER_DROP:
                header.pop(key)
            meta["item"] = header
            meta["type"] = self.item.type
            meta["classification"] = (self.item.classification.to_dict()
                                      if self.item.classification else None)
        if with_spans:
            meta["spans"] = [[s.start, s.end, s.label, s.source, s.norm] for s in self.spans]
        return meta

    @property
    def training_text(self) -> str:
        """The text a model may learn the item type from: the printed type marker
        (`(B)`, `Til beslutning`), which is the label itself, cut out of the
        heading lines (ANNOTATION.md §2)."""
        from referat.classify.features import strip_marker

        lines = self.text.split("\n")
        for i, line in enumerate(lines[:HEADING_LINES]):
            bare, marker = strip_marker(line)
            if marker is not None:
                lines[i] = bare
        return "\n".join(lines)


def decision_of(item: Item) -> dict[str, Any] | None:
    """The item's decision as the record holds it (ANNOTATION.md §6), whether the
    model keeps it as a dict or as a dataclass with `to_dict()`."""
    decision = getattr(item, "decision", None)
    return decision.to_dict() if hasattr(decision, "to_dict") else decision


def printed_page(doc: Document, offset: int) -> int | None:
    """The page a reader would turn to: for paged inputs (a PDF, or more than one
    page) the page holding `offset`; None for a text that is one long page."""
    if doc.format != "pdf" and len(doc.pages) < 2 and not any(p.ocr for p in doc.pages):
        return None
    return doc.page_of(offset)


def units(doc: Document) -> list[Unit]:
    """The document's items and the non-blank text around them, in text order.

    Every entity lands in the unit that contains it; one that crosses a unit
    boundary (a segmentation slip) cannot be a task span and is dropped with a
    warning.
    """
    cuts: list[Unit] = []
    position = 0
    for item in sorted(doc.items, key=lambda i: i.start):
        if doc.text[position:item.start].strip():
            cuts.append(Unit(doc, position, item.start, None))
        cuts.append(Unit(doc, item.start, item.end, item))
        position = max(position, item.end)
    if doc.text[position:].strip():
        cuts.append(Unit(doc, position, len(doc.text), None))

    starts = [u.start for u in cuts]
    for span in doc.all_entities():
        index = bisect.bisect_right(starts, span.start) - 1
        unit = cuts[index] if index >= 0 else None
        if unit is None or span.end > unit.end:
            log.warning("%s: %s %r at [%d, %d) crosses an item boundary; not exported",
                        doc.source, span.label, span.text, span.start, span.end)
            continue
        unit.spans.append(replace(span, start=span.start - unit.start, end=span.end - unit.start))
    return cuts


@dataclass
class Part:
    """A unit as an annotation file gives it back: its meta, text and labels.

    `spans` is None where the task says nothing about spans (a text
    classification task): the unit keeps the spans it was exported with.
    `typed` says whether a person answered the item-type question; where
    nobody did, the item keeps the type and classification it was exported
    with (which `referat train` does not take for a person's label). Where
    several parts give the same unit (a Prodigy `ner_manual` file and a
    `textcat` file, or a second pass), spans come from the last part that has
    spans and the type from the last part that answered it.
    """

    meta: dict[str, Any]
    text: str
    spans: list[Span] | None
    item_type: str | None
    typed: bool = True
    reviewed: bool = True  # False: no human answer recorded (predictions only)
    where: str = ""  # "task 12", "line 3": for the report


def meta_of(task: dict[str, Any], report: ImportReport, where: str) -> dict[str, Any] | None:
    """The referat meta block of a task, or None (reported) where it is missing."""
    meta = task.get(META_KEY)
    if meta is None and isinstance(task.get("meta"), dict):
        meta = task["meta"].get(META_KEY)
    if not isinstance(meta, dict):
        report.skip_record("no referat metadata (not a task `referat export` wrote, or the "
                           "metadata was dropped)", where, fault=True)
        return None
    missing = [key for key in _META_REQUIRED if key not in meta]
    if missing:
        report.skip_record(f"referat metadata lacks {', '.join(missing)}", where, fault=True)
        return None
    return meta


def assemble(parts: Iterable[Part], path: str, report: ImportReport, *,
             reviewed_only: bool = False) -> Iterator[Document]:
    """Documents (gold records) from annotated units, in the order first seen.

    Text the file does not cover (units nobody annotated) is left blank, so
    offsets stay those of the original document.
    """
    grouped: dict[str, dict[int, Part]] = {}
    for part in parts:
        if reviewed_only and not part.reviewed:
            report.skip_record("no human answer (--reviewed-only)")
            continue
        units_of = grouped.setdefault(part.meta["doc_id"], {})
        offset = part.meta["offset"]
        units_of[offset] = _merged(units_of.get(offset), part)
    for doc_parts in grouped.values():
        yield _document(sorted(doc_parts.values(), key=lambda p: p.meta["offset"]), path, report)


def _merged(earlier: Part | None, later: Part) -> Part:
    if earlier is None:
        return later
    return replace(later,
                   spans=later.spans if later.spans is not None else earlier.spans,
                   item_type=later.item_type if later.typed else earlier.item_type,
                   typed=later.typed or earlier.typed,
                   reviewed=later.reviewed or earlier.reviewed)


def human_classification(item_type: str, tool: str) -> Classification:
    """The classification of a type a person set: what `referat train` trusts."""
    return Classification(label=item_type, score=1.0, scores={t: float(t == item_type) for t in ITEM_TYPES},
                          evidence=[f"set by a person in {tool}"], source=HUMAN)


def _document(parts: list[Part], path: str, report: ImportReport) -> Document:
    first = parts[0].meta
    tool = report.format
    length = first["length"]
    pieces: list[str] = []
    position = 0
    items: list[Item] = []
    outside: list[Span] = []
    for part in parts:
        offset = part.meta["offset"]
        if offset < position or offset + len(part.text) > length or part.meta["doc_id"] != first["doc_id"]:
            report.skip_record("task text overlaps another task or runs past its document (was "
                               "the text edited?)", part.where, fault=True)
            continue
        pieces.append(" " * (offset - position) + part.text)
        position = offset + len(part.text)
        spans = [s for s in (_absolute(span, part, offset, report) for span in _restored(part)) if s]
        if part.meta.get("item") is None:
            outside.extend(spans)
            continue
        item = Item.from_dict(part.meta["item"])
        if part.typed:  # a person answered: the type is theirs
            item.type = _checked_type(part.item_type, part.where, report)
            item.classification = human_classification(item.type, tool) if item.type else None
        else:  # nobody answered: the type as exported, with the classification that made it
            item.type = part.meta.get("type")
            exported = part.meta.get("classification")
            item.classification = Classification.from_dict(exported) if exported else None
        item.entities = spans
        items.append(item)
    pieces.append(" " * (length - position))
    log.info("%s: document %s rebuilt from %d tasks", path, first["doc_id"], len(parts))
    return Document(
        source=first["source"], sha256=first["sha256"], format=first["format"],
        text="".join(pieces), meeting=Meeting.from_dict(first.get("meeting") or {}),
        items=items, entities=outside, layout=first.get("layout"),
        referat_version=__version__,
    )


def _restored(part: Part) -> list[Span]:
    """The part's spans, or the exported ones where it has none; a span the
    annotator left as exported gets its producer and norm back."""
    exported = {(s, e, label): (source, norm)
                for s, e, label, source, norm in part.meta.get("spans") or []}
    if part.spans is None:
        return [Span(label, s, e, "", norm=norm, source=source)
                for (s, e, label), (source, norm) in sorted(exported.items())]
    spans = []
    for span in part.spans:
        original = exported.get((span.start, span.end, span.label))
        if original and span.norm is None:
            span = replace(span, source=original[0], norm=original[1])
        spans.append(span)
    return sorted(spans, key=lambda s: (s.start, s.end, s.label))


def _absolute(span: Span, part: Part, offset: int, report: ImportReport) -> Span | None:
    if span.end > len(part.text):
        report.skip_span("span runs past its task text", f"{part.where} [{span.start}, {span.end})",
                         fault=True)
        return None
    text = part.text[span.start:span.end]
    if span.text and span.text != text:
        report.skip_span("span text differs from the task text at its offsets",
                         f"{part.where} {span.text!r} vs {text!r}", fault=True)
        return None
    return replace(span, start=span.start + offset, end=span.end + offset, text=text)


def _checked_type(item_type: str | None, where: str, report: ImportReport) -> str | None:
    if item_type is not None and item_type not in ITEM_TYPES:
        report.skip_span(f"unknown item type (expected one of {', '.join(ITEM_TYPES)})",
                         f"{where} {item_type!r}", fault=True)
        return None
    return item_type


def new_span(label: Any, start: Any, end: Any, text: Any, source: str, report: ImportReport,
             where: str) -> Span | None:
    """A span from an annotation file, or None (reported) where it is unusable."""
    if not isinstance(label, str) or not label:
        report.skip_span("span without a label", where, fault=True)
        return None
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
        report.skip_span("span offsets are not character offsets", f"{where} {start!r}-{end!r}",
                         fault=True)
        return None
    if not 0 <= start < end:
        report.skip_span("empty or reversed span", f"{where} [{start}, {end})", fault=True)
        return None
    return Span(label, start, end, text if isinstance(text, str) else "", source=source)
