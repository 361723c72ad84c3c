"""Meeting metadata from document heads written in the shapes Danish minutes use."""

from __future__ import annotations

import pytest

from referat.segment import segment
from referat.segment.dates import find_date, find_times
from referat.segment.meeting import find_body, municipality
from referat.segment.names import parse_names

ITEM = "\nPunkt 1: Godkendelse af dagsorden\n\n19/7556\n\nBeslutning\n\nGodkendt.\n"

PREPARE_HEAD = """
REFERAT 2018-21: Arbejdsmarkeds- og Integrationsudvalget d. 11-03-2019

Mødedato Mandag d. 11. marts 2019 kl. 16:00

Mødested Magistratssalen, Sønderborg Rådhus

Mødedeltagere Jan Prokopek Jensen, Niels Ole Bennedsen, Gerhard Bertelsen

Indholdsfortegnelse

Godkendelse af dagsorden.....	3
"""

EDOC_HEAD = """Sundheds- og Forebyggelsesudvalget
Referat
Åbent referat
Dato: 04.12.2012
Side 1
Referat
Sundheds- og Forebyggelsesudvalget
tirsdag den 4. december 2012, kl. 13:00
i Mødecenter C, Lokale 32 på Ballerup Rådhus
Åbent referat
Tilstede
Lolan Ottesen (A) - formand
Grethe Larsen (A) - næstformand
Karl Vilhelm Nielsen (V)
Afbud/Fraværende
Sekretær
Mie Helene Andresen
"""

WORD_HEAD = "Social- og Beskæftigelsesudvalget (2018-2021) – Referat – 13. januar 2020\n\n"

PORTAL_HEAD = """Dagsorden
Økonomiudvalget
Dato: 10. januar 2022
Tid: 08:00 - 10:30
Sted: Mødelokale 1
Deltagere: Anne Marie Lyduch (V), Morten Dahlin (V) og Liselott Blixt (O)
Afbud: Simon Østergaard (A)
"""

FORMS_HEAD = """Referat fra mødet i Udvalget for Specialiserede Borgerindsatser

Tid og sted: Torsdag den 3. marts 2020 kl. 17.00 på Rådhuset, mødelokale 2
Til stede:
Anne Hansen (A)
Peter Jensen (C)
Fraværende med afbud: Lise Holm (F)
"""


@pytest.mark.parametrize("head, expected", [
    pytest.param(PREPARE_HEAD, dict(
        body="Arbejdsmarkeds- og Integrationsudvalget", date="2019-03-11", start_time="16:00",
        location="Magistratssalen, Sønderborg Rådhus", kind="referat", municipality="Sønderborg Kommune",
        participants=["Jan Prokopek Jensen", "Niels Ole Bennedsen", "Gerhard Bertelsen"], absent=[],
    ), id="prepare-labels-without-colon"),
    pytest.param(EDOC_HEAD, dict(
        body="Sundheds- og Forebyggelsesudvalget", date="2012-12-04", start_time="13:00",
        location="Mødecenter C, Lokale 32 på Ballerup Rådhus", kind="referat", municipality="Ballerup Kommune",
        participants=["Lolan Ottesen", "Grethe Larsen", "Karl Vilhelm Nielsen"], absent=[],
    ), id="edoc-lists-below-labels"),
    pytest.param(WORD_HEAD, dict(
        body="Social- og Beskæftigelsesudvalget", date="2020-01-13", start_time=None, location=None,
        kind="referat", municipality=None, participants=[], absent=[],
    ), id="word-title-line"),
    pytest.param(PORTAL_HEAD, dict(
        body="Økonomiudvalget", date="2022-01-10", start_time="08:00", end_time="10:30", location="Mødelokale 1",
        kind="dagsorden", participants=["Anne Marie Lyduch", "Morten Dahlin", "Liselott Blixt"],
        absent=["Simon Østergaard"],
    ), id="portal-labels-with-colon"),
    pytest.param(FORMS_HEAD, dict(
        body="Udvalget for Specialiserede Borgerindsatser", date="2020-03-03", start_time="17:00",
        participants=["Anne Hansen", "Peter Jensen"], absent=["Lise Holm"],
    ), id="udvalget-for-tid-og-sted"),
])
def test_meeting_head(head: str, expected: dict) -> None:
    text = head + ITEM + ("\nBallerup Kommune og Ballerup Kommunes borgere.\n" if "Ballerup" in head else "")
    meeting = segment(text, []).meeting
    assert {key: getattr(meeting, key) for key in expected} == expected


@pytest.mark.parametrize("text, iso", [
    ("Mandag d. 11. marts 2019", "2019-03-11"), ("d. 11-03-2019", "2019-03-11"), ("11.03.2019", "2019-03-11"),
    ("2019-03-11", "2019-03-11"), ("4. dec. 2012", "2012-12-04"), ("13. januar 2020", "2020-01-13"),
    ("3/4-20", "2020-04-03"), ("REFERAT 2018-21: Udvalget d. 1-2-2019", "2019-02-01"),
    ("31.02.2019 og 1. maj 2019", "2019-05-01"), ("1.316.000 kr.", None), ("2019 - 2022", None),
])
def test_dates(text: str, iso: str | None) -> None:
    found = find_date(text)
    assert (found[0] if found else None) == iso


@pytest.mark.parametrize("text, bare, times", [
    ("kl. 16:00", False, ("16:00", None)), ("kl. 16.00", False, ("16:00", None)),
    ("Kl. 13.00 - 15.30", False, ("13:00", "15:30")), ("kl. 17", False, ("17:00", None)),
    ("16.00-18.00", True, ("16:00", "18:00")), ("16.00-18.00", False, (None, None)), ("kl. 25.00", False, (None, None)),
])
def test_times(text: str, bare: bool, times: tuple) -> None:
    assert find_times(text, bare=bare) == times


@pytest.mark.parametrize("line, body", [
    ("REFERAT 2018-21: Arbejdsmarkeds- og Integrationsudvalget d. 11-03-2019", "Arbejdsmarkeds- og Integrationsudvalget"),
    ("Børne-, Unge- og Uddannelsesudvalget – Dagsorden", "Børne-, Unge- og Uddannelsesudvalget"),
    ("Plan-, Teknik- og Miljøudvalget", "Plan-, Teknik- og Miljøudvalget"),
    ("Referat af Byrådets møde den 3. maj", "Byrådet"),
    ("Dagsorden for Kommunalbestyrelsen", "Kommunalbestyrelsen"),
    ("Udvalget for Klima og Miljø d. 3-4-2020", "Udvalget for Klima og Miljø"),
    ("Orientering om Integrationsområdet", None),
    ("udvalget drøftede sagen", None),
])
def test_find_body(line: str, body: str | None) -> None:
    assert find_body(line) == body


def test_body_from_decision_headings_when_the_head_names_none() -> None:
    text = ("Referat fra mødet 3. maj 2021\n\n1. Godkendelse af dagsorden\nSagsnr.: 21-1\n"
            "Beslutning i Økonomiudvalget den 3. maj 2021:\nGodkendt.\n\n2. Budget\nSagsnr.: 21-2\n"
            "Beslutning i Økonomiudvalget den 3. maj 2021:\nAnbefales.\n")
    assert segment(text, []).meeting.body == "Økonomiudvalget"


def test_municipality_counts_genitives_and_weights_the_head() -> None:
    text = "Referat\nVejle Kommune\n\n" + "Samarbejde med Fredericia Kommune og Fredericia Kommunes skoler. " * 3
    assert municipality(text, text.index("\n\n")) == "Vejle Kommune"
    assert municipality("Den Kommune der betaler. Hver Kommune skal.", 0) is None


def test_meeting_end_from_the_closing_line() -> None:
    text = WORD_HEAD + ITEM + "\nMødet hævet kl. 18.05\n"
    assert segment(text, []).meeting.end_time == "18:05"


@pytest.mark.parametrize("text, names", [
    ("Jan Prokopek Jensen, Niels Ole Bennedsen og Gerhard Bertelsen",
     ["Jan Prokopek Jensen", "Niels Ole Bennedsen", "Gerhard Bertelsen"]),
    ("Lolan Ottesen (A) - formand", ["Lolan Ottesen"]),
    ("Jan Jensen (A), formand, Frank E. Andersen (V)", ["Jan Jensen", "Frank E. Andersen"]),
    ("Godkendt med bemærkning om, at punkt 3 flyttes", None),
    ("Sekretær", None), ("Indstillingen godkendt", None), ("", []),
])
def test_parse_names(text: str, names: list[str] | None) -> None:
    assert parse_names(text) == names
