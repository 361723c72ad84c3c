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


# --- the long tail of heads ---------------------------------------------------------------

@pytest.mark.parametrize("head, expected", [
    pytest.param("Referat af møde i Vesterbro Lokaludvalg\nMandag den 15. maj 2023, kl. 17.00 - 19.00\n", dict(
        body="Vesterbro Lokaludvalg", date="2023-05-15", start_time="17:00", end_time="19:00", kind="referat",
    ), id="referat-af-moede-i-body"),
    pytest.param("Teknisk Udvalg - Referat\n15-maj-2002 16:00\n", dict(
        body="Teknisk Udvalg", date="2002-05-15", start_time="16:00", kind="referat",
    ), id="body-dash-referat-15-maj-2002"),
    pytest.param("Dagsorden\nAarhus Byråd\nOnsdag den 8. oktober 2025 kl. 16:00\n", dict(
        body="Aarhus Byråd", date="2025-10-08", start_time="16:00", kind="dagsorden",
    ), id="body-line-between-kind-and-date"),
    pytest.param("Dagsorden\nBørn og Unge\nTirsdag 16/5-2023, 16:00 - 18:00\n", dict(
        body="Børn og Unge", date="2023-05-16", start_time="16:00", end_time="18:00",
    ), id="unusual-body-without-suffix"),
    pytest.param("Referat\nGrønt Råd\nThursday, March 9, 2023\n", dict(
        body="Grønt Råd", date="2023-03-09",
    ), id="english-month-first"),
    pytest.param("Referat - Integrationsrådet - 9 March 2023 kl. 19\n", dict(
        body="Integrationsrådet", date="2023-03-09", start_time="19:00",
    ), id="english-month-day-first"),
    pytest.param("Økonomiudvalget\nMødedato: 12.03.2019\nMødetid: 16:00\n- 18:00\n", dict(
        body="Økonomiudvalget", date="2019-03-12", start_time="16:00", end_time="18:00",
    ), id="end-time-on-its-own-line"),
    pytest.param("Lilleå Kommune\n\nReferat\n\nSocial- og Sundhedsudvalget\nTirsdag den 12. september 2023 kl. 08.30\n"
                 "Mødelokale Åen, Lilleå Rådhus\n", dict(
        location="Mødelokale Åen, Lilleå Rådhus", start_time="08:30",
    ), id="place-line-naming-a-room"),
])
def test_meeting_head_shapes(head: str, expected: dict) -> None:
    meeting = segment(head + ITEM, []).meeting
    assert {key: getattr(meeting, key) for key in expected} == expected


ATTENDANCE_HEAD = "Referat\nØkonomiudvalget\nMødedato: 12. marts 2019\n"


@pytest.mark.parametrize("lines, participants, absent", [
    pytest.param("Indkaldelse: Anne Hansen (A), Peter Jensen (V), Lise Holm (F)",
                 ["Anne Hansen", "Peter Jensen", "Lise Holm"], [], id="indkaldelse"),
    pytest.param("Fremmøde: Anne Hansen (A), Peter Jensen (V)\nIkke til stede: Lise Holm (F)",
                 ["Anne Hansen", "Peter Jensen"], ["Lise Holm"], id="fremmoede-ikke-til-stede"),
    pytest.param("Medlemmer:\nAnne Hansen (A)\nPeter Jensen (V)\nLise Holm (F)\n\nLise Holm havde meldt afbud.",
                 ["Anne Hansen", "Peter Jensen"], ["Lise Holm"], id="havde-meldt-afbud"),
    pytest.param("Til stede: Anne Hansen, Peter Jensen\nKim Thorsen (Æ) og Lise Holm (F) var fraværende.",
                 ["Anne Hansen", "Peter Jensen"], ["Kim Thorsen", "Lise Holm"], id="var-fravaerende"),
    pytest.param("Deltagere: Anne Hansen (A), Peter Jensen (V)\nFraværende i Økonomiudvalget - 12.03.2019: Lise Holm (F)",
                 ["Anne Hansen", "Peter Jensen"], ["Lise Holm"], id="fravaerende-i-body-dato"),
    pytest.param("Deltagere: Anne Hansen (A), Peter Jensen (V)\nOle Bak (F) mødte som stedfortræder for Lise Holm (F)",
                 ["Anne Hansen", "Peter Jensen", "Ole Bak"], ["Lise Holm"], id="moedte-som-stedfortraeder"),
    pytest.param("Deltagere: Anne Hansen (A), Ole Bak (F), suppleant for Lise Holm",
                 ["Anne Hansen", "Ole Bak"], ["Lise Holm"], id="suppleant-for"),
    pytest.param("Afbud: Kim Thorsen (Æ)\nSuppleant for Kim Thorsen: Ole Bak (Æ)",
                 ["Ole Bak"], ["Kim Thorsen"], id="suppleant-for-label"),
    pytest.param("Mødedeltagere\nNavn\tParti\tBemærkning\nLars Thomsen\tA\tFormand\nMette Kjær\tV\n"
                 "Birthe Aagaard\tO\tAfbud", ["Lars Thomsen", "Mette Kjær"], ["Birthe Aagaard"],
                 id="participant-table-with-remarks"),
])
def test_attendance_wordings(lines: str, participants: list[str], absent: list[str]) -> None:
    meeting = segment(ATTENDANCE_HEAD + lines + "\n" + ITEM, []).meeting
    assert (meeting.participants, meeting.absent) == (participants, absent)


def _numbered_items(*numbers: int, decision: str = "Godkendt.") -> str:
    return "".join(f"\n{n}. Sag nummer {n}\nSagsnr.: 19/{n}\nBeslutning\n{decision}\n" for n in numbers)


@pytest.mark.parametrize("line", [
    "Afbud: Kim Thorsen (Æ) (sag 129-131)",
    "Kim Thorsen (Æ) deltog ikke i behandlingen af sag 129-131.",
    "Fraværende under sag 129-131: Kim Thorsen",
], ids=["afbud-with-range", "deltog-ikke-sag-range", "fravaerende-under-sag"])
def test_absence_for_a_range_of_items(line: str) -> None:
    text = ATTENDANCE_HEAD + "Deltagere: Anne Hansen, Kim Thorsen\n" + line + "\n" + _numbered_items(128, 129, 130, 131, 132)
    seg = segment(text, [])
    assert seg.meeting.absent == []
    assert [(i.number, i.absent) for i in seg.items] == [
        (128, []), (129, ["Kim Thorsen"]), (130, ["Kim Thorsen"]), (131, ["Kim Thorsen"]), (132, [])]


def test_absence_quoted_from_an_earlier_committee_belongs_to_the_quote() -> None:
    item = ("\n1. Lokalplan 1204\nSagsnr.: 21/1204\nSagsfremstilling\nSagen har været behandlet i Økonomiudvalget.\n"
            "Økonomiudvalget, 18. september 2019, pkt. 153:\nAnbefales.\nFraværende: Lise Holm (F)\n\n"
            "Beslutning\nGodkendt.\n")
    seg = segment("Referat\nByrådet\nMødedato: 30. september 2019\n" + item, [])
    assert seg.items[0].absent == []
    seg = segment("Referat\nByrådet\nMødedato: 30. september 2019\n" + item.replace(
        "Godkendt.\n", "Godkendt.\nFraværende: Kim Thorsen\n"), [])
    assert seg.items[0].absent == ["Kim Thorsen"]


@pytest.mark.parametrize("text, iso", [
    ("15-maj-2002", "2002-05-15"), ("15. May 2002", "2002-05-15"), ("May 15, 2002", "2002-05-15"),
    ("Thursday, March 9, 2023", "2023-03-09"), ("man. d. 15.05.23", "2023-05-15"), ("Tirsdag 16/5-2023", "2023-05-16"),
    ("onsdag d. 3. januar 2024", "2024-01-03"), ("3 Jan 2024", "2024-01-03"), ("Dec. 3, 2024", "2024-12-03"),
])
def test_more_date_shapes(text: str, iso: str) -> None:
    assert find_date(text)[0] == iso


@pytest.mark.parametrize("line, body", [
    ("Aarhus Byråd", "Aarhus Byråd"), ("Teknisk Udvalg - Referat", "Teknisk Udvalg"),
    ("Referat af møde i Vesterbro Lokaludvalg", "Vesterbro Lokaludvalg"),
    ("Referat fra Greve Byråd 12. juni 2023", "Greve Byråd"),
    ("Dagsorden for Kommunalbestyrelsen i Fanø Kommune", "Kommunalbestyrelsen"),
    ("Greve Kommunes Ungeråd", "Ungeråd"),
])
def test_find_body_kept_whole(line: str, body: str) -> None:
    assert find_body(line) == body
