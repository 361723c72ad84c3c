"""DaN+ (Plank, Nørgaard Jensen and van der Goot, COLING 2020) as flat, labelled sentences.

DaN+ files are tab-separated, one token a line, a blank line between
sentences: the token, the outer entity layer and the inner (nested) layer,
BIO-encoded, with the NoSta-D types PER, ORG, LOC, MISC and their `-part`
(a word that contains a name: `SID-huset`) and `-deriv` (a word derived
from a name: `danske`, `socialdemokratiske`) subtypes.

referat's NER model is flat (spaCy's `ner` cannot nest), so:

- the **outer layer** is the annotation; the **inner layer is dropped**
  (`Københavns Universitet` is one ORG; the LOC inside it is not learnt);
- the subtypes are flattened as DaN+ flattens them to compare with DaNE's
  CoNLL-2003 labels: **every `-part` and `-deriv` becomes MISC**
  (`SID-huset`, `danske` → MISC), so PER, ORG and LOC stay names proper;
- PER is called PERSON, referat's label.

Sentences come back as words with the spaces between them (`detokenise`), so
that a model trained on them and a scorer reading them see text as it is
printed, not as the treebank split it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from referat.errors import InputError

LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}
SUBTYPE_LABEL = "MISC"  # what -part and -deriv become (the DaN+/DaNE comparison)
SPLITS = {"train": "da_news_train.tsv", "dev": "da_news_dev.tsv",
          "twitter_dev": "da_twitter_dev.tsv", "arto_dev": "da_arto_dev.tsv"}
"""The files of a DaN+ folder, by the name referat gives each split."""

_NO_SPACE_BEFORE = frozenset(",.:;!?)]}%…") | {"...", "..", "'s"}
_NO_SPACE_AFTER = frozenset("([{§")


@dataclass
class Sentence:
    """A sentence's words, the spaces after them, and its entities as token ranges."""

    words: list[str]
    spaces: list[bool]
    ents: list[tuple[int, int, str]] = field(default_factory=list)  # [start, end) tokens, label

    @property
    def text(self) -> str:
        return "".join(w + (" " if s else "") for w, s in zip(self.words, self.spaces))

    def char_spans(self) -> list[tuple[int, int, str]]:
        """The entities as [start, end) character offsets into `text`."""
        offsets, pos = [], 0
        for word, space in zip(self.words, self.spaces):
            offsets.append(pos)
            pos += len(word) + space
        return [(offsets[s], offsets[e - 1] + len(self.words[e - 1]), label) for s, e, label in self.ents]


def flat_label(tag: str) -> str | None:
    """The referat label of a DaN+ BIO type (`PER`, `LOCderiv`, `ORGpart`); None for `O`."""
    if tag in ("", "O", "_"):
        return None
    base = tag.removesuffix("part").removesuffix("deriv")
    if base not in LABELS:
        raise ValueError(f"unknown DaN+ entity type {tag!r}")
    return LABELS[base] if base == tag else SUBTYPE_LABEL


def outer_entities(tags: list[str]) -> list[tuple[int, int, str]]:
    """Entities of one BIO column as [start, end) token ranges with referat labels.

    An `I-` that does not continue an entity of its type starts one (as
    conlleval reads it).
    """
    ents: list[tuple[int, int, str]] = []
    start, current = None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, kind = tag.partition("-")
        continues = prefix == "I" and kind == current
        if start is not None and not continues:
            label = flat_label(current)
            if label:
                ents.append((start, i, label))
            start, current = None, None
        if prefix in ("B", "I") and not continues:
            start, current = i, kind
    return ents


def detokenise(words: list[str]) -> list[bool]:
    """Whether a space follows each word, as Danish is printed.

    No space before closing punctuation or after an opening bracket;
    straight double quotes alternate between opening and closing.
    """
    spaces = [True] * len(words)
    quote_open = False
    for i, word in enumerate(words):
        if word == '"':
            if quote_open:
                if i:
                    spaces[i - 1] = False
            else:
                spaces[i] = False
            quote_open = not quote_open
        elif word in _NO_SPACE_BEFORE and i:
            spaces[i - 1] = False
        if word in _NO_SPACE_AFTER:
            spaces[i] = False
    if spaces:
        spaces[-1] = False
    return spaces


def read_danplus(path: str | Path) -> list[Sentence]:
    """The sentences of one DaN+ file (outer layer, flattened labels)."""
    return list(_sentences(Path(path)))


def _sentences(path: Path) -> Iterator[Sentence]:
    words: list[str] = []
    tags: list[str] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read DaN+ file: {err}", path=str(path)) from err
    for number, line in enumerate([*lines, ""], 1):
        if not line.strip():
            if words:
                yield Sentence(words, detokenise(words), outer_entities(tags))
            words, tags = [], []
            continue
        cols = line.split("\t")
        if len(cols) < 2:
            raise InputError(f"line {number}: expected token<TAB>tag[<TAB>inner tag]", path=str(path))
        try:
            flat_label(cols[1].partition("-")[2] if "-" in cols[1] else cols[1])
        except ValueError as err:
            raise InputError(f"line {number}: {err}", path=str(path)) from None
        words.append(cols[0])
        tags.append(cols[1])


def find_splits(folder: str | Path) -> dict[str, Path]:
    """The DaN+ files present in a folder, by split name."""
    folder = Path(folder)
    return {split: folder / name for split, name in SPLITS.items() if (folder / name).is_file()}
