"""FirstAgenda publication JSON (the agenda portals' API) -> text + structure.

The JSON states what segment would otherwise guess: `Udvalg.Navn` is the
body, `Moede` the date, place and participants (with an `Absent` flag),
`Dagsordenpunkter` the items (`Punktnummer`, `Navn` = title, `SagsNummer`,
`Felter[].Html` with the item's sections as `<h3>` headings, per-item
absentees in `ExternalAgendaItemAttendees`). The reader renders a readable
text (meeting header lines, then per item "N. Title", the case number line
and each section as heading + body) and a `Structure` whose offsets point
into that text. Closed items are those whose title starts "Lukket:" (the
JSON's `IsOpen` is false for every item, open or not, so it says nothing).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from referat.errors import InputError, UnsupportedFormat
from referat.ingest.html import CLOSED_PREFIX, HtmlRenderer, parse_fragment
from referat.ingest.lines import LineWriter
from referat.ingest.sections import sections_from_headings
from referat.ingest.sniff import parse_json
from referat.model import MAX_ITEM_NUMBER, ItemHint, Meeting, Problem, Structure

_ABSENT_ATTENDANCE = 2  # ExternalAgendaItemAttendees.AttendanceType of "Fraværende"


def is_portal_publication(data: Any) -> bool:
    """A FirstAgenda publication: a meeting object with agenda points."""
    return isinstance(data, dict) and isinstance(data.get("Dagsordenpunkter"), list) and (
        isinstance(data.get("Moede"), dict) or isinstance(data.get("Udvalg"), dict))


def _str(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _datetime(value: Any) -> datetime | None:
    """An ISO 8601 timestamp as the portal wrote it (local time, with offset)."""
    try:
        return datetime.fromisoformat(_str(value)) if value else None
    except ValueError:
        return None


def _meeting(data: dict) -> Meeting:
    committee = data.get("Udvalg") or {}
    moede = data.get("Moede") or {}
    begins = _datetime(moede.get("Dato")) or _datetime(moede.get("MeetingBeginUtc"))
    ends = _datetime(moede.get("MeetingEndUtc"))
    participants = [p for p in moede.get("Moededeltagere") or [] if isinstance(p, dict)]
    return Meeting(
        body=_str(committee.get("Navn")) or None,
        date=begins.date().isoformat() if begins else None,
        start_time=begins.strftime("%H:%M") if begins else None,
        end_time=ends.strftime("%H:%M") if ends else None,
        location=_str(moede.get("Sted")) or None,
        municipality=_str(data.get("Kommune") or committee.get("Kommune")) or None,
        participants=[_str(p.get("Name")) for p in participants if _str(p.get("Name"))],
        absent=[_str(p.get("Name")) for p in participants if p.get("Absent") and _str(p.get("Name"))],
    )


def _item_number(point: dict, position: int, warnings: list[Problem]) -> int:
    """The item's stated number, or its position where it states none in range."""
    number = _str(point.get("Punktnummer") or point.get("Number"))
    if not number.isdecimal():  # (isdigit takes superscripts, which int() refuses)
        return position
    if len(number) > len(str(MAX_ITEM_NUMBER)) or not 1 <= int(number) <= MAX_ITEM_NUMBER:
        shown = number if len(number) <= 30 else f"{number[:12]}… ({len(number)} digits)"
        warnings.append(Problem("item_number_out_of_range",
                                f"item {position}: Punktnummer {shown} is no item number (1 to "
                                f"{MAX_ITEM_NUMBER:,}); numbered by its position", "ingest"))
        return position
    return int(number)


def _item_absent(point: dict) -> list[str]:
    return [_str(a.get("Name")) for a in point.get("ExternalAgendaItemAttendees") or []
            if isinstance(a, dict) and a.get("AttendanceType") == _ABSENT_ATTENDANCE
            and _str(a.get("Name"))]


def render_publication(data: dict) -> tuple[str, Structure]:
    """The publication as text, and its structure with offsets into that text."""
    meeting = _meeting(data)
    writer = LineWriter()
    moede = data.get("Moede") or {}
    for line in (meeting.body, _str(moede.get("Navn"))):
        if line:
            writer.line(line)
    if meeting.date:
        year, month, day = meeting.date.split("-")
        at = f" kl. {meeting.start_time}" if meeting.start_time else ""
        writer.line(f"Mødedato: {day}.{month}.{year}{at}")
    if meeting.location:
        writer.line(f"Mødested: {meeting.location}")
    if meeting.participants:
        writer.line("Deltagere: " + ", ".join(meeting.participants))
    if meeting.absent:
        writer.line("Fraværende: " + ", ".join(meeting.absent))

    items: list[ItemHint] = []
    warnings: list[Problem] = []
    for position, point in enumerate(data.get("Dagsordenpunkter") or [], start=1):
        if not isinstance(point, dict):
            continue
        items.append(_render_item(writer, point, _item_number(point, position, warnings)))
    has_decisions = any(s.kind == "beslutning" for item in items for s in item.sections)
    meeting.kind = "referat" if has_decisions else "dagsorden"
    return writer.text(), Structure(meeting=meeting, items=items, warnings=warnings)


def _render_item(writer: LineWriter, point: dict, number: int) -> ItemHint:
    printed_title = " ".join(str(point.get("Navn") or point.get("Caption") or "").splitlines()).strip()
    case_number = _str(point.get("SagsNummer") or point.get("CaseNumber")) or None
    writer.flush()
    start = writer.pos
    writer.line(f"{number}. {printed_title}", verbatim=True)
    if case_number:
        writer.line(f"Sagsnr.: {case_number}")
    first_heading = len(writer.headings)
    renderer = HtmlRenderer(writer)
    for field in point.get("Felter") or []:
        if not isinstance(field, dict):
            continue
        if _str(field.get("Navn")):
            writer.heading(_str(field.get("Navn")))
        if field.get("Html"):
            renderer.render(parse_fragment(str(field["Html"])))
        elif field.get("Tekst"):
            for line in str(field["Tekst"]).splitlines():
                writer.line(line)
    writer.flush()
    end = max(start, writer.pos - 1)
    return ItemHint(
        number=number,
        title=CLOSED_PREFIX.sub("", printed_title),
        start=start,
        end=end,
        case_number=case_number,
        closed=bool(CLOSED_PREFIX.match(printed_title)),
        sections=sections_from_headings(writer.headings[first_heading:], end),
        absent=_item_absent(point),
    )


def read_portal_json(data: bytes | Any, *, path: str, max_pages: int = 0
                     ) -> tuple[list[str], Structure, str]:
    """Pages (one), structure and encoding of a publication JSON file."""
    if isinstance(data, bytes):
        data = parse_json(data, path)
    if not is_portal_publication(data):
        raise UnsupportedFormat("JSON that is not a FirstAgenda publication (no Dagsordenpunkter)",
                                path=path)
    try:
        text, structure = render_publication(data)
    except (AttributeError, TypeError, ValueError) as err:
        raise InputError(f"malformed FirstAgenda publication ({err})", path=path,
                         code="corrupt") from err
    return [text], structure, "utf-8"
