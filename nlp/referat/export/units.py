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
from referat.errors import InputError
from referat.model import ITEM_TYPES, Document, Item, Meeting, Span

log = logging.getLogger(__name__)

META_KEY = "referat"
"""The key under which every exported task carries its unit's `meta`."""

_ITEM_HEADER_DROP = ("entities", "type", "classification")
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
        if with_spans:
            meta["spans"] = [[s.start, s.end, s.label, s.source, s.norm] for s in self.spans]
        return meta


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
    """A unit as an annotation file gives it back: its meta, text and labels."""

    meta: dict[str, Any]
    text: str
    spans: list[Span]  # relative to `text`
    item_type: str | None
    reviewed: bool = True  # False: no human answer recorded (predictions only)


def meta_of(task: dict[str, Any], path: str, where: str) -> dict[str, Any]:
    """The referat meta block of a task, or an error saying why it is missing."""
    meta = task.get(META_KEY)
    if meta is None and isinstance(task.get("meta"), dict):
        meta = task["meta"].get(META_KEY)
    if not isinstance(meta, dict):
        raise InputError(f"{where}: no {META_KEY!r} metadata; import takes the tasks "
                         "that `referat export` wrote (with their metadata kept)", path=path)
    missing = [key for key in _META_REQUIRED if key not in meta]
    if missing:
        raise InputError(f"{where}: the {META_KEY!r} metadata lacks {', '.join(missing)}", path=path)
    return meta


def assemble(parts: Iterable[Part], path: str, *, reviewed_only: bool = False) -> Iterator[Document]:
    """Documents (gold records) from annotated units, in the order first seen.

    A later answer for the same unit replaces an earlier one (a second pass
    over a task). Text the file does not cover (units nobody annotated) is
    left blank, so offsets stay those of the original document.
    """
    grouped: dict[str, dict[int, Part]] = {}
    skipped = 0
    for part in parts:
        if reviewed_only and not part.reviewed:
            skipped += 1
            continue
        grouped.setdefault(part.meta["doc_id"], {})[part.meta["offset"]] = part
    if skipped:
        log.info("%s: %d tasks without a human answer left out", path, skipped)
    for doc_parts in grouped.values():
        yield _document(sorted(doc_parts.values(), key=lambda p: p.meta["offset"]), path)


def _document(parts: list[Part], path: str) -> Document:
    first = parts[0].meta
    length = first["length"]
    pieces: list[str] = []
    position = 0
    items: list[Item] = []
    outside: list[Span] = []
    for part in parts:
        offset = part.meta["offset"]
        if offset < position or offset + len(part.text) > length:
            raise InputError(f"document {first['doc_id']}: task text at {offset} overlaps another "
                             "task or runs past the document; was the text edited?", path=path)
        pieces.append(" " * (offset - position) + part.text)
        position = offset + len(part.text)
        spans = [_absolute(span, part, offset, path) for span in _restored(part)]
        if part.meta.get("item") is None:
            outside.extend(spans)
            continue
        item = Item.from_dict(part.meta["item"])
        item.type = _checked_type(part.item_type, path)
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
    """The part's spans; one the annotator left as exported gets its producer and norm back."""
    exported = {(s, e, label): (source, norm)
                for s, e, label, source, norm in part.meta.get("spans") or []}
    spans = []
    for span in part.spans:
        original = exported.get((span.start, span.end, span.label))
        if original and span.norm is None:
            span = replace(span, source=original[0], norm=original[1])
        spans.append(span)
    return sorted(spans, key=lambda s: (s.start, s.end, s.label))


def _absolute(span: Span, part: Part, offset: int, path: str) -> Span:
    if span.end > len(part.text):
        raise InputError(f"document {part.meta['doc_id']}: {span.label} span [{span.start}, "
                         f"{span.end}) runs past its task text", path=path)
    text = part.text[span.start:span.end]
    if span.text and span.text != text:
        raise InputError(f"document {part.meta['doc_id']}: {span.label} span says {span.text!r} "
                         f"but the task text has {text!r} there", path=path)
    return replace(span, start=span.start + offset, end=span.end + offset, text=text)


def _checked_type(item_type: str | None, path: str) -> str | None:
    if item_type is not None and item_type not in ITEM_TYPES:
        raise InputError(f"unknown item type {item_type!r}; expected one of "
                         f"{', '.join(ITEM_TYPES)}", path=path)
    return item_type
