"""JSONL records: one document a line, or one agenda item a line.

Document records are `Document.to_dict()` (`schema/document.schema.json`).
Item records (`schema/item.schema.json`) carry the item's fields, its text
slice and its document's `doc_id`, `source`, `sha256` and `meeting`; the
offsets of its sections and entities are relative to that slice, so a record
stands on its own. A document that failed gives one error record in either
unit, and a readable document without items (a letter, `Meeting.kind`
"andet") one record with its text and entities, so that nothing is dropped.
Files are written atomically: a reader never sees a half-written line.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from referat.model import Document, Item
from referat.outputs import atomic_file

UNITS = ("document", "item")
"""What one line of output holds."""


def document_record(doc: Document) -> dict[str, Any]:
    return doc.to_dict()


def item_records(doc: Document) -> list[dict[str, Any]]:
    """One record per item; a failed document, or one without items, gives one record instead."""
    if not doc.ok:
        return [_error_item_record(doc)]
    if not doc.items:
        return [_itemless_record(doc)]
    return [_item_record(doc, item) for item in doc.items]


def records(doc: Document, unit: str = "document") -> list[dict[str, Any]]:
    """The output lines of one document in the given unit (`UNITS`)."""
    if unit == "document":
        return [document_record(doc)]
    if unit == "item":
        return item_records(doc)
    raise ValueError(f"unknown unit {unit!r}; expected one of {', '.join(UNITS)}")


def _document_keys(doc: Document) -> dict[str, Any]:
    exact = {"source_path": doc.source_path} if doc.source_path else {}
    return {"doc_id": doc.doc_id, "source": doc.source, **exact, "sha256": doc.sha256}


def _item_record(doc: Document, item: Item) -> dict[str, Any]:
    fields = item.to_dict()
    decision = fields["decision"]
    votes = decision["votes"] if decision else []
    for part in fields["sections"] + fields["entities"] + ([decision] if decision else []) + votes:
        part["start"] -= item.start
        part["end"] -= item.start
    return {**_document_keys(doc), "meeting": doc.meeting.to_dict(), **fields,
            "text": doc.text[item.start:item.end]}


def _error_item_record(doc: Document) -> dict[str, Any]:
    return {**_document_keys(doc), "meeting": doc.meeting.to_dict(), "status": "error",
            "errors": [p.to_dict() for p in doc.errors],
            "warnings": [p.to_dict() for p in doc.warnings]}


def _itemless_record(doc: Document) -> dict[str, Any]:
    return {**_document_keys(doc), "meeting": doc.meeting.to_dict(), "status": "ok", "errors": [],
            "warnings": [p.to_dict() for p in doc.warnings], "entities": [e.to_dict() for e in doc.entities],
            "text": doc.text}


def dumps(record: dict[str, Any]) -> str:
    """One JSONL line, newline included: compact, UTF-8 text, keys in model order."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def encode(doc: Document, unit: str = "document") -> bytes:
    """A document's output lines as bytes, ready for one write()."""
    return "".join(dumps(r) for r in records(doc, unit)).encode("utf-8")


def write_jsonl(docs: Iterable[Document], path: str | Path, unit: str = "document") -> int:
    """Write documents to `path` atomically; returns the number of lines."""
    lines = 0
    with atomic_file(path) as f:
        for doc in docs:
            block = encode(doc, unit)
            lines += block.count(b"\n")
            f.write(block)
    return lines


def sync(f) -> None:
    """Flush a binary file object through to the disk."""
    f.flush()
    os.fsync(f.fileno())


