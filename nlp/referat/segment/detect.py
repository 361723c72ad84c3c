"""Which lines are item headings: scored candidates and the best numbered chain.

Every layout family (configs/layouts/*.toml) proposes candidate headings, the
lines its shapes match. A candidate is scored on evidence that it starts an
item: the strength of its shape, a blank line before it, a case number just
after it, a plausible title (capitalised, not an "at ..." list line, not a
sentence), a printed marker. Table-of-contents lines (dot leaders, tab + page
number) are dropped; a heading printed twice in a row is one heading; a
numbered title that reappears later is a table of contents and the later
occurrence is kept.

The chain is the sequence of candidates, in text order, whose numbers go up
by one, that maximises the candidates' scores less what speaks against it: a
gap in the numbering, consecutive headings that look different (one has a
case number, the other none), an item without a body or without a section
where the document has sections, a body that holds a more convincing heading
than its own. Headings with a case number or a marker below them are near
certain; their own best chain becomes anchors the full chain must keep. The
chain is found by dynamic programming over candidates grouped by number, so
the work is linear in the number of candidates. Each family's best chain is
scored; the best family wins.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from referat.segment import config
from referat.segment.config import Family, HeadingShape
from referat.segment.lines import Lines
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


@dataclass
class Candidate:
    """A line that a family's heading shape matches."""

    line: int
    number: int
    raw_title: str  # the title text as printed (first line only)
    title_line: int  # the line the title is on (the heading line, or the next)
    shape: HeadingShape
    score: float = 0.0
    key: str = ""
    echo: int | None = None  # the line of the same heading printed again just below
    dropped: bool = False
    style: tuple = ()  # (case number, marker, shape, blank before, section soon): what items share

    @property
    def head_end(self) -> int:
        """The last line of the heading (title line or its echo)."""
        return max(self.title_line, self.echo or 0)


@dataclass
class Chain:
    family: Family
    candidates: list[Candidate]
    score: float
    toc_entries: int = 0  # table-of-contents heading lines seen (dot leaders / tab page)
    considered: int = 0  # candidate headings scored (for the best chain of all: the most any family had)


def _title_from_next_line(lines: Lines, index: int, family: Family) -> int | None:
    """For "Punkt 3" / "3." alone: the next non-blank line, if it can be a title."""
    below = lines.following(index, 1, index + _TITLE_BELOW)
    if not below:
        return None
    nxt = below[0]
    text = lines[nxt].text
    if (len(text) > config.base().max_title_chars or lines.case_number(nxt) or lines.section(nxt)
            or any(s.pattern.match(text) for s in family.shapes)):
        return None
    return nxt


def _is_toc_line(text: str) -> bool:
    """A dot leader, or a tab and a page number at the end ("Budget 2020\t4")."""
    _, tab, page = text.rstrip().rpartition("\t")
    return bool(tab and page.strip().isdigit() and len(page.strip()) <= 4) or bool(config.base().toc_leader.search(text))


def find_candidates(lines: Lines, family: Family) -> tuple[list[Candidate], int]:
    """The family's candidate headings, and how many TOC lines it matched."""
    found: list[Candidate] = []
    toc = 0
    for line in lines.maybe_headings:
        text = line.text
        for shape in family.shapes:
            if shape.first_chars and text[0] not in shape.first_chars:
                continue
            m = shape.pattern.match(text)
            if not m:
                continue
            if _is_toc_line(text):
                toc += 1
                break
            title_line = line.index
            raw = m.groupdict().get("title") or ""
            if shape.title_on_next_line or not raw.strip():
                nxt = _title_from_next_line(lines, line.index, family)
                if nxt is not None:
                    title_line, raw = nxt, lines[nxt].text
            found.append(Candidate(line.index, int(m["number"]), raw.strip(), title_line, shape))
            break
    return found, toc


def _score(cand: Candidate, lines: Lines, family: Family, page_count: int, next_heading: int) -> None:
    """Set the candidate's score (evidence that it starts an item) and its style.

    What lies below a heading is only looked at up to `next_heading`, the next
    candidate's line: a case number under that one is not this one's.
    """
    w = family.score
    title = clean_title(cand.raw_title)
    text = title.text
    blank = cand.line == 0 or lines[cand.line - 1].blank
    below = lines.following(cand.head_end, max(config.base().case_window, _SECTION_SOON), next_heading)
    case = bool(title.case_number or any(lines.case_number(i) for i in below[:config.base().case_window]))
    soon = any(lines.section(i) for i in below[:_SECTION_SOON])
    cand.style = (case, bool(title.marker), family.shapes.index(cand.shape), blank, soon)
    score = cand.shape.weight + _title_score(title.text, w)
    score += w["blank_before"] * blank + w["case_number_after"] * case
    score += w["marker"] * bool(title.marker) + w["closed"] * title.closed
    page = trailing_page(cand.raw_title)
    if page is not None and page <= page_count and not title.marker:
        score += w["soft_toc"]
    cand.score = float("-inf") if len(text) > config.base().max_title_chars else score


def _title_score(text: str, w: dict) -> float:
    """How much a cleaned title looks like an item title (not a list line, not a sentence)."""
    if not any(ch.isalpha() for ch in text):
        return w["empty_title"]
    score = 0.0
    if text[0].islower():
        score += w["lowercase"]
        if text.split(maxsplit=1)[0].casefold() in w["list_words"]:
            score += w["list_word"]
    elif text[0].isupper() or text[0].isdigit() or text[0] in "§\"'«“”":
        score += w["capitalised"]
    words = text.split()
    if text.endswith(".") and len(words) >= 3 and len(words[-1]) > 4 and "." not in words[-1][:-1]:
        score += w["sentence"]  # "... taget til efterretning." (not "... mv.", "... pkt.")
    if text.endswith((",", ";")):
        score += w["clause"]
    if len(text) > 200:
        score += w["too_long"]
    return score


def _style_change(a: Candidate, b: Candidate, weights: tuple[float, ...]) -> float:
    """The cost of two consecutive items whose headings look different."""
    return sum(weight for weight, x, y in zip(weights, a.style, b.style) if x != y)


def _drop_repeats(cands: list[Candidate], lines: Lines) -> None:
    """Merge a heading printed twice in a row; drop a title that reappears later (a TOC)."""
    groups: dict[tuple[int, str], list[Candidate]] = {}  # titles that can match share 4 first characters
    for cand in cands:
        if len(cand.key) >= _KEY_PREFIX:
            groups.setdefault((cand.number, cand.key[:_KEY_PREFIX]), []).append(cand)
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

    Nothing there (unless it is the last item), no section heading where the
    document has them, or a candidate heading inside that outscores its own
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
            if self.nonblank_between(first, next_line) == 0:
                value += self.bodiless
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


def best_chain(lines: Lines, family: Family, page_count: int = 0) -> Chain:
    """The family's best chain of headings (possibly empty) and its score.

    Headings with a case number or a printed marker below them are near
    certain: their own best chain becomes anchors that the full chain must
    keep, so a numbered list inside an item can never stand in for the
    items around it.
    """
    cands, toc = find_candidates(lines, family)
    for cand in cands:
        cand.key = title_key(clean_title(cand.raw_title).text)
    _drop_repeats(cands, lines)
    cands = [c for c in cands if not c.dropped]
    for pos, cand in enumerate(cands):
        _score(cand, lines, family, page_count or 999, cands[pos + 1].line if pos + 1 < len(cands) else len(lines))
    cands = [c for c in cands if c.score > float("-inf")]
    strong = [c for c in cands if c.style[0] or c.style[1]]
    anchors: list[Candidate] = []
    if len(strong) >= _MIN_ANCHORS:
        anchors = _chain_dp(strong, lines, family)[1]
    if len(anchors) >= _MIN_ANCHORS:
        cands = _fitting(cands, anchors)
    total, chain = _chain_dp(cands, lines, family, {id(a) for a in anchors} if len(anchors) >= _MIN_ANCHORS else None)
    return Chain(family, chain, total, toc, len(cands))


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
        low = anchors[pos - 1].number if pos > 0 else -1
        high = anchors[pos].number if pos < len(anchors) else 10**9
        if low < cand.number < high:
            kept.append(cand)
    return kept


def _chain_dp(cands: list[Candidate], lines: Lines, family: Family,
              anchors: set[int] | None = None) -> tuple[float, list[Candidate]]:
    """The best chain over `cands` (in text order) and its score; a chain must
    pass through every candidate whose id is in `anchors`."""
    w = family.score
    max_gap = int(w["max_gap"])
    strongest = RangeMax([c.score for c in cands])
    body_cost = _BodyCost(lines, w)
    switch = (w["switch_case"], w["switch_marker"], w["switch_shape"], w["switch_blank"], w["switch_section"])
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
    for j, cand in enumerate(cands):
        value = (0.0 if cand.number in (0, 1) else w["start_not_one"]) if floor[j] < 0 else float("-inf")
        prev = None
        for missing in range(max_gap + 1):
            number = cand.number - 1 - missing
            if number < 0:
                break
            pool = set(recent.get(number, [])[-_RECENT:]) | set(top.get(number, []))
            if floor[j] >= 0 and cands[floor[j]].number == number:
                pool.add(floor[j])  # the anchor before is always a possible predecessor
            for i in sorted(pool):
                if i < floor[j]:
                    continue
                v = (best[i] + body_cost(cands[i], cand.line, strongest.max(i + 1, j))
                     + missing * w["gap"] - _style_change(cands[i], cand, switch))
                if v > value:
                    value, prev = v, i
        best.append(cand.score + value)
        back.append(prev)
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


def best_layout(lines: Lines, page_count: int = 0) -> Chain:
    """The best chain over all layout families (ties go to the family listed first)."""
    chains = [best_chain(lines, family, page_count) for family in config.families()]
    for chain in chains:
        log.debug("layout %s: %d items, score %.1f", chain.family.name, len(chain.candidates), chain.score)
    best = max(chains, key=lambda c: c.score)  # max keeps the first of equals
    best.considered = max(c.considered for c in chains)
    return best
