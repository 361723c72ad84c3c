"""Is a page's text layer Danish text? Judged by what the text looks like.

A PDF can carry a text layer that is no use: none at all (a scan), a few
stamped words on a scanned page ("Side 3 af 12"), or text in a font without
a ToUnicode map, which extractors turn into glyph numbers (`$ % & ' (`),
private-use code points or shifted letters (`Ebsmhfoh`). The file does not
say which, so the text decides:

- `sparse`: fewer letters than a page of minutes has (OCR where there is an
  image to read);
- `garbled`: the characters are the debris of such a font, or the words are
  not Danish: running Danish has 25-45 % common function words ("og", "at",
  "til", spaCy's Danish stop words), tables and name lists 5-15 %, garbled
  text almost none;
- `usable` otherwise.

The thresholds are in configs/ocr.toml ([text_layer]).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from referat.resources import load_toml

USABLE, SPARSE, GARBLED = "usable", "sparse", "garbled"

_WORD = re.compile(r"[^\W\d_]+")
_PLAIN = frozenset(" \n\t\f.,;:!?-–—()[]{}\"'„“”‘’«»/\\%&§+*=<>@#°½¼¾€$£…•·|_~^`")


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    from spacy.lang.da.stop_words import STOP_WORDS

    return frozenset(w for w in STOP_WORDS if len(w) > 1)  # "i" and "å" are letters too


def _is_debris(char: str) -> bool:
    if char in _PLAIN or char.isalnum():
        return False
    category = unicodedata.category(char)
    return category in ("Co", "Cc", "Cs", "Cn") or char == "\ufffd" or category[0] in "SP"


def text_layer_state(text: str) -> str:
    """`usable`, `sparse` or `garbled`: whether this page's text layer can be used."""
    config = load_toml("ocr.toml")["text_layer"]
    if sum(c.isalpha() for c in text) < config["min_letters"]:
        return SPARSE
    visible = [c for c in text if not c.isspace()]
    if sum(map(_is_debris, visible)) > config["max_debris_share"] * len(visible):
        return GARBLED
    words = _WORD.findall(text.lower())
    if len(words) >= config["min_words"]:
        common = _common_words()
        if sum(w in common for w in words) < config["min_common_word_share"] * len(words):
            return GARBLED
    return USABLE
