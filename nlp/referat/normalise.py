"""Normalise: the raw text of a `Source` cleaned by named steps, with an offset map.

Steps are looked up by name in `STEPS` (or given as callables), as in
eyecite's `clean.py`; an unknown name raises ValueError listing the valid
ones. Each step returns *edits* (`start`, `end`, replacement) on its input,
so every step leaves an exact record of what moved: `OffsetMap` chains
those records, mapping a normalised offset back to the raw text and a raw
offset (a page start, a portal item's span) forward, monotonically both
ways. Every offset `normalise` hands out points into `Normalised.text`.

The default steps, in order:

- `newlines`: CR LF, CR, NEL, U+2028/2029 and vertical tabs become "\\n";
- `controls`: control characters other than "\\n" and "\\t" go, and so do
  zero-width spaces, BOMs and non-characters (a form feed survives only as
  part of the page separator);
- `soft_hyphens`: U+00AD goes; one that ends a line joins the lines;
- `ligatures`: ﬁ ﬂ ﬀ ﬃ ﬄ ... are spelled out (configs/normalise.toml);
- `nfc`: Unicode NFC, so "å" is one character whatever the PDF held;
- `headers_footers`: lines repeated at the same place at the top or bottom
  of many pages (page numbers masked, so "Side 3 af 12" repeats) are dropped;
  text alone cannot tell a footer from body lines that end every page
  identically, so a document whose pages all end in the same words loses
  them too (three pages at least, half of them agreeing);
- `hyphenation`: a word broken by the layout ("yderli-\\ngere") is joined;
  a hyphen that stands for a shared word part ("Sundheds-\\nog Forebyggel-
  sesudvalget") stays, with a space; before an upper-case letter, after a
  digit, an acronym or a hyphen-only prefix ("ikke-"), and where the
  document itself writes the word with a hyphen, the hyphen stays and only
  the line break goes;
- `page_breaks`: the page separator becomes a blank line;
- `whitespace`: trailing spaces trimmed, odd spaces (NBSP, thin space)
  made plain spaces, runs of blank lines cut to one, leading and trailing
  blank lines dropped.

Lines stay lines: a table of contents or a heading is never merged with its
neighbours, because segmentation reads line by line.

Pages read by OCR get seven more steps (`OCR_STEPS`, after `nfc`), applied to
those pages only, so a text layer's real content is never touched:

- `ocr_hyphens`: a line-end dash OCR read as "–", "—" or "¬", or a blank
  line OCR put between a hyphenated word's halves, become the plain
  "-\n" that `hyphenation` then decides about;
- `ocr_quotes`: quotes OCR spelled with two commas or apostrophes
  (",,Ordet''") become „ and ”;
- `ocr_digits`: the letters OCR confuses with digits inside a number
  (`l`, `I` for 1; `O`, `o` for 0) are digits again: "kr. 1.2O0.000",
  "l8. maj", "sag O1.02.05-P16"; a token counts as a number when it has a
  real digit and nothing but digits, those letters and number punctuation;
- `ocr_section_signs`: a "§" read as "&" or "$" before a section number,
  or as "8" or "S" between an act's name and the number ("planlovens 8 27");
- `ocr_leaders`: table-of-contents leaders OCR broke into dots, commas and
  spaces (". , . ,. .") are dots again, so segmentation knows the line;
- `ocr_words`: short words OCR misreads into no word at all ("oq" for "og";
  configs/normalise.toml);
- `ocr_headers_footers`: running headers and footers under a logo that OCR
  read as a few lines of junk, different on every page.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_right
from itertools import pairwise
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from referat.model import Page, PageOcr, Source, Structure
from referat.resources import load_toml

Edit = tuple[int, int, str]
"""Replace `text[start:end]` with the string."""

Step = Callable[[str], list[Edit]]


# --- offset maps --------------------------------------------------------------


class StepMap:
    """The offsets of one step: its input text <-> its output text.

    Outside the edits both texts agree character by character; inside one,
    an offset maps to the start of the edit plus as much of its distance as
    the other side has room for, so the map is monotone in both directions.
    """

    __slots__ = ("in_ends", "in_starts", "out_ends", "out_starts")

    def __init__(self, edits: Sequence[Edit]):
        self.in_starts: list[int] = []
        self.in_ends: list[int] = []
        self.out_starts: list[int] = []
        self.out_ends: list[int] = []
        shift = 0
        for start, end, replacement in edits:
            self.in_starts.append(start)
            self.in_ends.append(end)
            self.out_starts.append(start + shift)
            shift += len(replacement) - (end - start)
            self.out_ends.append(end + shift)

    def forward(self, pos: int) -> int:
        i = bisect_right(self.in_starts, pos) - 1
        if i < 0:
            return pos
        if pos >= self.in_ends[i]:
            return self.out_ends[i] + pos - self.in_ends[i]
        return self.out_starts[i] + min(pos - self.in_starts[i], self.out_ends[i] - self.out_starts[i])

    def backward(self, pos: int) -> int:
        i = bisect_right(self.out_starts, pos) - 1
        if i < 0:
            return pos
        if pos >= self.out_ends[i]:
            return self.in_ends[i] + pos - self.out_ends[i]
        return self.in_starts[i] + min(pos - self.out_starts[i], self.in_ends[i] - self.in_starts[i])


class OffsetMap:
    """Normalised offset <-> raw offset (into `Source.raw_text`), monotone both ways."""

    def __init__(self, steps: Sequence[StepMap] = ()):
        self.steps = list(steps)

    def to_raw(self, offset: int) -> int:
        for step in reversed(self.steps):
            offset = step.backward(offset)
        return offset

    def to_norm(self, offset: int) -> int:
        for step in self.steps:
            offset = step.forward(offset)
        return offset


def apply_edits(text: str, edits: Sequence[Edit]) -> tuple[str, StepMap]:
    """The edited text and its map; edits must be sorted and must not overlap."""
    parts: list[str] = []
    last = 0
    for start, end, replacement in edits:
        if start < last or end < start:
            raise ValueError(f"edits overlap or run backwards at {start}")
        parts.append(text[last:start])
        parts.append(replacement)
        last = end
    parts.append(text[last:])
    return "".join(parts), StepMap(edits)


def _regex_edits(pattern, text: str, replace_with: Callable[[re.Match], str] | str,
                 start: int = 0, end: int | None = None) -> list[Edit]:
    """Edits replacing each match of `pattern` (a compiled regex or its `finditer`)."""
    finditer = pattern.finditer if isinstance(pattern, re.Pattern) else pattern
    edits = []
    for m in finditer(text, start, len(text) if end is None else end):
        new = replace_with if isinstance(replace_with, str) else replace_with(m)
        if new != m.group():
            edits.append((m.start(), m.end(), new))
    return edits


# --- the steps ------------------------------------------------------------------

PAGE_SEPARATOR = Source.PAGE_BREAK
_NEWLINES = re.compile("\r\n|[\r\x0b\x85\u2028\u2029]")
_CONTROLS = re.compile(  # with form feeds, zero-width characters and non-characters
    "[\x00-\x08\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u200b\u2060\ufeff\ufffe\uffff]")
_NON_ASCII_RUN = re.compile(r"[\x00-\x7f]?[^\x00-\x7f]+")
_ODD_SPACE = "\u00a0\u2000-\u200a\u202f\u205f\u3000"
_SPACE = f"[ \t{_ODD_SPACE}]"
_SOFT_HYPHEN = re.compile(rf"\u00ad(?:{_SPACE}*\n{_SPACE}*(?=\w))?")
_WHITESPACE = re.compile(  # each alternative starts where its run starts: no backtracking
    rf"(?P<blank>\n(?:{_SPACE}*\n){{2,}})|(?<!{_SPACE})(?P<eol>{_SPACE}+(?=\n))|(?P<odd>[{_ODD_SPACE}])")
_WHITESPACE_REPLACEMENT = {"blank": "\n\n", "eol": "", "odd": " "}
_LINE_BREAK_HYPHEN = re.compile(rf"(?<=\w)-{_SPACE}*\n{_SPACE}*(?=[^\W_]|&)")
_WORD_BEFORE = re.compile(r"\w+$")
_WORD_AFTER = re.compile(r"\w+|&")
_WORDS = re.compile(r"\w+(?:-\w+)*")
_DIGITS = re.compile(r"\d+")
_NOT_LETTERS = re.compile(r"[\W\d_]+")
_PAGE_NUMBER = re.compile(  # at the end of a line, lower case
    r"(?:(?<![^\W\d_])(?:side|page|s\.)\s*\d{1,4}(?:\s*(?:af|of|/)\s*\d{1,4})?"  # side 3 (af 12)
    r"|(?:^|\s[-–|·])[-–\s]*\d{1,4}(?:\s*(?:af|of|/)\s*\d{1,4})?"  # 3, - 3 -, 3/12, ... | 3
    r"|(?<!\S)\d{1,4}\s+(?:af|of)\s+\d{1,4})[-–\s]*$")  # ... 3 af 12
_PAGE_NUMBER_REACH = 40  # "referat, side 1234 af 1234 -" fits with room to spare


def newlines(text: str) -> list[Edit]:
    return _regex_edits(_NEWLINES, text, "\n")


def controls(text: str) -> list[Edit]:
    """Control characters go; the form feeds of page separators stay."""
    separators = {end + 1 for _, end in _page_spans(text)[:-1]} if "\f" in text else set()
    return [(m.start(), m.end(), "") for m in _CONTROLS.finditer(text) if m.start() not in separators]


def soft_hyphens(text: str) -> list[Edit]:
    return _regex_edits(_SOFT_HYPHEN, text, "")


@lru_cache(maxsize=1)
def _ligature_table() -> tuple[dict[str, str], re.Pattern[str]]:
    table = load_toml("normalise.toml")["ligatures"]
    return table, re.compile("|".join(map(re.escape, table)))


def ligatures(text: str) -> list[Edit]:
    table, pattern = _ligature_table()
    return _regex_edits(pattern, text, lambda m: table[m.group()])


def nfc(text: str) -> list[Edit]:
    if unicodedata.is_normalized("NFC", text):
        return []
    # Composition only joins a character with the non-ASCII marks after it.
    return _regex_edits(_NON_ASCII_RUN, text, lambda m: unicodedata.normalize("NFC", m.group()))


def page_breaks(text: str) -> list[Edit]:
    edits, start = [], text.find(PAGE_SEPARATOR)
    while start >= 0:
        edits.append((start, start + len(PAGE_SEPARATOR), "\n\n"))
        start = text.find(PAGE_SEPARATOR, start + len(PAGE_SEPARATOR))
    return edits


def whitespace(text: str) -> list[Edit]:
    body_start = len(text) - len(text.lstrip())
    body_end = len(text.rstrip())
    if body_start >= body_end:
        return [(0, len(text), "")] if text else []
    edits = [(0, body_start, "")] if body_start else []
    edits += _regex_edits(_WHITESPACE.finditer, text, lambda m: _WHITESPACE_REPLACEMENT[m.lastgroup],
                          body_start, body_end)
    if body_end < len(text):
        edits.append((body_end, len(text), ""))
    return edits


def hyphenation(text: str) -> list[Edit]:
    config = load_toml("normalise.toml")["hyphenation"]
    keep_space = frozenset(config["keep_space_before"])
    keep_hyphen = frozenset(config["keep_hyphen_after"])
    vocabulary: Counter[str] | None = None
    edits = []
    for m in _LINE_BREAK_HYPHEN.finditer(text):
        before = _WORD_BEFORE.search(text, max(0, m.start() - 80), m.start())
        after = _WORD_AFTER.match(text, m.end())
        left, right = before.group() if before else "", after.group() if after else ""
        if right.lower() in keep_space:
            edits.append((m.start(), m.end(), "- "))
        elif (right[:1].isupper() or any(c.isdigit() for c in left + right)
              or (len(left) > 1 and left.isupper()) or left.lower() in keep_hyphen):
            edits.append((m.start(), m.end(), "-"))
        else:
            if vocabulary is None:
                vocabulary = _vocabulary(text)
            hyphenated = vocabulary[f"{left}-{right}".lower()]
            joined = vocabulary[f"{left}{right}".lower()]
            edits.append((m.start(), m.end(), "-" if hyphenated > joined else ""))
    return edits


def _vocabulary(text: str) -> Counter[str]:
    """Words and hyphenated word pairs ("skole-hjem" in "skole-hjem-samarbejde"), lower case."""
    counts: Counter[str] = Counter()
    for word in _WORDS.findall(text.lower()):
        counts[word] += 1
        parts = word.split("-")
        counts.update(f"{a}-{b}" for a, b in pairwise(parts))
    return counts


def headers_footers(text: str) -> list[Edit]:
    """Drop running headers/footers: lines repeated at the same place on many pages."""
    return _running_lines(text, skip_junk=False)


def ocr_headers_footers(text: str) -> list[Edit]:
    """`headers_footers` for OCR'd pages: a logo read as a few lines of junk
    ("BALLERUP EEN", "(exe)") that differ from page to page does not hide the
    running header below it (nor above a footer)."""
    return _running_lines(text, skip_junk=True)


def _running_lines(text: str, skip_junk: bool) -> list[Edit]:
    config = load_toml("normalise.toml")["headers_footers"]
    pages = _page_spans(text)
    if len(pages) < config["min_pages"]:
        return []
    threshold = max(config["min_pages"], math.ceil(config["min_share"] * len(pages)))
    page_lines = [_lines(text, start, end, _ocr_signature if skip_junk else None) for start, end in pages]
    if skip_junk:
        page_lines = _without_junk_edges(page_lines, config, threshold)
    top, bottom = Counter(), Counter()
    for lines in page_lines:
        top.update({(i, sig) for i, (_, _, sig) in enumerate(lines[:config["top_lines"]])})
        bottom.update({(i, sig) for i, (_, _, sig) in enumerate(reversed(lines[-config["bottom_lines"]:]))})
    edits = []
    for (page_start, page_end), lines in zip(pages, page_lines, strict=True):
        n_top = 0
        while n_top < min(len(lines), config["top_lines"]) and top[(n_top, lines[n_top][2])] >= threshold:
            n_top += 1
        n_bottom = 0
        while (n_bottom < min(len(lines) - n_top, config["bottom_lines"])
               and bottom[(n_bottom, lines[-1 - n_bottom][2])] >= threshold):
            n_bottom += 1
        first_kept, last_kept = n_top, len(lines) - 1 - n_bottom
        if first_kept > last_kept:
            if lines:
                edits.append((page_start, page_end, ""))
            continue
        if n_top:
            edits.append((page_start, lines[first_kept][0], ""))
        if n_bottom:
            edits.append((lines[last_kept][1], page_end, ""))
    return edits


def _without_junk_edges(page_lines: list[list[tuple[int, int, str]]], config: dict,
                        threshold: int) -> list[list[tuple[int, int, str]]]:
    """Each page's lines less the few lines before its header's anchor and after its
    footer's: the anchor is the line in the top (bottom) zones of the most pages, the
    outermost of those, so that pages line up on it whatever junk comes before."""
    slack = config["junk_lines"]

    def anchor(zones: list[list[str]]) -> str | None:
        seen: Counter[str] = Counter()
        place: Counter[str] = Counter()
        for zone in zones:
            for k, sig in enumerate(dict.fromkeys(zone)):
                seen[sig] += 1
                place[sig] += k
        best = max(seen, key=lambda sig: (seen[sig], -place[sig] / seen[sig]), default=None)
        return best if best is not None and seen[best] >= threshold else None

    top = anchor([[sig for _, _, sig in lines[:config["top_lines"] + slack]] for lines in page_lines])
    top_zone = config["top_lines"] + slack  # a footer is looked for below the header's zone
    bottom = anchor([[sig for _, _, sig in reversed(lines[top_zone:][-(config["bottom_lines"] + slack):])]
                     for lines in page_lines])
    out = []
    for lines in page_lines:
        first = next((k for k, (_, _, sig) in enumerate(lines[:slack + 1]) if sig == top), 0)
        rest = lines[first:]
        last = next((k for k, (_, _, sig) in enumerate(reversed(rest[-(slack + 1):])) if sig == bottom), 0)
        out.append(rest[:len(rest) - last])
    return out


def _page_spans(text: str) -> list[tuple[int, int]]:
    """Each page's [start, end) between separators (found left to right, never overlapping)."""
    spans, start = [], 0
    while (cut := text.find(PAGE_SEPARATOR, start)) >= 0:
        spans.append((start, cut))
        start = cut + len(PAGE_SEPARATOR)
    spans.append((start, len(text)))
    return spans


def _signature(line: str) -> str:
    """A line as compared across pages: page numbers masked, nothing else.

    "Side 3 af 12", "- 3 -" and "Referat, side 3" agree from page to page; a
    "Punkt 3" or a date does not change into something that repeats.
    """
    words = " ".join(line.lower().split())
    # A page number ends the line: look only at its tail, so that a line of a
    # megabyte of dashes costs one short search, not one per character.
    page_number = _PAGE_NUMBER.search(words, max(0, len(words) - _PAGE_NUMBER_REACH))
    if page_number:
        words = words[:page_number.start()] + _DIGITS.sub("#", page_number.group())
    return words


def _ocr_signature(line: str) -> str:
    """A line as compared across OCR'd pages: words only, digits and punctuation masked
    ("Dato: 04.12,2012" and "Dato: 04.12.2012" agree; OCR misreads the punctuation)."""
    return _NOT_LETTERS.sub("#", line.lower()).strip("#")


def _lines(text: str, start: int, end: int, signature: Callable[[str], str] | None = None
           ) -> list[tuple[int, int, str]]:
    """Non-blank lines of a page: (start, end after its newline, signature)."""
    lines = []
    pos = start
    while pos < end:
        stop = text.find("\n", pos, end)
        stop = end if stop < 0 else stop
        line = text[pos:stop]
        if line.strip():
            lines.append((pos, min(stop + 1, end), (signature or _signature)(line)))
        pos = stop + 1
    return lines


# --- OCR steps: only on pages read by OCR ------------------------------------

_OCR_LINE_END_DASH = re.compile(rf"(?<=[^\W\d_])(?:[–—¬]|-(?={_SPACE}*\n{_SPACE}*\n))"
                                rf"{_SPACE}*\n(?:{_SPACE}*\n)*{_SPACE}*(?=[a-zæøå])")
_OCR_QUOTES = re.compile(r"(?<![\w,]),,(?=\w)|(?<=[\w.!?])''(?![\w'])")
_OCR_NUMBER = re.compile(r"(?<![\w.,:/])[\dOolI](?:[\dOolI]|[.,:/-](?=[\dOolI]))*(?![\w])")
_OCR_DIGIT = str.maketrans("OolI", "0011")
# "&" or "$" after a word ("planlovens & 27", "jf. & 13"), never after a number ("punkt 3 & 4");
# "8" or "S" only after the name of an act ("planlovens 8 27")
_OCR_SECTION_SIGN = re.compile(rf"(?:(?:(?<=[^\W\d_] )|(?<=[^\W\d_]\. )|(?<=\()|(?<=^))[&$]"
                               rf"|(?:(?<=lov )|(?<=loven )|(?<=lovens )|(?<=lovs ))[8S])"
                               rf"(?={_SPACE}?\d{{1,3}}(?![\d.,]\d))", re.MULTILINE)
# starts after a word and a space only, and takes the whole run at once: linear time
_OCR_LEADER = re.compile(rf"(?<=[^\s.,·:…_‚']{_SPACE})(?:[.,·:…_‚'] ?){{4,}}+(?={_SPACE}*\d{{1,4}}{_SPACE}*$)",
                         re.MULTILINE)
_LEADER = re.compile(r"\.+")


@lru_cache(maxsize=1)
def _ocr_word_table() -> tuple[dict[str, str], re.Pattern[str]]:
    table = load_toml("normalise.toml")["ocr_words"]
    return table, re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, table)) + r")(?!\w)")


def ocr_words(text: str) -> list[Edit]:
    table, pattern = _ocr_word_table()
    return _regex_edits(pattern, text, lambda m: table[m.group()])


def ocr_hyphens(text: str) -> list[Edit]:
    return _regex_edits(_OCR_LINE_END_DASH, text, "-\n")


def ocr_quotes(text: str) -> list[Edit]:
    return _regex_edits(_OCR_QUOTES, text, lambda m: "„" if m.group() == ",," else "”")


def ocr_digits(text: str) -> list[Edit]:
    return _regex_edits(_OCR_NUMBER, text, lambda m: m.group().translate(_OCR_DIGIT)
                        if any(c.isdigit() for c in m.group()) else m.group())


def ocr_section_signs(text: str) -> list[Edit]:
    return _regex_edits(_OCR_SECTION_SIGN, text, "§")


def ocr_leaders(text: str) -> list[Edit]:
    return _regex_edits(_OCR_LEADER, text, lambda m: m.group() if _LEADER.fullmatch(m.group().rstrip())
                        else "." * max(4, sum(not c.isspace() for c in m.group())) + " ")


STEPS: dict[str, Step] = {
    "newlines": newlines,
    "controls": controls,
    "soft_hyphens": soft_hyphens,
    "ligatures": ligatures,
    "nfc": nfc,
    "headers_footers": headers_footers,
    "hyphenation": hyphenation,
    "page_breaks": page_breaks,
    "whitespace": whitespace,
    "ocr_hyphens": ocr_hyphens,
    "ocr_quotes": ocr_quotes,
    "ocr_digits": ocr_digits,
    "ocr_section_signs": ocr_section_signs,
    "ocr_leaders": ocr_leaders,
    "ocr_words": ocr_words,
    "ocr_headers_footers": ocr_headers_footers,
}
OCR_STEPS: tuple[str, ...] = ("ocr_hyphens", "ocr_quotes", "ocr_digits", "ocr_section_signs",
                              "ocr_leaders", "ocr_words", "ocr_headers_footers")
"""Steps for pages read by OCR; `normalise` runs them on those pages only, after `nfc`."""
DEFAULT_STEPS: tuple[str, ...] = tuple(name for name in STEPS if name not in OCR_STEPS)


def only_on_pages(step: Step, pages: frozenset[int]) -> Step:
    """`step`'s edits on some pages only (0-based, between page separators); the step
    sees the whole text, so a step that compares pages compares all of them."""
    def scoped(text: str) -> list[Edit]:
        spans = [span for i, span in enumerate(_page_spans(text)) if i in pages]
        return [edit for edit in step(text) if any(start <= edit[0] and edit[1] <= end for start, end in spans)]

    scoped.__name__ = getattr(step, "__name__", "step")
    return scoped


def _with_ocr_steps(steps: Iterable[str | Step], ocr_pages: frozenset[int]) -> list[str | Step]:
    steps = list(steps)
    at = steps.index("nfc") + 1 if "nfc" in steps else 0
    return steps[:at] + [only_on_pages(STEPS[name], ocr_pages) for name in OCR_STEPS] + steps[at:]


def _resolve(steps: Iterable[str | Step]) -> list[Step]:
    resolved = []
    for step in steps:
        if callable(step):
            resolved.append(step)
        elif step in STEPS:
            resolved.append(STEPS[step])
        else:
            raise ValueError(f"unknown normalise step {step!r}; valid steps: {', '.join(STEPS)}")
    return resolved


# --- the stage --------------------------------------------------------------


@dataclass
class Normalised:
    """The clean text, its pages and structure (offsets into `text`), and the map back."""

    text: str
    pages: list[Page]
    structure: Structure | None
    offset_map: OffsetMap
    raw_text: str

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Where `text[start:end]` came from in `raw_text`."""
        return self.offset_map.to_raw(start), self.offset_map.to_raw(end)


def clean(text: str, steps: Iterable[str | Step] = DEFAULT_STEPS) -> tuple[str, OffsetMap]:
    """Run the steps over a text: (clean text, map back to `text`)."""
    maps = []
    for step in _resolve(steps):
        edits = step(text)
        if edits:
            text, step_map = apply_edits(text, edits)
            maps.append(step_map)
    return text, OffsetMap(maps)


def normalise(source: Source, steps: Iterable[str | Step] = DEFAULT_STEPS) -> Normalised:
    """Clean `source`'s raw text; pages and structure move along with it.

    Pages read by OCR also get the `OCR_STEPS`, and keep how they were read.
    """
    raw = source.raw_text
    ocr_pages = frozenset(i for i, page in enumerate(source.page_ocr) if page is not None)
    if ocr_pages:
        steps = _with_ocr_steps(steps, ocr_pages)
    text, offsets = clean(raw, steps)
    starts, pos = [], 0
    for page in source.pages:
        starts.append(offsets.to_norm(pos))
        pos += len(page) + len(PAGE_SEPARATOR)
    ends = starts[1:] + [len(text)]
    pages = [_page(number, start, max(start, end), source.page_ocr[number - 1] if ocr_pages else None)
             for number, (start, end) in enumerate(zip(starts, ends), start=1)]
    structure = _move_structure(source.structure, offsets) if source.structure else None
    return Normalised(text, pages, structure, offsets, raw)


def _page(number: int, start: int, end: int, ocr: PageOcr | None) -> Page:
    if ocr is None:
        return Page(number, start, end)
    return Page(number, start, end, ocr=True, ocr_engine=ocr.engine, ocr_version=ocr.version,
                ocr_confidence=ocr.confidence)


def _move_structure(structure: Structure, offsets: OffsetMap) -> Structure:
    def span(start: int, end: int) -> tuple[int, int]:
        return offsets.to_norm(start), offsets.to_norm(end)

    items = []
    for item in structure.items:
        start, end = span(item.start, item.end)
        sections = [replace(s, start=a, end=b) for s in item.sections
                    for a, b in [span(s.start, s.end)]]
        items.append(replace(item, start=start, end=end, sections=sections))
    return Structure(meeting=replace(structure.meeting), items=items)


__all__ = ["DEFAULT_STEPS", "OCR_STEPS", "STEPS", "Normalised", "OffsetMap", "StepMap", "apply_edits", "clean",
           "normalise"]
