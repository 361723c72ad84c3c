"""The SQLite archive: idempotent indexing and the archivist's questions."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from _docs import amiu_2019, byraad_2016, failed, sample

from referat.archive import Archive, date_bounds, fts_query, index_records, section_number
from referat.errors import InputError
from referat.export.jsonl import write_jsonl


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("archive") / "archive.sqlite"
    with Archive(path) as db:
        db.index(sample())
    with Archive(path, readonly=True) as db:
        yield db


def found(hits):
    return [(h.source.rsplit("/", 1)[-1], h.number) for h in hits]


def test_indexing_twice_does_not_duplicate(tmp_path):
    path = tmp_path / "archive.sqlite"
    records = tmp_path / "minutes.jsonl"
    write_jsonl(sample() + [failed()], records)
    first = index_records(records, path)
    with Archive(path) as db:
        counts = db.counts()
    second = index_records(records, path)
    with Archive(path) as db:
        assert db.counts() == counts
        assert found(db.search("Godkendt")) == found(db.search("Godkendt", limit=100))
        assert len(db.search("frikort")) == 1
    assert (first.added, first.replaced, second.added, second.replaced) == (2, 0, 0, 2)
    assert counts == {"documents": 2, "items": 6, "entities": 25, "items_fts": 6}
    assert first.skipped == ["minutes/scan-uden-tekst.pdf: no_text_layer"]


def test_a_changed_document_is_a_new_document(tmp_path):
    path = tmp_path / "archive.sqlite"
    changed = amiu_2019()
    changed.sha256 = "0" * 64
    with Archive(path) as db:
        db.index([amiu_2019(), changed])
        assert db.counts()["documents"] == 2


def test_decisions_since_2019_citing_aktivlovens_paragraph_13(archive):
    hits = archive.search(type="beslutning", act="aktivloven", section="13", date_from="2019")
    assert found(hits) == [("soenderborg-amiu-2019-03-11.txt", 2)]
    assert [m["text"] for m in hits[0].entities] == ["aktivlovens § 13 d, stk. 5"]


def test_paragraph_13_without_a_date_takes_in_2016_too(archive):
    hits = archive.search(act="aktivloven", section="13")
    assert found(hits) == [("soenderborg-amiu-2019-03-11.txt", 2), ("ballerup-byraad-2016-05-23.pdf", 1)]


@pytest.mark.parametrize("section, expected", [
    ("13 d", [("soenderborg-amiu-2019-03-11.txt", 2)]),
    ("13D", [("soenderborg-amiu-2019-03-11.txt", 2)]),
    ("13", [("soenderborg-amiu-2019-03-11.txt", 2), ("ballerup-byraad-2016-05-23.pdf", 1)]),
    ("1", []),
], ids=["lettered", "lettered-no-space", "number-takes-in-letters", "no-prefix-match"])
def test_section_matching(archive, section, expected):
    assert found(archive.search(act="aktivloven", section=section)) == expected


def test_items_with_amounts_over_10_million(archive):
    hits = archive.search(min_amount=10_000_000)
    assert found(hits) == [("soenderborg-amiu-2019-03-11.txt", 2), ("ballerup-byraad-2016-05-23.pdf", 2)]
    assert [[m["text"] for m in h.entities] for h in hits] == [["20 mio. kr."], ["12,5 mio. kr."]]
    assert hits[1].page == 3  # a PDF: the page the item starts on


@pytest.mark.parametrize("query, filters, expected", [
    ("frikort", {}, [("soenderborg-amiu-2019-03-11.txt", 1)]),
    ("Godkendt", {"body": "byrådet"}, [("ballerup-byraad-2016-05-23.pdf", 1), ("ballerup-byraad-2016-05-23.pdf", 2)]),
    ("konkurrence*", {}, [("soenderborg-amiu-2019-03-11.txt", 2)]),
    ('"taget til efterretning"', {}, [("soenderborg-amiu-2019-03-11.txt", 1)]),
    ("18/58627", {}, [("soenderborg-amiu-2019-03-11.txt", 2)]),
    ("§ 18", {"type": "drøftelse"}, [("soenderborg-amiu-2019-03-11.txt", 3)]),
    ("*", {"label": "PERSON"}, [("soenderborg-amiu-2019-03-11.txt", 2)]),
    ("", {"date_from": "2016-05", "date_to": "2016"}, [("ballerup-byraad-2016-05-23.pdf", 1),
                                                      ("ballerup-byraad-2016-05-23.pdf", 2),
                                                      ("ballerup-byraad-2016-05-23.pdf", 3)]),
    ("skole", {"date_from": "2017"}, []),
    ("ingen", {"body": "50%_"}, []),
], ids=["word", "body-casefold", "prefix", "phrase", "case-number", "section-sign", "filter-only",
        "date-range", "date-excludes", "like-escaped"])
def test_search(archive, query, filters, expected):
    assert sorted(found(archive.search(query, **filters))) == sorted(expected)


def test_text_hits_come_with_a_snippet(archive):
    (hit,) = archive.search("frikort")
    assert "[frikort]" in hit.snippet.lower() or "[frikortet]" in hit.snippet.lower()


def test_answers_in_milliseconds(tmp_path):
    path = tmp_path / "big.sqlite"
    docs = []
    for n in range(150):
        for make in (amiu_2019, byraad_2016):
            doc = make()
            doc.sha256 = f"{n:060d}{len(docs):04d}"
            docs.append(doc)
    with Archive(path) as db:
        db.index(docs)
        started = time.perf_counter()
        hits = db.search(type="beslutning", act="aktivloven", section="13", date_from="2019", limit=1000)
        hits += db.search("Godkendt", min_amount=10e6, limit=1000)
        elapsed = time.perf_counter() - started
    assert len(hits) == 150 + 300
    assert elapsed < 0.5


def test_search_needs_an_archive(tmp_path):
    with pytest.raises(InputError, match="no archive here"):
        Archive(tmp_path / "missing.sqlite", readonly=True)


def test_another_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(InputError, match="archive schema 0"):
        Archive(path, readonly=True)


@pytest.mark.parametrize("query, expected", [
    ("aktivlovens § 13", '"aktivlovens" "13"'),
    ("19/7556", '"19 7556"'),
    ("beskæftig*", '"beskæftig"*'),
    ('"taget til efterretning" godkendt', '"taget til efterretning" "godkendt"'),
    ("*", None),
    ("", None),
    ('x" OR 1=1 --', '"x" "OR" "1 1"'),
], ids=["section-sign-dropped", "case-number-phrase", "prefix", "phrase", "star", "empty", "no-syntax-injection"])
def test_fts_query(query, expected):
    assert fts_query(query) == expected


@pytest.mark.parametrize("section, number", [("13 d", 13), ("56", 56), ("", None), (None, None)])
def test_section_number(section, number):
    assert section_number(section) == number


def test_date_bounds_take_in_the_whole_period():
    low, high = date_bounds("2019", "2019-03")
    assert low <= "2019-01-01" and "2019-03-31" <= high < "2019-04-01"
    with pytest.raises(InputError, match="bad date '11-03-2019'"):
        date_bounds("11-03-2019", None)


# --- the archivist's two questions on the sample corpus (corpora/README.md, "Archive questions") ---

CORPUS = Path(__file__).resolve().parent.parent / "corpora" / "minutes"


@pytest.fixture(scope="module")
def corpus_archive(tmp_path_factory):
    """corpora/minutes through the whole pipeline, indexed."""
    from referat import Pipeline

    docs = [Pipeline().process(path) for path in sorted(CORPUS.iterdir())]
    assert all(doc.ok for doc in docs), [(d.source, d.errors) for d in docs if not d.ok]
    path = tmp_path_factory.mktemp("corpus") / "archive.sqlite"
    with Archive(path) as db:
        db.index(docs)
    with Archive(path, readonly=True) as db:
        yield db


def test_corpus_decisions_since_2019_citing_aktivlovens_paragraph_13(corpus_archive):
    hits = corpus_archive.search(type="beslutning", act="aktivloven", section="13", date_from="2019")
    assert found(hits) == [("havnstrup-beskaeftigelsesudvalget-2019-11-04.txt", 4)]
    assert "aktivlovens § 13, stk. 2, nr. 3" in [m["text"] for m in hits[0].entities]


def test_corpus_paragraph_13_decisions_without_a_date_limit_take_in_2017(corpus_archive):
    hits = corpus_archive.search(type="beslutning", act="aktivloven", section="13")
    assert sorted(found(hits)) == [("havnstrup-beskaeftigelsesudvalget-2019-11-04.txt", 4),
                                   ("solvang-byraadet-2017-03-27.html", 3)]


def test_corpus_items_with_amounts_over_10_million(corpus_archive):
    hits = corpus_archive.search(min_amount=10_000_000, limit=100)
    assert sorted(found(hits)) == [
        ("fjordby-oekonomiudvalget-2021-05-10.txt", 2),
        ("fjordby-oekonomiudvalget-2021-05-10.txt", 3),
        ("fjordby-oekonomiudvalget-2021-05-10.txt", 5),
        ("havnstrup-beskaeftigelsesudvalget-2019-11-04.txt", 3),
        ("lilleaa-social-og-sundhedsudvalget-2023-09-12.txt", 2),
        ("lilleaa-social-og-sundhedsudvalget-2023-09-12.txt", 3),
        ("nordmark-boerne-og-ungeudvalget-dagsorden-2024-04-16.txt", 2),
        ("vesterhede-teknik-og-miljoeudvalget-2020-06-08.pdf", 3),
    ]
    assert all(m["norm"]["value"] > 10_000_000 for h in hits for m in h.entities)
