"""One set of minutes, three renderings: the text, a PDF and an HTML page segment alike.

The minutes are written here in the shapes Danish minutes print ("Punkt N:
Title", a case number line, section headings); the PDF is typeset from the
same lines with fpdf2 (running header and page numbers on every page,
long lines wrapped, words broken across lines with a hyphen), the HTML
page from a small template. All three go through the whole pipeline
(`referat.process`) from files in tmp_path and must yield the same items.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from fpdf import FPDF

import referat
from referat.pipeline import Options

HEAD = [
    "Referat",
    "Teknik- og Miljøudvalget",
    "Mødedato: Mandag d. 7. april 2025 kl. 16:00",
    "Mødested: Mødelokale 3, Rådhuset",
    "Fraværende: Anne Sørensen",
]
ITEMS = [
    (1, "Godkendelse af dagsorden", "25/1021", [
        ("Beslutning", ["Godkendt."]),
    ]),
    (2, "Budgetopfølgning pr. 31. marts 2025 for Teknik- og Miljøområdet", "25/3317", [
        ("Resume", ["Budgetopfølgningen viser et forventet mindreforbrug på 2,4 mio. kr. på "
                    "driften, primært som følge af lavere udgifter til vintervedligeholdelse."]),
        ("Indstilling", ["Forvaltningen indstiller, at budgetopfølgningen tages til efterretning."]),
        ("Beslutning", ["Taget til efterretning."]),
    ]),
    (3, "Lokalplan 1204 for boliger ved Engvej - endelig vedtagelse", "24/11873", [
        ("Sagsfremstilling", ["Forslaget har været i offentlig høring i otte uger, og der er "
                              "indkommet fire høringssvar, som er gennemgået i vedlagte notat "
                              "sammen med forvaltningens bemærkninger og forslag til ændringer."]),
        ("Indstilling", ["Forvaltningen indstiller, at lokalplanen vedtages endeligt."]),
        ("Beslutning", ["Anbefales over for Byrådet."]),
    ]),
    (4, "Eventuelt", None, [
        ("Beslutning", ["Intet."]),
    ]),
]


def minutes_lines() -> list[str]:
    lines = list(HEAD)
    for number, title, case, sections in ITEMS:
        lines += ["", f"Punkt {number}: {title}"]
        if case:
            lines.append(f"Sagsnr.: {case}")
        for heading, paragraphs in sections:
            lines += [heading, *paragraphs]
    return lines


def write_text(path: Path) -> Path:
    path.write_text("\n".join(minutes_lines()) + "\n", encoding="utf-8")
    return path


class _Minutes(FPDF):
    def header(self) -> None:
        self.set_font("helvetica", size=8)
        self.cell(0, 5, "Teknik- og Miljøudvalget - Referat - 7. april 2025", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("helvetica", size=8)
        self.cell(0, 5, f"Side {self.page_no()}", align="R")


LAYOUT_BREAKS = {  # where the typesetter broke a line inside a word, or after a suspended "Teknik-"
    "vintervedligeholdelse": "vinter-\nvedligeholdelse",
    "høringssvar, som": "hørings-\nsvar, som",
    "Teknik- og Miljøområdet": "Teknik-\nog Miljøområdet",
}


def _hyphenated(line: str) -> str:
    for words, broken in LAYOUT_BREAKS.items():
        line = line.replace(words, broken)
    return line


def write_pdf(path: Path) -> Path:
    """Narrow column, one item per page: wrapped titles, words broken by hyphens, five pages."""
    pdf = _Minutes()
    pdf.set_font("helvetica", size=11)
    pdf.set_margins(20, 15, 95)
    pdf.add_page()
    for line in minutes_lines():
        if line.startswith("Punkt ") and pdf.page_no() and pdf.get_y() > 40:
            pdf.add_page()
        if not line:
            continue
        pdf.multi_cell(0, 6, _hyphenated(line), new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def write_html(path: Path) -> Path:
    body = [f"<h1>{html.escape(HEAD[0])}</h1>", f"<p><b>{html.escape(HEAD[1])}</b></p>",
            "<table>" + "".join(f"<tr><td>{html.escape(label)}:</td><td>{html.escape(value)}</td></tr>"
                                for label, value in (line.split(": ", 1) for line in HEAD[2:])) + "</table>"]
    for number, title, case, sections in ITEMS:
        body.append(f"<h2>Punkt {number}: {html.escape(title)}</h2>")
        if case:
            body.append(f"<p>Sagsnr.: {case}</p>")
        for heading, paragraphs in sections:
            body.append(f"<h3>{heading}</h3>" + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs))
    page = ("<!DOCTYPE html><html lang='da'><head><meta charset='utf-8'><title>Referat</title>"
            "<style>h2 { font-size: 1.2em }</style></head><body><main>"
            + "\n".join(body) + "</main><footer><nav><a href='/'>Forside</a></nav></footer></body></html>")
    path.write_text(page, encoding="utf-8")
    return path


EXPECTED = [(number, title, case) for number, title, case, _ in ITEMS]
OPTIONS = Options(annotate=False, classify=False)


@pytest.mark.parametrize("render", [write_text, write_pdf, write_html], ids=["txt", "pdf", "html"])
def test_rendering_segments_to_the_same_items(tmp_path: Path, render) -> None:
    path = render(tmp_path / f"referat.{render.__name__.removeprefix('write_').replace('text', 'txt')}")
    doc = referat.process(path, OPTIONS)
    assert doc.ok, doc.errors
    assert [(i.number, i.title, i.case_number) for i in doc.items] == EXPECTED
    decisions = [doc.text[s.start:s.end] for i in doc.items if (s := i.section("beslutning"))]
    assert decisions == ["Godkendt.", "Taget til efterretning.", "Anbefales over for Byrådet.", "Intet."]
    assert doc.meeting.date == "2025-04-07"


def test_pdf_rendering_pages_headers_and_hyphens(tmp_path: Path) -> None:
    doc = referat.process(write_pdf(tmp_path / "referat.pdf"), OPTIONS)
    assert len(doc.pages) >= 4
    assert "Side 2" not in doc.text and "Referat - 7. april 2025" not in doc.text
    assert [doc.page_of(i.start) for i in doc.items] == [2, 3, 4, 5]  # page 1 is the head
    assert "vintervedligeholdelse" in doc.text and "høringssvar, som" in doc.text
    assert "Teknik- og Miljøområdet" in doc.text
