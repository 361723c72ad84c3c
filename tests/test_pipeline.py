"""The whole pipeline on documents without items: nothing a readable document holds is lost."""

from __future__ import annotations

from pathlib import Path

import pytest

import referat
from referat.pipeline import Options

LETTER = """Kære Teknik- og Miljøudvalg

Vi beder om følgende om lokalplan 1204, som Byrådet vedtog for 2,5 mio. kr.:

1. Ny høring efter planlovens § 19

2. En trafikanalyse for Engvej

Med venlig hilsen
Hans Hansen
"""

RULES_ONLY = Options(ner="rules", classifier="rules")


@pytest.fixture()
def letter(tmp_path: Path) -> referat.Document:
    path = tmp_path / "bilag-3-henvendelse.txt"
    path.write_text(LETTER, encoding="utf-8")
    return referat.process(path, RULES_ONLY)


def test_a_letter_is_an_ok_record_of_kind_andet(letter) -> None:
    assert letter.ok and letter.items == []
    assert (letter.meeting.kind, letter.meeting.kind_evidence[0].text) == ("andet", "Kære Teknik- og Miljøudvalg")
    assert letter.text == LETTER.strip() and [(p.number, p.start) for p in letter.pages] == [(1, 0)]
    assert [w.code for w in letter.warnings] == ["item_dropped", "item_dropped", "no_items"]


def test_a_document_without_items_still_has_its_entities(letter) -> None:
    found = {(s.label, s.text) for s in letter.entities}
    assert {("COMMITTEE", "Teknik- og Miljøudvalg"), ("COMMITTEE", "Byrådet"), ("AMOUNT", "2,5 mio. kr."),
            ("PERSON", "Hans Hansen")} <= found
    assert any(s.label == "LAW" and s.norm["section"] == "19" for s in letter.entities)
