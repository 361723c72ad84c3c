"""Votes: the printed positions of a decision, with who held them (ANNOTATION.md §6).

Read from the decision's own statements (`text.statements`), with the
grammar of configs/decisions.toml, in this order per statement:

1. a position header and the list after it, which may go on over the next
   lines ("For stemte:" / "Inge Lise Kromann (V)" / …), and a second position
   in the same clause ("For stemte 19 (A, V, C, F) mod 8 (O, Ø)");
2. counts ("Med stemmerne 19 for og 8 imod", "vedtaget med 15 mod 12");
3. a majority or minority ("Et flertal bestående af (A), (V) og (O) …"):
   the position its verb says, else `for` for a majority, `imod` for a
   minority;
4. vote verbs after their subject ("(Ø) stemte imod", "(F) undlod at tage
   stilling", "Jørgen Bak (V) tog forbehold", "kunne ikke tiltræde") and
   before it ("Herefter stemte (Ø) imod");
5. dissents without a vote word ("(A) og (Ø) følger administrationens
   indstilling" where the body decided otherwise).

Afterwards a count without names takes the list of the same position
("Med stemmerne 16 for og 4 imod …" / "For stemte: …"), or the sides that
stated what they wanted ("(V) og (C) ønskede ikke at sende forslaget …").
A vote on a member's disqualification is marked, so that unanimity is
judged on the matter itself. A whole body ("Udvalget undlod at tage
stilling") is no voter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from referat.decide.actors import ActorList, actors_after, actors_before, only_actors
from referat.decide.grammar import Grammar
from referat.decide.text import Statement
from referat.model import Vote

_OPEN_BRACKET = re.compile(r"\s*\(")
_CLOSE = re.compile(r"\s*\)")
_BLANK = re.compile(r"\s*$")


@dataclass
class Found:
    """A vote and where it came from; `span` (document offsets) covers its words."""

    vote: Vote
    kind: str  # header, count, group, verb, dissent, stance
    statement: int
    span: tuple[int, int]
    disqualification: bool = False
    record: int | None = None  # a statement that only records votes (no verdict in it)


class _Reader:
    """Votes of one decision's statements."""

    def __init__(self, statements: list[Statement], grammar: Grammar, codes: frozenset[str],
                 persons: list[tuple[int, int, str]], adopted_by_body: bool):
        self.statements = statements
        self.g = grammar
        self.codes = codes
        self.persons = persons
        self.adopted_by_body = adopted_by_body
        self.found: list[Found] = []
        self.continued: set[int] = set()  # statements read as a list's continuation

    def persons_in(self, s: Statement) -> list[tuple[int, int, str]]:
        return [(a - s.start, b - s.start, name) for a, b, name in self.persons
                if s.start <= a and b <= s.end]

    def add(self, s: Statement, index: int, kind: str, position: str, actors: ActorList,
            count: int | None, start: int, end: int) -> Found:
        span_start = min(start, actors.start) if actors.actors else start
        span_end = max(end, actors.end) if actors.actors else end
        vote = Vote(position, actors.parties, actors.persons, count,
                    s.start + span_start, s.start + span_end)
        record = index if kind in ("header", "verb", "dissent") else None
        found = Found(vote, kind, index, (vote.start, vote.end), record=record)
        self.found.append(found)
        return found

    def read(self) -> list[Found]:
        for index, s in enumerate(self.statements):
            if s.attendance or s.placeholder or index in self.continued:
                continue
            self.read_statement(index, s)
        self.mark_disqualification()
        self.fill_counts()
        return sorted(self.found, key=lambda f: f.vote.start)

    # --- one statement ---------------------------------------------------------

    def read_statement(self, index: int, s: Statement) -> None:
        body = s.body
        used: list[tuple[int, int]] = []
        persons = self.persons_in(s)
        self.headers(index, s, body, used, persons)
        self.counts(index, s, body, used, persons)
        self.groups(index, s, body, used, persons)
        self.verbs(index, s, body, used, persons)
        self.dissents(index, s, body, used, persons)

    def headers(self, index, s, body, used, persons) -> None:
        lead = len(body) - len(body.lstrip())
        for pattern in self.g.headers:
            m = pattern.match(body[lead:])
            if m:
                break
        else:
            return
        start, end = lead + m.start(), lead + m.end()
        position = self.g.position(m.group("pos"))
        count = self.g.number(m.group("count"))
        if not count and _nobody(body, end):  # "Imod stemte: ingen"
            used.append((start, end))
            return
        actors, stop = actors_after(body, end, len(body), self.g, self.codes, persons)
        if not actors.actors and _BLANK.match(body, end):
            actors = self.continuation(index)
            stop = end
        used.append((start, max(stop, end)))
        if actors.actors or count:
            self.add(s, index, "header", position, actors, count, start, max(stop, end))
        self.next_positions(index, s, body, stop, used, persons)

    def continuation(self, index: int) -> ActorList:
        """A list that goes on over the following lines, one actor list each."""
        merged: list = []
        last_line = self.statements[index].line
        for j in range(index + 1, len(self.statements)):
            nxt = self.statements[j]
            if not nxt.first_in_line and nxt.line == last_line:
                self.continued.add(j)  # the rest of a remark on a list line
                continue
            if nxt.attendance or not nxt.first_in_line:
                break
            found = only_actors(nxt.body, 0, len(nxt.body), self.g, self.codes, self.persons_in(nxt))
            if found is None:
                break
            self.continued.add(j)
            last_line = nxt.line
            for actor in found.actors:
                actor.start += nxt.start - self.statements[index].start
                actor.end += nxt.start - self.statements[index].start
            merged.extend(found.actors)
        if not merged:
            return ActorList([], 0, 0)
        return ActorList(merged, min(a.start for a in merged), max(a.end for a in merged))

    def next_positions(self, index, s, body, stop, used, persons) -> None:
        """"… mod 8 (O, Ø)", ", imod stemte (Ø)" right after a list."""
        while stop < len(body):
            m = self.g.next_position.match(body, stop)
            if not m:
                return
            word = m.group("pos") or m.group("pos2")
            count = self.g.number(m.group("count") or m.group("count2"))
            actors, end = actors_after(body, m.end(), len(body), self.g, self.codes, persons)
            if not actors.actors and not count:
                return
            used.append((m.start(), max(end, m.end())))
            self.add(s, index, "header", self.g.position(word), actors, count, m.start(), max(end, m.end()))
            stop = max(end, m.end())

    def counts(self, index, s, body, used, persons) -> None:
        if not self.g.count_anchor.search(body):
            return
        for m in self.g.for_against.finditer(body):
            if _overlaps(used, m.start(), m.end()):
                continue
            for side, position in (("for", "for"), ("against", "imod")):
                count = self.g.number(m.group(side))
                text = m.group(f"{side}_actors")
                actors = ActorList([], 0, 0)
                if text:  # read with its brackets: "(V og O)"
                    actors, _ = actors_after(body, m.start(f"{side}_actors") - 1, m.end(f"{side}_actors") + 1,
                                             self.g, self.codes, persons)
                if count or actors.actors:
                    self.add(s, index, "count", position, actors, count, m.start(side), m.end(side))
            used.append((m.start(), m.end()))
        for m in self.g.count_term.finditer(body):
            if _overlaps(used, m.start(), m.end()):
                continue
            count = self.g.number(m.group("count"))
            end = m.end()
            actors = ActorList([], 0, 0)
            bracket = _OPEN_BRACKET.match(body, end)
            if bracket:
                actors, stop = actors_after(body, bracket.start(), len(body), self.g, self.codes, persons)
                if actors.actors:
                    end = stop
            used.append((m.start(), end))
            if count or actors.actors:
                self.add(s, index, "count", self.g.position(m.group("pos")), actors, count, m.start(), end)

    def groups(self, index, s, body, used, persons) -> None:
        for pattern, default in ((self.g.majority, "for"), (self.g.minority, "imod")):
            for m in pattern.finditer(body):
                if _overlaps(used, m.start(), m.end()):
                    continue
                actors, stop = actors_after(body, m.end(), len(body), self.g, self.codes, persons)
                if not actors.actors:
                    continue
                close = _CLOSE.match(body, stop)
                after = close.end() if close else stop
                position, end = default, after
                verb = self.verb_at(body, after)
                if verb is not None:
                    position, end = verb[0], verb[1]
                count = self.g.number(m.groupdict().get("count"))
                used.append((m.start(), end))
                self.add(s, index, "group", position, actors, count, m.start(), end)

    def verb_at(self, body: str, at: int) -> tuple[str, int] | None:
        """A vote verb starting (after blanks) at `at`: its position and end."""
        lead = at + len(body[at:]) - len(body[at:].lstrip())
        for position, pattern in self.g.verbs:
            m = pattern.match(body, lead)
            if m:
                return position, m.end()
        return None

    def verbs(self, index, s, body, used, persons) -> None:
        matches = sorted(((m.start(), -m.end(), position, m) for position, pattern in self.g.verbs
                          for m in pattern.finditer(body)), key=lambda t: (t[0], t[1]))
        clause_start = 0
        for start, _, position, m in matches:
            if _overlaps(used, m.start(), m.end()):
                continue
            left = max([clause_start] + [e for a, e in used if e <= m.start()])
            actors = actors_before(body, left, m.start(), self.g, self.codes, persons)
            used.append((m.start(), m.end()))
            clause_start = m.end()
            if actors.actors:
                self.add(s, index, "verb", position, actors, None, m.start(), m.end())
        for m in self.g.verb_second.finditer(body):
            if _overlaps(used, m.start(), m.end()):
                continue
            actors = only_actors(body, m.start("actors"), m.end("actors"), self.g, self.codes, persons)
            if actors is not None:
                used.append((m.start(), m.end()))
                self.add(s, index, "verb", self.g.position(m.group("pos")), actors, None, m.start(), m.end())

    def dissents(self, index, s, body, used, persons) -> None:
        if self.adopted_by_body:
            return
        for m in self.g.dissent.finditer(body):
            if _overlaps(used, m.start(), m.end()):
                continue
            left = max([0] + [e for a, e in used if e <= m.start()])
            actors = actors_before(body, left, m.start(), self.g, self.codes, persons)
            if actors.actors:
                used.append((m.start(), m.end()))
                self.add(s, index, "dissent", "imod", actors, None, m.start(), m.end())

    # --- across statements ---------------------------------------------------------

    def mark_disqualification(self) -> None:
        cues = [i for i, s in enumerate(self.statements)
                if not s.attendance and self.g.disqualification.search(s.masked)]
        for found in self.found:
            found.disqualification = any(c <= found.statement <= c + self.g.disqualification_reach
                                         for c in cues)

    def fill_counts(self) -> None:
        """Counts without names go to the list of their position, or to the sides stated."""
        bare = [f for f in self.found if f.kind == "count" and not f.vote.parties and not f.vote.persons]
        for found in bare:
            if found.vote.count == 0:
                self.found.remove(found)
                continue
            listed = next((f for f in self.found if f.kind != "count" and f.vote.count is None
                           and f.vote.position == found.vote.position
                           and f.disqualification == found.disqualification), None)
            if listed is not None:
                listed.vote.count = found.vote.count
                self.found.remove(found)
        for found in [f for f in self.found if f in bare]:
            self.stances(found)

    def stances(self, counted: Found) -> None:
        """"(V), (D) og (C) ønskede ikke at sende forslaget …" after a count without names."""
        decided = self.statements[counted.statement].masked
        for index, s in enumerate(self.statements):
            if index == counted.statement or s.attendance:
                continue
            for m in self.g.stance.finditer(s.body):
                stem = m.group("verb")[:4].lower()
                said = re.search(rf"(\bikke\s+(?:\w+\s+){{0,2}})?\b{re.escape(stem)}\w*", decided,
                                 re.IGNORECASE)
                if said is None:
                    continue
                same = bool(m.group("neg")) == bool(said.group(1))
                position = "for" if same else "imod"
                if position != counted.vote.position:
                    continue
                actors = actors_before(s.body, 0, m.start(), self.g, self.codes, self.persons_in(s))
                if not actors.actors:
                    continue
                vote = counted.vote
                vote.parties = [p for p in vote.parties] + [p for p in actors.parties if p not in vote.parties]
                vote.persons = [p for p in vote.persons] + [p for p in actors.persons if p not in vote.persons]
                vote.start, vote.end = s.start + actors.start, s.start + m.end()
                counted.kind, counted.record = "stance", index


def _nobody(body: str, at: int) -> bool:
    rest = body[at:at + 40].lstrip(" \t:").lower()
    return rest.startswith(("ingen", "nul")) and not rest[len("ingen" if rest.startswith("ingen") else "nul"):][:1].isalpha()


def _overlaps(used: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a < end and start < b for a, b in used)


def find_votes(statements: list[Statement], grammar: Grammar, codes: frozenset[str] = frozenset(),
               persons: list[tuple[int, int, str]] = (), adopted_by_body: bool = False) -> list[Found]:
    """The votes of a decision's own statements, in text order.

    `codes`: party codes the document prints in brackets (local lists such as
    "UP"), accepted bare too; `persons`: PERSON spans (start, end, name) in
    document offsets; `adopted_by_body`: the body adopted the administration's
    recommendation, so following it is no dissent.
    """
    return _Reader(statements, grammar, codes, list(persons), adopted_by_body).read()
