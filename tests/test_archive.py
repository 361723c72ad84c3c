"""The SQLite archive: incremental indexing, filters, facets, query plans, and files
that are not what they should be (damaged, locked, not an archive)."""

from __future__ import annotations

import json
import multiprocessing
import re
import sqlite3
from pathlib import Path

import pytest
import referat.archive
from _archive_docs import handmade, records
from _docs import amiu_2019, byraad_2016, failed, sample

from referat.archive import (
    Archive,
    ArchiveError,
    ArchiveLocked,
    NotAnArchive,
    QueryError,
    date_bounds,
    index_records,
    section_number,
)
from referat.archive.query import parse
from referat.archive.words import words
from referat.export.jsonl import write_jsonl


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("archive")
    path = folder / "records.jsonl"
    write_jsonl(sample(), path)
    with open(path, "a", encoding="utf-8") as f:
        for record in records(handmade()):
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    index_records(path, folder / "archive.sqlite")
    with Archive(folder / "archive.sqlite", readonly=True) as db:
        yield db


def found(hits):
    return [(Path(h.source).name, h.number) for h in hits]


def write_records(path: Path, recs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    return path


# --- indexing -------------------------------------------------------------------


def test_indexing_twice_skips_unchanged_lines(tmp_path):
    path = tmp_path / "archive.sqlite"
    recs = tmp_path / "minutes.jsonl"
    write_jsonl(sample() + [failed()], recs)
    first = index_records(recs, path)
    with Archive(path) as db:
        counts = db.counts()
    second = index_records(recs, path)
    with Archive(path) as db:
        assert db.counts() == counts
        assert len(db.search("frikort")) == 1
    assert (first.added, first.replaced, first.unchanged) == (2, 0, 0)
    assert (second.added, second.replaced, second.unchanged) == (0, 0, 3 - 1)
    assert counts == {"documents": 2, "items": 6, "entities": 25, "votes": 0}
    assert first.skipped == ["minutes/scan-uden-tekst.pdf: no_text_layer"]


def test_a_record_processed_again_replaces_its_document(tmp_path):
    """Same file (sha256), new record (a newer referat): replaced, not duplicated."""
    path = tmp_path / "archive.sqlite"
    recs = write_records(tmp_path / "a.jsonl", [amiu_2019().to_dict()])
    index_records(recs, path)
    changed = amiu_2019().to_dict()
    changed["items"][0]["title"] = "Orientering om frikortet, rettet"
    summary = index_records(write_records(tmp_path / "b.jsonl", [changed]), path)
    assert (summary.added, summary.replaced) == (0, 1)
    with Archive(path) as db:
        assert db.counts()["documents"] == 1
        assert [h.title for h in db.search("rettet")] == ["Orientering om frikortet, rettet"]
        assert len(db.search("frikort")) == 1  # the old rows are gone from the full-text index
        db.db.execute("INSERT INTO items_fts (items_fts) VALUES ('integrity-check')")


def test_a_changed_file_is_a_new_document(tmp_path):
    path = tmp_path / "archive.sqlite"
    changed = amiu_2019()
    changed.sha256 = "0" * 64
    with Archive(path) as db:
        db.index([amiu_2019(), changed])
        assert db.counts()["documents"] == 2


def test_bad_lines_are_named_and_the_rest_is_indexed(tmp_path):
    good = [r.to_dict() for r in sample()]
    big = amiu_2019().to_dict()
    big["sha256"] = "1" * 64
    big["items"][0]["number"] = 10**20  # a number SQLite cannot hold
    lines = [json.dumps(good[0]), "{not json", json.dumps([1, 2]), json.dumps({"number": 1, "title": "x"}),
             json.dumps({"source": "x.txt"}), json.dumps(big), json.dumps(good[1])[:-40]]
    recs = tmp_path / "edited.jsonl"
    recs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = index_records(recs, tmp_path / "archive.sqlite")
    assert summary.added == 1
    messages = [m.replace(str(recs), "F") for m in summary.failed]
    assert [m.split(":")[1] for m in messages] == [f" line {n}" for n in (2, 3, 4, 5, 6, 7)]
    assert "not JSON" in messages[0] and "not a JSON object" in messages[1]
    assert "an item record" in messages[2] and "no 'sha256'" in messages[3]
    assert "items/0/number: must be smaller than or equal to 9999" in messages[4]  # checked on entry
    assert "truncated?" in messages[5]


def test_an_integer_past_pythons_4300_digits_is_a_bad_line_not_a_crash(tmp_path):
    recs = tmp_path / "n.jsonl"
    recs.write_text('{"n": ' + "9" * 5000 + "}\n" + json.dumps(byraad_2016().to_dict()) + "\n", encoding="utf-8")
    summary = index_records(recs, tmp_path / "archive.sqlite")
    assert summary.added == 1 and summary.failed == [f"{recs}: line 1: a number too large"]


def test_a_lone_surrogate_is_a_bad_record_not_a_crash(tmp_path):
    record = amiu_2019().to_dict()
    record["items"][0]["title"] = "Orientering \ud800"
    recs = tmp_path / "s.jsonl"
    recs.write_text(json.dumps(record) + "\n" + json.dumps(byraad_2016().to_dict()) + "\n", encoding="ascii")
    summary = index_records(recs, tmp_path / "archive.sqlite")
    assert summary.added == 1 and len(summary.failed) == 1 and "line 1" in summary.failed[0]


def test_a_killed_run_leaves_whole_documents(tmp_path):
    """An error in the middle of a batch takes back the batch, nothing half-written."""
    path = tmp_path / "archive.sqlite"

    def documents():
        yield amiu_2019()
        raise KeyboardInterrupt

    with Archive(path) as db:
        with pytest.raises(KeyboardInterrupt):
            db.index(documents())
        assert db.counts() == {"documents": 0, "items": 0, "entities": 0, "votes": 0}
        db.index([amiu_2019()])
        assert db.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_stems_of_another_stemmer_are_rebuilt(tmp_path):
    """A contentless index can only delete the stems it was given: an archive made
    with another stemmer is re-stemmed before anything is replaced in it."""
    path = tmp_path / "archive.sqlite"
    with Archive(path) as db:
        db.index(sample())
        db.db.execute("UPDATE meta SET value = 'snowball-danish/older' WHERE key = 'stemmer'")
    with Archive(path) as db:
        db.index(sample())  # replaces both documents: deletes their stems
        db.db.execute("INSERT INTO items_fts (items_fts) VALUES ('integrity-check')")
        assert db.db.execute("SELECT value FROM meta WHERE key = 'stemmer'").fetchone()[0].startswith(
            "snowball-danish/pystemmer-")
        assert found(db.search("sanktion")) == [("ballerup-byraad-2016-05-23.pdf", 1)]


def _index_in_process(args):
    path, records_file = args
    summary = index_records(records_file, path, timeout=120)
    return summary.added


def test_two_indexers_at_once_take_turns(tmp_path):
    """Two processes index different records into one new archive at the same time:
    both succeed, every document is there once, the database is intact."""
    path = tmp_path / "archive.sqlite"
    first = write_records(tmp_path / "a.jsonl", records(handmade()))
    others = []
    for n in range(40):
        doc = byraad_2016()
        doc.sha256 = f"{n:064d}"
        others.append(doc.to_dict())
    second = write_records(tmp_path / "b.jsonl", others)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        added = pool.map(_index_in_process, [(path, first), (path, second)])
    assert added == [3, 40]
    with Archive(path) as db:
        assert db.counts()["documents"] == 43
        assert db.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        db.db.execute("INSERT INTO items_fts (items_fts) VALUES ('integrity-check')")  # raises if corrupt
        assert len(db.search("sanktion", limit=1000)) == 40


_start_together = None


def _keep_barrier(barrier):
    global _start_together
    _start_together = barrier


def _open_each(paths):
    try:
        for path in paths:
            _start_together.wait(timeout=60)
            with Archive(path, timeout=30):
                pass
    except BaseException:
        _start_together.abort()  # the other process stops waiting too
        raise
    return len(paths)


def test_two_indexers_making_one_new_archive_both_wait_their_turn(tmp_path):
    """Two connections switching a new file to WAL at once are told "locked"
    without SQLite waiting, and one may read the schema half made by the other:
    both open each of 40 new archives at the same moment, and neither gives up."""
    paths = [tmp_path / f"archive-{n}.sqlite" for n in range(40)]
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(2, initializer=_keep_barrier, initargs=(spawn.Barrier(2),)) as pool:
        assert pool.map(_open_each, [paths, paths], chunksize=1) == [40, 40]
    for path in paths:
        with Archive(path, readonly=True) as db:
            assert db.counts()["documents"] == 0


def test_a_locked_archive_is_a_clear_error(tmp_path):
    path = tmp_path / "archive.sqlite"
    with Archive(path) as db:
        db.index([amiu_2019()])
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(ArchiveLocked, match="locked by another process"):
            with Archive(path, timeout=0.1) as db:
                db.index([byraad_2016()])
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.parametrize("content, error, message", [
    (b"", NotAnArchive, "empty archive"),
    (b"hello, this is not a database at all" * 100, NotAnArchive, "not an SQLite database"),
    ("other", NotAnArchive, "not a referat archive"),
    ("old", NotAnArchive, "older referat"),
    ("damaged", ArchiveError, "damaged"),
], ids=["empty-file", "text-file", "other-sqlite", "old-schema", "damaged-pages"])
def test_files_that_are_not_a_usable_archive(tmp_path, content, error, message):
    path = tmp_path / "archive.sqlite"
    if content == "other":
        sqlite3.connect(path).execute("CREATE TABLE birds (name)").connection.commit()
    elif content == "old":
        db = sqlite3.connect(path)
        db.executescript("CREATE TABLE documents (id); CREATE TABLE items (id); PRAGMA user_version = 1;")
        db.close()
    elif content == "damaged":
        with Archive(path) as db:
            db.index(sample())
        data = bytearray(path.read_bytes())
        for offset in range(4096 * 2, len(data), 4096):  # every page but the first: garbage
            data[offset:offset + 64] = b"\xff" * 64
        path.write_bytes(bytes(data))
    else:
        path.write_bytes(content)
    with pytest.raises(error, match=message) as caught:
        with Archive(path, readonly=True) as db:
            db.search("frikort")
            db.search(type="beslutning")
    if content != "damaged":
        assert "not a referat archive" not in str(caught.value) or content == "other"


@pytest.mark.parametrize("readonly", [True, False], ids=["search", "index"])
def test_an_archive_of_the_schema_before_is_indexed_again_into_a_new_file(tmp_path, readonly):
    """Schema 3 had no prefix indexes: FTS5 cannot add them to an index that exists."""
    path = tmp_path / "archive.sqlite"
    with Archive(path) as db:
        db.index([byraad_2016()])
        db.db.execute(f"PRAGMA user_version = {referat.archive.SCHEMA_VERSION - 1}")
    before = path.read_bytes()
    with pytest.raises(NotAnArchive, match=rf"archive schema {referat.archive.SCHEMA_VERSION - 1}; .*"
                                           "index the records again into a new file"):
        Archive(path, readonly=readonly)
    assert path.read_bytes() == before


def test_indexing_into_another_sqlite_file_is_refused_and_leaves_it_alone(tmp_path):
    path = tmp_path / "birds.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE birds (name)").connection.commit()
    before = path.read_bytes()
    with pytest.raises(NotAnArchive, match="not a referat archive"):
        Archive(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("name", ["budget#2024.sqlite", "a?mode=ro.sqlite", "%41.sqlite", "æøå arkiv.sqlite"])
def test_the_path_is_a_file_name_not_a_uri(tmp_path, name):
    path = tmp_path / name
    with Archive(path) as db:
        db.index([amiu_2019()])
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    with Archive(path, readonly=True) as db:
        assert len(db.search("frikort")) == 1


def test_search_needs_an_archive(tmp_path):
    with pytest.raises(NotAnArchive, match="no archive here"):
        Archive(tmp_path / "missing.sqlite", readonly=True)
    with pytest.raises(NotAnArchive, match="is a folder"):
        Archive(tmp_path, readonly=True)


@pytest.mark.parametrize("limit", [0, -1, 10**30, 1_000_001])
def test_a_limit_out_of_range_is_a_usage_error(archive, limit):
    with pytest.raises(QueryError, match="limit"):
        archive.search("godkendt", limit=limit)


# --- search -----------------------------------------------------------------------


def test_decisions_since_2019_citing_aktivlovens_paragraph_13(archive):
    hits = archive.search(type="beslutning", act="aktivloven", section="13", date_from="2019")
    assert found(hits) == [("soenderborg-amiu-2019-03-11.txt", 2)]
    assert [m["text"] for m in hits[0].entities] == ["aktivlovens § 13 d, stk. 5"]


@pytest.mark.parametrize("section, expected", [
    ("13 d", [("soenderborg-amiu-2019-03-11.txt", 2)]),
    ("13D", [("soenderborg-amiu-2019-03-11.txt", 2)]),
    ("13", [("soenderborg-amiu-2019-03-11.txt", 2), ("ballerup-byraad-2016-05-23.pdf", 1)]),
    ("1", []),
], ids=["lettered", "lettered-no-space", "number-takes-in-letters", "no-prefix-match"])
def test_section_matching(archive, section, expected):
    assert found(archive.search(act="aktivloven", section=section)) == expected


def test_newest_first_without_words(archive):
    hits = archive.search(closed=True)
    dates = [h.date for h in hits]
    assert dates == sorted(dates, reverse=True)
    assert found(hits)[:4] == [("dalby-byraad-2023-05-22.txt", n) for n in (1, 2, 3, 4)]


def test_closed_items_only_when_asked(archive):
    open_hits = found(archive.search(min_amount=10e6))
    all_hits = found(archive.search(min_amount=10e6, closed=True))
    assert ("ballerup-byraad-2016-05-23.pdf", 2) not in open_hits
    assert set(all_hits) - set(open_hits) == {("ballerup-byraad-2016-05-23.pdf", 2),
                                              ("dalby-byraad-2023-05-22.txt", 4)}
    (closed,) = [h for h in archive.search(min_amount=10e6, closed=True) if h.number == 2 and h.page]
    assert closed.closed and closed.page == 3  # a PDF: the page the item starts on


def test_the_mentions_that_matched_come_with_the_hit(archive):
    (hit,) = archive.search(min_amount=10e6, date_to="2019")
    assert [m["text"] for m in hit.entities] == ["20 mio. kr."]
    (hit,) = archive.search(party="Ø", voted="imod", outcome="afvist")
    assert hit.outcome == "afvist"
    assert [m["norm"] for m in hit.entities] == [{"position": "imod", "party": "Ø", "person": None,
                                                 "count": None}]


def test_text_hits_are_ranked_and_marked(archive):
    hits = archive.search("frikort")
    assert found(hits) == [("soenderborg-amiu-2019-03-11.txt", 1)]
    assert "[frikort]" in hits[0].snippet and "[Frikortet]" in hits[0].snippet
    assert hits[0].rank < 0  # FTS5's BM25: lower is better
    ranked = archive.search("tillægsbevilling OR vintertjeneste OR bevilling")
    assert ranked[0].title == "Tillægsbevilling til vintertjeneste"  # in the title and twice in the text
    assert [h.rank for h in ranked] == sorted(h.rank for h in ranked)


def _items_with_words_starting(archive, head: tuple[str, ...], prefix: str) -> set[tuple[str, int]]:
    """What a prefix query must find, read from the items' text without FTS5: a
    title or text where the words `head` are followed by a word starting with `prefix`."""
    out = set()
    for source, number, title, text in archive.db.execute(
            "SELECT d.source, i.number, i.title, i.text FROM items i JOIN documents d ON d.id = i.document_id"):
        for field in (title or "", text or ""):
            seen = words(field)
            if any(seen[n:n + len(head)] == list(head) and seen[n + len(head)].startswith(prefix)
                   for n in range(len(seen) - len(head))):
                out.add((Path(source).name, number))
    return out


def _spelled_out(archive, head: tuple[str, ...], prefix: str) -> str:
    """The prefix as the archive searched it before FTS5's own prefix queries: an
    OR of the archive's words that start with it."""
    archive.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, items_fts, row)")
    vocabulary = [r[0] for r in archive.db.execute("SELECT term FROM temp.vocab WHERE term >= ? AND term < ?",
                                                   (prefix, prefix + "\U0010ffff"))]
    return "{title text} : (" + " OR ".join('"' + " ".join([*head, w]) + '"' for w in vocabulary) + ")"


@pytest.mark.parametrize("query", ["bevill*", "anlægs*", "budget*", "kommun*", "byråd*", "frikort*",
                                   '"til efter"*', '"taget til"*'])
def test_a_prefix_finds_every_item_with_a_word_that_starts_with_it(archive, query):
    *head, prefix = words(query)
    expected = _items_with_words_starting(archive, tuple(head), prefix)
    assert expected, "the table should hold prefixes the archive has"
    assert set(found(archive.search(query, closed=True, limit=1000))) == expected
    before = {r[0] for r in archive.db.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH ?",
                                                (_spelled_out(archive, tuple(head), prefix),))}
    now = {r[0] for r in archive.db.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH ?",
                                             (parse(query).match,))}
    assert now == before


def test_ranking_reads_the_text_of_the_page_only(archive):
    """The ranked matches are sorted as ids; only the page's items are read whole."""
    plan = archive.explain("godkendt")
    assert plan.index("SCAN ranked") < plan.index("SCAN m"), plan
    hits = archive.search("godkendt", closed=True, limit=3)
    assert [h.rank for h in hits] == sorted(h.rank for h in hits)
    assert found(hits) == found(archive.search("godkendt", closed=True, limit=1000))[:3]


@pytest.mark.parametrize("party, expected", [
    ("V", [("soenderborg-amiu-2019-03-11.txt", 2)]),
    ("Venstre", [("soenderborg-amiu-2019-03-11.txt", 2)]),
    ("ø", [("dalby-byraad-2023-05-22.txt", 3)]),
    ("Enhedslisten", [("dalby-byraad-2023-05-22.txt", 3)]),
], ids=["letter", "name", "lower-case", "name-of-Ø"])
def test_party_by_letter_or_name(archive, party, expected):
    assert found(archive.search(party=party)) == expected


def test_person_with_party_is_one_mention(archive):
    assert found(archive.search(person="Mette Holm", party="Ø")) == [("dalby-byraad-2023-05-22.txt", 3)]
    assert found(archive.search(person="Mette Holm", party="V")) == []
    assert found(archive.search(person="Dorthe")) == [("soenderborg-amiu-2019-03-11.txt", 2)]
    assert found(archive.search(person="Nobody Here")) == []


@pytest.mark.parametrize("filters, message", [
    ({"date_from": "2019-13"}, "no month 13"),
    ({"date_to": "2019-02-30"}, "has no day 30"),
    ({"date_from": "11-03-2019"}, "not a date"),
    ({"date_from": "2020", "date_to": "2019"}, "after --to"),
    ({"outcome": "vedtaget"}, "unknown outcome"),
    ({"voted": "against"}, "unknown voted"),
    ({"type": "afgørelse"}, "unknown type"),
    ({"min_amount": 5, "max_amount": 1}, "above --max-amount"),
    ({"body": "  "}, "empty --body"),
    ({"section": "a"}, "does not start with a number"),
    ({"person": "§§"}, "no letters"),
], ids=["month", "day", "format", "reversed", "outcome", "voted", "type", "amounts", "empty", "section",
        "person"])
def test_bad_filters_are_usage_errors(archive, filters, message):
    with pytest.raises(QueryError, match=message):
        archive.search(**filters)


def test_date_bounds_take_in_the_whole_period():
    low, high = date_bounds("2019", "2019-03")
    assert low <= "2019-01-01" and "2019-03-31" <= high < "2019-04-01"


@pytest.mark.parametrize("section, number", [("13 d", 13), ("56", 56), ("", None), (None, None),
                                             ("9" * 30, None)])
def test_section_number(section, number):
    assert section_number(section) == number


def test_facets_count_every_match(archive):
    result = archive.facets("godkendt", closed=True)
    assert result["total"] == len(archive.search("godkendt", closed=True, limit=1000))
    facets = result["facets"]
    assert set(facets) == {"body", "year", "type", "outcome", "act", "party"}
    assert {"value": "Byrådet / Kommunalbestyrelsen", "count": 5} in facets["body"]
    assert facets["type"] == [{"value": "beslutning", "count": result["total"]}]
    assert archive.facets(body="no such body") == {"total": 0, "facets": {k: [] for k in facets}}


def test_facets_of_votes_and_outcomes(archive):
    facets = archive.facets(voted="imod")["facets"]
    assert facets["outcome"] == [{"value": "godkendt", "count": 2}, {"value": "afvist", "count": 1}]
    assert facets["year"] == [{"value": 2023, "count": 2}, {"value": 2021, "count": 1}]
    assert facets["party"][0] == {"value": "Ø", "count": 3}  # named or voting


# --- query plans: every filter an index lookup, never a scan of a big table -------

BIG = ("items", "entities", "votes", "documents", "records", "i", "e", "v", "d")

PLANS = [
    ("word", "bevilling", {}),
    ("phrase", '"taget til efterretning"', {}),
    ("prefix", "anlægs*", {}),
    ("word NOT word", "lokalplan -høring", {}),
    ("type", None, {"type": "beslutning"}),
    ("body", None, {"body": "byrådet"}),
    ("person", None, {"person": "Mette Holm"}),
    ("person with party", None, {"person": "Holm", "party": "Ø"}),
    ("party", None, {"party": "A"}),
    ("place", None, {"place": "Havneholmen"}),
    ("org", None, {"org": "Vejdirektoratet"}),
    ("label", None, {"label": "PERSON"}),
    ("act and section", None, {"act": "aktivloven", "section": "13 d"}),
    ("section alone", None, {"section": "13"}),
    ("min amount", None, {"min_amount": 10e6}),
    ("amount range", None, {"min_amount": 1e6, "max_amount": 3e6}),
    ("max amount", None, {"max_amount": 3e6}),
    ("dates", None, {"date_from": "2019", "date_to": "2021-06"}),
    ("outcome", None, {"outcome": "afvist"}),
    ("party voted", None, {"party": "Ø", "voted": "imod"}),
    ("person voted", None, {"person": "Holm", "voted": "imod"}),
    ("voted", None, {"voted": "undlod"}),
    ("closed", None, {"closed": True, "type": "beslutning"}),
    ("word and amount", "bevilling", {"min_amount": 1e6, "date_from": "2020"}),
    ("everything", "budget", {"type": "beslutning", "body": "byrådet", "party": "Ø", "voted": "imod",
                              "min_amount": 1, "act": "planloven", "date_from": "2019", "outcome": "godkendt"}),
]


def index_lookups_only(plan: list[str], *, listed: bool) -> list[str]:
    """The steps of a plan that read a big table other than by an index. A subquery
    run once per candidate item must look up that item's own mentions or votes, and
    a walk of the items (where a filter on mentions that many match is checked per
    item) must go newest first and stop at the limit: no sorting before it."""
    selecting = plan[:plan.index("SCAN m")] if "SCAN m" in plan else plan
    walks = not listed and "USE TEMP B-TREE FOR ORDER BY" not in selecting
    bad = [step for step in plan if step.startswith("SCAN ") and step.split()[1] in BIG
           and not (step == "SCAN i" and walks)]
    for step, after in zip(plan, plan[1:] + [""]):
        if step.startswith("CORRELATED") and (listed or not re.match(
                r"SEARCH [ev] USING (COVERING )?INDEX (entities|votes)_item \(item_id=\?", after)):
            bad.append(f"{step} | {after}")
    return bad


@pytest.mark.parametrize("name, query, filters", PLANS, ids=[p[0] for p in PLANS])
@pytest.mark.parametrize("listed", [True, False], ids=["listed", "checked"])
def test_every_filter_is_an_index_lookup(archive, monkeypatch, name, query, filters, listed):
    """Both forms of a filter on mentions: the items that have one listed from an
    index of the mentions (few match), or each candidate item's own looked up (many)."""
    if not listed:
        monkeypatch.setattr(referat.archive, "LISTED", 0)
    plan = archive.explain(query, **filters)
    assert plan, "no plan: the filter matched nothing before SQL"
    assert not index_lookups_only(plan, listed=listed), plan
    mentions = [f for f in filters if f not in ("type", "body", "date_from", "date_to", "outcome", "closed")]
    assert any(step.startswith("CORRELATED") for step in plan) == (bool(mentions) and not listed), plan


def test_both_forms_of_a_filter_find_the_same_items(archive, monkeypatch):
    listed = {name: found(archive.search(query, limit=1000, **{**filters, "closed": True}))
              for name, query, filters in PLANS}
    monkeypatch.setattr(referat.archive, "LISTED", 0)
    checked = {name: found(archive.search(query, limit=1000, **{**filters, "closed": True}))
               for name, query, filters in PLANS}
    assert checked == listed
    assert sum(map(bool, listed.values())) >= 20  # most of them find something


def test_a_filter_that_nothing_matches_is_answered_before_sql(archive):
    assert archive.search(min_amount=1e15) == [] and archive.explain(min_amount=1e15) == []
    assert archive.facets("godkendt", act="no such act")["total"] == 0


def test_only_the_unfiltered_listing_walks_the_items(archive):
    scans = [step for step in archive.explain() if step.startswith("SCAN ")]
    assert scans == ["SCAN i", "SCAN m"]  # newest first, stopping at the limit


def test_the_plans_hold_on_a_larger_archive(tmp_path):
    """With statistics (PRAGMA optimize) over a few hundred items the planner keeps to the indexes."""
    docs = []
    for n in range(60):
        for make in (amiu_2019, byraad_2016):
            doc = make()
            doc.sha256 = f"{n:060d}{len(docs):04d}"
            docs.append(doc)
    path = tmp_path / "big.sqlite"
    with Archive(path) as db:
        db.index(docs)
    with Archive(path, readonly=True) as db:
        for name, query, filters in PLANS:
            plan = db.explain(query, **filters)
            assert not index_lookups_only(plan, listed=True), (name, plan)
        hits = db.search(type="beslutning", act="aktivloven", section="13", date_from="2019", limit=1000)
        assert len(hits) == 60
        assert len(db.search("Godkendt", min_amount=10e6, limit=1000, closed=True)) == 120
