"""PERSON and PARTY: names of people and the party letters after them.

Without pretrained weights, a name is a run of capitalised words (in Danish,
nouns are lower case, so capitals inside a sentence mark proper nouns) that
one of these vouches for:

- the document lists it (participants, absent: `DocumentContext.names`);
- it starts with a first name from configs/names/first_names.txt
  ("Birgit Elleby Jørgensen", "Frank E. Andersen");
- a title or attendance word stands before it ("integrationsminister
  Mattias Tesfaye", "Sekretær Mie Helene Andresen", "Fraværende: ...");
- it stands on an attendance line ("Mødedeltagere A B, C D, ...");
- a party letter in brackets follows it ("Lolan Ottesen (A)");
- it is a member of a list that holds another person ("Lone, Vini og
  Henrik Krøjer Larsen").

Roles and titles are not part of the name. Normalised value:
`{"name": <as printed, whitespace squashed>, "party": <letter or null>}`.

A PARTY is a party letter or code: in brackets after a name, or standing for
the party ("(V) og (O) foreslår", "For stemte (V), (A)", "Forslag fra DD og
LA"). Never the `(O)`/`(B)`/`(D)` type suffix of an item heading. Full party
names are not tagged. Normalised value `{"letter": "V", "name": "Venstre"}`.

Speed: one regex pass over the capitals finds both the runs of capitalised
words and the bare upper-case codes; everything else is Python per candidate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from referat.annotate.context import DocumentContext
from referat.annotate.gazetteer import Gazetteer, load_gazetteer
from referat.annotate.spans import make_span, squash, without_overlaps
from referat.model import Span

SOURCE = "rules:person"
PARTY_SOURCE = "rules:party"

_UP = "A-ZÆØÅÉÜÖÄ"
_LOW = "a-zæøåéèüöäáíóúñç'"
_SP = r"[ \u00a0]"
_NAMEWORD = rf"[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+){{0,2}}"  # Hans-Jørgen, Hauberg-Lund
_INITIAL = rf"[{_UP}]\."
_PARTICLE = r"(?:von|van|de|du|la|le|da|di|al|el|ter|bin|ibn)"
_GAP = rf"(?:{_SP}+|{_SP}*\n{_SP}*)"
# The first of two or more capitalised words (or initials) in a row. It opens with a
# character set, so re skips to capitals in C; that the word starts there is checked after.
_RUN_START = re.compile(rf"[{_UP}](?:[{_LOW}]+(?:-[{_UP}][{_LOW}]+){{0,2}}|\.)(?=[ \u00a0\n]+[{_UP}])")
# A bare upper-case word of one to three letters: a party code perhaps.
_BARE_CODE = re.compile(rf"[{_UP}][{_UP}]{{0,2}}(?![\w)/-])")
# The whole run, from the start of its first word, at most one line break between two.
_RUN = re.compile(
    rf"(?:{_NAMEWORD}|{_INITIAL})(?:{_GAP}(?:{_PARTICLE}{_SP}+)?(?:{_NAMEWORD}|{_INITIAL}))+(?![\w-])"
)
_TOKEN = re.compile(rf"{_PARTICLE}(?={_SP}+[{_UP}])|{_NAMEWORD}|{_INITIAL}")
_PARTICLES = frozenset("von van de du la le da di al el ter bin ibn".split())
_ATTENDANCE_CUES = ("mødedeltagere", "deltagere", "tilstede", "til stede", "fraværende", "afbud",
                    "deltog ikke", "deltog")
# "(V)", and "(UP-1)" where a local list numbers its candidates
_PAREN_CODE = re.compile(rf"\((?P<code>[{_UP}]{{1,3}})(?:-\d)?\)")
_PAREN_AFTER = re.compile(rf"{_SP}*(?:,{_SP}*)?\((?P<code>[{_UP}]{{1,3}})(?:-\d)?\)")
# "(A+V+C)", "(A, V, C, R, O)": several parties in one bracket
_PAREN_GROUP = re.compile(rf"\((?P<codes>[{_UP}]{{1,3}}(?:{_SP}*[+,/]{_SP}*[{_UP}]{{1,3}})+)\)")
_GROUP_CODE = re.compile(rf"[{_UP}]{{1,3}}")
# "(Siumut)", "(Inuit Ataqatigiit)", "(Venstre)": a party's name in brackets
_PAREN_NAME = re.compile(rf"\((?P<name>[{_UP}][{_LOW}ðþ]+(?:{_SP}[{_UP}][{_LOW}ðþ]+){{0,2}})\)")
_PAREN_NAME_AFTER = re.compile(rf"{_SP}*(?:,{_SP}*)?{_PAREN_NAME.pattern}")
# a table flattened to text: "Lars Thomsen<TAB>A<TAB>Formand" (or columns of spaces)
_CELL_CODE_AFTER = re.compile(rf"(?:\t|{_SP}{{2,}})(?P<code>[{_UP}]{{1,3}})(?=[ \t\u00a0]*(?:\t|  |\n|$))")
_COORDINATOR = rf"(?:{_SP}*,{_SP}*|{_SP}+(?:og|OG|samt|SAMT|eller){_SP}+|{_SP}*\+{_SP}*)"
_COORDINATED_BEFORE = re.compile(rf"\([{_UP}]{{1,3}}\){_COORDINATOR}$")
_COORDINATED_AFTER = re.compile(rf"{_COORDINATOR}\([{_UP}]{{1,3}}\)")
_COORDINATOR_ONLY = re.compile(_COORDINATOR)
_LINE_START_BEFORE = re.compile(r"(?:^|\n|[.:!?]" + _SP + r"+)" + _SP + r"*$")
_LOWER_WORD_AFTER = re.compile(_SP + r"+[a-zæøå]")
_WORD_BEFORE = re.compile(r"([\w/]+)" + _SP + r"*:?" + _SP + r"*$")
_PARTY_CUE_WORDS = frozenset("fra for af stemte imod mod partiet partierne medlem medlemmer "
                             "gruppe grupperne v/".split())
_LIST_ITEM = rf"[{_UP}][\wæøå.'-]*(?:{_SP}+[{_UP}][\wæøå.'-]*){{0,3}}"
_LIST_MEMBER = re.compile(_LIST_ITEM)
_LIST_MEMBER_BEFORE = re.compile(rf"(?<![\wæøå.'-]){_LIST_ITEM}{_SP}*$")
_LIST_JOINT = re.compile(rf"{_SP}+(?:og|samt){_SP}+(?=[{_UP}])")
_COMMA_BEFORE = re.compile(rf",{_SP}*$")
_MAX_MEMBERS = 30
_REACH = 600  # characters a line is looked at around a name (attendance lines, lists)
_HEADING_START = re.compile(r"[ \t]*(?:Punkt[ \t]+)?\d{1,3}[.:)]?[ \t]+\S")


@dataclass
class _Token:
    start: int
    end: int
    text: str
    newline_before: bool

    @property
    def is_initial(self) -> bool:
        return len(self.text) == 2 and self.text.endswith(".")


_FIRST, _SURNAME, _CUE, _NAME_LIKE = 1, 2, 4, 8
_VOUCHES = _FIRST | _CUE


@lru_cache(maxsize=65536)
def _word_kind(word: str) -> int:
    """What a capitalised word can be, as bits (the gazetteer is loaded once, so cache)."""
    g = load_gazetteer()
    w = word.lower()
    kind = 0
    if word in g.first_names or word.split("-")[0] in g.first_names:
        kind |= _FIRST
    if word in g.surnames:
        kind |= _SURNAME
    if w in g.titles or w.rstrip(":") in g.titles or (len(w) > 6 and w.endswith(g.title_suffixes)):
        kind |= _CUE
    if (len(word) == 2 and word.endswith(".")) or kind & _FIRST or word in g.surnames or not (
            w in g.not_names or w in g.stop_words or w.endswith(g.not_name_suffixes)
            or (word[0].islower() and w not in _PARTICLES)):
        kind |= _NAME_LIKE
    return kind


def _is_first(tok: str, g: Gazetteer) -> bool:
    return bool(_word_kind(tok) & _FIRST)


def _is_cue(word: str, g: Gazetteer) -> bool:
    return bool(_word_kind(word) & _CUE)


def _name_like(tok: _Token, g: Gazetteer) -> bool:
    return bool(_word_kind(tok.text) & _NAME_LIKE)


def plausible_name(text: str) -> bool:
    """Could a model's PERSON span be a name? Two to five capitalised name-like words.

    A statistical tagger over-reaches on capitalised organisation and place
    names ("Høje-Taastrup Fjernvarme", "Lokalavisen Sydkysten"). Kept are spans
    with a first name or surname from the gazetteer and no word the gazetteer
    knows is no name part ("Center", "Kommune"), no abbreviation, no number.
    Surname shapes do not vouch here: -sen ends definite nouns ("avisen"),
    -strup and -gaard place names.
    """
    words = [w.rstrip(".,:;") for w in text.split()]
    if not 2 <= len(words) <= 5:
        return False
    if not any(_word_kind(w) & (_FIRST | _SURNAME) for w in words):
        return False
    for word in words:
        if not word[:1].isupper() or any(c.isdigit() for c in word):
            return False
        if len(word) > 2 and word.isupper():  # "MT Højgaard", "DH Greve"
            return False
        if not _word_kind(word) & _NAME_LIKE:
            return False
    return True


_CELL_BREAK = re.compile(r"\t|\n|[ \u00a0]{2,}")
_EDGE_WORD = re.compile(r"\S+")


def _no_name_part(word: str) -> bool:
    """A word the gazetteer knows is no part of a name: a title, a status cell, a function word."""
    g = load_gazetteer()
    bare = word.strip(".,:;!?()[]\"'”“»«")
    if not bare or bare in g.first_names or bare in g.surnames:
        return False
    w = bare.lower()
    return bool(w in g.not_names or w in g.stop_words or w.endswith(g.not_name_suffixes)
                or _word_kind(bare) & _CUE)


def name_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """A model's PERSON span cut to the name: never across a table's cells or lines
    ("Rikke Jørgensen<TAB>Åben"), without titles and status words at its edges
    ("Borgmester Anne Holm", "Rikke Jørgensen Åben", "... Lukket"), without a
    trailing comma. (end <= start when nothing of a name is left.)"""
    cell = _CELL_BREAK.search(text, start, end)
    if cell:
        end = cell.start()
    words = [(m.start(), m.end()) for m in _EDGE_WORD.finditer(text, start, end)]
    while words and _no_name_part(text[words[0][0]:words[0][1]]):
        words.pop(0)
    while words and _no_name_part(text[words[-1][0]:words[-1][1]]):
        words.pop()
    if not words:
        return start, start
    start, end = words[0][0], words[-1][1]
    while end > start and text[end - 1] in ",;:":
        end -= 1
    return start, end


def known_name(word: str) -> bool:
    """Does the gazetteer know the word as a first name or surname (in any case)?"""
    g = load_gazetteer()
    return word.capitalize() in g.first_names or word.capitalize() in g.surnames


def model_name_ok(text: str) -> bool:
    """May a statistical model's PERSON span stand? A check against the tagger's
    typical slips on minutes, not a second tagger:

    - every word has letters; no word the gazetteer knows is no name part
      ("Ressourceafdeling", "Kommune", a title);
    - a lower-case word is a known first name or surname ("ida jensen") or a
      particle ("van", "de"), never a common word ("parallelsamfund");
    - no upper-case word of three letters or more (an acronym: "UUC Maglemosen"),
      no word cut at a hyphen ("Social-");
    - one word alone does not end in a dictionary word ("Stokholtbuen");
    - not every word is a Danish dictionary word or a compound of them ("Heraf",
      "Anlægsbevilling", "Centerledelsen", "Mødedato") unless the gazetteer
      knows one of them as a name ("Jens Skov").
    """
    from referat.annotate.lemmas import ends_in_word, is_compound, is_danish_word

    g = load_gazetteer()
    words = [w.strip(".,:;!?()[]\"'”“»«") for w in text.split()]
    if not words or not all(any(c.isalpha() for c in w) for w in words):
        return False
    if len(words) == 1 and not known_name(words[0]) and ends_in_word(words[0]):
        return False
    vouched = False
    for word in words:
        if len(word) >= 3 and word.isupper():  # an acronym, even one that spells a name ("LIS")
            return False
        if known_name(word):
            vouched = True
        elif word in _PARTICLES:
            continue
        elif word[0].islower() or _no_name_part(word) or word.endswith("-"):
            return False
    return vouched or not all(is_danish_word(w) or is_compound(w) for w in words)


def _tokens(text: str, start: int, end: int) -> list[_Token]:
    out = []
    prev = start
    for m in _TOKEN.finditer(text, start, end):
        out.append(_Token(m.start(), m.end(), m.group(), "\n" in text[prev:m.start()]))
        prev = m.end()
    return out


def _segments(tokens: list[_Token]) -> list[list[_Token]]:
    """Split a run at each line break, except where the layout broke one name.

    "Birgit\nElleby Jørgensen" (one word before the break) and "Karl Vilhelm\nNielsen"
    (a listed surname after it) are one name; "Doris Børger\nKarl Vilhelm Nielsen" are
    two lines of a list and "Hans Jensen\nSagsfremstilling" a name and a heading.
    """
    out: list[list[_Token]] = [[]]
    for k, tok in enumerate(tokens):
        if tok.newline_before and len(out[-1]) >= 2:
            lone = k + 1 == len(tokens) or tokens[k + 1].newline_before
            if not (lone and tok.text in load_gazetteer().surnames):
                out.append([])
        out[-1].append(tok)
    return [seg for seg in out if seg]


class _PersonFinder:
    """One pass over a text; holds the text and gazetteer so helpers stay small."""

    def __init__(self, text: str, context: DocumentContext):
        self.text = text
        self.g = load_gazetteer()
        self.listed: dict[str, list[tuple[str, ...]]] = {}
        for name in context.names:
            words = tuple(name.split())
            if len(words) >= 2:
                self.listed.setdefault(words[0], []).append(words)

    def cue_before(self, offset: int) -> bool:
        """A title or attendance word right before `offset` (a line break may come between)."""
        before = self.text[max(0, offset - 40):offset].rstrip(" \u00a0")
        if before.endswith("\n"):
            before = before[:-1].rstrip(" \u00a0")
        if not before or before[-1] == "\n":
            return False
        return _is_cue(before.rsplit(None, 1)[-1], self.g)

    def on_attendance_line(self, offset: int) -> bool:
        """`offset` starts an item of an attendance line: "Mødedeltagere A B, C D"."""
        line_start = _line_start(self.text, offset)
        before = self.text[line_start:offset].strip().lower()
        return before.startswith(_ATTENDANCE_CUES) and (before.endswith(",") or before.rstrip(":")
                                                          in _ATTENDANCE_CUES)

    def party_after(self, offset: int) -> bool:
        """A known party follows: "(V)", ", (V)", "(Siumut)" (not "(BPA)", an abbreviation)."""
        m = _PAREN_AFTER.match(self.text, offset)
        if m:
            return m.group("code") in self.g.party_codes
        m = _PAREN_NAME_AFTER.match(self.text, offset)
        return bool(m) and m.group("name") in self.g.party_by_name

    def runs(self) -> list[tuple[int, int]]:
        """Names in the runs of capitalised words."""
        found: list[tuple[int, int]] = []
        text, run_end = self.text, -1
        for m in _RUN_START.finditer(text):
            start = m.start()
            if start < run_end or (start and (text[start - 1].isalnum() or text[start - 1] in ".-")):
                continue
            run = _RUN.match(text, start)
            if not run:
                continue
            run_end = run.end()
            words = run.group().split()
            if self.listed and any(w in self.listed for w in words):
                found.extend(self.listed_in(_tokens(text, start, run_end)))
            if self.may_hold_name(words, run):
                for seg in _segments(_tokens(text, start, run_end)):
                    found.extend(self.from_segment(seg))
        return found

    def listed_in(self, tokens: list[_Token]) -> list[tuple[int, int]]:
        """Names the document lists, found inside a run."""
        out = []
        for i, tok in enumerate(tokens):
            for words in self.listed.get(tok.text, ()):
                if tuple(t.text for t in tokens[i:i + len(words)]) == words:
                    out.append((tok.start, tokens[i + len(words) - 1].end))
        return out

    def may_hold_name(self, words: list[str], run: re.Match) -> bool:
        """Cheap test before the token-by-token look: any word or context that vouches."""
        if any(_word_kind(w) & _VOUCHES for w in words):
            return True
        return (self.party_after(run.end()) or self.cue_before(run.start())
                or self.on_attendance_line(run.start()))

    def from_segment(self, seg: list[_Token]) -> list[tuple[int, int]]:
        """The names in one run of capitalised words."""
        g, found, i = self.g, [], 0
        cue = self.cue_before(seg[0].start) or self.on_attendance_line(seg[0].start)
        while i < len(seg):
            tok = seg[i]
            if _is_cue(tok.text, g) and not _is_first(tok.text, g):
                cue, i = True, i + 1
                continue
            if not _name_like(tok, g) or tok.is_initial:
                cue, i = False, i + 1
                continue
            j = i + 1
            while j < len(seg) and _name_like(seg[j], g) and not _is_cue(seg[j].text, g):
                j += 1
            while j > i + 1 and seg[j - 1].is_initial:
                j -= 1
            name = seg[i:j]
            first = next((k for k, t in enumerate(name) if _is_first(t.text, g)), None)
            party = self.party_after(name[-1].end)
            if first and not (cue or party):  # "Jobcenter Anne Hansen": the name starts at its first name
                name = name[first:]
            end = name[-1].end
            known_first = first is not None
            vouched = known_first or cue or party
            if vouched and (len(name) >= 2 or (cue and known_first)):
                found.append((name[0].start, end))
            cue, i = False, j
        return found

    def list_members(self, persons: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Members of a list ("Lone, Vini og Henrik Krøjer Larsen") with a person in it.

        A list is read backwards from each "og"/"samt" on a line that holds a
        person: the member after it, then comma-separated members before it
        (at most `_MAX_MEMBERS`), so a long line costs linear time.
        """
        found: list[tuple[int, int]] = []
        known = set(persons)
        for line_start, line_end in _lines_of(self.text, persons):
            for joint in _LIST_JOINT.finditer(self.text, line_start, line_end):
                members = self._list_at(joint, line_start, line_end)
                if any(member in known for member in members):
                    found.extend(self._single_word_members(members))
        return found

    def _list_at(self, joint: re.Match, line_start: int, line_end: int) -> list[tuple[int, int]]:
        last = _LIST_MEMBER.match(self.text, joint.end(), line_end)
        if not last:
            return []
        members = [(last.start(), _strip_period(self.text, last.start(), last.end()))]
        end = joint.start()
        while len(members) < _MAX_MEMBERS:
            item = _LIST_MEMBER_BEFORE.search(self.text, max(line_start, end - 80), end)
            if not item:
                break
            members.insert(0, (item.start(), _strip_period(self.text, item.start(), item.end())))
            comma = _COMMA_BEFORE.search(self.text, max(line_start, item.start() - 8), item.start())
            if not comma:
                break
            end = comma.start()
        return members if len(members) >= 2 else []

    def _single_word_members(self, members: list[tuple[int, int]]) -> list[tuple[int, int]]:
        out = []
        for start, end in members:
            tokens = _tokens(self.text, start, end)
            if len(tokens) != 1 or (tokens[0].start, tokens[0].end) != (start, end):
                continue
            tok = tokens[0]
            if _name_like(tok, self.g) and not tok.is_initial and not _is_cue(tok.text, self.g) and (
                    len(members) >= 3 or _is_first(tok.text, self.g)):
                out.append((start, end))
        return out


def _strip_period(text: str, start: int, end: int) -> int:
    """A member's end without a sentence's full stop (but "E." keeps its dot)."""
    if text[end - 1:end] == "." and not (end - start >= 2 and text[end - 2].isupper()
                                         and (end - start == 2 or text[end - 3] == " ")):
        return end - 1
    return end


def find_persons(text: str, context: DocumentContext | None = None) -> list[Span]:
    """PERSON and PARTY spans of `text`, none overlapping within a label."""
    context = context or DocumentContext()
    finder = _PersonFinder(text, context)
    persons = without_overlaps(make_span(text, "PERSON", s, e, None, SOURCE) for s, e in finder.runs())
    extra = finder.list_members([(p.start, p.end) for p in persons])
    persons = without_overlaps(persons + [make_span(text, "PERSON", s, e, None, SOURCE) for s, e in extra])
    parties = find_parties(text, context, persons)
    party_after = {p.norm["after"]: as_printed(p) for p in parties if p.norm.get("after") is not None}
    for person in persons:
        person.norm = {"name": squash(person.text), "party": party_after.get(person.end)}
    for party in parties:
        party.norm.pop("after", None)
    return without_overlaps(persons + parties)


def as_printed(party: Span) -> str:
    """A member's party as the minutes print it: the code ("SF", "UP"), or the letter of a name."""
    return party.text if party.text.isupper() else party.norm["letter"]


def _person_end_before(text: str, start: int) -> int:
    """Where a name before `start` would end: spaces and one comma ("Name, (A)") skipped."""
    end = start
    while end > max(0, start - 60) and text[end - 1] in " \u00a0":
        end -= 1
    if end and text[end - 1] == ",":
        end -= 1
        while end > max(0, start - 60) and text[end - 1] in " \u00a0":
            end -= 1
    return end


def find_parties(text: str, context: DocumentContext, persons: list[Span]) -> list[Span]:
    """Party codes in brackets and bare; `norm["after"]` marks the person a code follows.

    Printed forms: "Name (A)", "Name, (A)", "Name (UP)" (a local list),
    "(A+V+C)" and "(A, V, C, R, O)" (one PARTY each; a member followed by
    several keeps no single party), "Name (Siumut)" (a party's name), and a
    flattened table's party column ("Name<TAB>A<TAB>Formand").
    """
    g = load_gazetteer()
    person_ends = {p.end for p in persons}
    spans: list[Span] = []
    for m in _PAREN_CODE.finditer(text):
        code, start, end = m.group("code"), m.start(), m.end()
        before = text[max(0, start - 60):start]
        person_end = _person_end_before(text, start)
        after_person = person_end in person_ends
        if _is_item_type_suffix(text, code, end, context, after_person):
            continue
        if after_person:
            ok = True
        elif code not in g.party_codes:
            ok = False
        else:
            word = _WORD_BEFORE.search(before)
            ok = bool(_COORDINATED_BEFORE.search(before) or _COORDINATED_AFTER.match(text, end)
                      or (word and word.group(1).lower() in _PARTY_CUE_WORDS)
                      or (_LINE_START_BEFORE.search(before) and _LOWER_WORD_AFTER.match(text, end)))
        if ok:
            spans.append(_party(text, m.start("code"), m.end("code"), g,
                                after=person_end if after_person else None))
    for m in _PAREN_GROUP.finditer(text):
        codes = list(_GROUP_CODE.finditer(text, m.start("codes"), m.end("codes")))
        if all(c.group() in g.party_codes for c in codes):
            spans.extend(_party(text, c.start(), c.end(), g) for c in codes)
    for m in _PAREN_NAME.finditer(text):
        if m.group("name") in g.party_by_name:
            person_end = _person_end_before(text, m.start())
            spans.append(_party(text, m.start("name"), m.end("name"), g,
                                after=person_end if person_end in person_ends else None))
    for end in sorted(person_ends):
        m = _CELL_CODE_AFTER.match(text, end)
        if m and m.group("code") in g.party_codes:
            spans.append(_party(text, m.start("code"), m.end("code"), g, after=end))
    codes = [m for m in _BARE_CODE.finditer(text)
             if not (m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "(/-"))]
    spans.extend(_bare_codes(text, g, codes))
    return without_overlaps(spans)


def _party(text: str, start: int, end: int, g: Gazetteer, after: int | None = None) -> Span:
    printed = text[start:end]
    letter = g.party_codes.get(printed) or g.party_by_name.get(printed, printed)
    return make_span(text, "PARTY", start, end,
                     {"letter": letter, "name": g.party_names.get(letter), "after": after}, PARTY_SOURCE)


def member_party(text: str, end: int) -> Span | None:
    """The PARTY printed right after a name ending at `end`, if any: "(A)", ", (UP)",
    "(Siumut)", or a flattened table's next cell ("<TAB>A<TAB>")."""
    g = load_gazetteer()
    party = None
    if m := _PAREN_AFTER.match(text, end):
        party = _party(text, m.start("code"), m.end("code"), g)
    elif (m := _PAREN_NAME_AFTER.match(text, end)) and m.group("name") in g.party_by_name:
        party = _party(text, m.start("name"), m.end("name"), g)
    elif (m := _CELL_CODE_AFTER.match(text, end)) and m.group("code") in g.party_codes:
        party = _party(text, m.start("code"), m.end("code"), g)
    if party is not None:
        party.norm.pop("after", None)
    return party


def _bare_codes(text: str, g: Gazetteer, codes: list[re.Match]) -> list[Span]:
    """Party codes without brackets: in a list of codes or after a cue ("Forslag fra DD og LA").

    A list needs a code of two or more letters or a cue word before it; a
    single code needs both (a bare "V" or "A" is too common a letter).
    """
    groups: list[list[re.Match]] = []
    for m in codes:
        if m.group() not in g.party_codes:
            continue
        if groups and _COORDINATOR_ONLY.fullmatch(text, groups[-1][-1].end(), m.start()):
            groups[-1].append(m)
        else:
            groups.append([m])
    out = []
    for group in groups:
        word = _WORD_BEFORE.search(text, max(0, group[0].start() - 30), group[0].start())
        cue = bool(word) and word.group(1).lower() in _PARTY_CUE_WORDS
        multi = any(len(m.group()) >= 2 for m in group)
        if (len(group) >= 2 and (multi or cue)) or (len(group) == 1 and multi and cue):
            out.extend(_party(text, m.start(), m.end(), g) for m in group)
    return out


def _is_item_type_suffix(text: str, code: str, end: int, context: DocumentContext,
                         after_person: bool) -> bool:
    """`(O)`/`(B)`/`(D)` ending an item heading is the item's type, not a party.

    An item heading is known from segment (`context.headings`) or, failing
    that, by its shape ("3. Titel (O)") where no name stands before the code.
    """
    if code not in ("O", "B", "D"):
        return False
    if text[end:end + _REACH].split("\n", 1)[0].strip():
        return False
    if context.in_heading(end - 1):
        return True
    return not after_person and bool(_HEADING_START.match(text, _line_start(text, end)))


def _line_start(text: str, offset: int) -> int:
    """Start of the line holding `offset`, looking back at most `_REACH` characters.

    Bounded so that a megabyte on one line costs linear time, not quadratic.
    """
    lo = max(0, offset - _REACH)
    return max(text.rfind("\n", lo, offset) + 1, lo)


def _lines_of(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The (bounded) lines that hold the spans, each once."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            continue
        stop = text.find("\n", end, end + _REACH)
        out.append((_line_start(text, start), min(len(text), end + _REACH) if stop < 0 else stop))
    return out
