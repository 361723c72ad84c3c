"""Prodigy tasks: one JSONL line per unit, for `ner.manual`-style span correction
with a single-choice item type (a `blocks` recipe with `ner_manual` + `choice`).

A task has `text`, `tokens` (`text`, `start`, `end`, `id`, `ws`), `spans`
(`start`, `end`, `token_start`, `token_end` *inclusive*, `label`), and on
items `options` (the item types) with `accept` holding the chosen one, as
Prodigy's choice interface stores it. `meta` is what Prodigy shows beside the
task; `referat` is the unit's identity for the way back.

Coming back from `prodigy db-out`, tasks answered "reject" or "ignore" are
left out; a task without `answer` is one nobody has seen.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from referat.errors import InputError
from referat.export.tokens import aligned_doc
from referat.export.units import META_KEY, Part, Unit, assemble, meta_of
from referat.model import ITEM_TYPES, Document, Span
from referat.records import read_records

if TYPE_CHECKING:
    from referat.export import ExportSummary

log = logging.getLogger(__name__)

SOURCE = "gold:prodigy"


def task(unit: Unit) -> tuple[dict[str, Any], int]:
    """The Prodigy task of a unit, and how many tokens were split to align its spans."""
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
    if unit.item:
        record["options"] = [{"id": t, "text": t} for t in ITEM_TYPES]
        record["accept"] = [unit.item.type] if unit.item.type else []
    return record, splits


def write(docs: Iterable[Document], out: Path, summary: ExportSummary) -> None:
    with out.open("w", encoding="utf-8") as f:
        for unit in summary.units_of(docs):
            record, splits = task(unit)
            summary.split_tokens += splits
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


def read(path: Path, *, reviewed_only: bool = False) -> Iterator[Document]:
    return assemble(_parts(path), str(path), reviewed_only=reviewed_only)


def _parts(path: Path) -> Iterator[Part]:
    dropped = 0
    for number, record in read_records(path):
        where = f"line {number}"
        answer = record.get("answer")
        if answer in ("reject", "ignore"):
            dropped += 1
            continue
        yield Part(meta=meta_of(record, str(path), where), text=record.get("text", ""),
                   spans=[_span(s, record, str(path), where) for s in record.get("spans") or []],
                   item_type=_choice(record), reviewed=answer == "accept")
    if dropped:
        log.info("%s: %d rejected or ignored tasks left out", path, dropped)


def _span(span: dict[str, Any], record: dict[str, Any], path: str, where: str) -> Span:
    """A span from its character offsets, or from its (inclusive) token range."""
    start, end = span.get("start"), span.get("end")
    if start is None or end is None:
        tokens = record.get("tokens") or []
        try:
            start = tokens[span["token_start"]]["start"]
            end = tokens[span["token_end"]]["end"]  # token_end is inclusive
        except (KeyError, IndexError, TypeError):
            raise InputError(f"{where}: span {span} has neither character offsets "
                             "nor a token range inside the task's tokens", path=path) from None
    if "label" not in span:
        raise InputError(f"{where}: span {span} has no label", path=path)
    return Span(label=span["label"], start=start, end=end, text=span.get("text") or "", source=SOURCE)


def _choice(record: dict[str, Any]) -> str | None:
    """The item type: the chosen option, or the label of an accepted textcat task."""
    accepted = [a for a in record.get("accept") or [] if a in ITEM_TYPES]
    if accepted:
        return accepted[0]
    if record.get("answer") == "accept" and record.get("label") in ITEM_TYPES:
        return record["label"]
    return None
