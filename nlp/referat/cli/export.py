"""`referat export | import | review`: referat's JSONL out to the tools people
annotate, train and review with, and corrections back in (the archive's
`index` and `search` are in `cli/archive.py`)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from referat.cli import app
from referat.cli.progress import progress, track
from referat.cli.terminal import SOME_FAILED, fail
from referat.terminal import shown
from referat.errors import ReferatError
from referat.export import EXPORTERS, IMPORTERS
from referat.outputs import check_target

ExportFormat = Enum("ExportFormat", {name: name for name in EXPORTERS}, type=str)
ImportFormat = Enum("ImportFormat", {name: name for name in IMPORTERS}, type=str)

_RECORDS = typer.Argument(..., metavar="IN.jsonl", show_default=False,
                          help="Records from `referat process` (error records are skipped).")
_FORCE = typer.Option(False, "--force", help="Replace outputs that exist.")
_EPILOG = ("Exit status: 0 done, 1 done but some records could not be read (each is reported), "
           "2 nothing done: bad options, a missing or unreadable input, or an output that exists "
           "(use --force).")


def _note_skipped(skipped: list[str]) -> None:
    if skipped:
        listed = "; ".join(skipped[:5]) + (f"; and {len(skipped) - 5} more" if len(skipped) > 5 else "")
        _err(f"referat: skipped {len(skipped)} error records: {shown(listed)}")


def _note_failed(failed: list[str], path: Path) -> None:
    for problem in failed[:20]:
        _err(f"referat: error: {shown(str(path))}: {shown(problem)}")
    if len(failed) > 20:
        _err(f"referat: error: {shown(str(path))}: and {len(failed) - 20} more")


def _err(line: str) -> None:
    typer.echo(line, err=True)


def _split(value: str) -> tuple[float, float, float]:
    try:
        shares = tuple(float(x) for x in value.replace(",", "/").split("/"))
    except ValueError:
        raise typer.BadParameter(f"{value!r}: three numbers, train/validation/test, such as 80/10/10")
    if len(shares) != 3 or any(s < 0 for s in shares) or not sum(shares) > 0:
        raise typer.BadParameter(f"{value!r}: three non-negative numbers, train/validation/test")
    return shares  # type: ignore[return-value]


@app.command(epilog=_EPILOG)
def export(
    records: Path = _RECORDS,
    fmt: ExportFormat = typer.Option(..., "--format", "-f", show_default=False, help="Target format."),
    output: Path = typer.Option(..., "--output", "-o", metavar="OUT", show_default=False,
                                help="File (prodigy, doccano, labelstudio; each writes a second file "
                                     "beside it) or folder (spacy, hf, parquet)."),
    force: bool = _FORCE,
    split: str = typer.Option("80/10/10", "--split", metavar="TRAIN/VALIDATION/TEST",
                              help="spacy, hf: shares of documents per split (a document is never "
                                   "in two splits)."),
    seed: int = typer.Option(0, "--seed", help="spacy, hf: which documents land in which split."),
    max_length: int = typer.Option(None, "--max-length", min=8, metavar="N", show_default=False,
                                   help="hf: at most N tokens per token-classification row (default "
                                        "256 words, or the tokenizer's model length)."),
    tokenizer: Path = typer.Option(None, "--tokenizer", metavar="DIR", exists=True, file_okay=False,
                                   show_default=False,
                                   help="hf: a local Hugging Face tokenizer; rows are counted in its "
                                        "pieces, special tokens included."),
) -> None:
    """Export records for annotation or training: spaCy corpora, Prodigy,
    doccano, Label Studio, Hugging Face DatasetDicts, or Parquet tables.

    Example: referat export minutes.jsonl --format hf -o dataset/
    """
    from referat.export import ExportOptions, Records, export as run_export

    try:
        options = ExportOptions(split=_split(split), seed=seed, max_length=max_length,
                                tokenizer=str(tokenizer) if tokenizer else None)
        total = Records(records).count()
        with progress(f"export {fmt.value}", total=total) as bar:
            summary = run_export(records, fmt.value, output, options=options, force=force,
                                 on_record=bar.advance)
    except (ReferatError, OSError) as err:
        fail(err)
    _note_skipped(summary.skipped)
    _note_failed(summary.failed, records)
    split_note = (f"; {summary.split_tokens} tokens split so that every span falls on token boundaries"
                  if summary.split_tokens else "")
    _err(f"referat: {summary.documents} documents, {summary.units} units, {summary.spans} spans "
         f"-> {shown(str(output))} ({fmt.value}){split_note}")
    if summary.per_split:
        _err("referat: documents per split: " + ", ".join(
            f"{name} {summary.per_split.get(name, 0)}" for name in ("train", "validation", "test")))
    if summary.rows:
        _err("referat: rows: " + ", ".join(f"{name} {n}" for name, n in summary.rows.items()))
    for note in summary.notes:
        _err(f"referat: {note}")
    for path in summary.written[1:]:
        _err(f"referat: also wrote {shown(str(path))}")
    raise typer.Exit(SOME_FAILED if summary.failed else 0)


@app.command("import", epilog=_EPILOG.replace("some records could not be read",
                                               "some records or spans were faulty and left out"))
def import_(
    paths: list[Path] = typer.Argument(..., metavar="FILE...", show_default=False,
                                       help="What the annotation tool exported (Label Studio JSON or "
                                            "JSON_MIN, doccano JSONL, Prodigy db-out JSONL), or the "
                                            "corrections the review page saved. Several files of one "
                                            "format (a spans and a types file) make one gold file."),
    fmt: ImportFormat = typer.Option(..., "--format", "-f", show_default=False, help="Format of FILE."),
    output: Path = typer.Option(..., "--output", "-o", metavar="GOLD.jsonl", show_default=False,
                                help="Gold records (referat's document JSONL) for train and evaluate."),
    reviewed_only: bool = typer.Option(False, "--reviewed-only",
                                       help="Leave out what no person answered (Prodigy tasks without "
                                            "an answer, Label Studio tasks with predictions only or "
                                            "skipped, review-page items nobody marked or changed)."),
    annotator: str = typer.Option(None, "--annotator", metavar="ID", show_default=False,
                                  help="Label Studio: take this annotator's annotations (user id or "
                                       "email) instead of the latest one."),
    force: bool = _FORCE,
) -> None:
    """Import corrected annotations as gold records, and report what was read,
    skipped, and why.

    The tasks must be those `referat export` wrote, or the corrections file of
    `referat review`'s page (each carries which document and item it is).

    Example: referat import corrections.jsonl --format review -o gold.jsonl
    """
    from referat.export import import_annotations
    from referat.export.jsonl import write_jsonl

    try:
        check_target(output, inputs=paths, force=force)
        imported = import_annotations(paths, fmt.value, reviewed_only=reviewed_only, annotator=annotator)
        with progress(f"import {fmt.value}", unit="documents") as bar:
            write_jsonl(track(imported, bar), output)
    except (ReferatError, OSError) as err:
        fail(err)
    report = imported.report
    for line in report.lines():
        _err(f"referat: {line}")
    _err(f"referat: -> {shown(str(output))}")
    raise typer.Exit(SOME_FAILED if report.failed else 0)


@app.command(epilog=_EPILOG)
def review(
    records: Path = _RECORDS,
    output: Path = typer.Option(..., "--output", "-o", metavar="review.html", show_default=False,
                                help="The page to write: one self-contained HTML file."),
    force: bool = _FORCE,
) -> None:
    """Write one static HTML page to review and correct what referat found:
    items least confident first, entities labelled in the text, search and
    navigation by document, body and date. Corrections (spans, item types,
    decision outcomes, item boundaries) stay in the browser until "Save
    corrections" downloads them for `referat import --format review`.

    Example: referat review minutes.jsonl -o review.html
    """
    from referat.export import Records
    from referat.review import write_review

    try:
        check_target(output, inputs=[records], force=force)
        total = Records(records).count()
        with progress("review page", total=total) as bar:
            summary = write_review(records, output, on_record=bar.advance)
    except (ReferatError, OSError) as err:
        fail(err)
    _note_skipped(summary.skipped)
    _note_failed(summary.failed, records)
    _err(f"referat: {summary.documents} documents, {summary.items} items, "
         f"{summary.entities} entities -> {shown(str(output))}")
    raise typer.Exit(SOME_FAILED if summary.failed else 0)

