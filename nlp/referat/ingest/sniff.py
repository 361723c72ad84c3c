"""What a file is, by its content; the extension is only a hint.

`sniff()` names the format or raises the `InputError` a user needs to see
(`binary`, `unsupported_format`, `corrupt`). `decode_text()` turns bytes
into text by evidence, never by luck:

1. a byte-order mark (UTF-8, UTF-16, UTF-32) decides;
2. bytes that decode as UTF-8 are UTF-8 (other 8-bit text with non-ASCII
   letters almost never does);
3. otherwise a single-byte code page: bytes 0x80-0x9F are printable in
   cp1252 (– " " € …) but C1 control codes in latin-1, so any such byte that
   cp1252 defines means cp1252; none at all means the two agree and the text
   is latin-1 (ISO 8859-1); bytes cp1252 leaves undefined go to
   charset-normalizer, and to `binary` if it finds no text either.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import zipfile

from referat.errors import InputError, LimitExceeded, UnsupportedFormat

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_C1 = re.compile(rb"[\x80-\x9f]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # Cc but \t \n \r \f

# Signatures of formats that are not minutes, so the message can name them.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 file (legacy .doc/.xls, or an encrypted Office file)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"ID3", "an MP3 audio file"),
)
_ZIP_KINDS = (
    ("word/document.xml", "docx"),
    ("xl/workbook.xml", "an Excel workbook (.xlsx)"),
    ("ppt/presentation.xml", "a PowerPoint presentation (.pptx)"),
)
_SCANS = {"a PNG image": "png", "a JPEG image": "jpeg", "a TIFF image": "tiff"}
"""Images that are read as scans (OCR), by what `_SIGNATURES` calls them."""
UNSUPPORTED_EXTENSIONS = frozenset(
    ".xlsx .xls .xlsm .ods .pptx .ppt .odp .odt .doc .rtf .gif .bmp "
    ".webp .zip .gz .7z .rar .tar .mp3 .mp4 .wav .msg .eml .exe .dll".split())
HTML_EXTENSIONS = frozenset((".html", ".htm", ".xhtml"))
TEXT_EXTENSIONS = HTML_EXTENSIONS | {".txt", ".text", ".md", ".csv", ".json", ""}
"""Names that promise text: binary content under them is `binary`."""
_HTML_START = re.compile(r"\s*(?:<!doctype\s+html|<html|<\?xml[^>]*>\s*<(?:!doctype\s+)?html)", re.IGNORECASE)
_MAX_CONTROL_SHARE = 0.01  # more control characters than this: not text


def decode_text(data: bytes, *, path: str | None = None) -> tuple[str, str]:
    """(text, encoding) by the evidence above, or InputError("binary")."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as err:
                raise InputError(f"starts with a {encoding} byte-order mark but does not decode as "
                                 f"{encoding} ({err.reason} at byte {err.start})",
                                 path=path, code="corrupt") from err
            return _checked(text, path), "utf-8" if encoding == "utf-8-sig" else encoding
    if b"\x00" in data:
        raise InputError("binary data, not text (NUL bytes and no UTF-16 byte-order mark)",
                         path=path, code="binary")
    try:
        return _checked(data.decode("utf-8"), path), "utf-8"
    except UnicodeDecodeError:
        pass
    c1 = set(_C1.findall(data))
    if not c1:
        return _checked(data.decode("latin-1"), path), "latin-1"
    if not any(b[0] in _CP1252_UNDEFINED for b in c1):
        return _checked(data.decode("cp1252"), path), "cp1252"
    return _fallback(data, path)


def _fallback(data: bytes, path: str | None) -> tuple[str, str]:
    """charset-normalizer's best reading, when the Latin code pages do not fit."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError("binary data, not text (no character encoding fits)", path=path, code="binary")
    return _checked(str(best), path), best.encoding


def _checked(text: str, path: str | None) -> str:
    """The text, unless control characters say it is binary data after all."""
    if not text:
        return text
    controls = len(_CONTROL.findall(text))
    if controls > _MAX_CONTROL_SHARE * len(text) and controls > 2:
        raise InputError("binary data, not text (control characters throughout)", path=path,
                         code="binary")
    return text


def _zip_kind(data: bytes) -> str:
    """ "docx", or what else the ZIP container holds."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return "a broken ZIP container"
    return next((kind for member, kind in _ZIP_KINDS if member in names), "a ZIP archive")


def sniff(data: bytes, suffix: str, *, path: str | None = None) -> str:
    """The format of `data`: "pdf", "docx", "html", "portal_json", "txt", or a scan ("tiff", "png", "jpeg").

    Raises InputError for what referat cannot read, naming what the file is:
    `corrupt` where the name promises a PDF or Word file the content is not,
    `binary` where it promises text, `unsupported_format` otherwise.
    """
    suffix = suffix.lower()
    if b"%PDF-" in data[:1024]:
        return "pdf"
    what = _zip_kind(data) if data.startswith(b"PK\x03\x04") else _signature(data)
    if what == "docx":
        return "docx"
    if what in _SCANS and suffix not in (".pdf", ".docx") and (suffix == "" or suffix not in TEXT_EXTENSIONS):
        return _SCANS[what]
    if what is not None:
        _refuse(what, suffix, path)
    if suffix in (".pdf", ".docx"):
        kind = "a PDF (no %PDF header)" if suffix == ".pdf" else "a Word document (not a ZIP container)"
        raise InputError(f"named {suffix} but is not {kind}: broken or mislabelled", path=path,
                         code="corrupt")
    if suffix in UNSUPPORTED_EXTENSIONS:
        raise UnsupportedFormat(f"unsupported file type {suffix!r} (referat reads .pdf, .html, "
                                ".txt, .docx, portal .json and scans as .tif, .png, .jpg)", path=path)
    text, _ = decode_text(data, path=path)
    head = text.lstrip("\ufeff")[:4096]
    if head.lstrip().startswith(("{", "[")) and suffix not in HTML_EXTENSIONS:
        return "portal_json" if _is_publication(data, path) else _not_publication(path)
    if _HTML_START.match(head) or (suffix in HTML_EXTENSIONS and "<" in head):
        return "html"
    if suffix == ".json":
        raise InputError("named .json but does not hold JSON", path=path, code="corrupt")
    return "txt"


def _signature(data: bytes) -> str | None:
    return next((what for signature, what in _SIGNATURES if data.startswith(signature)), None)


def _refuse(what: str, suffix: str, path: str | None) -> None:
    """The error for content of a known kind that is not minutes."""
    if suffix in (".pdf", ".docx"):
        raise InputError(f"named {suffix} but is {what}: broken or mislabelled", path=path,
                         code="corrupt")
    if suffix in TEXT_EXTENSIONS:
        raise InputError(f"binary data ({what}), not text", path=path, code="binary")
    raise UnsupportedFormat(f"{what}, not minutes referat can read", path=path)


def _is_publication(data: bytes, path: str | None) -> bool:
    from referat.ingest.portal_json import is_portal_publication

    return is_portal_publication(parse_json(data, path))


def parse_json(data: bytes, path: str | None) -> object:
    """JSON, or the InputError that says why not (broken, or nested past Python's limit).

    Read so that what comes out is safe to pass on: an integer of more digits than
    any number referat uses stays the digits as text (Python refuses to convert more
    than 4,300, and SQLite, Arrow and spaCy take 64 bits), and a lone surrogate
    escape (`"\\ud800"`, no character) becomes U+FFFD, as a decoder does with a bad
    byte, since no UTF-8 writer downstream can encode it.
    """
    try:
        text = data.decode("utf-8-sig")
        value = json.loads(text, parse_int=_bounded_int)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"broken JSON ({err})", path=path, code="corrupt") from err
    except RecursionError as err:
        raise LimitExceeded("JSON nested deeper than referat reads", path=path,
                            code="too_large") from err
    return _without_surrogates(value) if _SURROGATE_ESCAPE.search(text) else value


_MAX_INT_DIGITS = 18  # below 2**63: every integer referat keeps fits SQLite and Arrow
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _bounded_int(digits: str) -> int | str:
    return int(digits) if len(digits.lstrip("-")) <= _MAX_INT_DIGITS else digits


def _without_surrogates(value: object) -> object:
    """`value` with every lone surrogate in its strings (keys too) replaced by U+FFFD."""
    def clean(v: object) -> object:
        return _SURROGATE.sub("\ufffd", v) if isinstance(v, str) else v

    root = [value]
    stack: list[list | dict] = [root]
    while stack:  # iterative: the nesting is as deep as the JSON parser allowed
        container = stack.pop()
        if isinstance(container, dict):
            items = list(container.items())
            container.clear()
            for key, v in items:
                container[clean(key)] = clean(v)
        else:
            container[:] = [clean(v) for v in container]
        stack.extend(v for v in (container.values() if isinstance(container, dict) else container)
                     if isinstance(v, (dict, list)))
    return root[0]


def _not_publication(path: str | None) -> str:
    raise UnsupportedFormat("JSON that is not a FirstAgenda publication (no Dagsordenpunkter)",
                            path=path)
