"""Scores that mean what they say: temperature scaling and the expected calibration error.

An item's `classification.score` is meant as the probability that its type
is right, so that a reviewer can sort by it. The combined logits of model and
rules are sure of themselves (a decisive phrase alone is worth 6 logits, odds
of 400:1), so they are divided by one temperature fitted on labelled items
the model never saw (minimum negative log-likelihood): the ranking and the
chosen type stay the same, only the scores move.

The expected calibration error (ECE) measures the result: items are put in
10 equal-width bins by their score; ECE is the mean, weighted by bin size, of
|accuracy - mean score| per bin. 0 is perfect; 0.05 means the scores are off
by five points on average.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

BINS = 10
_LOG_T_RANGE = (-4.0, 4.0)  # temperatures from e**-4 to e**4


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax of an (n, k) array."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exps = np.exp(shifted)
    return exps / exps.sum(axis=1, keepdims=True)


def nll(logits: np.ndarray, labels: np.ndarray, temperature: float = 1.0) -> float:
    """Mean negative log-likelihood of the true labels (column indices)."""
    scaled = logits / temperature
    top = scaled.max(axis=1, keepdims=True)
    log_norm = top[:, 0] + np.log(np.exp(scaled - top).sum(axis=1))
    return float(np.mean(log_norm - scaled[np.arange(len(labels)), labels]))


def fit_temperature(logits: np.ndarray, labels: Sequence[int]) -> float:
    """The temperature that minimises the NLL of `labels` (golden-section search on log T)."""
    labels = np.asarray(labels, dtype=np.int64)
    if len(labels) == 0:
        return 1.0
    lo, hi = _LOG_T_RANGE
    ratio = (np.sqrt(5) - 1) / 2
    a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    fa, fb = nll(logits, labels, np.exp(a)), nll(logits, labels, np.exp(b))
    for _ in range(60):
        if fa < fb:
            hi, b, fb = b, a, fa
            a = hi - ratio * (hi - lo)
            fa = nll(logits, labels, np.exp(a))
        else:
            lo, a, fa = a, b, fb
            b = lo + ratio * (hi - lo)
            fb = nll(logits, labels, np.exp(b))
    return float(round(np.exp((lo + hi) / 2), 4))


@dataclass(frozen=True)
class Reliability:
    """Per score bin: items, mean score, accuracy; and the ECE over all bins."""

    ece: float
    n: int
    bins: list[dict]  # {"low", "high", "n", "confidence", "accuracy"}

    def to_dict(self) -> dict:
        return {"ece": self.ece, "n": self.n, "bins": self.bins}


def reliability(confidences: Sequence[float], correct: Sequence[bool], bins: int = BINS) -> Reliability:
    """Expected calibration error of scores (the chosen type's) against right/wrong."""
    conf = np.asarray(confidences, dtype=np.float64)
    right = np.asarray(correct, dtype=np.float64)
    if len(conf) == 0:
        return Reliability(0.0, 0, [])
    index = np.minimum((conf * bins).astype(np.int64), bins - 1)
    table, ece = [], 0.0
    for b in range(bins):
        inside = index == b
        count = int(inside.sum())
        if not count:
            continue
        mean_conf, accuracy = float(conf[inside].mean()), float(right[inside].mean())
        ece += count / len(conf) * abs(accuracy - mean_conf)
        table.append({"low": b / bins, "high": (b + 1) / bins, "n": count,
                      "confidence": round(mean_conf, 4), "accuracy": round(accuracy, 4)})
    return Reliability(round(ece, 4), len(conf), table)


def cross_validated(logits: np.ndarray, labels: Sequence[int], folds: int = 5, seed: int = 0
                    ) -> tuple[Reliability, list[float]]:
    """The ECE of temperatures fitted on the other folds: an honest figure for a small set.

    Returns the reliability over all items (each scored with a temperature its
    own fold never saw) and the temperature of each fold.
    """
    labels = np.asarray(labels, dtype=np.int64)
    order = np.random.default_rng(seed).permutation(len(labels))
    fold_of = np.empty(len(labels), dtype=np.int64)
    fold_of[order] = np.arange(len(labels)) % folds
    probs = np.zeros_like(logits, dtype=np.float64)
    temperatures = []
    for fold in range(folds):
        held = fold_of == fold
        temperature = fit_temperature(logits[~held], labels[~held])
        temperatures.append(temperature)
        probs[held] = softmax(logits[held] / temperature)
    chosen = probs.argmax(axis=1)
    return reliability(probs.max(axis=1), chosen == labels), temperatures
