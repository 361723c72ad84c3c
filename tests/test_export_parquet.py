"""Parquet: documents, items and entities with typed columns: dates as dates,
structs and lists, not JSON strings; the documents come back whole."""

from __future__ import annotations

import datetime as dt

import pytest
from _docs import amiu_2019, byraad_2016, fjordby_2021

from referat.errors import InputError
from referat.export import export_documents, import_annotations
from referat.export.arrow import norm_from_row, norm_row


def documents():
    return [amiu_2019(), byraad_2016(), fjordby_2021()]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("pq") / "tables"
    export_documents(documents(), "parquet", path)
    return path


@pytest.fixture(scope="module")
def tables(folder):
    import pyarrow.parquet as pq

    return {name: pq.read_table(folder / f"{name}.parquet") for name in ("documents", "items", "entities")}


def test_columns_are_typed(tables):
    import pyarrow as pa

    documents, items, entities = tables["documents"].schema, tables["items"].schema, tables["entities"].schema
    assert documents.field("date").type == pa.date32() == items.field("date").type
    assert pa.types.is_struct(documents.field("meeting").type)
    assert documents.field("meeting").type.field("participants").type == pa.list_(pa.string())
    assert pa.types.is_struct(items.field("classification").type)
    assert pa.types.is_struct(items.field("decision").type)
    assert pa.types.is_list(items.field("sections").type)
    assert pa.types.is_struct(entities.field("norm").type)
    assert not any(pa.types.is_string(f.type) and f.name in ("meeting", "pages", "sections", "norm")
                   for schema in (documents, items, entities) for f in schema)


def test_documents_and_items(tables):
    docs = tables["documents"].to_pylist()
    assert [(d["body"], d["date"], d["items"]) for d in docs] == [
        ("Arbejdsmarkeds- og Integrationsudvalget", dt.date(2019, 3, 11), 3), ("Byrådet", dt.date(2016, 5, 23), 3),
        ("Byrådet", dt.date(2021, 6, 14), 3)]
    assert docs[1]["meeting"]["participants"] == ["Jan Prokopek Jensen", "Dorthe Mehlberg"]
    items = tables["items"].to_pylist()
    council = [i for i in items if i["doc_id"] == docs[1]["doc_id"]]
    assert [(i["number"], i["type"], i["page"], i["closed"]) for i in council] == \
        [(1, "beslutning", 2, False), (2, "beslutning", 3, True), (3, None, 4, False)]
    assert council[0]["classification"]["scores"]["beslutning"] == 0.81
    budget = next(i for i in items if i["title"].startswith("Budgetopfølgning"))
    assert (budget["decision"]["outcome"], budget["decision"]["votes"]) == ("andet", [])


def test_norms_are_a_struct_and_plain_columns(tables):
    rows = {r["text"]: r for r in tables["entities"].to_pylist()}
    law = rows["aktivlovens § 13 d, stk. 5"]
    assert (law["norm"]["act"], law["norm"]["section"], law["norm"]["subsection"]) == ("aktivloven", "13 d", "5")
    assert (law["act"], law["section"], law["subsection"], law["item"]) == ("aktivloven", "13 d", "5", 2)
    assert rows["12,5 mio. kr."]["norm"]["value"] == rows["12,5 mio. kr."]["value"] == 12500000.0
    assert rows["Jan Prokopek Jensen"]["item"] is None  # in the meeting header
    big = sorted(r["text"] for r in tables["entities"].to_pylist() if r["label"] == "AMOUNT" and (r["value"] or 0) > 10e6)
    assert big == ["12,5 mio. kr.", "12,5 mio. kr.", "20 mio. kr."]


def test_duckdb_style_queries_work_on_pandas(folder):
    import pandas as pd

    items = pd.read_parquet(folder / "items.parquet")
    assert str(items["date"].iloc[0]) == "2019-03-11"
    entities = pd.read_parquet(folder / "entities.parquet")
    acts = entities.loc[entities["label"] == "LAW", "norm"].map(lambda n: n["act"])
    assert "aktivloven" in set(acts)


@pytest.mark.parametrize("norm", [
    {"value": 20000000.0, "currency": "DKK"},
    {"act": "aktivloven", "section": "13 d", "subsection": None},
    {"act": None, "section": "56", "subsection": None},
    {"name": "Dorthe Mehlberg", "party": "V"},
    {"value": "330-2019-611204", "kind": "document"},
    {"value": 2000000.0, "currency": "DKK", "max": 3000000.0},
    {"letter": "Ø", "name": None},
    {"label": "ORG", "wikidata": {"id": "Q1748"}},
    None,
], ids=["amount", "law", "bare-section", "person", "case-number", "range", "party", "foreign-keys", "none"])
def test_a_norm_survives_the_struct(norm):
    assert norm_from_row(norm_row(norm)) == norm


def test_documents_come_back_whole(folder):
    for original, back in zip(documents(), import_annotations(folder, "parquet")):
        assert back.to_dict() == original.to_dict()


def test_missing_table_is_named(tmp_path):
    (tmp_path / "documents.parquet").write_bytes(b"")
    with pytest.raises(InputError, match="no items.parquet"):
        list(import_annotations(tmp_path, "parquet"))
