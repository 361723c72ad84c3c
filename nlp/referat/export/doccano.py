"""doccano JSONL for an "Intent Detection and Slot Filling" project: one line per
unit with `text`, `entities` (`[start, end, label]`, character offsets) and
`cats` (the item type), so spans and item type are corrected in one pass.

doccano keeps unknown keys as metadata and writes them back on export, which
is how the `referat` block survives the round trip. Besides that shape the
import also reads doccano's other exports: `entities` as objects with
`start_offset`/`end_offset` (projects with relations), and `label` as a list
of `[start, end, label]` (sequence labelling) or of class names
(classification).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from referat.errors import InputError
from referat.export.units import META_KEY, Part, assemble, meta_of
from referat.model import ITEM_TYPES, Document, Span
from referat.records import read_records

if TYPE_CHECKING:
    from referat.export import ExportSummary

SOURCE = "gold:doccano"


def write(docs: Iterable[Document], out: Path, summary: ExportSummary) -> None:
    with out.open("w", encoding="utf-8") as f:
        for unit in summary.units_of(docs):
            record = {
                "text": unit.text,
                "entities": [[s.start, s.end, s.label] for s in unit.spans],
                "cats": [unit.item_type] if unit.item_type else [],
                "task": unit.caption,
                META_KEY: unit.meta(),
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


def read(path: Path, *, reviewed_only: bool = False) -> Iterator[Document]:
    return assemble(_parts(path), str(path), reviewed_only=reviewed_only)


def _parts(path: Path) -> Iterator[Part]:
    for number, record in read_records(path):
        where = f"line {number}"
        spans, cats = _labels(record, str(path), where)
        item_types = [c for c in cats if c in ITEM_TYPES]
        yield Part(meta=meta_of(record, str(path), where), text=record.get("text", ""),
                   spans=spans, item_type=item_types[0] if item_types else None)


def _labels(record: dict[str, Any], path: str, where: str) -> tuple[list[Span], list[str]]:
    """Spans and class names, from whichever of doccano's shapes the line has."""
    spans: list[Span] = []
    cats: list[str] = list(record.get("cats") or [])
    for entry in (record.get("entities") or []) + (record.get("label") or []):
        if isinstance(entry, str):
            cats.append(entry)
        elif isinstance(entry, dict) and {"start_offset", "end_offset", "label"} <= entry.keys():
            spans.append(Span(entry["label"], entry["start_offset"], entry["end_offset"], "", source=SOURCE))
        elif isinstance(entry, list) and len(entry) == 3:
            spans.append(Span(entry[2], entry[0], entry[1], "", source=SOURCE))
        else:
            raise InputError(f"{where}: cannot read the annotation {entry!r}", path=path)
    return spans, cats
