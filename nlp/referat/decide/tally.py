"""The tables of `referat votes`: outcomes per body, positions per party, votes per member.

From referat records (error records skipped and listed):

- `votes`: one row per item × party or member × position (`export.votes.vote_rows`);
- `attendance`: one row per item with a decision × member the meeting lists
  (`export.votes.attendance_rows`);
- `outcomes`: per body, how many decisions of each outcome, how many unanimous;
- `parties`: per party, on how many items it is recorded `for`, `imod`,
  `undlod`; `party_outcomes` the same per party and outcome;
- `members`: per member, the items with a decision at their meetings, how
  many they attended, and their positions there (by name, through their
  party's vote, or as part of a unanimous body), so that votes can be
  counted against attendance.

All are lists of flat dicts: `pandas.DataFrame(rows)` takes them as they are.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from referat.export.votes import ATTENDANCE_COLUMNS, VOTE_COLUMNS, attendance_rows, vote_rows
from referat.model import OUTCOMES, POSITIONS, Document

TABLES = ("outcomes", "parties", "party_outcomes", "members", "votes", "attendance")


@dataclass
class Tally:
    votes: list[dict[str, Any]] = field(default_factory=list)
    attendance: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)  # body, outcome, unanimous per item
    documents: int = 0
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # lines that are no readable record

    def add(self, doc: Document) -> None:
        self.documents += 1
        self.votes.extend(vote_rows(doc))
        self.attendance.extend(attendance_rows(doc))
        self.decisions.extend({"body": doc.meeting.body, "outcome": item.decision.outcome,
                               "unanimous": item.decision.unanimous}
                              for item in doc.items if item.decision is not None)

    def outcomes(self) -> list[dict[str, Any]]:
        by_body: dict[str | None, Counter] = defaultdict(Counter)
        for row in self.decisions:
            counts = by_body[row["body"]]
            counts[row["outcome"]] += 1
            counts["decisions"] += 1
            counts["unanimous"] += row["unanimous"] is True
        return [{"body": body, "decisions": c["decisions"], **{o: c[o] for o in OUTCOMES},
                 "unanimous": c["unanimous"]}
                for body, c in sorted(by_body.items(), key=lambda kv: (-kv[1]["decisions"], str(kv[0])))]

    def parties(self) -> list[dict[str, Any]]:
        items: dict[str, set] = defaultdict(set)
        positions: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
        for row in self.votes:
            if row["kind"] != "party":
                continue
            key = (row["doc_id"], row["item"])
            items[row["party"]].add(key)
            positions[row["party"]][row["position"]].add(key)
        return [{"party": party, "items": len(keys), **{p: len(positions[party][p]) for p in POSITIONS}}
                for party, keys in sorted(items.items(), key=lambda kv: (-len(kv[1]), kv[0]))]

    def party_outcomes(self) -> list[dict[str, Any]]:
        """Per party and outcome: on how many items it is recorded for, imod, undlod."""
        positions: dict[tuple[str, str], dict[str, set]] = defaultdict(lambda: defaultdict(set))
        for row in self.votes:
            if row["kind"] == "party":
                positions[(row["party"], row["outcome"])][row["position"]].add((row["doc_id"], row["item"]))
        order = {o: i for i, o in enumerate(OUTCOMES)}
        return [{"party": party, "outcome": outcome, **{p: len(counts[p]) for p in POSITIONS}}
                for (party, outcome), counts in sorted(positions.items(),
                                                       key=lambda kv: (kv[0][0], order.get(kv[0][1], 99)))]

    def members(self) -> list[dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {}
        for row in self.attendance:
            member = rows.setdefault(row["person"], {
                "person": row["person"], "party": row["party"], "items": 0, "attended": 0, "absent": 0,
                **{p: 0 for p in POSITIONS}, "not_recorded": 0, "by_name": 0})
            member["party"] = member["party"] or row["party"]
            member["items"] += 1
            if not row["present"]:
                member["absent"] += 1
                continue
            member["attended"] += 1
            if row["position"] is None:
                member["not_recorded"] += 1
            else:
                member[row["position"]] += 1
                member["by_name"] += row["via"] == "name"
        return sorted(rows.values(), key=lambda r: (-r["imod"] - r["undlod"], r["person"]))

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        return {"outcomes": self.outcomes(), "parties": self.parties(), "party_outcomes": self.party_outcomes(),
                "members": self.members(), "votes": self.votes, "attendance": self.attendance}


def tally(docs: Iterable[Document]) -> Tally:
    found = Tally()
    for doc in docs:
        found.add(doc)
    return found


def tally_records(path: str | Path) -> Tally:
    """The tables of a referat JSONL file (document records); error records are skipped."""
    from referat.export import Records

    records = Records(path)
    found = tally(records)
    found.skipped, found.failed = records.skipped, records.failed
    return found


COLUMNS = {"votes": VOTE_COLUMNS, "attendance": ATTENDANCE_COLUMNS}
"""The fixed column types of the long tables; the summaries' types follow their values."""


def format_table(rows: list[dict[str, Any]], limit: int | None = None) -> str:
    """Rows as aligned text columns (None as "-")."""
    if not rows:
        return "(none)"
    shown = rows[:limit] if limit else rows
    names = list(shown[0])
    cells = [[("-" if r[n] is None else str(r[n])) for n in names] for r in shown]
    widths = [max(len(n), *(len(c[i]) for c in cells)) for i, n in enumerate(names)]
    numeric = [all(c[i].lstrip("-").isdigit() or c[i] == "-" for c in cells) for i in range(len(names))]

    def line(values):
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

    out = [line([n.replace("_", " ") for n in names])] + [line(c) for c in cells]
    if limit and len(rows) > limit:
        out.append(f"… {len(rows) - limit} more rows")
    return "\n".join(out)


def write_tables(found: Tally, out: Path, fmt: str) -> list[Path]:
    """Every table as OUT/<name>.csv or OUT/<name>.parquet (out is a folder being filled)."""
    written = []
    for name, rows in found.tables().items():
        path = out / f"{name}.{fmt}"
        if fmt == "csv":
            _write_csv(rows, path, COLUMNS.get(name))
        else:
            _write_parquet(rows, path, COLUMNS.get(name))
        written.append(path)
    return written


def _write_csv(rows, path: Path, columns) -> None:
    import csv

    names = [n for n, _ in columns] if columns else (list(rows[0]) if rows else [])
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=names)
        writer.writeheader()
        writer.writerows(rows)


def _write_parquet(rows, path: Path, columns) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from referat.export.votes import arrow_schema

    table = (pa.Table.from_pylist(rows, schema=arrow_schema(columns)) if columns
             else pa.Table.from_pylist(rows))
    pq.write_table(table, path)
