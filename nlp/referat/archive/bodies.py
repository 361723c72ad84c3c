"""The body that met, as a key an archivist's words can find.

Minutes print the same body many ways: `Byråd 2022-2025`, `Byrådet`,
`Greve Byråd`, `Kommunalbestyrelsen`, `.Spørgsmål / Svar til Byrådet
2022-2025`. A body's key drops the election period and stray punctuation and
folds case; every name of the council (configs/bodies.toml), alone or after
the town's name, has the one key `byrådet`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from referat.resources import load_toml

COUNCIL = "byrådet"

_PERIOD = re.compile(r"\(?\b(?:19|20)\d\d\s*[-–/]\s*(?:(?:19|20)?\d\d)\b\)?")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


@lru_cache(maxsize=1)
def _council() -> tuple[frozenset[str], str]:
    table = load_toml("bodies.toml")["council"]
    return frozenset(table["names"]), table["label"]


def body_key(name: str | None) -> str | None:
    """`Byråd 2022-2025` → `byrådet`; `Økonomiudvalget (2018-2021)` → `økonomiudvalget`."""
    if not name:
        return None
    text = unicodedata.normalize("NFC", name)
    text = _EDGES.sub("", _PERIOD.sub(" ", text))
    key = " ".join(text.split()).casefold()
    if not key:
        return None
    names, _ = _council()
    words = key.split(" ")
    if key in names or (len(words) == 2 and words[1] in names and words[0] not in names):
        return COUNCIL
    return key


def body_label(name: str, key: str) -> str:
    """What a facet shows for a body: the council's one label, else the name without its period."""
    if key == COUNCIL:
        return _council()[1]
    return " ".join(_EDGES.sub("", _PERIOD.sub(" ", name)).split()) or name
