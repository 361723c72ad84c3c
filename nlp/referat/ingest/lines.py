"""Build a text line by line, remembering where headings went.

The structured readers (HTML, portal JSON, docx) all render blocks as lines:
a paragraph, a heading, a list item or a table row is one line, because
segmentation reads minutes line by line. `LineWriter` is that rendering; the
offsets it hands out point into the text it returns.
"""

from __future__ import annotations

from dataclasses import dataclass

CELL = "\x1f"
"""Placed between the cells of a table row; becomes one tab in the line."""



@dataclass(frozen=True)
class Heading:
    """A heading line: its text and `[start, end)` in the written text."""

    text: str
    start: int
    end: int


def clean_line(text: str) -> str:
    """Whitespace collapsed to single spaces, cells joined by one tab, empty cells dropped.

    One pass of `str.split` per cell (which splits at every whitespace run, as
    `\\s+` does), not a regular-expression substitution per rule.
    """
    if CELL not in text:
        return " ".join(text.split())
    return "\t".join(cell for cell in (" ".join(part.split()) for part in text.split(CELL)) if cell)


class LineWriter:
    """Collects inline pieces into lines; blank lines are never written."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._inline: list[str] = []
        self._heading_start: int | None = None
        self.pos = 0
        self.headings: list[Heading] = []

    def add(self, text: str | None) -> None:
        """Inline text: joins the line being built."""
        if text:
            self._inline.append(text)

    def flush(self) -> None:
        """End the line being built (a block boundary)."""
        if self._inline:
            self._emit(clean_line("".join(self._inline)))
            self._inline.clear()

    def line(self, text: str, *, verbatim: bool = False) -> None:
        """A whole line of its own; `verbatim` keeps inner spacing as given."""
        self.flush()
        if verbatim:
            self._emit(" ".join(text.splitlines()).strip())
        else:
            self.add(text)
            self.flush()

    def _emit(self, line: str) -> None:
        if line:
            self._parts.append(line + "\n")
            self.pos += len(line) + 1

    def begin_heading(self) -> None:
        self.flush()
        self._heading_start = self.pos

    def end_heading(self) -> None:
        self.flush()
        start, self._heading_start = self._heading_start, None
        if start is not None and self.pos > start:
            text = self._tail(self.pos - start)[:-1].replace("\n", " ")
            self.headings.append(Heading(text, start, self.pos - 1))

    def heading(self, text: str) -> None:
        self.begin_heading()
        self.add(text)
        self.end_heading()

    def _tail(self, n: int) -> str:
        """The last `n` characters written."""
        out: list[str] = []
        need = n
        for part in reversed(self._parts):
            out.append(part[-need:] if len(part) > need else part)
            need -= len(out[-1])
            if need <= 0:
                break
        return "".join(reversed(out))

    def text(self) -> str:
        self.flush()
        return "".join(self._parts)
