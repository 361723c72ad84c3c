"""Is a page's text layer Danish text? Judged by what the text looks like.

A PDF can carry a text layer that is no use: none at all (a scan), a few
stamped words on a scanned page ("Side 3 af 12"), or text in a font without
a ToUnicode map, which extractors turn into glyph numbers (`$ % & ' (`),
private-use code points or shifted letters (`Ebsmhfoh`). The file does not
say which, so the text decides:

- `sparse`: fewer letters than a page of minutes has (OCR where there is an
  image to read);
- `garbled`: the characters are the debris of such a font, or the words are
  not Danish: running Danish has 25-40 % common function words ("og", "at",
  "til"), tables and name lists 3-15 %, garbled text almost none;
- `usable` otherwise.

The thresholds are in configs/ocr.toml ([text_layer]).
"""

from __future__ import annotations

import re
from functools import lru_cache

from referat.resources import load_toml

USABLE, SPARSE, GARBLED = "usable", "sparse", "garbled"

_WORD = re.compile(r"[^\W\d_]+")
_LETTER = re.compile(r"[^\W\d_]")
_VISIBLE = re.compile(r"\S")
_ALNUM = re.compile(r"[^\W_]")
# Not debris: letters, digits, spaces and the punctuation minutes print.
_DEBRIS = re.compile("[^\\w\\s" + re.escape(".,;:!?-–—()[]{}\"'„“”‘’«»/\\%&§+*=<>@#°½¼¾€$£…•·|~^`")
                     + "]|[\ue000-\uf8ff\ufffd_]")


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    return frozenset(load_toml("ocr.toml")["text_layer"]["common_words"])


def text_layer_state(text: str) -> str:
    """`usable`, `sparse` or `garbled`: whether this page's text layer can be used."""
    config = load_toml("ocr.toml")["text_layer"]
    visible = len(_VISIBLE.findall(text))
    if visible >= config["min_letters"] and (
            len(_DEBRIS.findall(text)) > config["max_debris_share"] * visible
            or len(_ALNUM.findall(text)) < config["min_alnum_share"] * visible):
        return GARBLED
    if len(_LETTER.findall(text)) < config["min_letters"]:
        return SPARSE
    words = _WORD.findall(text.lower())
    if len(words) >= config["min_words"]:
        common = _common_words()
        if sum(w in common for w in words) < config["min_common_word_share"] * len(words):
            return GARBLED
    return USABLE
