"""Items cut from the chosen headings: title, case number, closed, sections, absent.

An item runs from its heading to the next item's heading (or the end of the
text). Its head is the heading line, a wrapped title line, the heading printed
again, and the case-number line; sections are looked for after the head.
"""

from __future__ import annotations

from collections.abc import Sequence

from referat.model import Item, ItemHint, Meeting
from referat.segment import config
from referat.segment.config import HeadingShape, fold
from referat.segment.dates import find_date
from referat.segment.detect import Candidate
from referat.segment.lines import Lines
from referat.segment.names import parse_names
from referat.segment.sections import cut_sections
from referat.segment.titles import clean_title

_MAX_WRAP_LINES = 2  # a heading title wraps onto at most this many more lines
_MAX_WRAP_CHARS = 150
_MAX_NAME_LINES = 20
_NAMES_BELOW = 5  # lines (mostly blank) between "Fraværende:" and the names below it
_QUOTE_LINES = 8  # lines above a "Fraværende:" where the heading of a quote of another meeting may stand


def _continuation(lines: Lines, title: str, last: int, shapes: Sequence[HeadingShape]) -> int | None:
    """The line below a heading title (line `last`) that is the rest of that title, if any:
    right below and starting in lower case, or below a title that ends in "og", "af", "-", ","."""
    index = lines.next_nonblank(last, last + 3)
    if index is None or not title.split():
        return None
    text = lines[index].text
    if (len(text) > _MAX_WRAP_CHARS or index in lines.furniture or lines.case_number(index) or lines.section(index)
            or any(s.pattern.match(text) for s in shapes) or clean_title(title).marker or text.endswith(".")):
        return None
    joiners = config.base().continues_after
    if title.split()[-1].casefold() in joiners or title.endswith(tuple(j for j in joiners if not j.isalpha())):
        return index
    return index if index == last + 1 and text[0].islower() else None


def _head_title(lines: Lines, cand: Candidate, shapes: Sequence[HeadingShape]) -> tuple[str, int]:
    """The full raw title (wrapped lines joined) and the last line it is on."""
    title, last = cand.raw_title, cand.title_line
    if cand.echo is None:
        for _ in range(_MAX_WRAP_LINES):
            index = _continuation(lines, title, last, shapes)
            if index is None:
                break
            last = index
            title = f"{title} {lines[last].text}"
    return title, max(last, cand.head_end)


def _case_and_closed(lines: Lines, head_end: int, stop: int) -> tuple[str | None, bool | None, int]:
    """Case number and closed/open status printed in the lines under a heading.

    Returns (case number, closed or None when not stated, last line of the head).
    """
    base = config.base()
    case, closed, last = None, None, head_end
    for index in lines.following(head_end, base.case_window, stop):
        if lines.section(index):
            break
        text = lines[index].text
        status = fold(text).rstrip(".")  # "Lukket sag."
        if status in base.closed_words or status in base.open_words:
            closed, last = status in base.closed_words, index
            continue
        number = lines.case_number(index)
        if number and case is None:
            case, last = number, index
            tail = fold(text.rsplit(maxsplit=2)[-1]) if len(text.split()) > 1 else ""
            if tail in base.closed_words or tail in base.open_words:
                closed = tail in base.closed_words
    return case, closed, last


def _absent_blocks(lines: Lines, first: int, stop: int) -> list[tuple[int, list[str]]]:
    """Each "Fraværende:" in lines [first, stop), with the names it lists."""
    pattern = config.meeting().item_absent
    blocks = []
    for index in range(first, stop):
        m = pattern.match(lines[index].text)
        if not m:
            continue
        rest = (m["rest"] or "").strip()
        if rest:
            names = parse_names(rest, min_tokens=1) or []
        else:
            names = []
            nxt = lines.next_nonblank(index, min(stop, index + _NAMES_BELOW))
            while nxt is not None and len(names) < _MAX_NAME_LINES:
                found = parse_names(lines[nxt].text)
                if not found:
                    break
                names.extend(found)
                nxt = nxt + 1 if nxt + 1 < stop and not lines[nxt + 1].blank else None
        blocks.append((index, names))
    return blocks


def _quoted(lines: Lines, index: int, first: int, date: str | None) -> bool:
    """Whether the "Fraværende" on line `index` quotes another meeting: its label names another
    date ("Fraværende i Økonomiudvalget - 18.09.2019:"), or so does the heading it stands under
    (a decision heading, or a quote's "Økonomiudvalget, 18. september 2019, pkt. 153:")."""
    if date is None:
        return False
    m = config.meeting().item_absent.match(lines[index].text)
    found = find_date(m["qualifier"]) if m and m["qualifier"] else None
    if found:
        return found[0] != date
    for i in range(index - 1, max(first, index - _QUOTE_LINES) - 1, -1):
        text = lines[i].text
        heading = lines.section(i)
        if heading or text.endswith(":"):
            found = find_date(text)
            if found or heading:
                return bool(found) and found[0] != date
    return False


def _item_absent(lines: Lines, item: Item, first: int, stop: int, meeting: Meeting) -> list[str]:
    """Names absent from the item: from the decision of this meeting when there are several,
    never from a quote of another meeting's treatment of the case."""
    blocks = [b for b in _absent_blocks(lines, first, stop) if not _quoted(lines, b[0], first, meeting.date)]
    if len(blocks) <= 1:
        return blocks[0][1] if blocks else []

    def heading_of(index: int) -> str:
        offset = lines[index].start
        inside = [s for s in item.sections if s.start <= offset <= s.end or lines.line_at(s.start) == index]
        return inside[-1].heading if inside else ""

    dated = [(index, names, heading_of(index)) for index, names in blocks]
    if meeting.date:
        same_day = [b for b in dated if (d := find_date(b[2])) and d[0] == meeting.date]
        if same_day:
            body = fold(meeting.body or "")[:12]
            ours = [b for b in same_day if body and body in fold(b[2])] or same_day
            return [name for _, names, _ in ours for name in names]
    return blocks[-1][1]


def build_items(lines: Lines, chain: list[Candidate], shapes: Sequence[HeadingShape], meeting: Meeting) -> list[Item]:
    """Items from the chosen headings, in text order."""
    items = []
    closed_part = False
    for pos, cand in enumerate(chain):
        next_line = chain[pos + 1].line if pos + 1 < len(chain) else len(lines)
        end = lines[chain[pos + 1].line].start if pos + 1 < len(chain) else len(lines.text)
        raw, head_end = _head_title(lines, cand, shapes)
        title = clean_title(raw)
        case, stated, head_end = _case_and_closed(lines, head_end, next_line)
        if pos > 0:
            closed_part = _closed_part(lines, chain[pos - 1].head_end, cand.line, closed_part)
        closed = title.closed or bool(stated) or (closed_part and stated is None)
        item = Item(number=cand.number, title=title.text, start=lines[cand.line].start, end=end,
                    case_number=title.case_number or case, closed=closed, marker=title.marker,
                    label=cand.label or None)
        item.sections = cut_sections(lines, head_end + 1, next_line, end)
        item.absent = _item_absent(lines, item, head_end + 1, next_line, meeting)
        items.append(item)
    return items


def _closed_part(lines: Lines, after: int, heading: int, current: bool) -> bool:
    """Whether the items from `heading` on are in a closed part ("Lukket møde" just above it)."""
    base = config.base()
    index = heading
    for _ in range(3):
        index = lines.prev_nonblank(index)
        if index is None or index <= after:
            break
        key = fold(lines[index].text.rstrip(":"))
        if key in base.closed_part:
            return True
        if key in base.open_part:
            return False
    return current


def items_from_hints(lines: Lines, hints: list[ItemHint], meeting: Meeting) -> list[Item]:
    """Items as a structured format stated them, with gaps filled from the text."""
    items = []
    size = len(lines.text)
    for hint in sorted(hints, key=lambda h: (h.start, h.number)):
        start, end = max(0, min(hint.start, size)), max(0, min(hint.end, size))
        end = max(start, end)
        title = clean_title(hint.title)
        first, stop = lines.line_at(start), lines.line_at(max(start, end - 1)) + 1
        case, stated, head_end = _case_and_closed(lines, first, stop)
        item = Item(number=hint.number, title=title.text, start=start, end=end,
                    case_number=hint.case_number or title.case_number or case,
                    closed=hint.closed or title.closed or bool(stated), marker=title.marker)
        item.sections = list(hint.sections) or cut_sections(lines, head_end + 1, stop, end)
        item.absent = list(hint.absent) or _item_absent(lines, item, first, stop, meeting)
        items.append(item)
    return items
