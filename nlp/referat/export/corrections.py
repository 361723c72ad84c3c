"""The corrections saved by the review page (`referat review`), as gold records.

"Save corrections" on the page downloads a JSONL file: one line per document
the reviewer touched, the whole referat record as corrected, with a `review`
block on each item the reviewer touched (`reviewed`: marked as looked at;
`changed`: which of `type`, `decision`, `spans`, `boundaries` they changed;
`spans`: how many they added, relabelled, deleted) and one on the document
(`page`, `saved`, and the same for the text outside items).

The import checks every record against its own text (offsets inside it,
span text equal to the text at its offsets, known item types and decision
outcomes), and gives each item a person looked at or changed a
classification with source "human", which `referat train` takes as a
person's label; items nobody touched keep the model's classification, which
it does not. `reviewed_only` keeps only the items a person looked at or
changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from referat.export.report import ImportReport
from referat.export.units import human_classification
from referat.model import ITEM_TYPES, OUTCOMES, Document
from referat.records import read_records

SOURCE = "gold:review"  # the producer of a span a reviewer added or relabelled
TOOL = "the review page"
CHANGES = ("type", "decision", "spans", "boundaries")


def read(path: Path, report: ImportReport, *, reviewed_only: bool = False) -> Iterator[Document]:
    broken: list[str] = []
    for number, record in read_records(path, broken):
        report.read_record()
        doc = _document(record, f"line {number}", report, reviewed_only)
        if doc is not None:
            yield doc
    for problem in broken:
        report.read_record()
        report.skip_record("not a JSON object", problem, fault=True)


def _document(record: dict[str, Any], where: str, report: ImportReport,
              reviewed_only: bool) -> Document | None:
    text = record.get("text")
    if not isinstance(text, str) or any(k not in record for k in ("source", "sha256", "format")):
        report.skip_record("not a referat document record (was this file saved by the review page?)",
                           where, fault=True)
        return None
    if record.get("status") == "error":
        report.skip_record("error record (nothing to review)")
        return None
    record = dict(record)
    outside = (record.pop("review", None) or {}).get("outside") or {}
    if outside.get("changed"):
        report.note("documents with changed spans outside the items")
        _count_spans(outside, report)
    items = []
    for item in record.get("items") or []:
        review = item.pop("review", None) or {}
        touched = bool(review.get("reviewed")) or bool(review.get("changed"))
        if reviewed_only and not touched:
            report.skip_record("item nobody reviewed or changed (--reviewed-only)")
            continue
        item_where = f"{where} item {item.get('number')}"
        if not _inside(item, text):
            report.skip_record("item offsets outside the document text", item_where, fault=True)
            continue
        item["entities"] = _checked_spans(item.get("entities") or [], text, report, item_where)
        _check_type(item, report, item_where)
        _check_decision(item, report, item_where)
        if touched:
            _count(review, report)
            if item.get("type") in ITEM_TYPES:
                item["classification"] = human_classification(item["type"], TOOL).to_dict()
        items.append(item)
    if reviewed_only and not items:
        return None
    record["items"] = items
    record["entities"] = _checked_spans(record.get("entities") or [], text, report, f"{where} outside items")
    try:
        return Document.from_dict(record)
    except (KeyError, TypeError, ValueError) as err:
        report.skip_record("record the model cannot read", f"{where} ({err})", fault=True)
        return None


def _inside(part: dict[str, Any], text: str) -> bool:
    start, end = part.get("start"), part.get("end")
    return isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)


def _checked_spans(spans: list[Any], text: str, report: ImportReport, where: str) -> list[dict[str, Any]]:
    report.read_spans(len(spans))
    kept = []
    for span in spans:
        if not isinstance(span, dict) or not isinstance(span.get("label"), str) or not span["label"]:
            report.skip_span("span without a label", where, fault=True)
        elif not _inside(span, text) or span["start"] == span["end"]:
            report.skip_span("span offsets outside the document text", where, fault=True)
        elif span.get("text") != text[span["start"]:span["end"]]:
            report.skip_span("span text differs from the document text at its offsets",
                             f"{where} {span.get('text')!r}", fault=True)
        else:
            kept.append(span)
    return kept


def _check_type(item: dict[str, Any], report: ImportReport, where: str) -> None:
    if item.get("type") is not None and item["type"] not in ITEM_TYPES:
        report.skip_span(f"unknown item type (expected one of {', '.join(ITEM_TYPES)})",
                         f"{where} {item['type']!r}", fault=True)
        item["type"] = None


def _check_decision(item: dict[str, Any], report: ImportReport, where: str) -> None:
    decision = item.get("decision")
    if decision is None:
        return
    if not isinstance(decision, dict) or decision.get("outcome") not in OUTCOMES:
        report.skip_span(f"unknown decision outcome (expected one of {', '.join(OUTCOMES)})",
                         f"{where} {decision!r}"[:160], fault=True)
        item["decision"] = None


def _count(review: dict[str, Any], report: ImportReport) -> None:
    report.note("items reviewed or changed")
    for change in review.get("changed") or []:
        if change in CHANGES:
            report.note(f"items with a changed {change}" if change != "boundaries"
                        else "items merged or split")
    _count_spans(review, report)


def _count_spans(review: dict[str, Any], report: ImportReport) -> None:
    for what, n in (review.get("spans") or {}).items():
        if isinstance(n, int) and n:
            report.note(f"spans {what}", n)
