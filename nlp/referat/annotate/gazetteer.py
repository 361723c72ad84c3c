"""The name lists and cue words behind PERSON and PARTY, loaded once.

Plain-text lists in `configs/names/` (one name a line, `#` comments) so that a
municipality can extend them without code; see configs/names/README.md for
where each list comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.lang.da.stop_words import STOP_WORDS

from referat.resources import config_path, load_toml


@dataclass(frozen=True)
class Party:
    letter: str
    names: tuple[str, ...]
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Gazetteer:
    first_names: frozenset[str]
    surnames: frozenset[str]
    titles: frozenset[str]  # lower case: "borgmester", "fraværende:"
    title_suffixes: tuple[str, ...]  # "minister": integrationsminister
    not_names: frozenset[str]  # lower case words that are no part of a name
    not_name_suffixes: tuple[str, ...]
    stop_words: frozenset[str]  # Danish function words (spaCy's list)
    party_codes: dict[str, str]  # "SF" -> "F", "V" -> "V"
    party_names: dict[str, str]  # "O" -> "Dansk Folkeparti"
    party_by_name: dict[str, str]  # "Dansk Folkeparti" -> "O", "Siumut" -> "Siumut"


def read_list(name: str) -> list[str]:
    """A one-name-a-line list from configs/names/, comments and blanks dropped."""
    lines = config_path(f"names/{name}").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    cues = load_toml("names/person_cues.toml")
    parties_table = load_toml("names/parties.toml")
    parties = [Party(p["letter"], tuple(p.get("names", [])), tuple(p.get("codes", [])))
               for p in parties_table["party"]]
    codes = {party.letter: party.letter for party in parties}
    codes.update({code: party.letter for party in parties for code in party.codes})  # codes win
    return Gazetteer(
        first_names=frozenset(read_list("first_names.txt")),
        surnames=frozenset(read_list("surnames.txt")),
        titles=frozenset(w.lower() for w in cues["titles"]["words"]),
        title_suffixes=tuple(cues["titles"]["suffixes"]),
        not_names=frozenset(w.lower() for w in cues["not_names"]["words"]),
        not_name_suffixes=tuple(cues["not_names"]["suffixes"]),
        stop_words=frozenset(STOP_WORDS),
        party_codes=codes,
        party_names={p.letter: p.names[0] for p in parties if p.names},
        party_by_name={name: p.letter for p in parties for name in p.names},
    )
