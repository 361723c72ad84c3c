"""`referat train`: one subcommand per model referat learns (`types`, ...), all over the same records.

`referat train types` trains the item-type classifier (linear or transformers)
on minutes or referat records, corrected by hand or not; `referat train
segmenter` the heading model, on checked records and portal meetings printed
in many layouts.
"""

from __future__ import annotations

import shlex
import sys
import time
from enum import Enum
from pathlib import Path

import typer

from referat.cli import app
from referat.terminal import shown
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


@train_app.command("types", epilog="Exit status: 0 trained and saved, 2 bad input or options "
                                    "(including an existing output folder without --force).")
def train_types(
    inputs: list[Path] = typer.Argument(
        ..., exists=True, metavar="PATH...", show_default=False,
        help="referat JSONL records (from `referat process`, possibly corrected by hand), "
             "or minutes and folders of minutes, which are read and segmented first."),
    out: Path = typer.Option(..., "--out", "-o", metavar="DIR",
                             help="Model directory to write (load it with --classifier DIR)."),
    force: bool = typer.Option(False, "--force", help="Replace an existing model directory."),
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
    held_out: float = typer.Option(0.1, "--held-out", min=0.0, max=0.9, metavar="FRACTION",
                                   help="Part of the labelled items kept out of training to evaluate "
                                        "the model and calibrate its scores (0: none)."),
    epochs: int = typer.Option(None, "--epochs", min=1, show_default=False,
                               help="transformers: passes over the data (default from configs/classifier.toml)."),
    max_steps: int = typer.Option(None, "--max-steps", min=1, show_default=False,
                                  help="transformers: stop after this many optimiser steps."),
    batch_size: int = typer.Option(None, "--batch-size", min=1, show_default=False,
                                   help="transformers: examples per step."),
) -> None:
    """Train an item-type classifier (orientering / beslutning / drøftelse).

    Prints a progress bar (progress lines when stderr is not a terminal), the
    figures on the held-out items, and writes a model card (README.md) beside
    the model.

    Example: referat train types corpora/greve -o models/my-classifier --seed 0
    """
    from referat.classify.training import train as run_training

    if backend is Backend.transformers and base_model is None:
        typer.echo("referat train types: --backend transformers needs --base-model PATH", err=True)
        raise typer.Exit(2)
    overrides = {k: v for k, v in (("epochs", epochs), ("max_steps", max_steps),
                                   ("batch_size", batch_size)) if v is not None}
    options = [("--backend", backend.value, "linear"), ("--base-model", base_model, None),
               ("--seed", seed, 0), ("--labels", labels.value, "auto"), ("--gold", gold, None),
               ("--exclude", exclude, None), ("--held-out", held_out, 0.1), ("--epochs", epochs, None),
               ("--max-steps", max_steps, None), ("--batch-size", batch_size, None)]
    command = " ".join(["referat train types", *(shlex.quote(str(p)) for p in inputs), "-o",
                        shlex.quote(str(out)),
                        *(f"{name} {shlex.quote(str(value))}" for name, value, default in options
                          if value != default)])
    try:
        with _Progress() as progress:
            report = run_training(inputs, out, backend=backend.value, seed=seed, labels=labels.value,
                                  gold=gold, exclude=exclude, base_model=base_model,
                                  params=overrides or None, held_out=held_out, force=force,
                                  progress=progress.update, command=command)
    except (ReferatError, ValueError) as err:
        typer.echo(f"referat train types: {shown(str(err))}", err=True)
        raise typer.Exit(2) from None
    for warning in report.warnings:
        typer.echo(f"referat train types: WARNING: {shown(warning)}", err=True)
    counts = ", ".join(f"{k} {v}" for k, v in report.stats["by_label"].items())
    origins = ", ".join(f"{k} {v}" for k, v in report.stats["by_origin"].items())
    typer.echo(f"trained {report.backend} on {report.examples} items ({counts}; all labelled items "
               f"from {origins}) of {report.stats['items']} in {report.stats['documents']} documents; "
               f"{report.stats['unlabelled']} unlabelled, {report.stats['excluded']} excluded")
    if report.held_out:
        for origin, result in report.held_out.items():
            typer.echo(f"held out ({origin}): {result['n']} items, accuracy {result['accuracy']:.4f}, "
                       f"macro-F1 {result['macro_f1']:.4f}")
        c = report.calibration
        typer.echo(f"calibration: temperature {c['temperature']} ({c['fitted_on']}); expected calibration "
                   f"error on {c['n']} held-out items {c['ece_items']}: {c['ece_before']} -> {c['ece_after']}")
    typer.echo(f"reading {report.read_seconds:.1f} s, fitting {report.fit_seconds:.1f} s -> "
               f"{shown(report.out)} (model card: {shown(report.out / 'README.md')})")


class _Progress:
    """A progress bar per stage on a terminal; elsewhere a line per stage and every 10 s."""

    _LINE_EVERY_S = 10.0

    def __init__(self):
        self.bar = None
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=Console(stderr=True), transient=True)
        self.tasks: dict[str, int] = {}
        self.stage, self.said = None, 0.0

    def __enter__(self):
        if self.bar is not None:
            self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def update(self, stage: str, done: int, total: int) -> None:
        if self.bar is not None:
            if stage not in self.tasks:
                self.tasks[stage] = self.bar.add_task(stage, total=total)
            self.bar.update(self.tasks[stage], completed=done, total=total)
            return
        now = time.monotonic()
        if stage != self.stage or done == total or now - self.said >= self._LINE_EVERY_S:
            typer.echo(f"referat train types: {stage} {done}/{total}", err=True)
            self.stage, self.said = stage, now


@train_app.command("ner", epilog="Exit status: 0 trained and saved, 2 bad input or options.")
def train_ner(
    data: list[Path] = typer.Option(
        ..., "--data", metavar="DIR|FILE", exists=True, show_default=False,
        help="A DaN+ folder (da_news_train.tsv, da_news_dev.tsv, web dev splits), referat JSONL "
             "records with entity spans (`referat import` output, corrected `referat process` "
             "output), or a folder of such records. Give it several times to combine them."),
    out: Path = typer.Option(..., "--out", "-o", metavar="DIR",
                             help="Model directory to write (use it with --ner DIR)."),
    seeds: list[int] = typer.Option([0], "--seed",
                                    help="Random seed; give several to train one model per seed, one "
                                         "after another, and keep the best on the dev data."),
    max_epochs: int = typer.Option(None, "--max-epochs", min=1, show_default=False,
                                   help="Passes over the training data (default from configs/ner.cfg)."),
    config: Path = typer.Option(None, "--config", exists=True, dir_okay=False, show_default=False,
                                help="A spaCy training config instead of configs/ner.cfg."),
    force: bool = typer.Option(False, "--force", help="Replace an existing model directory."),
) -> None:
    """Train the Danish NER model (PERSON, ORG, LOC, MISC) with spaCy's training loop.

    Example: referat train ner --data ../shared/corpora/ner --data corrected.jsonl -o models/mine
    """
    import logging

    from referat.annotate.ner import train as run_training

    logging.getLogger("spacy").setLevel(logging.WARNING)
    command = " ".join(["referat train ner", *(f"--data {shown(d)}" for d in data), f"-o {shown(out)}",
                        *(f"--seed {s}" for s in seeds),
                        *([f"--max-epochs {max_epochs}"] if max_epochs else []),
                        *([f"--config {shown(config)}"] if config else [])])
    try:
        report = run_training(list(data), out, seeds, force=force, config=config,
                              max_epochs=max_epochs, command=command)
    except ReferatError as err:
        typer.echo(f"referat train ner: {shown(str(err))}", err=True)
        raise typer.Exit(2) from None
    for warning in report.warnings:
        typer.echo(f"referat train ner: WARNING: {shown(warning)}", err=True)
    counts = ", ".join(f"{k} {v}" for k, v in report.span_counts.items())
    typer.echo(f"trained on {counts} spans; seeds: " + ", ".join(
        f"{r.seed} (PERSON F1 {r.selection:.3f}, {r.seconds / 60:.1f} min)" for r in report.runs))
    for split, scores in report.chosen.scores.items():
        person = scores["referat"]["PERSON"]
        typer.echo(f"  {split}: PERSON P {person['p']:.3f} R {person['r']:.3f} F1 {person['f']:.3f} "
                   "(rules + model)")
    typer.echo(f"seed {report.chosen.seed} -> {shown(report.out)} (model card: README.md)")


@train_app.command("segmenter", epilog="Exit status: 0 trained and saved, 1 trained but some inputs "
                                       "could not be read, 2 bad input or options.")
def train_segmenter(
    inputs: list[Path] = typer.Argument(
        None, exists=True, metavar="RECORDS...", show_default=False,
        help="referat JSONL records whose items a person has checked (their `start` offsets mark the "
             "headings), FirstAgenda publications (portal .json), or folders of them."),
    out: Path = typer.Option(..., "--out", "-o", metavar="DIR",
                             help="Model directory to write (use it with `referat process --segmenter DIR`)."),
    force: bool = typer.Option(False, "--force", help="Replace DIR if it exists."),
    render: bool = typer.Option(True, "--render/--no-render",
                                help="Also print every meeting in each layout of configs/renderings.toml "
                                     "(with the noise of real exports) and train on those."),
    layouts: str = typer.Option(None, "--layouts", metavar="NAME,...", show_default=False,
                                help="Render only these layouts (default: all)."),
    synthetic: int = typer.Option(0, "--synthetic", min=0, metavar="N",
                                  help="Add N invented meetings (rendered like the others)."),
    holdout: float = typer.Option(None, "--holdout", min=0.0, max=0.9, metavar="SHARE", show_default=False,
                                  help="Share of meetings held out for the figures "
                                       "(default from configs/segmenter.toml)."),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same data and seed give the same model."),
) -> None:
    """Train the heading model that finds agenda items (with the layout rules).

    Example: referat train segmenter corrected.jsonl ../shared/corpora/greve -o models/my-segmenter
    """
    import shlex
    import sys
    from contextlib import nullcontext

    from referat.outputs import OutputRefused, check_target
    from referat.segment.render import layout as find_layout
    from referat.segment.training import train as run_training

    name = "referat train segmenter"
    inputs = list(inputs or [])
    if not inputs and not synthetic:
        typer.echo(f"{name}: give RECORDS... or --synthetic N", err=True)
        raise typer.Exit(2)
    try:
        check_target(out, inputs=inputs, force=force, directory=True)
        chosen = [find_layout(n.strip()) for n in layouts.split(",") if n.strip()] if layouts else None
    except (OutputRefused, ValueError) as err:
        typer.echo(f"{name}: {shown(str(err))}", err=True)
        raise typer.Exit(2) from None
    if not render:
        chosen = []
    progress = None
    if sys.stderr.isatty():
        from referat.cli.process import _progress_bar

        progress = _progress_bar()
    tasks: dict[str, object] = {}

    def advance(stage: str, done: int, total: int) -> None:
        if progress is None:
            return
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total)
        progress.update(tasks[stage], completed=done, total=total)

    command = "referat train segmenter " + " ".join(shlex.quote(a) for a in sys.argv[3:]) \
        if sys.argv[1:3] == ["train", "segmenter"] else ""
    try:
        with progress or nullcontext():
            report = run_training(inputs, out, render_layouts=chosen, synthetic=synthetic, holdout=holdout,
                                  seed=seed, progress=advance, command=command)
    except (ReferatError, ValueError) as err:
        typer.echo(f"{name}: {shown(str(err))}", err=True)
        raise typer.Exit(2) from None
    for problem in report.problems:
        typer.echo(f"{name}: error: {shown(problem)}", err=True)
    if report.skipped:
        typer.echo(f"{name}: skipped {len(report.skipped)} file(s) that are neither records (.jsonl) nor "
                   f"portal publications (.json), e.g. {shown(report.skipped[0])}", err=True)
    if report.few_headings:
        typer.echo(f"{name}: WARNING: only {report.headings} labelled headings were found: the model will be "
                   "weak and may do worse than the rules alone; add checked records or portal meetings", err=True)
    if report.found < report.headings:
        typer.echo(f"{name}: warning: {report.headings - report.found} of {report.headings} headings are in a "
                   "shape no layout family proposes (configs/layouts/): the model cannot learn them", err=True)
    documents = ", ".join(f"{k} {v}" for k, v in sorted(report.documents.items()))
    typer.echo(f"trained on {report.headings} headings among {report.candidates} candidate lines in "
               f"{sum(report.documents.values())} documents of {report.meetings} meetings ({documents})")
    if report.heldout:
        rules, model = report.heldout["rules"]["all"], report.heldout["model"]["all"]
        typer.echo(f"held out {rules['documents']} documents: items F1 rules {rules['items_f1']:.3f}, "
                   f"rules + model {model['items_f1']:.3f}; exact {rules['exact']} / {model['exact']}")
    else:
        typer.echo("no held-out figures: too few meetings to hold some out")
    typer.echo(f"reading {report.seconds['reading']:.1f} s, collecting {report.seconds['collecting']:.1f} s, "
               f"fitting and evaluating {report.seconds['fitting']:.1f} s -> {shown(str(report.out))}")
    raise typer.Exit(1 if report.problems else 0)



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
