"""`referat process`: files and folders in, one JSONL record per document (or item) out."""

from __future__ import annotations

import logging
import os
import sys
from contextlib import nullcontext
from enum import Enum
from pathlib import Path

import typer

from referat.batch import SUPPORTED_EXTENSIONS, Batch, BatchConfig, BatchError, Outcome
from referat.cli import app
from referat.cli.progress import progress
from referat.terminal import shown
from referat.outputs import OutputRefused, check_target
from referat.pipeline import Options

_DEFAULTS = Options()
_MB = 1024 * 1024


class Unit(str, Enum):
    document = "document"
    item = "item"


class Engine(str, Enum):
    local = "local"
    dask = "dask"


class Ocr(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


@app.command(epilog="Exit status: 0 all files processed, 1 some files failed "
                    "(each has an error record in the output), 2 usage error.")
def process(
    paths: list[Path] = typer.Argument(
        ..., exists=True, metavar="PATH", show_default=False,
        help="Files, or folders searched recursively for "
             f"{' '.join(sorted(SUPPORTED_EXTENSIONS))} (hidden files skipped)."),
    output: str = typer.Option(
        "-", "--output", "-o", metavar="OUT.jsonl",
        help="Where the records go; '-' writes to stdout. A file is written atomically, "
             "with a manifest beside it (OUT.jsonl.manifest.jsonl)."),
    unit: Unit = typer.Option(Unit.document, "--unit", help="One line per document, or per agenda item."),
    workers: int = typer.Option(1, "--workers", "-j", min=1, metavar="N",
                                help="Worker processes; each loads the models once."),
    resume: bool = typer.Option(
        False, "--resume",
        help="Continue an interrupted or earlier run into the same OUT.jsonl: keep what was done, "
             "redo what failed or was cut off."),
    force: bool = typer.Option(False, "--force", help="Replace OUT.jsonl if it exists (--resume continues it)."),
    ner: str = typer.Option(_DEFAULTS.ner, "--ner", metavar="NAME",
                            help="Entity tagger: model (rules + the Danish NER model), rules, dacy, "
                                 "or a spaCy pipeline path."),
    trust_model: bool = typer.Option(False, "--trust-model",
                                     help="Allow --ner to load a third-party spaCy pipeline (dacy, a path): "
                                          "loading one can run code from its files. referat's own models "
                                          "are checked by checksum and need no flag."),
    classifier: str = typer.Option(_DEFAULTS.classifier, "--classifier", metavar="NAME",
                                   help="Item-type classifier: default, rules, or a model directory."),
    segmenter: str = typer.Option(_DEFAULTS.segmenter, "--segmenter", metavar="NAME",
                                  help="Heading model that rescores the layout rules' candidates: default (models/segmenter "
                                       "if one is built, else the rules alone), rules, or a model directory "
                                       "(referat train segmenter)."),
    decision_model: str = typer.Option(_DEFAULTS.decision_model, "--decision-model", metavar="NAME",
                                       help="Outcome model behind the decision rules: default, rules "
                                            "(phrase rules only), or a model directory."),
    max_mb: float = typer.Option(_DEFAULTS.max_bytes / _MB, "--max-mb", min=0.001, metavar="MIB",
                                 help="Skip (and report) files larger than this many MiB."),
    max_pages: int = typer.Option(_DEFAULTS.max_pages, "--max-pages", min=1, metavar="N",
                                  help="Skip (and report) documents with more pages."),
    timeout: float = typer.Option(_DEFAULTS.timeout_s, "--timeout", min=0, metavar="SECONDS",
                                  help="Seconds one document may take (0: no limit)."),
    max_memory: int = typer.Option(None, "--max-memory", min=0, metavar="MIB", show_default=False,
                                   help="Memory each worker may use; a document that needs more gets an error "
                                        "record (too_large). Default: 80% of this machine's memory shared "
                                        "among the workers; 0: no limit."),
    ocr: Ocr = typer.Option(
        Ocr(_DEFAULTS.ocr), "--ocr",
        help="OCR scanned pages with Tesseract's Danish model: auto (pages without a usable text "
             "layer), always (every page of a PDF or scan), never."),
    engine: Engine = typer.Option(Engine.local, "--engine",
                                  help="local: processes on this machine; dask: a Dask cluster."),
    scheduler: str = typer.Option(None, "--scheduler", metavar="ADDRESS", show_default=False,
                                  help="Dask scheduler to use (implies --engine dask); "
                                       "without it, --engine dask starts a local cluster."),
) -> None:
    """Read minutes and agendas and write them as JSONL records.

    Files that cannot be read are reported on stderr, one line each, and get an
    error record in the output; the run goes on.

    Example: referat process minutes/ -o minutes.jsonl --workers 4
    """
    options = Options(ner=ner, classifier=classifier, segmenter=segmenter, decision_model=decision_model,
                      max_bytes=int(max_mb * _MB), max_pages=max_pages, timeout_s=timeout, ocr=ocr.value,
                      trust_model=trust_model)
    bar = None

    def report(outcome: Outcome) -> None:
        if not outcome.ok:
            problems = "; ".join(f"{p.message} ({p.code})" for p in outcome.errors)
            line = f"referat: error: {shown(outcome.path)}: {shown(problems)}"
            if bar is not None:
                bar.say(line)
            else:
                typer.echo(line, err=True)
        if bar is not None:
            bar.advance()

    try:
        if output != "-":
            try:
                Path(output).parent.mkdir(parents=True, exist_ok=True)  # as a batch always has
            except OSError:
                pass  # check_target says what is wrong with it
        check_target(output, inputs=paths, force=force or resume)
    except OutputRefused as err:
        _fail(f"{shown(err.path or output)}: {err.message}", 2)
    try:
        config = BatchConfig(options=options, unit=unit.value, workers=workers,
                             engine="dask" if scheduler else engine.value, scheduler=scheduler,
                             resume=resume, max_memory_mb=max_memory)
        batch = Batch(paths, output, config)
        records_on_screen = output == "-" and sys.stdout.isatty()  # a bar would tear them
        with nullcontext() if records_on_screen else progress("process", total=len(batch.todo)) as bar:
            summary = batch.run(on_outcome=report)
    except BatchError as err:
        _fail(str(err), 2)
    except KeyboardInterrupt:
        _fail("interrupted" + ("; run again with --resume to continue" if output != "-" else ""), 130)
    except BrokenPipeError:  # the reader of stdout went away
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(1)
    except OSError as err:  # the output cannot be written: disk full, no permission
        _fail(f"{err.filename or output}: {err.strerror or err}", 1)
    except Exception as err:  # a bug: one line here, the traceback with -vv
        logging.getLogger(__name__).debug("unexpected error", exc_info=True)
        _fail(f"unexpected error: {type(err).__name__}: {err} (run with -vv for the traceback)", 1)

    for path, why in sorted(batch.not_read):  # listed at the end, where they are seen
        typer.echo(f"referat: warning: {shown(path)}: skipped: {why}", err=True)
    done = f" ({summary.skipped} already done)" if summary.skipped else ""
    not_read = f", {len(batch.not_read)} skipped (not files)" if batch.not_read else ""
    documents = "document" if summary.total == 1 else "documents"
    typer.echo(f"referat: {summary.total} {documents}, {summary.failed} failed{done}{not_read}", err=True)
    raise typer.Exit(1 if summary.failed else 0)


def _fail(message: str, status: int):
    typer.echo(f"referat: error: {shown(message)}", err=True)
    raise typer.Exit(status)
