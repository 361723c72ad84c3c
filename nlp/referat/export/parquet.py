"""Parquet tables for analysis (pandas, polars, DuckDB): a folder `OUT/` with

- `documents.parquet`: one row per document (meeting fields as columns, the
  normalised text, pages and meeting as JSON),
- `items.parquet`: one row per item (type, score, case number, page, text),
- `entities.parquet`: one row per mention, `item` null outside items, the
  normalised value both as JSON (`norm`) and spread over typed columns
  (`act`, `section`, `subsection`, `value`, `currency`, `name`, `party`);
- `votes.parquet`: one row per item × party or member × position
  (`referat.export.votes`); items carry their `decision` as JSON and its
  `outcome` and `unanimous` as columns.

Offsets are document offsets. The tables hold the whole document, so the
import gives back the documents as they were (minus warnings).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from referat.errors import InputError
from referat.export import votes as vote_table
from referat.model import Classification, Decision, Document, Item, Meeting, Page, Section, Span

if TYPE_CHECKING:
    from referat.export import ExportSummary

TABLES = ("documents", "items", "entities")
WRITTEN = TABLES + ("votes",)  # votes are derived from the items' decisions: not read back
NORM_TEXT_KEYS = ("act", "section", "subsection", "currency", "name", "party")
BATCH_DOCUMENTS = 256  # rows are flushed to disk per this many documents


def _schemas():
    import pyarrow as pa

    s, i, b, f = pa.string(), pa.int32(), pa.bool_(), pa.float64()
    return {
        "documents": pa.schema([("doc_id", s), ("sha256", s), ("source", s), ("format", s),
                                ("layout", s), ("referat_version", s), ("body", s), ("date", s),
                                ("municipality", s), ("kind", s), ("items", i), ("meeting", s),
                                ("pages", s), ("text", s)]),
        "items": pa.schema([("doc_id", s), ("number", i), ("title", s), ("type", s), ("score", f),
                            ("case_number", s), ("closed", b), ("marker", s), ("start", i),
                            ("end", i), ("page", i), ("absent", pa.list_(s)),
                            ("classification", s), ("sections", s), ("text", s),
                            ("outcome", s), ("unanimous", b), ("decision", s)]),
        "entities": pa.schema([("doc_id", s), ("item", i), ("label", s), ("start", i), ("end", i),
                               ("text", s), ("source", s), ("norm", s)]
                              + [(key, s) for key in NORM_TEXT_KEYS] + [("value", f)]),
        "votes": vote_table.arrow_schema(vote_table.VOTE_COLUMNS),
    }


def _rows(doc: Document) -> dict[str, list[dict[str, Any]]]:
    meeting = doc.meeting
    rows: dict[str, list[dict[str, Any]]] = {"documents": [{
        "doc_id": doc.doc_id, "sha256": doc.sha256, "source": doc.source, "format": doc.format,
        "layout": doc.layout, "referat_version": doc.referat_version, "body": meeting.body,
        "date": meeting.date, "municipality": meeting.municipality, "kind": meeting.kind,
        "items": len(doc.items), "meeting": json.dumps(meeting.to_dict(), ensure_ascii=False),
        "pages": json.dumps([[p.number, p.start, p.end] for p in doc.pages]), "text": doc.text,
    }], "items": [], "entities": [], "votes": vote_table.vote_rows(doc)}
    for item in doc.items:
        c = item.classification
        d = item.decision
        rows["items"].append({
            "doc_id": doc.doc_id, "number": item.number, "title": item.title, "type": item.type,
            "score": c.score if c else None, "case_number": item.case_number, "closed": item.closed,
            "marker": item.marker, "start": item.start, "end": item.end,
            "page": doc.page_of(item.start), "absent": item.absent,
            "classification": json.dumps(c.to_dict(), ensure_ascii=False) if c else None,
            "sections": json.dumps([s.to_dict() for s in item.sections], ensure_ascii=False),
            "text": doc.text[item.start:item.end],
            "outcome": d.outcome if d else None, "unanimous": d.unanimous if d else None,
            "decision": json.dumps(d.to_dict(), ensure_ascii=False) if d else None,
        })
        rows["entities"].extend(_entity_row(doc, span, item.number) for span in item.entities)
    rows["entities"].extend(_entity_row(doc, span, None) for span in doc.entities)
    return rows


def _entity_row(doc: Document, span: Span, item: int | None) -> dict[str, Any]:
    norm = span.norm or {}
    value = norm.get("value")
    return {"doc_id": doc.doc_id, "item": item, "label": span.label, "start": span.start,
            "end": span.end, "text": span.text, "source": span.source,
            "norm": json.dumps(span.norm, ensure_ascii=False) if span.norm is not None else None,
            **{key: None if norm.get(key) is None else str(norm[key]) for key in NORM_TEXT_KEYS},
            "value": float(value) if isinstance(value, (int, float)) else None}


def write(docs: Iterable[Document], out: Path, summary: ExportSummary) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    schemas = _schemas()
    writers = {name: pq.ParquetWriter(out / f"{name}.parquet", schemas[name]) for name in WRITTEN}
    pending: dict[str, list[dict[str, Any]]] = {name: [] for name in WRITTEN}

    def flush() -> None:
        for name in WRITTEN:
            writers[name].write_table(pa.Table.from_pylist(pending[name], schema=schemas[name]))
            pending[name].clear()

    try:
        for n, doc in enumerate(docs, 1):
            summary.documents += 1
            summary.units += len(doc.items)
            for name, rows in _rows(doc).items():
                pending[name].extend(rows)
            summary.spans += len(doc.all_entities())
            if n % BATCH_DOCUMENTS == 0:
                flush()
        flush()
    finally:
        for writer in writers.values():
            writer.close()


def read(path: Path, *, reviewed_only: bool = False) -> Iterator[Document]:
    """Documents from the three tables (`reviewed_only` does not apply: nothing is reviewed here)."""
    import pyarrow.parquet as pq

    missing = [name for name in TABLES if not (path / f"{name}.parquet").is_file()]
    if missing:
        raise InputError(f"no {missing[0]}.parquet; expected the folder `referat export "
                         "--format parquet` wrote", path=str(path))
    tables = {name: pq.read_table(path / f"{name}.parquet").to_pylist() for name in TABLES}
    by_doc: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for name in ("items", "entities"):
        for row in tables[name]:
            by_doc[row["doc_id"]][name].append(row)
    for row in tables["documents"]:
        yield _document(row, by_doc[row["doc_id"]]["items"], by_doc[row["doc_id"]]["entities"])


def _document(row: dict[str, Any], item_rows: list[dict[str, Any]],
              entity_rows: list[dict[str, Any]]) -> Document:
    doc = Document(source=row["source"], sha256=row["sha256"], format=row["format"],
                   text=row["text"], layout=row["layout"], referat_version=row["referat_version"],
                   meeting=Meeting.from_dict(json.loads(row["meeting"])),
                   pages=[Page(*p) for p in json.loads(row["pages"])])
    for r in item_rows:
        item = Item(number=r["number"], title=r["title"], start=r["start"], end=r["end"],
                    case_number=r["case_number"], closed=r["closed"], marker=r["marker"],
                    absent=list(r["absent"] or []), type=r["type"],
                    sections=[Section.from_dict(s) for s in json.loads(r["sections"])],
                    classification=Classification.from_dict(json.loads(r["classification"]))
                    if r["classification"] else None,
                    decision=Decision.from_dict(json.loads(r["decision"])) if r.get("decision") else None)
        doc.items.append(item)
    for r in entity_rows:
        span = Span(r["label"], r["start"], r["end"], r["text"], source=r["source"],
                    norm=json.loads(r["norm"]) if r["norm"] is not None else None)
        owner = next((i for i in doc.items if i.number == r["item"] and i.start <= span.start < i.end), None)
        (owner.entities if owner else doc.entities).append(span)
    return doc
