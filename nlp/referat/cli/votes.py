"""`referat votes`: outcomes per body, positions per party, each member's votes against attendance."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from referat.cli import app
from referat.terminal import shown
from referat.errors import ReferatError


class TableFormat(str, Enum):
    csv = "csv"
    parquet = "parquet"


@app.command(epilog="Exit status: 0 done, 1 the records could not be read, 2 a refused output.")
def votes(
    records: Path = typer.Argument(..., metavar="IN.jsonl", show_default=False,
                                   help="Records from `referat process` (error records are skipped)."),
    output: Path = typer.Option(None, "--output", "-o", metavar="DIR", show_default=False,
                                help="Also write every table into this folder: outcomes, parties, "
                                     "party_outcomes, members, votes (one row per item x party or member "
                                     "x position) and attendance (one row per item x member)."),
    fmt: TableFormat = typer.Option(TableFormat.csv, "--format", "-f",
                                    help="File format of the tables written with --output."),
    force: bool = typer.Option(False, "--force", help="Replace an existing output folder."),
    limit: int = typer.Option(40, "--limit", min=1, help="Rows shown per printed table."),
) -> None:
    """Count decisions and votes: outcomes per body, for/imod/undlod per party, and per
    member the items they attended and the positions they took there.

    Load the tables with pandas: pd.read_csv("DIR/members.csv") or pd.read_parquet("DIR/votes.parquet").

    Example: referat votes minutes.jsonl -o votes/ --format parquet
    """
    from referat.decide.tally import format_table, tally_records, write_tables
    from referat.outputs import atomic_dir, check_target

    try:
        if output is not None:
            check_target(output, inputs=[records], force=force, directory=True)
        found = tally_records(records)
        if output is not None:
            with atomic_dir(output) as tmp:
                write_tables(found, tmp, fmt.value)
    except ReferatError as err:
        typer.echo(f"referat votes: error: {err}", err=True)
        raise typer.Exit(2 if getattr(err, "code", "") == "output_refused" else 1) from None
    except OSError as err:
        typer.echo(f"referat votes: error: {shown(str(err.filename or output))}: {err.strerror or err}",
                   err=True)
        raise typer.Exit(1) from None
    if found.skipped:
        typer.echo(f"referat votes: skipped {len(found.skipped)} error records", err=True)
    for title, rows in (("Outcomes per body", found.outcomes()), ("Positions per party (items)", found.parties()),
                        ("Members: items with a decision, attended, positions", found.members())):
        typer.echo(f"{title}\n{format_table(rows, limit)}\n")
    for problem in found.failed:
        typer.echo(f"referat votes: error: {shown(str(records))}: {problem}", err=True)
    decided = len(found.decisions)
    typer.echo(f"referat: {found.documents} documents, {decided} decisions, "
               f"{len({(r['doc_id'], r['item']) for r in found.votes})} with votes"
               + (f" -> {shown(str(output))} ({fmt.value})" if output is not None else ""), err=True)
    if found.failed:
        raise typer.Exit(1)
