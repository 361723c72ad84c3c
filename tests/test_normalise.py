"""Normalise: each named step on the shapes minutes print, pages, offsets, properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from referat.model import ItemHint, Meeting, PageOcr, Section, Source, Structure
from referat.normalise import OCR_STEPS, STEPS, OffsetMap, apply_edits, clean, normalise


def source(*pages: str, structure: Structure | None = None) -> Source:
    return Source(path="referat.txt", sha256="", format="txt", pages=list(pages), structure=structure)


STEP_CASES = [
    ("newlines", "Punkt 1\r\nBeslutning\rGodkendt", "Punkt 1\nBeslutning\nGodkendt"),
    ("newlines", "linje\u2028linje\x0blinje", "linje\nlinje\nlinje"),
    ("controls", "Godkendt\x00.\x07 Intet\u200b\ufeff", "Godkendt. Intet"),
    ("controls", "side\fside\n\f\nside", "sideside\n\f\nside"),
    ("soft_hyphens", "bevil\u00adling", "bevilling"),
    ("soft_hyphens", "bevil\u00ad\nling gives", "bevilling gives"),
    ("ligatures", "\ufb01nansiering og \ufb02ytning, e\ufb00ekt", "finansiering og flytning, effekt"),
    ("nfc", "Ba\u030aring og Sk\u00f8de", "B\u00e5ring og Sk\u00f8de"),
    ("nfc", "A\u030arhus e\u0301", "\u00c5rhus \u00e9"),
    ("hyphenation", "det yderli-\ngere arbejde", "det yderligere arbejde"),
    ("hyphenation", "Sundheds-\nog Forebyggelsesudvalget", "Sundheds- og Forebyggelsesudvalget"),
    ("hyphenation", "by-\neller landzone", "by- eller landzone"),
    ("hyphenation", "Social-\nsamt Sundhedsområdet", "Social- samt Sundhedsområdet"),
    ("hyphenation", "EU-\nKommissionen", "EU-Kommissionen"),
    ("hyphenation", "Sundheds-\nOmsorgsudvalget", "Sundheds-Omsorgsudvalget"),
    ("hyphenation", "data på 6-\nmåneders opfølgning", "data på 6-måneders opfølgning"),
    ("hyphenation", "nye IT-\nsystemer", "nye IT-systemer"),
    ("hyphenation", "en del ikke-\nplanlagte opgaver", "en del ikke-planlagte opgaver"),
    ("hyphenation", "skole-hjem-samarbejde og skole-\nhjem-samarbejde",
     "skole-hjem-samarbejde og skole-hjem-samarbejde"),
    ("hyphenation", "anlægs-\n  bevilling til", "anlægsbevilling til"),
    ("hyphenation", "1.316.000 kr. -\nbevilget", "1.316.000 kr. -\nbevilget"),
    ("hyphenation", "Punkt 2 -\nBudget", "Punkt 2 -\nBudget"),
    ("page_breaks", "side 1\n\f\nside 2", "side 1\n\nside 2"),
    ("whitespace", "  Referat  \n\n\n\nPunkt 1:\u00a0Godkendelse \t\n  indrykket\n\n",
     "Referat\n\nPunkt 1: Godkendelse\n  indrykket"),
    ("whitespace", "Punkt 1\n \n\t\nPunkt 2", "Punkt 1\n\nPunkt 2"),
    ("whitespace", "Punkt 1\n\nPunkt 2", "Punkt 1\n\nPunkt 2"),
]


@pytest.mark.parametrize(("step", "raw", "expected"), STEP_CASES,
                         ids=[f"{s}-{i}" for i, (s, _, _) in enumerate(STEP_CASES)])
def test_step(step: str, raw: str, expected: str) -> None:
    assert clean(raw, [step])[0] == expected


def test_unknown_step_names_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="valid steps: newlines, controls"):
        clean("tekst", ["newlines", "spellcheck"])


def test_steps_may_be_callables() -> None:
    def shout(text: str):
        return [(0, len(text), text.upper())]

    assert clean("godkendt", ["newlines", shout])[0] == "GODKENDT"


def test_default_steps_together() -> None:
    raw = "Punkt 1:\u00a0Bevil\u00adling til \ufb01nansiering af yderli-\r\ngere   \r\n\r\n\r\n\r\ntiltag"
    assert normalise(source(raw)).text == "Punkt 1: Bevilling til finansiering af yderligere\n\ntiltag"


# --- running headers and footers ----------------------------------------------------

HEADER = "Økonomiudvalget\nReferat\nDato: 04.12.2012\nSide {n}\n"
FOOTER = "\nBallerup Kommune - {n} af 4"


def _paged(bodies: list[str]) -> list[str]:
    return [HEADER.format(n=n) + body + FOOTER.format(n=n) for n, body in enumerate(bodies, start=1)]


BODIES = [
    "Referat\nØkonomiudvalget\ntirsdag den 4. december 2012",
    "1. Meddelelser\nSagsnr.: 2011-29298\nTaget til efterretning",
    "2. Budget 2013\nSagsnr.: 2012-28504\nØkonomiudvalget godkendte budgettet",
    "3. Eventuelt\nIntet",
]


def test_running_headers_and_page_numbers_go() -> None:
    norm = normalise(source(*_paged(BODIES)))
    assert norm.text == "\n\n".join(BODIES)
    assert [norm.text[p.start:p.end].strip() for p in norm.pages] == BODIES


def test_header_words_inside_the_body_stay() -> None:
    norm = normalise(source(*_paged(BODIES)))
    assert norm.text.startswith("Referat\nØkonomiudvalget\n")  # page 1's title, under the header
    assert "Økonomiudvalget godkendte" in norm.text


def test_two_pages_are_too_few_to_call_a_line_a_header() -> None:
    pages = _paged(BODIES[:2])
    assert "Side 1" in normalise(source(*pages)).text


DECISIONS = ["Godkendt.", "Taget til efterretning.", "Godkendt med bemærkning.", "Drøftet."]


def test_item_headings_atop_every_page_are_not_headers() -> None:
    pages = [f"Punkt {n}\nBeslutning\n{DECISIONS[n - 1]}\nSide {n}" for n in range(1, 5)]
    assert normalise(source(*pages)).text == "\n\n".join(
        f"Punkt {n}\nBeslutning\n{DECISIONS[n - 1]}" for n in range(1, 5))


@pytest.mark.parametrize("line", ["Side {n}", "Side {n} af 4", "{n}", "- {n} -", "{n}/4",
                                  "Referat, side {n}", "Page {n} of 4"])
def test_page_number_shapes(line: str) -> None:
    pages = [f"Punkt {n + 3}: Titel {n}\nTekst {n}\n" + line.format(n=n) for n in range(1, 5)]
    assert normalise(source(*pages)).text == "\n\n".join(
        f"Punkt {n + 3}: Titel {n}\nTekst {n}" for n in range(1, 5))


# --- pages and structure ---------------------------------------------------------


def test_pages_tile_the_text_with_one_based_numbers() -> None:
    norm = normalise(source("  Side et\n", "Side to", "", "Side fire  "))
    assert [p.number for p in norm.pages] == [1, 2, 3, 4]
    assert norm.pages[0].start == 0 and norm.pages[-1].end == len(norm.text)
    assert all(a.end == b.start for a, b in zip(norm.pages, norm.pages[1:]))
    assert [norm.text[p.start:p.end].strip() for p in norm.pages] == ["Side et", "Side to", "", "Side fire"]


def test_structure_offsets_move_into_the_normalised_text() -> None:
    raw = "  Møde\r\n\r\n\r\n1. Godkendelse af dagsorden\r\nBeslutning\r\nGod\u00adkendt.\r\n2. Eventuelt\r\n"
    start1 = raw.index("1.")
    decision = raw.index("God\u00ad")
    start2 = raw.index("2.")
    structure = Structure(Meeting(body="Økonomiudvalget"), [
        ItemHint(1, "Godkendelse af dagsorden", start1, start2 - 2,
                 sections=[Section("Beslutning", "beslutning", decision, start2 - 2)]),
        ItemHint(2, "Eventuelt", start2, len(raw) - 2),
    ])
    norm = normalise(source(raw, structure=structure))
    first, second = norm.structure.items
    assert norm.text[first.start:first.end] == "1. Godkendelse af dagsorden\nBeslutning\nGodkendt."
    assert norm.text[first.sections[0].start:first.sections[0].end] == "Godkendt."
    assert norm.text[second.start:second.end] == "2. Eventuelt"
    assert norm.structure.meeting.body == "Økonomiudvalget"
    assert source(raw, structure=structure).structure.items[0].start == start1  # input untouched


def test_offset_map_back_to_raw() -> None:
    raw = "Bevil\u00adling af \ufb01nans"
    norm = normalise(source(raw))
    start = norm.text.index("finans")
    assert norm.raw_span(start, len(norm.text)) == (raw.index("\ufb01"), len(raw))
    assert norm.raw_span(0, 9) == (0, raw.index(" af"))


# --- properties ------------------------------------------------------------------

MINUTES_ALPHABET = st.sampled_from(
    list("abeøåÆ ") + ["\n", "\r\n", "\r", "\t", "\f", "-\n", "-", "\u00ad", "\ufb01", "\u0301",
                        "\u00a0", "\x02", "og ", "Punkt 1: ", "Side 3", "  \n\n\n", "\n\f\n"])
TEXTS = st.lists(MINUTES_ALPHABET, max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(source(text)).text
    assert normalise(source(once)).text == once


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=5))
def test_offset_map_is_monotone_and_in_range(pages: list[str]) -> None:
    norm = normalise(source(*pages))
    raw_len, norm_len = len(norm.raw_text), len(norm.text)
    to_raw = [norm.offset_map.to_raw(i) for i in range(norm_len + 1)]
    to_norm = [norm.offset_map.to_norm(i) for i in range(raw_len + 1)]
    assert to_raw == sorted(to_raw) and to_norm == sorted(to_norm)
    assert to_raw[0] >= 0 and to_raw[-1] == raw_len
    assert to_norm[0] == 0 and to_norm[-1] == norm_len
    assert all(p.start <= p.end for p in norm.pages)
    assert [p.number for p in norm.pages] == list(range(1, len(pages) + 1))


WORDS = st.lists(st.sampled_from(["Punkt", "1.", "Godkendt", "æøå", "Byrådet", "§", "kr."]), min_size=1,
                 max_size=6).map(" ".join)
CLEAN_TEXTS = st.lists(WORDS, min_size=1, max_size=8).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(CLEAN_TEXTS)
def test_clean_text_is_left_alone_and_maps_one_to_one(text: str) -> None:
    norm = normalise(source(text))
    assert norm.text == text
    assert all(norm.offset_map.to_raw(i) == i == norm.offset_map.to_norm(i) for i in range(len(text) + 1))


def test_apply_edits_rejects_overlaps() -> None:
    with pytest.raises(ValueError):
        apply_edits("abcdef", [(0, 3, "x"), (2, 4, "y")])


def test_identity_map() -> None:
    offsets = OffsetMap()
    assert (offsets.to_raw(7), offsets.to_norm(7)) == (7, 7)


def test_every_step_is_named() -> None:
    assert list(STEPS) == ["newlines", "controls", "soft_hyphens", "ligatures", "nfc", "headers_footers",
                           "hyphenation", "page_breaks", "whitespace", *OCR_STEPS]


# --- OCR steps: what OCR gets wrong, on OCR'd pages only ----------------------------

OCR_FIXES = [
    ("ocr_digits", "bevilling på kr. 1.2O0.000 den l8. maj 2O2O", "bevilling på kr. 1.200.000 den 18. maj 2020"),
    ("ocr_digits", "Sagsnr.: O1.02.05-P16-3-2O", "Sagsnr.: 01.02.05-P16-3-20"),
    ("ocr_digits", "efter lovens § l3, kl. 15:3O", "efter lovens § 13, kl. 15:30"),
    ("ocr_digits", "Ole og I og lO stemte for, Oslo A00", "Ole og I og lO stemte for, Oslo A00"),
    ("ocr_hyphens", "en egentlig miljø-\n\nvurdering", "en egentlig miljø-\nvurdering"),
    ("ocr_hyphens", "en egentlig miljø—\nvurdering", "en egentlig miljø-\nvurdering"),
    ("ocr_hyphens", "Teknik-\n\nOg videre", "Teknik-\n\nOg videre"),
    ("ocr_quotes", "projektet ,,Grøn By'' fortsætter", "projektet „Grøn By” fortsætter"),
    ("ocr_section_signs", "efter planlovens & 27 og jf. $ 13", "efter planlovens § 27 og jf. § 13"),
    ("ocr_section_signs", "miljøbeskyttelseslovens 8 28", "miljøbeskyttelseslovens § 28"),
    ("ocr_section_signs", "punkt 3 & 4, i alt 8 28 stole", "punkt 3 & 4, i alt 8 28 stole"),
    ("ocr_leaders", "1. Meddelelser . , . . ,. . . 1", "1. Meddelelser ........ 1"),
    ("ocr_leaders", "2. Budget ......... 12", "2. Budget ......... 12"),
    ("ocr_words", "Sundheds- oq Forebyggelsesudvalget", "Sundheds- og Forebyggelsesudvalget"),
]


OCR_BODIES = ["Budgettet for 2013 blev vedtaget.", "Udvalget drøftede skolerne.", "Sagen blev udsat.",
          "Taget til efterretning.", "Anbefales godkendt."]


def test_ocr_running_header_under_a_logo_read_as_junk_goes() -> None:
    junk = ["BALLERUP EEN\n(exe)\n", "ande an\n55 BALLERUP\n", "", "B RUP me\n", "AN\n"]
    header = "Sundheds- og Forebyggelsesudvalget\nReferat\nDato: 04.12.2012\nSide {n}\n"
    pages = [junk[n] + header.format(n=n + 1).replace("04.12.2012", "04.12,2012" if n == 3 else "04.12.2012")
             + OCR_BODIES[n] + "\n" for n in range(5)]
    src = source(*pages)
    src.page_ocr = [PageOcr("tesseract", "5.5.4", 0.9)] * 5
    norm = normalise(src)
    assert [norm.text[p.start:p.end].strip() for p in norm.pages] == OCR_BODIES


@pytest.mark.parametrize(("step", "text", "expected"), OCR_FIXES,
                         ids=[f"{step}:{text[:24]}" for step, text, _ in OCR_FIXES])
def test_ocr_step(step: str, text: str, expected: str) -> None:
    assert clean(text, [step])[0] == expected


def test_ocr_steps_touch_ocr_pages_only() -> None:
    page = "Udgiften er kr. 1.2O0.000 efter planlovens & 27."
    src = source(page, page)
    src.page_ocr = [None, PageOcr("tesseract", "5.5.4", 0.91)]
    norm = normalise(src)
    first, second = (norm.text[p.start:p.end].strip() for p in norm.pages)
    assert first == page  # a text layer's content is never changed
    assert second == "Udgiften er kr. 1.200.000 efter planlovens § 27."
    assert [(p.ocr, p.ocr_confidence) for p in norm.pages] == [(False, None), (True, 0.91)]
    fixed = norm.text.index("1.200.000")
    assert norm.raw_text[slice(*norm.raw_span(fixed, fixed + 9))] == "1.2O0.000"
