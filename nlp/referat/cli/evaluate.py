"""`referat evaluate`: predictions against gold, the figures of shared/tools/score.py and more."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from referat.cli import app
from referat.terminal import shown
from referat.errors import ReferatError
from referat.evaluate import evaluate_files


@app.command(epilog="Exit status: 0 scored, 2 an input could not be read.")
def evaluate(
    pred: Path = typer.Argument(..., exists=True, dir_okay=False, metavar="PRED.jsonl",
                                help="referat's output (one record per document)."),
    gold: Path = typer.Argument(..., exists=True, dir_okay=False, metavar="GOLD.jsonl",
                                help="Gold: the shared gold format, referat JSONL (corrected output), "
                                     "a label file of item types ({file, number, label} a line), "
                                     "or decisions gold, one item a line."),
    decisions: bool = typer.Option(False, "--decisions",
                                   help="Score decisions and votes only: the figures of "
                                        "shared/tools/score_decisions.py."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of lines."),
) -> None:
    """Per-label precision, recall, F1 and normalisation accuracy; items; item types;
    decisions and votes where the gold labels them.

    The first lines are score.py's figures (same matching rules, same numbers);
    then normalisation accuracy per label, item-type accuracy, precision/recall/F1
    per type, macro-F1, the confusion matrix and the expected calibration error of
    the type scores; then, where the gold has decisions, score_decisions.py's
    lines. With a label file as gold, only the item-type lines; a decisions gold
    (one item a line) is scored for decisions alone, as with --decisions.
    """
    from referat.decide.evaluate import gold_items, is_item_gold, score_files

    try:
        if decisions or is_item_gold(gold):
            scores = score_files(pred, gold)
            typer.echo(json.dumps({"decisions": scores.report()}, ensure_ascii=False) if as_json
                       else scores.format())
            return
        result = evaluate_files(pred, gold)
        scores = score_files(pred, gold) if gold_items(gold) else None
    except ReferatError as err:
        typer.echo(f"referat evaluate: {shown(str(err))}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        report = result.report() | ({"decisions": scores.report()} if scores else {})
        typer.echo(json.dumps(report, ensure_ascii=False))
    else:
        typer.echo(result.format() + (f"\n{scores.format()}" if scores else ""))
    warning = result.unmatched_warning()
    if warning:
        typer.echo(f"referat evaluate: warning: {shown(warning)}", err=True)
