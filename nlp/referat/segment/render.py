"""Meetings printed in many layouts, with the noise of real exports, and the gold kept.

The heading model learns from documents whose item headings are known. A
`GoldMeeting` (from a FirstAgenda publication, a corrected referat record,
or invented by `synthetic_meeting`) is printed by `render` in one of the
layouts of configs/renderings.toml: the meeting head, a table of contents,
item heads in the layout's shape, sections, tables, closed items and group
headings as that layout prints them, and the noise real exports carry:
running headers and footers, page numbers, wrapped and hyphenated lines,
tables flattened to lines, OCR-like letter errors, numbered lists in
Indstilling/Beslutning. The `Rendering` keeps where each item heading went
(raw offsets), its number, letter, title as printed and case number.

A rendering is a `Source` like one a reader returns (`Rendering.source()`),
so it goes through the same normalise and segment steps as a real file.
Everything is drawn from a `random.Random` seeded by layout, meeting and
seed: the same inputs give the same text.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from referat.model import Source
from referat.resources import load_toml

MONTHS = ("januar februar marts april maj juni juli august september oktober november december").split()
MONTH_ABBR = ("jan feb mar apr maj jun jul aug sep okt nov dec").split()
WEEKDAYS = ("mandag tirsdag onsdag torsdag fredag lørdag søndag").split()
CLOSED_TITLE = re.compile(r"^\s*Lukket\s*(?:punkt|sag)?\s*:\s*", re.IGNORECASE)
_FIELD = re.compile(r"{(\w+)}")
_ALWAYS_PRINTED = frozenset({"number", "label", "title", "TITLE", "marker", "status", "page", "pages"})
_LIST_LINE = re.compile(r"^(?:at|-|–|•)\s", re.IGNORECASE)
_OCR_CONFUSIONS = (("rn", "m"), ("m", "rn"), ("e", "c"), ("i", "l"), ("l", "i"), ("ø", "o"), ("æ", "ae"),
                   ("å", "aa"), ("h", "b"), ("u", "n"), ("n", "u"), ("d", "cl"), ("t", "f"), ("s", "§"))
_HYPHEN_MIN = 8  # words at least this long may be broken at a wrap
_TITLE_OCR_SHARE = 0.5  # titles get OCR errors at this share of the body's rate


# --- what is printed --------------------------------------------------------


@dataclass
class GoldItem:
    """An agenda item as it should come out: number, title, case number, closed; and its body.

    `blocks` are the body's lines in order: ("heading", text) for a section
    heading, ("line", text) for a paragraph or list line, a table row with
    its cells separated by tabs.
    """

    number: int
    title: str
    case_number: str | None = None
    closed: bool = False
    blocks: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class GoldMeeting:
    key: str  # a stable name (the file's stem): seeds the noise
    body: str
    kind: str = "referat"  # or "dagsorden"
    start: datetime | None = None
    place: str = ""
    participants: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    items: list[GoldItem] = field(default_factory=list)


@dataclass
class RenderedItem:
    """Where an item heading went in a rendering, and what it says."""

    number: int
    label: str | None  # number and letter of a lettered item ("2a", "04A"), else None
    title: str  # as printed (OCR errors included), without number, closed words and marker
    case_number: str | None
    closed: bool
    start: int  # raw offset of the first line of the heading
    title_at: int  # raw offset of the line the title is printed on
    head_end: int  # raw offset of the last line of the head (the case-number line, say)


@dataclass
class Rendering:
    layout: str
    format: str
    meeting: GoldMeeting
    pages: list[str]
    items: list[RenderedItem]

    @property
    def text(self) -> str:
        return Source.PAGE_BREAK.join(self.pages)

    def source(self) -> Source:
        """The rendering as a reader would have returned it."""
        raw = self.text
        return Source(path=f"{self.meeting.key}.{self.layout}.{self.format}",
                      sha256=hashlib.sha256(raw.encode("utf-8")).hexdigest(), format=self.format,
                      pages=list(self.pages))


# --- layouts: configs/renderings.toml -----------------------------------------


@dataclass(frozen=True)
class Layout:
    name: str
    system: str
    head: tuple[str, ...]
    heading: tuple[str, ...]
    format: str
    page_lines: int
    header: tuple[str, ...]
    footer: tuple[str, ...]
    lone_page_number: bool
    toc: dict
    blank_before: int
    closed: str
    closed_text: str
    groups: tuple[str, ...]
    numbering: str
    withdrawn: float
    section: str
    table: str
    wrap: int
    hyphenate: bool
    title_wrap: int
    ocr: float
    numbered_lists: float
    list_continues: float
    empty_case: bool
    blank_lines: str
    closed_body: str


_CHOICES = {
    "format": ("txt", "pdf"),
    "closed": ("prefix", "suffix", "line", "group", "status"),
    "numbering": ("given", "running", "lettered", "padded"),
    "section": ("plain", "colon", "inline", "upper", "decision_of"),
    "table": ("tab", "cells", "spaces"),
    "blank_lines": ("keep", "drop"),
    "closed_body": ("full", "note"),
}
_CLOSED_NOTES = ("Sagen behandles for lukkede døre.", "Lukket sag - ikke offentlig.",
                 "Punktet er lukket for offentligheden.")


@lru_cache(maxsize=None)
def layouts() -> tuple[Layout, ...]:
    """Every layout of configs/renderings.toml, in file order."""
    data = load_toml("renderings.toml")
    defaults = data["defaults"]
    found = []
    for spec in data["layout"]:
        merged: dict[str, Any] = defaults | spec
        for key, allowed in _CHOICES.items():
            if merged[key] not in allowed:
                raise ValueError(f"renderings.toml: layout {spec.get('name')!r}: {key} = {merged[key]!r}; "
                                 f"valid: {', '.join(allowed)}")
        for key in ("head", "heading", "header", "footer", "groups"):
            merged[key] = tuple(merged[key])
        merged["toc"] = dict(defaults["toc"]) | dict(merged["toc"])
        title_lines = [t for t in merged["heading"] if "{title}" in t or "{TITLE}" in t]
        if not title_lines or not any("{number}" in t or "{label}" in t for t in merged["heading"]):
            raise ValueError(f"renderings.toml: layout {spec.get('name')!r}: the heading needs a line "
                             "with {title} and a {number} or {label}")
        found.append(Layout(**merged))
    names = [layout.name for layout in found]
    if len(set(names)) != len(names):
        raise ValueError("renderings.toml: two layouts share a name")
    return tuple(found)


def layout(name: str) -> Layout:
    for candidate in layouts():
        if candidate.name == name:
            return candidate
    raise ValueError(f"unknown layout {name!r}; valid: {', '.join(l.name for l in layouts())}")


# --- gold meetings from what a user or the portals have -------------------------


def meeting_from_portal(data: dict, key: str) -> GoldMeeting:
    """A FirstAgenda publication (portal JSON): its items and their HTML fields are the gold."""
    from referat.ingest.html import HtmlRenderer, parse_fragment
    from referat.ingest.lines import LineWriter

    moede = data.get("Moede") or {}
    people = [p for p in moede.get("Moededeltagere") or [] if isinstance(p, dict) and p.get("Name")]
    try:
        start = datetime.fromisoformat(str(moede.get("Dato")))
    except ValueError:
        start = None
    items = []
    for position, point in enumerate(data.get("Dagsordenpunkter") or [], start=1):
        printed = " ".join(str(point.get("Navn") or "").split())
        number = str(point.get("Punktnummer") or "").strip()
        writer = LineWriter()
        renderer = HtmlRenderer(writer)
        for felt in point.get("Felter") or []:
            if felt.get("Html"):
                renderer.render(parse_fragment(str(felt["Html"])))
        items.append(GoldItem(
            number=int(number) if number.isdigit() else position,
            title=CLOSED_TITLE.sub("", printed),
            case_number=" ".join(str(point.get("SagsNummer") or "").split()) or None,
            closed=bool(CLOSED_TITLE.match(printed)),
            blocks=_blocks(writer.text(), {h.start for h in writer.headings}),
        ))
    has_decisions = any(kind == "heading" and text.casefold().startswith("beslutning")
                        for item in items for kind, text in item.blocks)
    return GoldMeeting(
        key=key, body=" ".join(str((data.get("Udvalg") or {}).get("Navn") or "").split()),
        kind="referat" if has_decisions else "dagsorden", start=start,
        place=" ".join(str(moede.get("Sted") or "").split()),
        participants=[" ".join(p["Name"].split()) for p in people],
        absent=[" ".join(p["Name"].split()) for p in people if p.get("Absent")],
        items=items,
    )


def _blocks(text: str, heading_starts: set[int]) -> list[tuple[str, str]]:
    blocks, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            blocks.append(("heading" if pos in heading_starts else "line", line.strip()))
        pos += len(line) + 1
    return blocks


def meeting_from_record(record: dict, key: str) -> GoldMeeting:
    """A referat record (corrected by hand or not): its items, their sections and body lines."""
    text = record.get("text") or ""
    meeting = record.get("meeting") or {}
    start = None
    if meeting.get("date"):
        try:
            start = datetime.fromisoformat(f"{meeting['date']}T{meeting.get('start_time') or '00:00'}")
        except ValueError:
            start = None
    items = []
    for item in record.get("items") or []:
        begin, end = int(item["start"]), int(item["end"])
        sections = sorted(item.get("sections") or [], key=lambda s: s["start"])
        blocks: list[tuple[str, str]] = []
        if sections:
            for section in sections:
                blocks.append(("heading", section["heading"]))
                blocks += [("line", ln.strip()) for ln in text[section["start"]:section["end"]].split("\n")
                           if ln.strip()]
        else:  # no sections: the lines below the heading line and the case number
            lines = [ln.strip() for ln in text[begin:end].split("\n")[1:] if ln.strip()]
            blocks = [("line", ln) for ln in lines if ln != item.get("case_number")]
        items.append(GoldItem(number=int(item["number"]), title=" ".join(str(item.get("title") or "").split()),
                              case_number=item.get("case_number") or None, closed=bool(item.get("closed")),
                              blocks=blocks))
    return GoldMeeting(key=key, body=meeting.get("body") or "", kind=meeting.get("kind") or "referat",
                       start=start, place=meeting.get("location") or "",
                       participants=list(meeting.get("participants") or []),
                       absent=list(meeting.get("absent") or []), items=items)


def synthetic_meeting(seed: int, items: int = 6) -> GoldMeeting:
    """An invented meeting (configs/renderings.toml [synthetic]): committee, members,
    items with a case number and Sagsfremstilling / Indstilling / Beslutning."""
    tables = load_toml("renderings.toml")["synthetic"]
    rng = random.Random(seed)
    committee = rng.choice(tables["committees"])
    members = rng.sample(tables["members"], 5)
    start = datetime(rng.randint(2008, 2024), rng.randint(1, 12), rng.randint(1, 28),
                     *rng.choice(((8, 0), (15, 30), (16, 0), (17, 0))))
    gold = []
    topics = rng.sample(tables["topics"], len(tables["topics"]))  # no title twice, as in real minutes
    for number in range(1, items + 1):
        recommendation, decision = rng.choice(tables["outcomes"])
        amount = f"{rng.randint(1, 40)},{rng.randint(0, 9)} mio. kr."
        rounds, topic = divmod(number - 1, len(topics))
        gold.append(GoldItem(
            number=number, title=topics[topic] + (f", del {rounds + 1}" if rounds else ""),
            case_number=f"{rng.randint(10, 24)}/{rng.randint(100, 29999)}",
            blocks=[
                ("heading", "Sagsfremstilling"),
                ("line", f"Forvaltningen fremlægger sagen for {committee}. Der er i budgettet afsat {amount} "
                         f"til formålet, og sagen behandles efter {rng.choice(tables['laws'])}. "
                         f"{rng.choice(tables['members'])} har bedt om en status, som gives på mødet. "
                         "Administrationen vurderer, at indsatsen kan gennemføres inden for den afsatte "
                         "ramme, og at de berørte parter er hørt."),
                *_parts(rng, tables["parts"]),
                ("heading", "Indstilling"),
                *(("line", line) for line in (["Forvaltningen indstiller,", recommendation,
                                               rng.choice(tables["follow_ups"])] if rng.random() < 0.5
                                              else [f"Forvaltningen indstiller, {recommendation}"])),
                ("heading", "Beslutning"),
                ("line", decision),
            ]))
    return GoldMeeting(key=f"synthetic-{seed}", body=committee, start=start,
                       place=rng.choice(tables["places"]), participants=members[:4], absent=members[4:],
                       items=gold)


def _parts(rng: random.Random, parts: list[str]) -> list[tuple[str, str]]:
    """Now and then a numbered list of what a case holds (1., 2., 3.), as sagsfremstillinger print them."""
    if rng.random() >= 0.4:
        return []
    chosen = rng.sample(parts, rng.randint(2, 3))
    return [("line", "Sagen omfatter:")] + [("line", f"{n}. {part}") for n, part in enumerate(chosen, start=1)]


# --- printing ---------------------------------------------------------------


@dataclass
class _Planned:
    """An item with the number (and letter) this rendering gives it."""

    gold: GoldItem
    number: int
    label: str | None = None  # the gold label of a lettered item ("2a"), else None
    printed: str = ""  # what the heading prints for {label}: "2a", "04A", "04", "7"


class _Printer:
    """Lines of the document body (before pages), with the item heads marked."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def blank(self, count: int = 1) -> None:
        """Blank lines, without piling them onto blank lines already there."""
        have = 0
        for line in reversed(self.lines):
            if line.strip():
                break
            have += 1
        self.lines.extend([""] * max(0, count - have))


def render(meeting: GoldMeeting, chosen: Layout | str, seed: int = 0) -> Rendering:
    """`meeting` printed in a layout; the same meeting, layout and seed give the same text."""
    lay = layout(chosen) if isinstance(chosen, str) else chosen
    rng = random.Random(f"{lay.name}\0{meeting.key}\0{seed}")
    fields = _meeting_fields(meeting)
    planned = _plan(meeting.items, lay, rng)
    out = _Printer()
    for template in lay.head:
        line = _fill(template, fields, lay)
        if line is not None:
            out.add(line)
    _toc(out, planned, lay, fields, rng)
    heads: list[tuple[_Planned, str, int, int, int]] = []  # item, title, first / title / last head line
    in_closed_part = False
    groups = _group_positions(planned, lay, rng)
    for position, plan in enumerate(planned):
        item = plan.gold
        if lay.closed == "group" and item.closed != in_closed_part:
            out.blank(2)
            out.add(lay.closed_text if item.closed else "Åbne sager")
            in_closed_part = item.closed
        if position in groups:
            out.blank(2)
            out.add(groups[position])
        out.blank(lay.blank_before)
        title = _ocr(item.title, lay.ocr * _TITLE_OCR_SHARE, rng)
        heads.append((plan, title, *_item_head(out, plan, title, lay, fields, rng)))
        if item.closed and lay.closed_body == "note":
            out.add(rng.choice(_CLOSED_NOTES))
            out.blank()
        else:
            _body(out, plan, lay, fields, rng)
    lines, moved = _without_blank_lines(out.lines) if lay.blank_lines == "drop" else (out.lines, None)
    if moved is not None:
        heads = [(plan, title, *(moved[i] for i in at)) for plan, title, *at in heads]
    pages, offsets = _paginate(lines, lay, fields, [(first, last) for _, _, first, _, last in heads])
    printed = [RenderedItem(plan.number, plan.label, " ".join(title.split()), _printed_case(plan.gold, lay),
                            plan.gold.closed, offsets[first], offsets[title_line], offsets[last])
               for plan, title, first, title_line, last in heads]
    return Rendering(lay.name, lay.format, meeting, pages, printed)


def _printed_case(item: GoldItem, lay: Layout) -> str | None:
    """The case number as the rendering prints it: none where the layout has no case line,
    or prints a closed item as its title and a note."""
    if not any("{case}" in t for t in lay.heading) or item.closed and lay.closed_body == "note":
        return None
    return item.case_number


def _without_blank_lines(lines: list[str]) -> tuple[list[str], dict[int, int]]:
    """The lines without the blank ones, and where each non-blank line moved."""
    kept, moved = [], {}
    for index, line in enumerate(lines):
        if line.strip():
            moved[index] = len(kept)
            kept.append(line)
    return kept, moved


def _meeting_fields(meeting: GoldMeeting) -> dict[str, str]:
    when = meeting.start
    kind = "Dagsorden" if meeting.kind == "dagsorden" else "Referat"
    fields = {"body": meeting.body, "BODY": meeting.body.upper(), "kind": kind, "KIND": kind.upper(),
              "place": meeting.place, "participants": ", ".join(meeting.participants),
              "absent": ", ".join(meeting.absent)}
    if when is not None:
        weekday = WEEKDAYS[when.weekday()]
        fields |= {
            "date_long": f"{when.day}. {MONTHS[when.month - 1]} {when.year}",
            "date_dmy": when.strftime("%d-%m-%Y"), "date_dots": when.strftime("%d.%m.%Y"),
            "date_abbr": f"{when.day}-{MONTH_ABBR[when.month - 1]}-{when.year}",
            "weekday": weekday, "Weekday": weekday.capitalize(), "year": str(when.year),
            "time": when.strftime("%H:%M"), "time_dot": when.strftime("%H.%M"),
        }
    return fields


def _fill(template: str, fields: dict[str, str], lay: Layout) -> str | None:
    """The template with its fields filled; None where a field it names is empty, unless
    the line also holds the title or number (a table row keeps its empty case cell) or
    the layout prints an empty case-number field."""
    names = _FIELD.findall(template)
    keeps = any(name in _ALWAYS_PRINTED for name in names)
    values = {}
    for name in names:
        value = fields.get(name) or ""
        if not value and not keeps and not (name == "case" and lay.empty_case):
            return None
        values[name] = value
    line = _FIELD.sub(lambda m: values[m.group(1)], template)
    return line.rstrip() if keeps else line


def _plan(items: list[GoldItem], lay: Layout, rng: random.Random) -> list[_Planned]:
    """Numbers and letters as the layout prints them; withdrawn items left out."""
    kept = [item for pos, item in enumerate(items)
            if pos == 0 or len(items) < 3 or rng.random() >= lay.withdrawn]
    if lay.numbering == "running":
        offset = rng.randint(20, 400)
        return [_Planned(item, item.number + offset, printed=str(item.number + offset)) for item in kept]
    if lay.numbering not in ("lettered", "padded") or len(kept) < 3:
        return [_Planned(item, item.number, printed=str(item.number)) for item in kept]
    # Lettered: item p and item p + 1 become sub-items a and b of one number
    # (a, b, c where p + 1 is chosen too); the numbers after them close up.
    splits = set(rng.sample(range(1, len(kept) - 1), k=min(2, len(kept) - 2)))
    padded = lay.numbering == "padded"
    planned: list[_Planned] = []
    number, letter = kept[0].number - 1, 0
    for pos, item in enumerate(kept):
        if pos - 1 in splits:
            letter += 1
        else:
            number += 1
            letter = 1 if pos in splits else 0
        digits = f"{number:02d}" if padded else str(number)
        if letter:
            code = chr(ord("a") + letter - 1)
            label = digits + (code.upper() if padded else code)
            planned.append(_Planned(item, number, label, label))
        else:
            planned.append(_Planned(item, number, None, digits))
    return planned


def _group_positions(planned: list[_Planned], lay: Layout, rng: random.Random) -> dict[int, str]:
    """Where group headings go among the open items: before the first, and one or two more."""
    if not lay.groups:
        return {}
    open_positions = [pos for pos, plan in enumerate(planned) if not plan.gold.closed]
    if not open_positions:
        return {}
    chosen = [open_positions[0]] + sorted(rng.sample(open_positions[1:], k=min(2, len(open_positions) - 1)))
    names = list(lay.groups)
    return {pos: names[i % len(names)] for i, pos in enumerate(chosen)}


def _toc(out: _Printer, planned: list[_Planned], lay: Layout, fields: dict[str, str],
         rng: random.Random) -> None:
    style = lay.toc["style"]
    if style == "none" or not planned:
        return
    entries = []
    page = rng.randint(2, 4)
    for plan in planned:
        item_fields = {"number": str(plan.number), "label": plan.printed,
                       "title": _closed_title(plan.gold, lay)}
        entries.append((_FIELD.sub(lambda m: item_fields.get(m.group(1), ""), lay.toc["entry"]), page))
        page += rng.randint(1, 3)
    out.blank()
    if style == "glued":
        out.add(" ".join([lay.toc["title"], *(entry for entry, _ in entries)]))
    else:
        out.add(lay.toc["title"], "")
        for entry, page in entries:
            if style == "dots":
                out.add(f"{entry}{'.' * rng.randint(5, 40)}\t{page}")
            elif style == "tab":
                out.add(f"{entry}\t{page}")
            else:
                out.add(entry)
    out.blank()


def _closed_title(item: GoldItem, lay: Layout, title: str | None = None) -> str:
    """The title with the closed words the layout prints around it (prefix or suffix layouts)."""
    title = item.title if title is None else title
    if item.closed and lay.closed == "prefix":
        return f"{lay.closed_text}{title}"
    if item.closed and lay.closed == "suffix":
        return f"{title}{lay.closed_text}"
    return title


def _item_head(out: _Printer, plan: _Planned, title: str, lay: Layout, fields: dict[str, str],
               rng: random.Random) -> tuple[int, int, int]:
    """Print the item head; the indices of its first line, of the line with the title, of its last line."""
    item = plan.gold
    marker = rng.choice("OBD")
    printed = _closed_title(item, lay, title)
    note = item.closed and lay.closed_body == "note"
    if note and lay.closed not in ("prefix", "suffix"):
        printed = f"Lukket: {printed}"  # nothing below the title says it, so the title does
    values = fields | {
        "number": str(plan.number), "label": plan.printed, "title": printed, "TITLE": printed.upper(),
        "case": item.case_number or "", "marker": marker,
        "docnr": f"{fields.get('year', '2020')}-{rng.randint(100000, 999999)}",
        "status": "Lukket" if item.closed else "Åbent",
        "responsible": rng.choice(("Anne Holm", "Bo Jensen", "Carsten Lind", "Dorte Winther")),
    }
    lines_before = len(out.lines)
    title_line = last = lines_before
    first: int | None = None
    for template in lay.heading:
        line = None if note and "{case}" in template and "{title}" not in template else _fill(template, values, lay)
        if line is None:
            continue
        if not line.strip():
            out.blank()
            continue
        if first is None:
            first = len(out.lines)
        if "{title}" in template or "{TITLE}" in template:
            title_line = len(out.lines)
            out.add(*_wrap_title(line, lay, rng))
            if item.closed and lay.closed == "line":
                out.add(lay.closed_text)
        else:
            out.add(line)
        last = len(out.lines) - 1
    return (lines_before if first is None else first), title_line, last


def _wrap_title(line: str, lay: Layout, rng: random.Random) -> list[str]:
    """A long heading line broken where a reader sees the title go on (before a lower-case word)."""
    if not lay.title_wrap or len(line) <= lay.title_wrap:
        return [line]
    words = line.split(" ")
    width = 0
    for i, word in enumerate(words[:-1]):
        width += len(word) + 1
        nxt = words[i + 1]
        if width >= lay.title_wrap * 0.6 and width + len(nxt) > lay.title_wrap - 10 and nxt[:1].islower():
            return [" ".join(words[: i + 1]), " ".join(words[i + 1:])]
    return [line]


def _body(out: _Printer, plan: _Planned, lay: Layout, fields: dict[str, str], rng: random.Random) -> None:
    """The item's sections and lines, printed in the layout's style, with its noise."""
    from referat.ingest.sections import section_kind

    blocks = plan.gold.blocks
    kind = "other"
    pos = 0
    while pos < len(blocks):
        what, text = blocks[pos]
        if what == "heading":
            kind = section_kind(text)
            following = blocks[pos + 1] if pos + 1 < len(blocks) else None
            if lay.section == "inline" and following and following[0] == "line":
                out.add(*_paragraph(f"{text}: {following[1]}", lay, rng))
                pos += 2
                continue
            out.add(_section_heading(text, kind, lay, fields))
            pos += 1
            continue
        run = [text]
        while pos + 1 < len(blocks) and blocks[pos + 1][0] == "line":
            pos += 1
            run.append(blocks[pos][1])
        pos += 1
        if kind in ("indstilling", "beslutning"):
            run = _numbered_list(run, plan.number, lay, rng)
        for line in run:
            if "\t" in line:
                out.add(*_table_row(line, lay))
            else:
                out.add(*_paragraph(line, lay, rng))
    out.blank()


def _section_heading(text: str, kind: str, lay: Layout, fields: dict[str, str]) -> str:
    if lay.section == "colon" or lay.section == "inline":
        return f"{text}:"
    if lay.section == "upper":
        return text.upper()
    if lay.section == "decision_of" and kind == "beslutning" and fields.get("date_long"):
        return f"{text} i {fields['body']} den {fields['date_long']}:"
    return text


def _numbered_list(run: list[str], item_number: int, lay: Layout, rng: random.Random) -> list[str]:
    """Lines of an "at ..." list numbered 1, 2, 3 (or on from the item's own number)."""
    listed = [i for i, line in enumerate(run) if _LIST_LINE.match(line)]
    if len(listed) < 2 or rng.random() >= lay.numbered_lists:
        return run
    start = item_number + 1 if rng.random() < lay.list_continues else 1
    numbered = list(run)
    for count, i in enumerate(listed):
        text = run[i].lstrip("-–• ")
        numbered[i] = f"{start + count}.{' ' * rng.choice((1, 1, 4))}{text}"
    return numbered


def _table_row(line: str, lay: Layout) -> list[str]:
    cells = [cell.strip() for cell in line.split("\t")]
    if lay.table == "cells":
        return [cell for cell in cells if cell]
    if lay.table == "spaces":
        return ["   ".join(cells)]
    return [line]


def _paragraph(text: str, lay: Layout, rng: random.Random) -> list[str]:
    """A body line with OCR errors, wrapped where the layout wraps: a long word that does not
    fit is broken with a hyphen about half the time, as a typesetter does."""
    text = _ocr(text, lay.ocr, rng)
    if not lay.wrap or len(text) <= lay.wrap:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split():
        if not line or len(line) + 1 + len(word) <= lay.wrap:
            line = f"{line} {word}" if line else word
            continue
        room = lay.wrap - len(line) - 2  # a space and the hyphen
        if (lay.hyphenate and len(word) >= _HYPHEN_MIN and word.isalpha() and word.islower()
                and room >= 3 and rng.random() < 0.5):
            cut = min(room, len(word) - 3)
            lines.append(f"{line} {word[:cut]}-")
            line = word[cut:]
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


def _ocr(text: str, rate: float, rng: random.Random) -> str:
    """OCR-like letter errors in a share of the words (never in numbers)."""
    if not rate:
        return text
    words = text.split(" ")
    for i, word in enumerate(words):
        if len(word) < 4 or any(ch.isdigit() for ch in word) or rng.random() >= rate:
            continue
        options = [(a, b) for a, b in _OCR_CONFUSIONS if a in word[1:]]
        if options:
            a, b = rng.choice(options)
            at = word.index(a, 1)
            words[i] = word[:at] + b + word[at + len(a):]
    return " ".join(words)


def _paginate(lines: list[str], lay: Layout, fields: dict[str, str],
              heads: list[tuple[int, int]]) -> tuple[list[str], dict[int, int]]:
    """Pages (with running header and footer) and the raw offset of every body line.

    A page is `page_lines` body lines, broken anywhere but inside an item's head:
    a heading is kept with its title and case number, as word processors keep
    a heading with the next paragraph.
    """
    if lay.format != "pdf":
        offsets, pos = {}, 0
        for index, line in enumerate(lines):
            offsets[index] = pos
            pos += len(line) + 1
        return ["\n".join(lines) + "\n"], offsets
    inside_head = {line for first, last in heads for line in range(first + 1, last + 1)}
    chunks: list[tuple[int, list[str]]] = []  # (index of the first body line, lines)
    start = 0
    while start < len(lines) or not chunks:
        stop = min(start + lay.page_lines, len(lines))
        while start < stop < len(lines) and stop in inside_head:
            stop -= 1
        stop = stop if stop > start else min(start + lay.page_lines, len(lines))
        chunks.append((start, lines[start:stop]))
        start = stop
        if start >= len(lines):
            break
    pages, offsets = [], {}
    page_start = 0
    for number, (first, chunk) in enumerate(chunks, start=1):
        values = fields | {"page": str(number), "pages": str(len(chunks))}
        top = [line for t in lay.header if (line := _fill(t, values, lay)) is not None]
        if lay.lone_page_number and number > 1:
            top = [str(number), *top]
        bottom = [line for t in lay.footer if (line := _fill(t, values, lay)) is not None]
        page_lines = [*top, *([""] if top else []), *chunk, *([""] if bottom else []), *bottom]
        pos = page_start + sum(len(line) + 1 for line in top) + (1 if top else 0)
        for k, line in enumerate(chunk):
            offsets[first + k] = pos
            pos += len(line) + 1
        page = "\n".join(page_lines)
        pages.append(page)
        page_start += len(page) + len(Source.PAGE_BREAK)
    return pages, offsets
