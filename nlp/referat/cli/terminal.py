"""How a command ends: exit statuses and the one error line (text made safe to
print by `referat.terminal.shown`)."""

from __future__ import annotations

from typing import NoReturn

import typer

from referat.terminal import shown

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
