"""The archive as Datasette shows it: a metadata file written beside the database.

    datasette archive.sqlite -m archive.metadata.json

The metadata names the full-text table for `items` (`items_fts`: Datasette
does not find a contentless FTS table by itself), the facets an archivist
starts from, labels and descriptions for tables and columns, and canned
queries for the questions `referat search` answers. Datasette's search box
matches each word as printed and as a stem, so `bevilling` finds
`bevillingen`; where the stem is not itself a word (`kommune` → `kommun`),
`?_searchmode=raw` takes FTS5's syntax, and `kommun*` every form.

The file is rewritten on each `referat index` unless someone else wrote it
(its `source` is not referat's): a hand-edited metadata file is left alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from referat.outputs import atomic_file

SOURCE = "referat index"

_ITEM = ("i.id, i.date, b.label AS body, i.number, i.title, i.type, i.outcome, d.source "
         "FROM items i JOIN documents d ON d.id = i.document_id LEFT JOIN bodies b ON b.id = i.body_id")

QUERIES: dict[str, dict[str, str]] = {
    "sog": {
        "title": "Søg i punkter",
        "description": "Words in titles and texts, best match first. Each word matches as printed and as "
                       "a Danish stem (bevilling finds bevillingen). Closed items are left out.",
        "sql": f"SELECT {_ITEM} JOIN items_fts ON items_fts.rowid = i.id "
               "WHERE items_fts MATCH escape_fts(:q) AND i.closed = 0 ORDER BY items_fts.rank LIMIT 200",
    },
    "lov_og_paragraf": {
        "title": "Punkter der henviser til en lov og paragraf",
        "description": "act: the act's short name in lower case (aktivloven, serviceloven); "
                       "section: the paragraph number (13 takes in § 13 a-z).",
        "sql": f"SELECT {_ITEM} WHERE i.id IN (SELECT item_id FROM entities WHERE label = 'LAW' "
               "AND act = lower(:act) AND section_number = CAST(:section AS INTEGER)) "
               "ORDER BY i.date DESC LIMIT 500",
    },
    "beloeb_over": {
        "title": "Punkter med beløb på mindst",
        "description": "kr: an amount in Danish kroner, e.g. 10000000 for 10 mio. kr.",
        "sql": f"SELECT {_ITEM} WHERE i.id IN (SELECT item_id FROM entities WHERE label = 'AMOUNT' "
               "AND value >= CAST(:kr AS REAL)) ORDER BY i.date DESC LIMIT 500",
    },
    "stemmer": {
        "title": "Punkter hvor et parti stemte for, imod eller undlod",
        "description": "party: the party letter in capitals (Ø, V, A, UP, ...); position: for, imod or undlod.",
        "sql": f"SELECT {_ITEM} WHERE i.id IN (SELECT item_id FROM votes WHERE party = :party "
               "AND position = :position) ORDER BY i.date DESC LIMIT 500",
    },
    "udfald_pr_aar": {
        "title": "Beslutningernes udfald pr. år og udvalg",
        "sql": "SELECT i.year, b.label AS body, i.outcome, count(*) AS items FROM items i "
               "LEFT JOIN bodies b ON b.id = i.body_id WHERE i.outcome IS NOT NULL "
               "GROUP BY i.year, b.id, i.outcome ORDER BY i.year DESC, items DESC",
    },
}


def metadata(database: str) -> dict[str, Any]:
    """Datasette metadata for an archive Datasette names `database` (the file's stem)."""
    return {
        "title": "referat archive",
        "description": "Danish municipal minutes as data: meetings, agenda items (punkter), mentions "
                       "and votes, indexed by referat.",
        "source": SOURCE,
        "databases": {database: {
            "tables": {
                "items": {
                    "label_column": "title",
                    "fts_table": "items_fts",
                    "fts_pk": "id",
                    "sort_desc": "date",
                    "facets": ["type", "outcome", "year", "body_id"],
                    "description": "Agenda items (punkter), one row each; closed items have closed = 1.",
                    "columns": {
                        "number": "The item's number on the agenda",
                        "type": "orientering, beslutning or drøftelse",
                        "score": "The classifier's confidence in the type",
                        "closed": "1 for a closed item (lukket punkt)",
                        "date": "The meeting's date",
                        "body_id": "The body that met",
                        "outcome": "What the body decided: godkendt, anbefalet, afvist, "
                                   "taget_til_efterretning, drøftet, udsat, oversendt, andet",
                        "unanimous": "1 where the decision was unanimous, 0 where anybody voted "
                                     "against or abstained",
                        "page": "The page the item starts on (paged documents)",
                        "text": "The item's text as referat read it",
                    },
                },
                "documents": {
                    "label_column": "source",
                    "sort_desc": "date",
                    "facets": ["body", "kind", "format"],
                    "description": "One row per indexed document (minutes or agenda).",
                },
                "entities": {
                    "facets": ["label", "act"],
                    "description": "Every mention referat tagged, its normalised value spread over "
                                   "columns (act, section, value, name, party) and whole in norm.",
                },
                "votes": {
                    "facets": ["position", "party"],
                    "description": "One row per party or person in a decision's votes.",
                },
                "bodies": {"label_column": "label", "description": "The bodies that met, one row for all "
                                                                   "the names each is printed with; --body "
                                                                   "matches the key."},
                "names": {"label_column": "name", "description": "Persons, organisations and places."},
                "records": {"hidden": True},
                "meta": {"hidden": True},
            },
            "queries": QUERIES,
        }},
    }


def metadata_path(db: str | Path) -> Path:
    """`archive.sqlite` → `archive.metadata.json`, beside it."""
    path = Path(db)
    return path.with_name(path.stem + ".metadata.json")


def write_metadata(db: str | Path) -> Path | None:
    """Write (or refresh) the metadata file beside `db`; None where a file there
    was not written by referat and is left alone."""
    target = metadata_path(db)
    if target.exists():
        try:
            existing = json.loads(target.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(existing, dict) or existing.get("source") != SOURCE or not target.is_file():
            return None
    with atomic_file(target, "w", encoding="utf-8") as f:
        json.dump(metadata(Path(db).stem), f, ensure_ascii=False, indent=2)
        f.write("\n")
    return target
