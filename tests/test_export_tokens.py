"""Tokens split at span boundaries: every span maps to whole tokens, the text stays."""

from __future__ import annotations

import pytest

from referat.export.tokens import aligned_doc
from referat.model import Span


def spans_in(text: str, *mentions: str) -> list[Span]:
    return [Span("X", text.index(m), text.index(m) + len(m), m) for m in mentions]


@pytest.mark.parametrize("text, mentions, splits, tokens", [
    ("Tilbuddet gives jf.§56 i bekendtgørelsen.", ["§56"], 1, ["jf.", "§56"]),
    ("efter Integrationslovens § 18.", ["Integrationslovens § 18"], 1, ["18", "."]),
    ("Udgiften er kr. 8,5 mio..", ["kr. 8,5 mio."], 1, ["mio", ".", "."]),
    ("efter aktivlovens § 13 d, stk. 5 og", ["aktivlovens § 13 d, stk. 5"], 0, ["5"]),
    ("en ramme på  2,0 mio.kr. i alt", ["2,0 mio.kr."], 0, ["2,0"]),
    ("udvalget godkendte", [" godkendte"], 1, ["udvalget", " ", "godkendte"]),
], ids=["inside-token", "sentence-final-dot", "double-dot", "aligned", "double-space", "span-on-space"])
def test_spans_align_and_text_is_kept(text, mentions, splits, tokens):
    spans = spans_in(text, *mentions)
    doc, n = aligned_doc(text, spans)
    assert doc.text == text
    assert n == splits
    words = [t.text for t in doc]
    for span in spans:
        aligned = doc.char_span(span.start, span.end)
        assert aligned is not None and aligned.text == span.text
    assert any(words[i:i + len(tokens)] == tokens for i in range(len(words)))


def test_without_spans_the_tokens_are_spacys():
    from referat.export.tokens import blank_danish

    text = "Punkt 3: Godkendelse af  beskæftigelsestilbud (B)\nSagsnr.: 18/58627"
    doc, n = aligned_doc(text, [])
    expected = blank_danish().make_doc(text)
    assert n == 0
    assert [(t.text, t.whitespace_) for t in doc] == [(t.text, t.whitespace_) for t in expected]


def test_a_text_past_spacys_million_characters_is_tokenized():
    """The limit guards a parser's memory; referat's exports only tokenize."""
    text = "Punkt 1: Budget " * 70_000  # 1,120,000 characters
    doc, splits = aligned_doc(text, [Span("AMOUNT", 9, 15, "Budget")])
    assert doc.text == text and splits == 0
    assert [t.text for t in doc[:4]] == ["Punkt", "1", ":", "Budget"]
