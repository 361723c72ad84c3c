"""Which text is the decision: this meeting's section, quoted treatments kept apart, no decision at all."""

from __future__ import annotations

import pytest

from _decisions import decide, minutes, votes_of
from referat.decide import Decider
from referat.decide.grammar import load_grammar
from referat.decide.scope import body_key, read_heading, same_body

RULES = Decider("rules")


def decided(*items, **meeting):
    doc = minutes(*items, **meeting)
    RULES.decide(doc)
    return doc, [item.decision for item in doc.items]


def test_an_agenda_has_no_decisions_never_a_guess():
    _, decisions = decided({"sections": {"Indstilling": "Administrationen indstiller, at planen godkendes.",
                                         "Beslutning": "Godkendt."}}, kind="dagsorden")
    assert decisions == [None]


@pytest.mark.parametrize("text", [
    "Beslutning ikke frigivet",
    "Afbud: Maria Witthøft",
    "Fraværende:\nIkke til stede:\nSusanne Krag (A)",
    "Gitte Borg Nielsen deltog som stedfortræder.",
    "",
], ids=["not released", "attendance", "attendance lines and a name", "substitute", "empty"])
def test_no_decision_printed(text):
    assert decide(text) is None


def test_no_decision_section_no_decision():
    _, decisions = decided({"title": "Underskriftsark", "sections": {"Resume": "Elektronisk underskriftsark."}})
    assert decisions == [None]


def test_a_closed_item_without_sections_is_decided_by_its_text():
    doc, decisions = decided({"title": "Salg af boliger", "closed": True,
                              "bare": "Byrådet godkendte Økonomiudvalgets indstilling.\nImod stemte: F og Ø"})
    decision = decisions[0]
    assert decision.outcome == "godkendt"
    assert votes_of(decision) == [("imod", ("F", "Ø"), (), None)]
    assert decision.text == "Byrådet godkendte Økonomiudvalgets indstilling.\nImod stemte: F og Ø"
    assert doc.text[decision.start:decision.end] == decision.text


def test_a_closed_item_whose_decision_is_not_released():
    _, decisions = decided({"closed": True, "bare": "Beslutning ikke frigivet"})
    assert decisions == [None]


def test_decision_text_is_the_section_body_without_its_heading():
    doc, decisions = decided({"sections": {"Beslutning i Økonomiudvalget den 10. maj 2021:":
                                           "Fraværende: Per Dalgaard\nGodkendt."}})
    assert decisions[0].text == "Fraværende: Per Dalgaard\nGodkendt."
    assert doc.text[decisions[0].start:decisions[0].end] == decisions[0].text


def test_this_meetings_section_among_earlier_and_other_bodies():
    _, decisions = decided({"sections": {
        "Beslutning i Social- og Beskæftigelsesudvalget den 2. december 2019:": "Udsat.\n(V) stemte imod.",
        "Beslutning i Børne- og Ungeudvalget den 13. januar 2020:": "Godkendt.",
        "Beslutning i Social- og Beskæftigelsesudvalget den 13. januar 2020:": "Taget til efterretning.",
    }}, body="Social- og Beskæftigelsesudvalget", date="2020-01-13")
    decision = decisions[0]
    assert decision.text == "Taget til efterretning."
    assert decision.outcome == "taget_til_efterretning"
    assert decision.votes == []
    assert sum(e.startswith("quoted, not this body's") for e in decision.evidence) == 2


def test_quoted_earlier_treatments_inside_the_decision_are_kept_apart():
    text = ("Økonomiudvalget, 18. september 2019, pkt. 153:\nAnbefales.\n(Ø) stemte imod.\n\n"
            "Byrådet, 30. september 2019, pkt. 201:\nGodkendt.\n(F) undlod at stemme.")
    decision = decide(text, body="Byrådet", date="2019-09-30")
    assert decision.outcome == "godkendt"
    assert votes_of(decision) == [("undlod", ("F",), (), None)]
    assert any("Økonomiudvalget, 18. september 2019, pkt. 153" in e for e in decision.evidence)


def test_a_one_line_quote_ends_with_its_paragraph():
    text = "Økonomiudvalget, 18. september 2019, pkt. 153: Anbefales. (Ø) stemte imod.\n\nGodkendt."
    decision = decide(text, body="Byrådet", date="2019-09-30")
    assert decision.outcome == "godkendt"
    assert decision.votes == []


def test_attendance_before_quoted_parts_is_no_decision_of_its_own():
    text = "Fraværende: Per Dalgaard\nØkonomiudvalget, 18. september 2019:\nAnbefales.\n\nByrådet, 30. september 2019:\nGodkendt."
    assert decide(text, body="Kommunalbestyrelsen", date="2019-10-01").outcome == "godkendt"


def test_where_no_quoted_part_names_this_body_the_latest_is_its_own():
    text = "Økonomiudvalget, 18. september 2019:\nAnbefales.\n\nByrådet, 30. september 2019:\nGodkendt."
    decision = decide(text, body=None, date=None)
    assert decision.outcome == "godkendt"


@pytest.mark.parametrize(("a", "b", "same"), [
    ("Byrådet", "Byråd 2022-2025", True),
    ("Økonomiudvalgets", "Økonomiudvalget", True),
    ("Social- og Beskæftigelsesudvalget (2018-2021)", "Social- og Beskæftigelsesudvalget", True),
    ("Børne- og Ungeudvalget", "Social- og Beskæftigelsesudvalget", False),
    ("Kommunalbestyrelsen", "Byrådet", False),
])
def test_same_body(a, b, same):
    assert same_body(a, b) is same


def test_body_key_drops_endings_and_years():
    assert body_key("Byråd 2022-2025") == ("byråd",)


@pytest.mark.parametrize(("line", "body", "date"), [
    ("Beslutning i Social- og Beskæftigelsesudvalget den 13. januar 2020:",
     "Social- og Beskæftigelsesudvalget", "2020-01-13"),
    ("Beslutning Arbejdsmarkeds- og Integrationsudvalget den 11-03-2019",
     "Arbejdsmarkeds- og Integrationsudvalget", "2019-03-11"),
    ("Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012", "Sundheds- og Forebyggelsesudvalget",
     "2012-12-04"),
    ("Økonomiudvalget, 18. september 2019, pkt. 153:", "Økonomiudvalget", "2019-09-18"),
])
def test_treatment_headings(line, body, date):
    heading = read_heading(line, load_grammar())
    assert (same_body(heading.body, body), heading.date) == (True, date)


@pytest.mark.parametrize("line", ["Beslutning", "Teknik- og Miljøudvalgets beslutning",
                                  "Godkendt den 4. maj 2020 af udvalget."])
def test_lines_that_name_no_treatment(line):
    assert read_heading(line, load_grammar()) is None
