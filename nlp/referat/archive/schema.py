"""The archive's tables, and opening an archive file safely.

One SQLite file. `documents` (one row per indexed record), `items` (the
searchable unit; meeting date, year and body copied in so that every filter is
an index on one table; the id starts with the meeting day, so ids sort by
date and the (type), (body) and (outcome) indexes list items newest first), `entities` (every mention, its normalised value spread
over columns), `votes` (one row per party or person in a decision's votes),
`bodies` and `names` (small lookup tables that body, person, place and
organisation filters search before touching the big ones), `records` (a hash
per indexed JSONL line, so an unchanged record is skipped without being
parsed) and `meta`.

`items_fts` is a contentless FTS5 index over each item's title and text twice:
as printed (`title`, `text`) and as Danish stems (`title_stem`, `text_stem`,
see `words.py`). Contentless: the text lives once, in `items`. Prefix indexes
for prefixes of 3 to 8 letters (`budget*`): without one, FTS5 merges the rows
of every word with the prefix on each query, a cost that grows with the
archive (35 ms for `budget*` at 25,000 documents); with one, a prefix is read
like a word. Each length adds about a third of the full-text index; a longer
prefix names few words and is merged.

Opening goes through `connect`, which reads the path as a plain file name
(never as an SQLite URI: `budget#2024.sqlite` is that file) and turns every
SQLite failure into an `ArchiveError` that says what is wrong with the file.
"""

from __future__ import annotations

import random
import sqlite3
import stat
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from referat.errors import ReferatError

SCHEMA_VERSION = 4
TABLES = ("meta", "bodies", "names", "documents", "records", "items", "entities", "votes", "items_fts")

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE bodies (
    id INTEGER PRIMARY KEY,         -- one row per body, whatever its printed names
    key TEXT NOT NULL UNIQUE,       -- what --body matches: "byrådet" for "Byråd 2022-2025"
    label TEXT NOT NULL             -- what a facet shows: "Byrådet / Kommunalbestyrelsen"
);
CREATE TABLE names (
    id INTEGER PRIMARY KEY,
    label TEXT NOT NULL,            -- PERSON, ORG, LOC, COMMITTEE, ...
    name TEXT NOT NULL,
    key TEXT NOT NULL,              -- " jan prokopek jensen ": words folded, padded for word matches
    UNIQUE (label, name)
);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    doc_id TEXT NOT NULL,
    source TEXT NOT NULL,
    format TEXT,
    body TEXT,                      -- as printed: "Byråd 2022-2025"
    body_id INTEGER REFERENCES bodies(id),
    date TEXT,
    municipality TEXT,
    kind TEXT,
    referat_version TEXT
);
CREATE TABLE records (
    hash TEXT PRIMARY KEY,          -- sha256 of a JSONL line indexed as this document
    document_id INTEGER NOT NULL REFERENCES documents(id)
) WITHOUT ROWID;
CREATE INDEX records_document ON records(document_id);
CREATE TABLE items (
    id INTEGER PRIMARY KEY,         -- meeting day and a count: 2023052200000001 (filters.ID_SPAN)
    document_id INTEGER NOT NULL REFERENCES documents(id),
    number INTEGER,
    title TEXT,
    type TEXT,
    score REAL,
    case_number TEXT,
    closed INTEGER NOT NULL,
    date TEXT,
    year INTEGER,
    body_id INTEGER REFERENCES bodies(id),
    outcome TEXT,
    unanimous INTEGER,
    start INTEGER,
    "end" INTEGER,
    page INTEGER,
    text TEXT
);
CREATE INDEX items_document ON items(document_id, number);
CREATE INDEX items_type ON items(type);
CREATE INDEX items_body ON items(body_id);
CREATE INDEX items_outcome ON items(outcome) WHERE outcome IS NOT NULL;
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
    name_id INTEGER REFERENCES names(id),
    party TEXT,
    norm TEXT
);
CREATE INDEX entities_document ON entities(document_id);
-- A filter's mentions are found two ways (filters.py): by item, to check a candidate
-- item (entities_item), and by what they say, to list the items that have one (the
-- others, each ending in item_id so that the list is read from the index alone).
CREATE INDEX entities_item ON entities(item_id, label, value);
CREATE INDEX entities_label ON entities(label, value, item_id);
CREATE INDEX entities_law ON entities(act, section_number, label, item_id) WHERE act IS NOT NULL;
CREATE INDEX entities_section ON entities(section_number, label, item_id) WHERE section_number IS NOT NULL;
CREATE INDEX entities_name ON entities(name_id, label, item_id) WHERE name_id IS NOT NULL;
CREATE INDEX entities_party ON entities(party, label, item_id) WHERE party IS NOT NULL;
CREATE TABLE votes (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    position TEXT NOT NULL,         -- for, imod, undlod
    party TEXT,
    person TEXT,
    name_id INTEGER REFERENCES names(id),
    count INTEGER
);
CREATE INDEX votes_item ON votes(item_id);
CREATE INDEX votes_position ON votes(position, party, item_id);
CREATE INDEX votes_party ON votes(party, position, item_id) WHERE party IS NOT NULL;
CREATE INDEX votes_name ON votes(name_id, position, item_id) WHERE name_id IS NOT NULL;
CREATE VIRTUAL TABLE items_fts USING fts5(
    title, text, title_stem, text_stem,
    content='', tokenize='unicode61 remove_diacritics 0', prefix='3 4 5 6 7 8'
);
INSERT INTO items_fts(items_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0, 4.0, 1.0)');
"""


class ArchiveError(ReferatError):
    """The archive file cannot be used: missing, not an archive, damaged, locked.

    `usage` is true where the user named the wrong file (the command line exits
    with 2), false where the file or the machine is at fault (exit 1)."""

    code = "archive"
    usage = False


class NotAnArchive(ArchiveError):
    code = "not_an_archive"
    usage = True


class ArchiveLocked(ArchiveError):
    code = "archive_locked"


def connect(path: Path, *, readonly: bool, timeout: float) -> sqlite3.Connection:
    """An autocommit connection to the file at `path` (created for writing where missing)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        st = None
    except OSError as err:
        raise ArchiveError(f"cannot be opened: {err.strerror or err}", path=str(path)) from None
    if st is None and readonly:
        raise NotAnArchive("no archive here; build one with `referat index`", path=str(path))
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise NotAnArchive("is a folder, not an archive file", path=str(path))
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise NotAnArchive("is not a regular file (a device, a pipe?); an archive is an SQLite file",
                           path=str(path))
    # A URI only to say read-only; the path is percent-encoded by as_uri(), so
    # `#`, `?` and `%` in a file name are the file name's.
    uri = path.resolve().as_uri() + ("?mode=ro" if readonly else "?mode=rwc")
    with errors(path):
        db = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
    return db


def patiently(step: Callable[[], object], path: Path, *, timeout: float) -> None:
    """Run `step` again while the archive is locked, for up to `timeout` seconds.

    SQLite waits for another connection's lock by itself, except where waiting
    could deadlock: two connections switching a new file to WAL at once are
    told "locked" at once. Such a step is repeated after a short random pause."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with errors(path):
                step()
            return
        except ArchiveLocked:
            if time.monotonic() >= deadline:
                raise
            time.sleep(random.uniform(0.005, 0.05))


@contextmanager
def errors(path: Path):
    """Every SQLite failure inside as an ArchiveError naming the file and what is wrong."""
    try:
        yield
    except sqlite3.Error as err:
        raise archive_error(err, path) from None
    except OverflowError as err:  # a Python int beyond SQLite's 64 bits
        raise ArchiveError(f"a number too large for the archive ({err})", path=str(path)) from None


def archive_error(err: sqlite3.Error, path: Path) -> ArchiveError:
    message = str(err)
    lowered = message.lower()
    if "locked" in lowered or "busy" in lowered:
        return ArchiveLocked("is locked by another process (another `referat index`?); "
                             "try again when it has finished", path=str(path))
    if "not a database" in lowered:
        return NotAnArchive("is not an SQLite database (or its first page is damaged)", path=str(path))
    if "malformed" in lowered or "corrupt" in lowered:
        return ArchiveError(f"is damaged ({message}); index the records again into a new file",
                            path=str(path))
    if "full" in lowered:
        return ArchiveError(f"cannot be written: the disk is full ({message})", path=str(path))
    if "readonly" in lowered or "read-only" in lowered:
        return ArchiveError(f"cannot be written: the file or its folder is read-only ({message})",
                            path=str(path))
    if "unable to open" in lowered:
        return ArchiveError(f"cannot be opened ({message}); check the folder exists and may be written",
                            path=str(path))
    if "no such table" in lowered or "no such column" in lowered:
        return ArchiveError(f"is damaged or was changed by hand ({message}); "
                            "index the records again into a new file", path=str(path))
    return ArchiveError(f"SQLite error: {message}", path=str(path))


def check(db: sqlite3.Connection, path: Path, *, readonly: bool) -> bool:
    """Whether `db` is a referat archive of this schema; False for an empty file
    (which `index` then makes one); an error for anything else."""
    db.execute("SAVEPOINT check_archive")  # both read from one snapshot: another indexer may be making it
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    finally:
        db.execute("RELEASE check_archive")
    if version == SCHEMA_VERSION:
        missing = [t for t in TABLES if t not in tables]
        if missing:
            raise ArchiveError(f"is damaged or was changed by hand (no table {missing[0]!r}); "
                               "index the records again into a new file", path=str(path))
        return True
    if version == 0 and not tables:
        if readonly:
            raise NotAnArchive("is an empty archive; add records with `referat index`", path=str(path))
        return False
    if version == 0 or not {"documents", "items"} <= tables:
        raise NotAnArchive("is an SQLite database, but not a referat archive "
                           f"(its tables: {', '.join(sorted(tables)[:5])}); "
                           + ("index into a new file" if not readonly else "give the archive `referat index` made"),
                           path=str(path))
    if version < SCHEMA_VERSION:
        raise NotAnArchive(f"was made by an older referat (archive schema {version}; this one reads "
                           f"{SCHEMA_VERSION}); index the records again into a new file", path=str(path))
    raise NotAnArchive(f"was made by a newer referat (archive schema {version}; this one reads "
                       f"{SCHEMA_VERSION}); upgrade referat", path=str(path))
