"""Parquet: documents, items and entities tables with typed norm columns."""

from __future__ import annotations

import pytest
from _docs import sample

from referat.errors import InputError
from referat.export import export_documents, import_annotations


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    import pyarrow.parquet as pq

    path = tmp_path_factory.mktemp("pq") / "tables"
    export_documents(sample(), "parquet", path)
    return {name: pq.read_table(path / f"{name}.parquet").to_pylist()
            for name in ("documents", "items", "entities")}


def test_documents_and_items(tables):
    assert [(d["body"], d["date"], d["items"]) for d in tables["documents"]] == \
        [("Arbejdsmarkeds- og Integrationsudvalget", "2019-03-11", 3), ("Byrådet", "2016-05-23", 3)]
    council = [i for i in tables["items"] if i["doc_id"] == tables["documents"][1]["doc_id"]]
    assert [(i["number"], i["type"], i["page"], i["closed"]) for i in council] == \
        [(1, "beslutning", 2, False), (2, "beslutning", 3, True), (3, None, 4, False)]


def test_norms_are_spread_over_typed_columns(tables):
    rows = {r["text"]: r for r in tables["entities"]}
    law = rows["aktivlovens § 13 d, stk. 5"]
    assert (law["act"], law["section"], law["subsection"], law["item"]) == ("aktivloven", "13 d", "5", 2)
    assert rows["12,5 mio. kr."]["value"] == 12500000.0
    assert rows["Jan Prokopek Jensen"]["item"] is None  # in the meeting header
    big = sorted(r["text"] for r in tables["entities"] if r["label"] == "AMOUNT" and r["value"] > 10e6)
    assert big == ["12,5 mio. kr.", "20 mio. kr."]


def test_documents_come_back_whole(tmp_path):
    path = tmp_path / "tables"
    export_documents(sample(), "parquet", path)
    for original, back in zip(sample(), import_annotations(path, "parquet")):
        assert back.to_dict() == original.to_dict()


def test_missing_table_is_named(tmp_path):
    (tmp_path / "documents.parquet").write_bytes(b"")
    with pytest.raises(InputError, match="no items.parquet"):
        list(import_annotations(tmp_path, "parquet"))
