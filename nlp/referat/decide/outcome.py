"""The outcome of a decision from its phrases (ANNOTATION.md §6), and where they are silent.

The decision's own statements are read in order, with attendance lines,
vote lines, the "at …" lines of a proposal ("(V) foreslår følgende:" / "- At
der …") and the words of counted votes left out:

- the first statement with a `strong` phrase decides ("Godkendt",
  "Anbefales", "Sagen sendes tilbage til administrationen");
- a statement opening a numbered point decides with a `weak` phrase too:
  a mixed decision takes the outcome of its first point;
- otherwise what became of an amendment or a member's proposal ("Ændringsforslag
  fra V … blev forkastet"), read after everything else;
- otherwise the first `weak` phrase ("Byrådet besluttede at …", "Temamødet
  blev afholdt");
- inside a statement, the phrase that starts first wins, and of two that
  start together the longer ("Anbefales ikke" over "Anbefales").

An approval of the recommendation where the Indstilling asks for a refusal
is `afvist`. Where no phrase speaks, `RuleOutcome` is None and the decider
asks the outcome model (`referat.decide.linear`).
"""

from __future__ import annotations

from dataclasses import dataclass

from referat.decide.grammar import Grammar
from referat.decide.text import Statement, blank


@dataclass(frozen=True)
class RuleOutcome:
    outcome: str
    tier: str
    text: str  # the phrase as printed
    start: int  # document offsets of the phrase
    end: int

    def describe(self) -> str:
        return f'outcome {self.outcome}: "{self.text}" ({self.tier} phrase)'


def _best(text: str, grammar: Grammar, tier: str) -> tuple[int, int, str] | None:
    """(start, end, outcome) of the phrase of a tier that starts first (longest on a tie)."""
    best = None
    for phrase in grammar.outcomes:
        if phrase.tier != tier:
            continue
        m = phrase.pattern.search(text)
        if m and (best is None or (m.start(), -m.end()) < (best[0], -best[1])):
            best = (m.start(), m.end(), phrase.outcome)
    return best


def readable(statement: Statement, spans: list[tuple[int, int]]) -> str:
    """A statement's verdict text with the words of its votes blanked (document offsets in `spans`)."""
    body = statement.verdict_body
    for start, end in spans:
        a, b = max(start, statement.start), min(end, statement.end)
        if a < b:
            body = blank(body, a - statement.start, b - statement.start)
    return body


def rule_outcome(statements: list[Statement], grammar: Grammar,
                 vote_spans: list[tuple[int, int]] = (), skip: set[int] = frozenset()
                 ) -> RuleOutcome | None:
    """The outcome the phrases give, or None where none speaks (see the module docstring).

    `skip`: statements that are votes (or disqualification) and say nothing of the outcome.
    """
    fallback: RuleOutcome | None = None
    secondary: RuleOutcome | None = None
    first_point = True
    proposed = False  # inside the "at …" lines of a proposal
    for index, statement in enumerate(statements):
        if statement.attendance or statement.placeholder or index in skip:
            continue
        text = readable(statement, list(vote_spans))
        if grammar.content_line.match(text):
            if proposed:  # "(V) foreslår følgende:" / "- At der udpeges …": proposed, not done
                continue
        elif text.strip():  # a bare point label ("Ad 1:") keeps the proposal open
            proposed = bool(grammar.proposal_lead.search(text))
        opens_point = statement.point is not None and first_point
        if statement.point is not None:
            first_point = False
        about_amendment = bool(grammar.secondary.search(text))
        for tier in ("strong", "weak"):
            hit = _best(text, grammar, tier)
            if hit is None:
                continue
            start, end, outcome = hit
            found = RuleOutcome(outcome, tier, statement.raw[start:end], statement.start + start,
                                statement.start + end)
            if about_amendment:  # "Ændringsforslag fra V … blev forkastet": not the item's verdict
                if tier == "strong" and secondary is None:
                    secondary = found
            elif tier == "strong" or opens_point:
                return found
            elif fallback is None:
                fallback = found
            break
    return secondary or fallback


def refused_by_recommendation(found: RuleOutcome, statement_text: str, indstilling: str,
                              grammar: Grammar) -> bool:
    """An approval of the recommendation, where the recommendation is to refuse (-> afvist)."""
    if found.outcome not in ("godkendt", "anbefalet") or not indstilling:
        return False
    if not grammar.approval_of_recommendation.search(statement_text):
        return False
    return any(p.search(indstilling) for p in grammar.recommendation_refuses)
