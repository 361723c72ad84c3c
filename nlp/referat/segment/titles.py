"""An item heading's title: the printed markers taken off and kept apart.

"3. Lukket: Arbejdsmarkedsområdet - opfølgning på budgetaftalen (B)" has the
title "Arbejdsmarkedsområdet - opfølgning på budgetaftalen", marker "B" and
closed=True (ANNOTATION.md §1); "Godkendelse af X (19/7556)" gives the case
number "19/7556".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from referat.segment import config
from referat.segment.config import fold

_TRAILING_PAGE = re.compile(r"(?<!\s)\s+(?P<page>\d{1,3})$")
_NOT_KEY = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Title:
    text: str
    marker: str | None = None
    closed: bool = False
    case_number: str | None = None


@lru_cache(maxsize=8192)
def clean_title(raw: str) -> Title:
    """Split a raw heading title into title, marker, closed flag and case number.

    A table row flattened to one line ("Køb af grund<tab>Lukket<tab>24/1003")
    gives its last cells to the case number, the closed flag and the marker
    where they are one of those; the cells before are the title.
    """
    base = config.base()
    text, marker, closed, case = _table_cells(raw.strip())
    for _ in range(3):  # "Title (B) (Lukket)", "Title (19/7556) (O)": suffixes in any order
        before = text
        m = base.marker_suffix.search(text)
        if m and marker is None:
            marker = base.marker_letter.get(fold(m["marker"]))
            text = text[: m.start()].rstrip()
        m = base.closed_suffix.search(text)
        if m:
            closed = True
            text = text[: m.start()].rstrip()
        m = base.case_in_title.search(text)
        if m and case is None:
            case = m["paren"] or m["spaced"]
            text = text[: m.start()].rstrip()
        if text == before:
            break
    m = base.closed_prefix.match(text)
    if m:
        closed = True
        text = text[m.end():]
    elif fold(text) in base.closed_words:  # the whole title is "Lukket punkt"
        closed = True
    return Title(" ".join(text.split()), marker, closed, case)


def _table_cells(text: str) -> tuple[str, str | None, bool, str | None]:
    """(title, marker, closed, case number) of a row of tab-separated cells, read from its end."""
    if "\t" not in text:
        return text, None, False, None
    base = config.base()
    cells = [cell.strip() for cell in text.split("\t") if cell.strip()]
    marker = case = None
    closed = False
    while len(cells) > 1:
        cell, key = cells[-1], fold(cells[-1])
        if case is None and base.case_shape.fullmatch(cell):
            case = cell
        elif key in base.closed_words or key in base.open_words:
            closed = closed or key in base.closed_words
        elif marker is None and key in base.marker_letter:
            marker = base.marker_letter[key]
        else:
            break
        cells.pop()
    return "\t".join(cells), marker, closed, case


def trailing_page(raw: str) -> int | None:
    """The number ending a title, which in a table of contents is its page."""
    m = _TRAILING_PAGE.search(raw)
    return int(m["page"]) if m else None


def title_key(title: str) -> str:
    """A comparison key: letters and digits only, folded, without a trailing page number."""
    return _NOT_KEY.sub("", _TRAILING_PAGE.sub("", title).casefold())[:40]


def same_title(a: str, b: str) -> bool:
    """Whether two keys name the same item (a TOC line may be cut short, or wrapped)."""
    n = min(len(a), len(b))
    return n >= 4 and a[:n] == b[:n]
