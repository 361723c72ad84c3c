"""A searchable archive of minutes: one SQLite file, Danish full-text search over items.

    with Archive("archive.sqlite") as archive:          # created if missing
        archive.index(documents)
    with Archive("archive.sqlite", readonly=True) as archive:
        archive.search("bevilling -skole", body="byrådet", date_from="2019")
        archive.search(type="beslutning", act="aktivloven", section="13")
        archive.search(party="Ø", voted="imod", outcome="afvist")
        archive.facets("lokalplan")        # counts by body, year, type, outcome, act, party

Words match in any inflection (`bevilling` finds `bevillingen`), quoted words
and phrases as printed, with OR, NOT, `-word`, `prefix*` and parentheses
(`query.py`); hits are ranked by BM25 and come with a snippet that marks the
matches. Filters (`filters.py`) are index lookups, so a question over 100,000
documents takes milliseconds. The tables are in `schema.py`; the archive
opens in Datasette with its full-text search and facets (`datasette.py`) and
loads into OpenSearch or Elasticsearch (`opensearch.py`).

Indexing is incremental and safe to run twice at once: a document is keyed
by its content hash, and a JSONL line already indexed is skipped unread; each
batch of documents is one transaction (a killed run leaves whole documents
only), and a second indexer waits for the first. A bad line in the records
is named (file and line) and the rest is indexed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from referat.archive.bodies import body_key, body_label
from referat.archive.filters import (
    ID_SPAN,
    MAX_LIMIT,
    OUTCOMES,
    POSITIONS,
    Filters,
    check_limit,
    conditions,
    date_bounds,
    day_number,
    id_bounds,
    name_key,
    name_pattern,
    section_number,
)
from referat.archive.query import Query, QueryError, parse, snippet
from referat.archive.schema import (
    SCHEMA,
    SCHEMA_VERSION,
    ArchiveError,
    ArchiveLocked,
    NotAnArchive,
    check,
    connect,
    errors,
    patiently,
)
from referat.archive.words import Stemmer, stemmer_id
from referat.errors import InputError
from referat.export.units import printed_page
from referat.model import Document, Item, Span
from referat.records import document_problem
from referat.resources import load_toml

__all__ = ["Archive", "ArchiveError", "ArchiveLocked", "Hit", "IndexSummary", "NotAnArchive", "QueryError",
           "Filters", "OUTCOMES", "POSITIONS", "MAX_LIMIT", "date_bounds", "index_records", "section_number",
           "SCHEMA_VERSION"]

log = logging.getLogger(__name__)

NAMED_LABELS = ("PERSON", "ORG", "LOC", "COMMITTEE")
"""Labels whose mentions are looked up by name (`--person`, `--org`, `--place`)."""
FACETS = ("body", "year", "type", "outcome", "act", "party")
BATCH = 200
"""Documents per transaction: a killed run loses at most one batch, and a
second indexer waits at most one batch for its turn."""
RANKED = 5_000
"""Text matches ranked by BM25 per query: the newest this many that pass the
filters. Ranking costs per match, so a word in a third of 1.5 million items
would take seconds; a date range or one more word narrows what is ranked."""
LISTED = 2_000
"""A filter on mentions or votes that this many or fewer match is a list of their
items, read once per query; one that more match is a lookup per candidate item.
A short list beats lookups; a long one costs more to build than the lookups of
the items that the words, the other filters or the first page of hits bring."""


@dataclass
class IndexSummary:
    """What an index run did; `failed` names each bad line or record (file: line N: why)."""

    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # error records: "source: reason"
    failed: list[str] = field(default_factory=list)


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
    closed: bool = False
    case_number: str | None = None
    outcome: str | None = None
    rank: float | None = None  # BM25 (lower is better), for text queries
    snippet: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)  # the mentions and votes the filters matched

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Entry:
    """A document on its way in: where it came from, for error messages."""

    doc: Document
    where: str
    decisions: list[Any] | None = None  # per item, from the record; None: from the Item
    record_hash: str | None = None


_INVALID = (TypeError, ValueError, KeyError, AttributeError, OverflowError)
"""What a bad record raises on its way in (a lone surrogate: UnicodeEncodeError, a
ValueError; a number beyond 64 bits: OverflowError)."""
_json = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(..., ensure_ascii=False) without its set-up per call


class _Retry(Exception):
    """A chunk written together held a bad document: write it again one document at a time."""


@dataclass
class _Rows:
    """Rows waiting to be written, one list per table: a chunk of documents goes in
    with one executemany per table (FTS5 then writes one segment for the chunk)."""

    documents: list = field(default_factory=list)
    records: list = field(default_factory=list)
    items: list = field(default_factory=list)
    fts: list = field(default_factory=list)
    entities: list = field(default_factory=list)
    votes: list = field(default_factory=list)
    shas: set = field(default_factory=set)
    record_hashes: set = field(default_factory=set)

    def add(self, other: _Rows) -> None:
        for name, rows in vars(other).items():
            getattr(self, name).update(rows) if isinstance(rows, set) else getattr(self, name).extend(rows)

    def clear(self) -> None:
        for rows in vars(self).values():
            rows.clear()

    def insert(self, db: sqlite3.Connection) -> None:
        db.executemany("INSERT INTO documents (id, sha256, doc_id, source, format, body, body_id, date,"
                       " municipality, kind, referat_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       self.documents)
        db.executemany("INSERT OR REPLACE INTO records (hash, document_id) VALUES (?, ?)", self.records)
        db.executemany('INSERT INTO items (id, document_id, number, title, type, score, case_number, closed, date,'
                       ' year, body_id, outcome, unanimous, start, "end", page, text)'
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self.items)
        db.executemany("INSERT INTO items_fts (rowid, title, text, title_stem, text_stem) VALUES (?, ?, ?, ?, ?)",
                       self.fts)
        db.executemany('INSERT INTO entities (document_id, item_id, label, text, start, "end", source, act,'
                       " section, section_number, subsection, value, currency, name, name_id, party, norm)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self.entities)
        db.executemany("INSERT INTO votes (item_id, position, party, person, name_id, count)"
                       " VALUES (?, ?, ?, ?, ?, ?)", self.votes)
        self.clear()


class Archive:
    """An archive file; `Archive(path)` creates it, `Archive(path, readonly=True)` only reads.

    `timeout` is how long to wait for another process's write (another
    `referat index`) before giving up with `ArchiveLocked`."""

    def __init__(self, path: str | Path, *, readonly: bool = False, timeout: float = 60.0):
        self.path = Path(path)
        self.readonly = readonly
        self.stemmer = Stemmer()
        self._ids: dict[tuple[str, str], int] = {}
        self._last_item: dict[int, int] = {}
        self.db = connect(self.path, readonly=readonly, timeout=timeout)
        try:
            with errors(self.path):
                for pragma in ("mmap_size = 1073741824", "cache_size = -65536", "temp_store = MEMORY"):
                    self.db.execute(f"PRAGMA {pragma}")
            if readonly:
                patiently(lambda: check(self.db, self.path, readonly=True), self.path, timeout=timeout)
            else:
                patiently(self._prepare, self.path, timeout=timeout)
        except BaseException:
            self.db.close()
            raise

    # --- opening and closing -------------------------------------------------

    def _prepare(self) -> None:
        made = check(self.db, self.path, readonly=False)  # before anything is written to the file
        self.db.execute("PRAGMA journal_mode = WAL")  # searches go on while an indexer writes
        self.db.execute("PRAGMA synchronous = NORMAL")
        if not made:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                if not check(self.db, self.path, readonly=False):  # another indexer may have won
                    for statement in _statements(SCHEMA):
                        self.db.execute(statement)
                    self.db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                                        [("stemmer", stemmer_id()), ("schema", str(SCHEMA_VERSION))])
                    self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        built_with = self.db.execute("SELECT value FROM meta WHERE key = 'stemmer'").fetchone()
        if built_with is None or built_with[0] != stemmer_id():
            self._restem(built_with[0] if built_with else None)

    def _restem(self, built_with: str | None) -> None:
        """Rebuild the index with this stemmer: the stems another one made cannot be
        deleted from a contentless index, so they are all replaced."""
        log.warning("%s: stems made by %s; rebuilding the full-text index with %s",
                    self.path, built_with, stemmer_id())
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("INSERT INTO items_fts (items_fts) VALUES ('delete-all')")
            for row in self.db.execute("SELECT id, title, text FROM items"):  # streamed, not held
                self.db.execute("INSERT INTO items_fts (rowid, title, text, title_stem, text_stem) "
                                "VALUES (?, ?, ?, ?, ?)", self._fts_row(*row))
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('stemmer', ?)", (stemmer_id(),))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        if not self.readonly:
            try:  # a single file again once nobody writes; another indexer or reader keeps WAL on
                self.db.execute("PRAGMA busy_timeout = 50")
                self.db.execute("PRAGMA analysis_limit = 1000")  # statistics from a sample: quick at any size
                self.db.execute("PRAGMA optimize")
                self.db.execute("PRAGMA journal_mode = DELETE")
            except sqlite3.Error:
                pass
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def counts(self) -> dict[str, int]:
        with errors(self.path):
            return {table: self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                    for table in ("documents", "items", "entities", "votes")}

    # --- indexing -------------------------------------------------------------

    def index(self, docs: Iterable[Document], *, batch: int = BATCH) -> IndexSummary:
        """Add documents; one already here (same sha256) is replaced, not duplicated."""
        summary = IndexSummary()
        self._index((_Entry(doc, doc.source) for doc in docs), summary, batch)
        return summary

    def index_records(self, path: str | Path, *, batch: int = BATCH,
                      on_line: Callable[[], None] | None = None) -> IndexSummary:
        """Index a referat JSONL file: lines indexed before are skipped unread, a line
        that is not a document record is named in `failed`, error records in `skipped`.
        `on_line` is called for every record line read (a progress bar)."""
        summary = IndexSummary()
        self._index(self._entries(Path(path), summary, on_line), summary, batch)
        summary.failed.sort(key=_line_number)  # bad JSON is found on reading, bad values on writing
        return summary

    def _index(self, entries: Iterable[_Entry], summary: IndexSummary, batch: int) -> None:
        if self.readonly:
            raise ArchiveError("opened read-only", path=str(self.path))
        entries = iter(entries)
        while chunk := list(islice(entries, batch)):
            with errors(self.path):
                self._write(chunk, summary)

    def _entries(self, path: Path, summary: IndexSummary,
                 on_line: Callable[[], None] | None = None) -> Iterator[_Entry]:
        name = str(path)
        try:
            f = open(path, "rb")
        except FileNotFoundError:
            raise InputError("no such file", path=name) from None
        except OSError as err:
            raise InputError(f"cannot read: {err.strerror or err}", path=name) from None
        with f:
            for number, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                if on_line is not None:
                    on_line()
                digest = hashlib.sha256(line).hexdigest()
                with errors(self.path):
                    if self.db.execute("SELECT 1 FROM records WHERE hash = ?", (digest,)).fetchone():
                        summary.unchanged += 1
                        continue
                where = f"{name}: line {number}"
                try:
                    record = json.loads(line)
                except UnicodeDecodeError:
                    summary.failed.append(f"{where}: not UTF-8")
                    continue
                except json.JSONDecodeError as err:
                    truncated = " (truncated?)" if line.startswith(b"{") and not line.endswith(b"}") else ""
                    summary.failed.append(f"{where}: not JSON{truncated}: {err.msg}")
                    continue
                except RecursionError:
                    summary.failed.append(f"{where}: JSON nested too deeply")
                    continue
                except ValueError:  # an integer of more than 4,300 digits
                    summary.failed.append(f"{where}: a number too large")
                    continue
                problem = _record_problem(record)
                if problem:
                    summary.failed.append(f"{where}: {problem}")
                    continue
                if record.get("status") == "error":
                    reasons = "; ".join(str(p.get("code", "error")) for p in record.get("errors") or []
                                        if isinstance(p, dict))
                    summary.skipped.append(f"{record.get('source')}: {reasons or 'error'}")
                    continue
                try:
                    doc = Document.from_dict(record)
                    decisions = [i.get("decision") if isinstance(i, dict) else None for i in record.get("items") or []]
                except (TypeError, ValueError, KeyError, AttributeError) as err:
                    summary.failed.append(f"{where}: not a valid document record ({_reason(err)})")
                    continue
                yield _Entry(doc, where, decisions, digest)

    def _write(self, chunk: list[_Entry], summary: IndexSummary) -> None:
        """One transaction: the whole chunk's rows at once, or, where a document
        is bad, each document alone (a savepoint each) so that only it is left out."""
        try:
            self._transaction(chunk, summary, together=True)
        except _Retry:
            self._transaction(chunk, summary, together=False)

    def _transaction(self, chunk: list[_Entry], summary: IndexSummary, *, together: bool) -> None:
        done = IndexSummary()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self._last_item = {}
            document_id = self.db.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()[0]
            rows = _Rows()
            for entry in chunk:
                if entry.record_hash and (entry.record_hash in rows.record_hashes or self.db.execute(
                        "SELECT 1 FROM records WHERE hash = ?", (entry.record_hash,)).fetchone()):
                    done.unchanged += 1  # another indexer (or an earlier line) got here first
                    continue
                if entry.doc.sha256 in rows.shas:  # the same file twice: the second replaces the first
                    rows.insert(self.db)
                document_id += 1
                if together:
                    try:
                        document = self._rows(entry, document_id)
                    except _INVALID:
                        raise _Retry from None
                    replaced = self._remove(entry.doc.sha256)
                    rows.add(document)
                else:
                    self.db.execute("SAVEPOINT document")  # where FTS5 writes out the rows it holds
                    try:
                        replaced = self._remove(entry.doc.sha256)
                        rows.add(self._rows(entry, document_id))
                        rows.insert(self.db)
                    except (*_INVALID, sqlite3.IntegrityError) as err:
                        self.db.execute("ROLLBACK TO document")
                        self.db.execute("RELEASE document")
                        self._ids.clear()  # names and bodies the rollback took back
                        rows.clear()
                        done.failed.append(f"{entry.where}: not a valid document record ({_reason(err)})")
                        continue
                    self.db.execute("RELEASE document")
                if replaced:
                    done.replaced += 1
                else:
                    done.added += 1
            try:
                rows.insert(self.db)
            except (*_INVALID, sqlite3.IntegrityError):
                raise _Retry from None
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            self._ids.clear()  # ids of rows the rollback took back
            raise
        summary.added += done.added
        summary.replaced += done.replaced
        summary.unchanged += done.unchanged
        summary.failed += done.failed

    def _remove(self, sha256: str) -> bool:
        row = self.db.execute("SELECT id FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            return False
        self.db.executemany("INSERT INTO items_fts (items_fts, rowid, title, text, title_stem, text_stem) "
                            "VALUES ('delete', ?, ?, ?, ?, ?)",
                            [self._fts_row(*item) for item in
                             self.db.execute("SELECT id, title, text FROM items WHERE document_id = ?", row)])
        self.db.execute("DELETE FROM votes WHERE item_id IN (SELECT id FROM items WHERE document_id = ?)", row)
        for table in ("entities", "items", "records"):
            self.db.execute(f"DELETE FROM {table} WHERE document_id = ?", row)
        self.db.execute("DELETE FROM documents WHERE id = ?", row)
        return True

    def _fts_row(self, item_id: int, title: str | None, text: str | None) -> tuple:
        return item_id, title, text, self.stemmer.text(title), self.stemmer.text(text)

    def _rows(self, entry: _Entry, document_id: int) -> _Rows:
        """A document's rows in every table, made in Python before any is written."""
        doc, m = entry.doc, entry.doc.meeting
        rows = _Rows()
        body_id = self._body_id(m.body)
        year = int(m.date[:4]) if m.date and m.date[:4].isdigit() else None
        rows.documents.append((document_id, doc.sha256, doc.doc_id, doc.source, doc.format, m.body, body_id, m.date,
                               m.municipality, m.kind, doc.referat_version))
        rows.shas.add(doc.sha256)
        if entry.record_hash:
            rows.records.append((entry.record_hash, document_id))
            rows.record_hashes.add(entry.record_hash)
        decisions = entry.decisions if entry.decisions is not None else [_decision_of(i) for i in doc.items]
        day = day_number(m.date)
        for item, decision in zip(doc.items, decisions + [None] * (len(doc.items) - len(decisions))):
            decision = decision if isinstance(decision, dict) else None
            c = item.classification
            text = doc.text[item.start:item.end]
            unanimous = decision.get("unanimous") if decision else None
            item_id = self._next_item_id(day)
            rows.items.append(
                (item_id, document_id, item.number, item.title, item.type, c.score if c else None, item.case_number,
                 bool(item.closed), m.date, year, body_id, decision.get("outcome") if decision else None,
                 None if unanimous is None else bool(unanimous), item.start, item.end,
                 printed_page(doc, item.start), text))
            rows.fts.append(self._fts_row(item_id, item.title, text))
            self._entity_rows(rows.entities, document_id, item_id, item.entities)
            if decision:
                self._vote_rows(rows.votes, item_id, decision.get("votes") or [])
        self._entity_rows(rows.entities, document_id, None, doc.entities)
        return rows

    def _next_item_id(self, day: int) -> int:
        """A new item id on a meeting day (see `ID_SPAN`); the last one given is
        remembered for the transaction, whose rows are written at its end."""
        last = self._last_item.get(day)
        if last is None:
            low = day * ID_SPAN
            last = self.db.execute("SELECT max(id) FROM items WHERE id BETWEEN ? AND ?",
                                   (low, low + ID_SPAN - 1)).fetchone()[0] or low
        if last + 1 >= (day + 1) * ID_SPAN:
            raise ValueError(f"more than {ID_SPAN:,} items on one meeting day")
        self._last_item[day] = last + 1
        return last + 1

    def _entity_rows(self, rows: list, document_id: int, item_id: int | None, spans: list[Span]) -> None:
        for span in spans:
            label, norm = span.label, span.norm
            if isinstance(norm, dict):
                value = norm.get("value")
                section = norm.get("section")
                subsection = norm.get("subsection")
                party = norm.get("party") or (norm.get("letter") if label == "PARTY" else None)
                act = norm.get("act")
                name = norm.get("name") if label in NAMED_LABELS else None
            else:
                value = section = subsection = party = act = name = None
            if section is not None:
                section = str(section)
            if label in NAMED_LABELS:
                name = str(name or span.text)
            rows.append((document_id, item_id, label, span.text, span.start, span.end, span.source,
                         None if act is None else str(act).lower(), section,
                         None if section is None else section_number(section),
                         None if subsection is None else str(subsection),
                         float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None,
                         norm.get("currency") if isinstance(norm, dict) else None,
                         name, self._name_id(label, name) if name else None,
                         party_letter(str(party)) if party else None,
                         None if norm is None else _json(norm)))

    def _vote_rows(self, rows: list, item_id: int, votes: list[Any]) -> None:
        for vote in votes:
            if not isinstance(vote, dict) or vote.get("position") not in POSITIONS:
                raise ValueError(f"a vote without a position of {', '.join(POSITIONS)}")
            count = vote.get("count")
            count = count if isinstance(count, int) and not isinstance(count, bool) else None
            for party in vote.get("parties") or []:
                rows.append((item_id, vote["position"], party_letter(str(party)), None, None, count))
            for person in vote.get("persons") or []:
                rows.append((item_id, vote["position"], None, str(person), self._name_id("PERSON", str(person)),
                             count))

    def _body_id(self, name: str | None) -> int | None:
        key = body_key(name)
        if key is None:
            return None
        found = self._ids.get(("BODY", key))
        if found is None:
            found = self._lookup(("BODY", key), "SELECT id FROM bodies WHERE key = ?", (key,),
                                 "INSERT INTO bodies (key, label) VALUES (?, ?)", (key, body_label(name, key)))
        return found

    def _name_id(self, label: str, name: str) -> int:
        found = self._ids.get((label, name))
        if found is None:
            found = self._lookup((label, name), "SELECT id FROM names WHERE label = ? AND name = ?", (label, name),
                                 "INSERT INTO names (label, name, key) VALUES (?, ?, ?)",
                                 (label, name, name_key(name)))
        return found

    def _lookup(self, key: tuple[str, str], select: str, args: tuple, insert: str, values: tuple) -> int:
        row = self.db.execute(select, args).fetchone()
        found = self._ids[key] = row[0] if row else self.db.execute(insert, values).lastrowid
        return found

    # --- searching ------------------------------------------------------------

    def search(self, query: str | None = None, *, limit: int = 50, **filters: Any) -> list[Hit]:
        """Items matching the query and every filter (see `Filters`), best text match
        first (else newest first).

        `body` matches a body by name whatever its election period
        (`byrådet` finds `Byråd 2022-2025` and `Kommunalbestyrelsen`), or by
        part of its name where no body has that name; `person`, `place` and
        `org` match names word by word (`Jensen` finds `Jan Prokopek Jensen`);
        `party` is a letter or a party's name; closed items only with
        `closed=True`. Text matches are ranked by BM25; where more than
        `RANKED` items match, the newest `RANKED` of them are ranked.
        """
        check_limit(limit)
        with errors(self.path):
            plan = self._plan(query, Filters(**filters))
            if plan is None:
                return []
            rows = self.db.execute(plan.sql(limit), plan.args(limit)).fetchall()
            hits = []
            for row in rows:
                hit = Hit(*row[1:10], closed=bool(row[10]), case_number=row[11], outcome=row[12], rank=row[13])
                if plan.query.terms:
                    hit.snippet = snippet(row[14] or "", plan.query.terms, self.stemmer)
                for cond in plan.conditions:
                    if cond.mentions:
                        sql, args = cond.mentions
                        hit.entities += [{"label": r[0], "text": r[1], "norm": json.loads(r[2]) if r[2] else None}
                                         for r in self.db.execute(sql, [row[0], *args])]
                hits.append(hit)
            return hits

    def facets(self, query: str | None = None, *, top: int = 20, **filters: Any) -> dict[str, Any]:
        """Counts of all the matching items (not only the ranked ones) by body, year,
        type, outcome, act and party (`top` largest of each), and `total`."""
        empty = {"total": 0, "facets": {name: [] for name in FACETS}}
        with errors(self.path):
            plan = self._plan(query, Filters(**filters))
            if plan is None:
                return empty
            self.db.execute("DROP TABLE IF EXISTS temp.matched")
            # The columns the facets count are copied as the items are read: one pass
            # over the matches, not a lookup of each item per facet.
            self.db.execute("CREATE TEMP TABLE matched AS SELECT i.id AS id, i.body_id AS body_id, i.year AS year, "
                            f"i.type AS type, i.outcome AS outcome {plan.source()}", plan.where_args)
            try:
                total = self.db.execute("SELECT count(*) FROM temp.matched").fetchone()[0]
                out = {}
                for name, sql in _FACET_SQL.items():
                    rows = self.db.execute(sql + " ORDER BY 2 DESC, 1 LIMIT ?", (top,)).fetchall()
                    out[name] = [{"value": value, "count": count} for value, count in rows]
            finally:
                self.db.execute("DROP TABLE IF EXISTS temp.matched")
        return {"total": total, "facets": out}

    def explain(self, query: str | None = None, **filters: Any) -> list[str]:
        """SQLite's plan for a search (EXPLAIN QUERY PLAN), one line per step."""
        with errors(self.path):
            plan = self._plan(query, Filters(**filters))
            if plan is None:
                return []
            rows = self.db.execute("EXPLAIN QUERY PLAN " + plan.sql(50), plan.args(50)).fetchall()
        return [row[-1] for row in rows]

    def _plan(self, query: str | None, f: Filters) -> _Plan | None:
        """The SQL for a query and filters, or None where nothing can match (a body
        or name the archive does not hold)."""
        parsed = parse(query, self.stemmer)
        body_ids = None
        if f.body is not None:
            body_ids = self._bodies(f.body)
            if not body_ids:
                return None
        name_ids: dict[str, list[int]] = {}
        for option, label in (("person", "PERSON"), ("place", "LOC"), ("org", "ORG")):
            if getattr(f, option) is not None:
                name_ids[option] = self._names(label, getattr(f, option))
                if not name_ids[option]:
                    return None
        if f.party is not None:
            f.party = party_letter(f.party)
        conds = []
        for cond in conditions(f, body_ids, name_ids):
            if cond.probe:
                found = self.db.execute(cond.probe, [*cond.args, LISTED + 1]).fetchone()[0]
                if not found:
                    return None
                if found > LISTED:
                    cond = replace(cond, sql=cond.check)
            conds.append(cond)
        where, args = [], []
        if parsed.match:
            where.append("items_fts MATCH ?")
            args.append(parsed.match)
            for bound, op in zip(id_bounds(f.date_from, f.date_to), (">=", "<=")):
                if bound is not None:  # the FTS index reads only the date range's rows
                    where.append(f"items_fts.rowid {op} ?")
                    args.append(bound)
        if parsed.exclude:
            where.append("i.id NOT IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)")
            args.append(parsed.exclude)
        for cond in conds:
            where.append(cond.sql)
            args.extend(cond.args)
        return _Plan(parsed, conds, where, args)

    def _bodies(self, body: str) -> list[int]:
        key = body_key(body) or body.casefold()
        ids = [r[0] for r in self.db.execute("SELECT id FROM bodies WHERE key = ?", (key,))]
        if not ids:
            pattern = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            ids = [r[0] for r in self.db.execute("SELECT id FROM bodies WHERE key LIKE ? ESCAPE '\\'", (pattern,))]
        return ids

    def _names(self, label: str, name: str) -> list[int]:
        patterns = name_pattern(name)
        sql = "SELECT id FROM names WHERE label = ? AND " + " AND ".join(["key LIKE ? ESCAPE '\\'"] * len(patterns))
        return [r[0] for r in self.db.execute(sql, [label, *patterns])]


_HIT = ("SELECT i.id, d.doc_id, d.source, i.date, d.body, i.number, i.title, i.type, i.score, i.page, i.closed,"
        " i.case_number, i.outcome, m.rank, i.text FROM m JOIN items i ON i.id = m.id"
        " JOIN documents d ON d.id = i.document_id")

_FACET_SQL = {
    "body": "SELECT b.label, count(*) FROM temp.matched m JOIN bodies b ON b.id = m.body_id GROUP BY b.id",
    "year": "SELECT year, count(*) FROM temp.matched WHERE year IS NOT NULL GROUP BY year",
    "type": "SELECT type, count(*) FROM temp.matched WHERE type IS NOT NULL GROUP BY type",
    "outcome": "SELECT outcome, count(*) FROM temp.matched WHERE outcome IS NOT NULL GROUP BY outcome",
    "act": "SELECT e.act, count(DISTINCT e.item_id) FROM temp.matched m "
           "JOIN entities e INDEXED BY entities_item ON e.item_id = m.id AND e.label = 'LAW' "
           "WHERE e.act IS NOT NULL GROUP BY e.act",
    # parties named in the items or voting in their decisions
    "party": "SELECT party, count(DISTINCT item_id) FROM ("
             "SELECT e.item_id, e.party FROM temp.matched m JOIN entities e INDEXED BY entities_item "
             "ON e.item_id = m.id AND e.label IN ('PARTY', 'PERSON') WHERE e.party IS NOT NULL UNION ALL "
             "SELECT v.item_id, v.party FROM temp.matched m JOIN votes v INDEXED BY votes_item "
             "ON v.item_id = m.id WHERE v.party IS NOT NULL) GROUP BY party",
}


@dataclass
class _Plan:
    """A search as SQL. Text queries: the newest `RANKED` matches that pass the
    filters (the FTS index read newest first, each item checked), then ranked.
    Otherwise the newest items that pass, read from an index backwards."""

    query: Query
    conditions: list
    where: list[str]
    where_args: list[Any]

    def source(self) -> str:
        fts = "FROM items_fts CROSS JOIN items i ON i.id = items_fts.rowid " if self.query.match else "FROM items i "
        return fts + ("WHERE " + " AND ".join(self.where) if self.where else "")

    def sql(self, limit: int) -> str:
        if self.query.match:
            # Ranked as ids first, then the page's rows read: reading every ranked
            # item's text before the sort took most of a query's time.
            return (f"WITH ranked AS (SELECT i.id AS id, items_fts.rank AS rank {self.source()} "
                    f"ORDER BY items_fts.rowid DESC LIMIT {RANKED}), "
                    f"m AS (SELECT id, rank FROM ranked ORDER BY rank, id DESC LIMIT ?) {_HIT} ORDER BY m.rank, m.id DESC")
        return (f"WITH m AS (SELECT i.id AS id, NULL AS rank {self.source()} ORDER BY i.id DESC LIMIT ?) "
                f"{_HIT} ORDER BY i.date DESC, i.document_id, i.number")

    def args(self, limit: int) -> list[Any]:
        return [*self.where_args, limit]


def index_records(records_path: str | Path, db: str | Path, *, timeout: float = 60.0) -> IndexSummary:
    """Index a referat JSONL file into the archive at `db` (created if missing)."""
    if not Path(records_path).is_file():
        raise InputError("no such file", path=str(records_path))
    with Archive(db, timeout=timeout) as archive:
        return archive.index_records(records_path)


@lru_cache(maxsize=1)
def _party_letters() -> dict[str, str]:
    letters = {}
    for party in load_toml("names/parties.toml")["party"]:
        for name in [party["letter"], *party.get("names", []), *party.get("codes", [])]:
            letters[name.casefold()] = party["letter"]
    return letters


def party_letter(party: str) -> str:
    """`SF` → `F`, `Venstre` → `V`; a letter the table does not know is kept, in capitals."""
    party = " ".join(party.split())
    return _party_letters().get(party.casefold(), party.upper())


def _decision_of(item: Item) -> dict | None:
    decision = getattr(item, "decision", None)
    return decision.to_dict() if hasattr(decision, "to_dict") else decision


def _record_problem(record: Any) -> str | None:
    if not isinstance(record, dict):
        return "not a JSON object"
    return document_problem(record)


def _line_number(failure: str) -> int:
    match = re.search(r": line (\d+): ", failure)
    return int(match.group(1)) if match else 0


def _reason(err: Exception) -> str:
    return f"{type(err).__name__}: {err}" if not isinstance(err, OverflowError) else "a number too large"


def _statements(script: str) -> Iterator[str]:
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            yield statement.strip()
            statement = ""
