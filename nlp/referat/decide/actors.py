"""Who voted: party references and members in the lists that votes name.

An actor list is what stands before a vote verb ("Yusuf Emre Kaya (Ø) og
(F) stemte imod") or after a position header ("For stemte (V), (A), Birgitte
Lauth (UP-1) samt Erik S. Nygaard, Svend Ahle fra (A)"): party codes in
brackets (also several in one: "(A, V, C)"), bare codes a document uses
("Imod stemte: F og Ø"), full party names ("Enhedslisten"), and members'
names with or without a party suffix, joined by commas, "og", "samt".
A party printed after a name is that member's party and counts as a party
of the vote too (ANNOTATION.md §6); "… fra (A)" gives the names before it
that party.

Names come from the PERSON spans the annotator found where there are any,
else from the name shape in configs/decisions.toml (two or more capitalised
words, or one with a party suffix), leading clause words ("Desuden",
"Borgmester") dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from referat.decide.grammar import Grammar


@dataclass
class Actor:
    """A party or a member named in a vote; offsets are document offsets."""

    kind: str  # "party" or "person"
    value: str  # the party code/letter, or the member's name
    start: int
    end: int
    party: str | None = None  # a member's party, where printed


@dataclass
class Token:
    kind: str  # group, partyname, name, code, joint, word
    text: str
    start: int  # document offsets
    end: int
    codes: list[str] = field(default_factory=list)  # group: the codes inside
    confirmed: bool = False  # name: a PERSON span the annotator found


@dataclass
class ActorList:
    actors: list[Actor]
    start: int
    end: int

    @property
    def parties(self) -> list[str]:
        seen: list[str] = []
        for actor in self.actors:
            value = actor.value if actor.kind == "party" else actor.party
            if value and value not in seen:
                seen.append(value)
        return seen

    @property
    def persons(self) -> list[str]:
        seen: list[str] = []
        for actor in self.actors:
            if actor.kind == "person" and actor.value not in seen:
                seen.append(actor.value)
        return seen


_CODE_PART = re.compile(r"[A-ZÆØÅ]{1,3}(?:-?\d{1,2})?")


def normal_code(code: str) -> str:
    """A printed code as the gold stores it: "UP-1" -> "UP1"."""
    return code.replace("-", "").replace(" ", "")


def tokenize(text: str, start: int, end: int, grammar: Grammar,
             persons: list[tuple[int, int, str]] = ()) -> list[Token]:
    """Tokens of text[start:end]; a capitalised run that holds a PERSON span is cut to it."""
    tokens: list[Token] = []
    for m in grammar.actor_tokens.finditer(text, start, end):
        kind = m.lastgroup
        if kind == "name":
            tokens.extend(_name_tokens(m.group(), m.start(), grammar, persons))
            continue
        token = Token(kind, m.group(), m.start(), m.end())
        if kind == "group":
            token.codes = [normal_code(c) for c in _CODE_PART.findall(m.group())]
        tokens.append(token)
    return tokens


def _name_tokens(run: str, start: int, grammar: Grammar,
                 persons: list[tuple[int, int, str]]) -> list[Token]:
    """A capitalised run as word tokens and at most one name token."""
    end = start + len(run)
    inside = [p for p in persons if start <= p[0] and p[1] <= end]
    if len(inside) == 1:
        s, e, name = inside[0]
        before = [Token("word", w.group(), start + w.start(), start + w.end())
                  for w in re.finditer(r"\S+", run[:s - start])]
        after = [Token("word", w.group(), e + w.start(), e + w.end())
                 for w in re.finditer(r"\S+", run[e - start:])]
        return before + [Token("name", name, s, e, confirmed=True)] + after
    if grammar.party_name_pattern.fullmatch(run):  # "Det Konservative Folkeparti", "Venstre"
        return [Token("partyname", run, start, end)]
    words = list(re.finditer(r"\S+", run))
    cut = 0
    while cut < len(words) and words[cut].group().lower().rstrip(".") in grammar.not_name_words:
        cut += 1
    tokens = [Token("word", w.group(), start + w.start(), start + w.end()) for w in words[:cut]]
    if cut < len(words):
        first, last = words[cut], words[-1]
        rest = " ".join(w.group() for w in words[cut:])
        kind = "partyname" if grammar.party_name_pattern.fullmatch(rest) else "name"
        tokens.append(Token(kind, rest, start + first.start(), start + last.end()))
    return tokens


def _is_code(token: Token, grammar: Grammar, codes: frozenset[str]) -> bool:
    return token.kind == "code" and (token.text in grammar.known_codes or token.text in codes)


def _adjacent(text: str, a: Token, b: Token) -> bool:
    return not text[a.end:b.start].strip()


def parse(tokens: list[Token], text: str, grammar: Grammar, codes: frozenset[str] = frozenset(),
          first: int = 0) -> tuple[ActorList, int]:
    """The actor list that starts at tokens[first]; returns it and the index after it.

    A name counts as a member where it is two or more words, or is followed by
    its party in brackets, or is a PERSON span; anything else ends the list.
    """
    actors: list[Actor] = []
    pending: list[Actor] = []  # members still waiting for a "fra (A)"
    i = first
    end_index = first
    while i < len(tokens):
        token = tokens[i]
        lower = token.text.lower()
        if token.kind == "joint":
            i += 1
            continue
        if token.kind == "word" and lower in grammar.fillers:
            i += 1
            continue
        if (token.kind == "word" and lower in grammar.party_of_names and pending and i + 1 < len(tokens)
                and _party_token(tokens[i + 1], grammar, codes)):
            party = _party_values(tokens[i + 1], grammar)
            for member in pending:
                member.party = party[0]
            actors.extend(Actor("party", p, tokens[i + 1].start, tokens[i + 1].end) for p in party)
            pending = []
            i += 2
            end_index = i
            continue
        if _party_token(token, grammar, codes):
            actors.extend(Actor("party", p, token.start, token.end) for p in _party_values(token, grammar))
            pending = []
            i += 1
            end_index = i
            continue
        if token.kind == "name":
            suffix = tokens[i + 1] if i + 1 < len(tokens) else None
            if suffix is not None and suffix.kind == "group" and _adjacent(text, token, suffix):
                party = suffix.codes[0]
                actors.append(Actor("person", _squash(token.text), token.start, suffix.end, party))
                actors.extend(Actor("party", c, suffix.start, suffix.end) for c in suffix.codes)
                pending = []
                i += 2
                end_index = i
                continue
            if token.confirmed or len(token.text.split()) >= 2:
                member = Actor("person", _squash(token.text), token.start, token.end)
                actors.append(member)
                pending.append(member)
                i += 1
                end_index = i
                continue
        break
    if not actors:
        return ActorList([], 0, 0), first
    return ActorList(actors, min(a.start for a in actors), max(a.end for a in actors)), end_index


def _party_token(token: Token, grammar: Grammar, codes: frozenset[str]) -> bool:
    return token.kind in ("group", "partyname") or _is_code(token, grammar, codes)


def _party_values(token: Token, grammar: Grammar) -> list[str]:
    if token.kind == "group":
        return token.codes
    if token.kind == "partyname":
        return [grammar.party_letter(token.text) or token.text]
    return [normal_code(token.text)]


def _squash(text: str) -> str:
    return " ".join(text.split())


def actors_before(text: str, start: int, stop: int, grammar: Grammar, codes: frozenset[str],
                  persons: list[tuple[int, int, str]] = ()) -> ActorList:
    """The actor list that ends right before `stop` (the subject of a verb there).

    The longest run of list tokens (actors, joints, fillers) ending at
    `stop` is read forward; an empty list where none stands there.
    """
    tokens = tokenize(text, start, stop, grammar, persons)
    k = len(tokens)
    while k > 0 and _list_token(tokens[k - 1], grammar, codes):
        k -= 1
    last = len(tokens)
    while last > k and tokens[last - 1].kind == "joint":  # "Svend Ahle (A), stemte imod"
        last -= 1
    for first in range(k, last):  # the longest run that reads as a list up to the verb
        found, end_index = parse(tokens[:last], text, grammar, codes, first)
        if found.actors and end_index == last:
            return found
    return ActorList([], 0, 0)


def actors_after(text: str, start: int, stop: int, grammar: Grammar, codes: frozenset[str],
                 persons: list[tuple[int, int, str]] = ()) -> tuple[ActorList, int]:
    """The actor list that starts at `start` (after a header), and the offset where it ends."""
    tokens = tokenize(text, start, stop, grammar, persons)
    found, end_index = parse(tokens, text, grammar, codes, 0)
    if end_index == 0:
        return found, start
    return found, tokens[end_index - 1].end


def only_actors(text: str, start: int, stop: int, grammar: Grammar, codes: frozenset[str],
                persons: list[tuple[int, int, str]] = ()) -> ActorList | None:
    """The actors of text[start:stop] if it holds nothing else (a list continued on its own line)."""
    tokens = tokenize(text, start, stop, grammar, persons)
    found, end_index = parse(tokens, text, grammar, codes, 0)
    if found.actors and end_index == len(tokens):
        return found
    return None


def _list_token(token: Token, grammar: Grammar, codes: frozenset[str]) -> bool:
    lower = token.text.lower()
    return (token.kind in ("group", "partyname", "name", "joint") or _is_code(token, grammar, codes)
            or (token.kind == "word" and (lower in grammar.fillers or lower in grammar.party_of_names)))
