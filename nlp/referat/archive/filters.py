"""What an archivist can ask besides words: the filters of `referat search`.

Each filter is a condition on `items` that an index answers: columns copied
into `items` (type, date, body, outcome, closed) are compared directly.
Mentions and votes have two forms, and the plan takes the one that costs
least for the archive at hand: a list of the items that have one
(`i.id IN (SELECT item_id ...)`, read once per query from an index of the
mentions, such as (label, value, item_id)) where the matching mentions are
few, or a check per item (`EXISTS (... WHERE e.item_id = i.id ...)`, one
lookup in the (item_id, label, value) index) where they are many, so that
`--min-amount 1e6` over a million items reads only the items the words or
the other filters bring. Neither form scans a big table once per item (the
correlated scan of the amount index that this replaced was quadratic).
Names (`--person`, `--place`, `--org`) and bodies are looked up in their
small tables first.

Conditions on one mention hold for the same mention: `--act aktivloven
--section 13` is one law reference, `--min-amount 1e6 --max-amount 5e6` one
amount, `--person "Jan Jensen" --party A` one person of that party.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, fields
from typing import Any

from referat.archive.query import QueryError
from referat.model import ITEM_TYPES

OUTCOMES = ("godkendt", "anbefalet", "afvist", "taget_til_efterretning", "drøftet", "udsat", "oversendt",
            "andet")
"""A decision's outcomes (ANNOTATION.md §6)."""
POSITIONS = ("for", "imod", "undlod")
MAX_LIMIT = 1_000_000

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_LEADING_NUMBER = re.compile(r"\d+")
_NAME_WORD = re.compile(r"[^\W_]+")


@dataclass
class Filters:
    """The conditions besides the words; None (or False) leaves a filter out."""

    type: str | None = None
    body: str | None = None
    person: str | None = None
    party: str | None = None
    place: str | None = None
    org: str | None = None
    label: str | None = None
    act: str | None = None
    section: str | None = None
    min_amount: float | None = None
    max_amount: float | None = None
    date_from: str | None = None
    date_to: str | None = None
    outcome: str | None = None
    voted: str | None = None
    closed: bool = False

    def __post_init__(self) -> None:
        for name, allowed in (("type", ITEM_TYPES), ("outcome", OUTCOMES), ("voted", POSITIONS)):
            value = getattr(self, name)
            if value is not None and value not in allowed:
                raise QueryError(f"unknown {name} {value!r}; expected one of {', '.join(allowed)}")
        for name in ("body", "person", "party", "place", "org", "label", "act", "section"):
            value = getattr(self, name)
            if value is not None and not str(value).strip():
                raise QueryError(f"an empty --{name.replace('_', '-')} matches nothing; leave it out")
        if self.min_amount is not None and self.max_amount is not None and self.min_amount > self.max_amount:
            raise QueryError(f"--min-amount {self.min_amount:g} is above --max-amount {self.max_amount:g}")
        self.date_from, self.date_to = date_bounds(self.date_from, self.date_to)

    def given(self) -> dict[str, Any]:
        """The filters set, for a report of what was asked."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) not in (None, False)}


def date_bounds(date_from: str | None, date_to: str | None) -> tuple[str | None, str | None]:
    """ISO bounds from `2019`, `2019-03` or `2019-03-11`, checked against the
    calendar (`2019-13` and `2019-02-30` are errors); `--to 2019` takes in all
    of 2019."""
    low = _checked_date(date_from, "--from")
    high = _checked_date(date_to, "--to")
    if low and high and low > high + "\uffff":
        raise QueryError(f"--from {date_from} is after --to {date_to}")
    return low, (high + "\uffff" if high else None)


def _checked_date(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    value = value.strip()
    match = _DATE.fullmatch(value)
    if not match:
        raise QueryError(f"{option} {value!r} is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is not None and not 1 <= month <= 12:
        raise QueryError(f"{option} {value!r}: there is no month {month}")
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise QueryError(f"{option} {value!r}: {calendar.month_name[month]} {year} has no day {day}")
    return value


ID_SPAN = 10**8
"""Items per meeting day. An item's id is its meeting day (20230522) times this,
plus a count: ids sort by date, so newest first is the id index read backwards
and a date range is an id range, for the items table and the FTS index alike."""


def day_number(date: str | None) -> int:
    """`2023-05-22` -> 20230522; 0 for a missing or unreadable date."""
    if not date or not _DAY.fullmatch(date[:10]):
        return 0
    return int(date[:4] + date[5:7] + date[8:10])


def id_bounds(date_from: str | None, date_to: str | None) -> tuple[int | None, int | None]:
    """The item ids of meetings from `date_from` to `date_to` (bounds as `date_bounds` gives them)."""
    low = int((date_from.replace("-", "") + "0000")[:8]) * ID_SPAN if date_from else None
    high = (int((date_to.rstrip("\uffff").replace("-", "") + "9999")[:8]) + 1) * ID_SPAN - 1 if date_to else None
    return low, high


def check_limit(limit: int) -> int:
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit {limit!r} is out of range; expected 1 to {MAX_LIMIT:,}")
    return limit


def section_number(section: str | None) -> int | None:
    """The paragraph number a section starts with: `13 d` -> 13."""
    match = _LEADING_NUMBER.match(section or "")
    return int(match.group()) if match and len(match.group()) < 19 else None


def section_key(section: str | None) -> str | None:
    """`13 D` -> `13d`: what `--section "13 d"` compares."""
    return None if section is None else "".join(str(section).split()).lower()


def name_key(name: str) -> str:
    """A name as the `names` table keys it: folded words between spaces, so that
    `LIKE '% jensen%'` finds a word that starts with `jensen`."""
    return " " + " ".join(_NAME_WORD.findall(name.casefold())) + " "


def name_pattern(query: str) -> list[str]:
    """LIKE patterns, one per word of a name asked for: each must start a word."""
    words = _NAME_WORD.findall(query.casefold())
    if not words:
        raise QueryError(f"no letters in the name {query!r}")
    return ["% " + _like_escape(w) + "%" for w in words]


def party_key(party: str) -> str:
    return party.strip().upper()


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass
class Condition:
    """One SQL condition on `items i` and its arguments. For a condition on mentions
    or votes, `check` is the same condition as a lookup per item, `probe` counts
    (up to a limit given as its last argument) the mentions that match, and
    `mentions` fetches the ones that made an item match, for the hit."""

    sql: str
    args: list[Any]
    mentions: tuple[str, list[Any]] | None = None
    check: str | None = None
    probe: str | None = None


def conditions(filters: Filters, body_ids: list[int] | None, name_ids: dict[str, list[int]]) -> list[Condition]:
    """The filters as conditions; `body_ids` and `name_ids` are what the small
    tables gave for `--body` and `--person`/`--place`/`--org`."""
    f = filters
    out: list[Condition] = []
    if not f.closed:
        out.append(Condition("i.closed = 0", []))
    if f.type:
        out.append(Condition("i.type = ?", [f.type]))
    low, high = id_bounds(f.date_from, f.date_to)
    if low is not None:
        out.append(Condition("i.id >= ?", [low]))
    if high is not None:
        out.append(Condition("i.id <= ?", [high]))
    if body_ids is not None:
        out.append(Condition(f"i.body_id IN ({_marks(body_ids)})", list(body_ids)))
    if f.outcome:
        out.append(Condition("i.outcome = ?", [f.outcome]))

    law: list[tuple[str, Any]] = []
    if f.act is not None:
        law.append(("e.act = ?", f.act.strip().lower()))
    if f.section is not None:
        key = section_key(f.section)
        number = section_number(key)
        if number is None:
            raise QueryError(f"--section {f.section!r} does not start with a number")
        law.append(("e.section_number = ?", number))
        if not key.isdigit():
            law.append(("replace(lower(e.section), ' ', '') = ?", key))
    if law:
        out.append(_mention(["e.label = 'LAW'"] + [sql for sql, _ in law], [arg for _, arg in law]))
    if f.min_amount is not None or f.max_amount is not None:
        amount = ["e.label = 'AMOUNT'"]
        args: list[Any] = []
        if f.min_amount is not None:
            amount.append("e.value >= ?")
            args.append(float(f.min_amount))
        if f.max_amount is not None:
            amount.append("e.value <= ?")
            args.append(float(f.max_amount))
        if f.min_amount is None:
            amount.append("e.value IS NOT NULL")
        out.append(_mention(amount, args))
    if f.label and not (f.label.upper() == "LAW" and law) and \
            not (f.label.upper() == "AMOUNT" and (f.min_amount is not None or f.max_amount is not None)):
        out.append(_mention(["e.label = ?"], [f.label.strip().upper()]))

    for option, label in (("place", "LOC"), ("org", "ORG")):
        if getattr(f, option) is not None:
            ids = name_ids[option]
            out.append(_mention([f"e.label = '{label}'", f"e.name_id IN ({_marks(ids)})"], list(ids)))
    party = party_key(f.party) if f.party is not None else None
    if f.voted:
        if party:
            out.append(_vote(["v.party = ?", "v.position = ?"], [party, f.voted]))
        if f.person is not None:
            out.append(_vote([f"v.name_id IN ({_marks(name_ids['person'])})", "v.position = ?"],
                             [*name_ids["person"], f.voted]))
        if not party and f.person is None:
            out.append(_vote(["v.position = ?"], [f.voted]))
    elif f.person is not None:
        person = ["e.label = 'PERSON'", f"e.name_id IN ({_marks(name_ids['person'])})"]
        args = list(name_ids["person"])
        if party:
            person.append("e.party = ?")
            args.append(party)
        out.append(_mention(person, args))
    elif party:
        out.append(_mention(["e.party = ?", "e.label IN ('PARTY', 'PERSON')"], [party]))
    return out


def _marks(values: list[Any]) -> str:
    return ", ".join("?" * len(values)) or "NULL"


def _mention(where: list[str], args: list[Any]) -> Condition:
    return _on("entities e", "e", " AND ".join(where), args,
               "SELECT e.label, e.text, e.norm FROM entities e INDEXED BY entities_item "
               f"WHERE e.item_id = ? AND {' AND '.join(where)} ORDER BY e.start")


def _vote(where: list[str], args: list[Any]) -> Condition:
    return _on("votes v", "v", " AND ".join(where), args,
               "SELECT 'VOTE', v.position || ': ' || coalesce(v.person, v.party), "
               "json_object('position', v.position, 'party', v.party, 'person', v.person, 'count', v.count) "
               f"FROM votes v INDEXED BY votes_item WHERE v.item_id = ? AND {' AND '.join(where)} ORDER BY v.id")


def _on(table: str, alias: str, sql: str, args: list[Any], mentions: str) -> Condition:
    by_item = f"{table} INDEXED BY {table.split()[0]}_item"  # the item's own mentions, whatever else is indexed
    return Condition(f"i.id IN (SELECT {alias}.item_id FROM {table} WHERE {sql})", args,
                     mentions=(mentions, args),
                     check=f"EXISTS (SELECT 1 FROM {by_item} WHERE {alias}.item_id = i.id AND {sql})",
                     probe=f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {sql} LIMIT ?)")
