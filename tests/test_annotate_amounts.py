"""AMOUNT: the shapes Danish minutes print sums in, and their values in kroner."""

from __future__ import annotations

import pytest

from referat.annotate.amounts import find_amounts, parse_number
from referat.annotate.spans import from_markers

M = 1_000_000

# (text, the amount's text, value, upper bound of a range or None, currency)
SHAPES = [
    ("20 mio. kr.", "20 mio. kr.", 20 * M, None, "DKK"),
    ("kr. 8,5 mio.", "kr. 8,5 mio.", 8.5 * M, None, "DKK"),
    ("20.000 kr.", "20.000 kr.", 20_000, None, "DKK"),
    ("2,0 mio.kr.", "2,0 mio.kr.", 2 * M, None, "DKK"),
    ("1,6 mia. kr.", "1,6 mia. kr.", 1.6e9, None, "DKK"),
    ("500 t.kr.", "500 t.kr.", 500_000, None, "DKK"),
    ("500 t. kr.", "500 t. kr.", 500_000, None, "DKK"),
    ("820 tkr.", "820 tkr.", 820_000, None, "DKK"),
    ("1.198,- kr.", "1.198,- kr.", 1198, None, "DKK"),
    ("kr. 1.198,-", "kr. 1.198,-", 1198, None, "DKK"),
    ("DKK 3 mio.", "DKK 3 mio.", 3 * M, None, "DKK"),
    ("3 mio. DKK", "3 mio. DKK", 3 * M, None, "DKK"),
    ("kr. 1.000", "kr. 1.000", 1000, None, "DKK"),
    ("3 millioner kroner", "3 millioner kroner", 3 * M, None, "DKK"),
    ("4,6 millioner kroner", "4,6 millioner kroner", 4.6 * M, None, "DKK"),
    ("1,5 millioner kr.", "1,5 millioner kr.", 1.5 * M, None, "DKK"),
    ("mio. kr. 2,5", "mio. kr. 2,5", 2.5 * M, None, "DKK"),
    ("2-3 mio. kr.", "2-3 mio. kr.", 2 * M, 3 * M, "DKK"),
    ("2 – 3 mio. kr.", "2 – 3 mio. kr.", 2 * M, 3 * M, "DKK"),
    ("7,5–29,2 mio. kr.", "7,5–29,2 mio. kr.", 7.5 * M, 29.2 * M, "DKK"),
    ("100-120.000 kr.", "100-120.000 kr.", 100_000, 120_000, "DKK"),
    ("1.455.000 - 2.280.000 kr.", "1.455.000 - 2.280.000 kr.", 1_455_000, 2_280_000, "DKK"),
    ("reduceres med -2,0 mio.kr.", "2,0 mio.kr.", 2 * M, None, "DKK"),
    ("1.316.000 \nkr.", "1.316.000 \nkr.", 1_316_000, None, "DKK"),
    ("9,5 mio.  kr.", "9,5 mio.  kr.", 9.5 * M, None, "DKK"),
    ("kr. 3.000.000", "kr. 3.000.000", 3 * M, None, "DKK"),
    ("38 916 000 kr.", "38 916 000 kr.", 38_916_000, None, "DKK"),
    ("2½ mio. kr.", "2½ mio. kr.", 2.5 * M, None, "DKK"),
    ("1.5 mio. kr.", "1.5 mio. kr.", 1.5 * M, None, "DKK"),
    ("23,0 kr.", "23,0 kr.", 23, None, "DKK"),
    ("4 mio.kr", "4 mio.kr", 4 * M, None, "DKK"),
    ("0,097 mio. kr.", "0,097 mio. kr.", 97_000, None, "DKK"),
    ("6 mio. kroner", "6 mio. kroner", 6 * M, None, "DKK"),
    ("300.000 kroner", "300.000 kroner", 300_000, None, "DKK"),
    ("kr.730.500", "kr.730.500", 730_500, None, "DKK"),
    ("6.424.971kr.", "6.424.971kr.", 6_424_971, None, "DKK"),
    ("Kr. 250.000 i tilskud", "Kr. 250.000", 250_000, None, "DKK"),
    ("3 mia.kr.", "3 mia.kr.", 3e9, None, "DKK"),
    ("2 mrd. kr.", "2 mrd. kr.", 2e9, None, "DKK"),
    ("5 tusind kr.", "5 tusind kr.", 5000, None, "DKK"),
    ("5 mio. euro", "5 mio. euro", 5 * M, None, "EUR"),
    ("EUR 12.000", "EUR 12.000", 12_000, None, "EUR"),
    ("€ 400", "€ 400", 400, None, "EUR"),
    ("195 kr. pr. billet", "195 kr.", 195, None, "DKK"),
    ("(2 mio. kr. pr. år)", "2 mio. kr.", 2 * M, None, "DKK"),
    ("I alt 2.890.000 kr.", "2.890.000 kr.", 2_890_000, None, "DKK"),
    ("en pulje på 64 kr. i døgnet", "64 kr.", 64, None, "DKK"),
]


@pytest.mark.parametrize("text, expected, value, upper, currency", SHAPES, ids=[s[0] for s in SHAPES])
def test_shape(text, expected, value, upper, currency):
    spans = find_amounts(text)
    assert [s.text for s in spans] == [expected]
    norm = spans[0].norm
    assert norm["value"] == pytest.approx(value)
    assert norm["currency"] == currency
    assert norm.get("max") == (pytest.approx(upper) if upper is not None else None)


NOT_AMOUNTS = [
    "en stigning på 50 %",
    "20 pct. af borgerne",
    "i perioden 2019-2022",
    "4.000 flere arbejdspladser",
    "beløb i kr. 2020 2021 2022",
    "pkt. 2.d.1 i aftalen",
    "jf. § 5, stk. 2",
    "kriterier og krav skrives ind",
    "beskrivelse af 12 kursister",
    "Politikområde 11 Integration",
    "den 11-03-2019 kl. 16:00",
]


@pytest.mark.parametrize("text", NOT_AMOUNTS, ids=NOT_AMOUNTS)
def test_not_an_amount(text):
    assert find_amounts(text) == []


MARKED = [
    "Bevilling på [AMOUNT 20 mio. kr.]",
    "Budgetrammen reduceres med [AMOUNT 20 mio. kr.] i 2019 stigende til [AMOUNT 25 mio. kr.] fra 2020.",
    "Forbruget nedjusteres med netto [AMOUNT kr. 8,5 mio.] Det kræver en investering på [AMOUNT kr. 1,5 mio.]",
    "Anlægsbevilling på [AMOUNT 1.316.000 kr.] over projekt nr. 650260 i 2013.",
    "Taksten sænkes med 2 pct., svarende til [AMOUNT 64 kr.] i døgnet; ny takst [AMOUNT 3.114 kr.]",
    "Sygeplejeklinik (udvidet åbningstid 4 timer pr. uge) [AMOUNT 200.000 kr.]",
    "Ud af landstallet på 600 personer modtager kommunen 7 flygtninge.",
]


@pytest.mark.parametrize("marked", MARKED, ids=range(len(MARKED)))
def test_marked_sentences(marked):
    text, expected = from_markers(marked)
    assert [(s.label, s.start, s.end) for s in find_amounts(text)] == expected


@pytest.mark.parametrize("raw, value", [("1.316.000", 1316000), ("8,5", 8.5), ("1.198,-", 1198),
                                        ("2½", 2.5), ("1 316 000", 1316000), ("0,097", 0.097)])
def test_parse_number(raw, value):
    assert parse_number(raw) == pytest.approx(value)
