"""Evidence rules: decision and recommendation phrases from configs/item_types.toml.

The phrases are data (see the comments in the TOML for where they come
from); this module only finds them and adds them up. Every type gets a
score, so a caller sees how close a call was and which phrases made it
(planitor's first-match-in-dict-order is what this avoids).

Scoring, per ANNOTATION.md §2:
- in each scope (beslutning, indstilling, body, title) the strongest phrase
  gives the scope's verdict; weights put a decision above a discussion above
  a note, so a mixed outcome ("1. Taget til efterretning. 2. Godkendt.") is
  beslutning however the other scopes lean;
- an *approval* in the decision ("Godkendt", "Anbefales", "Byrådet godkendte
  Økonomiudvalgets indstilling", "Udsat") takes the type the Indstilling asked
  for, so approving "at tage orienteringen til efterretning" is orientering;
- logit(type) = prior + sum, over the scopes whose verdict it is, of
  scope weight x the verdict phrase's weight.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from referat.classify.features import CONFIG, ItemText
from referat.model import ITEM_TYPES
from referat.resources import load_toml

SCOPES = ("beslutning", "indstilling", "body", "title")
ROLES = ("outcome", "approval")
_BEFORE, _AFTER = r"(?<!\w)(?:", r")(?!\w)"  # a phrase is whole words
_JOINED = 16  # phrases per joined pattern: larger ones fall off a CPU-cache cliff on long texts


@dataclass(frozen=True)
class Phrase:
    type: str
    role: str
    weight: float
    pattern: re.Pattern


@dataclass(frozen=True)
class Hit:
    """One phrase found in one scope; `type` is after resolving approvals."""

    scope: str
    type: str
    weight: float
    text: str
    role: str = "outcome"
    resolved_by: str | None = None  # for approvals: the Indstilling's type, or None

    def describe(self) -> str:
        note = ""
        if self.role == "approval":
            note = f" (approves an indstilling: {self.resolved_by})" if self.resolved_by \
                else " (approval; no indstilling found)"
        return f'{self.scope}: "{self.text}"{note}'


@dataclass
class RuleResult:
    """Scores per type from the rules, and the phrases behind them."""

    logits: dict[str, float]  # prior + evidence
    evidence_logits: dict[str, float]  # evidence only (what a model is combined with)
    hits: list[Hit] = field(default_factory=list)

    @property
    def label(self) -> str:
        return max(ITEM_TYPES, key=lambda t: self.logits[t])

    @property
    def scores(self) -> dict[str, float]:
        return softmax(self.logits)

    @property
    def margin(self) -> float:
        """How far the best type leads the runner-up (in logits)."""
        ordered = sorted(self.logits.values(), reverse=True)
        return ordered[0] - ordered[1]

    def evidence(self, label: str, limit: int = 5) -> list[str]:
        """The phrases that speak for `label`, strongest scope first."""
        chosen = [h for h in self.hits if h.type == label]
        chosen.sort(key=lambda h: (SCOPES.index(h.scope), -h.weight))
        seen: list[str] = []
        for hit in chosen:
            text = hit.describe()
            if text not in seen:
                seen.append(text)
        return seen[:limit]


def softmax(logits: dict[str, float]) -> dict[str, float]:
    top = max(logits.values())
    exps = {k: math.exp(v - top) for k, v in logits.items()}
    total = sum(exps.values())
    return {k: v / total for k, v in exps.items()}


@dataclass(frozen=True)
class EvidenceRules:
    """The phrase tables of configs/item_types.toml, compiled once."""

    prior: dict[str, float]
    scope_weights: dict[str, float]
    unresolved_approval_weight: float
    phrases: dict[str, tuple[Phrase, ...]]  # per scope
    combined: dict[str, tuple[re.Pattern, ...]] = field(init=False, repr=False, compare=False)
    _found: Callable[[str, str], tuple[tuple[Phrase, str], ...]] = field(init=False, repr=False,
                                                                       compare=False)

    def __post_init__(self) -> None:
        # A scope's phrases joined into a few patterns find where any phrase starts in one
        # scan each, instead of one scan per phrase.
        combined = {}
        for scope, phrases in self.phrases.items():
            try:
                combined[scope] = tuple(
                    re.compile(_BEFORE + "|".join(p.pattern.pattern[len(_BEFORE):-len(_AFTER)]
                                                  for p in phrases[i:i + _JOINED]) + _AFTER, re.IGNORECASE)
                    for i in range(0, len(phrases), _JOINED))
            except re.error as err:
                raise ValueError(f"{CONFIG}: the {scope} phrases do not combine into one pattern "
                                 f"({err}); phrases may not use named groups or backreferences") from err
        object.__setattr__(self, "combined", combined)
        # Decisions repeat ("Godkendt.", "Taget til efterretning."): each text is searched once.
        object.__setattr__(self, "_found", lru_cache(maxsize=4096)(self._find))

    @classmethod
    def from_table(cls, table: dict) -> EvidenceRules:
        """Compile a parsed item_types.toml; a bad entry raises ValueError naming it."""
        phrases: dict[str, list[Phrase]] = {s: [] for s in SCOPES}
        for entry in table.get("phrase", []):
            if entry["type"] not in ITEM_TYPES or entry.get("role", "outcome") not in ROLES:
                raise ValueError(f"{CONFIG}: bad phrase entry {entry!r}: type must be one of "
                                 f"{ITEM_TYPES}, role one of {ROLES}")
            for scope in entry["scopes"]:
                if scope not in SCOPES:
                    raise ValueError(f"{CONFIG}: unknown scope {scope!r}; valid: {SCOPES}")
                for pattern in entry["patterns"]:
                    phrases[scope].append(Phrase(
                        type=entry["type"], role=entry.get("role", "outcome"),
                        weight=float(entry["weight"]),
                        pattern=re.compile(f"{_BEFORE}{pattern}{_AFTER}", re.IGNORECASE)))
        return cls(
            prior={t: float(table.get("prior", {}).get(t, 0.0)) for t in ITEM_TYPES},
            scope_weights={s: float(table["scopes"].get(s, 0.0)) for s in SCOPES},
            unresolved_approval_weight=float(table.get("unresolved_approval_weight", 0.5)),
            phrases={s: tuple(p) for s, p in phrases.items()},
        )

    @classmethod
    def default(cls) -> EvidenceRules:
        return default_rules()

    def find(self, scope: str, text: str) -> tuple[tuple[Phrase, str], ...]:
        """Phrases of a scope in a text, left to right; where matches overlap, the one that
        starts first stays, and of those starting at one place the longest (then heaviest)."""
        return self._found(scope, text) if text else ()

    def _find(self, scope: str, text: str) -> tuple[tuple[Phrase, str], ...]:
        kept: list[tuple[Phrase, str]] = []
        phrases, searches = self.phrases[scope], [p.search for p in self.combined[scope]]
        found = [search(text) for search in searches]  # each joined pattern's next match
        while any(found):
            start = min(m.start() for m in found if m)
            best_end, best = start, None
            for phrase in phrases:
                m = phrase.pattern.match(text, start)
                if m is not None and (m.end(), phrase.weight) > (best_end, best.weight if best else -1.0):
                    best_end, best = m.end(), phrase
            if best is not None:
                kept.append((best, text[start:best_end]))
            position = best_end if best is not None else start + 1  # else: only empty matches here
            found = [search(text, position) if m is not None and m.start() < position else m
                     for m, search in zip(found, searches)]
        return tuple(kept)

    def evaluate(self, text: ItemText) -> RuleResult:
        """Score one item's title, recommendation, decision (or whole text)."""
        indstilling_hits = [Hit("indstilling", p.type, p.weight, s)
                            for p, s in self.find("indstilling", text.indstilling)]
        asked = _strongest(indstilling_hits)
        hits: list[Hit] = list(indstilling_hits)
        for scope in ("beslutning", "body", "title"):
            for phrase, snippet in self.find(scope, text.scope(scope)):
                if phrase.role == "approval":
                    if asked is not None:
                        hits.append(Hit(scope, asked, phrase.weight, snippet, "approval", asked))
                    else:
                        hits.append(Hit(scope, "beslutning", self.unresolved_approval_weight,
                                        snippet, "approval"))
                else:
                    hits.append(Hit(scope, phrase.type, phrase.weight, snippet))
        evidence = {t: 0.0 for t in ITEM_TYPES}
        for scope in SCOPES:
            in_scope = [hit for hit in hits if hit.scope == scope]
            verdict = _strongest(in_scope)
            if verdict is not None:
                weight = max(hit.weight for hit in in_scope if hit.type == verdict)
                evidence[verdict] += self.scope_weights[scope] * weight
        logits = {t: self.prior[t] + evidence[t] for t in ITEM_TYPES}
        return RuleResult(logits=logits, evidence_logits=evidence, hits=hits)


@lru_cache(maxsize=1)
def default_rules() -> EvidenceRules:
    """The rules of the configs/item_types.toml in use, compiled once per process."""
    return EvidenceRules.from_table(load_toml(CONFIG))


def _strongest(hits: list[Hit]) -> str | None:
    """The type a set of hits points to (highest weight; ties by ITEM_TYPES order)."""
    if not hits:
        return None
    best: dict[str, float] = {}
    for hit in hits:
        best[hit.type] = max(best.get(hit.type, 0.0), hit.weight)
    return max(best, key=lambda t: (best[t], -ITEM_TYPES.index(t)))
