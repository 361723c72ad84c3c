"""`referat index | search | opensearch`: the searchable SQLite archive.

Everything printed that comes from a file — file names, titles, snippets —
goes through `shown`, so a name or a text with terminal escapes cannot act
on the terminal.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from enum import Enum
from pathlib import Path

import typer

from referat.cli import app
from referat.cli.progress import progress
from referat.terminal import shown
from referat.errors import ReferatError
from referat.model import ITEM_TYPES
from referat.outputs import OutputRefused

ItemType = Enum("ItemType", {name: name for name in ITEM_TYPES}, type=str)

_EPILOG = "Exit status: 0 done, 1 some records failed or the archive cannot be used, 2 usage error."


def _fail(err: BaseException) -> None:
    """One line on stderr and the exit status: 2 where the user asked for something
    wrong (a bad query or date, a file that is not an archive), 1 otherwise."""
    if isinstance(err, KeyboardInterrupt):
        message, status = "interrupted; what was indexed before stays, and running again goes on from there", 130
    elif isinstance(err, ReferatError):
        message, status = str(err), 2 if getattr(err, "usage", False) or isinstance(err, OutputRefused) else 1
    elif isinstance(err, OSError):
        message, status = f"{err.filename or ''}: {err.strerror or err}", 1
    else:  # a bug: one line here, the traceback with -vv
        logging.getLogger(__name__).debug("unexpected error", exc_info=True)
        message, status = f"unexpected error: {type(err).__name__}: {err} (run with -vv for the traceback)", 1
    typer.echo(f"referat: error: {shown(message)}", err=True)
    raise typer.Exit(status)


def _record_lines(path: Path) -> int:
    """How many lines hold a record: the length of the progress bar."""
    with path.open("rb") as f:
        return sum(1 for line in f if line.strip())


def _list(what: str, entries: list[str], most: int = 5) -> None:
    if entries:
        listed = "; ".join(shown(e) for e in entries[:most])
        more = f"; and {len(entries) - most} more" if len(entries) > most else ""
        typer.echo(f"referat: {what}: {listed}{more}", err=True)


@app.command(epilog=_EPILOG)
def index(
    records: list[Path] = typer.Argument(..., metavar="IN.jsonl...", show_default=False,
                                         help="Records from `referat process` (error records are skipped)."),
    db: Path = typer.Option(..., "--db", metavar="archive.sqlite", show_default=False,
                            help="The archive; created if missing. Lines indexed before are skipped, "
                                 "a document indexed again is replaced."),
    datasette: bool = typer.Option(True, "--datasette/--no-datasette",
                                   help="Write ARCHIVE.metadata.json beside the archive for Datasette."),
    wait: float = typer.Option(60.0, "--wait", metavar="SECONDS", min=0,
                               help="How long to wait while another process writes to the archive."),
) -> None:
    """Add records to a searchable SQLite archive (Danish full-text search over items).

    A line that is not a document record is named (file and line) and the rest
    is indexed; the exit status is then 1. Two indexers at once take turns.

    Example: referat index minutes.jsonl --db archive.sqlite
    """
    from referat.archive import Archive, IndexSummary
    from referat.archive.datasette import write_metadata
    from referat.archive.query import QueryError

    for path in records:  # every input checked before any work: a usage error, exit 2
        if not path.is_file():
            _fail(QueryError("no such file" if not path.exists() else "is not a file", path=str(path)))
        if db.exists() and path.resolve() == db.resolve():
            _fail(QueryError("is the archive itself; give the records `referat process` wrote",
                             path=str(path)))
    total = IndexSummary()
    lines = sum(_record_lines(path) for path in records)
    try:
        with Archive(db, timeout=wait) as archive, progress("index", total=lines, unit="records") as bar:
            for path in records:
                summary = archive.index_records(path, on_line=bar.advance)
                total.added += summary.added
                total.replaced += summary.replaced
                total.unchanged += summary.unchanged
                total.skipped += summary.skipped
                total.failed += summary.failed
            counts = archive.counts()
        metadata = write_metadata(db) if datasette else None
    except (Exception, KeyboardInterrupt) as err:
        _fail(err)
    for failure in total.failed:
        typer.echo(f"referat: error: {shown(failure)}", err=True)
    _list(f"skipped {len(total.skipped)} error records", total.skipped)
    failed = f"; {len(total.failed)} records failed" if total.failed else ""
    typer.echo(f"referat: {total.added} documents added, {total.replaced} replaced, {total.unchanged} unchanged"
               f"{failed}; the archive holds {counts['documents']} documents, {counts['items']} items, "
               f"{counts['entities']} entities", err=True)
    if metadata:
        typer.echo(f"referat: browse it with: datasette {shown(str(db))} -m {shown(str(metadata))}", err=True)
    if total.failed:
        raise typer.Exit(1)


@app.command(epilog=_EPILOG)
def search(
    query: str = typer.Argument("", metavar="[QUERY]",
                                help='Danish words in any inflection (bevilling finds bevillingen); "..." for '
                                     "a word or phrase as printed; word* for a prefix; OR, NOT or -word, "
                                     "( ); empty or * to filter only."),
    db: Path = typer.Option(..., "--db", metavar="archive.sqlite", show_default=False, help="The archive."),
    item_type: ItemType = typer.Option(None, "--type", show_default=False, help="Item type."),
    body: str = typer.Option(None, "--body", show_default=False,
                             help="The body that met: byrådet finds Byråd 2022-2025 and Kommunalbestyrelsen; "
                                  "else part of its name."),
    person: str = typer.Option(None, "--person", show_default=False,
                               help="Items naming this person (words of the name: 'Jensen', 'Jan Jensen')."),
    party: str = typer.Option(None, "--party", show_default=False,
                              help="Items naming this party or a member of it (letter or name: Ø, SF, Venstre); "
                                   "with --person, that person of that party."),
    place: str = typer.Option(None, "--place", show_default=False, help="Items naming this place (LOC)."),
    org: str = typer.Option(None, "--org", show_default=False, help="Items naming this organisation (ORG)."),
    act: str = typer.Option(None, "--act", show_default=False,
                            help="Items citing this act, by canonical name (aktivloven, serviceloven)."),
    section: str = typer.Option(None, "--section", show_default=False,
                                help="... and this section: 13 takes in § 13 and § 13 a-z; '13 d' only § 13 d."),
    min_amount: float = typer.Option(None, "--min-amount", metavar="KR", show_default=False,
                                     help="Items with an amount of at least KR kroner (10e6 for 10 mio.)."),
    max_amount: float = typer.Option(None, "--max-amount", metavar="KR", show_default=False,
                                     help="... and at most KR kroner (the same amount)."),
    date_from: str = typer.Option(None, "--from", metavar="DATE", show_default=False,
                                  help="Meetings on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)."),
    date_to: str = typer.Option(None, "--to", metavar="DATE", show_default=False,
                                help="Meetings on or before DATE (--to 2019 takes in all of 2019)."),
    outcome: str = typer.Option(None, "--outcome", show_default=False,
                                help="Decision outcome: godkendt, anbefalet, afvist, taget_til_efterretning, "
                                     "drøftet, udsat, oversendt, andet."),
    voted: str = typer.Option(None, "--voted", show_default=False,
                              help="Items where --party (or --person) voted so: for, imod, undlod; alone: "
                                   "items with any such vote."),
    label: str = typer.Option(None, "--label", show_default=False,
                              help="Items with a mention of this label (LAW, AMOUNT, PERSON, ORG, LOC, ...)."),
    closed: bool = typer.Option(False, "--closed", help="Include closed items (lukkede punkter)."),
    limit: int = typer.Option(50, "--limit", min=1, max=1_000_000, help="At most this many items."),
    facets: bool = typer.Option(False, "--facets",
                                help="Also count all matching items by body, year, type, outcome, act and party."),
    as_json: bool = typer.Option(False, "--json",
                                 help="One JSON object per item; with --facets one object: total, facets, hits."),
) -> None:
    """Search the archive: items matching the words and every filter given,
    best match first (newest first without words).

    \b
    Examples:
      referat search bevilling --db archive.sqlite --body byrådet --from 2019
      referat search '"taget til efterretning" -budget' --db archive.sqlite
      referat search --db archive.sqlite --party Ø --voted imod --facets
    """
    from referat.archive import Archive

    filters = dict(type=item_type.value if item_type else None, body=body, person=person, party=party,
                   place=place, org=org, label=label, act=act, section=section, min_amount=min_amount,
                   max_amount=max_amount, date_from=date_from, date_to=date_to, outcome=outcome, voted=voted,
                   closed=closed)
    try:
        with Archive(db, readonly=True) as archive:
            hits = archive.search(query, limit=limit, **filters)
            counts = archive.facets(query, **filters) if facets else None
    except (Exception, KeyboardInterrupt) as err:
        _fail(err)
    if as_json:
        if counts is not None:
            typer.echo(_json({**counts, "hits": [hit.to_dict() for hit in hits]}))
        for hit in hits if counts is None else ():
            typer.echo(_json(hit.to_dict()))
    else:
        for hit in hits:
            _show(hit)
        if counts is not None:
            _show_facets(counts)
    more = " (more with --limit)" if len(hits) == limit else ""
    typer.echo(f"referat: {len(hits)} item{'' if len(hits) == 1 else 's'}{more}", err=True)


def _show(hit) -> None:
    page = f", page {hit.page}" if hit.page else ""
    kind = ", ".join(k for k in (hit.type or "no type", hit.outcome) if k)
    closed = "(lukket) " if hit.closed else ""
    typer.echo(f"{hit.date or '????-??-??'}  {shown(hit.body or '?')}  punkt {hit.number}  "
               f"[{kind}]  {closed}{shown(hit.title or '')}")
    typer.echo(f"    {shown(hit.source)}{page}")
    mentions = Counter((m["label"], m["text"]) for m in hit.entities)
    for (label, text), times in mentions.items():
        typer.echo(f"    {label}: {shown(text or '')}" + (f" ({times}×)" if times > 1 else ""))
    if hit.snippet:
        typer.echo(f"    {shown(hit.snippet)}")


def _show_facets(counts: dict) -> None:
    typer.echo(f"{counts['total']} matching item{'' if counts['total'] == 1 else 's'}")
    for name, values in counts["facets"].items():
        listed = " · ".join(f"{shown(str(v['value']))} {v['count']}" for v in values) or "-"
        typer.echo(f"  {name}: {listed}")


def _json(value) -> str:
    """JSON for a terminal: Danish letters as they are, every control character escaped
    (json escapes C0 controls; C1 controls such as U+009B, a CSI, it leaves)."""
    text = json.dumps(value, ensure_ascii=False)
    return "".join(c if c.isprintable() or c == " " else f"\\u{ord(c):04x}" for c in text)


@app.command(epilog=_EPILOG)
def opensearch(
    db: Path = typer.Option(..., "--db", metavar="archive.sqlite", show_default=False, help="The archive."),
    output: Path = typer.Option(..., "--output", "-o", metavar="OUT.ndjson", show_default=False,
                                help="The bulk file; OUT.mapping.json (settings and mappings) is written beside it."),
    index_name: str = typer.Option("referat", "--index", help="The OpenSearch/Elasticsearch index to load into."),
    force: bool = typer.Option(False, "--force", help="Overwrite OUT and its mapping file."),
) -> None:
    """Write the archive's items as an OpenSearch/Elasticsearch bulk file, with an
    index mapping that analyses Danish as `referat search` does.

    Example: referat opensearch --db archive.sqlite -o items.ndjson
    """
    from referat.archive import Archive
    from referat.archive.opensearch import mapping, write_bulk
    from referat.archive.schema import errors
    from referat.outputs import atomic_file, check_target

    mapping_path = output.with_name(output.stem + ".mapping.json")
    try:
        for target in (output, mapping_path):
            check_target(target, inputs=[db], force=force)
        with Archive(db, readonly=True) as archive, errors(db):
            with atomic_file(output, "w", encoding="utf-8") as out:
                count = write_bulk(archive.db, out, index_name)
        with atomic_file(mapping_path, "w", encoding="utf-8") as out:
            json.dump(mapping(), out, ensure_ascii=False, indent=2)
            out.write("\n")
    except (Exception, KeyboardInterrupt) as err:
        _fail(err)
    typer.echo(f"referat: {count} items -> {shown(str(output))}; create the index with "
               f"{shown(str(mapping_path))} first", err=True)
