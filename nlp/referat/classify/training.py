"""`referat train types`: documents in, a model directory out.

Reads the inputs (referat JSONL or raw minutes), labels items (hand labels,
types set by a person, distant supervision; see data.py), fits the chosen
backend with a fixed seed and saves it with meta.json (data, counts, date)
and SHA256SUMS. The same inputs and seed give the same arrays.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from referat.classify.base import ModelClassifier
from referat.classify.data import (ExampleStats, collect_examples, iter_documents, read_labels)
from referat.errors import InputError

log = logging.getLogger(__name__)

BACKENDS = ("linear", "transformers")


@dataclass
class TrainReport:
    backend: str
    out: Path
    examples: int
    stats: dict
    read_seconds: float
    fit_seconds: float


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


def train(inputs: list[str | Path], out: str | Path, *, backend: str = "linear", seed: int = 0,
          labels: str = "auto", gold: str | Path | None = None,
          exclude: str | Path | None = None, base_model: str | Path | None = None,
          params: dict | None = None) -> TrainReport:
    """Train an item-type model on `inputs` and save it to `out`."""
    model = new_model(backend, base_model, params)
    started = time.perf_counter()
    stats = ExampleStats()
    examples = collect_examples(
        iter_documents(inputs, stats), labels=labels,
        gold=read_labels(gold) if gold else None,
        exclude=read_labels(exclude).keys() if exclude else (), stats=stats)
    read_seconds = time.perf_counter() - started
    if len({e.label for e in examples}) < 2:
        raise InputError(f"{len(examples)} labelled items in {len(inputs)} input(s), of "
                         f"{len({e.label for e in examples})} type(s): a model needs at least two "
                         "types (try --labels distant, or a label file with --gold)")
    started = time.perf_counter()
    model.fit([e.text for e in examples], [e.label for e in examples], seed=seed)
    fit_seconds = time.perf_counter() - started
    model.meta["data"] = {
        "inputs": sorted({Path(p).name for p in inputs}),
        "labels": labels,
        "gold": Path(gold).name if gold else None,
        "excluded": Path(exclude).name if exclude else None,
        "examples": stats.to_dict(),
    }
    model.meta["created"] = dt.date.today().isoformat()
    path = model.save(out)
    log.info("trained %s on %d items in %.1f s (reading %.1f s) -> %s", backend, len(examples),
             fit_seconds, read_seconds, path)
    return TrainReport(backend, path, len(examples), stats.to_dict(), read_seconds, fit_seconds)
