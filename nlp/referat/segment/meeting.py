"""Meeting metadata from the head of the document (ANNOTATION.md §4).

The head is the text before the first item. Labelled fields come first
("Mødedato", "Mødested", "Deltagere", "Afbud", configs/meeting.toml, with the
value after the label or on the lines below); what no label gives is read off
the title lines: the body that met ("REFERAT 2018-21: Arbejdsmarkeds- og
Integrationsudvalget d. 11-03-2019"), the first date, the first "kl." time,
an eDoc-style place line ("i Mødecenter C, ..."). The municipality is the
most frequent "<Name> Kommune", head mentions counting most.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from referat.model import Item, Meeting
from referat.segment import config
from referat.segment.attendance import Attendance, read_list, read_sentence, read_table
from referat.segment.config import MeetingVocabulary, fold
from referat.segment.dates import find_date, find_times
from referat.segment.kind import title_kind
from referat.segment.lines import Lines
from referat.segment.names import parse_names

_TITLE_LINES = 15  # title lines read for the body and the kind
_PLACE_AFTER_TIME = re.compile(r"(?i:kl)\.?\s*\d{1,2}(?:[.:]\d{2})?\s*,?\s+(?:i|på)\s+(?P<place>[A-ZÆØÅ].*)$")
_PLACE_LINE = re.compile(r"^(?:i|på)\s+(?P<place>[A-ZÆØÅ0-9].*)$")
_ENDED = re.compile(
    r"(?i:mødet)\s+(?:blev\s+)?(?i:hævet|sluttede|slut|afsluttet|afsluttedes)\s+(?i:kl)\.?\s*(?P<h>\d{1,2})[.:](?P<m>\d{2})"
)
_END_LINE = re.compile(r"^[-–]\s*(?:(?i:kl)\.?\s*)?(?P<h>\d{1,2})[.:](?P<m>\d{2})$")  # "- 18:00" below "kl. 16:00"
_PLACE_CHARS = 120  # an unlabelled place line is short
_BODY_WORDS = 8  # a line of its own naming the body has at most this many words
_LEFT_WORDS = 3  # capitalised words before "Byråd", "Udvalg" that belong to the name ("Aarhus Byråd")
_HEAD_WEIGHT = 10  # a "<Name> Kommune" in the head counts this many times
_TAIL_CHARS = 4000  # where "Mødet hævet kl. ..." is looked for
_NAME_CHARS = 40  # how far before "Kommune" its name may start
_MUNICIPALITY_CHARS = 300_000  # the municipality is named early and often: no need to read it all


def find_body(line: str) -> str | None:
    """The political body named in a title line ("Arbejdsmarkeds- og Integrationsudvalget")."""
    vocab = config.meeting()
    tokens = line.split()
    for k, token in enumerate(tokens):
        word = token.strip(",.:;()[]\"'”“")
        if not word or not word[0].isupper():
            continue
        low = word.casefold()
        suffix = next((s for s in vocab.body_suffixes if low.endswith(s) or low.endswith(s + "s")), None)
        if suffix is None or low.endswith(vocab.body_not_suffixes):
            continue
        if low.endswith(suffix + "s") and not low.endswith(suffix):
            word = word[:-1]  # genitive: "Økonomiudvalgets" -> "Økonomiudvalget"
        first = k
        while first > 0:
            prev = tokens[first - 1]
            if prev in ("og", "&", "samt", "eller") and first >= 2 and tokens[first - 2].rstrip(",").endswith("-"):
                first -= 2
            elif prev.rstrip(",").endswith("-") and prev[0].isupper():
                first -= 1
            else:
                break
        left = 0 if first == k else _LEFT_WORDS  # (a name joined by hyphens is whole: "Social- og ...")
        while first > 0 and left < _LEFT_WORDS and _name_word(tokens[first - 1], vocab):
            first, left = first - 1, left + 1  # "Aarhus Byråd", "Teknisk Udvalg", "Vesterbro Lokaludvalg"
        parts = [*tokens[first:k], word]
        if word in vocab.body_leading and k + 1 < len(tokens) and tokens[k + 1] in vocab.body_joiners:
            parts = [word, tokens[k + 1]] + _name_words(tokens[k + 2:], vocab)
            if len(parts) == 2:
                continue
        name = " ".join(parts).strip(" ,.:;–-")
        if len(name) >= 4:
            return name
    return None


def _name_word(token: str, vocab: MeetingVocabulary) -> bool:
    """A capitalised word that may open a body's name ("Aarhus", "Teknisk"), not a title word."""
    return (token[0].isupper() and token.replace("-", "").isalpha() and token.casefold() not in vocab.body_stop
            and title_kind(token) is None and not config.kinds().salutation.match(token))


def _body_line(lines: Lines, title_lines: list[int]) -> str | None:
    """A body with a name of its own kind ("Børn og Unge"): a line between a title naming the
    document's kind ("Dagsorden") and the date, or the part before the kind in "Børn og Unge -
    Referat - 3. maj 2023"."""
    vocab = config.meeting()
    for pos, index in enumerate(title_lines):
        text = lines[index].text
        parts = [p.strip() for p in re.split(r"\s[-–|]\s", text)]
        for k, part in enumerate(parts[1:], 1):
            if title_kind(part) and len(part.split()) <= 2 and _names_a_body(parts[k - 1], vocab):
                return parts[k - 1]
        if title_kind(text) and len(text.split()) <= 2 and pos + 2 < len(title_lines):
            name, below = (lines[i].text for i in title_lines[pos + 1: pos + 3])
            if _names_a_body(name, vocab) and find_date(below):
                return name
    return None


def _names_a_body(text: str, vocab: MeetingVocabulary) -> bool:
    words = text.split()
    return (0 < len(words) <= _BODY_WORDS and text[0].isupper() and not any(ch.isdigit() for ch in text)
            and not text.endswith((".", ":")) and _label(text) is None and title_kind(text) is None
            and not vocab.municipality_suffix.search(" " + text) and all(w.casefold() not in vocab.body_stop
                                                                        for w in words))


def _name_words(tokens: list[str], vocab: MeetingVocabulary) -> list[str]:
    """The capitalised words (and "og") of an "Udvalget for ..." name, up to its end."""
    words = []
    for token in tokens:
        word = token.rstrip(",.:;")
        if not word or word.casefold() in vocab.body_stop or word[0].isdigit() or word in ("–", "-") or word[0] in "([":
            break
        if word in ("og", "&") or word[0].isupper():
            words.append(word)
            if word != token:  # punctuation ends the name
                break
        else:
            break
    while words and words[-1] in ("og", "&"):
        words.pop()
    return words


def head_lines(lines: Lines, stop: int) -> list[int]:
    """Non-blank line indices of the head: before `stop`, at most `head_lines` of them."""
    limit = config.meeting().head_lines
    head = []
    for index in range(min(stop, len(lines))):
        if not lines[index].blank:
            head.append(index)
            if len(head) >= limit:
                break
    return head


def _label(text: str) -> tuple[str, str] | None:
    """(field, value) when a line starts with a meeting label."""
    vocab = config.meeting()
    m = vocab.label.match(text)
    if not m:
        return None
    return vocab.field_of.get(fold(m["label"]), "other"), m["rest"].strip()


def label_field(text: str) -> str | None:
    """The meeting field a line's label names ("Mødedato ..." -> "date"; "other"), or None."""
    found = _label(text)
    return found[0] if found else None


def _names_below(lines: Lines, head: list[int], pos: int, absent: bool, attendance: Attendance) -> None:
    """Names listed below a label, one or more a line or as a table, up to the next label or non-name."""
    below = [lines[index].text for index in head[pos + 1:]]
    if read_table(below, attendance):
        return
    for text in below:
        if _label(text) or not parse_names(text):
            break
        read_list(text, absent, attendance, None)


@dataclass
class Head:
    """What the head of a document says: the meeting, and who was absent from some items only."""

    meeting: Meeting
    item_absent: list[tuple[int, int, list[str]]] = field(default_factory=list)  # (first, last, names)


def read_head(lines: Lines, stop: int) -> Head:
    """Meeting metadata and item absences from the lines before line `stop` (the first item heading)."""
    meeting = Meeting()
    head = head_lines(lines, stop)
    _read_labels(lines, head, meeting)
    title_lines = head[:_TITLE_LINES]
    if meeting.body is None:
        meeting.body = next((b for i in title_lines if label_field(lines[i].text) in (None, "other")
                             and (b := find_body(lines[i].text))), None) or _body_line(lines, title_lines)
    for pos, index in enumerate(head):
        text = lines[index].text
        if meeting.date is None and (found := find_date(text)):
            meeting.date = found[0]
            if meeting.start_time is None and not find_times(text)[0]:  # "15-maj-2002 16:00 - 18:00"
                meeting.start_time, meeting.end_time = find_times(text[found[2]:], bare=True)
                if meeting.start_time:
                    _end_below(lines, head, pos, meeting)
        if meeting.start_time is None and find_times(text)[0]:
            meeting.start_time, end = find_times(text)
            meeting.end_time = meeting.end_time or end
            if meeting.location is None:
                meeting.location = _place_near(lines, head, index)
            _end_below(lines, head, pos, meeting)
    attendance = _read_attendance(lines, head, meeting)
    if meeting.end_time is None:
        tail = lines.text[-_TAIL_CHARS:]
        m = _ENDED.search(tail)
        if m and int(m["h"]) < 24 and int(m["m"]) < 60:
            meeting.end_time = f"{int(m['h']):02d}:{m['m']}"
    meeting.municipality = municipality(lines.text, lines[head[-1]].end if head else 0)
    return Head(meeting, attendance.item_absent)


def _end_below(lines: Lines, head: list[int], pos: int, meeting: Meeting) -> None:
    """An end time on the line below the start time ("Mødetid: 16:00" / "- 18:00")."""
    if meeting.end_time is None and pos + 1 < len(head):
        m = _END_LINE.match(lines[head[pos + 1]].text)
        if m and int(m["h"]) < 24 and int(m["m"]) < 60:
            meeting.end_time = f"{int(m['h']):02d}:{m['m']}"


def _read_attendance(lines: Lines, head: list[int], meeting: Meeting) -> Attendance:
    """Participants and absent from labelled lists (the first list of each kind counts) and
    from the sentences of the head; the absences from some items only are returned."""
    attendance = Attendance()
    listed: dict[str, list[str]] = {}
    for pos, index in enumerate(head):
        text = lines[index].text
        found = _label(text)
        if not found or found[0] not in ("participants", "absent"):
            read_sentence(text, attendance)
            continue
        field, value = found
        absent = field == "absent"
        this = Attendance()
        if value:
            read_list(value, absent, this, meeting.date)
        if not value or value.endswith(","):  # the list goes on below the label
            _names_below(lines, head, pos, absent, this)
        if field not in listed or not listed[field]:
            listed[field] = this.absent if absent else this.present
        attendance.add(this.present if absent else this.absent, not absent)  # substitutes, a table's others
        attendance.item_absent.extend(this.item_absent)
    meeting.participants, meeting.absent = attendance.merged(listed.get("participants", []),
                                                            listed.get("absent", []))
    return attendance


def _read_labels(lines: Lines, head: list[int], meeting: Meeting) -> None:
    """Fill the fields the head states with a label (but attendance); the first statement of a field wins."""
    for pos, index in enumerate(head):
        found = _label(lines[index].text)
        if not found:
            continue
        field, value = found
        if not value and field in ("date", "time", "end_time", "location", "body") and pos + 1 < len(head):
            below = lines[head[pos + 1]].text
            value = "" if _label(below) else below
        if field in ("date", "time", "end_time"):
            _read_when(field, value, meeting)
            if meeting.start_time:
                _end_below(lines, head, pos, meeting)
        elif field == "location" and meeting.location is None and value:
            meeting.location = (_place_line(lines[index].text) or value).strip(" ,.")
        elif field == "body" and meeting.body is None and value:
            meeting.body = find_body(value) or value.strip(" ,.")


def _place_line(text: str) -> str | None:
    """The whole line where it opens with a word naming a room and no colon: "Mødelokale Åen,
    Rådhuset", "Udvalgsværelse 2, Rådhuset"."""
    vocab = config.meeting()
    word, _, rest = text.partition(" ")
    if fold(word) in vocab.place_labels and rest and not rest.startswith(":") and len(text) <= _PLACE_CHARS:
        return text
    return None


def _read_when(field: str, value: str, meeting: Meeting) -> None:
    """A date and clock times from a date or time label's value ("Tid: 4. maj 2020 kl. 17-19")."""
    if meeting.date is None and (found := find_date(value)):
        meeting.date = found[0]
    start, end = find_times(value, bare=field != "date")
    if field == "end_time":
        start, end = None, start
    meeting.start_time = meeting.start_time or start
    meeting.end_time = meeting.end_time or end


def _place_near(lines: Lines, head: list[int], index: int) -> str | None:
    """An unlabelled place: "..., kl. 13:00 i Mødecenter C" or "i Mødecenter C" on the next line."""
    m = _PLACE_AFTER_TIME.search(lines[index].text)
    if m:
        return m["place"].strip(" ,.")
    pos = head.index(index)
    if pos + 1 < len(head):
        below = lines[head[pos + 1]].text
        m = _PLACE_LINE.match(below)
        if m:
            return m["place"].strip(" ,.")
        return _place_line(below)  # "Udvalgsværelse 2, Rådhuset"
    return None


def body_of_decisions(items: list[Item]) -> str | None:
    """The body most decision headings name ("Beslutning i Økonomiudvalget den ..."), for a
    document whose head names none."""
    named = Counter(body for item in items for section in item.sections
                    if section.kind == "beslutning" and (body := find_body(section.heading)))
    return named.most_common(1)[0][0] if named else None


def municipality(text: str, head_end: int) -> str | None:
    """The most frequent "<Name> Kommune" ("Sønderborg Kommunes" counts), head mentions weighted."""
    vocab = config.meeting()
    counts: Counter[str] = Counter()
    for m in vocab.municipality_suffix.finditer(text, 0, max(head_end, _MUNICIPALITY_CHARS)):
        before = vocab.municipality_name.search(text, max(0, m.start() - _NAME_CHARS), m.start())
        if not before or before["name"] in vocab.not_municipality:
            continue
        counts[f"{before['name']} {m['suffix']}"] += _HEAD_WEIGHT if m.start() < head_end else 1
    if counts:
        return counts.most_common(1)[0][0]
    m = next((m for m in vocab.municipality_fallback.finditer(text, 0, head_end)
              if m["name"] not in vocab.not_municipality), None)
    return f"{m['name']} Kommune" if m else None
