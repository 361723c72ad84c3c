"""Attendance as minutes word it beyond a labelled list: absences, substitutes, item ranges.

Labelled lists ("Deltagere:", "Afbud:", configs/meeting.toml [labels]) are
found by `meeting`; what they hold, and the prose around them, is read here
(configs/meeting.toml [attendance]):

- absence written as a sentence: "Lise Holm havde meldt afbud.",
  "Kim Thorsen (Æ) og Lise Holm (F) var fraværende.";
- a substitute, who took part in place of a member, who did not: "Ole Bak
  (F) mødte som stedfortræder for Lise Holm (F)", "Ole Bak (F), suppleant
  for Lise Holm", "Suppleant for Kim Thorsen: Ole Bak";
- absence from some items only, which is no absence from the meeting:
  "Afbud: Kim Thorsen (sag 129-131)", "Fraværende under sag 129-131: Kim
  Thorsen", "Kim Thorsen deltog ikke i behandlingen af sag 129-131.";
- a label qualified by the meeting it speaks of ("Fraværende i
  Økonomiudvalget - 12.03.2019:"): another date than this meeting's is a
  quote, and is left out;
- a participant table ("Navn<tab>Parti<tab>Bemærkning"), where a remark such
  as "Afbud" marks a member absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from referat.resources import load_toml
from referat.segment.config import fold
from referat.segment.dates import find_date
from referat.segment.names import name_parts, parse_names

_MAX_QUALIFIER = 80  # characters before the colon of "Fraværende under sag 129-131: ..."
# A council of 31 with staff and guests lists well under 5,000 characters; a longer
# "list" is a text pasted into the field (read as text, not as attendance).
_MAX_LIST = 20_000


@dataclass
class Attendance:
    """Who took part, who was absent, and who was absent from some items only."""

    present: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    item_absent: list[tuple[int, int, list[str]]] = field(default_factory=list)  # (first, last, names)

    def add(self, names: list[str], absent: bool, items: tuple[int, int] | None = None) -> None:
        if items is not None:
            if absent and names:
                self.item_absent.append((*items, names))
            return
        target = self.absent if absent else self.present
        target.extend(n for n in names if n not in target)

    def merged(self, present: list[str], absent: list[str]) -> tuple[list[str], list[str]]:
        """The labelled lists with this attendance added; nobody absent is counted present."""
        gone = [*absent, *(n for n in self.absent if n not in absent)]
        here = [n for n in [*present, *(n for n in self.present if n not in present)] if n not in gone]
        return here, gone


@dataclass(frozen=True)
class _Vocabulary:
    sentence: re.Pattern[str]  # "<names> havde meldt afbud<tail>"
    substitute: re.Pattern[str]  # "<names> mødte som stedfortræder for <names>"
    substitute_clause: re.Pattern[str]  # ", suppleant for <names>" inside a list
    substitute_label: re.Pattern[str]  # "Suppleant for <names>: <names>"
    item_range: re.Pattern[str]  # "sag 129-131", "pkt. 3"
    absent_remarks: frozenset[str]  # a participant table's remark that means absent
    table_heads: frozenset[str]  # the first cell of a participant table's header row


@lru_cache(maxsize=None)
def _vocabulary() -> _Vocabulary:
    data = load_toml("meeting.toml")["attendance"]

    def alternation(words: list[str]) -> str:
        return "|".join(r"\s{1,4}".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True))

    roles = alternation(data["substitute_roles"])
    items = alternation(data["item_words"])
    gap = r"\s{1,4}"  # bounded runs of space: a line of a megabyte of spaces stays linear
    return _Vocabulary(
        sentence=re.compile(rf"^(?P<names>[^\d:]{{2,300}}?){gap}(?i:{alternation(data['absent_phrases'])})"
                            rf"(?![\wæøå])(?P<tail>.{{0,120}})$"),
        substitute=re.compile(rf"^(?P<names>[^\d:]{{2,200}}?){gap}(?i:mødte|deltog|deltager|møder){gap}som{gap}"
                              rf"(?i:{roles}){gap}for{gap}(?P<for>[^\d:]{{2,200}}?)[.]?$"),
        substitute_clause=re.compile(rf"(?:[,(–-]\s{{0,4}}|(?<=\s))(?i:{roles}){gap}for{gap}"
                                     rf"(?P<for>[^,;()]{{2,80}}?)\s{{0,4}}(?:\)|(?=[,;])|$)"),
        substitute_label=re.compile(rf"^(?i:{roles}){gap}for{gap}(?P<for>[^:]{{2,80}}):\s{{0,4}}(?P<names>.+)$"),
        item_range=re.compile(rf"(?<![\wæøå])(?i:{items})\s{{0,4}}(?:nr\.?\s{{0,4}})?(?P<first>\d{{1,3}})"
                              rf"(?:\s{{0,4}}(?:-|–|til)\s{{0,4}}(?P<last>\d{{1,3}}))?(?!\d)"),
        absent_remarks=frozenset(fold(w) for w in data["absent_remarks"]),
        table_heads=frozenset(fold(w) for w in data["table_heads"]),
    )


def item_range(text: str) -> tuple[int, int] | None:
    """The items a phrase names ("sag 129-131" -> (129, 131), "pkt. 3" -> (3, 3)), or None."""
    m = _vocabulary().item_range.search(text)
    if not m:
        return None
    first = int(m["first"])
    last = int(m["last"]) if m["last"] else first
    return (first, last) if first <= last else None


def read_list(value: str, absent: bool, attendance: Attendance, meeting_date: str | None) -> bool:
    """Read a labelled list's value into `attendance`; False where it is no list of names.

    A qualifier before a colon ("under sag 129-131: ...", "i Økonomiudvalget -
    12.03.2019: ...") limits the list to some items, or to another meeting
    (then nothing is taken); a substitute clause names who was replaced; an
    item range after a name limits that name's absence.
    """
    if len(value) > _MAX_LIST:
        return False
    vocab = _vocabulary()
    qualifier, colon, rest = value.partition(":")
    items = None
    if colon and len(qualifier) <= _MAX_QUALIFIER and not parse_names(qualifier, min_tokens=1):
        found = find_date(qualifier)
        if found and meeting_date and found[0] != meeting_date:
            return True  # a quote of another meeting's attendance
        items, value = item_range(qualifier), rest
    for clause in vocab.substitute_clause.finditer(value):
        attendance.add(parse_names(clause["for"], min_tokens=1) or [], True)
    value = vocab.substitute_clause.sub("", value)
    taken = False
    for part in name_parts(value.rstrip(",")):
        names = parse_names(part, min_tokens=1)
        if names:
            attendance.add(names, absent, items or item_range(part))
            taken = True
    return taken


def read_sentence(text: str, attendance: Attendance) -> bool:
    """An absence or a substitution written as a sentence, read into `attendance`."""
    vocab = _vocabulary()
    m = vocab.substitute.match(text) or vocab.substitute_label.match(text)
    if m and (present := parse_names(m["names"], min_tokens=1)) and (replaced := parse_names(m["for"], min_tokens=1)):
        attendance.add(present, False)
        attendance.add(replaced, True)
        return True
    m = vocab.sentence.match(text.rstrip("."))
    if m and (names := parse_names(m["names"])):
        attendance.add(names, True, item_range(m["tail"]))
        return True
    return False


def read_table(rows: list[str], attendance: Attendance) -> int:
    """A participant table below a label, header row first ("Navn<tab>Parti<tab>Bemærkning"):
    how many rows it took. A row whose remark means absent names an absent member."""
    vocab = _vocabulary()
    if not rows or "\t" not in rows[0] or fold(rows[0].split("\t")[0]) not in vocab.table_heads:
        return 0
    taken = 1
    for row in rows[1:]:
        cells = [cell.strip() for cell in row.split("\t") if cell.strip()]
        names = parse_names(cells[0]) if cells else None
        if not names:
            break
        absent = any(fold(cell) in vocab.absent_remarks for cell in cells[1:])
        attendance.add(names, absent)
        taken += 1
    return taken
