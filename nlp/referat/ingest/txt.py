"""Plain text: encoding by evidence (see `sniff.decode_text`), pages at form feeds.

pdftotext and similar tools separate pages with a form feed (U+000C), so a
form feed starts a new page; line endings are left for normalise.
"""

from __future__ import annotations

from referat.ingest.sniff import decode_text


def read_txt(data: bytes, *, path: str, max_pages: int) -> tuple[list[str], None, str]:
    """Pages (split at form feeds) and the detected encoding."""
    text, encoding = decode_text(data, path=path)
    pages = text.lstrip("\ufeff").split("\f")
    if len(pages) > 1 and not pages[-1].strip():
        pages.pop()  # the form feed that ends the last page
    if len(pages) > max_pages:
        from referat.errors import LimitExceeded

        raise LimitExceeded(f"{len(pages)} pages (form feeds), more than the limit of {max_pages}",
                            path=path, code="too_large")
    return pages, None, encoding
