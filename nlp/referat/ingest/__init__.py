"""Ingest: a file as a `Source` (raw text per page, structure where the format has it).

One reader per format; the format is decided by content (`sniff`), with the
extension as a hint. Every failure is an `InputError` with a stable `code`
(`not_found`, `unreadable`, `empty`, `binary`, `unsupported_format`,
`corrupt`, `encrypted_pdf`, `no_text_layer`, `ocr_unavailable`, `too_large`)
and a one-line message; the path is in `err.path`.

Paged formats (PDF, and scans as TIFF, PNG or JPEG) are read page by page,
with OCR where a page has no usable text layer (`ocr.py`; `OcrSettings`
chooses when and with how many threads).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from referat.errors import InputError, LimitExceeded
from referat.ingest.docx import read_docx
from referat.ingest.html import read_html
from referat.ingest.images import read_image
from referat.ingest.ocr import OcrSettings
from referat.ingest.pdf import read_pdf
from referat.ingest.portal_json import read_portal_json
from referat.ingest.sniff import sniff
from referat.ingest.txt import read_txt
from referat.model import Source

READERS: dict[str, Callable] = {
    "txt": read_txt,
    "html": read_html,
    "docx": read_docx,
    "portal_json": read_portal_json,
}
"""format -> reader(data, *, path, max_pages) -> (pages, structure, encoding)."""

PAGED_READERS: dict[str, Callable] = {"pdf": read_pdf, "tiff": read_image, "png": read_image,
                                      "jpeg": read_image}
"""format -> reader(data, *, path, max_pages, ocr) -> `Scanned` (pages, how each was read, warnings)."""

MAX_BYTES = 100 * 2**20
MAX_PAGES = 2000


def read(path: str | Path, *, max_bytes: int = MAX_BYTES, max_pages: int = MAX_PAGES,
         ocr: OcrSettings = OcrSettings()) -> Source:
    """Read one file as a `Source`, or raise an `InputError` naming the problem."""
    name = str(path)
    data = _read_bytes(Path(path), name, max_bytes)
    if not data.strip():
        raise InputError("empty file" if not data else "empty file (whitespace only)",
                         path=name, code="empty")
    fmt = sniff(data, Path(path).suffix, path=name)
    sha256 = hashlib.sha256(data).hexdigest()
    if fmt in PAGED_READERS:
        scanned = PAGED_READERS[fmt](data, path=name, max_pages=max_pages, ocr=ocr)
        source = Source(path=name, sha256=sha256, format=fmt, pages=scanned.pages,
                        page_ocr=scanned.page_ocr, warnings=scanned.warnings)
    else:
        pages, structure, encoding = READERS[fmt](data, path=name, max_pages=max_pages)
        source = Source(path=name, sha256=sha256, format=fmt, pages=pages, structure=structure,
                        encoding=encoding)
    if not any(page.strip() for page in source.pages):
        raise InputError(f"no text in this {fmt} file", path=name, code="empty")
    return source


def _read_bytes(path: Path, name: str, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise InputError("is a directory, not a file", path=name, code="unreadable")
        if size > max_bytes:
            raise LimitExceeded(f"{size:,} bytes, more than the limit of {max_bytes:,}", path=name,
                                code="too_large")
        return path.read_bytes()
    except FileNotFoundError as err:
        raise InputError("file not found", path=name, code="not_found") from err
    except PermissionError as err:
        raise InputError("permission denied", path=name, code="unreadable") from err
    except OSError as err:
        raise InputError(f"cannot be read ({err.strerror or err})", path=name,
                         code="unreadable") from err


__all__ = ["PAGED_READERS", "READERS", "OcrSettings", "read"]
