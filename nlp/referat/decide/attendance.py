"""Who attended which item: the meeting's participants less the absent.

An item's absentees are the meeting's (`meeting.absent`), the item's own
(`item.absent`, "Fraværende: …" inside the item) and the names on the
attendance lines of its decision ("Ikke til stede: …", "Afbud: …"). What is
left of `meeting.participants` attended; that is what a member's votes are
counted against (`referat votes`). Names are compared without case, party
suffix or hyphens ("Inge-Lise Kromann" is "Inge Lise Kromann").

A member's party comes from the document: the party letter printed after
their name anywhere in it (the PERSON spans' `party`), the most frequent
where several are printed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from referat.model import Document, Item

_SUFFIX = re.compile(r"\([^()\n]*\)[ \t]*$")
_LINE_NAMES = re.compile(r"^[^:\n]*:\s*(?P<names>.+)$")
_SPLIT = re.compile(r"(?:,|;|\bog\b|\bsamt\b)")
_ABSENCE = re.compile(r"^\s*(?:fraværende|afbud|ikke\s+til\s*stede|ikke\s+mødt|deltog\s+ikke)\b", re.IGNORECASE)


def name_key(name: str) -> str:
    """A member's name for comparison: no party suffix, no hyphens, no case, single spaces."""
    return " ".join(_SUFFIX.sub("", name).replace("-", " ").split()).casefold()


@dataclass
class ItemAttendance:
    number: int
    present: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)


def parties_of_members(doc: Document) -> dict[str, str]:
    """name_key -> the party letter printed after that member's name in the document."""
    seen: dict[str, Counter] = {}
    for span in doc.all_entities():
        party = (span.norm or {}).get("party") if span.label == "PERSON" else None
        if party:
            seen.setdefault(name_key((span.norm or {}).get("name") or span.text), Counter())[party] += 1
    return {key: counts.most_common(1)[0][0] for key, counts in seen.items()}


def decision_absentees(doc: Document, item: Item) -> list[str]:
    """Names on the absence lines of an item's decision ("Ikke til stede: Tina Rottbøll")."""
    if item.decision is None:
        return []
    names: list[str] = []
    lines = item.decision.text.split("\n")
    for index, line in enumerate(lines):
        if not _ABSENCE.match(line):
            continue
        m = _LINE_NAMES.match(line.strip())
        listed = m.group("names") if m else ""
        if not listed and index + 1 < len(lines):  # "Ikke til stede:" with the names below
            listed = lines[index + 1]
        names.extend(n.strip(" .") for n in _SPLIT.split(listed) if n.strip(" ."))
    return names


def attendance(doc: Document) -> list[ItemAttendance]:
    """Per item: the participants who attended, and who was absent."""
    meeting_absent = {name_key(n) for n in doc.meeting.absent}
    out = []
    for item in doc.items:
        absent_names = list(doc.meeting.absent) + list(item.absent) + decision_absentees(doc, item)
        absent = {name_key(n) for n in absent_names} | meeting_absent
        present = [p for p in doc.meeting.participants if name_key(p) not in absent]
        gone = [p for p in doc.meeting.participants if name_key(p) in absent]
        out.append(ItemAttendance(item.number, present, gone))
    return out
