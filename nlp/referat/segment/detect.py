"""Which lines are item headings: scored candidates and the best numbered chain.

Every layout family (configs/layouts/*.toml) proposes candidate headings, the
lines its shapes match (after a bullet, and with a table's "|" cells read as
tab-separated cells). A number alone on its line ("Pkt. 42", "Sag nr. 130")
is read both ways where the family allows it: with its title on the line
below, and with its title on the line above. Each candidate's evidence that
it starts an item is computed in one place, `candidate_evidence`, as named
terms (the strength of its shape, a blank line before it, a case number or
an empty case-number field just after it, a plausible title: capitalised,
not an "at ..." list line, not a sentence or a question; a printed marker;
and what speaks against it: a lone page number at the top of a page, a line
of a numbered list inside an item's section); its score is the sum of the
terms weighted by the family's [score] table. Table-of-contents lines (dot
leaders, tab + page number) are dropped; a heading printed twice in a row is
one heading; a numbered title that reappears later is a table of contents
and the later occurrence is kept.

The chain is the sequence of candidates, in text order, whose numbers go up
("2", "2a", "2b", "3"), that maximises the candidates' scores less what
speaks against it: a gap in the numbering (withdrawn items; numbers that run
on over the year), consecutive headings that look different (one has a case
number, the other none), an item without a body or without a section where
the document has sections, a body that holds a more convincing heading than
its own. Headings with a case number or a marker below them are near
certain; their own best chain becomes anchors the full chain must keep. The
chain is found by dynamic programming over candidates grouped by number, so
the work is linear in the number of candidates. Each family's best chain is
scored; the best family wins.
"""

from __future__ import annotations

import logging
import math
from bisect import bisect_right, insort
import re
from dataclasses import dataclass, field
from typing import Protocol

from referat.segment import config
from referat.segment.config import Family, HeadingShape
from referat.segment.dates import find_date
from referat.segment.kind import title_kind
from referat.segment.lines import Lines, heading_text
from referat.segment.titles import clean_title, same_title, title_key, trailing_page

log = logging.getLogger(__name__)

_MIN_CHAIN_SCORE = 1.0  # below this, no chain at all is the better reading
_SAME_NUMBER_LOOKAHEAD = 50  # later candidates compared when looking for a repeated heading
_SECTION_SOON = 4  # non-blank lines after a heading where a section heading counts as "soon"
_SECTIONED = 3  # section-heading lines from which a document counts as having sections
_TITLE_BELOW = 12  # lines (blank or running header) a title may lie below "Punkt 3" / "3."
_MIN_ANCHORS = 2  # strong headings needed before they constrain the chain
_KEY_PREFIX = 4  # title keys shorter than this never match (see titles.same_title)
_RECENT = 8  # predecessors tried per number: the nearest ones ...
_TOP = 3  # ... and the best-scoring ones
_TITLE_ABOVE_LINES = 2  # a title above its number ("Title" / "Sag nr. 130") takes at most this many lines
_LIST_GAP = 3  # non-blank lines between two entries of one numbered list
_PAGE_EDGE = 2  # non-blank lines at the top or bottom of a page where a page number stands
_BARE_NUMBER = re.compile(r"[-–(]?\s*\d{1,3}\s*[.)]?\s*[-–)]?")


@dataclass
class Candidate:
    """A line that a family's heading shape matches."""

    line: int  # the first line of the heading (the title's, where the title stands above the number)
    number: int
    raw_title: str  # the title text as printed (first line only)
    title_line: int  # the line the title is on (the heading line, the next, or the last line above)
    shape: HeadingShape
    label: str = ""  # the letter after the number: "2a." -> "a"
    number_line: int = -1  # the line the number is on, where the title stands above it
    bullet: bool = False  # printed after a bullet ("• 301. Title")
    score: float = 0.0
    terms: dict[str, float] = field(default_factory=dict)  # the evidence the score sums (candidate_evidence)
    key: str = ""
    echo: int | None = None  # the line of the same heading printed again just below
    dropped: bool = False
    style: tuple = ()  # (case number, marker, shape, blank before, section soon, bullet): what items share

    @property
    def head_end(self) -> int:
        """The last line of the heading (title line, number line or its echo)."""
        return max(self.title_line, self.number_line, self.echo or 0)

    @property
    def rank(self) -> int:
        return letter_rank(self.label)


def letter_rank(label: str | None) -> int:
    """0 for a plain number, 1 for "a", 2 for "b", ...: the order of items sharing a number."""
    return ord(label.casefold()) - ord("a") + 1 if label else 0


def missing_between(number: int, rank: int, next_number: int, next_rank: int) -> int | None:
    """How many items are missing between two headings ("2" then "5": 2), or None when the
    second cannot follow the first. "2" -> "2a", "2a" -> "2b", "2b" -> "3" and "1" -> "2a" miss none."""
    if next_number == number:
        return next_rank - rank - 1 if next_rank > rank else None
    if next_number < number:
        return None
    return next_number - number - 1 + max(next_rank - 1, 0)


@dataclass
class Chain:
    family: Family
    candidates: list[Candidate]
    score: float
    toc_entries: int = 0  # table-of-contents heading lines seen (dot leaders / tab page)
    considered: int = 0  # candidate headings scored (for the best chain of all: the most any family had)
    skipped: list[Candidate] = field(default_factory=list)  # headings with a case number or marker left
    # out, though as convincing as the weakest heading kept


def _title_from_next_line(lines: Lines, index: int, family: Family) -> int | None:
    """For "Punkt 3" / "3." alone: the next non-blank line, if it can be a title."""
    below = lines.following(index, 1, index + _TITLE_BELOW)
    if not below:
        return None
    nxt = below[0]
    return nxt if _can_be_title(lines, nxt, family) else None


def _can_be_title(lines: Lines, index: int, family: Family) -> bool:
    text = lines[index].text
    return not (len(text) > config.base().max_title_chars or lines.case_number(index) or lines.section(index)
                or any(s.pattern.match(heading_text(text)[0]) for s in family.shapes))


def _title_above(lines: Lines, index: int, family: Family) -> tuple[int, int] | None:
    """For "Sag nr. 130" alone: the title's first and last line right above it, if the
    title starts a block of its own (a blank line, or the top of a page, before it)."""
    last = index - 1
    if last < 0 or lines[last].blank or last in lines.furniture:
        return None
    first = last
    while first > 0 and not lines[first - 1].blank and first - 1 not in lines.page_lines:
        first -= 1
        if last - first >= _TITLE_ABOVE_LINES:
            return None
    if not all(_can_be_title(lines, i, family) for i in range(first, last + 1)):
        return None
    return first, last


def _is_toc_line(text: str) -> bool:
    """A dot leader, or a tab and a page number at the end ("Budget 2020\t4")."""
    _, tab, page = text.rstrip().rpartition("\t")
    return bool(tab and page.strip().isdigit() and len(page.strip()) <= 4) or bool(config.base().toc_leader.search(text))


def find_candidates(lines: Lines, family: Family) -> tuple[list[Candidate], int]:
    """The family's candidate headings in text order, and how many TOC lines it matched."""
    found: list[Candidate] = []
    toc = 0
    for line, text, bullet in lines.maybe_headings:
        for shape in family.shapes:
            if shape.first_chars and text[0] not in shape.first_chars:
                continue
            m = shape.pattern.match(text)
            if not m:
                continue
            if _is_toc_line(text):  # (a table row "| 1 | Title | 3 |" with a page column too)
                toc += 1
                break
            number, label = int(m["number"]), m.groupdict().get("label") or ""
            if shape.title_on_previous_line:  # one reading of a number alone; the next shapes may read it too
                above = _title_above(lines, line.index, family)
                if above is not None:
                    first, last = above
                    raw = " ".join(lines[i].text for i in range(first, last + 1))
                    found.append(Candidate(first, number, raw, last, shape, label, line.index, bullet))
                continue
            title_line = line.index
            raw = m.groupdict().get("title") or ""
            if shape.title_on_next_line or not raw.strip():
                nxt = _title_from_next_line(lines, line.index, family)
                if nxt is not None:
                    title_line, raw = nxt, lines[nxt].text
            found.append(Candidate(line.index, number, raw.strip(), title_line, shape, label, line.index, bullet))
            break
    found.sort(key=lambda c: c.line)  # a title above its number puts the heading before the number's line
    return found, toc


@dataclass(frozen=True)
class _Context:
    """What the evidence of one candidate needs to know about the others."""

    page_count: int
    lowercase_share: float  # of the plausible headings (blank line before, no list) printed in lower case
    in_list: frozenset[int]  # lines of candidates that are entries of a numbered list inside an item


def candidate_evidence(cand: Candidate, lines: Lines, family: Family, context: _Context,
                       next_heading: int) -> dict[str, float]:
    """The named evidence that `cand` starts an item: feature values the score weighs.

    Every term is a number (mostly 0 or 1); the family's [score] table weighs
    each by its name (`shape` is the shape's own weight). What lies below a
    heading is only looked at up to `next_heading`, the next candidate's line:
    a case number under that one is not this one's.
    """
    base = config.base()
    title = clean_title(cand.raw_title)
    blank = cand.line == 0 or lines[cand.line - 1].blank or cand.line in lines.page_lines
    below = lines.following(cand.head_end, max(base.case_window, _SECTION_SOON), next_heading)
    case = bool(title.case_number or any(lines.case_number(i) or lines.case_field(i)
                                         for i in below[:base.case_window]))
    page = trailing_page(cand.raw_title)
    terms = {
        "shape": cand.shape.weight,
        "blank_before": float(blank),
        "case_number_after": float(case),
        "section_soon": float(any(lines.section(i) for i in below[:_SECTION_SOON])),
        "marker": float(bool(title.marker)),
        "closed": float(title.closed),
        "soft_toc": float(page is not None and page <= context.page_count and not title.marker),
        "bullet": float(cand.bullet),
        "table_row": float(lines[cand.number_line].text.count("\t") >= 2 or lines[cand.number_line].text.count("|") >= 3),
        "in_list": float(cand.line in context.in_list),
        "page_number": float(_is_page_number(cand, lines)),
        "title_too_long": float(len(title.text) > base.max_title_chars),
    }
    terms.update(_title_terms(title.text, family.score["list_words"], context.lowercase_share))
    return terms


def _is_page_number(cand: Candidate, lines: Lines) -> bool:
    """A number alone at the top or bottom of a page that is that page's number."""
    heading = lines[cand.number_line]
    if not _BARE_NUMBER.fullmatch(heading.text) or not lines.page_lines:
        return False
    page, first, stop = lines.page_span(heading.index)
    at_edge = (lines.nonblank_between(first, heading.index) < _PAGE_EDGE
               or lines.nonblank_between(heading.index + 1, stop) < _PAGE_EDGE)
    return at_edge and abs(cand.number - page) <= 1


def _title_terms(text: str, list_words: list[str], lowercase_share: float) -> dict[str, float]:
    """How much a cleaned title looks like an item title (not a list line, not a sentence).

    A lower-case title counts against a heading in proportion to how unusual
    lower case is among the document's plausible headings: where they all are,
    it is the layout.
    """
    terms = dict.fromkeys(("empty_title", "lowercase", "list_word", "capitalised", "sentence", "question",
                           "clause", "too_long"), 0.0)
    if not any(ch.isalpha() for ch in text):
        terms["empty_title"] = 1.0
        return terms
    if text[0].islower():
        terms["lowercase"] = 1.0 - lowercase_share
        terms["list_word"] = float(text.split(maxsplit=1)[0].casefold() in list_words)
    elif text[0].isupper() or text[0].isdigit() or text[0] in "§\"'«“”":
        terms["capitalised"] = 1.0
    words = text.split()
    # "... taget til efterretning." (not "... mv.", "... pkt.")
    terms["sentence"] = float(text.endswith(".") and len(words) >= 3 and len(words[-1]) > 4
                              and "." not in words[-1][:-1])
    terms["question"] = float(text.endswith("?"))
    terms["clause"] = float(text.endswith((",", ";")))
    terms["too_long"] = float(len(text) > 200)
    return terms


def _score(terms: dict[str, float], weights: dict) -> float:
    if terms["title_too_long"]:
        return float("-inf")
    return sum(weights[name] * value for name, value in terms.items() if value and name in weights)


def _context(cands: list[Candidate], lines: Lines, family: Family, page_count: int) -> _Context:
    """Lower case among plausible headings, and the entries of numbered lists inside items."""
    in_list = _list_entries(cands, lines)
    list_words = family.score["list_words"]
    plausible = [c for c in cands if c.line not in in_list and (c.line == 0 or lines[c.line - 1].blank)
                 and (t := clean_title(c.raw_title).text) and t[0].isalpha()
                 and t.split(maxsplit=1)[0].casefold() not in list_words]
    lower = sum(1 for c in plausible if clean_title(c.raw_title).text[0].islower())
    return _Context(page_count, lower / len(plausible) if plausible else 0.0, frozenset(in_list))


def _list_entries(cands: list[Candidate], lines: Lines) -> set[int]:
    """Lines of candidates that belong to a numbered list inside an item: a run of numbers
    from 1 up, each close below the one before, that starts inside a section (a section
    heading between it and the candidate before), like "Indstilling" / "1. At ..." / "2. At ...".
    A line with a case number below it is a heading, never an entry."""
    entries: set[int] = set()
    run: list[Candidate] = []
    window = config.base().case_window
    for pos, cand in enumerate(cands):
        prev = run[-1] if run else None
        if any(lines.case_number(i) or lines.case_field(i) for i in lines.following(cand.head_end, window)):
            run = []  # a case number below: a heading, never a list entry
            continue
        if (prev is not None and cand.number == prev.number + 1 and not cand.label
                and not lines.sections_between(prev.head_end + 1, cand.line)
                and lines.nonblank_between(prev.head_end + 1, cand.line) <= _LIST_GAP):
            run.append(cand)
            entries.add(cand.line)
            continue
        run = []
        if cand.number == 1 and not cand.label and pos > 0 and _inside_section(lines, cands[pos - 1], cand.line):
            run = [cand]
            entries.add(cand.line)
    return entries


def _inside_section(lines: Lines, before: Candidate, line: int) -> bool:
    """Whether a section heading lies between a heading and `line`: the item's body, not the
    document's head (a date line "3. maj 2021" is no heading; "Beslutningsprotokol" is a title)."""
    if find_date(lines[before.number_line].text):
        return False
    return any(lines.section(i) and not title_kind(lines[i].text) for i in range(before.head_end + 1, line))


def _style_change(a: Candidate, b: Candidate, weights: tuple[float, ...]) -> float:
    """The cost of two consecutive items whose headings look different."""
    return sum(weight for weight, x, y in zip(weights, a.style, b.style) if x != y)


def _drop_repeats(cands: list[Candidate], lines: Lines) -> None:
    """Merge a heading printed twice in a row; drop a title that reappears later (a TOC)."""
    groups: dict[tuple[int, int, str], list[Candidate]] = {}  # titles that can match share 4 first characters
    for cand in cands:
        if len(cand.key) >= _KEY_PREFIX:
            groups.setdefault((cand.number, cand.rank, cand.key[:_KEY_PREFIX]), []).append(cand)
    for group in groups.values():
        for pos, cand in enumerate(group):
            if cand.dropped:
                continue
            for later in group[pos + 1: pos + 1 + _SAME_NUMBER_LOOKAHEAD]:
                if later.dropped or not same_title(cand.key, later.key):
                    continue
                if cand.echo is None and later.line > cand.head_end and \
                        lines.nonblank_between(cand.head_end + 1, later.line) == 0:
                    cand.echo = later.head_end
                    cand.raw_title = later.raw_title  # the second copy: a lone TOC line may carry a page number
                    later.dropped = True
                    continue
                cand.dropped = True
                break


class _BodyCost:
    """What the text between a heading and the next says against the heading.

    Nothing there (unless it is the last item, or a row of a table), no
    section heading where the document has them, or a candidate heading inside that outscores its own
    (`skipped`, the best score among them): a misreading.
    """

    def __init__(self, lines: Lines, w: dict):
        self.nonblank_between = lines.nonblank_between
        self.sections_between = lines.sections_between
        self.size = len(lines)
        self.sectioned = lines.sections_between(0, self.size) >= _SECTIONED
        self.bodiless, self.sectionless = w["bodiless"], w["sectionless_body"]
        self.skipped_stronger, self.margin = w["skipped_stronger"], w["skipped_margin"]

    def __call__(self, cand: Candidate, next_line: int, skipped: float) -> float:
        value = 0.0
        first = cand.head_end + 1
        if next_line < self.size:  # the last item may well be a bare heading ("Eventuelt", a closed item)
            if self.nonblank_between(first, next_line) == 0 and not cand.terms.get("table_row"):
                value += self.bodiless  # (the rows of an agenda table have no bodies)
            if self.sectioned and not self.sections_between(first, next_line):
                value += self.sectionless
        excess = skipped - cand.score - self.margin
        if excess > 0:
            value += self.skipped_stronger * excess
        return value


class RangeMax:
    """Maximum of a fixed list over index ranges in O(1) (a sparse table)."""

    def __init__(self, values: list[float]):
        self.table = [list(values)]
        width = 1
        while 2 * width <= len(values):
            row = self.table[-1]
            self.table.append([max(row[i], row[i + width]) for i in range(len(row) - width)])
            width *= 2

    def max(self, first: int, last: int) -> float:
        """max(values[first:last]); -inf for an empty range."""
        if last <= first:
            return float("-inf")
        level = (last - first).bit_length() - 1
        row = self.table[level]
        return max(row[first], row[last - (1 << level)])


def scored_candidates(lines: Lines, family: Family, page_count: int = 0) -> tuple[list[Candidate], int]:
    """The family's candidates with their evidence (`terms`), `score` and `style`, and the
    number of TOC lines seen. Repeats are merged or dropped; impossible headings left out."""
    cands, toc = find_candidates(lines, family)
    for cand in cands:
        cand.key = title_key(clean_title(cand.raw_title).text)
    _drop_repeats(cands, lines)
    cands = [c for c in cands if not c.dropped]
    context = _context(cands, lines, family, page_count or 999)
    for pos, cand in enumerate(cands):  # (another reading of the same number line is no next heading)
        next_heading = next((c.line for c in cands[pos + 1:] if c.line > cand.head_end), len(lines))
        cand.terms = candidate_evidence(cand, lines, family, context, next_heading)
        cand.score = _score(cand.terms, family.score)
        t = cand.terms
        cand.style = (t["case_number_after"], t["marker"], family.shapes.index(cand.shape), t["blank_before"],
                      t["section_soon"], t["bullet"])
    return [c for c in cands if c.score > float("-inf")], toc


class HeadingScorer(Protocol):
    """What the chain search asks of a learned heading model (segment/heading_model.py)."""

    def rescore(self, cands: list[Candidate], lines: Lines, family: Family) -> None:
        """Set each candidate's score from the rules' score and the model's own."""


def best_chain(lines: Lines, family: Family, page_count: int = 0,
               heading_model: HeadingScorer | None = None) -> Chain:
    """The family's best chain of headings (possibly empty) and its score.

    Headings with a case number or a printed marker below them are near
    certain: their own best chain becomes anchors that the full chain must
    keep, so a numbered list inside an item can never stand in for the
    items around it. A `heading_model` rescores the candidates the rules
    scored before the chain is searched.
    """
    cands, toc = scored_candidates(lines, family, page_count)
    if heading_model is not None:
        heading_model.rescore(cands, lines, family)
    strong = [c for c in cands if c.style[0] or c.style[1]]
    anchors: list[Candidate] = []
    if len(strong) >= _MIN_ANCHORS:
        anchors = _chain_dp(strong, lines, family)[1]
    if len(anchors) >= _MIN_ANCHORS:
        cands = _fitting(cands, anchors)
    total, chain = _chain_dp(cands, lines, family, {id(a) for a in anchors} if len(anchors) >= _MIN_ANCHORS else None)
    taken = {c.number_line for c in chain}
    weakest = min((c.score for c in chain), default=_MIN_CHAIN_SCORE)
    skipped = [c for c in strong if c.number_line not in taken and not c.terms["in_list"] and c.score >= weakest]
    return Chain(family, chain, total, toc, len(cands), skipped)


def _fitting(cands: list[Candidate], anchors: list[Candidate]) -> list[Candidate]:
    """The candidates whose numbers fit between the anchors around them."""
    kept = []
    pos = 0  # anchors[pos] is the first anchor at or after the candidate
    anchor_ids = {id(a) for a in anchors}
    for cand in cands:
        while pos < len(anchors) and anchors[pos].line < cand.line:
            pos += 1
        if id(cand) in anchor_ids:
            kept.append(cand)
            continue
        low = (anchors[pos - 1].number, anchors[pos - 1].rank) if pos > 0 else (-1, 0)
        high = (anchors[pos].number, anchors[pos].rank) if pos < len(anchors) else (10**9, 0)
        if low < (cand.number, cand.rank) < high:
            kept.append(cand)
    return kept


def gap_cost(missing: int, w: dict) -> float:
    """The cost of `missing` item numbers between two headings: the first gap costs most,
    each doubling a little more, so that numbers running on over the year (91, 102) stay
    one chain where the headings are convincing."""
    return 0.0 if missing <= 0 else w["gap"] + w["gap_doubling"] * math.log2(missing)


def _chain_dp(cands: list[Candidate], lines: Lines, family: Family,
              anchors: set[int] | None = None) -> tuple[float, list[Candidate]]:
    """The best chain over `cands` (in text order) and its score; a chain must
    pass through every candidate whose id is in `anchors`."""
    w = family.score
    max_gap = int(w["max_gap"])
    strongest = RangeMax([c.score for c in cands])
    body_cost = _BodyCost(lines, w)
    switch = (w["switch_case"], w["switch_marker"], w["switch_shape"], w["switch_blank"], w["switch_section"],
              w["switch_bullet"])
    floor = []  # index of the last anchor before each candidate (-1: none)
    last_anchor = -1
    for j, cand in enumerate(cands):
        floor.append(last_anchor)
        if anchors and id(cand) in anchors:
            last_anchor = j
    best: list[float] = []
    back: list[int | None] = []
    recent: dict[int, list[int]] = {}
    top: dict[int, list[int]] = {}
    seen: list[int] = []  # the numbers of the candidates so far, sorted
    peak = float("-inf")  # the best chain value so far: no predecessor can give more, less its gap
    for j, cand in enumerate(cands):
        value = (0.0 if cand.number in (0, 1) else w["start_not_one"]) if floor[j] < 0 else float("-inf")
        prev = None
        for k in range(bisect_right(seen, cand.number if cand.rank else cand.number - 1) - 1, -1, -1):
            number = seen[k]
            fewest = max(cand.number - number - 1, 0)  # items missing after any heading numbered `number`
            if fewest > max_gap or (prev is not None and peak + gap_cost(fewest, w) <= value):
                break  # farther numbers only cost more
            pool = set(recent.get(number, [])[-_RECENT:]) | set(top.get(number, []))
            if floor[j] >= 0 and cands[floor[j]].number == number:
                pool.add(floor[j])  # the anchor before is always a possible predecessor
            for i in sorted(pool):
                before = cands[i]
                missing = missing_between(before.number, before.rank, cand.number, cand.rank)
                if i < floor[j] or missing is None or missing > max_gap:
                    continue
                v = (best[i] + body_cost(before, cand.line, strongest.max(i + 1, j))
                     + gap_cost(missing, w) - _style_change(before, cand, switch))
                if v > value:
                    value, prev = v, i
        best.append(cand.score + value)
        back.append(prev)
        peak = max(peak, best[-1])
        if cand.number not in recent:
            insort(seen, cand.number)
        recent.setdefault(cand.number, []).append(j)
        tops = top.setdefault(cand.number, [])
        tops.append(j)
        tops.sort(key=lambda i: best[i], reverse=True)
        del tops[_TOP:]
    end_line = len(lines)
    total, last = (_MIN_CHAIN_SCORE if last_anchor < 0 else float("-inf")), None
    for j, cand in enumerate(cands[max(last_anchor, 0):], start=max(last_anchor, 0)):
        v = best[j] + body_cost(cand, end_line, strongest.max(j + 1, len(cands)))
        if v > total:
            total, last = v, j
    chain: list[Candidate] = []
    while last is not None:
        chain.append(cands[last])
        last = back[last]
    chain.reverse()
    return (total if chain else 0.0), chain


def best_layout(lines: Lines, page_count: int = 0, heading_model: HeadingScorer | None = None) -> Chain:
    """The best chain over all layout families (ties go to the family listed first)."""
    chains = [best_chain(lines, family, page_count, heading_model) for family in config.families()]
    for chain in chains:
        log.debug("layout %s: %d items, score %.1f", chain.family.name, len(chain.candidates), chain.score)
    best = max(chains, key=lambda c: c.score)  # max keeps the first of equals
    best.considered = max(c.considered for c in chains)
    return best
