"""`referat train types`: documents in, a model directory out.

Reads the inputs (referat JSONL or raw minutes), labels items (hand labels,
types set by a person, distant supervision; see data.py), keeps a held-out
part of the labelled items aside (stratified by type, seeded), fits the
chosen backend on the rest, evaluates model + rules on the held-out part,
fits the temperature that calibrates the scores there (`calibration.py`),
and saves the model with meta.json (data, counts, figures), SHA256SUMS and
a model card (README.md). The target is checked before any work and
written atomically. The same inputs and seed give the same arrays.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from referat.classify import calibration
from referat.classify.base import ModelClassifier, default_temperature
from referat.classify.data import Example, ExampleStats, collect_examples, iter_documents, read_labels
from referat.classify.rules import EvidenceRules
from referat.errors import InputError
from referat.model import ITEM_TYPES
from referat.outputs import atomic_dir, check_target
from referat.resources import MODEL_CARD

log = logging.getLogger(__name__)

BACKENDS = ("linear", "transformers")
HUMAN_ORIGINS = ("gold", "type")
MIN_HELD_OUT = 20  # fewer held-out items than this: train on everything, evaluate nothing
MIN_HUMAN_FOR_CALIBRATION = 30  # calibrate on human labels alone when there are this many

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): stages "reading" (files), "fitting" (steps), "evaluating"."""


@dataclass
class TrainReport:
    backend: str
    out: Path
    examples: int
    stats: dict
    read_seconds: float
    fit_seconds: float
    held_out: dict | None = None  # figures on the held-out items (None: too few to hold out)
    calibration: dict | None = None
    warnings: list[str] = field(default_factory=list)


def new_model(backend: str, base_model: str | Path | None = None,
              params: dict | None = None) -> ModelClassifier:
    """An untrained model of a backend; `params` override configs/classifier.toml."""
    if backend == "linear":
        from referat.classify.linear import LinearClassifier, default_params

        return LinearClassifier(params=default_params() | dict(params or {}))
    if backend == "transformers":
        from referat.classify.transformer import TransformerClassifier

        return TransformerClassifier(base_model=base_model, params=params)
    raise ValueError(f"unknown backend {backend!r}; valid: {BACKENDS}")


def split_held_out(examples: Sequence[Example], fraction: float, seed: int = 0
                   ) -> tuple[list[Example], list[Example]]:
    """(train, held out): `fraction` of each type's examples, drawn with `seed`; every type
    keeps at least one training example. Too few to hold out: everything trains."""
    if fraction <= 0 or round(fraction * len(examples)) < MIN_HELD_OUT:
        return list(examples), []
    rng = np.random.default_rng(seed)
    held: set[int] = set()
    for label in ITEM_TYPES:
        indices = [i for i, e in enumerate(examples) if e.label == label]
        take = min(int(round(fraction * len(indices))), max(len(indices) - 1, 0))
        held.update(int(i) for i in rng.permutation(indices)[:take])
    return ([e for i, e in enumerate(examples) if i not in held],
            [e for i, e in enumerate(examples) if i in held])


def figures(gold: Sequence[int], pred: Sequence[int]) -> dict:
    """Accuracy, macro-F1 and the confusion matrix (rows gold, columns predicted)."""
    k = len(ITEM_TYPES)
    confusion = np.zeros((k, k), dtype=np.int64)
    np.add.at(confusion, (np.asarray(gold, dtype=np.int64), np.asarray(pred, dtype=np.int64)), 1)
    f1s = []
    for c in range(k):
        tp, fp, fn = confusion[c, c], confusion[:, c].sum() - confusion[c, c], confusion[c].sum() - confusion[c, c]
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    n = int(confusion.sum())
    return {"n": n, "accuracy": round(float(np.trace(confusion)) / n, 4) if n else 0.0,
            "macro_f1": round(float(np.mean(f1s)), 4), "confusion": confusion.tolist()}


def evaluate_held_out(model: ModelClassifier, held: Sequence[Example]) -> tuple[dict, dict]:
    """Model + rules on the held-out examples, and the temperature that calibrates its scores.

    The temperature is fitted on the human labels among them (gold, types set
    by a person) where there are enough. Distant labels are the items the rules
    were sure of, on which any classifier is right and a fitted temperature
    only sharpens scores that are already too sure; without enough human labels
    the model keeps the default of configs/classifier.toml (fitted on hand
    labels for the shipped model).
    """
    logits = model.logits([e.item for e in held])
    labels = np.array([ITEM_TYPES.index(e.label) for e in held])
    predicted = logits.argmax(axis=1)
    result = {"all": figures(labels, predicted)}
    for origin in sorted({e.origin for e in held}):
        mask = np.array([e.origin == origin for e in held])
        result[origin] = figures(labels[mask], predicted[mask])
    human = np.array([e.origin in HUMAN_ORIGINS for e in held])
    if human.sum() >= MIN_HUMAN_FOR_CALIBRATION:
        temperature = calibration.fit_temperature(logits[human], labels[human])
        fitted_on = f"{int(human.sum())} held-out items labelled by a person"
    else:
        temperature = default_temperature()
        fitted_on = (f"the default of configs/classifier.toml: only {int(human.sum())} held-out items "
                     f"labelled by a person (at least {MIN_HUMAN_FOR_CALIBRATION} needed to fit one)")
    mask = human if human.any() else np.ones(len(held), dtype=bool)
    right = predicted[mask] == labels[mask]
    calibrated = {
        "temperature": temperature,
        "fitted_on": fitted_on,
        "ece_items": "labelled by a person" if human.any() else "labelled by the rules",
        "n": int(mask.sum()),
        "ece_before": calibration.reliability(calibration.softmax(logits[mask]).max(axis=1), right).ece,
        "ece_after": calibration.reliability(
            calibration.softmax(logits[mask] / temperature).max(axis=1), right).ece,
    }
    return result, calibrated


def train(inputs: list[str | Path], out: str | Path, *, backend: str = "linear", seed: int = 0,
          labels: str = "auto", gold: str | Path | None = None,
          exclude: str | Path | None = None, base_model: str | Path | None = None,
          params: dict | None = None, held_out: float = 0.1, force: bool = False,
          progress: Progress | None = None, command: str | None = None) -> TrainReport:
    """Train an item-type model on `inputs` and save it to `out` (see the module docstring)."""
    check_target(out, inputs=inputs, force=force, directory=True)
    if not 0 <= held_out < 1:
        raise ValueError(f"held-out fraction must be at least 0 and below 1, not {held_out}")
    model = new_model(backend, base_model, params)
    if model.rules is None:
        model.rules = EvidenceRules.default()
    report = progress or (lambda stage, done, total: None)
    started = time.perf_counter()
    stats = ExampleStats()
    examples = collect_examples(
        iter_documents(inputs, stats, progress=lambda done, total: report("reading", done, total)),
        labels=labels, gold=read_labels(gold) if gold else None,
        exclude=read_labels(exclude).keys() if exclude else (), stats=stats)
    read_seconds = time.perf_counter() - started
    warnings = [w for w in (stats.gold_warning(),) if w]
    if len({e.label for e in examples}) < 2:
        raise InputError(f"{len(examples)} labelled items in {len(inputs)} input(s), of "
                         f"{len({e.label for e in examples})} type(s): a model needs at least two "
                         "types (try --labels distant, or a label file with --gold)")
    train_set, held = split_held_out(examples, held_out, seed)
    if held_out > 0 and not held:
        warnings.append(f"{len(examples)} labelled items are too few to hold {held_out:.0%} out "
                        f"(at least {MIN_HELD_OUT} needed): trained on all, no held-out figures")
    started = time.perf_counter()
    model.fit([e.text for e in train_set], [e.label for e in train_set], seed=seed,
              progress=lambda done, total: report("fitting", done, total))
    fit_seconds = time.perf_counter() - started
    held_figures = calibrated = None
    if held:
        report("evaluating", 0, len(held))
        held_figures, calibrated = evaluate_held_out(model, held)
        report("evaluating", len(held), len(held))
        model.meta["held_out"] = {"fraction": held_out, "figures": held_figures,
                                  "by_origin": dict(Counter(e.origin for e in held))}
        model.meta["calibration"] = calibrated
    model.meta["data"] = {
        "inputs": sorted({Path(p).name for p in inputs}),
        "labels": labels,
        "gold": Path(gold).name if gold else None,
        "excluded": Path(exclude).name if exclude else None,
        "examples": stats.to_dict(),
    }
    model.meta["created"] = dt.date.today().isoformat()
    if command:
        model.meta["command"] = command
    with atomic_dir(out) as tmp:
        model.save(tmp)
        (tmp / MODEL_CARD).write_text(model_card(model.meta, warnings), encoding="utf-8")
    path = Path(out)
    log.info("trained %s on %d items in %.1f s (reading %.1f s) -> %s", backend, len(train_set),
             fit_seconds, read_seconds, path)
    return TrainReport(backend, path, len(train_set), stats.to_dict(), read_seconds, fit_seconds,
                       held_figures, calibrated, warnings)


def _confusion_lines(confusion: list[list[int]]) -> list[str]:
    width = max(len(t) for t in ITEM_TYPES)
    lines = [" " * width + "  " + "  ".join(f"{t[:5]:>5}" for t in ITEM_TYPES)]
    lines += [f"{t:>{width}}  " + "  ".join(f"{v:>5}" for v in row) for t, row in zip(ITEM_TYPES, confusion)]
    return lines


def model_card(meta: dict, warnings: Sequence[str] = ()) -> str:
    """The README.md of a trained model directory: what it is, what it learned from, how it does."""
    data = meta.get("data", {})
    examples = data.get("examples", {})
    by_label = ", ".join(f"{t} {n}" for t, n in examples.get("by_label", {}).items())
    by_origin = ", ".join(f"{o} {n}" for o, n in examples.get("by_origin", {}).items())
    lines = [
        f"# Model card: referat item-type classifier ({meta.get('backend')})",
        "",
        "Types agenda items as `orientering`, `beslutning` or `drøftelse` where no type marker is "
        "printed (a printed marker always wins and never reaches the model). Use it with "
        "`referat process --classifier THIS_FOLDER`; its probabilities are combined with the "
        "evidence rules (configs/item_types.toml).",
        "",
        "| | |",
        "|---|---|",
        f"| Backend | {meta.get('backend')} |",
        f"| Trained | {meta.get('created')}, referat {meta.get('version')}, seed {meta.get('seed')} |",
        f"| Command | `{meta.get('command') or 'referat train types (library call)'}` |",
        f"| Inputs | {', '.join(data.get('inputs', []))} ({examples.get('documents', 0)} documents, "
        f"{examples.get('items', 0)} items) |",
        f"| Labels | {data.get('labels')}: {meta.get('n_examples')} training items ({by_label}); "
        f"all labelled items by origin: {by_origin} |",
        f"| Gold file | {data.get('gold') or '-'} |",
        f"| Excluded | {data.get('excluded') or '-'} ({examples.get('excluded', 0)} items) |",
        f"| Unlabelled | {examples.get('unlabelled', 0)} items (no marker, no decisive evidence, no label) |",
        f"| Parameters | {', '.join(f'{k} = {v}' for k, v in sorted((meta.get('params') or {}).items()))} |",
        "",
    ]
    held = meta.get("held_out")
    if held:
        lines += [f"## Held-out figures ({held['fraction']:.0%} of the labelled items, stratified by type)",
                  "",
                  "Model + rules, as `referat process` uses it; accuracy and macro-F1 over the three types. "
                  "Items labelled by the rules (`rules`, `marker`) measure agreement with what the rules "
                  "were sure of, not accuracy on the items they leave open; `gold` and `type` are labels a "
                  "person gave.", "",
                  "| held-out items | n | accuracy | macro-F1 |", "|---|---|---|---|"]
        for origin, result in held["figures"].items():
            lines.append(f"| {origin} | {result['n']} | {result['accuracy']:.4f} | {result['macro_f1']:.4f} |")
        lines += ["", "Confusion (all held-out items; rows gold, columns predicted):", "", "```",
                  *_confusion_lines(held["figures"]["all"]["confusion"]), "```", ""]
    else:
        lines += ["## Held-out figures", "", "None: trained on every labelled item.", ""]
    calibrated = meta.get("calibration")
    if calibrated:
        lines += ["## Calibration", "",
                  f"Scores are the softmax of the combined logits divided by a temperature of "
                  f"{calibrated['temperature']}, from {calibrated['fitted_on']}. Expected calibration "
                  f"error on the {calibrated['n']} held-out items {calibrated['ece_items']}: "
                  f"{calibrated['ece_before']} at temperature 1, {calibrated['ece_after']} with it.", ""]
    if warnings:
        lines += ["## Warnings", "", *(f"- {w}" for w in warnings), ""]
    lines += ["## Files", "",
              "Plain data only (JSON, `.npy` read with `allow_pickle=False`, or safetensors); "
              "`SHA256SUMS` covers every file but this card and is checked before anything is read.", ""]
    return "\n".join(lines)
