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
import importlib
import os
import stat
from collections.abc import Callable
from pathlib import Path

from referat.errors import InputError, LimitExceeded
from referat.ingest.ocr import OcrSettings
from referat.ingest.sniff import sniff
from referat.model import Source

READERS: dict[str, str] = {
    "txt": "referat.ingest.txt:read_txt",
    "html": "referat.ingest.html:read_html",
    "docx": "referat.ingest.docx:read_docx",
    "portal_json": "referat.ingest.portal_json:read_portal_json",
}
"""format -> "module:reader", reader(data, *, path, max_pages) -> (pages, structure, encoding)."""

PAGED_READERS: dict[str, str] = {
    "pdf": "referat.ingest.pdf:read_pdf",
    "tiff": "referat.ingest.images:read_image",
    "png": "referat.ingest.images:read_image",
    "jpeg": "referat.ingest.images:read_image",
}
"""format -> "module:reader", reader(data, *, path, max_pages, ocr) -> `Scanned` (pages, how each
was read, warnings). A reader's module (and the library behind it: PDFium, lxml, python-docx,
Pillow) is imported the first time a file of its format is read."""


def reader(fmt: str) -> Callable:
    """The reader function of a format, imported on first use."""
    module, _, name = (READERS.get(fmt) or PAGED_READERS[fmt]).partition(":")
    return getattr(importlib.import_module(module), name)

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
        scanned = reader(fmt)(data, path=name, max_pages=max_pages, ocr=ocr)
        source = Source(path=name, sha256=sha256, format=fmt, pages=scanned.pages,
                        page_ocr=scanned.page_ocr, warnings=scanned.warnings)
    else:
        pages, structure, encoding = reader(fmt)(data, path=name, max_pages=max_pages)
        source = Source(path=name, sha256=sha256, format=fmt, pages=pages, structure=structure,
                        encoding=encoding, warnings=list(structure.warnings) if structure else [])
    if not any(page.strip() for page in source.pages):
        raise InputError(f"no text in this {fmt} file", path=name, code="empty")
    return source


def _read_bytes(path: Path, name: str, max_bytes: int) -> bytes:
    """The file's bytes, at most `max_bytes`: a regular file only.

    The file is opened without blocking (a FIFO would wait for a writer) and
    checked by `fstat` on what was opened, so a symlink to `/dev/zero` or a
    device, whose size reads as 0, is refused before a byte is read; the read
    itself stops past `max_bytes` in case the file grows meanwhile.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError as err:
        raise InputError("file not found", path=name, code="not_found") from err
    except PermissionError as err:
        raise InputError("permission denied", path=name, code="unreadable") from err
    except IsADirectoryError as err:
        raise InputError("is a directory, not a file", path=name, code="unreadable") from err
    except OSError as err:
        raise InputError(f"cannot be read ({err.strerror or err})", path=name, code="unreadable") from err
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("is a directory, not a file", path=name, code="unreadable")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"is a {_KINDS.get(stat.S_IFMT(info.st_mode), 'special file')}, "
                             "not a regular file: not read", path=name, code="unreadable")
        if info.st_size > max_bytes:
            raise LimitExceeded(f"{info.st_size:,} bytes, more than the limit of {max_bytes:,}",
                                path=name, code="too_large")
        data = _read_at_most(fd, max_bytes + 1)
    except OSError as err:
        raise InputError(f"cannot be read ({err.strerror or err})", path=name, code="unreadable") from err
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise LimitExceeded(f"grew past the limit of {max_bytes:,} bytes while it was read", path=name,
                            code="too_large")
    return data


_KINDS = {stat.S_IFCHR: "character device", stat.S_IFBLK: "block device", stat.S_IFIFO: "FIFO (named pipe)",
          stat.S_IFSOCK: "socket"}


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks, left = [], limit
    while left > 0 and (chunk := os.read(fd, min(left, 1 << 24))):
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


__all__ = ["PAGED_READERS", "READERS", "OcrSettings", "read", "reader"]
