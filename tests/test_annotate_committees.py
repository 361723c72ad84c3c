"""COMMITTEE: political bodies by shape, in base form; abbreviations the document defines."""

from __future__ import annotations

import pytest

from referat.annotate.committees import base_name, find_committees, initials
from referat.annotate.context import DocumentContext
from referat.annotate.spans import from_markers

# (text, the committee's text, its base name)
SHAPES = [
    ("Økonomiudvalget godkendte", "Økonomiudvalget", "Økonomiudvalget"),
    ("Arbejdsmarkeds- og Integrationsudvalget", "Arbejdsmarkeds- og Integrationsudvalget",
     "Arbejdsmarkeds- og Integrationsudvalget"),
    ("Miljø-, Plan- og Landdistriktsudvalget", "Miljø-, Plan- og Landdistriktsudvalget",
     "Miljø-, Plan- og Landdistriktsudvalget"),
    ("Social- og Beskæftigelsesudvalgets møde", "Social- og Beskæftigelsesudvalgets",
     "Social- og Beskæftigelsesudvalget"),
    ("Udvalget for Specialiserede Borgerindsatser den 6. november", "Udvalget for Specialiserede Borgerindsatser",
     "Udvalget for Specialiserede Borgerindsatser"),
    ("Byrådets vision", "Byrådets", "Byrådet"),
    ("sendes til byrådet", "byrådet", "Byrådet"),
    ("Kommunalbestyrelsens møde", "Kommunalbestyrelsens", "Kommunalbestyrelsen"),
    ("Regionsrådet har besluttet", "Regionsrådet", "Regionsrådet"),
    ("Magistraten indstiller", "Magistraten", "Magistraten"),
    ("Borgerrepræsentationen vedtog", "Borgerrepræsentationen", "Borgerrepræsentationen"),
    ("Seniorrådets høringssvar", "Seniorrådets", "Seniorrådet"),
    ("høring i Handicaprådet", "Handicaprådet", "Handicaprådet"),
    ("høring i ældrerådet", "ældrerådet", "Ældrerådet"),
    ("Folkeoplysningsudvalget", "Folkeoplysningsudvalget", "Folkeoplysningsudvalget"),
    ("Greve Byråd besluttede", "Greve Byråd", "Greve Byråd"),
    ("Teknik- og miljøudvalget", "Teknik- og miljøudvalget", "Teknik- og miljøudvalget"),
    ("Skole-, Børne– og Ungeudvalget", "Skole-, Børne– og Ungeudvalget", "Skole-, Børne– og Ungeudvalget"),
    ("Klima-, Teknik og Miljøudvalget", "Klima-, Teknik og Miljøudvalget", "Klima-, Teknik og Miljøudvalget"),
    ("Kultur-og Fritidsudvalgets", "Kultur-og Fritidsudvalgets", "Kultur- og Fritidsudvalget"),
    ("Sundhedsog Forebyggelsesudvalget", "Sundhedsog Forebyggelsesudvalget", "Sundheds- og Forebyggelsesudvalget"),
    ("Sundheds- og\nForebyggelsesudvalgets beslutning", "Sundheds- og\nForebyggelsesudvalgets",
     "Sundheds- og Forebyggelsesudvalget"),
    ("Børne- og Ungerådet", "Børne- og Ungerådet", "Børne- og Ungerådet"),
    ("indstilling til ØU", "ØU", "Økonomiudvalget"),
    # the old spelling (aa for å): found, and normalised to the modern one
    ("Byraadet vedtog Forslaget", "Byraadet", "Byrådet"),
    ("efter Byraadets Møde", "Byraadets", "Byrådet"),
    ("Sogneraadet bevilgede Kr. 500", "Sogneraadet", "Sognerådet"),
    ("indstillet til Amtsraadet", "Amtsraadet", "Amtsrådet"),
    ("Medlem af Aabenraa Byraad", "Aabenraa Byraad", "Aabenraa Byråd"),
]


@pytest.mark.parametrize("text, expected, name", SHAPES, ids=[s[0] for s in SHAPES])
def test_shape(text, expected, name):
    spans = find_committees(text)
    assert [s.text for s in spans] == [expected]
    assert spans[0].norm == {"name": name}


NOT_COMMITTEES = [
    "Udvalget anbefaler indstillingen",
    "udvalget drøftede sagen",
    "Forvaltningen og Jobcentret",
    "på Social- og Seniorudvalgsmødet",
    "på økonomiudvalgsmødet i september",
    "Hoved-MED-udvalget",
    "Det Centrale Visitationsudvalg",
    "fagudvalgene og Fagudvalget",
    "Kommunekontaktrådet",
    "udvalget om Nyt Byråd 2026",
]


@pytest.mark.parametrize("text", NOT_COMMITTEES, ids=NOT_COMMITTEES)
def test_not_a_committee(text):
    assert find_committees(text) == []


def test_a_list_of_bodies_is_not_one_coordinated_name():
    text = "Byrådet, Økonomiudvalget og Miljøudvalget. Udvalget for Specialiserede Borgerindsatser, Miljø-, Plan- og " \
           "Landdistriktsudvalget"
    assert [s.text for s in find_committees(text)] == [
        "Byrådet", "Økonomiudvalget", "Miljøudvalget", "Udvalget for Specialiserede Borgerindsatser",
        "Miljø-, Plan- og Landdistriktsudvalget"]


def test_the_body_that_met_stands_for_its_initials():
    text, expected = from_markers("Møde i [COMMITTEE Social- og Beskæftigelsesudvalget]\nAnsvarlig: [COMMITTEE SBU]"
                                  "\nCSU og ACV deltager.")
    found = find_committees(text, DocumentContext(body="Social- og Beskæftigelsesudvalget"))
    assert [(s.label, s.start, s.end) for s in found] == expected
    assert found[-1].norm == {"name": "Social- og Beskæftigelsesudvalget"}


def test_a_defined_abbreviation_stands_for_its_committee():
    text = "Børne- og Uddannelsesudvalget (BUU) har behandlet sagen. BUU anbefaler den."
    found = [(s.text, s.norm["name"]) for s in find_committees(text)]
    assert found == [("Børne- og Uddannelsesudvalget", "Børne- og Uddannelsesudvalget"),
                     ("BUU", "Børne- og Uddannelsesudvalget"), ("BUU", "Børne- og Uddannelsesudvalget")]


def test_without_a_body_the_most_named_committee_gives_the_initials():
    text = "Social- og Beskæftigelsesudvalget. Social- og Beskæftigelsesudvalget. Økonomiudvalget. SBU."
    assert [s.text for s in find_committees(text)][-1] == "SBU"


@pytest.mark.parametrize("name, abbr", [("Social- og Beskæftigelsesudvalget", "SBU"), ("Økonomiudvalget", "ØU"),
                                        ("Klima-, Teknik- og Miljøudvalget", "KTMU"), ("Byråd 2022-2025", "B")])
def test_initials(name, abbr):
    assert initials(name) == abbr


@pytest.mark.parametrize("printed, base", [("Byrådets", "Byrådet"), ("Økonomiudvalgs", "Økonomiudvalg"),
                                           ("Magistratens", "Magistraten"), ("byrådet", "Byrådet")])
def test_base_name(printed, base):
    assert base_name(printed) == base
