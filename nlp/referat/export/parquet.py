"""Parquet tables for analysis (pandas, polars, DuckDB), with typed columns.

A folder `OUT/` with

- `documents.parquet`: one row per document: identity, `body`, `date` (a
  date), `municipality`, `kind`, the number of `items`, `meeting` (a struct,
  its date a date, participants and absent lists), `pages` and `warnings`
  (lists of structs), and the normalised `text`;
- `items.parquet`: one row per item: `doc_id`, the meeting's `body` and
  `date`, number, title, `type` and `score`, case number, `closed`, offsets,
  `page`, `absent`, `classification` (struct, with a score per type),
  `sections` (list of structs), `outcome` and `unanimous`, `decision` (struct
  with its `votes`, ANNOTATION.md §6),
  and the item's `text`;
- `entities.parquet`: one row per mention, `item` null outside items,
  `norm` as a struct (`referat.export.arrow`), with its most asked-for parts
  also as plain columns (`act`, `section`, `subsection`, `value`,
  `currency`, `name`, `party`);
- `votes.parquet`: one row per item × party or member × position
  (`referat.export.votes`), with the item's outcome and unanimity; derived
  from the items' decisions, so the import does not read it back.

Offsets are document offsets. Rows are written per `BATCH_DOCUMENTS`
documents, so memory stays flat. The tables hold the whole document, so the
import gives back the documents as they were (minus warnings' order of keys).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from referat.errors import InputError
from referat.export import votes as vote_table
from referat.export.arrow import as_date, norm_from_row, norm_row, norm_type
from referat.export.report import ImportReport
from referat.export.units import decision_of
from referat.model import ITEM_TYPES, Classification, Document, Item, Meeting, Page, Problem, Section, Span
from referat.outputs import atomic_dir

if TYPE_CHECKING:
    from referat.export import ExportSummary

TARGET = "folder"
TABLES = ("documents", "items", "entities")
WRITTEN = TABLES + ("votes",)  # votes are derived from the items' decisions: not read back
FLAT_NORM_KEYS = ("act", "section", "subsection", "currency", "name", "party")
BATCH_DOCUMENTS = 64  # rows are flushed to disk per this many documents


def _schemas():
    import pyarrow as pa

    s, i, b, f, d = pa.string(), pa.int32(), pa.bool_(), pa.float64(), pa.date32()
    strings = pa.list_(s)
    meeting = pa.struct([("body", s), ("date", d), ("start_time", s), ("end_time", s), ("location", s),
                         ("municipality", s), ("kind", s), ("participants", strings), ("absent", strings)])
    problem = pa.struct([("code", s), ("message", s), ("stage", s)])
    classification = pa.struct([("label", s), ("score", f),
                                ("scores", pa.struct([(t, f) for t in ITEM_TYPES])),
                                ("evidence", strings), ("source", s)])
    vote = pa.struct([("position", s), ("parties", strings), ("persons", strings), ("count", i),
                      ("start", i), ("end", i)])
    decision = pa.struct([("text", s), ("start", i), ("end", i), ("outcome", s), ("unanimous", b),
                          ("votes", pa.list_(vote)), ("evidence", strings)])
    return {
        "documents": pa.schema([
            ("doc_id", s), ("sha256", s), ("source", s), ("format", s), ("layout", s),
            ("referat_version", s), ("body", s), ("date", d), ("municipality", s), ("kind", s),
            ("items", i), ("meeting", meeting),
            ("pages", pa.list_(pa.struct([("number", i), ("start", i), ("end", i)]))),
            ("warnings", pa.list_(problem)), ("text", s)]),
        "items": pa.schema([
            ("doc_id", s), ("body", s), ("date", d), ("number", i), ("title", s), ("type", s),
            ("score", f), ("case_number", s), ("closed", b), ("marker", s), ("start", i), ("end", i),
            ("page", i), ("absent", strings), ("classification", classification),
            ("sections", pa.list_(pa.struct([("heading", s), ("kind", s), ("start", i), ("end", i)]))),
            ("outcome", s), ("unanimous", b), ("decision", decision), ("text", s)]),
        "entities": pa.schema([
            ("doc_id", s), ("item", i), ("label", s), ("start", i), ("end", i), ("text", s),
            ("source", s), ("norm", norm_type())]
            + [(key, s) for key in FLAT_NORM_KEYS] + [("value", f)]),
        "votes": vote_table.arrow_schema(vote_table.VOTE_COLUMNS),
    }


def _rows(doc: Document) -> dict[str, list[dict[str, Any]]]:
    meeting = doc.meeting
    date = as_date(meeting.date)
    rows: dict[str, list[dict[str, Any]]] = {"documents": [{
        "doc_id": doc.doc_id, "sha256": doc.sha256, "source": doc.source, "format": doc.format,
        "layout": doc.layout, "referat_version": doc.referat_version, "body": meeting.body,
        "date": date, "municipality": meeting.municipality, "kind": meeting.kind,
        "items": len(doc.items), "meeting": meeting.to_dict() | {"date": date},
        "pages": [{"number": p.number, "start": p.start, "end": p.end} for p in doc.pages],
        "warnings": [p.to_dict() for p in doc.warnings], "text": doc.text,
    }], "items": [], "entities": [], "votes": vote_table.vote_rows(doc)}
    for item in doc.items:
        c = item.classification
        rows["items"].append({
            "doc_id": doc.doc_id, "body": meeting.body, "date": date, "number": item.number,
            "title": item.title, "type": item.type, "score": c.score if c else None,
            "case_number": item.case_number, "closed": item.closed, "marker": item.marker,
            "start": item.start, "end": item.end, "page": doc.page_of(item.start), "absent": item.absent,
            "classification": c.to_dict() | {"scores": {t: c.scores.get(t) for t in ITEM_TYPES}} if c else None,
            "sections": [s.to_dict() for s in item.sections],
            "outcome": item.decision.outcome if item.decision else None,
            "unanimous": item.decision.unanimous if item.decision else None, "decision": decision_of(item),
            "text": doc.text[item.start:item.end],
        })
        rows["entities"].extend(_entity_row(doc, span, item.number) for span in item.entities)
    rows["entities"].extend(_entity_row(doc, span, None) for span in doc.entities)
    return rows


def _entity_row(doc: Document, span: Span, item: int | None) -> dict[str, Any]:
    norm = span.norm or {}
    value = norm.get("value")
    return {"doc_id": doc.doc_id, "item": item, "label": span.label, "start": span.start,
            "end": span.end, "text": span.text, "source": span.source, "norm": norm_row(span.norm),
            **{key: None if norm.get(key) is None else str(norm[key]) for key in FLAT_NORM_KEYS},
            "value": float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None}


def write(docs: Iterable[Document], out: Path, summary: ExportSummary) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schemas = _schemas()
    with atomic_dir(out) as tmp:
        writers = {name: pq.ParquetWriter(tmp / f"{name}.parquet", schemas[name]) for name in WRITTEN}
        pending: dict[str, list[dict[str, Any]]] = {name: [] for name in WRITTEN}

        def flush() -> None:
            for name in WRITTEN:
                writers[name].write_table(pa.Table.from_pylist(pending[name], schema=schemas[name]))
                summary.rows[name] += len(pending[name])
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


def read(path: Path, report: ImportReport, *, reviewed_only: bool = False) -> Iterator[Document]:
    """Documents from the three tables (`reviewed_only` does not apply: nothing is reviewed here)."""
    import pyarrow.parquet as pq

    missing = [name for name in TABLES if not (path / f"{name}.parquet").is_file()]
    if missing:
        raise InputError(f"no {missing[0]}.parquet; expected the folder `referat export "
                         "--format parquet` wrote", path=str(path))
    by_doc: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for name in ("items", "entities"):
        for row in pq.read_table(path / f"{name}.parquet").to_pylist():
            by_doc[row["doc_id"]][name].append(row)
    for batch in pq.ParquetFile(path / "documents.parquet").iter_batches(batch_size=BATCH_DOCUMENTS):
        for row in batch.to_pylist():
            report.read_record()
            parts = by_doc.pop(row["doc_id"], {})
            report.read_spans(len(parts.get("entities", [])))
            yield _document(row, parts.get("items", []), parts.get("entities", []))


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _document(row: dict[str, Any], item_rows: list[dict[str, Any]],
              entity_rows: list[dict[str, Any]]) -> Document:
    meeting = {k: v for k, v in row["meeting"].items() if v is not None} | {"date": _iso(row["meeting"]["date"])}
    doc = Document(source=row["source"], sha256=row["sha256"], format=row["format"],
                   text=row["text"], layout=row["layout"], referat_version=row["referat_version"],
                   meeting=Meeting.from_dict(meeting),
                   pages=[Page(**p) for p in row["pages"]],
                   warnings=[Problem.from_dict(p) for p in row["warnings"]])
    for r in item_rows:
        item = Item(number=r["number"], title=r["title"], start=r["start"], end=r["end"],
                    case_number=r["case_number"], closed=r["closed"], marker=r["marker"],
                    absent=list(r["absent"] or []), type=r["type"],
                    sections=[Section.from_dict(s) for s in r["sections"]],
                    classification=Classification.from_dict(r["classification"])
                    if r["classification"] else None)
        if r["decision"] is not None:
            item = Item.from_dict(item.to_dict() | {"decision": r["decision"]})
        doc.items.append(item)
    for r in entity_rows:
        span = Span(r["label"], r["start"], r["end"], r["text"], source=r["source"],
                    norm=norm_from_row(r["norm"]))
        owner = next((i for i in doc.items if i.number == r["item"] and i.start <= span.start < i.end), None)
        (owner.entities if owner else doc.entities).append(span)
    return doc
