"""Where the NER model can add something: the lines the rules do not explain.

A statistical model costs far more per token than the rule finders, and in
minutes most lines hold no name the rules missed: headings, tables of
numbers, prose whose capitalised words are committees, laws or persons the
rules already found. The model runs only over lines with a *candidate*:

- a capitalised word inside a sentence that no rule span covers
  ("... sagde Ahmad Rahimi", "... i Vejle");
- a capitalised word opening a sentence or line when another capitalised
  word follows it, when it is a first name or surname the gazetteer knows,
  or when it is no Danish dictionary word ("Lasse mente ...", "Madsen gav
  ..."; not "Udvalget besluttede ...");
- a lower-case first name (forum and chat texts write names so), or an
  `@handle`.

Short upper-case words (party codes, `(O)`, acronyms) are no candidates, and
a table's next cell (after a tab or a run of spaces) opens afresh.

Consecutive selected lines go to the model together (up to ~1,000
characters), so it sees them in context and `nlp.pipe` gets few, full pieces.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from referat.annotate.gazetteer import load_gazetteer
from referat.annotate.lemmas import is_danish_word
from referat.model import Span

_WORD = re.compile(rf"@\w+|[\w][\w'-]*")
_SENTENCE_END = frozenset(".!?:;•–-*»\"'")
_PIECE = 1000
_BUDGET = 300_000  # characters of a document the model may see
_LONGEST_LINE = 20_000  # a longer line is no prose


@lru_cache(maxsize=1)
def _lower_first_names() -> frozenset[str]:
    """First names as forum texts write them ("lasse"), less those that are also words ("per")."""
    g = load_gazetteer()
    return frozenset(n.lower() for n in g.first_names if len(n) >= 3) - g.stop_words - g.not_names


def candidate_lines(text: str, spans: list[Span]) -> list[tuple[int, int]]:
    """[start, end) of the lines that hold a candidate the rules leave unexplained."""
    g = load_gazetteer()
    lower_names = _lower_first_names()
    covered = sorted((s.start, s.end) for s in spans)
    starts = [s for s, _ in covered]
    out = []
    pos = 0
    while pos < len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl
        if _line_has_candidate(text, pos, end, covered, starts, g, lower_names):
            out.append((pos, end))
        pos = end + 1
    return out


def _line_has_candidate(text, start, end, covered, starts, g, lower_names) -> bool:
    words = list(_WORD.finditer(text, start, end))
    sentence_start = True
    for k, m in enumerate(words):
        word = m.group()
        first = word[0]
        if word.isupper() and len(word) <= 4:  # "(O)", "IGU", "KL": codes and acronyms, no names
            pass
        elif first.isupper() or first == "@":
            if not _covered(m.start(), covered, starts):
                if first == "@" or not sentence_start:
                    return True
                following = words[k + 1].group() if k + 1 < len(words) else ""
                if (following[:1].isupper() and not _covered(words[k + 1].start(), covered, starts)) \
                        or word in g.first_names or word in g.surnames or not is_danish_word(word):
                    return True
        elif word in lower_names:
            return True
        gap = text[m.end():words[k + 1].start()] if k + 1 < len(words) else ""
        sentence_start = word.isdigit() or any(c in _SENTENCE_END for c in gap) or "\t" in gap \
            or "  " in gap  # a table's next cell starts afresh
    return False


def _covered(offset: int, covered: list[tuple[int, int]], starts: list[int]) -> bool:
    """Is `offset` inside a rule span? (Spans of different labels nest only a few deep.)"""
    k = bisect.bisect_right(starts, offset)
    return any(s <= offset < e for s, e in covered[max(0, k - 4):k])


def pieces(text: str, spans: list[Span], size: int = _PIECE, budget: int = _BUDGET) -> list[tuple[int, str]]:
    """(offset, piece) over the candidate lines, neighbours joined up to `size` characters,
    a longer line cut at spaces; at most `budget` characters a document, and no line
    of more than 20,000 characters (a hostile or enormous text gets the rules alone)."""
    out: list[tuple[int, str]] = []
    used = 0
    for start, end in candidate_lines(text, spans):
        if used >= budget:
            break
        if end - start > _LONGEST_LINE:  # no prose: a dump or a hostile file; rules only
            continue
        end = min(end, start + budget - used)
        if out and start - (out[-1][0] + len(out[-1][1])) <= 1 and end - out[-1][0] <= size:
            used += end - (out[-1][0] + len(out[-1][1]))
            out[-1] = (out[-1][0], text[out[-1][0]:end])
            continue
        while start < end:
            stop = min(end, start + size)
            if stop < end:
                cut = text.rfind(" ", start + size // 2, stop)
                stop = cut + 1 if cut > 0 else stop
            if text[start:stop].strip():
                out.append((start, text[start:stop]))
            used += stop - start
            start = stop
    return out
