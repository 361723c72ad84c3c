"""COMMITTEE: political bodies by name, normalised to their base form.

Found by shape, not from a list of names (planitor's `companies.py` habit):

    Økonomiudvalget · Arbejdsmarkeds- og Integrationsudvalget
    Miljø-, Plan- og Landdistriktsudvalget · Teknik- og miljøudvalget
    Udvalget for Specialiserede Borgerindsatser
    Byrådet · byrådets · Kommunalbestyrelsen · Regionsrådet · Magistraten · Greve Byråd
    Handicaprådet · Ældrerådet · Seniorrådets          (statutory councils, listed)
    Byraadet · Sogneraadets · Amtsraadet               (the old spelling: orthography.py)
    SBU                                  (the initials of the body that met, or an
                                          abbreviation the text defines: "... (SBU)")

Normalised value `{"name": ...}`: the genitive dropped (`Byrådets` →
`Byrådet`), the first letter upper case, whitespace squashed, the old
spelling modernised (`Byraadets` → `Byrådet`; a town before "Byraad" keeps
its own), and a hyphen lost at a PDF line break put back
(`Sundhedsog Forebyggelsesudvalget` → `Sundheds- og Forebyggelsesudvalget`).

Not committees: a bare `udvalget`/`Udvalget`, administrations
(`Forvaltningen`, `Jobcentret`), staff committees (MED), compounds that only
contain a committee (`Social- og Seniorudvalgsmødet`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from referat.annotate.context import DocumentContext
from referat.annotate.orthography import modern_spelling
from referat.annotate.scan import literal_hits, whole_words
from referat.annotate.spans import make_span, squash, without_overlaps
from referat.model import Span
from referat.resources import load_toml

SOURCE = "rules:committee"

_SP = r"[ \u00a0]"
_GAP = r"(?:" + _SP + r"+|" + _SP + r"*\n" + _SP + r"*)"
_L = r"[a-zæøåéü]"
_W = r"[\wæøåÆØÅ]"
# The coordinated first parts before a head word, ending where the head word starts:
#   "Miljø-, Plan- og " · "Arbejdsmarkeds-og " · "Skole-, Børne– og "
#   and the sloppy forms minutes print: "Klima-, Teknik og " · "Skole- Børne og " ·
#   "Sundheds og " · "Sundhedsog " (a hyphen lost at a line break).
# The first part has its hyphen (else "Borgerindsatser, Miljø-, Plan- og" would join a
# list of names); a later part without one must not be a word in the definite form
# ("Byrådet, ...", "Kommunen og ..." are lists of bodies). It opens with a character
# set, so `search` skips to capitals in C.
_DEFINITE = r"(?<!et)(?<!en)(?<!ets)(?<!ens)"
_HYPHEN_END = r"[-–],?" + _GAP + r"?"
_PART_END = r"(?:" + _HYPHEN_END + r"|" + _DEFINITE + r"," + _GAP + r")"
_COORDINATION = re.compile(
    r"[A-ZÆØÅ](?<![\w-].)(?:" + _W + r"*" + _HYPHEN_END + r"(?:" + _W + r"+" + _PART_END + r")*"
    + r"(?:" + _W + r"+" + _DEFINITE + _GAP + r")?(?:og|&|samt)" + _GAP
    + r"|" + _L + r"+s" + _GAP + r"og" + _GAP
    + r"|" + _L + r"+[se]og" + _GAP + r")$"
)
_HEAD_WORD = re.compile(_W + r"*udvalg(?:et|ets|s)?")
# Literals that every committee name holds: found first, then the word around them.
_TRIGGERS = ("udvalg", "råd", "Råd", "raad", "Raad", "bestyrelse", "repræsentation", "agistrat", "ystyre")
# How a committee word may end after its trigger: checked before the word is looked at.
_ENDINGS = {t: re.compile(re.escape(t) + e + r"(?![\wæøå-])") for t, e in (
    ("udvalg", r"(?:ets|et|s)?"), ("råd", r"(?:ets|et|s)?"), ("Råd", r"(?:ets|et|s)?"),
    ("raad", r"(?:ets|et|s)?"), ("Raad", r"(?:ets|et|s)?"),
    ("bestyrelse", r"(?:ns|n)?"), ("repræsentation", r"(?:ens|en)?"), ("agistrat", r"(?:ens|en)"),
    ("ystyre", r"(?:ts|t)"))}
_TOWN_COUNCIL = ("Byråd", "Byråds")
_TOWN = re.compile(r"([A-ZÆØÅ]" + _L + r"+(?:-[A-ZÆØÅ]" + _L + r"+)?)" + _SP + r"+$")
_NOT_TOWNS = frozenset("nyt nye ny det et hele samlede kommende nuværende tidligere siddende "
                       "nyvalgte kommunes".split())
_ABBREVIATION_AFTER = re.compile(_SP + r"*\((?P<abbr>[A-ZÆØÅ]{2,6})\)")


@dataclass(frozen=True)
class _Tables:
    opener: re.Pattern  # "Udvalget for ..."
    named: dict[str, tuple[tuple[str, str], ...]]  # last word -> (words before it, base name)
    not_names: frozenset[str]
    not_contains: tuple[str, ...]
    abbreviations: dict[str, str]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    table = load_toml("committees.toml")
    openers = "|".join(_GAP.join(map(re.escape, o.split())) for o in table["shapes"]["openers"])
    cap_word = r"[A-ZÆØÅ]" + _L + r"+"
    opener = re.compile(
        r"(?<![\w-])(?:" + openers + r")" + _GAP + cap_word
        + r"(?:(?:," + _SP + r"+|" + _SP + r"+(?:og|&)" + _SP + r"+|" + _SP + r"+)" + cap_word + r"){0,4}"
        r"(?![\wæøå-])"
    )
    named: dict[str, list[tuple[str, str]]] = {}
    for name in table["councils"]["names"] + table["statutory"]["names"]:
        *before, last = name.split()
        for word in (last, last + "s"):
            for form in {word, word[0].lower() + word[1:]} if not before else {word}:
                named.setdefault(form, []).append((" ".join(before), name))
    return _Tables(
        opener=opener,
        named={k: tuple(sorted(v, key=lambda x: -len(x[0]))) for k, v in named.items()},
        not_names=frozenset(table["not_committees"]["names"]),
        not_contains=tuple(table["not_committees"]["contains"]),
        abbreviations=dict(table.get("abbreviations", {})),
    )


@lru_cache(maxsize=4096)
def base_name(printed: str) -> str:
    """`Byrådets` → `Byrådet`; `Sundhedsog Forebyggelsesudvalget` → `Sundheds- og ...`."""
    name = squash(printed)
    if "aa" in name or "Aa" in name:  # old spelling; "Aabenraa Byraad": the town keeps its own
        words = name.split(" ")
        town = 1 if len(words) == 2 and modern_spelling(words[1]).startswith(_TOWN_COUNCIL) else 0
        name = " ".join(words[:town] + [modern_spelling(w) for w in words[town:]])
    name = re.sub(r"(?<=\w)-,?(?=og\b)", lambda m: m.group() + " ", name)  # Arbejdsmarkeds-og
    name = re.sub(r"^([A-ZÆØÅ]" + _L + r"+[se])og ", r"\1- og ", name)  # hyphen lost at a line break
    last = name.rsplit(" ", 1)[-1]
    if last.endswith(("ets", "ens", "udvalgs", "råds", "ts")) and not last.endswith("ss"):
        name = name[:-1]
    return name[0].upper() + name[1:]


def initials(name: str) -> str:
    """`Social- og Beskæftigelsesudvalget` → `SBU`: the letters a body's abbreviation uses."""
    words = [w for w in re.split(r"[\s,]+", name)
             if w.rstrip("-–").isalpha() and w.lower() not in ("og", "for", "samt")]
    letters = [w[0].upper() for w in words]
    last = words[-1].lower() if words else ""
    for head, letter in (("udvalget", "U"), ("udvalg", "U"), ("rådet", "R")):
        if last.endswith(head) and last != head:
            letters.append(letter)
            break
    return "".join(letters)


def _is_committee(name: str, t: _Tables) -> bool:
    base = base_name(name)
    return base not in t.not_names and not any(c in name for c in t.not_contains)


def _word_start(text: str, i: int) -> int:
    while i > 0 and text[i - 1].isalpha():
        i -= 1
    return i


def _committee_at(text: str, start: int, end: int, t: _Tables) -> int | None:
    """Where the committee name whose last word is text[start:end] begins, or None."""
    word = text[start:end]
    if _HEAD_WORD.fullmatch(word):  # "...udvalget", maybe with coordinated first parts
        if text[start - 1:start] == "-":  # "MED-udvalget", "Hoved-MED-udvalget"
            return None
        coordination = _COORDINATION.search(text, max(0, start - 90), start)
        if coordination:
            return coordination.start()
        if word[0].isupper():
            return start
    word = modern_spelling(word)  # "Byraadet" is looked up as "Byrådet"
    for before, _ in t.named.get(word, ()):
        if not before:
            return start
        head = text[max(0, start - len(before) - 4):start]
        if squash(head).endswith(before):
            return start - len(head) + head.rfind(before.split()[0])
    if word in _TOWN_COUNCIL:  # "Greve Byråd", not "Nyt Byråd" (a project's name)
        town = _TOWN.search(text, max(0, start - 30), start)
        if town and town.group(1).lower() not in _NOT_TOWNS:
            return town.start()
    return None


def find_committees(text: str, context: DocumentContext | None = None) -> list[Span]:
    """Every political body named in `text`, none overlapping."""
    t = _tables()
    context = context or DocumentContext()
    spans: list[Span] = []

    def add(start: int, end: int) -> None:
        name = text[start:end]
        if _is_committee(name, t):
            spans.append(make_span(text, "COMMITTEE", start, end, {"name": base_name(name)}, SOURCE))

    for trigger in _TRIGGERS:
        ending = _ENDINGS[trigger]
        for hit in literal_hits(text, (trigger,)):
            m = ending.match(text, hit)
            if m:
                start = _word_start(text, hit)
                begin = _committee_at(text, start, m.end(), t)
                if begin is not None:
                    add(begin, m.end())
    for hit in literal_hits(text, ("Udvalg",)):
        m = t.opener.match(text, hit)
        if m:
            add(m.start(), m.end())
    spans = without_overlaps(spans)
    abbreviations = _document_abbreviations(text, spans, context, t)
    for start, end, abbr in whole_words(text, abbreviations):
        spans.append(make_span(text, "COMMITTEE", start, end, {"name": abbreviations[abbr]},
                               SOURCE + ":abbreviation"))
    return without_overlaps(spans)


def _document_abbreviations(text: str, found: list[Span], context: DocumentContext,
                            t: _Tables) -> dict[str, str]:
    """Abbreviations that stand for a body in this document, and the body's name.

    Defined ones ("Social- og Beskæftigelsesudvalget (SBU)"), the listed ones
    (ØU), and the initials of the body that met: the meeting's body where
    segment read it, else the body the text names most often.
    """
    out = dict(t.abbreviations)
    names = Counter(s.norm["name"] for s in found)
    for span in found:
        defined = _ABBREVIATION_AFTER.match(text, span.end)
        if defined:
            out[defined.group("abbr")] = span.norm["name"]
    body = context.body or (names.most_common(1)[0][0] if names else None)
    if body:
        abbr = initials(body)
        if len(abbr) >= 2 and abbr.isalpha():
            out.setdefault(abbr, base_name(body))
    return out
