"""Older Danish spelling: `aa` for `å`, as minutes wrote it before 1948 and many after.

The 1948 spelling reform replaced `aa` by `å` (and lower-cased the nouns);
archives hold decades of minutes in the old spelling ("Byraadet",
"Sogneraadets", "Raadmand"). The finders read such names where they read the
modern ones, and normalise them to the modern spelling (`Byraadet` →
`Byrådet`); the text itself is never changed. Place names keep their `aa`
(Aabenraa, Aalborg still write it).
"""

from __future__ import annotations

import re

_AA = re.compile(r"(?<![AaÅå])(?:aa|Aa|AA)(?![AaÅå])")
_AA_REPLACEMENT = {"aa": "å", "Aa": "Å", "AA": "Å"}


def modern_spelling(word: str) -> str:
    """`Byraadets` → `Byrådets`; `aa` inside a run of more a's is left alone."""
    return _AA.sub(lambda m: _AA_REPLACEMENT[m.group()], word) if "a" in word or "A" in word else word


__all__ = ["modern_spelling"]
