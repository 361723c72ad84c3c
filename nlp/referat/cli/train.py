"""`referat train`: one subcommand per model referat learns (`types`, ...), all over the same records.

`referat train types` trains the item-type classifier (linear or transformers)
on minutes or referat records, corrected by hand or not.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from referat.cli import app
from referat.errors import ReferatError

train_app = typer.Typer(name="train", no_args_is_help=True,
                        help="Train referat's models on minutes or (corrected) records.")
app.add_typer(train_app)


class Backend(str, Enum):
    linear = "linear"
    transformers = "transformers"


class Labels(str, Enum):
    auto = "auto"
    distant = "distant"
    type = "type"


@train_app.command("types", epilog="Exit status: 0 trained and saved, 2 bad input or options.")
def train_types(
    inputs: list[Path] = typer.Argument(
        ..., exists=True, metavar="PATH...", show_default=False,
        help="referat JSONL records (from `referat process`, possibly corrected by hand), "
             "or minutes and folders of minutes, which are read and segmented first."),
    out: Path = typer.Option(..., "--out", "-o", metavar="DIR",
                             help="Model directory to write (load it with --classifier DIR)."),
    backend: Backend = typer.Option(Backend.linear, "--backend",
                                    help="linear: scikit-learn TF-IDF + logistic regression; "
                                         "transformers: fine-tune --base-model."),
    base_model: Path = typer.Option(None, "--base-model", metavar="PATH", exists=True,
                                    file_okay=False, show_default=False,
                                    help="A local BERT-style model directory (transformers backend)."),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same data and seed give the same model."),
    labels: Labels = typer.Option(
        Labels.auto, "--labels",
        help="Where labels come from: auto (types set by a person in the records, else marker or "
             "decisive rules), distant (marker or decisive rules only), type (records' types only)."),
    gold: Path = typer.Option(None, "--gold", metavar="LABELS.jsonl", exists=True, dir_okay=False,
                              show_default=False,
                              help="Hand labels by file name and item number; they override the rest."),
    exclude: Path = typer.Option(None, "--exclude", metavar="LABELS.jsonl", exists=True,
                                 dir_okay=False, show_default=False,
                                 help="Items never to train on (e.g. an evaluation set), same format."),
    epochs: int = typer.Option(None, "--epochs", min=1, show_default=False,
                               help="transformers: passes over the data (default from configs/classifier.toml)."),
    max_steps: int = typer.Option(None, "--max-steps", min=1, show_default=False,
                                  help="transformers: stop after this many optimiser steps."),
    batch_size: int = typer.Option(None, "--batch-size", min=1, show_default=False,
                                   help="transformers: examples per step."),
) -> None:
    """Train an item-type classifier (orientering / beslutning / drøftelse).

    Example: referat train types corpora/greve -o models/my-classifier --seed 0
    """
    from referat.classify.training import train as run_training

    if backend is Backend.transformers and base_model is None:
        typer.echo("referat train types: --backend transformers needs --base-model PATH", err=True)
        raise typer.Exit(2)
    overrides = {k: v for k, v in (("epochs", epochs), ("max_steps", max_steps),
                                   ("batch_size", batch_size)) if v is not None}
    try:
        report = run_training(inputs, out, backend=backend.value, seed=seed, labels=labels.value,
                              gold=gold, exclude=exclude, base_model=base_model,
                              params=overrides or None)
    except (ReferatError, ValueError) as err:
        typer.echo(f"referat train types: {err}", err=True)
        raise typer.Exit(2) from None
    counts = ", ".join(f"{k} {v}" for k, v in report.stats["by_label"].items())
    origins = ", ".join(f"{k} {v}" for k, v in report.stats["by_origin"].items())
    typer.echo(f"trained {report.backend} on {report.examples} items ({counts}; from {origins}) "
               f"of {report.stats['items']} in {report.stats['documents']} documents; "
               f"{report.stats['unlabelled']} unlabelled, {report.stats['excluded']} excluded")
    typer.echo(f"reading {report.read_seconds:.1f} s, fitting {report.fit_seconds:.1f} s -> {report.out}")


@train_app.command("outcomes", epilog="Exit status: 0 trained and saved, 2 bad input, options or output.")
def train_outcomes(
    inputs: list[Path] = typer.Argument(
        ..., exists=True, metavar="PATH...", show_default=False,
        help="Minutes and folders of minutes, or referat JSONL records."),
    out: Path = typer.Option(..., "--out", "-o", metavar="DIR",
                             help="Model directory to write (use it with --decision-model DIR)."),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same data and seed give the same model."),
    exclude: Path = typer.Option(None, "--exclude", metavar="ITEMS.jsonl", exists=True, dir_okay=False,
                                 show_default=False,
                                 help="Items never to train on (e.g. the decisions dev gold): lines "
                                      "naming doc and number."),
    force: bool = typer.Option(False, "--force", help="Replace an existing model directory."),
) -> None:
    """Train the outcome model behind the decision rules, by distant supervision:
    decisions whose outcome a decisive phrase gives, read with the phrases blanked.

    Example: referat train outcomes corpora/greve -o models/decisions --exclude decisions-dev.jsonl
    """
    from referat.cli.terminal import shown
    from referat.decide.training import train as run_training

    try:
        report = run_training(inputs, out, seed=seed, exclude=exclude, force=force)
    except (ReferatError, ValueError) as err:
        typer.echo(f"referat train outcomes: {err}", err=True)
        raise typer.Exit(2) from None
    stats = report.stats
    counts = ", ".join(f"{k} {v}" for k, v in stats["by_label"].items())
    typer.echo(f"trained the outcome model on {stats['examples']} decisions ({counts}) of "
               f"{stats['decisions']} in {stats['documents']} documents; {stats['unlabelled']} "
               f"without a decisive phrase, {stats['excluded']} items excluded")
    typer.echo(f"reading {report.read_seconds:.1f} s, fitting {report.fit_seconds:.1f} s -> "
               f"{shown(str(report.out))}")
