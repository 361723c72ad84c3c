"""Danish dates and clock times as minutes print them, to ISO strings.

"Mandag d. 11. marts 2019", "13. januar 2020", "d. 11-03-2019", "11.03.2019",
"04.12.2012", "2019-03-11", "15-maj-2002", "9 March 2023", "Thursday, March 9,
2023"; "kl. 16:00", "kl. 16.00", "kl. 13.00 - 15.30", and in a date's line or a
time label's value "16:00 - 18:00".
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "marts": 3, "mar": 3, "april": 4, "apr": 4,
    "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    # English month names, as some exports and English-language summaries print them
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "october": 10, "oct": 10,
}
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))

_DATE = re.compile(
    rf"(?<!\d)(?:(?P<d1>\d{{1,2}})[.-]?\s*(?P<mon>(?i:{_MONTH_ALT}))\.?(?:,?\s+|-)(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})[-./](?P<m2>\d{{1,2}})[-./](?P<y2>\d{{4}}|\d{{2}})"
    rf"|(?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}}))(?!\d)"
)
_MONTH_FIRST = re.compile(  # "March 9, 2023", "Dec. 3, 2024"
    rf"(?<![\w])(?P<mon>(?i:{_MONTH_ALT}))\.?\s(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,\s?(?P<y>\d{{4}})(?!\d)"
)
_TIME = re.compile(
    r"(?<![\w])(?i:kl)\.?\s*(?P<h>\d{1,2})(?:[.:](?P<m>\d{2}))?(?!\d)"
    r"(?:\s*(?:-|–|til)\s*(?:(?i:kl)\.?\s*)?(?P<h2>\d{1,2})[.:](?P<m2>\d{2})(?!\d))?"
)
_BARE_TIME = re.compile(r"(?<![\d.:])(?P<h>\d{1,2})[.:](?P<m>\d{2})(?![\d.:])")


def find_date(text: str) -> tuple[str, int, int] | None:
    """The first valid date in `text` as (ISO date, start, end), or None."""
    first = _first_date(text)
    english = _first_month_first(text, first[1] if first else len(text))  # only where it comes first
    return english or first


def _first_date(text: str) -> tuple[str, int, int] | None:
    for m in _DATE.finditer(text):
        if m.group("mon"):
            day, month, year = int(m.group("d1")), MONTHS[m.group("mon").casefold()], int(m.group("y1"))
        elif m.group("m2"):
            day, month, year = int(m.group("d2")), int(m.group("m2")), int(m.group("y2"))
            if year < 100:
                year += 2000 if year < 70 else 1900
        else:
            day, month, year = int(m.group("d3")), int(m.group("m3")), int(m.group("y3"))
        if iso := _iso(year, month, day):
            return iso, m.start(), m.end()
    return None


def _first_month_first(text: str, stop: int) -> tuple[str, int, int] | None:
    for m in _MONTH_FIRST.finditer(text, 0, stop):
        if iso := _iso(int(m["y"]), MONTHS[m["mon"].casefold()], int(m["d"])):
            return iso, m.start(), m.end()
    return None


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _clock(hour: str, minute: str | None) -> str | None:
    h, m = int(hour), int(minute or 0)
    return f"{h:02d}:{m:02d}" if h < 24 and m < 60 else None


def find_times(text: str, *, bare: bool = False) -> tuple[str | None, str | None]:
    """(start, end) clock times after "kl." ("kl. 13.00 - 15.30"), HH:MM or None.

    With `bare`, a plain "16:00" counts too (the value of a "Tidspunkt" label).
    """
    m = _TIME.search(text)
    if m:
        return _clock(m["h"], m["m"]), (_clock(m["h2"], m["m2"]) if m["h2"] else None)
    if bare:
        times = [_clock(t["h"], t["m"]) for t in _BARE_TIME.finditer(text)][:2]
        if times:
            return times[0], (times[1] if len(times) > 1 else None)
    return None, None
