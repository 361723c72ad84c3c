"""`Decider`: every item's `decision` (ANNOTATION.md §6), read after segment and annotate.

Per item:

1. an agenda (`meeting.kind == "dagsorden"`) and an item without a decision
   section get `decision = None`, never a guess;
2. `scope`: this meeting's decision section, cut at the earlier treatments it
   quotes (kept apart, named in the evidence);
3. `text.statements`: the own parts as sentences, remarks and quotations
   blanked; a section with only attendance lines or a placeholder
   ("Beslutning ikke frigivet") is no decision;
4. `votes.find_votes`: the printed positions, with the PERSON spans of the
   annotator where there are any;
5. `outcome.rule_outcome`: the phrase rules; votes without a verdict are
   `andet`; else the outcome model (`models/decisions`), else `andet`;
6. unanimity: false where anybody voted against or abstained on the matter,
   true where printed or where the body decided and nobody did, null for
   `andet` without votes.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from referat.decide.actors import actors_after
from referat.decide.grammar import Grammar, load_grammar
from referat.decide.outcome import RuleOutcome, refused_by_recommendation, rule_outcome
from referat.decide.scope import choose_section, parts
from referat.decide.text import Statement, statements
from referat.decide.votes import Found, find_votes
from referat.errors import ModelError
from referat.model import Decision, Document, Item
from referat.resources import models_dir

log = logging.getLogger(__name__)

DEFAULT_MODEL = "decisions"
_BRACKET_CODE = re.compile(r"[a-zæøå.]\s*\(([A-ZÆØÅ]{1,3})(?:-?\d{1,2})?\)")
_EVIDENCE_CHARS = 120


@dataclass
class Reading:
    """What the decider read from one item, before it becomes a `Decision`."""

    statements: list[Statement]
    votes: list[Found]
    quoted: list[str]  # headings of the treatments kept apart


class Decider:
    """Sets `item.decision` on every item of a document.

    `model`: "default" (the shipped outcome model in models/decisions, the
    rules alone where it is not installed), "rules" (no model: `andet` where
    no phrase decides), or the path of a model directory from `referat train
    outcomes`. The model is loaded on first need.
    """

    def __init__(self, model: str = "default", grammar: Grammar | None = None):
        if model not in ("default", "rules") and not Path(model).is_dir():
            raise ModelError("decision model must be 'default', 'rules' or a model directory", path=model)
        self.grammar = grammar or load_grammar()
        self.model_name = model
        self._model = None
        self._model_loaded = model == "rules"

    @property
    def model(self):
        if not self._model_loaded:
            self._model_loaded = True
            from referat.decide.linear import OutcomeModel

            path = models_dir() / DEFAULT_MODEL if self.model_name == "default" else Path(self.model_name)
            if self.model_name == "default" and not path.is_dir():
                log.warning("no outcome model in %s: outcomes by the phrase rules alone", path)
            else:
                self._model = OutcomeModel.load(path)
        return self._model

    def decide(self, doc: Document) -> None:
        """Set `decision` on every item (None on an agenda's items)."""
        if doc.meeting.kind == "dagsorden":
            for item in doc.items:
                item.decision = None
            return
        codes, persons = document_context(doc)
        for item in doc.items:
            item.decision = self.item_decision(doc, item, codes, persons)

    def read(self, doc: Document, item: Item, codes: frozenset[str] = frozenset(),
             persons: list[tuple[int, int, str]] = ()) -> tuple[Reading | None, int, int]:
        """The statements and votes of an item's own decision, and the section's offsets."""
        own, others = choose_section(doc.text, item, doc.meeting, self.grammar)
        if own is None:
            return None, 0, 0
        quoted = [s.heading for s in others]
        stmts: list[Statement] = []
        for part in parts(doc.text, own, doc.meeting, self.grammar):
            if part.own:
                stmts.extend(statements(doc.text, part.start, part.end, self.grammar))
            elif part.heading is not None:
                quoted.append(part.heading.text)
        if not any(not s.attendance and not s.placeholder and s.masked.strip() for s in stmts):
            return None, own.start, own.end
        adopted = any(self.grammar.adopted_by_body.search(s.body)
                      and not actors_after(s.body, 0, len(s.body), self.grammar, codes)[0].actors
                      for s in stmts)
        found = find_votes(stmts, self.grammar, codes, persons, adopted)
        return Reading(stmts, found, quoted), own.start, own.end

    def item_decision(self, doc: Document, item: Item, codes: frozenset[str] = frozenset(),
                      persons: list[tuple[int, int, str]] = ()) -> Decision | None:
        reading, start, end = self.read(doc, item, codes, persons)
        if reading is None:
            return None
        found = reading.votes
        rule, outcome, evidence = self.rule_verdict(doc, item, reading)
        if rule is None and found:
            outcome = "andet"
            evidence.append("outcome andet: positions printed, no verdict")
        elif rule is None:
            outcome, note = self.model_outcome(doc, item, reading)
            evidence.append(note)
        unanimous, why = unanimity(reading, outcome, self.grammar)
        evidence.append(why)
        for f in found:
            said = " ".join(doc.text[f.vote.start:f.vote.end].split())
            evidence.append(f'vote {f.vote.position}: "{_short(said)}"'
                            + (" (on a disqualification)" if f.disqualification else ""))
        evidence.extend(f"quoted, not this body's: {_short(' '.join(h.split()))}" for h in reading.quoted)
        return Decision(text=doc.text[start:end], start=start, end=end, outcome=outcome,
                        unanimous=unanimous, votes=[f.vote for f in found], evidence=evidence)

    def rule_verdict(self, doc: Document, item: Item, reading: Reading
                     ) -> tuple[RuleOutcome | None, str | None, list[str]]:
        """The outcome the phrase rules give (None where none speaks), and why.

        An approval of the recommendation where the Indstilling asks for a
        refusal is `afvist` (ANNOTATION.md §6).
        """
        rule = rule_outcome(reading.statements, self.grammar, [f.span for f in reading.votes],
                            skip=voting_statements(reading, self.grammar))
        if rule is None:
            return None, None, []
        evidence = [rule.describe()]
        said = next((s.verdict for s in reading.statements if s.start <= rule.start < s.end), "")
        indstilling = " ".join(doc.text[s.start:s.end] for s in item.sections if s.kind == "indstilling")
        if refused_by_recommendation(rule, said, indstilling[:1500], self.grammar):
            evidence.append("outcome afvist: the approved recommendation asks for a refusal")
            return rule, "afvist", evidence
        return rule, rule.outcome, evidence

    def model_outcome(self, doc: Document, item: Item, reading: Reading) -> tuple[str, str]:
        """The outcome model's call where no phrase decides, or `andet`."""
        try:
            model = self.model
        except ModelError as err:
            log.warning("outcome model unusable (%s): outcomes by the phrase rules alone", err)
            self._model, self._model_loaded = None, True
            model = None
        if model is None:
            return "andet", "outcome andet: no phrase decides"
        from referat.decide.linear import model_text

        text = model_text(item.title, reading.statements, [f.span for f in reading.votes], self.grammar)
        label, probability = model.predict(text)
        if probability < self.grammar.model_min_probability:
            return "andet", f"outcome andet: no phrase decides, model unsure ({label} p={probability:.2f})"
        return label, f"outcome {label}: {model.source} p={probability:.2f} (no phrase decides)"


def document_context(doc: Document) -> tuple[frozenset[str], list[tuple[int, int, str]]]:
    """What the whole document tells the vote reader: the party codes it prints in
    brackets after a name ("Birgitte Lauth (UP)", so a bare "UP" is a party too), and
    its PERSON spans as (start, end, name)."""
    codes = frozenset(_BRACKET_CODE.findall(doc.text))
    persons = sorted((s.start, s.end, (s.norm or {}).get("name") or s.text)
                     for s in doc.all_entities() if s.label == "PERSON")
    return codes, persons


def voting_statements(reading: Reading, grammar: Grammar) -> set[int]:
    """Statements that hold a vote list or a disqualification and say nothing of the outcome."""
    skip = {f.record for f in reading.votes if f.record is not None}
    skip |= {i for i, s in enumerate(reading.statements) if grammar.disqualification.search(s.masked)}
    return skip


def unanimity(reading: Reading, outcome: str, grammar: Grammar) -> tuple[bool | None, str]:
    """`unanimous` and why (ANNOTATION.md §6)."""
    matter = [f for f in reading.votes if not f.disqualification]
    disqualification = {f.vote.position for f in reading.votes if f.disqualification}
    against = [f for f in matter if f.vote.position in ("imod", "undlod") and f.vote.count != 0]
    if against:
        return False, f"unanimous false: {against[0].vote.position} recorded"
    if any(f.kind == "group" for f in matter):
        return False, "unanimous false: a majority is recorded"
    if len(disqualification) > 1:
        return False, "unanimous false: the vote on a disqualification was split"
    if any(p.search(s.masked) for s in reading.statements if not s.attendance for p in grammar.unanimous):
        return True, "unanimous true: printed"
    if outcome == "andet" and not matter:
        return None, "unanimous null: no decision the body took as a whole"
    return True, "unanimous true: nobody recorded against or abstaining"


def _short(text: str) -> str:
    return text if len(text) <= _EVIDENCE_CHARS else text[:_EVIDENCE_CHARS - 1] + "…"
