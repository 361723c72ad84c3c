"""A decision's text as statements: lines, sentences, point labels, remarks blanked.

Votes and outcomes are read from statements, one sentence each, with text
blanked out (replaced by spaces, so every offset stays that of the
document): quotations (a party's own words are no vote) and remarks, from
"med bemærkning om" to the end of the sentence (a position repeated inside a
remark is no vote, ANNOTATION.md §6); for the outcome also the reasons
given, from ", idet", ", da …" ("Kan ikke anbefales, idet udvalget
indstiller, at sagen oversendes" is a refusal).
Attendance lines ("Fraværende: …", "X deltog som stedfortræder") and
placeholders ("Beslutning ikke frigivet") are marked, never read for votes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from referat.decide.grammar import Grammar

_SENTENCE_END = re.compile(r"[.!?;](?=\s+[A-ZÆØÅ(\d\"”“])")
_LABEL_SO_FAR = re.compile(r"(?:\s*(?:ad|at|pkt\.?|punkt)\s+)?(?:[\d\s.,)(–-]|[a-h](?=[.)\s]))*", re.IGNORECASE)
_LABEL_REACH = 24  # a point label is short: "2. a.", "Ad 1-4.", "1.- 3."
_WORD_REACH = 40  # how far back a word before a period is looked for
# A line of names under an attendance heading: "Susanne Krag (A), Tina Holm": two or
# more capitalised words each, party suffixes, joints; no sentence.
_NAME = r"[A-ZÆØÅ][\wæøåÆØÅ'-]*(?:\s+(?:[A-ZÆØÅ][\wæøåÆØÅ'-]*|[A-ZÆØÅ]\.))+(?:\s*\([A-ZÆØÅ]{1,3}(?:-\d{1,2})?\))?"
_NAME_LINE = re.compile(rf"^\s*{_NAME}(?:\s*(?:,|\bog\b|\bsamt\b)\s*{_NAME})*\s*$")


@dataclass
class Statement:
    """One sentence of a decision; `start`/`end` are document offsets."""

    start: int
    end: int
    raw: str
    masked: str  # `raw` with quotations and remarks blanked; same length: where votes are read
    verdict: str = ""  # `masked` with reasons ("…, idet …") blanked too: where the outcome is read
    point: str | None = None  # the point label that opens it ("1.", "2. a.", "Ad 1-4")
    label_end: int = 0  # where the text after the point label starts, relative to `start`
    first_in_line: bool = False
    line: int = 0  # which line of the decision it stands on
    attendance: bool = False
    placeholder: bool = False

    @property
    def body(self) -> str:
        """The masked text with the point label blanked: same offsets as `masked`."""
        return blank(self.masked, 0, self.label_end)

    @property
    def verdict_body(self) -> str:
        """The verdict text with the point label blanked."""
        return blank(self.verdict or self.masked, 0, self.label_end)


def blank(text: str, start: int, end: int) -> str:
    """`text` with [start, end) replaced by spaces (line breaks kept)."""
    return text[:start] + "".join(c if c == "\n" else " " for c in text[start:end]) + text[end:]


def mask_quotes(line: str, grammar: Grammar) -> str:
    """Blank quoted text: from an opening mark to its closing mark (passing over
    quotations inside it, "… “altid” …"), or to the line's end."""
    pairs = grammar.quote_pairs
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(line):
        if line[i] not in pairs:
            i += 1
            continue
        closers, j = [pairs[line[i]]], i + 1
        while j < len(line) and closers:
            if line[j] == closers[-1]:
                closers.pop()
            elif line[j] in pairs:
                closers.append(pairs[line[j]])
            j += 1
        spans.append((i, j))
        i = j
    if not spans:
        return line
    chars = list(line)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _word_start(line: str, end: int) -> int:
    """Where the word (letters, digits, periods) that ends at `end` starts, looking back a little."""
    i = end
    while i > max(0, end - _WORD_REACH) and (line[i - 1].isalnum() or line[i - 1] in "._"):
        i -= 1
    return i


def sentence_bounds(line: str, grammar: Grammar) -> list[tuple[int, int]]:
    """[start, end) of each sentence of a (quote-masked) line.

    A period after an abbreviation ("pkt."), an initial ("Erik S. Nygaard") or a
    one- or two-digit number ("1. Godkendt", "til 2. behandling") ends none.
    """
    bounds, start = [], 0
    for m in _SENTENCE_END.finditer(line):
        word_start = _word_start(line, m.start())
        token = line[word_start:m.start()].lower().rstrip(".")
        label = m.end() - start <= _LABEL_REACH and _LABEL_SO_FAR.fullmatch(line, start, m.end())
        if m.group() == "." and (token in grammar.abbreviations or _initial(line, word_start, m.start())
                                 or label):
            continue
        bounds.append((start, m.end()))
        start = m.end()
    bounds.append((start, len(line)))
    return [(s, e) for s, e in bounds if line[s:e].strip()]


def _initial(line: str, start: int, end: int) -> bool:
    """Is the word line[start:end] before a period an initial ("Erik S. Nygaard") or a list
    label ("2. a.")? A capital after a joint ("For stemte A, V og C.") is a party letter
    ending a sentence."""
    word = line[start:end]
    if len(word) != 1 or not word.isalpha():
        return False
    if word.islower():
        return True
    before = start
    while before > 0 and line[before - 1] == " ":
        before -= 1
    if before == 0 or line[before - 1] in ",;":
        return False
    return line[_word_start(line, before):before][:1].isupper()


def mask_from(sentence: str, opener) -> str:
    """Blank a sentence from the first match of `opener` (a remark, a reason) to its end."""
    m = opener.search(sentence)
    return blank(sentence, m.start(), len(sentence)) if m else sentence


def is_attendance(line: str, grammar: Grammar) -> bool:
    stripped = line.strip()
    return any(p.search(stripped) for p in grammar.attendance)


def statements(text: str, start: int, end: int, grammar: Grammar) -> list[Statement]:
    """The statements of text[start:end] in order, each with its document offsets."""
    out: list[Statement] = []
    position = start
    names_follow = False  # after "Ikke til stede:" on its own line, name lines are attendance
    for line_number, line in enumerate(text[start:end].split("\n")):
        line_start = position
        position += len(line) + 1
        if not line.strip():
            names_follow = False
            continue
        attendance = is_attendance(line, grammar)
        if attendance:
            names_follow = line.rstrip().endswith(":")
            out.append(Statement(line_start, line_start + len(line), line, blank(line, 0, len(line)),
                                 first_in_line=True, line=line_number, attendance=True))
            continue
        if names_follow and _NAME_LINE.match(line):
            out.append(Statement(line_start, line_start + len(line), line, blank(line, 0, len(line)),
                                 first_in_line=True, line=line_number, attendance=True))
            continue
        names_follow = False
        placeholder = any(p.search(line.strip()) for p in grammar.placeholders)
        quoted = mask_quotes(line, grammar)
        for index, (s, e) in enumerate(sentence_bounds(quoted, grammar)):
            raw = line[s:e]
            masked = mask_from(quoted[s:e], grammar.remark)
            label = grammar.point_label.match(masked)
            out.append(Statement(line_start + s, line_start + e, raw, masked, mask_from(masked, grammar.reason),
                                 point=label.group().strip() if label else None,
                                 label_end=label.end() if label else 0,
                                 first_in_line=index == 0, line=line_number, placeholder=placeholder))
    return out
