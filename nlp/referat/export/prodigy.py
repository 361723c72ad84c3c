"""Prodigy: `ner_manual` tasks for spans, `textcat` choice tasks for item types.

The export writes two JSONL files, one task a line:

- `OUT`, for `prodigy ner.manual DATASET blank:da OUT --label ...` (or any
  recipe with the `ner_manual` interface): `text`, `tokens` (`text`,
  `start`, `end`, `id`, `ws`; spaCy's Danish tokens, split where a span
  boundary falls inside one), and `spans` (`start`, `end`, `token_start`,
  `token_end` *inclusive*, `label`), referat's output pre-annotated;
- `OUT`'s stem + `.textcat.jsonl`, one task per item for
  `prodigy textcat.manual DATASET FILE --label orientering,beslutning,drøftelse
  --exclusive`: `text`, `options` (the item types) and `accept` (referat's
  type, pre-selected), as Prodigy's choice interface stores it.

`meta` is what Prodigy shows beside a task; `referat` is the unit's identity
for the way back. The import reads `prodigy db-out` of either dataset, or
both files at once: tasks answered "reject" or "ignore" are left out; a task
without `answer` is one nobody has seen (`reviewed_only` leaves it out); a
binary textcat answer (`label` + "accept") sets the type too.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from referat.export.report import ImportReport
from referat.export.tokens import aligned_doc
from referat.export.units import META_KEY, Part, Unit, meta_of, new_span
from referat.model import ITEM_TYPES, Document, Span
from referat.outputs import atomic_file
from referat.records import read_records

if TYPE_CHECKING:
    from referat.export import ExportSummary

log = logging.getLogger(__name__)

TARGET = "file"
SOURCE = "gold:prodigy"


def textcat_path(out: Path) -> Path:
    """Where the item-type tasks for a `ner_manual` task file go."""
    return out.with_name(out.stem + ".textcat.jsonl")


def extra_targets(out: Path) -> list[Path]:
    return [textcat_path(out)]


def task(unit: Unit) -> tuple[dict[str, Any], int]:
    """The `ner_manual` task of a unit, and how many tokens were split to align its spans."""
    doc, splits = aligned_doc(unit.text, unit.spans)
    spans = []
    for span in unit.spans:
        tokens = doc.char_span(span.start, span.end)
        spans.append({"start": span.start, "end": span.end, "token_start": tokens.start,
                      "token_end": tokens.end - 1, "label": span.label})
    record: dict[str, Any] = {
        "text": unit.text,
        "tokens": [{"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i,
                    "ws": bool(t.whitespace_)} for t in doc],
        "spans": spans,
        "meta": {"source": Path(unit.document.source).name, "task": unit.caption},
        META_KEY: unit.meta(),
    }
    return record, splits


def textcat_task(unit: Unit, meta: dict[str, Any]) -> dict[str, Any]:
    """The item-type choice task of an item unit."""
    return {
        "text": unit.text,
        "options": [{"id": t, "text": t} for t in ITEM_TYPES],
        "accept": [unit.item_type] if unit.item_type else [],
        "meta": {"source": Path(unit.document.source).name, "task": unit.caption},
        META_KEY: meta,
    }


def write(docs: Iterable[Document], out: Path, summary: ExportSummary) -> None:
    with atomic_file(out, "w", encoding="utf-8") as ner_file, \
            atomic_file(textcat_path(out), "w", encoding="utf-8") as textcat_file:
        for unit in summary.units_of(docs):
            record, splits = task(unit)
            summary.split_tokens += splits
            ner_file.write(json.dumps(record, ensure_ascii=False) + "\n")
            if unit.item is not None:
                textcat_file.write(json.dumps(textcat_task(unit, record[META_KEY]), ensure_ascii=False)
                                   + "\n")


def parts(path: Path, report: ImportReport) -> Iterator[Part]:
    """The annotated units of one export (see the module docstring)."""
    broken: list[str] = []
    for number, record in read_records(path, broken):
        report.read_record()
        where = f"line {number}"
        answer = record.get("answer")
        if answer in ("reject", "ignore"):
            report.skip_record(f"answered {answer!r} in Prodigy")
            continue
        meta = meta_of(record, report, where)
        if meta is None:
            continue
        spans = None
        if "spans" in record:
            raw = record.get("spans") or []
            report.read_spans(len(raw))
            spans = [s for s in (_span(s, record, report, where) for s in raw) if s is not None]
        item_type = _choice(record)
        yield Part(meta=meta, text=record.get("text", ""), spans=spans, item_type=item_type,
                   typed=item_type is not None and answer == "accept" and meta.get("item") is not None,
                   reviewed=answer == "accept", where=where)
    for problem in broken:
        report.read_record()
        report.skip_record("not a JSON object", problem, fault=True)


def _span(span: Any, record: dict[str, Any], report: ImportReport, where: str) -> Span | None:
    """A span from its character offsets, or from its (inclusive) token range."""
    if not isinstance(span, dict):
        report.skip_span("span that is no JSON object", where, fault=True)
        return None
    start, end = span.get("start"), span.get("end")
    if start is None or end is None:
        tokens = record.get("tokens") or []
        try:
            start = tokens[span["token_start"]]["start"]
            end = tokens[span["token_end"]]["end"]  # token_end is inclusive
        except (KeyError, IndexError, TypeError):
            report.skip_span("span with neither character offsets nor a token range in the "
                             "task's tokens", where, fault=True)
            return None
    return new_span(span.get("label"), start, end, span.get("text"), SOURCE, report, where)


def _choice(record: dict[str, Any]) -> str | None:
    """The item type: the chosen option, or the label of an accepted binary textcat task."""
    accepted = [a for a in record.get("accept") or [] if a in ITEM_TYPES]
    if accepted:
        return accepted[0]
    if record.get("answer") == "accept" and record.get("label") in ITEM_TYPES:
        return record["label"]
    return None
