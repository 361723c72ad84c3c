"""The layout renderers: each layout prints each heading where the gold says, with real exports' noise."""

from __future__ import annotations

import dataclasses
import re

import pytest

import referat
from referat.pipeline import Options
from referat.segment import render as R
from referat.segment.learning import labelled_record, labelled_rendering, segmented_items
from referat.segment.lines import Lines

LAYOUTS = [lay.name for lay in R.layouts()]


def meeting(items: int = 8, seed: int = 3) -> R.GoldMeeting:
    return R.synthetic_meeting(seed, items)


def listed_meeting() -> R.GoldMeeting:
    """Three items whose Indstilling is a list of "at ..." lines, the middle one closed."""
    blocks = [("heading", "Indstilling"), ("line", "Forvaltningen indstiller,"),
              ("line", "at planen godkendes,"), ("line", "at udgiften afholdes af puljen, og"),
              ("line", "at sagen sendes i høring."), ("heading", "Beslutning"), ("line", "Godkendt.")]
    items = [R.GoldItem(1, "Godkendelse af dagsorden", "24-000101", blocks=[("heading", "Beslutning"),
                                                                           ("line", "Godkendt.")]),
             R.GoldItem(2, "Plan for klimatilpasning", "24-000202", blocks=blocks),
             R.GoldItem(3, "Salg af grund", "24-000303", closed=True, blocks=blocks)]
    return R.GoldMeeting("listed", "Teknik- og Miljøudvalget", items=items)


def test_there_are_at_least_twelve_distinct_layouts() -> None:
    assert len(LAYOUTS) >= 12
    assert len({lay.heading for lay in R.layouts()}) >= 12


@pytest.mark.parametrize("name", LAYOUTS)
def test_each_heading_is_printed_where_the_gold_says(name: str) -> None:
    gold = meeting()
    rendering = R.render(gold, name)
    text = rendering.text
    withdrawn = R.layout(name).withdrawn
    assert len(rendering.items) == len(gold.items) or withdrawn and 0 < len(rendering.items) < len(gold.items)
    for item in rendering.items:
        first = text[item.start:text.index("\n", item.start)]
        number = item.label or str(item.number)
        assert re.search(rf"(?<!\d)0*{re.escape(number)}(?!\d)", text[item.start:item.head_end + 200]), first
        title_line = text[item.title_at:text.index("\n", item.title_at)]
        assert title_line.strip() and item.title.split()[0] in title_line
        assert item.start <= item.title_at <= item.head_end


@pytest.mark.parametrize("name", LAYOUTS)
def test_gold_survives_normalisation(name: str) -> None:
    doc = labelled_rendering(R.render(meeting(), name))
    lines = Lines(doc.text)
    for heading in doc.headings:
        head = " ".join(lines[i].text for i in range(heading.first_line, heading.last_line + 1))
        assert str(heading.label or heading.number) in head
        assert heading.title.split()[0] in head


def test_rendering_is_deterministic_and_seeded() -> None:
    gold = meeting()
    assert R.render(gold, "columns-pdf", 1).text == R.render(gold, "columns-pdf", 1).text
    assert R.render(gold, "columns-pdf", 1).text != R.render(gold, "columns-pdf", 2).text


def test_pdf_layout_has_pages_running_headers_and_hyphens() -> None:
    rendering = R.render(meeting(24), "edoc-aabent")
    assert len(rendering.pages) >= 3
    assert all("Åbent referat" in page.split("\n")[0] for page in rendering.pages)
    assert re.search(r"[a-zæøå]-\n[a-zæøå]", rendering.text)
    doc = labelled_rendering(rendering)
    assert "Side 2 af" not in doc.text and "Åbent referat -" not in doc.text  # normalise took them off
    assert len(doc.pages) == len(rendering.pages)


@pytest.mark.parametrize(("name", "expected"), [
    ("punkt-plain", [(1, None), (2, None), (3, None), (4, None), (5, None), (6, None)]),
    ("lettered", [(1, None), (2, "2a"), (2, "2b"), (2, "2c"), (3, None), (4, None)]),
    ("padded-lettered", [(1, None), (2, "02A"), (2, "02B"), (2, "02C"), (3, None), (4, None)]),
], ids=["given", "lettered", "padded"])
def test_numbering(name: str, expected: list) -> None:
    assert [(i.number, i.label) for i in R.render(meeting(6), name).items] == expected


def test_running_numbers_and_withdrawn_items() -> None:
    numbers = [i.number for i in R.render(meeting(40), "bullet-running").items]
    assert numbers[0] > 20
    gaps = [b - a for a, b in zip(numbers, numbers[1:])]
    assert set(gaps) >= {1} and max(gaps) > 1  # withdrawn items leave gaps


def test_closed_items_and_group_headings() -> None:
    text = R.render(listed_meeting(), "lukket-groups").text
    assert re.search(r"Lukket møde\n+3\. Salg af grund", text)
    assert "Sager til beslutning" in text
    prefixed = R.render(listed_meeting(), "punkt-plain")
    assert "Punkt 3: Lukket: Salg af grund" in prefixed.text
    assert [(i.title, i.closed) for i in prefixed.items][2] == ("Salg af grund", True)


def test_numbered_lists_in_indstilling_can_continue_the_item_numbers() -> None:
    lay = dataclasses.replace(R.layout("netdagsorden"), numbered_lists=1.0, list_continues=1.0)
    text = R.render(listed_meeting(), lay).text
    assert re.search(r"\n3\.\s+at planen godkendes,\n4\.\s+at udgiften", text)  # under item 2
    doc = labelled_rendering(R.render(listed_meeting(), lay))
    assert [i.number for i in segmented_items(doc, None)] == [1, 2, 3]


def test_case_number_left_out_where_the_layout_prints_none() -> None:
    assert {i.case_number for i in R.render(meeting(), "word-1990s").items} == {None}
    assert all(i.case_number for i in R.render(meeting(), "punkt-plain").items)


def test_ocr_errors_change_letters_never_numbers() -> None:
    lay = dataclasses.replace(R.layout("punkt-plain"), ocr=1.0)
    gold = meeting()
    noisy, clean = R.render(gold, lay).text, R.render(gold, "punkt-plain").text
    assert noisy != clean
    assert re.findall(r"\d+", noisy) == re.findall(r"\d+", clean)


def test_meeting_from_portal_publication() -> None:
    data = {
        "Udvalg": {"Navn": "Teknik- og Miljøudvalget"},
        "Moede": {"Dato": "2024-03-04T16:00:00+01:00", "Sted": "Mødelokale 2",
                  "Moededeltagere": [{"Name": "Anne Holm", "Absent": False}, {"Name": "Bo Lund", "Absent": True}]},
        "Dagsordenpunkter": [
            {"Punktnummer": "1", "Navn": "Godkendelse af dagsorden", "SagsNummer": "24-000101",
             "Felter": [{"Html": "<h3>Beslutning</h3><p>Godkendt.</p>"}]},
            {"Punktnummer": "2", "Navn": "Lukket: Salg af grund", "SagsNummer": None,
             "Felter": [{"Html": "<h3>Indstilling</h3><p>at salget godkendes.</p><table><tr><td>A</td>"
                                 "<td>B</td></tr></table>"}]},
        ],
    }
    gold = R.meeting_from_portal(data, "tmu-2024-03-04")
    assert (gold.body, gold.kind, gold.place, gold.absent) == ("Teknik- og Miljøudvalget", "referat",
                                                               "Mødelokale 2", ["Bo Lund"])
    assert [(i.number, i.title, i.case_number, i.closed) for i in gold.items] == [
        (1, "Godkendelse af dagsorden", "24-000101", False), (2, "Salg af grund", None, True)]
    assert gold.items[1].blocks == [("heading", "Indstilling"), ("line", "at salget godkendes."), ("line", "A\tB")]


def test_meeting_from_record_and_record_labels(tmp_path) -> None:
    path = tmp_path / "referat.txt"
    path.write_text(R.render(meeting(4), "punkt-plain").text, encoding="utf-8")
    record = referat.process(path, Options(annotate=False, classify=False)).to_dict()
    gold = R.meeting_from_record(record, "rec")
    assert [i.title for i in gold.items] == [i["title"] for i in record["items"]]
    assert gold.items[0].blocks[0] == ("heading", "Sagsfremstilling")
    doc = labelled_record(record, "rec")
    lines = Lines(doc.text)
    assert [lines[h.first_line].text.split(":")[0] for h in doc.headings] == [f"Punkt {n}" for n in range(1, 5)]


def test_bad_layout_table_is_refused(monkeypatch) -> None:
    data = R.load_toml("renderings.toml")
    broken = dict(data, layout=[dict(data["layout"][0], numbering="roman")])
    monkeypatch.setattr(R, "load_toml", lambda name: broken)
    R.layouts.cache_clear()
    try:
        with pytest.raises(ValueError, match="numbering = 'roman'"):
            R.layouts()
    finally:
        R.layouts.cache_clear()


def test_unknown_layout_names_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="unknown layout 'nope'; valid: punkt-plain"):
        R.layout("nope")
