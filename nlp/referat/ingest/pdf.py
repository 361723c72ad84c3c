"""PDF text layer, page by page, with pypdfium2.

Why pypdfium2: it binds PDFium (Chrome's PDF engine; BSD-3/Apache-2.0, the
binding Apache-2.0 or BSD-3), so referat stays permissively licensed, and
it extracts text an order of magnitude faster than pure-Python pdfminer.six
(450-1,000 pages/s per core measured on text PDFs, against a target of 30).
PyMuPDF is as fast but AGPL, which would bind every user of referat. PDFium
is lenient with the broken fonts and ToUnicode maps municipal PDFs carry
("fonts that make some extractors complain").

PDFium reports a hyphen that ends a line as U+0002 (U+FFFE in the
character-range API) and drops the line break after it; the reader puts
"-\\n" back, so normalise sees the layout as every other extractor prints it
and decides about the hyphen itself.

Scanned pages: a page without a usable text layer (none, a few stamped
words over an image, or a garbled one from a font without a ToUnicode map;
`textlayer.py` judges) is rendered at the resolution of its scan and read by
OCR (`ocr.py`) under `--ocr auto`; `always` OCRs every page, `never` none. A
PDF none of whose pages has text or an image to read is `no_text_layer`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from referat.errors import InputError, LimitExceeded
from referat.ingest.ocr import (OcrSettings, PageImage, Scanned, config as ocr_config, not_read_warning,
                                ocr_warnings, read_pages)
from referat.ingest.textlayer import GARBLED, SPARSE, text_layer_state

_LINE_END_HYPHEN = re.compile("[\x02\ufffe]")
_FORM_FEED = re.compile("\f")


def read_pdf(data: bytes, *, path: str, max_pages: int,
             ocr: OcrSettings = OcrSettings()) -> Scanned:
    """The text of each page, in page order (page i is number i + 1), OCR'd where needed."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        if err.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise InputError("encrypted PDF: it needs a password to open", path=path,
                             code="encrypted_pdf") from err
        raise InputError(f"broken PDF: PDFium cannot open it ({_reason(err)})", path=path,
                         code="corrupt") from err
    try:
        n_pages = len(pdf)
        if n_pages > max_pages:
            raise LimitExceeded(f"{n_pages} pages, more than the limit of {max_pages}", path=path,
                                code="too_large")
        pages = [_page_text(pdf, i, path) for i in range(n_pages)]
        scans = [i for i, text in enumerate(pages) if _needs_ocr(pdf, i, text, ocr.mode)]
        result = Scanned(pages)
        if scans and ocr.mode == "never":
            result.warnings.append(not_read_warning(scans))
        elif scans:
            try:
                read = read_pages(_rendered(pdf, scans, path), len(scans), ocr)
            except InputError as err:
                err.path = path
                raise
            result.page_ocr = [None] * n_pages
            for i, page in zip(scans, read):
                result.pages[i], result.page_ocr[i] = page.text, page.ocr
            timed_out = [i for i, page in zip(scans, read) if page.timed_out]
            result.warnings.extend(ocr_warnings(result.page_ocr, timed_out))
    finally:
        pdf.close()
    if not any(page.strip() for page in result.pages):
        if ocr.mode == "never":
            why = f"no text layer on any of its {n_pages} pages (a scan? OCR is off: --ocr never)"
        elif result.page_ocr:
            why = f"no text on any of its {n_pages} pages, in the text layer or by OCR"
        else:
            why = f"no text layer on any of its {n_pages} pages, and no image to read"
        raise InputError(why, path=path, code="no_text_layer")
    return result


def _needs_ocr(pdf: pdfium.PdfDocument, index: int, text: str, mode: str) -> bool:
    """Whether page `index` is read by OCR: always, or a garbled text layer, or a scan."""
    if mode == "always":
        return True
    state = text_layer_state(text)
    return state == GARBLED or (state == SPARSE and _scan_dpi(pdf, index) is not None)


def _scan_dpi(pdf: pdfium.PdfDocument, index: int) -> float | None:
    """The resolution of the largest image on the page, or None where it shows none."""
    page = pdf[index]
    try:
        best, area = None, 0.0
        for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
            left, bottom, right, top = image.get_bounds()
            width_px, _ = image.get_px_size()
            size = (right - left) * (top - bottom)
            if size > area and right > left and width_px:
                best, area = width_px / ((right - left) / 72), size
        return best
    finally:
        page.close()


def _rendered(pdf: pdfium.PdfDocument, indices: list[int], path: str) -> Iterator[PageImage]:
    """Each page rendered in grey at its scan's resolution (bounds in configs/ocr.toml)."""
    settings = ocr_config()["pages"]
    for index in indices:
        dpi = _scan_dpi(pdf, index) or settings["dpi"]
        dpi = min(max(dpi, settings["min_dpi"]), settings["max_dpi"])
        _check_images(pdf, index, settings["max_pixels"], path)
        page = pdf[index]
        try:
            width, height = page.get_size()
            pixels = width * height * (dpi / 72) ** 2
            if pixels > settings["max_pixels"]:
                dpi *= math.sqrt(settings["max_pixels"] / pixels)
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            image = bitmap.to_pil()
        except pdfium.PdfiumError as err:
            raise InputError(f"broken PDF: page {index + 1} cannot be rendered ({_reason(err)})",
                             path=path, code="corrupt") from err
        finally:
            page.close()
        yield PageImage(image, round(dpi))


def _check_images(pdf: pdfium.PdfDocument, index: int, max_pixels: int, path: str) -> None:
    """Refuse a page holding an image larger than `max_pixels` before it is rendered:
    PDFium decodes every image whole, whatever the scale it draws it at, so a few
    kilobytes of deflated zeros would unpack to gigabytes."""
    page = pdf[index]
    try:
        for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
            width, height = image.get_px_size()
            if width * height > max_pixels:
                raise LimitExceeded(f"page {index + 1} holds an image of {width} × {height} pixels, more "
                                    f"than the limit of {max_pixels:,}", path=path, code="too_large")
    finally:
        page.close()


def _page_text(pdf: pdfium.PdfDocument, index: int, path: str) -> str:
    try:
        page = pdf[index]
        textpage = page.get_textpage()
    except pdfium.PdfiumError as err:
        raise InputError(f"broken PDF: page {index + 1} cannot be read ({_reason(err)})",
                         path=path, code="corrupt") from err
    try:
        text = textpage.get_text_range()
    finally:
        textpage.close()
        page.close()
    return _FORM_FEED.sub("\n", _LINE_END_HYPHEN.sub("-\n", text))


def _reason(err: pdfium.PdfiumError) -> str:
    message = str(err)
    return message[message.find("(PDFium: ") + 9:-2] if "(PDFium: " in message else message
