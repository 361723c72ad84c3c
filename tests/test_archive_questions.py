"""An archivist's questions, in Danish, with the exact items each must return.

The archive holds the sample corpus (corpora/minutes, through the whole
pipeline) and three hand-written records with decisions, votes, places and
organisations (tests/_archive_docs.py). Every expected item was found by
reading the texts, not by running the search. The Greve part runs on the
real meetings in ../shared and skips without them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _archive_docs import handmade, records

from referat.archive import Archive
from referat.export.jsonl import write_jsonl

CORPUS = Path(__file__).resolve().parent.parent / "corpora" / "minutes"

FJORDBY = "fjordby-oekonomiudvalget-2021-05-10.txt"
HAVNSTRUP = "havnstrup-beskaeftigelsesudvalget-2019-11-04.txt"
LILLEAA = "lilleaa-social-og-sundhedsudvalget-2023-09-12.txt"
NORDMARK = "nordmark-boerne-og-ungeudvalget-dagsorden-2024-04-16.txt"
EGELUND = "egelund-plan-og-boligudvalget-2018-10-02.txt"
SOLVANG = "solvang-byraadet-2017-03-27.html"
VESTERHEDE = "vesterhede-teknik-og-miljoeudvalget-2020-06-08.pdf"
DALBY_BR = "dalby-byraad-2023-05-22.txt"
EGESKOV_KB = "egeskov-kommunalbestyrelsen-2021-11-15.txt"
DALBY_OEK = "dalby-oekonomiudvalget-2020-02-03.txt"
BJERGSTED = "bjergsted-kultur-og-fritidsudvalget-2022-02-01.docx"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    from referat import Pipeline

    folder = tmp_path_factory.mktemp("questions")
    docs = [Pipeline().process(path) for path in sorted(CORPUS.iterdir())]
    assert all(doc.ok for doc in docs)
    path = folder / "records.jsonl"
    write_jsonl(docs, path)
    with open(path, "a", encoding="utf-8") as f:
        import json

        for record in records(handmade()):
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    with Archive(folder / "archive.sqlite") as db:
        summary = db.index_records(path)
    assert (summary.added, summary.failed) == (11, [])
    with Archive(folder / "archive.sqlite", readonly=True) as db:
        yield db


QUESTIONS = [
    ("Hvor står der om bevillinger? (bøjninger, ikke sammensætninger)", "bevilling", {},
     [(DALBY_BR, 3), (EGESKOV_KB, 1)]),
    ("Tillægsbevillinger i alle bøjninger", "tillægsbevilling", {},
     [(FJORDBY, 2), (SOLVANG, 4), (DALBY_BR, 3)]),
    ("Alle former af ordet lokalplan", "lokalplan", {},
     [(EGELUND, 2), (EGELUND, 3), (VESTERHEDE, 2), (DALBY_BR, 2), (DALBY_OEK, 3)]),
    ("Kun den bestemte form »lokalplanen«", '"lokalplanen"', {},
     [(EGELUND, 2), (VESTERHEDE, 2), (DALBY_BR, 2)]),
    ("Lokalplaner der ikke har været i høring", "lokalplan -høring", {},
     [(EGELUND, 3)]),
    ("Det samme med NOT", "lokalplan NOT høring", {},
     [(EGELUND, 3)]),
    ("Punkter der blev taget til efterretning (frase)", '"taget til efterretning"', {},
     [(EGELUND, 4), (FJORDBY, 2), (HAVNSTRUP, 2), (HAVNSTRUP, 6), (LILLEAA, 2), (SOLVANG, 2),
      (VESTERHEDE, 1), (VESTERHEDE, 4), (EGESKOV_KB, 2)]),
    ("Skoler eller dagtilbud", "skole OR dagtilbud", {},
     [(NORDMARK, 2), (NORDMARK, 3), (VESTERHEDE, 2), (HAVNSTRUP, 4), (EGESKOV_KB, 1), (EGESKOV_KB, 2),
      (EGESKOV_KB, 3)]),
    ("Anlægsbevillinger, alle ord der begynder sådan", "anlægsbevilling*", {},
     [(FJORDBY, 3), (LILLEAA, 3), (VESTERHEDE, 3), (EGESKOV_KB, 1), (DALBY_OEK, 1)]),
    ("Klimaplaner (ikke klimatilpasning)", "klimaplan", {}, [(DALBY_OEK, 2)]),
    ("Budget i 2021", "budget", {"date_from": "2021", "date_to": "2021"},
     [(FJORDBY, 2), (FJORDBY, 3), (FJORDBY, 4), (FJORDBY, 5), (EGESKOV_KB, 1)]),
    ("Sanktioner behandlet i byrådet", "sanktion*", {"body": "byrådet"}, [(SOLVANG, 3)]),
    ("Byrådets åbne punkter, uanset valgperiode og navn", None, {"body": "byrådet"},
     [(SOLVANG, 1), (SOLVANG, 2), (SOLVANG, 3), (SOLVANG, 4), (DALBY_BR, 1), (DALBY_BR, 2), (DALBY_BR, 3),
      (EGESKOV_KB, 1), (EGESKOV_KB, 2), (EGESKOV_KB, 3)]),
    ("Byrådets punkter med de lukkede", None, {"body": "Kommunalbestyrelsen", "closed": True},
     [(SOLVANG, 1), (SOLVANG, 2), (SOLVANG, 3), (SOLVANG, 4), (SOLVANG, 5), (DALBY_BR, 1), (DALBY_BR, 2),
      (DALBY_BR, 3), (DALBY_BR, 4), (EGESKOV_KB, 1), (EGESKOV_KB, 2), (EGESKOV_KB, 3)]),
    ("Økonomiudvalget i alle valgperioder", None, {"body": "økonomiudvalget"},
     [(FJORDBY, 1), (FJORDBY, 2), (FJORDBY, 3), (FJORDBY, 4), (FJORDBY, 5), (DALBY_OEK, 1), (DALBY_OEK, 2),
      (DALBY_OEK, 3)]),
    ("Hvor stemte Enhedslisten imod?", None, {"party": "Ø", "voted": "imod"},  # the sample's from referat.decide
     [(DALBY_BR, 2), (DALBY_BR, 3), (EGESKOV_KB, 1), (BJERGSTED, 2), (FJORDBY, 5), (SOLVANG, 3)]),
    ("Hvor stemte Mette Holm imod?", None, {"person": "Mette Holm", "voted": "imod"}, [(DALBY_BR, 3)]),
    ("Hvor undlod nogen at stemme?", None, {"voted": "undlod"}, [(EGESKOV_KB, 1), (LILLEAA, 3)]),  # "tog forbehold"
    ("Forslag der blev afvist", None, {"outcome": "afvist"}, [(DALBY_BR, 3)]),
    ("Sager der blev udsat", None, {"outcome": "udsat"}, [(EGESKOV_KB, 3), (EGELUND, 3)]),
    ("Punkter om Havneholmen (sted)", None, {"place": "Havneholmen"}, [(DALBY_OEK, 3)]),
    ("Punkter der nævner Vejdirektoratet (organisation)", None, {"org": "vejdirektoratet"}, [(DALBY_BR, 3)]),
    ("Punkter med Evalueringsinstituttet, efter et ord i navnet", None, {"org": "evaluering"},
     [(EGESKOV_KB, 2)]),
    ("Beslutninger siden 2019 efter aktivlovens § 13", None,
     {"type": "beslutning", "act": "aktivloven", "section": "13", "date_from": "2019"}, [(HAVNSTRUP, 4)]),
    ("Beløb over 10 mio. kr. (åbne punkter)", None, {"min_amount": 10_000_001},
     [(FJORDBY, 2), (FJORDBY, 3), (FJORDBY, 5), (HAVNSTRUP, 3), (LILLEAA, 2), (LILLEAA, 3), (NORDMARK, 2),
      (VESTERHEDE, 3), (EGESKOV_KB, 1), (DALBY_OEK, 1)]),
    ("Vintertjeneste med et beløb mellem 1 og 3 mio. kr. i byrådet", "vintertjeneste",
     {"min_amount": 1e6, "max_amount": 3e6, "body": "byrådet"}, [(SOLVANG, 4), (DALBY_BR, 3)]),
]


@pytest.mark.parametrize("question, query, filters, expected", QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_archivist_question(archive, question, query, filters, expected):
    hits = archive.search(query, limit=1000, **filters)
    assert sorted((Path(h.source).name, h.number) for h in hits) == sorted(expected), question


def test_at_least_twenty_questions():
    assert len(QUESTIONS) >= 20


# --- the Greve meetings (../shared) --------------------------------------------


@pytest.fixture(scope="module")
def greve(greve_files, tmp_path_factory):
    """The 288 Greve meetings through the pipeline (two workers), indexed."""
    from referat.batch import Batch, BatchConfig

    folder = tmp_path_factory.mktemp("greve")
    out = folder / "greve.jsonl"
    summary = Batch(greve_files, out, BatchConfig(workers=2)).run()
    assert summary.failed == 0
    with Archive(folder / "archive.sqlite") as db:
        assert db.index_records(out).added == len(greve_files)
    with Archive(folder / "archive.sqlite", readonly=True) as db:
        yield db


def _g(name: str, number: int) -> tuple[str, int]:
    return f"greve-{name}.json", number


# Found with regular expressions over the portal JSON itself (titles and the
# HTML of every field), not with referat.
GREVE_QUESTIONS = [
    ("Skybrud i alle bøjninger", "skybrud", {},
     [_g("byraad-2022-2025-2022-09-05", 19), _g("klima-teknik-og-miljoeudvalget-2022-06-02", 3),
      _g("klima-teknik-og-miljoeudvalget-2022-08-18", 2), _g("klima-teknik-og-miljoeudvalget-2022-11-17", 2),
      _g("klima-teknik-og-miljoeudvalget-2022-11-17", 19), _g("klima-teknik-og-miljoeudvalget-2023-08-17", 30),
      _g("oekonomiudvalget-2022-06-13", 15), _g("oekonomiudvalget-2022-08-29", 17),
      _g("plan-og-tryghedsudvalget-2024-08-13", 11), _g("sundheds-og-omsorgsudvalget-2024-03-18", 2)]),
    ("Vinterbadere, vinterbadeklubber: ord der begynder med vinterbad", "vinterbad*", {},
     [_g("byraad-2022-2025-2022-06-20", 33), _g("byraad-2022-2025-2023-03-06", 19),
      _g("klima-teknik-og-miljoeudvalget-2023-01-16", 10), _g("klima-teknik-og-miljoeudvalget-2023-02-09", 14),
      _g("oekonomiudvalget-2022-06-13", 25), _g("oekonomiudvalget-2023-02-27", 11),
      _g("plan-og-tryghedsudvalget-2022-05-31", 5), _g("plan-og-tryghedsudvalget-2023-01-10", 3),
      _g("plan-og-tryghedsudvalget-2023-02-07", 3)]),
    ("Letbanen i byrådet (Byråd 2022-2025)", "letbane", {"body": "byrådet"},
     [_g("byraad-2022-2025-2023-06-19", 14), _g("byraad-2022-2025-2023-09-04", 24),
      _g("byraad-2022-2025-2024-06-26", 28), _g("byraad-2022-2025-2024-09-04", 12),
      _g("byraad-2022-2025-2024-10-02", 11)]),
    ("Solcelleanlæg i 2024", "solcelleanlæg", {"date_from": "2024", "date_to": "2024"},
     [_g("byraad-2022-2025-2024-01-29", 29), _g("byraad-2022-2025-2024-06-26", 20),
      _g("byraad-2022-2025-2024-11-13", 19), _g("klima-teknik-og-miljoeudvalget-2024-05-30", 7),
      _g("klima-teknik-og-miljoeudvalget-2024-10-10", 5), _g("oekonomiudvalget-2024-01-24", 22),
      _g("oekonomiudvalget-2024-06-12", 17), _g("oekonomiudvalget-2024-10-30", 15),
      _g("plan-og-tryghedsudvalget-2024-01-16", 5)]),
    ("Køge Bugt Strandpark i Kultur- og Fritidsudvalget (frase)", '"Køge Bugt Strandpark"',
     {"body": "kultur- og fritidsudvalget"},
     [_g("kultur-og-fritidsudvalget-2022-06-01", 7), _g("kultur-og-fritidsudvalget-2023-02-08", 7),
      _g("kultur-og-fritidsudvalget-2023-03-15", 2), _g("kultur-og-fritidsudvalget-2023-04-26", 9),
      _g("kultur-og-fritidsudvalget-2023-11-15", 3)]),
]


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("question, query, filters, expected", GREVE_QUESTIONS, ids=[q[0] for q in GREVE_QUESTIONS])
def test_greve_question(greve, question, query, filters, expected):
    hits = greve.search(query, limit=1000, **filters)
    assert sorted((Path(h.source).name, h.number) for h in hits) == sorted(expected), question
