"""`referat export | import | review`: referat's JSONL out to the tools people
annotate, train and review with, and corrections back in (the archive's
`index` and `search` are in `cli/archive.py`)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from referat.cli import app
from referat.cli.terminal import shown
from referat.errors import ReferatError
from referat.export import EXPORTERS, IMPORTERS

ExportFormat = Enum("ExportFormat", {name: name for name in EXPORTERS}, type=str)
ImportFormat = Enum("ImportFormat", {name: name for name in IMPORTERS}, type=str)

_RECORDS = typer.Argument(..., metavar="IN.jsonl", show_default=False,
                          help="Records from `referat process` (error records are skipped).")


def _fail(err: ReferatError | OSError) -> None:
    typer.echo(f"referat: error: {shown(str(err))}", err=True)
    raise typer.Exit(1)


def _note_skipped(skipped: list[str]) -> None:
    if skipped:
        listed = "; ".join(map(shown, skipped[:5])) + (f"; and {len(skipped) - 5} more" if len(skipped) > 5 else "")
        typer.echo(f"referat: skipped {len(skipped)} error records: {listed}", err=True)


@app.command()
def export(
    records: Path = _RECORDS,
    fmt: ExportFormat = typer.Option(..., "--format", "-f", show_default=False, help="Target format."),
    output: Path = typer.Option(..., "--output", "-o", metavar="OUT", show_default=False,
                                help="File (spacy, prodigy, doccano, labelstudio) or folder (hf, parquet)."),
) -> None:
    """Export records for annotation or training: spaCy DocBin, Prodigy, doccano,
    Label Studio, a Hugging Face DatasetDict, or Parquet tables.

    Example: referat export minutes.jsonl --format prodigy -o tasks.jsonl
    """
    from referat.export import export as run_export

    try:
        summary = run_export(records, fmt.value, output)
    except (ReferatError, OSError) as err:
        _fail(err)
    _note_skipped(summary.skipped)
    split = (f"; {summary.split_tokens} tokens split so that every span falls on token boundaries"
             if summary.split_tokens else "")
    typer.echo(f"referat: {summary.documents} documents, {summary.units} units, {summary.spans} spans "
               f"-> {shown(str(output))} ({fmt.value}){split}", err=True)


@app.command("import")
def import_(
    path: Path = typer.Argument(..., metavar="FILE", show_default=False,
                                help="What the annotation tool exported (Prodigy db-out JSONL, doccano "
                                     "JSONL, Label Studio JSON)."),
    fmt: ImportFormat = typer.Option(..., "--format", "-f", show_default=False, help="Format of FILE."),
    output: Path = typer.Option(..., "--output", "-o", metavar="GOLD.jsonl", show_default=False,
                                help="Gold records (referat's document JSONL) for train and evaluate."),
    reviewed_only: bool = typer.Option(False, "--reviewed-only",
                                       help="Leave out tasks no person answered (Prodigy tasks without "
                                            "an answer, Label Studio tasks with predictions only)."),
) -> None:
    """Import corrected annotations as gold records.

    The tasks must be those `referat export` wrote (their `referat` metadata
    says which document and item each one is).

    Example: referat import corrected.jsonl --format prodigy -o gold.jsonl
    """
    from referat.export import import_annotations
    from referat.export.jsonl import write_jsonl

    try:
        docs = list(import_annotations(path, fmt.value, reviewed_only=reviewed_only))
        write_jsonl(docs, output)
    except (ReferatError, OSError) as err:
        _fail(err)
    items = sum(len(d.items) for d in docs)
    spans = sum(len(d.all_entities()) for d in docs)
    typer.echo(f"referat: {len(docs)} documents, {items} items, {spans} spans -> {shown(str(output))}", err=True)


@app.command()
def review(
    records: Path = _RECORDS,
    output: Path = typer.Option(..., "--output", "-o", metavar="review.html", show_default=False,
                                help="The page to write: one self-contained HTML file."),
) -> None:
    """Write one static HTML page to look over what referat found: items with
    type and score, highlighted entities, filters by type and label.

    Example: referat review minutes.jsonl -o review.html
    """
    from referat.review import write_review

    try:
        summary = write_review(records, output)
    except (ReferatError, OSError) as err:
        _fail(err)
    _note_skipped(summary.skipped)
    typer.echo(f"referat: {summary.documents} documents, {summary.items} items, "
               f"{summary.entities} entities -> {shown(str(output))}", err=True)
