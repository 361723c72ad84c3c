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
_WORD_BEFORE = re.compile(r"([\wæøåÆØÅ.]+)$")
_LABEL_SO_FAR = re.compile(r"\s*(?:(?:ad|at|pkt\.?|punkt)\s+)?[\d\s.,)(–-]*(?:[a-h][.)]?[\d\s.,)(–-]*)*",
                           re.IGNORECASE)
# A line of names under an attendance heading: "Charlotte Levin (A), Tina Holm": two or
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


def _closing(line: str, i: int, pairs: dict[str, str]) -> int:
    """Where the quotation opened at `i` ends (after its mark), passing over quotations inside it."""
    close = pairs[line[i]]
    j = i + 1
    while j < len(line):
        if line[j] == close:
            return j + 1
        if line[j] in pairs:  # a quotation inside a quotation ("… “altid” …")
            j = _closing(line, j, pairs)
            continue
        j += 1
    return len(line)


def mask_quotes(line: str, grammar: Grammar) -> str:
    """Blank quoted text: from an opening mark to its closing mark, or to the line's end."""
    i = 0
    while i < len(line):
        if line[i] not in grammar.quote_pairs:
            i += 1
            continue
        stop = _closing(line, i, grammar.quote_pairs)
        line = blank(line, i, stop)
        i = stop
    return line


def sentence_bounds(line: str, grammar: Grammar) -> list[tuple[int, int]]:
    """[start, end) of each sentence of a (quote-masked) line.

    A period after an abbreviation ("pkt."), an initial ("John T. Olsen") or a
    one- or two-digit number ("1. Godkendt", "til 2. behandling") ends none.
    """
    bounds, start = [], 0
    for m in _SENTENCE_END.finditer(line):
        word = _WORD_BEFORE.search(line, 0, m.start())
        token = word.group(1).lower().rstrip(".") if word else ""
        if m.group() == "." and (token in grammar.abbreviations or _initial(line, word)
                                 or _LABEL_SO_FAR.fullmatch(line, start, m.end())):
            continue
        bounds.append((start, m.end()))
        start = m.end()
    bounds.append((start, len(line)))
    return [(s, e) for s, e in bounds if line[s:e].strip()]


def _initial(line: str, word) -> bool:
    """Is the word before a period an initial ("John T. Olsen") or a list label ("2. a.")?

    A capital letter after a joint ("For stemte A, V og C.") is a party letter ending a sentence.
    """
    if word is None or len(word.group(1)) != 1 or not word.group(1).isalpha():
        return False
    if word.group(1).islower():
        return True
    before = line[:word.start()].rstrip()
    return bool(before) and before.split()[-1][:1].isupper() and before[-1] not in ",;"


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
