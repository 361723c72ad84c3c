"""Scans as image files: TIFF (one page per frame), PNG and JPEG, read by OCR.

Archives keep scanned minutes as multi-page TIFFs as often as PDFs. Each
frame is a page; its resolution comes from the file (TIFF and PNG carry it,
JPEG mostly in its JFIF header), else configs/ocr.toml's default. Pillow
decodes the image; a frame larger than `max_pixels` is refused before it is
decoded (a decompression bomb), a file Pillow cannot decode is `corrupt`.
An image has no text layer, so `--ocr never` leaves nothing to read.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from referat.errors import InputError, LimitExceeded
from referat.ingest.ocr import OcrSettings, PageImage, Scanned, config, ocr_warnings, read_pages

def read_image(data: bytes, *, path: str, max_pages: int, ocr: OcrSettings = OcrSettings()) -> Scanned:
    """The OCR'd text of each frame of a scanned image, in order."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as err:
        raise InputError(f"broken image: it cannot be decoded ({err})", path=path, code="corrupt") from err
    with image:
        n_pages = getattr(image, "n_frames", 1)
        if n_pages > max_pages:
            raise LimitExceeded(f"{n_pages} pages, more than the limit of {max_pages}", path=path,
                                code="too_large")
        if ocr.mode == "never":
            raise InputError(f"a scanned image ({n_pages} page{'s' if n_pages > 1 else ''}) has no text "
                             "layer, and OCR is off (--ocr never)", path=path, code="no_text_layer")
        try:
            read = read_pages(_frames(image, n_pages, path), n_pages, ocr)
        except InputError as err:
            err.path = path
            raise
    page_ocr = [page.ocr for page in read]
    return Scanned([page.text for page in read], page_ocr,
                   ocr_warnings(page_ocr, [i for i, page in enumerate(read) if page.timed_out]))


def _frames(image, n_pages: int, path: str) -> Iterator[PageImage]:
    """Each frame as a page image, decoded one at a time."""
    settings = config()["pages"]
    for index in range(n_pages):
        try:
            image.seek(index)
            width, height = image.size
            if width * height > settings["max_pixels"]:
                raise LimitExceeded(f"page {index + 1} is {width} × {height} pixels, more than the limit "
                                    f"of {settings['max_pixels']:,}", path=path, code="too_large")
            frame = image.copy()  # decodes this frame only
        except (OSError, ValueError, EOFError) as err:
            raise InputError(f"broken image: page {index + 1} cannot be decoded ({err})", path=path,
                             code="corrupt") from err
        yield PageImage(frame, _dpi(image.info.get("dpi"), settings["default_image_dpi"]))


def _dpi(value, default: int) -> int:
    """The horizontal resolution a file states, if it is a plausible scan's (50-1200 dpi)."""
    try:
        dpi = round(float(value[0]))
    except (TypeError, ValueError, IndexError):
        return default
    return dpi if 50 <= dpi <= 1200 else default
