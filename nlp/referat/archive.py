"""A searchable archive of minutes: one SQLite file, full-text search over items.

Tables `documents`, `items` and `entities` (each mention with its normalised
value spread over columns: `act`, `section`, `section_number`, `subsection`,
`value`, `currency`, `name`, `party`), and an FTS5 index `items_fts` over
item titles and text. Indexing is idempotent: a document is keyed by its
content hash, and indexing it again replaces it. Filters are plain indexed
columns, so questions like "every decision since 2019 that cites
aktivlovens § 13" take milliseconds:

    search(db, type="beslutning", act="aktivloven", section="13", date_from="2019")
    search(db, min_amount=10_000_000)
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from referat.errors import InputError
from referat.export import Records
from referat.export.units import printed_page
from referat.model import Document, Span

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    doc_id TEXT NOT NULL,
    source TEXT NOT NULL,
    format TEXT,
    body TEXT,
    date TEXT,
    municipality TEXT,
    kind TEXT,
    referat_version TEXT
);
CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    number INTEGER,
    title TEXT,
    type TEXT,
    score REAL,
    case_number TEXT,
    closed INTEGER,
    start INTEGER,
    "end" INTEGER,
    page INTEGER,
    text TEXT
);
CREATE TABLE entities (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    item_id INTEGER REFERENCES items(id),
    label TEXT NOT NULL,
    text TEXT,
    start INTEGER,
    "end" INTEGER,
    source TEXT,
    act TEXT,
    section TEXT,
    section_number INTEGER,
    subsection TEXT,
    value REAL,
    currency TEXT,
    name TEXT,
    party TEXT,
    norm TEXT
);
CREATE INDEX documents_date ON documents(date);
CREATE INDEX items_document ON items(document_id);
CREATE INDEX items_type ON items(type);
CREATE INDEX entities_document ON entities(document_id);
CREATE INDEX entities_item_label ON entities(item_id, label);
CREATE INDEX entities_law ON entities(act, section_number);
CREATE INDEX entities_value ON entities(label, value);
CREATE VIRTUAL TABLE items_fts USING fts5(
    title, text, content='items', content_rowid='id',
    tokenize='unicode61 remove_diacritics 0', prefix='3'
);
CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
    INSERT INTO items_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
    INSERT INTO items_fts(items_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
"""

_LEADING_NUMBER = re.compile(r"\d+")
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_QUERY_TERM = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+")


@dataclass
class IndexSummary:
    added: int = 0
    replaced: int = 0
    skipped: list[str] = field(default_factory=list)


@dataclass
class Hit:
    """One item that answers a search."""

    doc_id: str
    source: str
    date: str | None
    body: str | None
    number: int
    title: str
    type: str | None
    score: float | None
    page: int | None
    snippet: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)  # the mentions the filters matched

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def section_number(section: str | None) -> int | None:
    """The paragraph number a section starts with: `13 d` -> 13."""
    match = _LEADING_NUMBER.match(section or "")
    return int(match.group()) if match else None


def fts_query(query: str | None) -> str | None:
    """A user's words as a safe FTS5 query: every word must occur, `"..."` is a
    phrase, a trailing `*` a prefix; punctuation (`§`, `/`) just separates words.
    None for an empty query or `*` (filter only)."""
    terms = []
    for match in _QUERY_TERM.finditer(query or ""):
        phrase, term = match.groups()
        words = _WORD.findall(phrase if phrase is not None else term)
        if not words:
            continue
        quoted = '"' + " ".join(words) + '"'
        terms.append(quoted + "*" if term and term.endswith("*") else quoted)
    return " ".join(terms) or None


def date_bounds(date_from: str | None, date_to: str | None) -> tuple[str | None, str | None]:
    """ISO bounds from `2019`, `2019-03` or `2019-03-11`; `--to 2019` takes in all of 2019."""
    for value in (date_from, date_to):
        if value is not None and not _DATE.fullmatch(value):
            raise InputError(f"bad date {value!r}; expected YYYY, YYYY-MM or YYYY-MM-DD")
    return date_from, (date_to + "\uffff" if date_to else None)


class Archive:
    """An archive file; `Archive(path)` creates it, `Archive(path, readonly=True)` only reads."""

    def __init__(self, path: str | Path, *, readonly: bool = False):
        self.path = Path(path)
        if readonly and not self.path.is_file():
            raise InputError("no archive here; build one with `referat index`", path=str(self.path))
        uri = f"file:{self.path.resolve()}?mode={'ro' if readonly else 'rwc'}"
        try:
            self.db = sqlite3.connect(uri, uri=True)
            self.db.create_function("casefold", 1, lambda s: s.casefold() if s else s, deterministic=True)
            self._prepare(readonly)
        except sqlite3.DatabaseError as err:
            raise InputError(f"not a referat archive ({err})", path=str(self.path)) from None

    def _prepare(self, readonly: bool) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version == 0 and not readonly:
            with self.db:
                self.db.executescript(SCHEMA + f"PRAGMA user_version = {SCHEMA_VERSION};")
        elif version != SCHEMA_VERSION:
            raise InputError(f"archive schema {version}, this referat reads {SCHEMA_VERSION}; "
                             "index into a new file", path=str(self.path))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def counts(self) -> dict[str, int]:
        return {table: self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("documents", "items", "entities", "items_fts")}

    def index(self, docs: Iterable[Document]) -> IndexSummary:
        """Add documents; one already here (same sha256) is replaced, not duplicated."""
        summary = IndexSummary()
        with self.db:
            for doc in docs:
                if self._remove(doc.sha256):
                    summary.replaced += 1
                else:
                    summary.added += 1
                self._insert(doc)
        return summary

    def _remove(self, sha256: str) -> bool:
        row = self.db.execute("SELECT id FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            return False
        for table in ("entities", "items"):
            self.db.execute(f"DELETE FROM {table} WHERE document_id = ?", row)
        self.db.execute("DELETE FROM documents WHERE id = ?", row)
        return True

    def _insert(self, doc: Document) -> None:
        m = doc.meeting
        document_id = self.db.execute(
            "INSERT INTO documents (sha256, doc_id, source, format, body, date, municipality, kind,"
            " referat_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (doc.sha256, doc.doc_id, doc.source, doc.format, m.body, m.date, m.municipality, m.kind,
             doc.referat_version)).lastrowid
        for item in doc.items:
            c = item.classification
            item_id = self.db.execute(
                'INSERT INTO items (document_id, number, title, type, score, case_number, closed, start, "end",'
                " page, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (document_id, item.number, item.title, item.type, c.score if c else None, item.case_number,
                 item.closed, item.start, item.end, printed_page(doc, item.start),
                 doc.text[item.start:item.end])).lastrowid
            self._insert_entities(document_id, item_id, item.entities)
        self._insert_entities(document_id, None, doc.entities)

    def _insert_entities(self, document_id: int, item_id: int | None, spans: list[Span]) -> None:
        rows = []
        for span in spans:
            norm = span.norm or {}
            value = norm.get("value")
            section = norm.get("section")
            rows.append((document_id, item_id, span.label, span.text, span.start, span.end, span.source,
                         _lower(norm.get("act")), None if section is None else str(section),
                         section_number(None if section is None else str(section)),
                         None if norm.get("subsection") is None else str(norm["subsection"]),
                         float(value) if isinstance(value, (int, float)) else None, norm.get("currency"),
                         norm.get("name"), norm.get("party"),
                         json.dumps(span.norm, ensure_ascii=False) if span.norm is not None else None))
        self.db.executemany(
            'INSERT INTO entities (document_id, item_id, label, text, start, "end", source, act, section,'
            " section_number, subsection, value, currency, name, party, norm)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def search(self, query: str | None = None, *, type: str | None = None, label: str | None = None,
               act: str | None = None, section: str | None = None, date_from: str | None = None,
               date_to: str | None = None, body: str | None = None, min_amount: float | None = None,
               limit: int = 50) -> list[Hit]:
        """Items matching every given condition, best text match first (else newest first).

        The entity conditions (`label`, `act`, `section`, `min_amount`) must
        hold for one and the same mention: `act` and `section` imply a LAW,
        `min_amount` an AMOUNT of at least that many kroner. `section="13"`
        takes in `13`, `13 a` and `13 d`; `section="13 d"` only that one.
        `body` matches part of the body's name, ignoring case.
        """
        entity_sql, entity_args = _entity_condition(label, act, section, min_amount)
        where, args = [], []
        match = fts_query(query)
        if match:
            where.append("items_fts MATCH ?")
            args.append(match)
        if type:
            where.append("i.type = ?")
            args.append(type)
        low, high = date_bounds(date_from, date_to)
        if low:
            where.append("d.date >= ?")
            args.append(low)
        if high:
            where.append("d.date <= ?")
            args.append(high)
        if body:
            where.append("casefold(d.body) LIKE ? ESCAPE '\\'")
            args.append("%" + _like_escape(body.casefold()) + "%")
        if entity_sql:
            where.append(f"EXISTS (SELECT 1 FROM entities e WHERE e.item_id = i.id AND {entity_sql})")
            args.extend(entity_args)
        sql = ("SELECT i.id, d.doc_id, d.source, d.date, d.body, i.number, i.title, i.type, i.score, i.page, "
               + ("snippet(items_fts, 1, '[', ']', '…', 12) " if match else "NULL ")
               + "FROM items i JOIN documents d ON d.id = i.document_id "
               + ("JOIN items_fts ON items_fts.rowid = i.id " if match else "")
               + ("WHERE " + " AND ".join(where) + " " if where else "")
               + ("ORDER BY items_fts.rank " if match else "ORDER BY d.date DESC, d.source, i.number ")
               + "LIMIT ?")
        hits = []
        for row in self.db.execute(sql, [*args, limit]).fetchall():
            hit = Hit(*row[1:])
            if entity_sql:
                hit.entities = [
                    {"label": r[0], "text": r[1], "norm": json.loads(r[2]) if r[2] else None}
                    for r in self.db.execute(f"SELECT label, text, norm FROM entities e "
                                             f"WHERE e.item_id = ? AND {entity_sql} ORDER BY start",
                                             [row[0], *entity_args])]
            hits.append(hit)
        return hits


def _lower(value: Any) -> str | None:
    return None if value is None else str(value).lower()


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _entity_condition(label: str | None, act: str | None, section: str | None,
                      min_amount: float | None) -> tuple[str, list[Any]]:
    conditions: list[str] = []
    args: list[Any] = []
    if act is not None or section is not None:
        label = label or "LAW"
    if min_amount is not None:
        label = label or "AMOUNT"
    if label:
        conditions.append("e.label = ?")
        args.append(label)
    if act is not None:
        conditions.append("e.act = ?")
        args.append(act.strip().lower())
    if section is not None:
        section = "".join(section.split()).lower()
        if section.isdigit():
            conditions.append("e.section_number = ?")
            args.append(int(section))
        else:
            conditions.append("replace(lower(e.section), ' ', '') = ?")
            args.append(section)
    if min_amount is not None:
        conditions.append("e.value >= ?")
        args.append(float(min_amount))
    return " AND ".join(conditions), args


def index_records(records_path: str | Path, db: str | Path) -> IndexSummary:
    """Index a referat JSONL file into the archive at `db` (created if missing)."""
    records = Records(records_path)
    with Archive(db) as archive:
        summary = archive.index(records)
    summary.skipped = records.skipped
    return summary
