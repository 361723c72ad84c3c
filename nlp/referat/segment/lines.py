"""The text as lines with offsets, and what each line is on its own.

Every stage of segmentation works on lines: a heading is a line, a case
number is a line, a section heading is a line. `Lines` splits once and keeps
prefix counts, so "how many body lines / section headings lie between line i
and line j" costs O(1), which keeps the best-chain search linear.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate

from referat.segment import config
from referat.segment.config import fold

MAX_LINE_CHARS = 600  # longer lines are paragraphs: never headings, labels or case numbers
MAX_CASE_LINE_CHARS = 200  # "Sagsnr.: 330-2017-90442   Dok.nr.: ...   Åbent" fits
MAX_BARE_CASE_CHARS = 40
PAGE_HEAD_LINES = 6  # lines a running page header may take where normalise left it
FURNITURE_REPEATS = 3  # a short line printed this often (digits aside) is a running header or footer
FURNITURE_CHARS = 80
MAX_FURNITURE_SKIPPED = 8
_DIGITS = re.compile(r"\d+")
_YEAR_RANGE = re.compile(r"(?:19|20)\d\d-(?:19|20)\d\d")


@dataclass(frozen=True, slots=True)
class Line:
    index: int
    start: int  # offset of the first non-blank character (or of the line, when blank)
    end: int  # offset just after the last non-blank character
    text: str  # the line without surrounding whitespace

    @property
    def blank(self) -> bool:
        return not self.text


@dataclass(frozen=True, slots=True)
class SectionHead:
    """A section heading found on a line; `body` is where its body starts (on the same
    line for "Beslutning: Godkendt.")."""

    heading: str
    kind: str
    body: int


def split_lines(text: str) -> tuple[list[Line], list[int]]:
    """The lines of `text`, and the offset where each raw line begins."""
    lines, begins = [], []
    pos = 0
    for index, raw in enumerate(text.split("\n")):
        stripped = raw.strip()
        lead = pos + (len(raw) - len(raw.lstrip())) if stripped else pos
        lines.append(Line(index, lead, lead + len(stripped), stripped))
        begins.append(pos)
        pos += len(raw) + 1
    return lines, begins


def case_number_of(line: str) -> str | None:
    """The case number a line states: a labelled value anywhere, or a bare number as the whole line."""
    if not line or len(line) > MAX_CASE_LINE_CHARS:
        return None
    base = config.base()
    m = base.case_labelled.search(line)
    if m:
        return m["value"]
    m = base.case_shape.fullmatch(line) if len(line) <= MAX_BARE_CASE_CHARS else None
    if not m or _YEAR_RANGE.fullmatch(line) and 0 < int(line[5:]) - int(line[:4]) <= 10:
        return None  # a line "2019-2022" is a period (a wrapped title's end), not a case
    return m.group(0)


def heading_text(text: str) -> tuple[str, bool]:
    """A line as heading shapes read it, and whether a bullet went: "• 301. X" -> "301. X";
    a table row "| 1 | X | 24/1 |" -> "1\tX\t24/1"."""
    base = config.base()
    bullet = False
    if text[0] in base.bullets and len(text) > 2 and (text[1].isspace() or text[0] not in "-–*"):
        rest = text[1:].lstrip()
        if rest[:1].isalnum() or rest[:1] == "§":
            text, bullet = rest, True
    if text.startswith("|") and text.count("|") >= 3:
        text = "\t".join(cell.strip() for cell in text.strip("| ").split("|"))
    return text, bullet


def is_case_field(line: str) -> bool:
    """A case-number field left empty ("Sagsnr.:", "Sagsnr.:  Dok.nr.: 24/55501"): the layout's
    case-number line under a heading, without a case number."""
    return bool(line) and len(line) <= MAX_CASE_LINE_CHARS and bool(config.base().case_label_start.match(line)) \
        and case_number_of(line) is None


def section_head(line: Line) -> SectionHead | None:
    """The section heading `line` is, from configs/sections.toml, or None."""
    text = line.text
    vocab = config.sections()
    if not text or len(text) > vocab.max_chars or not text[0].isalpha():
        return None
    key = text.rstrip(":. ").casefold()
    if "  " in key or "\t" in key:
        key = fold(key)
    kind = vocab.exact.get(key)
    if kind:
        return SectionHead(text, kind, line.end)
    if not text.endswith("."):
        for pattern, kind, words in vocab.patterns:
            if (not words or any(w in key for w in words)) and pattern.match(text):
                return SectionHead(text, kind, line.end)
    colon = text.find(":")
    if 0 < colon <= vocab.longest:
        m = vocab.inline.match(text)
        if m:
            heading = m["heading"]
            return SectionHead(heading, vocab.exact[fold(heading)], line.start + m.end())
    return None


class Lines:
    """Lines of a text plus per-line features and prefix counts over them."""

    def __init__(self, text: str, page_starts: Iterable[int] = ()):
        self.text = text
        self.lines, self.begins = split_lines(text)
        self.page_lines = frozenset(self.line_at(offset) for offset in page_starts if offset > 0)
        self._sections: dict[int, SectionHead | None] = {}
        self._cases: dict[int, str | None] = {}
        self._nonblank = [0, *accumulate(0 if ln.blank else 1 for ln in self.lines)]
        self._section_prefix: list[int] | None = None

    @cached_property
    def maybe_headings(self) -> list[tuple[Line, str, bool]]:
        """Lines that may be item headings (short enough, starting with a letter, digit, "§", a
        bullet, a table's "|" or "("), each with its `heading_text` and whether a bullet went."""
        starts = config.base().bullets | {"§", "|", "("}
        return [(ln, *heading_text(ln.text)) for ln in self.lines
                if ln.text and len(ln.text) <= MAX_LINE_CHARS and (ln.text[0].isalnum() or ln.text[0] in starts)]

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, index: int) -> Line:
        return self.lines[index]

    def section(self, index: int) -> SectionHead | None:
        if index not in self._sections:
            self._sections[index] = section_head(self.lines[index])
        return self._sections[index]

    def case_number(self, index: int) -> str | None:
        if index not in self._cases:
            self._cases[index] = case_number_of(self.lines[index].text)
        return self._cases[index]

    def case_field(self, index: int) -> bool:
        """Whether the line is an empty case-number field (`is_case_field`)."""
        return is_case_field(self.lines[index].text)

    @cached_property
    def _page_first_lines(self) -> list[int]:
        return sorted({0, *self.page_lines})

    def page_span(self, index: int) -> tuple[int, int, int]:
        """(page number from 1, its first line, the first line after it) of the page holding a line."""
        firsts = self._page_first_lines
        page = bisect_right(firsts, index)
        return page, firsts[page - 1], firsts[page] if page < len(firsts) else len(self.lines)

    def nonblank_between(self, first: int, last: int) -> int:
        """Non-blank lines in [first, last)."""
        if last <= first:
            return 0
        return self._nonblank[last] - self._nonblank[first]

    def sections_between(self, first: int, last: int) -> int:
        """Section-heading lines in [first, last)."""
        if self._section_prefix is None:
            self._section_prefix = [0, *accumulate(1 if self.section(i) else 0 for i in range(len(self.lines)))]
        if last <= first:
            return 0
        return self._section_prefix[last] - self._section_prefix[first]

    def next_nonblank(self, index: int, limit: int | None = None) -> int | None:
        """The first non-blank line after `index` (before `limit`), or None."""
        stop = len(self.lines) if limit is None else min(limit, len(self.lines))
        for i in range(index + 1, stop):
            if not self.lines[i].blank:
                return i
        return None

    @cached_property
    def furniture(self) -> frozenset[int]:
        """Lines that repeat like running headers ("Referat", "Side 4", the body's name):
        short, printed `FURNITURE_REPEATS` times or more with only digits changing,
        and neither a section heading nor a case number."""
        keys = [_DIGITS.sub("#", ln.text) if ln.text and len(ln.text) <= FURNITURE_CHARS else None
                for ln in self.lines]
        counts = Counter(k for k in keys if k)
        return frozenset(i for i, k in enumerate(keys) if k and counts[k] >= FURNITURE_REPEATS
                         and not self.section(i) and not self.case_number(i))

    def following(self, index: int, count: int, stop: int | None = None) -> list[int]:
        """Up to `count` non-blank lines after `index` (before `stop`), stepping over
        running headers: where normalise left one at a page break, or a repeated line."""
        found: list[int] = []
        stop = len(self.lines) if stop is None else min(stop, len(self.lines))
        extra = skipped = 0
        for i in range(index + 1, stop):
            if i in self.page_lines and not extra:
                extra = PAGE_HEAD_LINES
            if self.lines[i].blank:
                continue
            if i in self.furniture and skipped < MAX_FURNITURE_SKIPPED:
                skipped += 1
                continue
            found.append(i)
            if len(found) >= count + extra:
                break
        return found

    def prev_nonblank(self, index: int) -> int | None:
        for i in range(index - 1, -1, -1):
            if not self.lines[i].blank:
                return i
        return None

    def line_at(self, offset: int) -> int:
        """The index of the line holding a character offset."""
        return max(0, bisect_right(self.begins, offset) - 1)
