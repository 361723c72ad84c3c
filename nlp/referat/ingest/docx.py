"""Word documents (.docx): paragraphs and tables in document order.

The body XML is walked in order, so a table stays where it stood between
paragraphs; content controls (`w:sdt`, often a table of contents) are
entered. Headings ("Heading n", "Overskrift n", "Title") are lines of their
own. A table row whose cells hold one paragraph each reads as one line,
cells separated by a tab; rows with longer cells are written cell by cell,
paragraph by paragraph, as in HTML. Running page headers and footers are
left out: they are not part of the minutes' text.
"""

from __future__ import annotations

import io
import zipfile

import lxml.etree
from docx import Document as open_docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from referat.errors import InputError, LimitExceeded
from referat.ingest.lines import CELL, LineWriter

_HEADING_STYLES = ("heading", "overskrift", "title", "titel")
_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")


MAX_UNPACKED = 64 * 2**20
"""Bytes the package's compressible parts may inflate to: whatever their names, the
main part among them (its name is free), so a zip bomb is refused before it is parsed."""

MAX_MEMBER_RATIO = 1.25
"""A part whose unpacked size is at most this times its packed size (an image, or a
part stored uncompressed) costs what the file itself costs, already bounded by
`--max-mb`; every other part counts towards `MAX_UNPACKED`."""


def read_docx(data: bytes, *, path: str, max_pages: int) -> tuple[list[str], None, None]:
    """One page: the document body as lines."""
    try:
        _check_unpacked_size(zipfile.ZipFile(io.BytesIO(data)), path)
        document = open_docx(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError,
            lxml.etree.XMLSyntaxError) as err:
        raise InputError(f"broken Word document ({err})", path=path, code="corrupt") from err
    writer = LineWriter()
    _write_blocks(writer, document.element.body, document)
    return [writer.text()], None, None


def _check_unpacked_size(package: zipfile.ZipFile, path: str) -> None:
    """Refuse a package whose parts inflate past `MAX_UNPACKED`, judged from the sizes
    the zip directory declares: zipfile never unpacks a stored or deflated part
    past its declared size."""
    odd = [info.filename for info in package.infolist()
           if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)]
    if odd:  # Word writes neither; bzip2 and lzma would unpack a whole block at a time
        raise InputError(f"broken Word document (part {odd[0]!r} is compressed with a method Word "
                         "does not use)", path=path, code="corrupt")
    inflating = sum(info.file_size for info in package.infolist()
                    if info.file_size > MAX_MEMBER_RATIO * info.compress_size)
    if inflating > MAX_UNPACKED:
        raise LimitExceeded(f"what it holds unpacks to {inflating / 2**20:,.0f} MiB, more than the limit "
                            f"of {MAX_UNPACKED / 2**20:,.0f} MiB", path=path, code="too_large")


def _blocks(parent):
    """Paragraph and table elements in order, looking inside content controls."""
    for child in parent.iterchildren():
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _blocks(content)


def _write_blocks(writer: LineWriter, element, owner) -> None:
    """The blocks under `element`; `owner` (document or cell) resolves styles."""
    for block in _blocks(element):
        if block.tag == _P:
            _write_paragraph(writer, Paragraph(block, owner))
        else:
            _write_table(writer, Table(block, owner))


def _write_paragraph(writer: LineWriter, paragraph: Paragraph) -> None:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style.lower().startswith(_HEADING_STYLES):
        writer.heading(paragraph.text)
    else:
        for line in paragraph.text.splitlines():  # w:br line breaks
            writer.line(line)


def _write_table(writer: LineWriter, table: Table) -> None:
    for row in table.rows:
        cells = []
        for cell in row.cells:  # a merged cell comes back once per grid column
            if not cells or cell._tc is not cells[-1]._tc:
                cells.append(cell)
        blockwise = any(cell.tables or sum(1 for p in cell.paragraphs if p.text.strip()) > 1
                        for cell in cells)
        if blockwise:
            for cell in cells:
                _write_blocks(writer, cell._tc, cell)
        else:
            writer.line(CELL.join(" ".join(p.text for p in cell.paragraphs) for cell in cells))
