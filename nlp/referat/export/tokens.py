"""Tokens that every span can be cut from, for the token-based formats.

Prodigy tasks and spaCy `Doc`s need spans on token boundaries, but referat's
spans are character offsets and some fall inside a spaCy token (`jf.§56`
is one token to the Danish tokenizer, the LAW mention is `§56`). Rather than
stretch or drop such spans, the tokens are split at every span boundary: the
text stays the same, every span maps to whole tokens, and the number of
splits is reported so a user knows the tokenization differs from spaCy's.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from referat.model import Span

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


@lru_cache(maxsize=1)
def blank_danish() -> Language:
    """spaCy's rule-based Danish tokenizer (no model, nothing downloaded).

    Its `max_length` (1,000,000 characters) guards the memory of a parser or an
    entity model; a tokenizer alone takes any text the pipeline took (a record of
    a 1 MB text otherwise stops the spaCy, Prodigy and HF exports with E088).
    """
    from referat.lazy import spacy_blank

    nlp = spacy_blank("da")
    nlp.max_length = 1 << 31
    return nlp


def aligned_doc(text: str, spans: Iterable[Span]) -> tuple[Doc, int]:
    """A spaCy `Doc` of `text` whose tokens start and end at every span boundary.

    Returns the doc and how many boundaries fell inside a spaCy token (or on
    a token's trailing space) and needed a split.
    """
    from spacy.tokens import Doc

    nlp = blank_danish()
    spans = list(spans)
    starts = {s.start for s in spans}
    ends = {s.end for s in spans}
    cuts = {0, len(text)}
    for token in nlp.make_doc(text):
        cuts.update((token.idx, token.idx + len(token.text)))
    splits = len((starts | ends) - cuts)
    points = sorted(cuts | starts | ends)
    words: list[str] = []
    spaces: list[bool] = []
    for a, b in zip(points, points[1:]):
        piece = text[a:b]
        if piece == " " and words and not spaces[-1] and a not in starts and b not in ends:
            spaces[-1] = True  # the single space spaCy keeps as the token's whitespace
            continue
        if piece == " " and words and not spaces[-1]:
            splits += 1  # a span starts or ends on what spaCy calls trailing whitespace
        words.append(piece)
        spaces.append(False)
    return Doc(nlp.vocab, words=words, spaces=spaces), splits
