"""The archive for OpenSearch or Elasticsearch, where it outgrows one SQLite file.

`write_bulk(archive, out)` writes the bulk format (NDJSON: an action line,
then the item) with one document per agenda item, and `mapping()` the index
settings and mappings to create the index with first:

    curl -XPUT localhost:9200/referat -H 'Content-Type: application/json' -d @items.mapping.json
    curl -XPOST localhost:9200/_bulk -H 'Content-Type: application/x-ndjson' --data-binary @items.ndjson

The mapping mirrors the SQLite index: `title` and `text` are analysed with
Snowball's Danish stemmer (Lucene's, the same stems `referat search` uses),
and each has an `.exact` sub-field, lower-cased words as printed, for phrases
and quoted words. Filters are keyword, number and date fields; `votes` is
`nested`, so that a party and a position hold for the same vote. An item's
`_id` is its document's id and its offset, so loading the file again
replaces, never duplicates. A bulk request should stay under the server's
`http.max_content_length` (100 MB by default): `split -l 20000` (an even
number keeps each action with its item) cuts a large file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

INDEX = "referat"

_TEXT = {
    "type": "text",
    "analyzer": "danish_stemmed",
    "fields": {"exact": {"type": "text", "analyzer": "danish_exact"}},
}


def mapping() -> dict[str, Any]:
    """Index settings and mappings for the items (PUT /referat with this body)."""
    keyword = {"type": "keyword"}
    return {
        "settings": {
            "analysis": {
                "filter": {"danish_stemmer": {"type": "stemmer", "language": "danish"}},
                "analyzer": {
                    "danish_stemmed": {"type": "custom", "tokenizer": "standard",
                                       "filter": ["lowercase", "danish_stemmer"]},
                    "danish_exact": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]},
                },
            },
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "doc_id": keyword,
                "source": keyword,
                "body": {"type": "keyword", "fields": {"text": {"type": "text", "analyzer": "danish_stemmed"}}},
                "body_key": keyword,
                "date": {"type": "date", "format": "strict_date"},
                "year": {"type": "short"},
                "municipality": keyword,
                "kind": keyword,
                "number": {"type": "long"},
                "title": _TEXT,
                "text": _TEXT,
                "type": keyword,
                "score": {"type": "float"},
                "case_number": keyword,
                "closed": {"type": "boolean"},
                "outcome": keyword,
                "unanimous": {"type": "boolean"},
                "page": {"type": "integer"},
                "acts": keyword,
                "laws": {"type": "nested", "properties": {"act": keyword, "section": keyword,
                                                          "section_number": {"type": "integer"},
                                                          "subsection": keyword}},
                "amounts": {"type": "double"},
                "persons": keyword,
                "parties": keyword,
                "places": keyword,
                "orgs": keyword,
                "committees": keyword,
                "votes": {"type": "nested", "properties": {"position": keyword, "party": keyword,
                                                           "person": keyword, "count": {"type": "integer"}}},
            },
        },
    }


def items(db) -> Iterator[tuple[str, dict[str, Any]]]:
    """(`_id`, document) for every item of an archive (an open `sqlite3` connection)."""
    rows = db.execute(
        "SELECT i.id, d.doc_id, d.source, d.body, b.key, i.date, i.year, d.municipality, d.kind, i.number,"
        " i.title, i.text, i.type, i.score, i.case_number, i.closed, i.outcome, i.unanimous, i.page, i.start"
        " FROM items i JOIN documents d ON d.id = i.document_id LEFT JOIN bodies b ON b.id = i.body_id"
        " ORDER BY i.id")
    for row in rows:
        (item_id, doc_id, source, body, key, date, year, municipality, kind, number, title, text, type_,
         score, case_number, closed, outcome, unanimous, page, start) = row
        item: dict[str, Any] = {
            "doc_id": doc_id, "source": source, "body": body, "body_key": key, "date": date, "year": year,
            "municipality": municipality, "kind": kind, "number": number, "title": title, "text": text,
            "type": type_, "score": score, "case_number": case_number, "closed": bool(closed),
            "outcome": outcome, "unanimous": None if unanimous is None else bool(unanimous), "page": page,
            "acts": [], "laws": [], "amounts": [], "persons": [], "parties": [], "places": [], "orgs": [],
            "committees": [], "votes": [],
        }
        lists = {"PERSON": "persons", "LOC": "places", "ORG": "orgs", "COMMITTEE": "committees"}
        for label, act, section, number_, subsection, value, name, party in db.execute(
                "SELECT label, act, section, section_number, subsection, value, name, party FROM entities"
                " WHERE item_id = ? ORDER BY start", (item_id,)):
            if label == "LAW":
                item["laws"].append(_present({"act": act, "section": section, "section_number": number_,
                                              "subsection": subsection}))
                if act:
                    _add(item["acts"], act)
            elif label == "AMOUNT" and value is not None:
                item["amounts"].append(value)
            if label in lists and name:
                _add(item[lists[label]], name)
            if party and label in ("PARTY", "PERSON"):
                _add(item["parties"], party)
        item["votes"] = [_present({"position": p, "party": party, "person": person, "count": count})
                         for p, party, person, count in db.execute(
                             "SELECT position, party, person, count FROM votes WHERE item_id = ? ORDER BY id",
                             (item_id,))]
        yield f"{doc_id}-{start}", _present(item)


def write_bulk(db, out: IO[str], index: str = INDEX) -> int:
    """Write every item as a bulk `index` action; returns the number of items."""
    count = 0
    for item_id, item in items(db):
        out.write(json.dumps({"index": {"_index": index, "_id": item_id}}) + "\n")
        out.write(json.dumps(item, ensure_ascii=False) + "\n")
        count += 1
    return count


def _present(values: dict[str, Any]) -> dict[str, Any]:
    """Without the fields that have no value (a missing field is how the engines say null)."""
    return {k: v for k, v in values.items() if v is not None}


def _add(values: list, value: Any) -> None:
    if value not in values:
        values.append(value)
