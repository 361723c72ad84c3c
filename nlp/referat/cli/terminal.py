"""What reaches the terminal: file names and text made safe to print on one line."""

from __future__ import annotations

from referat.pipeline import printable_path


def shown(path: str) -> str:
    """A path as one terminal line: control characters (a newline or an escape
    sequence in a file name) escaped, undecodable bytes replaced."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in printable_path(path))
