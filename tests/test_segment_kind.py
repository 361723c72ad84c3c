"""What a document is (Meeting.kind) and the evidence, on snippets in the shapes real documents use.

Agendas are published with their attachments: letters, e-mails, memos,
newsletters, reports. Those are `andet` and get no items, whatever numbered
lines they hold; each heading dropped is named in a warning with its number
and line, and the record says why no items were found.
"""

from __future__ import annotations

import pytest

from referat.segment import segment


def doc(*parts: str) -> str:
    return "\n".join(parts) + "\n"


LETTER_WITH_REQUESTS = doc(
    "Kære Teknik- og Miljøudvalg", "",
    "Grundejerforeningen Engvej beder udvalget om følgende inden mødet den 3. maj 2021:", "",
    "1. Genoptagelse af sagen om lokalplan 1204", "",
    "2. En ny trafikanalyse for Engvej", "",
    "3. Et borgermøde i Engvejens forsamlingshus", "",
    "Med venlig hilsen", "Hans Hansen", "Engvej 12, 4600 Køge",
)

LETTER_WITH_QUESTIONS = doc(
    "Kære Teknik- og Miljøudvalg", "",
    "Jeg har følgende spørgsmål til punkt 4 på mødet den 3. maj 2021 om lokalplan 1204:", "",
    "1. Hvorfor er bebyggelsesprocenten hævet fra 30 til 40?", "",
    "2. Hvem har betalt for trafikanalysen?", "",
    "3. Hvornår kan naboerne forvente svar på deres høringssvar?", "",
    "Med venlig hilsen", "Hans Hansen", "Engvej 12, 4600 Køge",
)

EMAIL_DANISH = doc(
    "Fra: Lise Holm <lise.holm@example.dk>",
    "Sendt: 14. marts 2023 09:12",
    "Til: Teknik og Miljø <teknik@example.dk>",
    "Emne: Referat fra borgermødet om Engvej", "",
    "Hej", "",
    "Her er vores punkter fra borgermødet:", "",
    "1. Trafiksikkerhed ved skolen", "2. Parkering i weekenden", "3. Støj fra byggepladsen", "",
    "Mvh", "Lise",
)

EMAIL_ENGLISH = doc(
    "From: Peter Jensen", "Sent: Monday, March 13, 2023 4:02 PM", "To: Byrådssekretariatet",
    "Subject: Spørgsmål til budget 2024", "",
    "Punkt 1: Hvorfor er tilskuddet til foreningerne sat ned?",
    "Punkt 2: Hvad koster den nye svømmehal i drift?",
)

NEWSLETTER = doc(
    "Nyhedsbrev nr. 3 fra Center for Teknik og Miljø", "Marts 2023", "",
    "1. Ny cykelsti langs Engvej", "Cykelstien åbner den 1. april.", "",
    "2. Genbrugspladsen får nye åbningstider", "Fra 1. maj har pladsen åbent til kl. 19.", "",
    "3. Vejarbejde på Stationsvej", "Arbejdet varer til sommerferien.",
)

MEMO = doc(
    "Notat", "", "Til: Økonomiudvalget", "Fra: Økonomi og Analyse", "Dato: 2. maj 2023", "",
    "Emne: Status på anlægsprojekter", "",
    "1. Indledning", "Notatet giver en status på de 14 anlægsprojekter.", "",
    "2. Projekter efter plan", "Elleve projekter følger tidsplanen.", "",
    "3. Projekter med forsinkelse", "Tre projekter er forsinket, se bilag.",
)

MINUTES = doc(
    "Referat", "Økonomiudvalget", "Mødedato: 3. maj 2021 kl. 16:00", "",
    "Punkt 1: Godkendelse af dagsorden", "21/1001", "Beslutning", "Godkendt.", "",
    "Punkt 2: Henvendelse fra borger om Engvej", "21/1002",
    "Sagsfremstilling", "Kære Økonomiudvalg", "Jeg vil gerne klage.", "Med venlig hilsen", "Hans Hansen",
    "Beslutning", "Taget til efterretning.",
)

AGENDA = doc(
    "Dagsorden", "Bestyrelsesmøde i Egelund Boligselskab", "", "1. Godkendelse af referat", "",
    "2. Meddelelser", "", "3. Eventuelt",
)

MINUTES_WITHOUT_TITLE = doc(
    "Økonomiudvalget", "3. maj 2021", "",
    "1. Godkendelse af dagsorden", "Sagsnr.: 21/1001", "Beslutning", "Godkendt.", "",
    "2. Budget 2022", "Sagsnr.: 21/1002", "Beslutning", "Anbefales.",
)

FORWARDED_MINUTES = doc(
    "Fra: Byrådssekretariatet", "Sendt: 4. maj 2021 08:00", "Til: Byrådets medlemmer", "Emne: VS: referat", "",
    "1. Godkendelse af dagsorden", "Sagsnr.: 21/1001", "Beslutning", "Godkendt.", "",
    "2. Budget 2022", "Sagsnr.: 21/1002", "Beslutning", "Anbefales.",
)

SUMMONS_WITH_NAMES = doc(
    "Indkaldelse: Anne Hansen, Peter Jensen, Lise Holm", "Mødedato: 3. maj 2021", "",
    "Referat", "", "1. Godkendelse af dagsorden", "Beslutning", "Godkendt.",
)

LETTER_WITHOUT_SALUTATION = doc(
    "Høringssvar vedrørende lokalplan 1204", "",
    "Vi har tre bemærkninger til planen:", "",
    "1. Trafikken på Engvej", "", "2. Højden på bebyggelsen", "", "3. Stien langs åen", "",
    "Venlig hilsen", "Engvejens Grundejerforening",
)

SUMMONS_AS_A_MEMO = doc(
    "Til: Byrådets medlemmer", "Fra: Borgmesteren", "Dato: 28. april 2021", "", "Dagsorden", "",
    "1. Godkendelse af dagsorden", "", "2. Budget 2022", "", "3. Eventuelt",
)

MINUTES_IN_AN_UNKNOWN_LAYOUT = doc(
    "Økonomiudvalget", "Mødedato: 3. maj 2021", "Mødested: Rådhuset", "Deltagere: Anne Hansen, Peter Jensen", "",
    "Godkendelse af dagsorden", "Godkendt.", "",
    "Budget 2022", "Anbefales.",
)


@pytest.mark.parametrize("text, kind, cue, items", [
    pytest.param(LETTER_WITH_QUESTIONS, "andet", "salutation", 0, id="letter-numbered-questions"),
    pytest.param(LETTER_WITH_REQUESTS, "andet", "salutation", 0, id="letter-numbered-requests"),
    pytest.param(EMAIL_DANISH, "andet", "email_header", 0, id="email-fra-sendt-emne-referat"),
    pytest.param(EMAIL_ENGLISH, "andet", "email_header", 0, id="email-from-sent-punkt-questions"),
    pytest.param(NEWSLETTER, "andet", "document_type", 0, id="newsletter-numbered-news"),
    pytest.param(MEMO, "andet", "document_type", 0, id="memo-chapters"),
    pytest.param(MINUTES, "referat", "title", 2, id="minutes-quoting-a-letter"),
    pytest.param(AGENDA, "dagsorden", "title", 3, id="agenda-list"),
    pytest.param(MINUTES_WITHOUT_TITLE, "referat", "decisions", 2, id="decisions-without-title"),
    pytest.param(FORWARDED_MINUTES, "referat", "decisions", 2, id="minutes-forwarded-by-mail"),
    pytest.param(LETTER_WITHOUT_SALUTATION.replace("Høringssvar vedrørende", "Om"), "andet", "closing", 0,
                 id="letter-with-only-a-closing"),
    pytest.param(LETTER_WITHOUT_SALUTATION, "andet", "document_type", 0, id="hearing-reply"),
    pytest.param(SUMMONS_AS_A_MEMO, "dagsorden", "title", 3, id="agenda-under-a-memo-header"),
    pytest.param(SUMMONS_WITH_NAMES, "referat", "title", 1, id="indkaldelse-label-is-no-title"),
    pytest.param(MINUTES_IN_AN_UNKNOWN_LAYOUT, "dagsorden", "meeting_labels", 0, id="meeting-without-items"),
])
def test_document_kind(text: str, kind: str, cue: str, items: int) -> None:
    seg = segment(text, [])
    assert (seg.meeting.kind, seg.meeting.kind_evidence[0].cue, len(seg.items)) == (kind, cue, items)
    for evidence in seg.meeting.kind_evidence:
        if evidence.start is not None:
            assert text[evidence.start:evidence.end] == evidence.text


def test_dropped_headings_are_named_with_number_and_line() -> None:
    seg = segment(LETTER_WITH_REQUESTS, [])
    dropped = [w.message for w in seg.warnings if w.code == "item_dropped"]
    assert len(dropped) == 3
    assert dropped[0].startswith("item 1 'Genoptagelse af sagen om lokalplan 1204' on line 5 dropped")
    assert "Kære Teknik- og Miljøudvalg" in dropped[0]
    assert [w.code for w in seg.warnings][-1] == "no_items"
    assert seg.layout == "none"


def test_an_andet_document_keeps_its_metadata() -> None:
    meeting = segment(LETTER_WITH_REQUESTS, []).meeting
    assert (meeting.body, meeting.date) == ("Teknik- og Miljøudvalg", "2021-05-03")


@pytest.mark.parametrize("text, reason", [
    ("Kommunen holder åbent hus på rådhuset.\nAlle er velkomne.\n", "no line has the shape of a numbered item heading"),
    (MINUTES_IN_AN_UNKNOWN_LAYOUT, "no line has the shape"),
    (EMAIL_DANISH, "not minutes or an agenda (an e-mail header: 'Fra: Lise Holm"),
], ids=["prose", "unknown-layout", "email"])
def test_no_items_warning_says_why(text: str, reason: str) -> None:
    seg = segment(text, [])
    assert seg.items == []
    (warning,) = [w for w in seg.warnings if w.code == "no_items"]
    assert reason in warning.message
