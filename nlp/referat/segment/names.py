"""Lists of people's names as minutes print them after "Deltagere", "Fraværende".

"Jan Prokopek Jensen, Niels Ole Bennedsen og Gerhard Bertelsen",
"Lolan Ottesen (A) - formand", "Morten Hass Augustsen (V)". A list is only
taken when every part looks like a name, so that a decision line after an
empty "Fraværende:" ("Godkendt med bemærkning om, at ...") is never read as
names.
"""

from __future__ import annotations

import re

_SPLIT = re.compile(r"(?<!\s)\s*(?:[,;]|\s(?:og|samt|&)\s)\s*")
# "(A)", "(V)", "(formand)", "(SF)" and "- formand", "– næstformand", ", formand"
_PAREN = re.compile(r"(?<!\s)\s*\([^()]{0,40}\)")
_ROLE = re.compile(
    r"(?<![\s,\-–])[\s,\-–]*\b(?i:formand|næstformand|forperson|næstforperson|borgmester|viceborgmester"
    r"|suppleant|medlem|sekretær|referent|mødeleder|udvalgsformand)\b.*$"
)
_PARTICLES = frozenset({"von", "van", "de", "la", "le", "af", "du", "der", "den", "da", "di", "bin", "ibn"})
# Words that are never part of a person's name in these lists (headings, table heads).
_NOT_NAMES = frozenset({
    "Ingen", "Alle", "Intet", "Godkendt", "Taget", "Udvalget", "Byrådet", "Afbud", "Fraværende",
    "Deltagere", "Sekretær", "Referent", "Bilag", "Beslutning", "Indstilling", "Punkt", "Titel", "Sag",
    "Sagsnr", "Side", "Dato", "Referat", "Dagsorden", "Indhold", "Mødet", "Kommune", "Møde", "Tid", "Sted",
})


def _token_ok(token: str) -> bool:
    if token in _PARTICLES:
        return True
    if re.fullmatch(r"[A-ZÆØÅ]\.(?:-?[A-ZÆØÅ]\.)*", token):  # an initial: "E." "H.C."
        return True
    first = token[0]
    return first.isupper() and token.replace("-", "").replace("'", "").replace(".", "").isalpha()


def clean_name(part: str) -> str | None:
    """One name without party letter or role, or None if `part` is no name."""
    part = _ROLE.sub("", _PAREN.sub("", part)).strip(" .:-–\t")
    tokens = part.split()
    if not tokens or len(tokens) > 6 or any(t.rstrip(".:") in _NOT_NAMES for t in tokens):
        return None
    if not all(_token_ok(t) for t in tokens) or tokens[0] in _PARTICLES:
        return None
    return " ".join(tokens)


def name_parts(text: str) -> list[str]:
    """The parts of a list as `parse_names` splits it ("A, B og C" -> ["A", "B", "C"])."""
    return _SPLIT.split(text.strip()) if text.strip() else []


def parse_names(text: str, *, min_tokens: int = 2) -> list[str] | None:
    """The names in a list, or None unless every part is a name of `min_tokens`+ words."""
    text = text.strip()
    if not text:
        return []
    if "\t" in text:  # a table row ("Punkt<tab>Titel"), not a list of names
        return None
    names = []
    for part in name_parts(text):
        if not _ROLE.sub("", _PAREN.sub("", part)).strip(" .:-–\t"):
            continue  # empty, or only a role: "Jan Jensen (A), formand"
        name = clean_name(part)
        if name is None or len(name.split()) < min_tokens:
            return None
        names.append(name)
    return names or None
