"""doccano: a Sequence Labeling project for spans, a Text Classification project for types.

The export writes two JSONL files, one line per unit, each ready for doccano's
"Import Dataset → JSONL" of its project type:

- `OUT`, for a **Sequence Labeling** project (the type people pick first):
  `text`, `label` (`[[start, end, label], ...]`, character offsets, referat's
  output as pre-annotations), and `task` (the item caption);
- `OUT`'s stem + `.types.jsonl`, for a **Text Classification** project:
  `text` and `label` (`["beslutning"]`) for each item.

Both carry the unit's identity under `referat`; doccano keeps unknown keys as
the example's metadata and writes them back at the top level of its export,
which is how the way back finds the document and offsets.

The import reads doccano's JSONL exports of either project type (or both
files at once): `label` as `[start, end, label]` lists (Sequence Labeling) or
class names (Text Classification), `entities` as objects with
`start_offset`/`end_offset` (a Sequence Labeling project with relations;
the relations are skipped and counted), and `entities` + `cats` (Intent
Detection and Slot Filling). A Text Classification line keeps the spans the
unit was exported with.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from referat.export.report import ImportReport
from referat.export.units import META_KEY, Part, meta_of, new_span
from referat.model import ITEM_TYPES, Document, Span
from referat.outputs import atomic_file
from referat.records import read_records

if TYPE_CHECKING:
    from referat.export import ExportSummary

TARGET = "file"
SOURCE = "gold:doccano"
TYPES_QUESTION = "item type"  # marks the lines of the Text Classification file


def types_path(out: Path) -> Path:
    """Where the Text Classification file for a Sequence Labeling file goes."""
    return out.with_name(out.stem + ".types.jsonl")


def extra_targets(out: Path) -> list[Path]:
    return [types_path(out)]


def write(docs: Iterable[Document], out: Path, summary: ExportSummary) -> None:
    with atomic_file(out, "w", encoding="utf-8") as spans_file, \
            atomic_file(types_path(out), "w", encoding="utf-8") as types_file:
        for unit in summary.units_of(docs):
            meta = unit.meta()
            spans_file.write(json.dumps({
                "text": unit.text,
                "label": [[s.start, s.end, s.label] for s in unit.spans],
                "task": unit.caption,
                META_KEY: meta,
            }, ensure_ascii=False) + "\n")
            if unit.item is not None:
                types_file.write(json.dumps({
                    "text": unit.text,
                    "label": [unit.item_type] if unit.item_type else [],
                    "task": unit.caption,
                    "question": TYPES_QUESTION,
                    META_KEY: meta,
                }, ensure_ascii=False) + "\n")


def parts(path: Path, report: ImportReport) -> Iterator[Part]:
    """The annotated units of one export (see the module docstring)."""
    broken: list[str] = []
    for number, record in read_records(path, broken):
        report.read_record()
        where = f"line {number}"
        meta = meta_of(record, report, where)
        if meta is None:
            continue
        spans, cats = _labels(record, report, where)
        item_types = [c for c in cats if c in ITEM_TYPES]
        for other in sorted(set(cats) - set(ITEM_TYPES)):
            report.skip_span(f"class {other!r} is no item type", where, fault=True)
        yield Part(meta=meta, text=record.get("text", record.get("data", "")), spans=spans,
                   item_type=item_types[0] if item_types else None,
                   typed=bool(item_types) and meta.get("item") is not None, where=where)
    for problem in broken:
        report.read_record()
        report.skip_record("not a JSON object", problem, fault=True)


def _labels(record: dict[str, Any], report: ImportReport, where: str
            ) -> tuple[list[Span] | None, list[str]]:
    """Spans (None for a Text Classification line) and class names, from
    whichever of doccano's shapes the line has."""
    spans: list[Span] = []
    cats: list[str] = [c for c in record.get("cats") or [] if isinstance(c, str)]
    entries = [*(record.get("entities") or []), *(record.get("label") or record.get("labels") or [])]
    classification = bool(entries) and all(isinstance(e, str) for e in entries)
    for entry in entries:
        if isinstance(entry, str):
            cats.append(entry)
            continue
        report.read_spans(1)
        if isinstance(entry, dict) and {"start_offset", "end_offset", "label"} <= entry.keys():
            span = new_span(entry["label"], entry["start_offset"], entry["end_offset"], "", SOURCE,
                            report, where)
        elif isinstance(entry, list) and len(entry) == 3:
            span = new_span(entry[2], entry[0], entry[1], "", SOURCE, report, where)
        else:
            report.skip_span("annotation in no doccano shape", f"{where} {entry!r}"[:120], fault=True)
            continue
        if span is not None:
            spans.append(span)
    if record.get("relations"):
        report.skip_span("relations (referat has none)", n=len(record["relations"]))
    is_types_line = classification or record.get("question") == TYPES_QUESTION
    return (None if is_types_line else spans), cats
