"""The decision grammar of configs/decisions.toml, compiled once.

The TOML holds the phrases (see its comments for where they come from); this
module turns them into regular expressions and small lookup tables, and
knows the party names of configs/names/parties.toml. Nothing here reads a
document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from referat.model import OUTCOMES, POSITIONS
from referat.resources import load_toml

CONFIG = "decisions.toml"
PARTIES = "names/parties.toml"

_FLAGS = re.IGNORECASE | re.MULTILINE
_DATE = (r"(?:\d{1,2}\.?\s*(?:januar|februar|marts|april|maj|juni|juli|august|september|oktober"
         r"|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|okt|nov|dec)\.?,?\s+\d{4}"
         r"|\d{1,2}[-./]\d{1,2}[-./](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class OutcomePhrase:
    outcome: str
    tier: str  # "strong" or "weak"
    pattern: re.Pattern


@dataclass(frozen=True)
class Grammar:
    """Everything the decide stage matches, compiled."""

    # reading the text
    attendance: tuple[re.Pattern, ...]
    placeholders: tuple[re.Pattern, ...]
    remark: re.Pattern
    reason: re.Pattern
    quote_pairs: dict[str, str]
    abbreviations: frozenset[str]
    point_label: re.Pattern
    content_line: re.Pattern
    proposal_lead: re.Pattern
    secondary: re.Pattern
    quote_headings: tuple[re.Pattern, ...]
    identification: tuple[re.Pattern, ...]
    max_unnamed_chars: int
    # actors
    code: str
    name: str
    fillers: frozenset[str]
    party_of_names: frozenset[str]
    body_words: re.Pattern
    party_names: dict[str, str]  # lower-case name (and genitive) -> letter
    party_name_pattern: re.Pattern
    known_codes: frozenset[str]
    not_name_words: frozenset[str]
    actor_tokens: re.Pattern  # the tokens of an actor list (referat.decide.actors)
    # votes
    headers: tuple[re.Pattern, ...]
    next_position: re.Pattern
    verbs: tuple[tuple[str, re.Pattern], ...]  # (position, pattern)
    verb_second: re.Pattern
    dissent: re.Pattern
    adopted_by_body: re.Pattern
    majority: re.Pattern
    minority: re.Pattern
    count_term: re.Pattern
    count_anchor: re.Pattern
    for_against: re.Pattern
    number_words: dict[str, int]
    stance: re.Pattern
    disqualification: re.Pattern
    disqualification_reach: int
    unanimous: tuple[re.Pattern, ...]
    # outcome
    outcomes: tuple[OutcomePhrase, ...]
    approval_of_recommendation: re.Pattern
    recommendation_refuses: tuple[re.Pattern, ...]
    model_min_probability: float

    def number(self, token: str | None) -> int | None:
        """A printed count ("19", "nitten", "ingen") as an int."""
        if token is None:
            return None
        token = token.strip().lower()
        return int(token) if token.isdigit() else self.number_words.get(token)

    def position(self, word: str) -> str:
        """The position a printed word stands for ("mod" -> "imod", "undlader" -> "undlod")."""
        word = " ".join(word.lower().split())
        if word == "for":
            return "for"
        if word in ("imod", "mod", "i mod", "nej"):
            return "imod"
        return "undlod"  # undlod, undlader, blank, hverken for eller imod, forbehold

    def party_letter(self, name: str) -> str | None:
        """The letter of a full party name as printed ("Enhedslistens" -> "Ø")."""
        return self.party_names.get(" ".join(name.lower().split()))


def _compile_all(patterns, flags=_FLAGS) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p, flags) for p in patterns)


def _first_of(number_words: dict[str, int]) -> str:
    """A look-ahead for the first character of a count (a digit or a number word's
    first letter, either case): a cheap test that most positions of a text fail at once."""
    initials = "".join(sorted({re.escape(c) for w in number_words for c in (w[0], w[0].upper())}))
    return rf"(?=[\d{initials}])"


def _with_number(pattern: str, number: str) -> str:
    return pattern.replace("{number}", number).replace("{date}", _DATE)


def _party_names(extra: dict[str, str]) -> tuple[dict[str, str], frozenset[str]]:
    """Full party names (with genitive and group forms) -> letter; and all known codes."""
    names: dict[str, str] = {}
    codes: set[str] = set()
    parties = [(p["letter"], p.get("names", []), p.get("codes", [])) for p in load_toml(PARTIES)["party"]]
    parties += [(letter, [name], []) for name, letter in extra.items()]
    for letter, party_names, party_codes in parties:
        codes.add(letter)
        codes.update(party_codes)
        for name in party_names:
            base = " ".join(name.lower().split())
            for form in (base, base + "s", base + "s gruppe", base + "s byrådsgruppe",
                         base + "s medlem", base + "s medlemmer", base + "s repræsentant",
                         base + "s repræsentanter"):
                names[form] = letter
    return names, frozenset(codes)


def alternation(words) -> str:
    """A regex matching any of `words`, as a trie ("de(?:n|t)"), so that a position is
    tried in steps of its characters, not once per word."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def walk(node: dict) -> str:
        branches = [re.escape(char) + walk(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return walk(trie)


def _actor_tokens(code: str, name: str) -> re.Pattern:
    """Tokens of an actor list; full party names arrive as capitalised runs (`name`) and
    are told apart from members' names in `referat.decide.actors`."""
    group = rf"\(\s*{code}(?:\s*(?:,|\bog\b|\+|/|&)\s*{code})*\s*\)"
    return re.compile(
        rf"(?P<group>{group})"
        rf"|(?P<name>{name})"
        rf"|(?P<code>(?=[A-ZÆØÅ])(?<![\wæøåÆØÅ(-]){code}(?![\wæøåÆØÅ)-]))"
        r"|(?P<joint>,|;|&|\+|/|\bog\b|\bsamt\b|\beller\b)"
        r"|(?P<word>[^\s,;&+/()]+|[()])")


@lru_cache(maxsize=1)
def load_grammar() -> Grammar:
    """configs/decisions.toml compiled (once per process)."""
    table = load_toml(CONFIG)
    text, votes = table["text"], table["votes"]
    counts = votes["counts"]
    number_words = {k.lower(): int(v) for k, v in counts["number_words"].items()}
    number = "(?:" + "|".join(sorted(map(re.escape, number_words), key=len, reverse=True)) + ")"
    cased_number = f"(?i:{number})"  # for the patterns matched as written (lower case)
    party_names, known_codes = _party_names(votes.get("extra_party_names", {}))
    party_name_pattern = rf"(?<![\wæøåÆØÅ])(?:{alternation(party_names)})(?![\wæøåÆØÅ])"
    outcomes = []
    for block in table["outcome"]:
        if block["outcome"] not in OUTCOMES:
            raise ValueError(f"{CONFIG}: unknown outcome {block['outcome']!r}")
        for pattern in block["patterns"]:
            outcomes.append(OutcomePhrase(block["outcome"], block["tier"], re.compile(pattern, _FLAGS)))
    verbs = []
    for position, patterns in votes["verbs"].items():
        if position == "verb_second":
            continue
        if position not in POSITIONS:
            raise ValueError(f"{CONFIG}: unknown position {position!r}")
        verbs.extend((position, re.compile(p, _FLAGS)) for p in patterns)
    return Grammar(
        attendance=_compile_all(text["attendance"]),
        placeholders=_compile_all(text["placeholders"]),
        remark=re.compile("|".join(f"(?:{p})" for p in text["remark_openers"]), _FLAGS),
        reason=re.compile("|".join(f"(?:{p})" for p in text["reason_openers"]), _FLAGS),
        quote_pairs={pair[0]: pair[1] for pair in text["quotes"]},
        abbreviations=frozenset(a.lower() for a in text["abbreviations"]),
        point_label=re.compile(text["point_label"], re.IGNORECASE),
        content_line=re.compile(text["content_line"], re.IGNORECASE),
        proposal_lead=re.compile(text["proposal_lead"], re.IGNORECASE),
        secondary=re.compile(text["secondary"], re.IGNORECASE),
        identification=_compile_all(text["identification"]),
        max_unnamed_chars=int(text["max_unnamed_chars"]),
        quote_headings=tuple(re.compile(_with_number(p, number), _FLAGS)
                             for p in text["quote_headings"]),
        code=votes["code"],
        name=votes["name"],
        fillers=frozenset(w.lower() for w in votes["fillers"]),
        party_of_names=frozenset(votes["party_of_names"]),
        body_words=re.compile(rf"^(?:{votes['body_words']})$", re.IGNORECASE),
        party_names=party_names,
        party_name_pattern=re.compile(party_name_pattern, re.IGNORECASE),
        known_codes=known_codes,
        not_name_words=frozenset(w.lower() for w in votes.get("not_name_words", [])),
        actor_tokens=_actor_tokens(votes["code"], votes["name"]),
        headers=tuple(re.compile(_with_number(p, number), re.IGNORECASE) for p in votes["headers"]),
        next_position=re.compile(_with_number(votes["next_position"], cased_number)),
        verbs=tuple(verbs),
        verb_second=re.compile(votes["verbs"]["verb_second"], re.IGNORECASE),
        dissent=re.compile(votes["dissent"]["pattern"]),
        adopted_by_body=re.compile(votes["dissent"]["adopted_by_body"], re.IGNORECASE),
        majority=re.compile(_with_number(votes["groups"]["majority"], number), re.IGNORECASE),
        minority=re.compile(_with_number(votes["groups"]["minority"], number), re.IGNORECASE),
        count_term=re.compile(_first_of(number_words) + _with_number(counts["term"], cased_number)),
        count_anchor=re.compile(_with_number(counts["anchor"], number), re.IGNORECASE),
        for_against=re.compile(_with_number(counts["for_against"], number), re.IGNORECASE),
        number_words=number_words,
        stance=re.compile(votes["stance"]["pattern"], re.IGNORECASE),
        disqualification=re.compile(votes["disqualification"]["cue"], re.IGNORECASE),
        disqualification_reach=int(votes["disqualification"]["reach"]),
        unanimous=_compile_all(table["unanimous"]["true"]),
        outcomes=tuple(outcomes),
        approval_of_recommendation=re.compile(table["approval"]["of_recommendation"], _FLAGS),
        recommendation_refuses=_compile_all(table["approval"]["recommendation_refuses"]),
        model_min_probability=float(table["model"]["min_probability"]),
    )
