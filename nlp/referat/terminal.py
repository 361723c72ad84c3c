"""What reaches the terminal: file names and text made safe to print on one line,
and referat's log lines on stderr (the command line's and its workers')."""

from __future__ import annotations

import logging

from referat.pipeline import printable_path

LOG_FORMAT = "referat: %(levelname)s: %(message)s"


def shown(path: str) -> str:
    """A path as one terminal line: control characters (a newline or an escape
    sequence in a file name) escaped, undecodable bytes replaced."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in printable_path(path))


class ShownFormatter(logging.Formatter):
    """Log lines through `shown`: a file name or a document's text in a warning
    cannot act on the terminal (a traceback, with -vv, keeps its lines)."""

    def __init__(self) -> None:
        super().__init__(LOG_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        return shown(super().formatMessage(record))


def log_to_stderr(level: int) -> None:
    """referat's log lines on stderr, escaped (the command line and its workers)."""
    handler = logging.StreamHandler()
    handler.setFormatter(ShownFormatter())
    logging.basicConfig(level=level, handlers=[handler])
