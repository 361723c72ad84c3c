"""OCR of scanned minutes: scans made here from text PDFs, read back with Tesseract.

The scans are made in the tests (corpora/tools/make_scan.py): the sample
corpus's PDF and pages written here, rendered with pypdfium2, skewed,
blurred and specked with Pillow, wrapped as image-only PDFs and TIFFs. What
OCR reads must give the same items, case numbers and amounts as the text
layer. Reading pages is slow: those tests are marked `slow`, kept to a few
small pages, and skipped where Tesseract or its Danish model is missing.
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from fpdf import FPDF
from PIL import Image

from referat import limits
from referat.batch import BatchConfig, run, time_limit
from referat.errors import InputError
from referat.ingest import OcrSettings, read
from referat.ingest import ocr as ocr_module
from referat.ingest.ocr import despeckle, ocr_available, ocr_warnings, page_list
from referat.ingest.textlayer import GARBLED, SPARSE, USABLE, text_layer_state
from referat.model import Document, Page, PageOcr
from referat.pipeline import Options, Pipeline

REPO = Path(__file__).resolve().parent.parent
SAMPLE_PDF = REPO / "corpora" / "minutes" / "vesterhede-teknik-og-miljoeudvalget-2020-06-08.pdf"
SCHEMA = json.loads((REPO / "nlp" / "referat" / "schema" / "document.schema.json").read_text(encoding="utf-8"))

needs_tesseract = pytest.mark.skipif(
    not ocr_available(), reason="Tesseract or its Danish model is not installed "
                                "(apt-get install tesseract-ocr tesseract-ocr-dan)")


def _make_scan():
    spec = importlib.util.spec_from_file_location("make_scan", REPO / "corpora" / "tools" / "make_scan.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_scan = _make_scan()


def text_pdf(path: Path, lines: list[str]) -> Path:
    """A one-page text PDF (fpdf2, core font) with these lines."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    for line in lines:
        pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


# --- a text layer's worth, by its looks -------------------------------------------

DANISH = ("Forvaltningen indstiller, at udvalget godkender, at der gives en anlægsbevilling på 2,5 mio. kr. "
          "til renovering af skolen, og at udgiften finansieres af kassebeholdningen. Sagen har været "
          "drøftet med skolebestyrelsen, som er positiv over for projektet, der kan gå i gang efter "
          "sommerferien, når udbuddet er afsluttet.")

TEXT_LAYERS = [
    ("running-danish", DANISH, USABLE),
    ("table-of-figures", "Budget 2021 1.200.000 2.300.000 (12.000) 4,5 %\n" * 12, USABLE),
    ("stamped-page-number", "Side 3 af 12", SPARSE),
    ("empty", "", SPARSE),
    ("shifted-letters", "".join(chr(ord(c) + 1) if c.isalpha() else c for c in DANISH), GARBLED),
    ("private-use-glyphs", "".join(chr(0xE000 + ord(c) % 200) if not c.isspace() else c for c in DANISH),
     GARBLED),
    ("glyph-numbers-as-ascii", "".join(chr(33 + ord(c) % 14) if not c.isspace() else c for c in DANISH),
     GARBLED),
]


@pytest.mark.parametrize(("text", "state"), [(t, s) for _, t, s in TEXT_LAYERS],
                         ids=[i for i, _, _ in TEXT_LAYERS])
def test_text_layer_state(text: str, state: str) -> None:
    assert text_layer_state(text) == state


# --- page images -------------------------------------------------------------------


def test_despeckle_removes_specks_and_keeps_full_stops() -> None:
    page = np.full((60, 60), 255, np.uint8)
    page[10:13, 10:13] = 0  # a full stop, 3 × 3 at 200 dpi
    page[30:40, 30:32] = 0  # a stroke
    page[50, 50] = 0  # specks
    page[5, 40:42] = 20
    cleaned = np.asarray(despeckle(Image.fromarray(page), 200))
    assert (cleaned[10:13, 10:13] == 0).all() and (cleaned[30:40, 30:32] == 0).all()
    assert cleaned[50, 50] == 255 and (cleaned[5, 40:42] == 255).all()


def test_page_list_names_runs() -> None:
    assert page_list([0]) == "page 1"
    assert page_list([1, 4, 5, 6, 8, 9]) == "pages 2, 5-7, 9, 10"


def test_weak_pages_are_named_in_a_warning() -> None:
    pages = [None, PageOcr("tesseract", "5.5.4", 0.93), PageOcr("tesseract", "5.5.4", 0.41),
             PageOcr("tesseract", "5.5.4", None)]
    (warning,) = ocr_warnings(pages, timed_out=[])
    assert warning.code == "low_ocr_confidence"
    assert warning.message.startswith("pages 3, 4: OCR is unsure") and "41%" in warning.message


def test_ocr_pages_round_trip_and_fit_the_schema() -> None:
    doc = Document(source="scan.tif", sha256="ab" * 32, format="tiff", text="Referat",
                   pages=[Page(1, 0, 7, ocr=True, ocr_engine="tesseract", ocr_version="5.5.4",
                               ocr_confidence=0.912)])
    record = doc.to_dict()
    jsonschema.validate(record, SCHEMA)
    assert record["pages"] == [{"number": 1, "start": 0, "end": 7, "ocr": True, "ocr_engine": "tesseract",
                                "ocr_version": "5.5.4", "ocr_confidence": 0.912}]
    assert Document.from_dict(record).to_dict() == record


def test_review_page_shows_ocr_pages_as_such() -> None:
    from referat.model import Item
    from referat.review import render

    text = "Referat\n1. Meddelelser\nTaget til efterretning.\n"
    doc = Document(source="scan.tif", sha256="cd" * 32, format="tiff", text=text,
                   pages=[Page(1, 0, len(text), ocr=True, ocr_engine="tesseract", ocr_version="5.5.4",
                               ocr_confidence=0.874)],
                   items=[Item(1, "Meddelelser", 8, len(text))])
    page = render([doc])  # the page's script adds "page 1 (OCR, 87%)" to the item (test_review_browser)
    meta = json.loads(re.search(r'id="referat-meta">(.*?)</script>', page, re.S).group(1))
    assert meta["index"][0]["ocr"] == "OCR: 1 of 1 pages read from the scan, weakest page 87% sure"


def test_time_limit_stretches_when_work_asks() -> None:
    with time_limit(0.5):
        limits.allow(2.0)
        import time

        time.sleep(0.8)  # past the first limit, within the stretched one


# --- without Tesseract: one clear error, and the batch goes on -----------------------


def _png(tmp_path: Path) -> Path:
    path = tmp_path / "scan.png"
    Image.new("L", (200, 100), 255).save(path)
    return path


def test_without_tesseract_a_scan_names_what_to_install(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(ocr_module, "find_tessdata", lambda language: None)
    ocr_module._shared_engine.cache_clear()
    try:
        scan = _png(tmp_path)
        (tmp_path / "referat.txt").write_text("Referat\nPunkt 1: Godkendelse af dagsorden\nGodkendt.\n",
                                              encoding="utf-8")
        with pytest.raises(InputError) as caught:
            read(scan)
        assert caught.value.code == "ocr_unavailable"
        assert "apt-get install tesseract-ocr tesseract-ocr-dan" in str(caught.value)
        assert str(caught.value).startswith(f"{scan}: ")
        doc = Pipeline(Options(annotate=False, classify=False)).process(scan)
        assert [p.code for p in doc.errors] == ["ocr_unavailable"]
    finally:
        ocr_module._shared_engine.cache_clear()


def test_ocr_never_leaves_a_scan_unread(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read(_png(tmp_path), ocr=OcrSettings("never"))
    assert caught.value.code == "no_text_layer" and "--ocr never" in caught.value.message


def test_unknown_ocr_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown OCR mode"):
        Options(ocr="sometimes")


# --- scans read back (slow) --------------------------------------------------------------


def _summary(doc: Document) -> tuple:
    """What a scan must give as its text layer does: items, case numbers, amounts."""
    amounts = sorted(s.norm["value"] for s in doc.all_entities() if s.label == "AMOUNT")
    return ([(i.number, i.title, i.case_number) for i in doc.items], amounts)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(Options(ocr_threads=2))


@pytest.fixture(scope="module")
def sample_text(pipeline: Pipeline) -> Document:
    return pipeline.process(SAMPLE_PDF)


@pytest.mark.slow
@needs_tesseract
@pytest.mark.parametrize("wrap", ["pdf", "tiff"])
def test_scanned_sample_gives_what_its_text_layer_gives(tmp_path: Path, pipeline: Pipeline,
                                                         sample_text: Document, wrap: str) -> None:
    images = make_scan.scan_pages(SAMPLE_PDF, dpi=200, skew=0.7)
    write = make_scan.write_pdf if wrap == "pdf" else make_scan.write_tiff
    scan = write(images, tmp_path / f"scan.{'pdf' if wrap == 'pdf' else 'tif'}", 200)
    doc = pipeline.process(scan)
    assert doc.ok, doc.errors
    assert _summary(doc) == _summary(sample_text)
    assert [p.ocr for p in doc.pages] == [True, True, True]
    assert all(p.ocr_engine == "tesseract" and p.ocr_confidence > 0.8 for p in doc.pages)
    assert not [w for w in doc.warnings if w.code == "low_ocr_confidence"]


OWN_PAGE = [
    "Referat",
    "Kultur- og Fritidsudvalget",
    "Mødedato: 14. marts 2022 kl. 17:00",
    "",
    "1. Tilskud til idrætsforeninger",
    "Sagsnr.: 22/1843",
    "Der er afsat 1.250.000 kr. i budget 2022 efter folkeoplysningslovens § 18.",
    "Beslutning",
    "Godkendt.",
    "",
    "2. Renovering af svømmehallen",
    "Sagsnr.: 22/2210",
    "Anlægsbevillingen er 4,5 mio. kr. Udvalget anbefaler Byrådet at godkende.",
    "Beslutning",
    "Anbefales.",
]


@pytest.mark.slow
@needs_tesseract
def test_mixed_pdf_reads_its_scanned_page_and_keeps_its_text_page(tmp_path: Path, pipeline: Pipeline) -> None:
    import pypdfium2 as pdfium

    text = text_pdf(tmp_path / "text.pdf", OWN_PAGE[:10])
    scanned = make_scan.write_pdf(
        make_scan.scan_pages(text_pdf(tmp_path / "page2.pdf", OWN_PAGE[10:]), dpi=200, skew=-1.0),
        tmp_path / "scan.pdf", 200)
    mixed = pdfium.PdfDocument(str(text))
    mixed.import_pages(pdfium.PdfDocument(str(scanned)))
    mixed.save(str(tmp_path / "mixed.pdf"))
    doc = pipeline.process(tmp_path / "mixed.pdf")
    assert doc.ok, doc.errors
    assert [p.ocr for p in doc.pages] == [False, True]
    assert [(i.number, i.case_number) for i in doc.items] == [(1, "22/1843"), (2, "22/2210")]
    amount = next(s for s in doc.all_entities() if s.label == "AMOUNT" and s.norm["value"] == 4.5e6)
    assert doc.page_of(amount.start) == 2  # entity spans keep their page
    text_only = pipeline.process(text)
    assert doc.text[:doc.pages[0].end].strip() == text_only.text.strip()


@pytest.mark.slow
@needs_tesseract
def test_an_upside_down_scan_is_turned(tmp_path: Path, pipeline: Pipeline) -> None:
    page = make_scan.scan_pages(text_pdf(tmp_path / "own.pdf", OWN_PAGE), dpi=200)[0].rotate(180)
    scan = make_scan.write_tiff([page], tmp_path / "turned.tif", 200)
    doc = pipeline.process(scan)
    assert [(i.number, i.case_number) for i in doc.items] == [(1, "22/1843"), (2, "22/2210")]
    assert doc.pages[0].ocr_confidence > 0.8


@pytest.mark.slow
@needs_tesseract
def test_garbled_text_layer_is_read_by_ocr(tmp_path: Path, pipeline: Pipeline, monkeypatch) -> None:
    """A font without a ToUnicode map: the text layer is shifted letters, the page reads fine."""
    from referat.ingest import pdf as pdf_module

    pdf = text_pdf(tmp_path / "referat.pdf", OWN_PAGE)
    honest = pipeline.process(pdf)
    real = pdf_module._page_text
    monkeypatch.setattr(pdf_module, "_page_text", lambda *a: "".join(
        chr(ord(c) + 1) if c.isalpha() else c for c in real(*a)))
    doc = pipeline.process(pdf)
    assert [p.ocr for p in doc.pages] == [True]
    assert _summary(doc) == _summary(honest)
    never = replace(pipeline.options, ocr="never")
    assert "Lvmuvs" in Pipeline(never).process(pdf).text  # --ocr never keeps the garbled layer


OLD_PAGE = [
    "Referat",
    "Byraadet",
    "Mødedato: 3. Marts 1952 Kl. 19,30",
    "",
    "1. Tilskud til Skolens Ombygning",
    "Sagsnr.: 52/118",
    "Byraadet vedtog at bevilge Kr. 25.000 til Skolens Ombygning.",
    "Gaardejer Niels Jensen (V) stemte imod.",
    "",
    "2. Ansøgning om Kommunegaranti",
    "Sagsnr.: 52/131",
    "Kommunalbestyrelsen vedtog efter Lov om Kommunernes Styrelse § 41",
    "at yde Garanti for Kr. 120.000.",
]


@pytest.mark.slow
@needs_tesseract
def test_old_spelling_scan_gives_committees_amounts_laws_and_persons(tmp_path: Path, pipeline: Pipeline) -> None:
    scan = make_scan.write_tiff(make_scan.scan_pages(text_pdf(tmp_path / "old.pdf", OLD_PAGE), dpi=200,
                                                      skew=0.5), tmp_path / "old.tif", 200)
    doc = pipeline.process(scan)
    assert doc.ok, doc.errors
    assert [(i.number, i.case_number) for i in doc.items] == [(1, "52/118"), (2, "52/131")]
    found = {(s.label, s.text): s.norm for s in doc.all_entities()}
    assert found[("COMMITTEE", "Byraadet")] == {"name": "Byrådet"}
    assert found[("COMMITTEE", "Kommunalbestyrelsen")] == {"name": "Kommunalbestyrelsen"}
    assert found[("AMOUNT", "Kr. 25.000")]["value"] == 25000
    assert found[("AMOUNT", "Kr. 120.000")]["value"] == 120000
    assert found[("LAW", "Lov om Kommunernes Styrelse § 41")]["act"] == "kommunestyrelsesloven"
    assert found[("PERSON", "Niels Jensen")] == {"name": "Niels Jensen", "party": "V"}


@pytest.mark.slow
@needs_tesseract
def test_batch_reads_scans_and_reports_the_pages(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    page = make_scan.scan_pages(text_pdf(tmp_path / "own.pdf", OWN_PAGE), dpi=200)[0]
    buffer = io.BytesIO()
    page.convert("L").save(buffer, "PNG", dpi=(200, 200))
    (folder / "referat.png").write_bytes(buffer.getvalue())
    out = tmp_path / "out.jsonl"
    summary = run([folder], out, BatchConfig(options=Options(annotate=False, classify=False), workers=2))
    assert (summary.total, summary.failed) == (1, 0)
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["format"] == "png"
    assert record["pages"][0]["ocr"] is True and record["pages"][0]["ocr_engine"] == "tesseract"
    assert [i["case_number"] for i in record["items"]] == ["22/1843", "22/2210"]
