"""The `referat` command line: options in, one library call, progress and errors out.

Each verb group lives in its own module and registers itself on `app`; no
pipeline logic lives here.
"""

from __future__ import annotations

import importlib
import logging

import typer

from referat import __version__

app = typer.Typer(
    name="referat",
    help="Danish municipal minutes and agendas as data: segment, tag, classify, export.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"referat {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
    verbose: int = typer.Option(0, "--verbose", "-v", count=True,
                                help="More log output on stderr (-v info, -vv debug)."),
) -> None:
    """referat turns minutes (referater) and agendas (dagsordener) into JSONL."""
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    from referat.terminal import log_to_stderr

    log_to_stderr(level)


# Verb modules register their commands on `app` when imported.
for _module in ("process", "evaluate", "train", "export", "archive", "votes"):
    importlib.import_module(f"referat.cli.{_module}")
