"""PERSON and PARTY: names the rules vouch for, party letters, item-type suffixes that are not parties."""

from __future__ import annotations

import pytest

from referat.annotate.context import DocumentContext
from referat.annotate.persons import find_persons, plausible_name
from referat.annotate.spans import from_markers

MARKED = [
    # a known first name
    "Oplæg ved [PERSON Henrik Kokborg], Integrationsinfo",
    "Præsentation 16.01.2019 - [PERSON Henrik Kokborg]",
    "[PERSON Frank E. Andersen]",
    "faglig koordinator [PERSON Birgit \nElleby Jørgensen] fra Center for Ejendomme",
    # a title before the name (a first name the gazetteer lacks)
    "Udlændinge- og integrationsminister [PERSON Mattias Tesfaye] opfordrer",
    "Sekretær\n[PERSON Mie Helene Andresen]",
    # a party letter after it, and the letter is a PARTY
    "[PERSON Lolan Ottesen] ([PARTY A]) - formand",
    "Fraværende:  [PERSON Morten Hass Augustsen] ([PARTY V])",
    "[PERSON Helle Blak] ([PARTY F]) og ([PARTY Ø]) bemærker, at",
    # parties without a name
    "([PARTY V]) og ([PARTY O]) foreslår følgende:",
    "Forslag fra ([PARTY V]) og ([PARTY O]), nr. 2, 3 og 4 indgår",
    "For stemte ([PARTY V]), ([PARTY A]), ([PARTY C]) og [PERSON Liselott Blixt] ([PARTY UP]).",
    "[PERSON Liselott Blixt] ([PARTY UP]-1) og [PERSON Hans-Jørgen Kirstein] ([PARTY UP]-2) stemte imod.",
    "Forslag fra [PARTY DD] og [PARTY LA] blev forkastet.",
    "Styrk dagplejen, [PARTY SF], [PARTY RV] og [PARTY V]",
    "BESLUTNINGSFORSLAG FRA [PARTY S], [PARTY KF], [PARTY SF], [PARTY V] OG [PARTY RV]",
    # lists that hold a person
    "Der er aftalt et møde med CSU, ACV, [PERSON Lone], [PERSON Vini] og [PERSON Henrik Krøjer Larsen].",
    # attendance lines
    "Mødedeltagere [PERSON Jan Prokopek Jensen], [PERSON Niels Ole Bennedsen], [PERSON Gerhard Bertelsen]",
    # lines of a list are two names, a name and a heading are not one
    "[PERSON Doris Børger] ([PARTY A])\n[PERSON Karl Vilhelm Nielsen] ([PARTY V])",
    "Fraværende: [PERSON Hans Jensen]\nFremstilling\nSagsprocedure",
    # no persons, no parties
    "2. Integrationsområdet (O)",
    "3.     Den virksomhedsrettede indsats (O)",
    "Punkt 4: Drøftelse af temaer (D)",
    "A) De foreslåede arbejder godkendes.",
    "Ungdomsuddannelsescenter (UUC) Maglemosen",
    "Borgerstyret Personlig Assistance (BPA)",
    "pavilloner ved Greve Borgerhus og ved Klub Havana",
    "Hotel Lux og Hus Forbi",
    "Jobcenter Sønderborg og Region Hovedstaden",
    "Resume\nForligskredsen har besluttet",
    "bestyrelsen for I/S Hedeland",
    "NB: Resultattilskud opnås efter 6 måneder",
    "Enhedschef for Plan, Vej og Trafik [PERSON Maja Bagge Lillelund] deltog.",
]


@pytest.mark.parametrize("marked", MARKED, ids=range(len(MARKED)))
def test_marked(marked):
    text, expected = from_markers(marked)
    assert [(s.label, s.start, s.end) for s in find_persons(text)] == expected


def test_person_norm_carries_the_party():
    spans = find_persons("Karl Vilhelm Nielsen (V)\nMie Helene Andresen")
    persons = [s.norm for s in spans if s.label == "PERSON"]
    assert persons == [{"name": "Karl Vilhelm Nielsen", "party": "V"}, {"name": "Mie Helene Andresen", "party": None}]
    party = next(s for s in spans if s.label == "PARTY")
    assert party.norm == {"letter": "V", "name": "Venstre"}


def test_party_codes_normalise_to_letters():
    spans = find_persons("Forslag fra SF, S, RV og DD")
    assert [s.norm["letter"] for s in spans] == ["F", "A", "B", "Æ"]


def test_names_the_document_lists_are_persons():
    text = "Fraværende: Lolan Ottesen\nLolan Ottesen kom senere."
    context = DocumentContext(names=("Lolan Ottesen",))
    assert [s.text for s in find_persons(text, context)] == ["Lolan Ottesen", "Lolan Ottesen"]
    assert [s.text for s in find_persons("Lolan Ottesen kom senere.")] == []


def test_an_item_heading_from_segment_keeps_its_suffix_off_parties():
    text = "Orientering fra Lone Hansen (B)\nTekst"
    assert [s.label for s in find_persons(text, DocumentContext(headings=((0, 31),)))] == ["PERSON"]
    assert [s.label for s in find_persons(text)] == ["PERSON", "PARTY"]


@pytest.mark.parametrize("text, plausible", [
    ("Anne Hansen", True), ("Benedicte Nielsen", True), ("Høje-Taastrup Fjernvarme", False),
    ("Lokalavisen Sydkysten", False), ("MT Højgaard", False), ("Anne", False), ("Greve Kommune", False),
])
def test_plausible_name(text, plausible):
    assert plausible_name(text) is plausible
