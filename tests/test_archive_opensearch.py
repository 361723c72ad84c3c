"""The OpenSearch/Elasticsearch bulk export: its shape, checked against its own mapping
(no server: every field of every item must be one the strict mapping declares,
with a value of the declared type)."""

from __future__ import annotations

import io
import json
import re

import pytest
from _archive_docs import handmade, records

from referat.archive import Archive
from referat.archive.opensearch import mapping, write_bulk


@pytest.fixture(scope="module")
def bulk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("opensearch")
    recs = folder / "records.jsonl"
    recs.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records(handmade())),
                    encoding="utf-8")
    with Archive(folder / "archive.sqlite") as db:
        db.index_records(recs)
        out = io.StringIO()
        count = write_bulk(db.db, out, "minutes")
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    return count, lines[0::2], lines[1::2]


TYPES = {"keyword": str, "text": str, "date": str, "short": int, "integer": int, "long": int, "float": float,
         "double": float, "boolean": bool}


def check(value, spec, where):
    if spec.get("type") == "nested":
        assert isinstance(value, list), where
        for element in value:
            for key, inner in element.items():
                assert key in spec["properties"], f"{where}.{key} not in the mapping"
                if inner is not None:
                    check(inner, spec["properties"][key], f"{where}.{key}")
        return
    expected = TYPES[spec["type"]]
    for element in value if isinstance(value, list) else [value]:
        assert isinstance(element, expected) or (expected is float and isinstance(element, int)), where
        if spec["type"] == "date":
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", element), where


def test_one_action_and_one_item_per_item(bulk):
    count, actions, items = bulk
    assert count == len(actions) == len(items) == 10
    assert all(set(a) == {"index"} and a["index"]["_index"] == "minutes" for a in actions)
    ids = [a["index"]["_id"] for a in actions]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"[0-9a-f]{16}-\d+", i) for i in ids)


def test_every_field_is_declared_with_its_type(bulk):
    properties = mapping()["mappings"]["properties"]
    assert mapping()["mappings"]["dynamic"] == "strict"
    for item in bulk[2]:
        for key, value in item.items():
            assert key in properties, f"{key} is not in the mapping"
            check(value, properties[key], key)


def test_danish_analysis_mirrors_the_archive(bulk):
    settings = mapping()["settings"]["analysis"]
    assert settings["filter"]["danish_stemmer"] == {"type": "stemmer", "language": "danish"}
    text = mapping()["mappings"]["properties"]["text"]
    assert text["analyzer"] == "danish_stemmed" and text["fields"]["exact"]["analyzer"] == "danish_exact"
    assert settings["analyzer"]["danish_exact"]["filter"] == ["lowercase"]


def test_filters_and_votes_travel_with_the_item(bulk):
    (item,) = [i for i in bulk[2] if i["title"] == "Tillægsbevilling til vintertjeneste"]
    assert item["body"] == "Byråd 2022-2025" and item["body_key"] == "byrådet"
    assert item["outcome"] == "afvist" and item["unanimous"] is False
    assert item["amounts"] == [2500000.0] and item["orgs"] == ["Vejdirektoratet"]
    assert item["votes"] == [{"position": "imod", "party": "Ø"}, {"position": "imod", "person": "Mette Holm"}]
    assert item["parties"] == ["Ø"] and item["persons"] == ["Mette Holm"]
    (law,) = [i for i in bulk[2] if i["acts"]]
    assert law["laws"] == [{"act": "planloven", "section": "24", "section_number": 24}]
