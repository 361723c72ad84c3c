"""`referat export | import | review | index | search`: referat's JSONL out to the
tools people annotate, train, review and search with, and corrections back in."""

from __future__ import annotations

import json
from collections import Counter
from enum import Enum
from pathlib import Path

import typer

from referat.cli import app
from referat.errors import ReferatError
from referat.export import EXPORTERS, IMPORTERS
from referat.model import ITEM_TYPES

ExportFormat = Enum("ExportFormat", {name: name for name in EXPORTERS}, type=str)
ImportFormat = Enum("ImportFormat", {name: name for name in IMPORTERS}, type=str)
ItemType = Enum("ItemType", {name: name for name in ITEM_TYPES}, type=str)

_RECORDS = typer.Argument(..., metavar="IN.jsonl", show_default=False,
                          help="Records from `referat process` (error records are skipped).")


def _fail(err: ReferatError | OSError) -> None:
    typer.echo(f"referat: error: {err}", err=True)
    raise typer.Exit(1)


def _note_skipped(skipped: list[str]) -> None:
    if skipped:
        shown = "; ".join(skipped[:5]) + (f"; and {len(skipped) - 5} more" if len(skipped) > 5 else "")
        typer.echo(f"referat: skipped {len(skipped)} error records: {shown}", err=True)


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
               f"-> {output} ({fmt.value}){split}", err=True)


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
    typer.echo(f"referat: {len(docs)} documents, {items} items, {spans} spans -> {output}", err=True)


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
               f"{summary.entities} entities -> {output}", err=True)


@app.command()
def index(
    records: Path = _RECORDS,
    db: Path = typer.Option(..., "--db", metavar="archive.sqlite", show_default=False,
                            help="The archive; created if missing. A document already in it is replaced."),
) -> None:
    """Add records to a searchable SQLite archive (full-text search over items).

    Example: referat index minutes.jsonl --db archive.sqlite
    """
    from referat.archive import Archive, index_records

    try:
        summary = index_records(records, db)
        with Archive(db, readonly=True) as archive:
            counts = archive.counts()
    except (ReferatError, OSError) as err:
        _fail(err)
    _note_skipped(summary.skipped)
    typer.echo(f"referat: {summary.added} documents added, {summary.replaced} replaced; the archive holds "
               f"{counts['documents']} documents, {counts['items']} items, {counts['entities']} entities",
               err=True)


@app.command()
def search(
    query: str = typer.Argument("", metavar="[QUERY]",
                                help='Words that must all occur in an item ("..." for a phrase, word* '
                                     "for a prefix); empty or * to filter only."),
    db: Path = typer.Option(..., "--db", metavar="archive.sqlite", show_default=False, help="The archive."),
    item_type: ItemType = typer.Option(None, "--type", show_default=False, help="Item type."),
    label: str = typer.Option(None, "--label", show_default=False,
                              help="Items with a mention of this label (LAW, AMOUNT, PERSON, ...)."),
    act: str = typer.Option(None, "--act", show_default=False,
                            help="Items citing this act, by canonical name (aktivloven, serviceloven)."),
    section: str = typer.Option(None, "--section", show_default=False,
                                help="... and this section: 13 takes in § 13 and § 13 a-z; '13 d' only § 13 d."),
    date_from: str = typer.Option(None, "--from", metavar="DATE", show_default=False,
                                  help="Meetings on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)."),
    date_to: str = typer.Option(None, "--to", metavar="DATE", show_default=False,
                                help="Meetings on or before DATE (--to 2019 takes in all of 2019)."),
    body: str = typer.Option(None, "--body", show_default=False,
                             help="Part of the name of the body that met (Byrådet, Økonomiudvalget)."),
    min_amount: float = typer.Option(None, "--min-amount", metavar="KR", show_default=False,
                                     help="Items with an amount of at least KR kroner (10e6 for 10 mio.)."),
    limit: int = typer.Option(50, "--limit", min=1, help="At most this many items."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per item instead of text."),
) -> None:
    """Search the archive: items matching every condition given.

    Example: referat search --db archive.sqlite --type beslutning --act aktivloven --section 13 --from 2019
    """
    from referat.archive import Archive

    try:
        with Archive(db, readonly=True) as archive:
            hits = archive.search(None if query.strip() == "*" else query,
                                  type=item_type.value if item_type else None, label=label, act=act,
                                  section=section, date_from=date_from, date_to=date_to, body=body,
                                  min_amount=min_amount, limit=limit)
    except (ReferatError, OSError) as err:
        _fail(err)
    for hit in hits:
        if as_json:
            typer.echo(json.dumps(hit.to_dict(), ensure_ascii=False))
            continue
        page = f", page {hit.page}" if hit.page else ""
        typer.echo(f"{hit.date or '????-??-??'}  {hit.body or '?'}  punkt {hit.number}  "
                   f"[{hit.type or 'no type'}]  {hit.title}")
        typer.echo(f"    {hit.source}{page}")
        mentions = Counter((m["label"], m["text"]) for m in hit.entities)
        for (label, text), times in mentions.items():
            typer.echo(f"    {label}: {text}" + (f" ({times}×)" if times > 1 else ""))
        if hit.snippet:
            typer.echo(f"    {' '.join(hit.snippet.split())}")
    more = " (more with --limit)" if len(hits) == limit else ""
    typer.echo(f"referat: {len(hits)} item{'' if len(hits) == 1 else 's'}{more}", err=True)
