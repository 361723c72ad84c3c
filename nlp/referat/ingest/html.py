"""HTML minutes and portal agenda pages -> lines of text (+ structure).

Blocks (headings, paragraphs, list items) become lines; a table row whose
cells hold only inline text reads as one line, cells separated by a tab;
rows whose cells hold blocks are rendered block by block. Scripts, styles,
hidden elements and menus are dropped. The tree is walked with an explicit
stack, so deep nesting cannot exhaust Python's recursion limit; libxml2's
own depth limit is reported instead of returning a truncated text.

Agenda portals (FirstAgenda and its kin) publish an agenda as one table
whose rows are the items: a cell with the item number, a cell with the
title, the case number and the item's sections. That shape is recognised
by structure (a number cell and a case-number-shaped element in most
rows), never by a municipality's name, and yields a `Structure` whose
items need not be guessed.
"""

from __future__ import annotations

import codecs
import re
import threading
from dataclasses import dataclass, field

import lxml.etree
import lxml.html

from referat.errors import InputError, LimitExceeded
from referat.ingest.lines import CELL, LineWriter
from referat.ingest.sections import sections_from_headings
from referat.model import ItemHint, Meeting, Structure

BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li "
    "main menu ol p pre section summary table tbody tfoot thead tr ul".split())
HEADING_TAGS = frozenset("h1 h2 h3 h4 h5 h6".split())
SKIP_TAGS = frozenset(
    "script style noscript template head title meta link iframe object embed svg canvas "
    "select option textarea input map audio video nav".split())
CELL_TAGS = frozenset(("td", "th"))
_MENU_ROLES = frozenset(("menu", "menuitem", "menubar", "navigation"))

# A case (journal) number as agenda systems print it: 21-014420, 19/7556,
# EMN-2025-008308, 330-2017-90442, 00.01.00-A00-1-19, 2011-29298.
CASE_NUMBER = re.compile(
    r"(?!\d{1,2}[-./]\d{1,2}[-./](?:19|20)\d\d(?![\w-]))"  # not a date
    r"(?:[A-ZÆØÅ]{2,5}-)?\d{2,4}(?:[-/.]\d{1,8}){1,3}(?:-[A-ZÆØÅ]\d{0,3}(?:-\d{1,6}){0,2})?[A-Z]?")
CASE_LINE = re.compile(
    r"(?:(?:sags?\.?\s?nr|sagsnummer|journalnr|j\.\s?nr)\.?\s*:?\s*)?(" + CASE_NUMBER.pattern + ")",
    re.IGNORECASE)
_ITEM_NUMBER = re.compile(r"(?:punkt\s*)?(\d{1,3})\.?", re.IGNORECASE)
CLOSED_PREFIX = re.compile(r"^\s*lukket(?:\s+punkt)?\s*[:\-–]\s*", re.IGNORECASE)
_CLOSED_LABEL = re.compile(r"^\s*lukket(?:\s+punkt)?\s*$", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


@dataclass
class Rendered:
    """What an HTML tree reads as: its text, and the agenda items found in it."""

    text: str
    items: list[ItemHint] = field(default_factory=list)


def decode_html(data: bytes) -> tuple[str, str]:
    """Text of an HTML file and its encoding: BOM, then declared charset, then evidence."""
    from referat.ingest.sniff import decode_text

    head = data[:4096]
    if not head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        match = _META_CHARSET.search(head)
        if match:
            declared = _web_encoding(match.group(1).decode("ascii"))
            try:
                if declared:
                    return data.decode(declared), declared
            except UnicodeDecodeError:
                pass  # a wrong declaration: fall back to the evidence
    return decode_text(data)


_WEB_ENCODINGS = frozenset(
    "ascii big5 cp1250 cp1251 cp1252 cp1253 cp1254 cp1255 cp1256 cp1257 cp1258 cp866 cp874 euc_jp "
    "euc_kr gb18030 gbk iso2022_jp iso8859-1 iso8859-2 iso8859-3 iso8859-4 iso8859-5 iso8859-6 "
    "iso8859-7 iso8859-8 iso8859-9 iso8859-10 iso8859-13 iso8859-14 iso8859-15 iso8859-16 koi8-r "
    "koi8-u mac-cyrillic mac-roman shift_jis utf-16 utf-16-be utf-16-le utf-8".split())
"""The character encodings a web page can declare (the WHATWG Encoding Standard's), by
Python's codec names. Python has other codecs under names a page may give (`punycode`,
`idna`, `undefined`, `rot13`, `utf-7`): they are no character set of a page, and decoding
with them fails in ways of their own or reads wrongly."""


def _web_encoding(label: str) -> str | None:
    """Python's codec for a declared charset, or None where it names no web encoding."""
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return name if name in _WEB_ENCODINGS else None


def parse_html(text: str, *, path: str | None = None) -> lxml.html.HtmlElement:
    """An HTML document tree; nesting beyond libxml2's limit is an error, not a cut."""
    parser = lxml.html.HTMLParser(huge_tree=True, remove_comments=True)
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text, count=1), parser=parser)
    except lxml.etree.ParserError as err:  # libxml2 found no element at all
        raise InputError("no text in this HTML file", path=path, code="empty") from err
    except ValueError as err:
        raise InputError(f"not readable as HTML ({err})", path=path, code="corrupt") from err
    for entry in parser.error_log:
        if entry.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in entry.message:
            raise LimitExceeded(
                "HTML nested deeper than the parser allows; refusing to return a partial text",
                path=path, code="too_large")
    return root


def parse_fragment(html: str) -> lxml.html.HtmlElement:
    """A fragment (a portal field's HTML) under one <div>, for `HtmlRenderer`.

    Its elements are plain lxml elements: lxml.html's per-element class lookup
    (a Python call for every element) buys nothing for rendering. A field that
    holds a whole document (`<html>…`, pasted from a word processor) gives its
    body: lxml's fragment parser fails on an `<html>` without one.
    """
    if not _WHOLE_DOCUMENT.match(html or ""):
        return lxml.html.fragment_fromstring(html or "", create_parent="div", parser=_fragment_parser())
    div = lxml.html.Element("div")
    try:
        body = lxml.html.document_fromstring(_XML_DECLARATION.sub("", html, count=1),
                                             parser=_fragment_parser()).find("body")
    except (lxml.etree.ParserError, ValueError):  # no element at all
        return div
    if body is not None:
        div.text = body.text
        div.extend(body)
    return div


_WHOLE_DOCUMENT = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype|<html)", re.IGNORECASE | re.DOTALL)


_local = threading.local()  # an lxml parser must not be shared between threads


def _fragment_parser() -> lxml.html.HTMLParser:
    parser = getattr(_local, "fragment_parser", None)
    if parser is None:
        parser = _local.fragment_parser = lxml.html.HTMLParser(huge_tree=True, remove_comments=True)
        parser.set_element_class_lookup(lxml.etree.ElementDefaultClassLookup())
    return parser


def _hidden(el) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    role = el.get("role")
    if role in _MENU_ROLES:
        return True
    if role == "button":  # a control; keep it only where it carries a heading (a title)
        return not any(d.tag in HEADING_TAGS for d in el.iterdescendants())
    return False


def _has_block(el) -> bool:
    return next(el.iterdescendants(*BLOCK_TAGS), None) is not None


_MAY_HIDE = lxml.etree.XPath("descendant-or-self::*[@hidden or @aria-hidden or @role]")
"""The elements `_hidden` needs to look at: found by libxml2, not by testing every element."""


class HtmlRenderer:
    """Writes an element tree as lines into a `LineWriter`."""

    def __init__(self, writer: LineWriter, handlers: dict | None = None, skip: set | None = None):
        self.writer = writer
        self.handlers = handlers or {}  # element -> callable writing it instead
        self.skip = skip or set()
        self._row_modes: list[bool] = []  # per open <tr>: True if its cells are blocks
        self._cells_in_row: list[int] = []

    def render(self, root) -> None:
        add = self.writer.add
        dropped = set(self.skip)
        dropped.update(el for el in _MAY_HIDE(root) if _hidden(el))
        handlers = self.handlers
        stack: list[tuple[object, bool]] = [(root, False)]
        while stack:
            el, closing = stack.pop()
            if closing:
                self._close(el)
                if el is not root:
                    add(el.tail)
                continue
            tag = el.tag
            if not isinstance(tag, str) or tag in SKIP_TAGS or (dropped and el in dropped):
                if el is not root:
                    add(el.tail)
                continue
            if handlers and el in handlers:
                handlers[el](el)
                add(el.tail)
                continue
            self._open(el, tag)
            add(el.text)
            stack.append((el, True))
            stack.extend([(child, False) for child in reversed(el)])

    def _open(self, el, tag: str) -> None:
        w = self.writer
        if tag == "tr":
            self._row_modes.append(_has_block(el))
            self._cells_in_row.append(0)
            w.flush()
        elif tag in CELL_TAGS and self._row_modes:
            if self._row_modes[-1]:
                w.flush()
            else:
                if self._cells_in_row[-1]:
                    w.add(CELL)
                self._cells_in_row[-1] += 1
        elif tag in HEADING_TAGS:
            w.begin_heading()
        elif tag == "br":
            if self._row_modes and not self._row_modes[-1]:
                w.add(" ")
            else:
                w.flush()
        elif tag in BLOCK_TAGS:
            w.flush()

    def _close(self, el) -> None:
        tag = el.tag
        w = self.writer
        if tag == "tr":
            self._row_modes.pop()
            self._cells_in_row.pop()
            w.flush()
        elif tag in CELL_TAGS and self._row_modes and self._row_modes[-1]:
            w.flush()
        elif tag in HEADING_TAGS:
            w.end_heading()
        elif tag in BLOCK_TAGS:
            w.flush()
        elif tag in CELL_TAGS:
            w.add(" ")


def render_text(root) -> str:
    """Any element (a page, a fragment, a cell) as lines."""
    writer = LineWriter()
    HtmlRenderer(writer).render(root)
    return writer.text()


# --- the portal agenda shape ------------------------------------------------


def _text(el) -> str:
    return " ".join(el.text_content().split())


@dataclass
class _AgendaRow:
    row: object
    number: int
    number_cell: object
    title_el: object | None
    printed_title: str
    case_el: object | None
    case_number: str | None
    closed: bool

    @property
    def title(self) -> str:
        """The title without a "Lukket:" prefix (ANNOTATION.md §1)."""
        return CLOSED_PREFIX.sub("", self.printed_title)


def _leaves(cells):
    """Elements without element children: where a case number or label sits."""
    for cell in cells:
        for el in cell.iter():
            if isinstance(el.tag, str) and not len(el) and el.text and el.text.strip():
                yield el


def _agenda_row(row) -> _AgendaRow | None:
    """The row as an agenda item, or None when it does not have that shape."""
    cells = [c for c in row if isinstance(c.tag, str) and c.tag in CELL_TAGS]
    if len(cells) < 2:
        return None
    number_match = _ITEM_NUMBER.fullmatch(_text(cells[0]))
    if not number_match:
        return None
    rest = cells[1:]
    case_el, case_number, closed = None, None, False
    for leaf in _leaves(rest):
        text = " ".join(leaf.text.split())
        if case_el is None and (m := CASE_LINE.fullmatch(text)):
            case_el, case_number = leaf, m.group(1)
        closed = closed or bool(_CLOSED_LABEL.match(text))
    title_el = next((d for c in rest for d in c.iter(*HEADING_TAGS) if _text(d)), None)
    if title_el is not None:
        title = _text(title_el)
    else:  # the first line of the title cell
        title = render_text(rest[0]).split("\n", 1)[0].strip()
        if case_number and title.endswith(case_number):
            title = title[: -len(case_number)].strip()
    if not CLOSED_PREFIX.sub("", title):
        return None
    closed = closed or bool(CLOSED_PREFIX.match(title))
    return _AgendaRow(row, int(number_match.group(1)), cells[0], title_el, title, case_el,
                      case_number, closed)


def find_agenda_rows(root) -> list[_AgendaRow]:
    """The rows of the table that lists the agenda items, if the page has one.

    A table qualifies when at least two of its rows (or its only row) start
    with an item number and carry a case-number-shaped element, and those
    rows make up most of the numbered ones.
    """
    best: list[_AgendaRow] = []
    for table in root.iter("table"):
        rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
        parsed = [a for a in map(_agenda_row, rows) if a is not None]
        with_case = [a for a in parsed if a.case_el is not None]
        shaped = with_case and (len(with_case) >= 2 or len(rows) == 1) and len(with_case) * 2 >= len(parsed)
        if shaped and len(parsed) > len(best):
            best = parsed
    return best


def _write_agenda_row(writer: LineWriter, agenda: _AgendaRow, items: list[ItemHint]) -> None:
    """Heading line "N. Title", the case number line, then the item's content."""
    writer.flush()
    start = writer.pos
    writer.line(f"{agenda.number}. {agenda.printed_title}")
    if agenda.case_number:
        writer.line(agenda.case_number)
    first_heading = len(writer.headings)
    skip = {agenda.number_cell} | {e for e in (agenda.title_el, agenda.case_el) if e is not None}
    renderer = HtmlRenderer(writer, skip=skip)
    for cell in agenda.row:
        if isinstance(cell.tag, str) and cell not in skip:
            renderer.render(cell)
    writer.flush()
    end = writer.pos
    body_end = max(start, end - 1)
    items.append(ItemHint(agenda.number, agenda.title, start, body_end,
                          case_number=agenda.case_number, closed=agenda.closed,
                          sections=sections_from_headings(writer.headings[first_heading:], body_end)))


# --- meeting fields ---------------------------------------------------------


def meeting_from_labels(root) -> Meeting:
    """Meeting fields from label/value rows ("Mødedato:" | "onsdag den 8. oktober 2025 kl. 16.00").

    Labels are segment's (configs/meeting.toml), so a portal page and a
    text header read the same words the same way.
    """
    from referat.segment.config import fold, meeting as vocabulary
    from referat.segment.dates import find_date, find_times
    from referat.segment.names import parse_names

    field_of = vocabulary().field_of
    meeting = Meeting()
    for row in root.iter("tr"):
        cells = [c for c in row if isinstance(c.tag, str) and c.tag in CELL_TAGS]
        if len(cells) != 2 or _hidden(row):
            continue
        name = field_of.get(fold(_text(cells[0]).rstrip(":")))
        lines = render_text(cells[1]).splitlines()
        value = " ".join(lines)
        if not name or not value:
            continue
        if name in ("date", "time"):
            found = find_date(value)
            meeting.date = meeting.date or (found[0] if found else None)
            start, end = find_times(value, bare=name == "time")
            meeting.start_time = meeting.start_time or start
            meeting.end_time = meeting.end_time or end
        elif name in ("participants", "absent"):
            getattr(meeting, name).extend(parse_names(", ".join(lines), min_tokens=1) or [])
        elif name in ("body", "location") and getattr(meeting, name) is None:
            setattr(meeting, name, value)
    return meeting


# --- the reader -------------------------------------------------------------


def render_page(root) -> Rendered:
    """A whole page: portal agenda rows become items, the rest reads as lines."""
    writer = LineWriter()
    items: list[ItemHint] = []
    handlers = {a.row: (lambda _el, a=a: _write_agenda_row(writer, a, items))
                for a in find_agenda_rows(root)}
    HtmlRenderer(writer, handlers=handlers).render(root)
    return Rendered(writer.text(), items)


def read_html(data: bytes, *, path: str, max_pages: int) -> tuple[list[str], Structure | None, str]:
    """Pages (one), structure where the page is a portal agenda, encoding."""
    text, encoding = decode_html(data)
    root = parse_html(text, path=path)
    rendered = render_page(root)
    structure = None
    if rendered.items:
        meeting = meeting_from_labels(root)
        meeting.kind = _kind_of(root)
        structure = Structure(meeting=meeting, items=rendered.items)
    return [rendered.text], structure, encoding


def _kind_of(root) -> str | None:
    """"referat" or "dagsorden" where the page says which."""
    title = " ".join(root.xpath("string(//title)").split()).lower()
    heading = " ".join(root.xpath("string((//h1)[1])").split()).lower()
    for text in (heading, title):
        if "referat" in text:
            return "referat"
        if "dagsorden" in text:
            return "dagsorden"
    return None
