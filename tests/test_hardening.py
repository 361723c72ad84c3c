"""Hostile and broken inputs (issue 8): referat keeps working, loses nothing, runs nothing.

The bad-input corpus is generated here, into a temporary folder; nothing is
checked in. Each input runs through the library (`referat.process(path)`)
and, all together, as one batch through the command line. Every one must
end in a correct result or a clear per-file error record: never an
exception out of `process`, never an `internal` error (a crash the batch
contained), never a hang, never a record lost or doubled, memory bounded.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import fpdf
import pytest
from test_properties import assert_valid_document

import referat
from referat.model import Document
from referat.pipeline import Options, Pipeline, exact_path, path_bytes

REPO = Path(__file__).resolve().parent.parent
REFERAT_CLI = Path(sys.executable).with_name("referat")
LIBRARY_HANG_S = 20  # one document of about 1 MB in-process (about 5 s here); the CLI has its own --timeout
CLI_TIMEOUT_S = 20  # the per-document limit the batch runs under
MAX_MEMORY_MIB = 1536  # the per-worker memory ceiling the batch runs under (--max-memory)
MB = 1024 * 1024
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

MINUTES = """Referat
Økonomiudvalget
Mødedato: 11. marts 2019
Mødetidspunkt: 16:00
Mødested: Rådhuset, mødelokale 1
Deltagere: Jan Jensen (V), Lone Hansen (A)

Punkt 1: Godkendelse af dagsorden
Beslutning
Godkendt.

Punkt 2: Orientering om økonomi – budget 2020
Sagsfremstilling
Der er afsat 20 mio. kr. efter serviceloven § 85, stk. 2.
Beslutning
Taget til efterretning.
"""
TITLES = ["Godkendelse af dagsorden", "Orientering om økonomi – budget 2020"]
LATIN1_MINUTES = MINUTES.replace("–", "-")  # the PDF core fonts know Latin-1 only
LATIN1_TITLES = [t.replace("–", "-") for t in TITLES]
SECRET = "REFERAT-SECRET-8c1f"  # in a file that hostile XML points an external entity at

# --- building the corpus ----------------------------------------------------


def _pdf(text: str | None = None, pages: int = 1, **encryption) -> bytes:
    pdf = fpdf.FPDF()
    pdf.set_font("helvetica", size=11)
    for _ in range(pages):
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 6, text)
    if encryption:
        pdf.set_encryption(**encryption)
    return bytes(pdf.output())


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


_CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                  b'package/2006/content-types"><Default Extension="rels" ContentType="application/'
                  b'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
                  b'"application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
                  b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
         b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
         b'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx_xml(body: str, doctype: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<w:document xmlns:w="{_W}"><w:body>'
            f'{body}</w:body></w:document>').encode()


def _paragraphs(text: str) -> str:
    return "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{line}</w:t></w:r></w:p>"
                   for line in text.splitlines())


def _docx(document_xml: bytes) -> bytes:
    return _zip({"[Content_Types].xml": _CONTENT_TYPES, "_rels/.rels": _RELS,
                 "word/document.xml": document_xml})


def _write_inflated_body(member, expanded: int) -> None:
    """The minutes as a document body, padded with empty paragraphs to `expanded` bytes."""
    member.write(_docx_xml(_paragraphs(MINUTES))[:-len("</w:body></w:document>")])
    filler = b"<w:p/>" * (MB // 6)
    for _ in range(expanded // len(filler)):
        member.write(filler)
    member.write(b"</w:body></w:document>")


def _docx_bomb(path: Path, expanded: int = 300 * MB) -> None:
    """A small .docx whose body XML inflates to `expanded` bytes (a zip bomb, mildly)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        with zf.open("word/document.xml", "w", force_zip64=True) as member:
            _write_inflated_body(member, expanded)


def _docx_main_part_not_xml(path: Path, expanded: int = 300 * MB) -> None:
    """A small .docx whose main part is not called *.xml (its name is free) and inflates to
    `expanded` bytes: a limit that counts only *.xml parts lets it through."""
    content_types = _CONTENT_TYPES.replace(b"/word/document.xml", b"/word/body.bin")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", content_types)
        zf.writestr("_rels/.rels", _RELS.replace(b"word/document.xml", b"word/body.bin"))
        zf.writestr("word/document.xml", _docx_xml(""))  # what a sniffer looks for; nothing points at it
        with zf.open("word/body.bin", "w", force_zip64=True) as member:
            _write_inflated_body(member, expanded)


_IMAGE_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
               b'package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/'
               b'officeDocument/2006/relationships/image" Target="media/image1.png"/></Relationships>')


def _docx_with_image(image: Callable[[], bytes] | bytes, size: int = 0) -> Callable[[Path], None]:
    """Minutes in a .docx that also holds word/media/image1.png: `image`'s bytes, or `size`
    bytes of zeros (a picture that inflates from a few hundred kB to `size`)."""
    def make(path: Path) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("[Content_Types].xml", _CONTENT_TYPES.replace(
                b'<Default Extension="xml"', b'<Default Extension="png" ContentType="image/png"/>'
                                            b'<Default Extension="xml"'))
            zf.writestr("_rels/.rels", _RELS)
            zf.writestr("word/document.xml", _docx_xml(_paragraphs(MINUTES)))
            zf.writestr("word/_rels/document.xml.rels", _IMAGE_RELS)
            with zf.open("word/media/image1.png", "w", force_zip64=True) as member:
                if size:
                    for _ in range(size // MB):
                        member.write(bytes(MB))
                else:
                    member.write(image() if callable(image) else image)
    return make


def _pdf_with_image(width: int, height: int) -> bytes:
    """A one-page PDF showing one grey image of `width` × `height` pixels, all zeros:
    a few hundred kB that PDFium would decode whole to width × height bytes."""
    compressor = zlib.compressobj(9)
    row = bytes(width)
    image = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 4 0 R "
               b">> >> /Contents 5 0 R >>",
               b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
               b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
               % (width, height, len(image), image),
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def _xxe_doctype(secret_file: Path) -> str:
    return f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret_file}">]>'


def _docx_xxe(path: Path) -> None:
    """A .docx whose body pulls a local file in through an external entity."""
    body = _paragraphs(MINUTES) + "<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>"
    path.write_bytes(_docx(_docx_xml(body, _xxe_doctype(path.with_name("secret.dat")))))


def _html_xxe(path: Path) -> None:
    doctype = _xxe_doctype(path.with_name("secret.dat")).replace("w:document", "html")
    path.write_text(f'<?xml version="1.0"?>{doctype}<html><body><p>Punkt 1: Budget &xxe;</p>'
                    "</body></html>", encoding="utf-8")


def _huge_text(path: Path, size: int = 200 * MB) -> None:
    """Minutes-like lines, streamed to disk: never held in memory."""
    block = (MINUTES * (MB // len(MINUTES.encode()) + 1)).encode()[:MB]
    with path.open("wb") as f:
        for _ in range(size // MB):
            f.write(block)


def _mixed_line_ends(text: str) -> str:
    ends = ["\r\n", "\r", "\n"]
    return "".join(line + ends[i % 3] for i, line in enumerate(text.splitlines()))


def _many_items(n: int = 3000) -> str:
    return "Referat\nByrådet\n\n" + "".join(
        f"Punkt {i}: Sag nummer {i} om budget\nBeslutning\nGodkendt.\n\n" for i in range(1, n + 1))


def _portal_wrong_types() -> bytes:
    """Portal-shaped JSON with every field of the wrong type."""
    return json.dumps({"Id": [], "Udvalg": {"Navn": 5}, "Moede": None, "Dato": {"x": 1},
                       "Dagsordenpunkter": [{"Punktnummer": "x", "Navn": None, "SagsNummer": 7,
                                             "Felter": "oops"}, 12, None]}).encode()


def _portal(number: object = 2, html: str = "<p>Taget til efterretning.</p>", raw: bool = False) -> bytes:
    """A portal publication of the two items in MINUTES; the second has `number` and `html`.
    `raw`: `number` is written into the JSON as it is (digits past what Python reads)."""
    points = [{"Punktnummer": "1", "Navn": TITLES[0], "Felter": [{"Navn": "Beslutning", "Html": "<p>Godkendt.</p>"}]},
              {"Punktnummer": "NUMBER" if raw else number, "Navn": TITLES[1],
               "Felter": [{"Navn": "Beslutning", "Html": html}]}]
    data = json.dumps({"Udvalg": {"Navn": "Økonomiudvalget"}, "Moede": {"Dato": "2019-03-11T16:00:00+01:00"},
                       "Dagsordenpunkter": points}, ensure_ascii=False)
    return data.replace('"NUMBER"', str(number)).encode()


def _html_minutes(charset: str) -> bytes:
    head = f'<html><head><meta charset="{charset}"><title>Referat</title></head><body>'
    return (head + "".join(f"<p>{line}</p>" for line in MINUTES.splitlines() if line) + "</body></html>").encode()


@dataclass(frozen=True)
class BadInput:
    """One hostile file: how to make it and what must come of it.

    `errors`: the codes a clear error may have (empty: the input must be
    processed correctly, with `titles` as its items); `either`: a correct
    result or a clear error are both fine (the input is odd, not broken).
    """

    name: str
    make: Callable[[Path], None]
    errors: frozenset[str] = frozenset()
    either: bool = False
    titles: tuple[str, ...] = ()
    slow: bool = False
    needs_non_root: bool = False

    @property
    def id(self) -> str:
        return self.name.encode("ascii", "backslashreplace").decode().replace("\n", "\\n")


def _bytes(data: bytes | Callable[[], bytes]) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data() if callable(data) else data)


def _symlink(target: str) -> Callable[[Path], None]:
    return lambda path: path.symlink_to(target)


def _directory_with_minutes(path: Path) -> None:
    path.mkdir()
    (path / "inside.txt").write_text(MINUTES, encoding="utf-8")


def _unreadable(path: Path) -> None:
    path.write_text(MINUTES, encoding="utf-8")
    path.chmod(0)


NOT_READABLE = frozenset({"binary", "corrupt", "unsupported_format"})
"""What bytes that are not minutes in any format may be called."""

_rng = random.Random(8)
_RANDOM = _rng.randbytes(64 * 1024)
_SOUP = "".join(_rng.choice(["§", "§§", "1", ".", "1.1.1.1.1", " ", "stk.", "stk. ", ",", "kr.", "mio.",
                             "nr.", "-", "–", "(", ")", "Punkt", ":", "\n", "19/", "§ 1, "])
                for _ in range(300_000))

CORPUS: tuple[BadInput, ...] = (
    BadInput("empty.txt", _bytes(b""), errors=frozenset({"empty"})),
    BadInput("empty.pdf", _bytes(b""), errors=frozenset({"empty"})),
    BadInput("whitespace.txt", _bytes(b" \t\n\r\n" * 1000), errors=frozenset({"empty"})),
    BadInput("random.pdf", _bytes(_RANDOM), errors=NOT_READABLE),
    BadInput("random.docx", _bytes(_RANDOM), errors=NOT_READABLE),
    BadInput("random.html", _bytes(_RANDOM), errors=NOT_READABLE),
    BadInput("random.txt", _bytes(_RANDOM), errors=NOT_READABLE),
    BadInput("elf.txt", _bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(4096)), errors=NOT_READABLE),
    BadInput("gzipped.txt", _bytes(gzip.compress(MINUTES.encode() * 50, mtime=0)), errors=NOT_READABLE),
    BadInput("truncated.pdf", _bytes(lambda: _pdf(LATIN1_MINUTES, pages=3)[:1500]), either=True),
    BadInput("header-only.pdf", _bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), errors=frozenset({"corrupt"})),
    BadInput("encrypted.pdf", _bytes(lambda: _pdf(LATIN1_MINUTES, owner_password="o", user_password="u")),
             errors=frozenset({"encrypted_pdf"})),
    BadInput("owner-password-only.pdf", _bytes(lambda: _pdf(LATIN1_MINUTES, owner_password="o")),
             titles=tuple(LATIN1_TITLES)),
    BadInput("3000-empty-pages.pdf", _bytes(lambda: _pdf(pages=3000)), errors=frozenset({"too_large"})),
    BadInput("1500-empty-pages.pdf", _bytes(lambda: _pdf(pages=1500)),
             errors=frozenset({"no_text_layer"})),
    BadInput("claims-a-billion-pages.pdf",
             _bytes(lambda: _pdf(LATIN1_MINUTES).replace(b"/Count 1\n", b"/Count 999999999\n")),
             either=True),
    BadInput("nested-100k.html", _bytes(("<html><body>" + "<div>" * 100_000 + "Punkt 1: Budget"
                                         + "</div>" * 100_000 + "</body></html>").encode()),
             either=True),
    BadInput("unclosed-100k.html", _bytes(("<html><body>" + "<table><tr><td>" * 30_000 + "x").encode()),
             either=True),
    BadInput("utf16-bom.txt", _bytes(MINUTES.encode("utf-16")), titles=tuple(TITLES)),
    BadInput("utf16be-bom.txt", _bytes(b"\xfe\xff" + MINUTES.encode("utf-16-be")), titles=tuple(TITLES)),
    BadInput("utf8-bom.txt", _bytes(MINUTES.encode("utf-8-sig")), titles=tuple(TITLES)),
    BadInput("cp1252.txt", _bytes(MINUTES.encode("cp1252")), titles=tuple(TITLES)),
    BadInput("mixed-line-ends.txt", _bytes(_mixed_line_ends(MINUTES).encode()), titles=tuple(TITLES)),
    BadInput("control-characters.txt",
             _bytes(MINUTES.replace("Punkt 2: ", "Punkt 2: \x1b[2J\u202e").encode()), either=True),
    BadInput("1mb-line-letters.txt", _bytes((MINUTES + "Æbcdefghij" * (MB // 10) + "\n" + MINUTES).encode()),
             either=True),
    BadInput("1mb-line-digits.txt", _bytes(("1234567890" * (MB // 10)).encode()), either=True),
    BadInput("1mb-line-dots.txt", _bytes(("1." * (MB // 2)).encode()), either=True),
    BadInput("1mb-spaces-then-page.txt", _bytes(("Punkt 1: Budget" + " " * MB + "3\nBeslutning\n"
                                                 "Godkendt.\n").encode()), either=True),
    BadInput("1mb-tabs-line.txt", _bytes(("Deltagere: " + "Jan Jensen,\t" * (MB // 12) + "\n").encode()),
             either=True),
    BadInput("attendance-line-of-21k-names.txt",
             _bytes(("Mødedeltagere " + "Jan Jensen, " * (MB // 48) + "\n" + MINUTES).encode()), either=True),
    BadInput("1mb-spaces-in-attendance-line.txt", _bytes(("Deltagere: Jan Jensen" + " " * MB
                                                          + "x og Lone Hansen\n" + MINUTES).encode()),
             either=True),
    BadInput("1mb-hyphen-chain.txt", _bytes((MINUTES + "Aa-" * (MB // 3) + "\n").encode()), either=True),
    BadInput("1mb-case-number-cues.txt", _bytes((MINUTES + "SAGSNR" * (MB // 6) + "\n").encode()),
             either=True),
    BadInput("dash-lines-ending-4-pages.txt",
             _bytes("\f".join([MINUTES + "- " * (MB // 8)] * 4).encode()), either=True),
    BadInput("5000-form-feeds.txt", _bytes(("Punkt 1: Budget\n\f" * 5000).encode()),
             errors=frozenset({"too_large"})),
    BadInput("paragraph-soup.txt", _bytes(("§§§ 1.1.1.1.1 ... stk. stk. , " * 30_000).encode()), either=True),
    BadInput("regex-soup.txt", _bytes(_SOUP.encode()), either=True),
    BadInput("many-items.txt", _bytes(_many_items().encode()), either=True),
    BadInput("docx-bomb.docx", _docx_bomb, either=True),
    BadInput("zip-not-docx.docx", _bytes(lambda: _zip({"hello.txt": MINUTES.encode()})), errors=NOT_READABLE),
    BadInput("docx-xxe.docx", _docx_xxe, either=True),
    BadInput("html-xxe.html", _html_xxe, either=True),
    BadInput("not-portal.json", _bytes(b'{"hello": "world", "list": [1, 2, 3]}'),
             errors=frozenset({"corrupt", "unsupported_format"})),
    BadInput("broken.json", _bytes(b'{"Dagsordenpunkter": [{"Navn": "Budget", '),
             errors=frozenset({"corrupt"})),
    BadInput("nested-100k.json", _bytes(b"[" * 100_000 + b"]" * 100_000),
             errors=frozenset({"corrupt", "unsupported_format", "too_large"})),
    BadInput("portal-wrong-types.json", _bytes(_portal_wrong_types), either=True),
    BadInput("symlink-loop.txt", _symlink("symlink-loop.txt"), errors=frozenset({"unreadable", "not_found"})),
    BadInput("dangling.pdf", _symlink("does-not-exist.pdf"), errors=frozenset({"not_found", "unreadable"})),
    BadInput("x.pdf", _directory_with_minutes, errors=frozenset({"unreadable"})),
    BadInput("no-permission.txt", _unreadable, errors=frozenset({"unreadable"}), needs_non_root=True),
    BadInput("huge-200mb.txt", _huge_text, errors=frozenset({"too_large"}), slow=True),
    # issue 17: input referat itself produced crashes on
    BadInput("portal-20-digit-item-number.json", _bytes(_portal(12345678901234567890)), titles=tuple(TITLES)),
    BadInput("portal-20-digit-item-number-text.json", _bytes(_portal("12345678901234567890")),
             titles=tuple(TITLES)),
    BadInput("portal-5000-digit-integer.json", _bytes(_portal("9" * 5000, raw=True)), titles=tuple(TITLES)),
    BadInput("portal-lone-surrogate.json",  # "\\udc80" in the JSON: an escape of no character
             _bytes(_portal().replace(b"efterretning.</p>", b"efterretning \\udc80.</p>")), titles=tuple(TITLES)),
    BadInput("portal-whole-html-document.json",
             _bytes(_portal(html="<!DOCTYPE html><html><head><title>Word</title></head><body><p>Taget til "
                                 "efterretning.</p></body></html>")), titles=tuple(TITLES)),
    BadInput("portal-html-without-body.json", _bytes(_portal(html="<html>")), titles=tuple(TITLES)),
    BadInput("charset-punycode.html", _bytes(_html_minutes("punycode")), titles=tuple(TITLES)),
    BadInput("charset-undefined.html", _bytes(_html_minutes("undefined")), titles=tuple(TITLES)),
    BadInput("charset-rot13.html", _bytes(_html_minutes("rot13")), titles=tuple(TITLES)),
    BadInput("good-minutes.txt", _bytes(MINUTES.encode()), titles=tuple(TITLES)),
    BadInput("good-minutes.pdf", _bytes(lambda: _pdf(LATIN1_MINUTES)), titles=tuple(LATIN1_TITLES)),
    BadInput("good-portal.json", _bytes(_portal()), titles=tuple(TITLES)),
    # memory: what a reader unpacks or renders is bounded, special files are never read (issue 17)
    BadInput("docx-main-part-not-xml.docx", _docx_main_part_not_xml, errors=frozenset({"too_large"})),
    BadInput("docx-image-inflating-to-1gb.docx", _docx_with_image(b"", size=1024 * MB),
             errors=frozenset({"too_large"})),
    BadInput("docx-with-a-4mb-photo.docx", _docx_with_image(lambda: _RANDOM * 64), titles=tuple(TITLES)),
    BadInput("pdf-image-of-1.6-gigapixels.pdf", _bytes(lambda: _pdf_with_image(40_000, 40_000)),
             errors=frozenset({"too_large", "ocr_unavailable"})),
    BadInput("symlink-to-dev-zero.txt", _symlink("/dev/zero"), errors=frozenset({"unreadable"})),
    BadInput("symlink-to-dev-urandom.pdf", _symlink("/dev/urandom"), errors=frozenset({"unreadable"})),
)
"""Every hostile input, by the file name it gets."""

HOSTILE_NAMES: tuple[BadInput, ...] = (
    BadInput("name\nwith newline.txt", _bytes(b""), errors=frozenset({"empty"})),
    BadInput(os.fsdecode(b"not-utf8-\xff\xfe.txt"), _bytes(b""), errors=frozenset({"empty"})),
    BadInput("escape-\x1b[2J-clears-the-screen.txt", _bytes(b""), errors=frozenset({"empty"})),
    BadInput("<img src=x onerror=alert(1)>.txt", _bytes(b"\x00" * 100), errors=frozenset({"binary"})),
    BadInput(" --help.txt", _bytes(MINUTES.encode()), titles=tuple(TITLES)),
    # a latin-1 file server: two names that differ only in a byte that is not UTF-8, same content
    BadInput(os.fsdecode(b"m\xf8de.txt"), _bytes(MINUTES.encode()), titles=tuple(TITLES)),
    BadInput(os.fsdecode(b"m\xe6de.txt"), _bytes(MINUTES.encode()), titles=tuple(TITLES)),
)
"""File names an archive may hold that break naive logging and JSON writing."""

KNOWN_BUGS: dict[str, str] = {}
"""Inputs that hang the library today, with why: xfail(strict) until fixed, then delete."""


def _marks(bad: BadInput) -> list:
    marks = [pytest.mark.slow] if bad.slow else []
    if bad.name in KNOWN_BUGS:
        marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[bad.name]))
    return marks


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _linked_folder(path: Path) -> None:
    """A link to a folder outside the tree, with minutes in it: followed, it would add a record."""
    outside = path.parent.with_name(path.parent.name + "-outside")
    outside.mkdir(exist_ok=True)
    (outside / "outside.txt").write_text(MINUTES, encoding="utf-8")
    path.symlink_to(outside)


NOT_FILES: dict[str, tuple[Callable[[Path], None], str]] = {
    "named-pipe.txt": (_fifo, "a named pipe (FIFO), not a regular file; not read"),
    "linked-folder": (_linked_folder, "a symbolic link to a folder; not followed"),
}
"""What a folder may hold that is no file to read: skipped with a reason in a folder
search (a pipe would block the run for ever), never silently."""


UNKNOWN_EXTENSION = BadInput("program.exe", _bytes(b"MZ\x90\x00" + _RANDOM[:1000]),
                             errors=frozenset({"unsupported_format"}))
"""Named explicitly on the command line (a folder search skips unknown extensions)."""


def build(target: Path, inputs: tuple[BadInput, ...] = CORPUS) -> dict[str, Path]:
    target.mkdir(parents=True, exist_ok=True)
    (target / "secret.dat").write_text(SECRET)
    built = {}
    for bad in inputs:
        if bad.needs_non_root and IS_ROOT:
            continue
        bad.make(target / bad.name)
        built[bad.name] = target / bad.name
    return built


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    build(folder)
    # Load the models (the NER model, the lemma and name tables) before any alarm is
    # set: a hang is a document that takes too long, not the first one's start-up.
    warm = tmp_path_factory.mktemp("warm") / "minutes.txt"
    warm.write_text(MINUTES, encoding="utf-8")
    referat.process(warm)
    return folder


# --- through the library ----------------------------------------------------


class Hang(BaseException):
    """Raised by the alarm: a BaseException, so no `except Exception` can swallow it."""


def _alarm(signum, frame):
    raise Hang


def process_in_time(path: Path, seconds: float = LIBRARY_HANG_S) -> Document:
    """`referat.process(path)`, failing the test if it takes longer than `seconds`."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return referat.process(path)
    except Hang:
        pytest.fail(f"{path.name!r}: no result after {seconds} s (a hang)")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_outcome(bad: BadInput, doc: Document) -> None:
    """What must come of one input, whichever way it ran."""
    codes = [p.code for p in doc.errors]
    assert "internal" not in codes, f"{bad.id}: a crash the batch contained: {doc.errors}"
    if bad.errors:
        assert not doc.ok, f"{bad.id}: expected an error {sorted(bad.errors)}, got a result"
        assert set(codes) <= bad.errors, f"{bad.id}: expected {sorted(bad.errors)}, got {doc.errors}"
    elif not bad.either:
        assert doc.ok, f"{bad.id}: expected a result, got {doc.errors}"
        assert [i.title for i in doc.items] == list(bad.titles)
    if not doc.ok:
        assert all(p.message.strip() and "\n" not in p.message for p in doc.errors)
    assert_valid_document(doc)
    assert SECRET not in json.dumps(doc.to_dict(), ensure_ascii=False), f"{bad.id}: external entity resolved"


@pytest.mark.parametrize("bad", [pytest.param(b, id=b.id, marks=_marks(b)) for b in CORPUS])
def test_library_handles_bad_input(corpus, bad):
    if bad.needs_non_root and IS_ROOT:
        pytest.skip("runs as root: root reads a file without read permission anyway")
    doc = process_in_time(corpus / bad.name)
    check_outcome(bad, doc)
    assert doc.source == str(corpus / bad.name)


@pytest.mark.parametrize("bad", [pytest.param(b, id=b.id) for b in HOSTILE_NAMES])
def test_library_handles_hostile_file_names(tmp_path, bad):
    path = build(tmp_path, (bad,))[bad.name]
    doc = process_in_time(path)
    check_outcome(bad, doc)
    assert doc.source == shown_as(path)


def shown_as(path: Path) -> str:
    """How a record names a file: as is, or with U+FFFD for bytes that are not UTF-8."""
    return os.fsencode(path).decode("utf-8", "replace")


def test_unknown_extension_is_an_error(tmp_path):
    """The library sniffs content; an executable is not minutes, whatever it is named."""
    path = build(tmp_path, (UNKNOWN_EXTENSION,))[UNKNOWN_EXTENSION.name]
    doc = process_in_time(path)
    assert not doc.ok and {p.code for p in doc.errors} <= {"unsupported_format", "binary", "corrupt"}


def test_larger_than_the_limit_is_refused_without_reading_it(tmp_path):
    """A file over `max_bytes` is refused by its size: read(2) does not see its bytes."""
    io_stats = Path("/proc/self/io")
    if not io_stats.exists():
        pytest.skip("needs /proc/self/io (Linux) to count bytes read")
    path = tmp_path / "sparse.txt"
    with path.open("wb") as f:
        f.truncate(2 * 1024 * MB)  # 2 GiB, sparse: no disk used

    def bytes_read() -> int:
        return int(dict(line.split(": ") for line in io_stats.read_text().splitlines())["rchar"])

    pipeline = Pipeline(Options(max_bytes=10 * MB, annotate=False, classify=False))
    before = bytes_read()
    doc = pipeline.process(path)
    read = bytes_read() - before
    assert [p.code for p in doc.errors] == ["too_large"]
    assert read < 10 * MB, f"read {read / MB:.0f} MiB of a file refused for its size"


def test_review_page_escapes_hostile_text(tmp_path):
    """Document text is untrusted: the review page shows it, never runs it."""
    from referat.review import render

    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>"\'& {{script}}'
    path = tmp_path / "<b>evil<\\b>.txt"
    path.write_text(MINUTES.replace("Godkendelse af dagsorden", payload).replace(
        "Jan Jensen", "<svg onload=alert(2)>"), encoding="utf-8")
    doc = referat.process(path)
    assert payload in [i.title for i in doc.items]
    page = render([doc])
    for raw in ('<script>alert("x")', "<img src=x", "<svg onload", "<b>evil"):
        assert raw not in page, f"unescaped {raw!r} in the review page"
    assert "\\u003cscript\\u003e" in page  # inside the JSON data block, which the page shows as text
    assert page.count("<script") == 3, "a placeholder in the document text was filled in"  # 2 data, 1 code


@pytest.mark.parametrize("control", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
                                     "\u2066", "\u2067", "\u2068", "\u2069"])
def test_review_page_shows_bidi_controls_instead_of_applying_them(tmp_path, control):
    """A right-to-left override in a title or a file name would make the page show
    something other than what the text says: it is shown as a token, never applied."""
    from referat.review import render

    path = tmp_path / f"budget{control}fdp.txt"
    path.write_text(MINUTES.replace("Godkendelse af dagsorden", f"Godkendelse {control}af dagsorden"),
                    encoding="utf-8")
    doc = referat.process(path)
    assert f"Godkendelse {control}af dagsorden" in [i.title for i in doc.items]  # the record keeps the text
    page = render([doc])
    assert control not in page  # escaped in the data blocks; the page's script shows it as a token
    assert f"\\u{ord(control):04x}" in page  # (tests/test_review_browser.py: what the reader sees)


@pytest.mark.parametrize("command", [
    ["review", "{records}", "-o", "{folder}/review.html"],
    ["export", "{records}", "--format", "prodigy", "-o", "{folder}/tasks.jsonl"],
    ["export", "{folder}/missing.jsonl", "--format", "doccano", "-o", "{folder}/tasks2.jsonl"],
    ["import", "{folder}/missing.jsonl", "--format", "prodigy", "-o", "{folder}/gold.jsonl"],
    ["evaluate", "{folder}/missing.jsonl", "{records}"],
], ids=["review", "export", "export-error", "import-error", "evaluate-error"])
def test_commands_print_hostile_file_names_escaped(tmp_path, command):
    """A name with a terminal escape reaches stderr as `\\x1b`, in results and in errors alike."""
    from typer.testing import CliRunner

    from referat.cli import app

    folder = tmp_path / "esc-\x1b]0;owned\x07-\x1b[2J"
    folder.mkdir()
    records = folder / "records.jsonl"
    records.write_text(json.dumps(referat.process(_write(folder / "m.txt", MINUTES)).to_dict()) + "\n",
                       encoding="utf-8")
    args = [part.format(records=records, folder=folder) for part in command]
    result = CliRunner().invoke(app, args)
    said = result.stdout + (result.stderr if result.stderr_bytes is not None else "")
    assert "\x1b" not in said and "\x07" not in said, said
    assert "esc-\\x1b" in said, said


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- one batch through the command line ---------------------------------------


def _run_cli(args: list[str], timeout: float) -> tuple[subprocess.CompletedProcess, int]:
    """Run `referat` in a wrapper that reports its peak RSS (KiB) on its own last line."""
    wrapper = ("import resource, subprocess, sys\n"
               "r = subprocess.run(sys.argv[1:], capture_output=True, timeout=%d)\n"
               "sys.stdout.buffer.write(r.stdout); sys.stderr.buffer.write(r.stderr)\n"
               "print('\\nMAXRSS', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
               "sys.exit(r.returncode)\n") % timeout
    env = os.environ | {"PYTHONWARNINGS": "ignore"}
    proc = subprocess.run([sys.executable, "-c", wrapper, str(REFERAT_CLI), *args],
                          capture_output=True, timeout=timeout + 30, env=env)
    head, _, tail = proc.stdout.rpartition(b"\nMAXRSS ")
    return subprocess.CompletedProcess(proc.args, proc.returncode, head, proc.stderr), int(tail)


@pytest.fixture(scope="module")
def baseline_rss(tmp_path_factory) -> int:
    """Peak RSS of the CLI on one small good file: models and imports, no input to speak of."""
    folder = tmp_path_factory.mktemp("good")
    (folder / "good.txt").write_text(MINUTES, encoding="utf-8")
    proc, rss = _run_cli(["process", str(folder), "-o", str(folder / "out.jsonl")], timeout=300)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return rss


@dataclass
class BatchRun:
    proc: subprocess.CompletedProcess
    stderr: str
    records: dict[str, list[dict]]  # source -> its records
    rss_kib: int
    seconds: float


def run_batch(inputs: list[Path], out: Path) -> BatchRun:
    start = time.perf_counter()
    proc, rss = _run_cli(["process", *map(str, inputs), "-o", str(out), "--timeout", str(CLI_TIMEOUT_S),
                          "--workers", "2", "--max-memory", str(MAX_MEMORY_MIB)], timeout=900)
    seconds = time.perf_counter() - start
    stderr = proc.stderr.decode("utf-8", errors="replace")
    records: dict[str, list[dict]] = {}
    if out.exists():
        for line in out.read_bytes().splitlines():
            record = json.loads(line)  # keyed on the exact path: two names may print alike
            records.setdefault(record.get("source_path") or record["source"], []).append(record)
    return BatchRun(proc, stderr, records, rss, seconds)


def check_batch(run: BatchRun, expected: dict[str, BadInput]) -> tuple[list[str], list[str]]:
    """Exit 1, no traceback, one record per input, one stderr line per failure.

    Returns the failures, and those of them stopped by the time limit."""
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert run.proc.returncode == 1, f"exit status {run.proc.returncode}; stderr:\n{run.stderr[-3000:]}"
    doubled = {s: len(r) for s, r in run.records.items() if len(r) > 1}
    assert not doubled, f"more than one record for {doubled}"
    lost = sorted(set(expected) - set(run.records))
    assert not lost, f"inputs without a record: {lost}"
    assert not set(run.records) - set(expected), f"records for no input: {set(run.records) - set(expected)}"
    failing, timed_out = [], []
    for source, (record,) in run.records.items():
        doc, bad = Document.from_dict(record), expected[source]
        if [p.code for p in doc.errors] == ["timeout"] and bad.either:
            failing.append(source)  # the per-document limit did its job (the library test says why)
            timed_out.append(Path(source).name)
            continue
        check_outcome(bad, doc)
        if record["status"] == "error":
            failing.append(source)
    error_lines = [line for line in run.stderr.splitlines() if line.startswith("referat: error:")]
    stray = [line for line in run.stderr.splitlines() if not line.startswith("referat: ")]
    assert not stray, f"stderr lines that are not referat's own: {stray}"
    assert len(error_lines) == len(failing), f"{len(failing)} failing files, stderr:\n{run.stderr}"
    for source in failing:
        shown = shown_as(Path(os.fsdecode(path_bytes(source)))).rsplit("/", 1)[-1][:4]
        assert any(shown in line for line in error_lines), f"no error line names {source!r}"
    return failing, timed_out


@pytest.mark.slow
def test_cli_batch_over_the_whole_corpus(corpus, baseline_rss, tmp_path):
    exe = build(tmp_path / "explicit", (UNKNOWN_EXTENSION,))[UNKNOWN_EXTENSION.name]
    for name, (make, _) in NOT_FILES.items():
        if not os.path.lexists(corpus / name):
            make(corpus / name)
    run = run_batch([corpus, exe], tmp_path / "out.jsonl")
    expected = {str(corpus / b.name): b for b in CORPUS if not (b.needs_non_root and IS_ROOT)}
    del expected[str(corpus / "x.pdf")]  # a folder is searched, not read: the file in it is the input
    expected[str(corpus / "x.pdf" / "inside.txt")] = BadInput("inside.txt", _directory_with_minutes,
                                                             titles=tuple(TITLES))
    expected[str(exe)] = UNKNOWN_EXTENSION
    # a link to a device is read by no one: named on its own it gets an error record
    # (test_library_handles_bad_input); found in a folder it is skipped with its reason
    devices = [name for name in expected if os.path.islink(name) and not os.path.isfile(name)
               and os.path.exists(name)]
    for name in devices:
        del expected[name]
    failing, timed_out = check_batch(run, expected)
    for name, (_, why) in NOT_FILES.items():
        assert f"referat: warning: {corpus / name}: skipped: {why}" in run.stderr.splitlines()
    for name in devices:
        assert any(line.startswith(f"referat: warning: {name}: skipped: ") for line in run.stderr.splitlines())
    assert run.stderr.splitlines()[-1].endswith(f", {len(NOT_FILES) + len(devices)} skipped (not files)")
    check_consumers(tmp_path / "out.jsonl", tmp_path)

    growth_mib = (run.rss_kib - baseline_rss) / 1024
    print(f"\nhostile batch: {len(expected)} inputs, {len(failing)} error records "
          f"({len(timed_out)} stopped by the {CLI_TIMEOUT_S} s limit: {', '.join(timed_out) or 'none'}), "
          f"{len(expected) - len(failing)} results, {run.seconds:.1f} s, peak RSS {run.rss_kib / 1024:.0f} MiB "
          f"(+{growth_mib:.0f} MiB over one good file)")
    assert growth_mib < 500, f"peak RSS grew by {growth_mib:.0f} MiB over the baseline"
    assert run.rss_kib / 1024 < MAX_MEMORY_MIB, "a worker's peak RSS is over its ceiling"


@pytest.mark.slow
def test_cli_batch_with_hostile_file_names(tmp_path):
    """Names that are not UTF-8 or hold a newline or an escape: still one record and one line each."""
    folder = tmp_path / "names"
    built = build(folder, HOSTILE_NAMES)
    run = run_batch([folder], tmp_path / "out.jsonl")
    check_batch(run, {exact_path(built[bad.name]): bad for bad in HOSTILE_NAMES})
    assert "\x1b" not in run.stderr, "a file name put a terminal escape into stderr"


def check_consumers(records: Path, tmp_path: Path) -> None:
    """`index`, `review` and every export take the batch's output: exit 0, no traceback
    (error records are skipped and listed; no line is a bad record)."""
    from typer.testing import CliRunner

    from referat.cli import app
    from referat.export import EXPORTERS

    commands = [["index", records, "--db", tmp_path / "archive.sqlite", "--no-datasette"],
                ["review", records, "-o", tmp_path / "review.html"]]
    commands += [["export", records, "--format", fmt, "-o", tmp_path / f"export-{fmt}"] for fmt in EXPORTERS]
    for args in commands:
        result = CliRunner().invoke(app, [str(a) for a in args])
        assert result.exit_code == 0 and "Traceback" not in result.output, f"{args[0]} {args[-1]}: {result.output}"


def test_corpus_size():
    """The issue asks how many bad inputs were tried; this is the number."""
    tried = len(CORPUS) + len(HOSTILE_NAMES) + len(NOT_FILES) + 1
    print(f"\n{tried} hostile inputs: {len(CORPUS)} contents, {len(HOSTILE_NAMES)} file names, "
          f"{len(NOT_FILES)} folder entries that are no files, 1 named on the command line")
    assert tried >= 50
