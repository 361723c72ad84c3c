"""Votes as tables: one row per item × party or member × position, and per item × member attended.

- `vote_rows(doc)`: the `votes` table of the Parquet and Hugging Face exports
  and of `referat votes`: each printed position of an item's decision
  (ANNOTATION.md §6) spread over its parties (`kind` "party") and its members
  (`kind` "person", with the member's party where the vote or the document
  prints it), with the item's outcome and unanimity beside it;
- `attendance_rows(doc)`: each member the meeting lists, per item with a
  decision: whether they attended (`referat.decide.attendance`) and the
  position they took: named in a vote, or through their party's vote
  (`via` "name" / "party"), or `for` where the body decided unanimously
  (`via` "unanimous"); null where nothing is recorded.

Plain dicts with the columns of `VOTE_COLUMNS` / `ATTENDANCE_COLUMNS`, so
that pandas, pyarrow and `datasets` read them alike.
"""

from __future__ import annotations

import re
from typing import Any

from referat.decide.attendance import attendance, name_key, parties_of_members
from referat.model import Document, Item, Vote

VOTE_COLUMNS = (("doc_id", "string"), ("source", "string"), ("body", "string"), ("date", "string"),
                ("item", "int32"), ("title", "string"), ("outcome", "string"), ("unanimous", "bool"),
                ("vote", "int32"), ("position", "string"), ("kind", "string"), ("party", "string"),
                ("person", "string"), ("count", "int32"), ("start", "int32"), ("end", "int32"))
"""Column names and types of the votes table; `vote` numbers the item's votes from 0."""

ATTENDANCE_COLUMNS = (("doc_id", "string"), ("source", "string"), ("body", "string"),
                      ("date", "string"), ("item", "int32"), ("title", "string"), ("outcome", "string"),
                      ("unanimous", "bool"), ("person", "string"), ("party", "string"),
                      ("present", "bool"), ("position", "string"), ("via", "string"))
"""Column names and types of the attendance table."""

_CODE_AFTER = r"\s*\(\s*([A-ZÆØÅ]{1,3})(?:-(\d{1,2}))?\s*\)"


def _item_keys(doc: Document, item: Item) -> dict[str, Any]:
    decision = item.decision
    return {"doc_id": doc.doc_id, "source": doc.source, "body": doc.meeting.body,
            "date": doc.meeting.date, "item": item.number, "title": item.title,
            "outcome": decision.outcome if decision else None,
            "unanimous": decision.unanimous if decision else None}


def member_party(doc: Document, vote: Vote, person: str, roster: dict[str, str]) -> str | None:
    """A voting member's party: printed after the name in the vote, else in the document."""
    said = doc.text[vote.start:vote.end]
    m = re.search(re.escape(person) + _CODE_AFTER, said)
    if m:
        return m.group(1) + (m.group(2) or "")
    return roster.get(name_key(person))


def vote_rows(doc: Document) -> list[dict[str, Any]]:
    """The votes table of one document."""
    roster = parties_of_members(doc)
    rows = []
    for item in doc.items:
        if item.decision is None:
            continue
        keys = _item_keys(doc, item)
        for number, vote in enumerate(item.decision.votes):
            common = {**keys, "vote": number, "position": vote.position, "count": vote.count,
                      "start": vote.start, "end": vote.end}
            rows.extend({**common, "kind": "party", "party": party, "person": None}
                        for party in vote.parties)
            rows.extend({**common, "kind": "person", "party": member_party(doc, vote, person, roster),
                         "person": person} for person in vote.persons)
    return rows


def _positions(item: Item) -> tuple[dict[str, str], dict[str, str]]:
    """(name_key -> position) for named members, and (party -> position) for party votes; later wins."""
    named: dict[str, str] = {}
    by_party: dict[str, str] = {}
    for vote in item.decision.votes if item.decision else []:
        for person in vote.persons:
            named[name_key(person)] = vote.position
        for party in vote.parties:
            by_party[party] = vote.position
    return named, by_party


def attendance_rows(doc: Document) -> list[dict[str, Any]]:
    """The attendance table of one document (items with a decision only)."""
    roster = parties_of_members(doc)
    present_by_item = {a.number: a for a in attendance(doc)}
    rows = []
    for item in doc.items:
        if item.decision is None:
            continue
        keys = _item_keys(doc, item)
        named, by_party = _positions(item)
        here = present_by_item[item.number]
        present = {name_key(p) for p in here.present}
        for member in doc.meeting.participants:
            key = name_key(member)
            party = roster.get(key)
            position, via = None, None
            if key in present:
                if key in named:
                    position, via = named[key], "name"
                elif party and party in by_party:
                    position, via = by_party[party], "party"
                elif item.decision.unanimous:
                    position, via = "for", "unanimous"
            rows.append({**keys, "person": member, "party": party, "present": key in present,
                         "position": position, "via": via})
    return rows


def arrow_schema(columns: tuple[tuple[str, str], ...]):
    """The pyarrow schema of a table described by (name, type) pairs."""
    import pyarrow as pa

    types = {"string": pa.string(), "int32": pa.int32(), "bool": pa.bool_()}
    return pa.schema([(name, types[kind]) for name, kind in columns])


def hf_features(columns: tuple[tuple[str, str], ...]):
    """The `datasets.Features` of a table described by (name, type) pairs."""
    from datasets import Features, Value

    return Features({name: Value(kind) for name, kind in columns})
