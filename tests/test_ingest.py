"""Ingest: formats by content, encodings by evidence, bad input named clearly.

PDF fixtures are written here with fpdf2 and docx fixtures with
python-docx; nothing binary is checked in. Real documents come from
../shared through the `shared_dir` fixtures.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import random
import re
import time
import zipfile
from pathlib import Path

import lxml.html
import pytest
from fpdf import FPDF

from referat.errors import InputError
from referat.ingest import read
from referat.ingest.html import CASE_LINE
from referat.ingest.sniff import decode_text

# --- fixtures written here ---------------------------------------------------

MINUTES_PAGES = [
    "Referat\nØkonomiudvalget\nMødedato: 11. marts 2019 kl. 16:00\n"
    "Punkt 1: Godkendelse af dagsorden\nSagsnr.: 19/7556\nBeslutning\nGodkendt.",
    "Punkt 2: Budgetopfølgning for Sundheds- og Omsorgsområdet\nSagsnr.: 19/8012\n"
    "Indstilling\nAdministrationen indstiller, at orienteringen tages til efterretning.",
    "Punkt 3: Lukket: Køb af ejendom\nSagsnr.: 19/9001\nBeslutning\nGodkendt.",
]


def make_pdf(pages: list[str], *, password: str | None = None, text: bool = True) -> bytes:
    """A PDF with one page per string (core font: latin-1, enough for Danish)."""
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    for page in pages:
        pdf.add_page()
        if text:
            for line in page.split("\n"):
                pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.rect(20, 20, 60, 40)
    return bytes(pdf.output())


def make_docx() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading("Referat af Kultur- og Fritidsudvalget", level=1)
    doc.add_paragraph("Mødedato: 4. december 2012")
    table = doc.add_table(rows=2, cols=3)
    for row, cells in zip(table.rows, [("1.", "Meddelelser", "12/345"), ("2.", "Budget 2013", "12/346")]):
        for cell, value in zip(row.cells, cells):
            cell.text = value
    doc.add_heading("Punkt 1: Meddelelser", level=2)
    doc.add_paragraph("Taget til efterretning.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def make_zip(member: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(member, "<x/>")
    return out.getvalue()


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# --- encodings -----------------------------------------------------------------

DANISH = "Beslutning: Godkendt – æøå ÆØÅ"

ENCODINGS = [
    pytest.param(DANISH.encode("utf-8"), DANISH, "utf-8", id="utf-8"),
    pytest.param(codecs.BOM_UTF8 + DANISH.encode("utf-8"), DANISH, "utf-8", id="utf-8-bom"),
    pytest.param(codecs.BOM_UTF16_LE + DANISH.encode("utf-16-le"), DANISH, "utf-16", id="utf-16-le-bom"),
    pytest.param(codecs.BOM_UTF16_BE + DANISH.encode("utf-16-be"), DANISH, "utf-16", id="utf-16-be-bom"),
    pytest.param(DANISH.encode("cp1252"), DANISH, "cp1252", id="cp1252-en-dash-0x96"),
    pytest.param("“Godkendt” på mødet".encode("cp1252"), "“Godkendt” på mødet", "cp1252",
                 id="cp1252-quotes"),
    pytest.param("Mødet blev åbnet af formanden".encode("latin-1"), "Mødet blev åbnet af formanden",
                 "latin-1", id="latin-1"),
    pytest.param(b"Godkendt uden bemaerkninger", "Godkendt uden bemaerkninger", "utf-8", id="ascii"),
]


@pytest.mark.parametrize(("data", "text", "encoding"), ENCODINGS)
def test_decode_text_by_evidence(data: bytes, text: str, encoding: str) -> None:
    assert decode_text(data) == (text, encoding)


@pytest.mark.parametrize(("data", "text", "encoding"), ENCODINGS)
def test_txt_records_its_encoding(tmp_path: Path, data: bytes, text: str, encoding: str) -> None:
    source = read(write(tmp_path, "referat.txt", data))
    assert (source.format, source.pages, source.encoding) == ("txt", [text], encoding)


def test_txt_form_feeds_split_pages(tmp_path: Path) -> None:
    source = read(write(tmp_path, "pdftotext.txt", "\f".join(MINUTES_PAGES) + "\f"))
    assert source.pages == MINUTES_PAGES


def test_source_hash_is_of_the_bytes(tmp_path: Path) -> None:
    import hashlib

    data = DANISH.encode("utf-8")
    assert read(write(tmp_path, "a.txt", data)).sha256 == hashlib.sha256(data).hexdigest()


# --- bad input: one line naming the file and the problem -------------------------

RANDOM_BYTES = random.Random(7).randbytes(4096)

BAD_INPUT = [
    pytest.param("empty.txt", b"", "empty", id="empty-file"),
    pytest.param("blank.txt", b" \n\r\n\t ", "empty", id="whitespace-only"),
    pytest.param("zeros.txt", bytes(512), "binary", id="zero-bytes"),
    pytest.param("noise.bin", RANDOM_BYTES, "binary", id="random-bytes"),
    pytest.param("noise.pdf", RANDOM_BYTES, "corrupt", id="random-bytes-named-pdf"),
    pytest.param("referat.pdf", "Referat\nPunkt 1: Godkendelse", "corrupt", id="text-named-pdf"),
    pytest.param("cut.pdf", make_pdf(MINUTES_PAGES)[:700], "corrupt", id="truncated-pdf"),
    pytest.param("locked.pdf", make_pdf(MINUTES_PAGES, password="hemmelig"), "encrypted_pdf",
                 id="encrypted-pdf"),
    pytest.param("scan.pdf", make_pdf(["", ""], text=False), "no_text_layer", id="pdf-without-text"),
    pytest.param("budget.xlsx", make_zip("xl/workbook.xml"), "unsupported_format", id="xlsx"),
    pytest.param("budget.xlsx", b"Referat", "unsupported_format", id="xlsx-extension"),
    pytest.param("scan.png", b"\x89PNG\r\n\x1a\n" + RANDOM_BYTES, "corrupt", id="broken-png"),
    pytest.param("logo.gif", b"GIF89a" + RANDOM_BYTES, "unsupported_format", id="gif"),
    pytest.param("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + RANDOM_BYTES, "unsupported_format",
                 id="ole2-doc"),
    pytest.param("broken.docx", make_zip("word/document.xml"), "corrupt", id="docx-bad-xml"),
    pytest.param("archive.docx", make_zip("hello.txt"), "corrupt", id="zip-named-docx"),
    pytest.param("referat.txt", gzip.compress(b"Referat " * 100, mtime=0), "binary", id="gzip-named-txt"),
    pytest.param("program.exe", b"MZ\x90\x00" + RANDOM_BYTES, "unsupported_format", id="exe"),
    pytest.param("deep.json", b"[" * 100_000 + b"]" * 100_000, "too_large", id="json-nested-100k"),
    pytest.param("notes.json", json.dumps({"items": [1, 2]}), "unsupported_format",
                 id="json-not-a-publication"),
    pytest.param("cut.json", '{"Dagsordenpunkter": [', "corrupt", id="broken-json"),
    pytest.param("comment.html", "<!-- kun en kommentar -->", "empty", id="html-without-elements"),
    pytest.param("deep.html", "<html><body>" + "<div>" * 10_000 + "dybt" + "</div>" * 10_000
                 + "</body></html>", "too_large", id="html-nested-10k-levels"),
]


@pytest.mark.parametrize(("name", "data", "code"), BAD_INPUT)
def test_bad_input_is_one_clear_line(tmp_path: Path, name: str, data: bytes | str, code: str) -> None:
    path = write(tmp_path, name, data)
    with pytest.raises(InputError) as caught:
        read(path)
    err = caught.value
    assert err.code == code
    assert err.path == str(path)
    assert str(err).startswith(f"{path}: ") and "\n" not in str(err)


def test_docx_zip_bomb_is_refused_before_parsing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("referat.ingest.docx.MAX_UNPACKED", 1000)
    with pytest.raises(InputError, match="unpacks to") as caught:
        read(write(tmp_path, "bomb.docx", make_docx()))
    assert caught.value.code == "too_large"


def test_pdf_named_pdf_but_not_one_says_so(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a PDF"):
        read(write(tmp_path, "referat.pdf", "Referat"))


def test_pdf_without_text_or_image_says_there_is_nothing_to_read(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no text layer on any of its 1 pages, and no image to read"):
        read(write(tmp_path, "scan.pdf", make_pdf([""], text=False)))


@pytest.mark.parametrize(("make", "code"), [
    pytest.param(lambda tmp: tmp / "missing.pdf", "not_found", id="missing"),
    pytest.param(lambda tmp: tmp, "unreadable", id="directory"),
])
def test_unreadable_paths(tmp_path: Path, make, code: str) -> None:
    with pytest.raises(InputError) as caught:
        read(make(tmp_path))
    assert caught.value.code == code


@pytest.mark.parametrize(("limits", "name", "data"), [
    pytest.param({"max_bytes": 10}, "a.txt", DANISH, id="bytes"),
    pytest.param({"max_pages": 2}, "a.pdf", make_pdf(MINUTES_PAGES), id="pdf-pages"),
    pytest.param({"max_pages": 2}, "a.txt", "\f".join(MINUTES_PAGES), id="txt-pages"),
])
def test_limits(tmp_path: Path, limits: dict, name: str, data) -> None:
    with pytest.raises(InputError) as caught:
        read(write(tmp_path, name, data), **limits)
    assert caught.value.code == "too_large"


# --- formats by content ---------------------------------------------------------


@pytest.mark.parametrize(("name", "data", "fmt"), [
    pytest.param("referat.txt", make_pdf(MINUTES_PAGES), "pdf", id="pdf-named-txt"),
    pytest.param("referat", make_pdf(MINUTES_PAGES), "pdf", id="pdf-without-extension"),
    pytest.param("referat.txt", "<!DOCTYPE html><html><body><p>Punkt 1</p></body></html>", "html",
                 id="html-named-txt"),
    pytest.param("referat.htm", "<p>Punkt 1: Godkendelse</p>", "html", id="html-fragment"),
    pytest.param("referat.md", "Punkt 1: Godkendelse", "txt", id="unknown-text-extension"),
    pytest.param("referat.bin", make_docx(), "docx", id="docx-by-content"),
])
def test_format_by_content(tmp_path: Path, name: str, data, fmt: str) -> None:
    assert read(write(tmp_path, name, data)).format == fmt


def test_pdf_pages_in_order_with_text(tmp_path: Path) -> None:
    source = read(write(tmp_path, "referat.pdf", make_pdf(MINUTES_PAGES)))
    assert len(source.pages) == 3
    for page, expected in zip(source.pages, MINUTES_PAGES):
        assert [line.strip() for line in page.splitlines()] == expected.split("\n")


def test_pdf_reads_30_pages_per_second(tmp_path: Path) -> None:
    pages = [f"Side {i}\n" + "\n".join(f"Linje {j} med tekst om budget og økonomi" for j in range(40))
             for i in range(200)]
    path = write(tmp_path, "long.pdf", make_pdf(pages))
    started = time.perf_counter()
    source = read(path)
    rate = len(source.pages) / (time.perf_counter() - started)
    assert len(source.pages) == 200
    assert rate >= 30, f"{rate:.0f} pages/s"


def test_docx_keeps_document_order(tmp_path: Path) -> None:
    source = read(write(tmp_path, "referat.docx", make_docx()))
    assert source.pages[0].splitlines() == [
        "Referat af Kultur- og Fritidsudvalget",
        "Mødedato: 4. december 2012",
        "1.\tMeddelelser\t12/345",
        "2.\tBudget 2013\t12/346",
        "Punkt 1: Meddelelser",
        "Taget til efterretning.",
    ]


GENERIC_HTML = """<!DOCTYPE html><html><head><title>Referat</title>
<style>p { color: red }</style><script>var x = "Punkt 9";</script></head><body>
<h1>Referat</h1><p>Mødet   blev
 holdt <b>mandag</b>.<br>Fraværende: Ingen</p>
<ul><li>Første</li><li>Anden</li></ul>
<table><tr><th>Punkt</th><th>Titel</th></tr><tr><td>1.</td><td>Meddelelser</td></tr></table>
<div hidden>skjult</div><!-- en kommentar -->
</body></html>"""


def test_html_blocks_become_lines(tmp_path: Path) -> None:
    source = read(write(tmp_path, "referat.html", GENERIC_HTML))
    assert source.pages[0].splitlines() == [
        "Referat", "Mødet blev holdt mandag.", "Fraværende: Ingen", "Første", "Anden",
        "Punkt\tTitel", "1.\tMeddelelser",
    ]
    assert source.structure is None


PORTAL_HTML = """<html><head><meta charset="utf-8"><title>Byrådet - Dagsorden</title></head><body>
<table class="info">
 <tr><td>Udvalg:</td><td><span>Kultur- og Fritidsudvalget</span></td></tr>
 <tr><td>Mødedato:</td><td>tirsdag den 4. februar 2025 kl. 17.00</td></tr>
 <tr><td>Mødested:</td><td>Mødelokale 2</td></tr>
 <tr><td>Mødedeltagere:</td><td><div>Lise Juhl (A)</div><div>Ole Brandt (V)</div></td></tr>
 <tr><td>Fraværende:</td><td>Anders Holt (V)</td></tr>
</table>
<table class="agenda"><thead><tr><th>Punkt</th><th>Titel</th></tr></thead><tbody>
 <tr><td>1</td><td><h2>Godkendelse af dagsorden</h2><div><span>24-000123</span>
   <h3>Beslutning</h3><div>Godkendt.</div></div></td>
   <td><ul role="menu"><li>Hent som PDF</li></ul></td></tr>
 <tr><td>2</td><td><h2>Tilskud til  foreninger 2025</h2><div><span>24-000456</span>
   <h3>Resume</h3><div>Udvalget skal fordele tilskud.</div>
   <h3>Indstilling</h3><div>Administrationen indstiller, at tilskuddene godkendes.</div>
   <h3>Beslutning</h3><div>Godkendt.</div></div></td></tr>
 <tr><td>3</td><td><h2>Lukket: Salg af grund</h2><div><span>24-000789</span></div></td></tr>
</tbody></table></body></html>"""


def test_portal_agenda_table_gives_items(tmp_path: Path) -> None:
    source = read(write(tmp_path, "dagsorden.html", PORTAL_HTML))
    structure = source.structure
    assert structure is not None
    meeting = structure.meeting
    assert (meeting.body, meeting.date, meeting.start_time, meeting.location) == (
        "Kultur- og Fritidsudvalget", "2025-02-04", "17:00", "Mødelokale 2")
    assert (meeting.participants, meeting.absent) == (["Lise Juhl", "Ole Brandt"], ["Anders Holt"])
    got = [(i.number, i.title, i.case_number, i.closed) for i in structure.items]
    assert got == [(1, "Godkendelse af dagsorden", "24-000123", False),
                   (2, "Tilskud til foreninger 2025", "24-000456", False),
                   (3, "Salg af grund", "24-000789", True)]
    text = source.raw_text
    second = structure.items[1]
    assert text[second.start:second.end].startswith("2. Tilskud til foreninger 2025\n24-000456\n")
    assert [(s.kind, text[s.start:s.end]) for s in second.sections] == [
        ("resume", "Udvalget skal fordele tilskud."),
        ("indstilling", "Administrationen indstiller, at tilskuddene godkendes."),
        ("beslutning", "Godkendt."),
    ]
    assert "Hent som PDF" not in text


@pytest.mark.parametrize(("text", "case"), [
    pytest.param("21-014420", "21-014420", id="greve"),
    pytest.param("EMN-2025-008308", "EMN-2025-008308", id="aarhus"),
    pytest.param("330-2017-90442", "330-2017-90442", id="slagelse"),
    pytest.param("Sagsnr.: 19/7556", "19/7556", id="labelled"),
    pytest.param("00.01.00-A00-1-19", "00.01.00-A00-1-19", id="kle-journal"),
    pytest.param("10-01-2022", None, id="a-date-is-no-case-number"),
    pytest.param("12", None, id="a-number-is-no-case-number"),
])
def test_case_number_shapes(text: str, case: str | None) -> None:
    m = CASE_LINE.fullmatch(text)
    assert (m.group(1) if m else None) == case


def _publication(points: list[dict]) -> dict:
    return {
        "Udvalg": {"Navn": "Social- og Handicapudvalget"},
        "Moede": {"Dato": "2023-03-06T16:30:00+01:00", "Sted": "Mødelokale 1", "Navn": "Dagsorden",
                  "Moededeltagere": [{"Name": "Anne Hansen", "Absent": False},
                                     {"Name": "Bo Jensen", "Absent": True}]},
        "Dagsordenpunkter": points,
    }


def _point(number: str, title: str, case: str, html: str, absent: tuple[str, ...] = ()) -> dict:
    return {"Punktnummer": number, "Navn": title, "SagsNummer": case,
            "Felter": [{"Navn": "", "Html": html}],
            "ExternalAgendaItemAttendees": [{"Name": n, "AttendanceType": 2, "Reason": "Fraværende"}
                                            for n in absent]}


def test_portal_json_text_and_structure(tmp_path: Path) -> None:
    publication = _publication([
        _point("1", "Godkendelse af dagsorden", "23-000001",
               "<div><h3>Beslutning</h3><span>Godkendt.</span></div>"
               "<h3>Fremstilling</h3><span><h3><span>Resume</span></h3><div>Dagsordenen.</div>"
               "<h3>Økonomiske  konsekvenser</h3><div>Ingen.</div></span>", absent=("Bo Jensen",)),
        _point("2", "Lukket: Henvendelser til formanden", "23-000002", "<p>Intet.</p>"),
    ])
    source = read(write(tmp_path, "moede.json", json.dumps(publication)))
    assert source.format == "portal_json"
    meeting = source.structure.meeting
    assert (meeting.body, meeting.date, meeting.start_time, meeting.location, meeting.absent) == (
        "Social- og Handicapudvalget", "2023-03-06", "16:30", "Mødelokale 1", ["Bo Jensen"])
    first, second = source.structure.items
    text = source.raw_text
    assert text[first.start:first.end].splitlines()[:2] == ["1. Godkendelse af dagsorden",
                                                           "Sagsnr.: 23-000001"]
    assert [(s.heading, s.kind, text[s.start:s.end]) for s in first.sections] == [
        ("Beslutning", "beslutning", "Godkendt."),
        ("Resume", "resume", "Dagsordenen."),
        ("Økonomiske konsekvenser", "okonomi", "Ingen."),
    ]
    assert first.absent == ["Bo Jensen"]
    assert (second.number, second.title, second.closed) == (2, "Henvendelser til formanden", True)


@pytest.mark.parametrize(("number", "expected", "warned"), [
    ("3", 3, False),
    (7, 7, False),
    ("12345678901234567890", 2, True),  # 20 digits: past every 64-bit integer downstream
    (12345678901234567890, 2, True),
    ("9" * 5000, 2, True),  # past Python's 4,300-digit limit for int()
    ("0", 2, True),
    ("²", 2, False),  # a digit to str.isdigit, not to int(): no number stated
], ids=["text", "int", "20-digits-text", "20-digits-int", "5000-digits", "zero", "superscript"])
def test_portal_item_numbers_out_of_range_are_positions_with_a_warning(tmp_path: Path, number, expected,
                                                                        warned) -> None:
    publication = _publication([_point("1", "Godkendelse af dagsorden", "", "<p>Godkendt.</p>"),
                                _point("2", "Budget 2024", "", "<p>Godkendt.</p>")])
    publication["Dagsordenpunkter"][1]["Punktnummer"] = number
    raw = json.dumps(publication).replace('"' + "9" * 5000 + '"', "9" * 5000)  # a bare JSON integer
    source = read(write(tmp_path, "moede.json", raw))
    assert [i.number for i in source.structure.items] == [1, expected]
    assert [w.code for w in source.warnings] == (["item_number_out_of_range"] if warned else [])


def test_portal_json_with_a_lone_surrogate_escape_reads_it_as_a_replacement_character(tmp_path: Path) -> None:
    publication = _publication([_point("1", "Budget", "", "<p>Godkendt.</p>")])
    raw = json.dumps(publication).replace('"Budget"', '"Bud\\ud800get \\ud83d\\ude00"')
    source = read(write(tmp_path, "moede.json", raw))
    assert source.structure.items[0].title == "Bud\ufffdget \U0001f600"
    source.raw_text.encode("utf-8")  # nothing left that UTF-8 cannot carry


@pytest.mark.parametrize("html", [
    "<!DOCTYPE html><html><head><title>Word</title></head><body><p>Godkendt.</p></body></html>",
    "<?xml version='1.0' encoding='utf-8'?><html><body><p>Godkendt.</p></body></html>",
    "<html><p>Godkendt.</p></html>",
], ids=["doctype", "xml-declaration", "no-body-tag"])
def test_portal_field_holding_a_whole_html_document_gives_its_body(tmp_path: Path, html: str) -> None:
    source = read(write(tmp_path, "moede.json", json.dumps(_publication([_point("1", "Budget", "", html)]))))
    assert source.raw_text.splitlines()[-1] == "Godkendt."
    assert "Word" not in source.raw_text


@pytest.mark.parametrize("html", ["<html>", "<html></html>", "<!doctype html>"])
def test_portal_field_holding_an_empty_html_document_is_no_text(tmp_path: Path, html: str) -> None:
    source = read(write(tmp_path, "moede.json", json.dumps(_publication([_point("1", "Budget", "", html)]))))
    assert [i.title for i in source.structure.items] == ["Budget"]


@pytest.mark.parametrize("charset", ["punycode", "undefined", "rot13", "idna", "utf-7", "base64", "no-such"])
@pytest.mark.parametrize("declared", ['<meta charset="{}">',
                                      '<meta http-equiv="Content-Type" content="text/html; charset={}">'],
                         ids=["meta-charset", "http-equiv"])
def test_a_declared_charset_that_is_no_web_encoding_is_ignored(tmp_path: Path, charset: str, declared: str) -> None:
    page = (f"<html><head>{declared.format(charset)}</head><body><p>Punkt 1: Økonomi</p>"
            "<p>Beslutning</p><p>Godkendt.</p></body></html>")
    source = read(write(tmp_path, "side.html", page.encode("utf-8")))
    assert source.raw_text.splitlines()[0] == "Punkt 1: Økonomi"
    assert source.encoding == "utf-8"


def test_a_declared_web_charset_is_used(tmp_path: Path) -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><p>Punkt 1: Økonomi – 2024</p></body></html>'
    source = read(write(tmp_path, "side.html", page.encode("cp1252")))
    assert (source.raw_text.splitlines()[0], source.encoding) == ("Punkt 1: Økonomi – 2024", "cp1252")


# --- real documents from ../shared -------------------------------------------------


@pytest.mark.shared
def test_all_greve_meetings_match_their_json(greve_files: list[Path]) -> None:
    assert len(greve_files) == 288
    ok = []
    for path in greve_files:
        data = json.loads(path.read_text(encoding="utf-8"))
        source = read(path)
        meeting = source.structure.meeting
        expected_items = [
            (int(p["Punktnummer"]), re.sub(r"^Lukket:\s*", "", p["Navn"].strip()), p["SagsNummer"] or None)
            for p in data["Dagsordenpunkter"]]
        got_items = [(i.number, i.title, i.case_number) for i in source.structure.items]
        assert got_items == expected_items, path.name
        assert meeting.body == data["Udvalg"]["Navn"], path.name
        assert meeting.date == data["Moede"]["Dato"][:10], path.name
        assert meeting.absent == [p["Name"] for p in data["Moede"]["Moededeltagere"] if p["Absent"]]
        ok.append(path)
    assert len(ok) == 288


@pytest.mark.shared
def test_aarhus_portal_page_yields_every_item(shared_dir: Path) -> None:
    path = shared_dir / "corpora" / "unannotated" / "aarhus-byraad-dagsorden-2025-10-08.html"
    root = lxml.html.document_fromstring(path.read_bytes().decode("utf-8"))
    listed = [(int(row.xpath("string(td[1])").strip()), " ".join(row.xpath("string(.//h2)").split()))
              for row in root.xpath("//tr[td and normalize-space(td[1]) != '']")
              if row.xpath("string(td[1])").strip().isdigit()]
    source = read(path)
    assert [(i.number, i.title) for i in source.structure.items] == listed
    assert len(listed) == 33
    assert all(i.case_number for i in source.structure.items)
    meeting = source.structure.meeting
    assert (meeting.body, meeting.date, meeting.start_time, meeting.location) == (
        "Aarhus Byråd", "2025-10-08", "16:00", "Byrådssalen")


@pytest.mark.shared
def test_ballerup_pdf_pages(shared_minutes: list[Path]) -> None:
    path = next(p for p in shared_minutes if p.suffix == ".pdf")
    started = time.perf_counter()
    source = read(path)
    rate = len(source.pages) / (time.perf_counter() - started)
    assert len(source.pages) == 15
    assert rate >= 30, f"{rate:.0f} pages/s"
    assert "\x02" not in source.raw_text and "\ufffe" not in source.raw_text
    assert all(re.search(rf"Side\s+{n + 1}\b", page) for n, page in enumerate(source.pages))


CLEAN_LINES = {
    "spaces-collapse": ("Mødet   blev\n holdt", "Mødet blev holdt"),
    "unicode-spaces": ("a\u00a0\u2028b\u3000 c", "a b c"),
    "ends-stripped": ("  \t Godkendt. \n", "Godkendt."),
    "cells-become-one-tab": ("1.\x1fMeddelelser", "1.\tMeddelelser"),
    "spaces-round-cells": ("Punkt \x1f  Titel ", "Punkt\tTitel"),
    "empty-cells-dropped": ("\x1f a\x1f\x1f \x1fb\x1f", "a\tb"),
    "blank": (" \x1f \n", ""),
}


@pytest.mark.parametrize(("raw", "line"), CLEAN_LINES.values(), ids=CLEAN_LINES.keys())
def test_clean_line(raw: str, line: str) -> None:
    from referat.ingest.lines import clean_line

    assert clean_line(raw) == line


@pytest.mark.parametrize(("html", "lines"), [
    ('<p>Synlig</p><div aria-hidden="true">Skjult</div>', ["Synlig"]),
    ('<p>Synlig</p><nav><p>Menu</p></nav><ul role="menubar"><li>Hent</li></ul>', ["Synlig"]),
    ('<div role="button"><h3>Beslutning</h3></div><div role="button">Fold ud</div><p>Godkendt.</p>',
     ["Beslutning", "Godkendt."]),
    ('<div hidden><p>Skjult <b>helt</b></p></div>efter', ["efter"]),
], ids=["aria-hidden", "menus", "buttons-with-headings-stay", "hidden-subtree-tail-kept"])
def test_fragments_drop_what_a_reader_does_not_see(html: str, lines: list[str]) -> None:
    from referat.ingest.html import parse_fragment, render_text

    assert render_text(parse_fragment(html)).splitlines() == lines
