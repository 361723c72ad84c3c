"""The text an item-type model sees, and the printed marker it must never see.

ANNOTATION.md §2: a printed type marker (`(O)`, `(B)`, `(D)`, or the type
word in brackets) is the label, so it is cut out of the title here and out of
the item text, in training and at prediction alike. A model reads the title,
the recommendation (Indstilling) and the decision (Beslutning); where the
segmenter found neither section it reads the item's whole text instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from referat.model import ITEM_TYPES, Document, Item
from referat.resources import load_toml

CONFIG = "item_types.toml"


@dataclass(frozen=True)
class ItemText:
    """The parts of an item that tell its type; empty strings where absent."""

    title: str
    indstilling: str = ""
    beslutning: str = ""
    body: str = ""  # the item's text minus its heading, only where neither section was found

    def scope(self, name: str) -> str:
        return getattr(self, name)


@dataclass(frozen=True)
class _Markers:
    by_token: dict[str, str]  # "O" / "orientering" / "til orientering" -> "O"
    prefix: re.Pattern  # "(B) Title"
    suffix: re.Pattern  # "Title (B)"
    at_line_end: re.Pattern  # a marker ending a line of item text
    drop: re.Pattern  # absence lines and the like (the config's patterns, joined)
    max_chars: dict[str, int]


@lru_cache(maxsize=None)
def _markers() -> _Markers:
    table = load_toml(CONFIG)
    letters: dict[str, str] = table["markers"]["letters"]
    words: dict[str, str] = table["markers"]["words"]
    letter_of = {label: letter for letter, label in letters.items()}
    by_token = {letter: letter for letter in letters}
    by_token.update({word.lower(): letter_of[label] for word, label in words.items()})
    word_alt = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    letter_alt = "|".join(re.escape(letter) for letter in letters)
    # Letters count in upper case only (a lower-case "(b)" is a list label); words in any case.
    token = rf"(?P<tok>{letter_alt}|(?i:{word_alt}))"
    bracket = rf"[\(\[][ \t]*{token}[ \t]*[\)\]]"
    feats = table.get("features", {})
    return _Markers(
        by_token=by_token,
        # (?<!...) lets a run of blanks be entered only at its start: linear time.
        prefix=re.compile(rf"^\s*{bracket}[ \t]*[:.\-–]?\s*"),
        suffix=re.compile(rf"(?<!\s)\s*{bracket}\s*$"),
        at_line_end=re.compile(rf"(?<![ \t])[ \t]*{bracket}[ \t]*$", re.MULTILINE),
        drop=re.compile("|".join(f"(?:{p})" for p in feats.get("drop", [])) or r"(?!)", re.IGNORECASE),
        max_chars=dict(feats.get("max_chars", {})),
    )


def strip_marker(title: str) -> tuple[str, str | None]:
    """The title without a printed type marker, and the marker letter ("O", "B", "D") or None.

    >>> strip_marker("Den virksomhedsrettede indsats (O)")
    ('Den virksomhedsrettede indsats', 'O')
    """
    markers = _markers()
    match = markers.suffix.search(title) or markers.prefix.search(title)
    if match is None:
        return " ".join(title.split()), None
    token = match.group("tok")
    letter = markers.by_token.get(token) or markers.by_token.get(token.lower())
    return " ".join((title[:match.start()] + " " + title[match.end():]).split()), letter


def marker_label(letter: str | None) -> str | None:
    """The item type a marker letter stands for."""
    if letter is None:
        return None
    table = load_toml(CONFIG)["markers"]["letters"]
    label = table.get(letter.upper())
    return label if label in ITEM_TYPES else None


def item_marker(item: Item) -> str | None:
    """The printed marker: the one segment found, else one still in the title."""
    if item.marker:
        return item.marker.upper()
    return strip_marker(item.title)[1]


def clean(text: str) -> str:
    """Item text as evidence: absence lines and stray markers out, whitespace collapsed."""
    markers = _markers()
    text = markers.drop.sub(" ", markers.at_line_end.sub("", text))
    return " ".join(text.split())


def _section_text(doc: Document, item: Item, kind: str, last_only: bool) -> str:
    parts = [doc.text[s.start:s.end] for s in item.sections if s.kind == kind]
    parts = [p for p in (clean(p) for p in parts) if p]
    if not parts:
        return ""
    # Several decision sections are earlier meetings' or other bodies' decisions
    # printed in order; the last one is this meeting's.
    return parts[-1] if last_only else " ".join(parts)


def item_text(doc: Document, item: Item) -> ItemText:
    """Title (marker stripped), recommendation and decision of one item."""
    title = strip_marker(item.title)[0]
    indstilling = _section_text(doc, item, "indstilling", last_only=False)
    beslutning = _section_text(doc, item, "beslutning", last_only=True)
    body = ""
    if not indstilling and not beslutning:
        whole = doc.text[item.start:item.end]
        first_break = whole.find("\n")
        body = clean(whole[first_break + 1:] if first_break >= 0 else "")
        if body.startswith(title):  # a layout that repeats the title below the heading
            body = body[len(title):].lstrip()
    return ItemText(title=title, indstilling=indstilling, beslutning=beslutning, body=body)


_DIGITS = re.compile(r"\d+")


def model_input(text: ItemText) -> str:
    """One string per item for a text model: labelled parts, each capped in length.

    Digits are dropped: dates, amounts and list numbers say nothing about the
    type, and a model trained on one municipality's numbering ("1.-3.
    Godkendt") should not carry it to another's.
    """
    caps = _markers().max_chars
    parts = [text.title[:caps.get("title", 300)]]
    for name, heading in (("indstilling", "Indstilling: "), ("beslutning", "Beslutning: "),
                          ("body", "")):
        value = text.scope(name)
        if value:
            parts.append(heading + value[:caps.get(name, 1500)])
    return _DIGITS.sub("", "\n".join(parts))
