"""Which text is this body's decision, and which is an earlier treatment it quotes.

An item may print several decision sections ("Beslutning i Social- og
Beskæftigelsesudvalget den 2. december 2019:" then "… den 13. januar
2020:", or another committee's decision first): this meeting's is the last
whose heading names this body and date (or names neither), else the last.
Inside the chosen section, lines such as "Økonomiudvalget, 18. september
2019, pkt. 153:" head quoted treatments by other bodies or meetings: they
are kept apart, and their votes are not this body's (ANNOTATION.md §6).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from referat.decide.grammar import Grammar
from referat.model import Item, Meeting, Section
from referat.segment.dates import find_date

_WORD = re.compile(r"[a-zæøåéü]+")
_ENDINGS = ("ernes", "enes", "ets", "ens", "et", "en", "s")


@dataclass(frozen=True)
class Heading:
    """A treatment heading: which body, which date (None where not printed)."""

    text: str
    body: str | None
    date: str | None


@dataclass(frozen=True)
class Part:
    """A stretch of a decision section, in document offsets; `own`: this body's decision."""

    start: int
    end: int
    own: bool
    heading: Heading | None = None


def body_key(name: str) -> tuple[str, ...]:
    """A body's name for comparison: words without definite or genitive endings, no years.

    "Byrådet" and "Byråd 2022-2025" give ("byråd",); "Økonomiudvalgets" gives ("økonomiudvalg",).
    """
    words = []
    for word in _WORD.findall(re.sub(r"\([^)]*\)", " ", name.casefold())):
        for ending in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 4:
                word = word[:-len(ending)]
                break
        words.append(word)
    return tuple(words)


def same_body(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    ka, kb = body_key(a), body_key(b)
    short = min(len(ka), len(kb))
    return bool(short) and ka[:short] == kb[:short]


def read_heading(line: str, grammar: Grammar) -> Heading | None:
    """A treatment heading at the start of `line`, or None."""
    for pattern in grammar.quote_headings:
        m = pattern.match(line.strip())
        if m:
            found = find_date(m.group("date"))
            return Heading(m.group().strip(), " ".join(m.group("body").split()),
                           found[0] if found else None)
    return None


def is_this_meeting(heading: Heading | None, meeting: Meeting) -> bool:
    """Does a heading name this body (or no body) and this meeting's date (or no date)?"""
    if heading is None:
        return True
    if heading.date and meeting.date and heading.date != meeting.date:
        return False
    if heading.body and meeting.body and not same_body(heading.body, meeting.body):
        return False
    return True


def choose_section(text: str, item: Item, meeting: Meeting, grammar: Grammar
                   ) -> tuple[Section | None, list[Section]]:
    """This meeting's decision section of an item, and the others (earlier or other bodies).

    An item printed without any section heading is its decision line where it
    is closed or short (a closed item's decision is its text, ANNOTATION.md
    §6): the text under its heading and case-number lines.
    """
    sections = [s for s in item.sections if s.kind == "beslutning"]
    if not sections:
        line = unnamed_decision(text, item, grammar)
        return line, []
    mine = [s for s in sections if is_this_meeting(read_heading(s.heading, grammar), meeting)]
    own = (mine or sections)[-1]
    return own, [s for s in sections if s is not own]


def unnamed_decision(text: str, item: Item, grammar: Grammar) -> Section | None:
    """The decision line of an item that names no section, or None.

    Its text starts after the heading, the identification lines (case
    number, "Lukket") and a repetition of the title (layouts that print the
    heading twice).
    """
    if item.sections:
        return None
    body = text.find("\n", item.start, item.end)
    if body < 0:
        return None
    start = body + 1
    while start < item.end:
        stop = text.find("\n", start, item.end)
        stop = item.end if stop < 0 else stop
        line = text[start:stop].strip()
        if line and not _repeats_title(line, item.title) and not any(p.match(line) for p in grammar.identification):
            break
        start = stop + 1
    end = item.end
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end or not (item.closed or end - start <= grammar.max_unnamed_chars):
        return None
    return Section("", "beslutning", start, end)


def parts(text: str, section: Section, meeting: Meeting, grammar: Grammar) -> list[Part]:
    """The section cut at the treatment headings it quotes.

    A heading alone on its line heads everything up to the next heading; a
    heading with the decision on the same line ("Økonomiudvalget, 18.
    september 2019, pkt. 153: Anbefales.") only its paragraph (to a blank
    line). Text under no heading is this body's; of the headed parts, the
    last that names this body and date (or does not say) is, and where
    there is neither, the last headed part: the latest treatment printed.
    """
    found: list[Part] = []
    open_start, open_heading, open_own = section.start, None, True
    until_blank = False
    position = section.start
    for line in text[section.start:section.end].split("\n"):
        line_start = position
        position += len(line) + 1
        if until_blank and not line.strip():
            found.append(Part(open_start, line_start, open_own, open_heading))
            open_start, open_heading, open_own, until_blank = line_start, None, True, False
            continue
        heading = read_heading(line, grammar)
        if heading is None:
            continue
        found.append(Part(open_start, line_start, open_own, open_heading))
        open_start, open_heading = line_start, heading
        open_own = is_this_meeting(heading, meeting)
        until_blank = bool(line.strip()[len(heading.text):].strip())
    found.append(Part(open_start, section.end, open_own, open_heading))
    found = [p for p in found if text[p.start:p.end].strip()]
    headed = [p for p in found if p.heading is not None]
    if not headed:
        return found
    # One treatment per body and meeting: the last headed part that may be this
    # meeting's; failing that, the text under no heading; failing that, the last
    # headed part.
    mine = [p for p in headed if p.own]
    unheaded = any(p.heading is None and _says_more_than_attendance(text[p.start:p.end], grammar)
                   for p in found)
    last = mine[-1] if mine else (None if unheaded else headed[-1])
    return [Part(p.start, p.end, p is last or p.heading is None, p.heading) for p in found]


def _says_more_than_attendance(text: str, grammar: Grammar) -> bool:
    return any(line.strip() and not any(p.search(line.strip()) for p in grammar.attendance)
               for line in text.split("\n"))


_LABEL = re.compile(r"^(?:(?:punkt|pkt\.?)\s*)?\d+\s*[.:)]?\s*(?:lukket(?:\s+punkt)?\s*:\s*)?", re.IGNORECASE)


def _repeats_title(line: str, title: str) -> bool:
    """Is the line the item's heading printed again ("7.     Lukket: Klage over … (B)")?"""
    if not title:
        return False
    rest = " ".join(_LABEL.sub("", line).split())
    rest = re.sub(r"\s*\((?:O|B|D)\)$", "", rest)
    return rest == " ".join(title.split())
