"""Item headings in the long tail of layouts, on snippets written in the shapes real minutes use.

Each row is a small document in one layout; the expectation lists the items
as (number, label, title, case number). Bodies hold what must never start an
item: decision lists that restart at 1, page numbers, group headings, a table
of contents.
"""

from __future__ import annotations

import pytest

from referat.model import Page
from referat.segment import config, segment
from referat.segment.detect import scored_candidates
from referat.segment.lines import Lines


def doc(*parts: str) -> str:
    return "\n".join(parts) + "\n"


def items_of(text: str, pages: list[Page] | None = None) -> list[tuple]:
    return [(i.number, i.label, i.title, i.case_number) for i in segment(text, pages or []).items]


DECISION = ("Indstilling", "Forvaltningen indstiller, at sagen godkendes.", "", "Beslutning", "Godkendt.", "")
NOTE = ("Sagsfremstilling", "Forvaltningen har udarbejdet et notat om sagen.", "",
        "Beslutning", "Taget til efterretning.", "")

# --- numbering ---------------------------------------------------------------------------

WITHDRAWN = doc(
    "Referat", "Økonomiudvalget", "",
    "1. Godkendelse af dagsorden", "Sagsnr.: 21/1001", *DECISION,
    "2. Budgetopfølgning", "Sagsnr.: 21/1002", *NOTE,
    "5. Salg af grund ved Skolevej", "Sagsnr.: 21/1005", *DECISION,
    "6. Eventuelt", "Sagsnr.: 21/1006", *NOTE,
)

CLOSED_AFTER_GAP = doc(
    "Referat", "Teknik- og Miljøudvalget", "",
    "1. Godkendelse af dagsorden", *DECISION,
    "2. Lokalplan for boliger ved Engvej", *DECISION,
    "3. Eventuelt", *NOTE,
    "6. Lukket: Køb af ejendom", "Denne sag er lukket for offentligheden.",
)

RUNNING_NUMBERS = doc(
    "Byrådet", "Referat fra mødet den 12. juni 2023", "",
    "89. Godkendelse af dagsorden", "Sagsnr.: 23-001289", *DECISION,
    "90. Regnskab 2022", "Sagsnr.: 23-001290", *DECISION,
    "91. Anlægsbevilling til ny skole", "Sagsnr.: 23-001291", *DECISION,
    "102. Lukket: Salg af ejendom", "Sagsnr.: 23-001302", *DECISION,
    "103. Lukket: Personalesag", "Sagsnr.: 23-001303", *DECISION,
)

CLOSED_BLOCK_NUMBERED_APART = doc(
    "Referat", "Byrådet", "",
    "Punkt 12: Godkendelse af dagsorden", "Sagsnr.: 23/12", *DECISION,
    "Punkt 13: Budget 2024", "Sagsnr.: 23/13", *DECISION,
    "Lukket møde", "",
    "Punkt 61: Salg af ejendom", "Sagsnr.: 23/61", *DECISION,
    "Punkt 62: Personalesag", "Sagsnr.: 23/62", *DECISION,
)

RUNNING_NUMBERS_NO_CASES = doc(
    "Kultur- og Fritidsudvalget", "Referat", "",
    "Pkt. 211 Godkendelse af dagsorden", *DECISION,
    "Pkt. 212 Tilskud til foreninger", *DECISION,
    "Pkt. 213 Orientering om biblioteket", *NOTE,
)

LETTERED = doc(
    "Referat", "Børne- og Ungeudvalget", "",
    "1. Godkendelse af dagsorden", "Sagsnr.: 22/100", *DECISION,
    "2a. Skolestruktur - høring", "Sagsnr.: 22/101", *DECISION,
    "2b. Skolestruktur - økonomi", "Sagsnr.: 22/102", *DECISION,
    "3. Eventuelt", "Sagsnr.: 22/103", *NOTE,
)

LETTERED_SUB_ITEMS = doc(
    "Dagsorden", "Bestyrelsen", "",
    "03. Meddelelser", "", "03A. Fra formanden", "Orientering om mødet med borgmesteren.", "",
    "03B. Fra direktionen", "Orientering om budgettet.", "",
    "04. Regnskab 2022", "Regnskabet forelægges.", "",
    "04A. Revisionens bemærkninger", "Revisionen har ingen bemærkninger.", "",
    "05. Eventuelt", "",
)

# --- where the number stands ---------------------------------------------------------------

BULLETS = doc(
    "Referat", "Økonomiudvalget", "",
    "• 301. Godkendelse af dagsorden", "Sagsnr.: 24/301", *DECISION,
    "• 302. Budget 2025", "Sagsnr.: 24/302", *DECISION,
    "• 303. Eventuelt", "Sagsnr.: 24/303", *NOTE,
)

INDENTED_DASHES = doc(
    "Referat", "Social- og Sundhedsudvalget", "",
    "  - 12. Godkendelse af dagsorden", *DECISION,
    "  - 13. Ældreplan 2030", *DECISION,
    "  - 14. Eventuelt", *NOTE,
)

NUMBER_AFTER_TITLE = doc(
    "Referat", "Byrådet", "",
    "Godkendelse af dagsorden", "Sag nr. 130", "", *DECISION,
    "Anlægsbevilling til cykelsti ved Engvej", "Sag nr. 131", "", *NOTE,
    "Salg af areal ved havnen", "Sag nr. 132", "", "Sagsfremstilling",
    "Køber har budt 2,1 mio. kr. for arealet.", "", "Beslutning", "Godkendt.", "",
)

PKT_ALONE = doc(
    "Referat", "Plan- og Boligudvalget", "",
    "Pkt. 42", "Godkendelse af dagsorden", "", *DECISION,
    "Pkt. 43", "Lokalplan 1204 for boliger ved Engvej", "", *DECISION,
    "Pkt. 44", "Eventuelt", "", *NOTE,
)

NUMBER_ALONE = doc(
    "Referat", "Plan- og Boligudvalget", "",
    "42.", "Godkendelse af dagsorden", "", *DECISION,
    "43.", "Lokalplan 1204 for boliger ved Engvej", "", *DECISION,
    "44.", "Eventuelt", "", *NOTE,
)

TABLE_TABS = doc(
    "Dagsorden", "Teknik- og Miljøudvalget", "",
    "Nr.\tTitel\tStatus\tSagsnr.",
    "1\tGodkendelse af dagsorden\tÅben\t24/1001",
    "2\tVintervedligeholdelse 2024\tÅben\t24/1002",
    "3\tKøb af grund\tLukket\t24/1003",
    "4\tEventuelt\tÅben\t",
)

TABLE_CELLS_ON_LINES = doc(
    "Dagsorden", "Teknik- og Miljøudvalget", "",
    "Punkt", "Titel", "Sagsnr.",
    "1", "Godkendelse af dagsorden", "24/1001", "",
    "2", "Vintervedligeholdelse 2024", "24/1002", "",
    "3", "Eventuelt", "24/1003",
)

TABLE_PIPES = doc(
    "Dagsorden", "Teknik- og Miljøudvalget", "",
    "| Nr. | Titel | Sagsnr. |",
    "| 1 | Godkendelse af dagsorden | 24/1001 |",
    "| 2 | Vintervedligeholdelse 2024 | 24/1002 |",
    "| 3 | Eventuelt | 24/1003 |",
)

# --- titles and case numbers ----------------------------------------------------------------

SHORT_AND_LOWERCASE = doc(
    "Referat", "Bestyrelsen", "",
    "1. godkendelse af dagsorden", "", "Godkendt.", "",
    "2. regnskab", "", "Regnskabet blev godkendt.", "",
    "3. IT", "", "Orientering om nye computere.", "",
    "4. eventuelt", "", "Intet.",
)

EMPTY_CASE_FIELDS = doc(
    "Referat", "Økonomiudvalget", "",
    "1. Godkendelse af dagsorden", "Sagsnr.:", *DECISION,
    "2. Budget 2025", "Sagsnr.: 24/1002", *DECISION,
    "3. Orientering fra formanden", "Sagsnr.:\tDok.nr.: 24/55501", *NOTE,
    "4. Eventuelt", "Sagsnr.:", *NOTE,
)

# --- tables of contents and group headings ---------------------------------------------------

TOC_ON_ONE_LINE = doc(
    "Dagsorden", "Økonomiudvalget", "",
    "Indhold: 1. Godkendelse af dagsorden 2 2. Budget 2025 3 3. Eventuelt 4", "",
    "1. Godkendelse af dagsorden", "Sagsnr.: 24/1", *DECISION,
    "2. Budget 2025", "Sagsnr.: 24/2", *DECISION,
    "3. Eventuelt", "Sagsnr.: 24/3", *NOTE,
)

TOC_GLUED_FROM_FIRST_ENTRY = doc(
    "Dagsorden", "Økonomiudvalget", "",
    "1. Godkendelse af dagsorden 2. Budget 2025 3. Eventuelt", "",
    "1. Godkendelse af dagsorden", *DECISION,
    "2. Budget 2025", *DECISION,
    "3. Eventuelt", *NOTE,
)

TOC_WITHOUT_PAGES = doc(
    "Dagsorden", "Økonomiudvalget", "", "Indholdsfortegnelse",
    "Punkt 1: Godkendelse af dagsorden", "Punkt 2: Budget 2025", "Punkt 3: Eventuelt", "",
    "Punkt 1: Godkendelse af dagsorden", *DECISION,
    "Punkt 2: Budget 2025", *DECISION,
    "Punkt 3: Eventuelt", *NOTE,
)

TOC_AS_A_TABLE_WITH_PAGES = doc(
    "Dagsorden", "Økonomiudvalget", "",
    "| Punkt | Titel | Side |", "| 1 | Godkendelse af dagsorden | 2 |", "| 2 | Budget 2025 | 3 |", "",
    "1. Godkendelse af dagsorden", *DECISION,
    "2. Budget 2025", *DECISION,
)

GROUP_HEADINGS = doc(
    "Referat", "Økonomiudvalget", "",
    "Sager til beslutning", "",
    "1. Godkendelse af dagsorden", "Sagsnr.: 24/1", *DECISION,
    "2. Budget 2025", "Sagsnr.: 24/2", *DECISION,
    "Til efterretning", "",
    "3. Kvartalsrapport", "Sagsnr.: 24/3", *NOTE,
    "Lukkede sager", "",
    "4. Køb af ejendom", "Sagsnr.: 24/4", *DECISION,
)

# --- lists inside items -----------------------------------------------------------------------

DECISION_LIST_CONTINUES_NUMBERING = doc(
    "Referat", "Økonomiudvalget", "",
    "1. Godkendelse af dagsorden", "", "Beslutning", "Godkendt.", "",
    "2. Budget 2025 - 1. behandling", "",
    "Indstilling", "Direktionen indstiller,", "",
    "1. At budgetforslaget oversendes til 2. behandling.", "",
    "2. At anlægsrammen fastsættes til 80 mio. kr.", "",
    "3. At takstbladet godkendes.", "",
    "Beslutning", "1. Godkendt.", "2. Godkendt.", "3. Godkendt.", "4. Taget til efterretning.", "",
    "3. Eventuelt", "", "Beslutning", "Intet.",
)


@pytest.mark.parametrize("text, expected", [
    pytest.param(WITHDRAWN, [(1, None, "Godkendelse af dagsorden", "21/1001"), (2, None, "Budgetopfølgning", "21/1002"),
                             (5, None, "Salg af grund ved Skolevej", "21/1005"), (6, None, "Eventuelt", "21/1006")],
                 id="withdrawn-items-1-2-5"),
    pytest.param(CLOSED_AFTER_GAP, [(1, None, "Godkendelse af dagsorden", None),
                                    (2, None, "Lokalplan for boliger ved Engvej", None), (3, None, "Eventuelt", None),
                                    (6, None, "Køb af ejendom", None)], id="closed-item-after-gap"),
    pytest.param(RUNNING_NUMBERS, [(89, None, "Godkendelse af dagsorden", "23-001289"),
                                   (90, None, "Regnskab 2022", "23-001290"),
                                   (91, None, "Anlægsbevilling til ny skole", "23-001291"),
                                   (102, None, "Salg af ejendom", "23-001302"),
                                   (103, None, "Personalesag", "23-001303")], id="running-numbers-89-103"),
    pytest.param(CLOSED_BLOCK_NUMBERED_APART, [(12, None, "Godkendelse af dagsorden", "23/12"),
                                               (13, None, "Budget 2024", "23/13"),
                                               (61, None, "Salg af ejendom", "23/61"),
                                               (62, None, "Personalesag", "23/62")], id="closed-block-61-after-13"),
    pytest.param(RUNNING_NUMBERS_NO_CASES, [(211, None, "Godkendelse af dagsorden", None),
                                            (212, None, "Tilskud til foreninger", None),
                                            (213, None, "Orientering om biblioteket", None)], id="running-pkt-211"),
    pytest.param(LETTERED, [(1, None, "Godkendelse af dagsorden", "22/100"), (2, "a", "Skolestruktur - høring", "22/101"),
                            (2, "b", "Skolestruktur - økonomi", "22/102"), (3, None, "Eventuelt", "22/103")],
                 id="lettered-2a-2b"),
    pytest.param(LETTERED_SUB_ITEMS, [(3, None, "Meddelelser", None), (3, "A", "Fra formanden", None),
                                      (3, "B", "Fra direktionen", None), (4, None, "Regnskab 2022", None),
                                      (4, "A", "Revisionens bemærkninger", None), (5, None, "Eventuelt", None)],
                 id="sub-items-03A-04A"),
    pytest.param(BULLETS, [(301, None, "Godkendelse af dagsorden", "24/301"), (302, None, "Budget 2025", "24/302"),
                           (303, None, "Eventuelt", "24/303")], id="bullet-301"),
    pytest.param(INDENTED_DASHES, [(12, None, "Godkendelse af dagsorden", None), (13, None, "Ældreplan 2030", None),
                                   (14, None, "Eventuelt", None)], id="indented-dash-12"),
    pytest.param(NUMBER_AFTER_TITLE, [(130, None, "Godkendelse af dagsorden", None),
                                      (131, None, "Anlægsbevilling til cykelsti ved Engvej", None),
                                      (132, None, "Salg af areal ved havnen", None)], id="title-then-sag-nr-130"),
    pytest.param(PKT_ALONE, [(42, None, "Godkendelse af dagsorden", None),
                             (43, None, "Lokalplan 1204 for boliger ved Engvej", None),
                             (44, None, "Eventuelt", None)], id="pkt-42-alone-title-below"),
    pytest.param(NUMBER_ALONE, [(42, None, "Godkendelse af dagsorden", None),
                                (43, None, "Lokalplan 1204 for boliger ved Engvej", None),
                                (44, None, "Eventuelt", None)], id="number-42-alone-title-below"),
    pytest.param(TABLE_TABS, [(1, None, "Godkendelse af dagsorden", "24/1001"),
                              (2, None, "Vintervedligeholdelse 2024", "24/1002"), (3, None, "Køb af grund", "24/1003"),
                              (4, None, "Eventuelt", None)], id="table-tab-cells"),
    pytest.param(TABLE_CELLS_ON_LINES, [(1, None, "Godkendelse af dagsorden", "24/1001"),
                                        (2, None, "Vintervedligeholdelse 2024", "24/1002"),
                                        (3, None, "Eventuelt", "24/1003")], id="table-cells-on-lines"),
    pytest.param(TABLE_PIPES, [(1, None, "Godkendelse af dagsorden", "24/1001"),
                               (2, None, "Vintervedligeholdelse 2024", "24/1002"),
                               (3, None, "Eventuelt", "24/1003")], id="table-pipes"),
    pytest.param(SHORT_AND_LOWERCASE, [(1, None, "godkendelse af dagsorden", None), (2, None, "regnskab", None),
                                       (3, None, "IT", None), (4, None, "eventuelt", None)], id="short-lowercase-titles"),
    pytest.param(EMPTY_CASE_FIELDS, [(1, None, "Godkendelse af dagsorden", None), (2, None, "Budget 2025", "24/1002"),
                                     (3, None, "Orientering fra formanden", None), (4, None, "Eventuelt", None)],
                 id="empty-case-number-fields"),
    pytest.param(TOC_ON_ONE_LINE, [(1, None, "Godkendelse af dagsorden", "24/1"), (2, None, "Budget 2025", "24/2"),
                                   (3, None, "Eventuelt", "24/3")], id="toc-glued-on-one-line"),
    pytest.param(TOC_GLUED_FROM_FIRST_ENTRY, [(1, None, "Godkendelse af dagsorden", None),
                                              (2, None, "Budget 2025", None), (3, None, "Eventuelt", None)],
                 id="toc-glued-without-pages"),
    pytest.param(TOC_WITHOUT_PAGES, [(1, None, "Godkendelse af dagsorden", None), (2, None, "Budget 2025", None),
                                     (3, None, "Eventuelt", None)], id="toc-lines-without-pages"),
    pytest.param(TOC_AS_A_TABLE_WITH_PAGES, [(1, None, "Godkendelse af dagsorden", None),
                                             (2, None, "Budget 2025", None)], id="toc-as-a-table-with-pages"),
    pytest.param(GROUP_HEADINGS, [(1, None, "Godkendelse af dagsorden", "24/1"), (2, None, "Budget 2025", "24/2"),
                                  (3, None, "Kvartalsrapport", "24/3"), (4, None, "Køb af ejendom", "24/4")],
                 id="group-headings-between-items"),
    pytest.param(DECISION_LIST_CONTINUES_NUMBERING, [(1, None, "Godkendelse af dagsorden", None),
                                                     (2, None, "Budget 2025 - 1. behandling", None),
                                                     (3, None, "Eventuelt", None)],
                 id="decision-list-restarts-and-continues"),
])
def test_layouts(text: str, expected: list[tuple]) -> None:
    assert items_of(text) == expected


def test_items_start_at_their_heading() -> None:
    seg = segment(NUMBER_AFTER_TITLE, [])
    assert [NUMBER_AFTER_TITLE[i.start:].split("\n")[0] for i in seg.items] == [
        "Godkendelse af dagsorden", "Anlægsbevilling til cykelsti ved Engvej", "Salg af areal ved havnen"]


def test_closed_from_table_cells_and_group_headings() -> None:
    assert [i.closed for i in segment(TABLE_TABS, []).items] == [False, False, True, False]
    assert [i.closed for i in segment(GROUP_HEADINGS, []).items] == [False, False, False, True]


def test_gaps_and_letters_are_warned_about_by_number() -> None:
    codes = [(w.code, w.message) for w in segment(WITHDRAWN, []).warnings]
    assert codes == [("item_number_gap", "item numbers jump from 2 to 5")]
    assert [w.code for w in segment(LETTERED, []).warnings] == []


def _paged(*pages: str) -> tuple[str, list[Page]]:
    text, found = "", []
    for number, page in enumerate(pages, 1):
        start = len(text) + (1 if text else 0)
        text = f"{text}\n{page}" if text else page
        found.append(Page(number, start, len(text)))
    return text, found


def test_a_lone_page_number_at_the_top_of_a_page_never_makes_an_item() -> None:
    letter, pages = _paged(
        doc("Kære Teknik- og Miljøudvalg", "", "Vi skriver til jer om trafikken på Engvej, som er steget meget."),
        doc("2", "Lastbilerne kører hele natten, og børnene kan ikke sove.", "",
            "Med venlig hilsen", "Grundejerforeningen Engvej"))
    seg = segment(letter, pages)
    assert seg.items == [] and seg.meeting.kind == "andet"
    # a report without a letter's cues, whose page numbers sit above lines that look like titles
    report, pages = _paged(
        doc("Trafikken på Engvej", "", "Vi skriver til jer om trafikken på Engvej, som er steget meget."),
        doc("2", "", "Trafik om natten", "", "Lastbilerne kører hele natten, og børnene kan ikke sove.", ""),
        doc("3", "", "Vores forslag", "", "Vi foreslår en lastbilforbudszone fra kl. 22 til kl. 6."))
    assert segment(report, pages).items == []


def test_candidate_evidence_is_named_terms() -> None:
    family = next(f for f in config.families() if f.name == "numbered")
    cands, _ = scored_candidates(Lines(WITHDRAWN), family)
    first = cands[0]
    assert (first.terms["case_number_after"], first.terms["blank_before"], first.terms["lowercase"]) == (1.0, 1.0, 0.0)
    assert all(isinstance(name, str) and isinstance(value, float) for name, value in first.terms.items())
    weights = family.score
    assert first.score == pytest.approx(sum(weights.get(name, 0.0) * value for name, value in first.terms.items()))


def test_a_heading_that_does_not_fit_the_numbering_is_named() -> None:
    """A second "Punkt 2" after item 3 (a closed item numbered twice): doubted, and named."""
    text = doc(
        "Referat", "Økonomiudvalget", "",
        "Punkt 1: Godkendelse af dagsorden", "Sagsnr.: 24/1", *DECISION,
        "Punkt 2: Budget 2025", "Sagsnr.: 24/2", *DECISION,
        "Punkt 3: Eventuelt", "Sagsnr.: 24/3", *NOTE,
        "Punkt 2: Lukket: Personalesag", "Sagsnr.: 24/47", *DECISION,
    )
    seg = segment(text, [])
    assert [i.number for i in seg.items] == [1, 2, 3]
    (skipped,) = [w.message for w in seg.warnings if w.code == "item_skipped"]
    assert skipped.startswith("line 28 looks like the heading of item 2 'Lukket: Personalesag'")


PROTOCOL_WITH_RUNNING_NUMBERS = doc(
    'HØJBY KOMMUNE',
    'Beslutningsprotokol',
    'Økonomiudvalget',
    'Tirsdag den 14. marts 2023 kl. 15.00 - 17.30',
    'Udvalgsværelse 2, Rådhuset',
    '',
    'Medlemmer: Karen Due (A), formand, Niels Hald (V), Pia Rask (F), Jonas Ebbe (C), Mette Lund (A)',
    'Fraværende: Jonas Ebbe (C)',
    'Mette Lund forlod mødet kl. 16.45.',
    '',
    'Indholdsfortegnelse',
    'Sag nr. 88  Godkendelse af dagsorden   2',
    'Sag nr. 89  Budgetopfølgning pr. 28. februar 2023   2',
    'Sag nr. 90  Salg af Skolevej 4   3',
    '',
    'Godkendelse af dagsorden',
    'Sag nr. 88',
    'J.nr.: 00.01.00-A00-3-23',
    '',
    'Beslutning',
    'Godkendt.',
    '',
    'Budgetopfølgning pr. 28. februar 2023',
    'Sag nr. 89',
    'J.nr.: 00.30.14-S00-1-23',
    '',
    'Resume',
    'Budgetopfølgningen viser et mindreforbrug på 4,2 mio. kr.',
    '',
    'Indstilling',
    'Direktionen indstiller,',
    '1. at budgetopfølgningen tages til efterretning',
    '2. at mindreforbruget overføres til 2024',
    '',
    'Beslutning',
    '1. Taget til efterretning.',
    '2. Godkendt.',
    '',
    'Salg af Skolevej 4',
    'Sag nr. 90',
    'J.nr.: 02.34.02-G01-2-22',
    '',
    'Lukket sag.',
    '',
    'Beslutning',
    'Godkendt.',
)


def test_a_protocol_with_the_number_below_the_title() -> None:
    """Title, then "Sag nr." with a number running on over the year, a journal number, a TOC
    listing the same numbers with pages, a decision list and a closed case."""
    seg = segment(PROTOCOL_WITH_RUNNING_NUMBERS, [])
    assert [(i.number, i.title, i.case_number, i.closed) for i in seg.items] == [
        (88, "Godkendelse af dagsorden", "00.01.00-A00-3-23", False),
        (89, "Budgetopfølgning pr. 28. februar 2023", "00.30.14-S00-1-23", False),
        (90, "Salg af Skolevej 4", "02.34.02-G01-2-22", True)]
    meeting = seg.meeting
    assert (meeting.kind, meeting.body, meeting.start_time, meeting.end_time, meeting.location) == (
        "referat", "Økonomiudvalget", "15:00", "17:30", "Udvalgsværelse 2, Rådhuset")
    assert (meeting.participants, meeting.absent) == (["Karen Due", "Niels Hald", "Pia Rask", "Mette Lund"],
                                                      ["Jonas Ebbe"])


@pytest.mark.parametrize("head", [
    "Økonomiudvalget\n3. maj 2021\nBeslutningsprotokol\n",
    "Økonomiudvalget\n3. maj 2021\nIndledning\nUdvalget holdt ordinært møde.\n",
], ids=["date-then-protocol-title", "date-then-section-in-head"])
def test_a_list_needs_an_item_around_it(head: str) -> None:
    text = doc(head, "1. Godkendelse af dagsorden", "Godkendt.", "", "2. Budget 2022", "Anbefales.", "",
               "3. Eventuelt", "Intet.")
    assert [i.number for i in segment(text, []).items] == [1, 2, 3]
