"""What reaches the terminal: file names and text made safe to print on one line."""

from __future__ import annotations

import logging
from typing import NoReturn

import typer

from referat.pipeline import printable_path

LOG_FORMAT = "referat: %(levelname)s: %(message)s"


def shown(path: str) -> str:
    """A path as one terminal line: control characters (a newline or an escape
    sequence in a file name) escaped, undecodable bytes replaced."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in printable_path(path))


USAGE_ERROR = 2
"""Exit status when nothing was done: bad options, a missing or unreadable input, a refused output."""
SOME_FAILED = 1
"""Exit status when the command ran but some documents or records failed (each one reported)."""


def fail(err: Exception, command: str = "referat") -> NoReturn:
    """One error line on stderr and the exit status the error calls for: a
    `ReferatError` (missing or unreadable input, refused output, bad option)
    is a usage error; an `OSError` while writing means the work failed."""
    from referat.errors import ReferatError

    message = str(err) if isinstance(err, ReferatError) else \
        f"{shown(str(getattr(err, 'filename', '') or ''))}: {getattr(err, 'strerror', None) or err}"
    typer.echo(f"{command}: error: {shown(message)}", err=True)
    raise typer.Exit(USAGE_ERROR if isinstance(err, ReferatError) else SOME_FAILED)


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
