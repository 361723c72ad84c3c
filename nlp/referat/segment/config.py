"""The segment tables from configs/, compiled once per process.

Layout families live in `configs/layouts/*.toml` (`base.toml` holds what every
family shares), section headings in `configs/sections.toml`, meeting labels in
`configs/meeting.toml`. Everything here is data turned into compiled regexes
and sets; no document is looked at.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from referat.resources import config_path, load_toml


def _alternation(words: list[str]) -> str:
    """A regex alternation of literal words, longest first so none shadows another."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _spaced(words: list[str]) -> str:
    """Like `_alternation`, but any run of spaces in a word matches any whitespace."""
    parts = (r"\s+".join(re.escape(p) for p in w.split()) for w in sorted(set(words), key=len, reverse=True))
    return "|".join(parts)


def fold(text: str) -> str:
    """Lower case with whitespace collapsed: the key heading vocabularies are looked up by."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class HeadingShape:
    """One regex a layout family uses for item headings (groups `number`, `title`)."""

    pattern: re.Pattern[str]
    weight: float
    title_on_next_line: bool = False
    title_on_previous_line: bool = False  # "Title" / "Sag nr. 130": a second reading of a number alone
    first_chars: str = ""  # a line must start with one of these (empty: any)


@dataclass(frozen=True)
class Family:
    """A layout family: its heading shapes and the weights its chain is scored with."""

    name: str
    description: str
    priority: int
    shapes: tuple[HeadingShape, ...]
    score: dict[str, Any]  # base.toml's [score], with the family's own [score] over it


@dataclass(frozen=True)
class Base:
    """Shapes all families share: case numbers, TOC lines, title markers."""

    case_shape: re.Pattern[str]  # a bare case number, whole line
    case_labelled: re.Pattern[str]  # "Sagsnr.: X" anywhere in a line; group `value`
    case_label_start: re.Pattern[str]  # a line opening with a case-number label ("Sagsnr.:", empty or not)
    case_in_title: re.Pattern[str]  # "(19/7556)" or "   19/7556" ending a title
    case_window: int
    toc_leader: re.Pattern[str]
    marker_suffix: re.Pattern[str]  # "(O)" etc. ending a title; group `marker`
    marker_letter: dict[str, str]  # folded marker text -> "O" / "B" / "D"
    closed_prefix: re.Pattern[str]
    closed_suffix: re.Pattern[str]
    closed_words: frozenset[str]
    open_words: frozenset[str]
    closed_part: frozenset[str]
    open_part: frozenset[str]
    continues_after: frozenset[str]
    max_title_chars: int
    bullets: frozenset[str]  # characters a heading may be printed after ("• 301. Title")
    score: dict[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=None)
def base() -> Base:
    data = load_toml("layouts/base.toml")
    case, toc, title = data["case_number"], data["toc"], data["title"]
    shapes = "|".join(f"(?:{s})" for s in case["shapes"])
    labels = _spaced(case["labels"])
    markers = {fold(text): letter for letter, texts in title["markers"].items() for text in texts}
    marker_alt = _alternation([t for texts in title["markers"].values() for t in texts])
    return Base(
        case_shape=re.compile(rf"(?:{shapes})"),
        case_labelled=re.compile(
            rf"(?<![\w.])(?i:{labels})\s*:?\s*(?P<value>(?:{shapes})|(?=[\w./\-]{{0,42}}\d)[A-Za-zÆØÅæøå0-9][\w./\-]{{2,40}}\w)"
        ),
        case_label_start=re.compile(rf"^(?i:{labels})\s*(?::|$)"),
        case_in_title=re.compile(rf"(?:\(\s*(?P<paren>{shapes})\s*\)|(?<!\s)(?:\t|\s\s)\s*(?P<spaced>{shapes}))\s*$"),
        case_window=int(case.get("window", 4)),
        toc_leader=re.compile(toc["leader"]),
        marker_suffix=re.compile(rf"[(\[]\s*(?P<marker>(?i:{marker_alt}))\s*[)\]]\s*$"),
        marker_letter=markers,
        closed_prefix=re.compile(rf"^(?i:{_spaced(title['closed_prefixes'])})\s*[:\-–]\s*"),
        closed_suffix=re.compile(
            rf"(?:[(\[]\s*(?i:{_spaced(title['closed_suffixes'])})\s*[)\]]|[-–]\s*(?i:{_spaced(title['closed_suffixes'])}))\s*$"
        ),
        closed_words=frozenset(fold(w) for w in title["closed_words"]),
        open_words=frozenset(fold(w) for w in title["open_words"]),
        closed_part=frozenset(fold(w) for w in title["closed_part"]),
        open_part=frozenset(fold(w) for w in title["open_part"]),
        continues_after=frozenset(w.casefold() for w in title["continues_after"]),
        max_title_chars=int(title.get("max_chars", 300)),
        bullets=frozenset(data["bullets"]["characters"]),
        score=dict(data["score"]),
    )


@lru_cache(maxsize=None)
def families() -> tuple[Family, ...]:
    """Every layout family in configs/layouts/, best priority first."""
    folder = config_path("layouts")
    found = []
    for path in sorted(folder.glob("*.toml")):
        if path.name == "base.toml":
            continue
        with path.open("rb") as f:
            data = tomllib.load(f)
        try:
            shapes = tuple(
                HeadingShape(re.compile(h["pattern"]), float(h.get("weight", 1.0)),
                             bool(h.get("title_on_next_line", False)), bool(h.get("title_on_previous_line", False)),
                             h.get("first_chars", ""))
                for h in data["heading"]
            )
        except (KeyError, re.error) as err:
            raise ValueError(f"layout family {path}: bad [[heading]]: {err}") from err
        found.append(Family(
            name=data.get("name", path.stem),
            description=data.get("description", ""),
            priority=int(data.get("priority", 99)),
            shapes=shapes,
            score=base().score | data.get("score", {}),
        ))
    if not found:
        raise ValueError(f"no layout families in {folder}")
    return tuple(sorted(found, key=lambda f: (f.priority, f.name)))


@dataclass(frozen=True)
class SectionVocabulary:
    """Section headings -> canonical kind (configs/sections.toml)."""

    exact: dict[str, str]  # folded heading -> kind
    patterns: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...]  # (regex, kind, words one of which a line needs)
    inline: re.Pattern[str]  # "Heading: body" at line start; group `heading`
    max_chars: int
    longest: int  # characters in the longest heading of the vocabulary


@lru_cache(maxsize=None)
def sections() -> SectionVocabulary:
    data = load_toml("sections.toml")
    exact: dict[str, str] = {}
    patterns = []
    for kind, spec in data["kinds"].items():
        for heading in spec.get("headings", []):
            exact.setdefault(fold(heading), kind)
        words = tuple(w.casefold() for w in spec.get("pattern_words", []))
        for pattern in spec.get("patterns", []):
            patterns.append((re.compile(pattern), kind, words))
    headings = [h for spec in data["kinds"].values() for h in spec.get("headings", [])]
    return SectionVocabulary(
        exact=exact,
        patterns=tuple(patterns),
        inline=re.compile(rf"^(?P<heading>(?i:{_spaced(headings)}))\s*:[ \t]*(?=\S)"),
        max_chars=int(data.get("max_heading_chars", 160)),
        longest=max(map(len, headings)) + 2,
    )


@dataclass(frozen=True)
class MeetingVocabulary:
    """Labels and name parts for meeting metadata (configs/meeting.toml)."""

    head_lines: int
    label: re.Pattern[str]  # a label at line start; group `label`, then `rest`
    field_of: dict[str, str]  # folded label -> field ("date", "absent", ...; "other")
    place_labels: frozenset[str]  # folded location labels that are part of the place's name without a colon
    item_absent: re.Pattern[str]  # "Fraværende:" (or the label alone) inside an item; groups `qualifier`, `rest`
    body_suffixes: tuple[str, ...]
    body_not_suffixes: tuple[str, ...]
    body_leading: frozenset[str]
    body_joiners: frozenset[str]
    body_stop: frozenset[str]  # folded
    municipality_suffix: re.Pattern[str]  # "Kommune" as a word; group `suffix`
    municipality_name: re.Pattern[str]  # the name just before it (search in the text before)
    municipality_fallback: re.Pattern[str]  # "<Name> Rådhus" in the head; group `name`
    not_municipality: frozenset[str]


@lru_cache(maxsize=None)
def meeting() -> MeetingVocabulary:
    data = load_toml("meeting.toml")
    field_of = {fold(label): name for name, labels in data["labels"].items() for label in labels}
    for label in data["labels"]["other"]:
        field_of[fold(label)] = "other"
    body = data["body"]
    suffixes = "|".join(re.escape(s) for s in data["municipality"]["suffixes"])
    return MeetingVocabulary(
        head_lines=int(data.get("head_lines", 60)),
        label=re.compile(rf"^(?P<label>(?i:{_spaced([l for ls in data['labels'].values() for l in ls])}))"
                         rf"(?![\wæøåÆØÅ])\s*(?::\s*)?(?P<rest>.*)$"),
        field_of=field_of,
        place_labels=frozenset(fold(w) for w in data.get("place_labels", [])),
        item_absent=re.compile(rf"^(?i:{_spaced(data['item_absent']['labels'])})"
                               rf"(?:\s+(?P<qualifier>(?i:i|under|ved|fra)\s[^:]{{1,80}}?))?\s*(?::(?P<rest>.*)|$)"),
        body_suffixes=tuple(sorted((s.casefold() for s in body["suffixes"]), key=len, reverse=True)),
        body_not_suffixes=tuple(s.casefold() for s in body.get("not_suffixes", [])),
        body_leading=frozenset(body["leading"]),
        body_joiners=frozenset(body["leading_joiners"]),
        body_stop=frozenset(w.casefold() for w in body["stop"]),
        municipality_suffix=re.compile(rf"(?<=\s)(?P<suffix>{suffixes})s?\b"),
        municipality_fallback=re.compile(
            rf"(?<![\w-])(?P<name>[A-ZÆØÅ][a-zæøå]+(?:-[A-ZÆØÅ][a-zæøå]+)?)\s"
            rf"(?:{'|'.join(re.escape(s) for s in data['municipality']['fallback_suffixes'])})\b"
        ),
        municipality_name=re.compile(r"(?<![\w-])(?P<name>[A-ZÆØÅ][a-zæøå]+(?:-[A-ZÆØÅ][a-zæøå]+)?)\s$"),
        not_municipality=frozenset(data["municipality"]["not_names"]),
    )


@dataclass(frozen=True)
class KindVocabulary:
    """Cues for what a document is: minutes, an agenda, or something else (configs/meeting.toml [kind])."""

    words: dict[str, str]  # folded title word -> "referat" / "dagsorden"
    not_after: frozenset[str]  # a title word after one of these names something else ("af dagsorden")
    top_lines: int
    bottom_lines: int
    email_label: re.Pattern[str]  # "Fra: ..." at line start; group `label`
    email_senders: frozenset[str]  # folded labels one of which an e-mail header needs
    salutation: re.Pattern[str]
    closing: re.Pattern[str]
    document_types: frozenset[str]  # folded first words of another kind of document's title


@lru_cache(maxsize=None)
def kinds() -> KindVocabulary:
    data = load_toml("meeting.toml")["kind"]
    andet = data["andet"]
    return KindVocabulary(
        words={w: kind for kind in ("referat", "dagsorden") for w in data[kind]},
        not_after=frozenset(w.casefold() for w in data["not_after"]),
        top_lines=int(data.get("top_lines", 8)),
        bottom_lines=int(data.get("bottom_lines", 12)),
        email_label=re.compile(rf"^(?P<label>(?i:{_spaced(andet['email_labels'])}))\s*:\s*\S"),
        email_senders=frozenset(fold(w) for w in andet["email_senders"]),
        salutation=re.compile(rf"^(?i:{_spaced(andet['salutations'])})(?![\wæøåÆØÅ])"),
        closing=re.compile(rf"^(?i:{_spaced(andet['closings'])})(?![\wæøåÆØÅ])[\s,.!:]*(?:\S.{{0,60}})?$"),
        document_types=frozenset(fold(w) for w in andet["document_types"]),
    )
