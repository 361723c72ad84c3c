"""What every item-type classifier does: `classify(doc)`, and for models fit/predict/save/load.

The printed marker always wins (ANNOTATION.md §2: it is the truth, source
"marker", score 1.0). Otherwise a `RuleClassifier` scores the evidence
phrases alone, and a `ModelClassifier` combines its model's probabilities
with them:

    logit(type) = log p_model(type) + rule_weight * rule_evidence(type)

so a decisive decision phrase ("Taget til efterretning", "Drøftet") carries
the call, and the model decides where the rules are silent or split.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from referat.classify.features import ItemText, item_marker, item_text, marker_label, model_input
from referat.classify.rules import EvidenceRules, RuleResult, softmax
from referat.errors import ModelError
from referat.model import ITEM_TYPES, Classification, Document
from referat.resources import load_toml, verify_checksums, write_checksums

log = logging.getLogger(__name__)

META = "meta.json"


class Classifier(ABC):
    """Sets `item.type` and `item.classification` on every item of a document."""

    source: str = "rules"

    def __init__(self, rules: EvidenceRules | None = None):
        self.rules = rules

    def classify(self, doc: Document) -> None:
        """Type every item: marker first, then this classifier's scores."""
        pending: list[tuple[int, ItemText]] = []
        for index, item in enumerate(doc.items):
            label = marker_label(item_marker(item))
            if label is not None:
                item.type = label
                item.classification = Classification(
                    label=label, score=1.0, scores={t: float(t == label) for t in ITEM_TYPES},
                    evidence=[f"marker: ({item_marker(item)})"], source="marker")
            else:
                pending.append((index, item_text(doc, item)))
        if not pending:
            return
        for (index, _), result in zip(pending, self.score_items([t for _, t in pending])):
            doc.items[index].type = result.label
            doc.items[index].classification = result

    @abstractmethod
    def score_items(self, texts: Sequence[ItemText]) -> list[Classification]:
        """A classification per item text (no marker involved)."""

    @abstractmethod
    def logits(self, texts: Sequence[ItemText]) -> np.ndarray:
        """The logits behind `score_items`, before the temperature: shape (n, 3)."""

    @property
    def temperature(self) -> float:
        """What the logits are divided by so that scores are calibrated (`calibration.py`)."""
        return 1.0


class RuleClassifier(Classifier):
    """The evidence rules alone: no model file needed."""

    source = "rules"

    def __init__(self, rules: EvidenceRules | None = None, temperature: float | None = None):
        super().__init__(rules or EvidenceRules.default())
        self._temperature = temperature

    @property
    def temperature(self) -> float:
        if self._temperature is None:
            self._temperature = default_temperature("rules")
        return self._temperature

    def score_items(self, texts: Sequence[ItemText]) -> list[Classification]:
        results = []
        for text in texts:
            ruled = self.rules.evaluate(text)
            scores = softmax({t: v / self.temperature for t, v in ruled.logits.items()})
            results.append(Classification(label=ruled.label, score=scores[ruled.label],
                                          scores=scores, evidence=ruled.evidence(ruled.label),
                                          source=self.source))
        return results

    def logits(self, texts: Sequence[ItemText]) -> np.ndarray:
        rows = [self.rules.evaluate(text).logits for text in texts]
        return np.array([[row[t] for t in ITEM_TYPES] for row in rows]).reshape(-1, len(ITEM_TYPES))


class ModelClassifier(Classifier):
    """A trainable text model over `features.model_input`, optionally combined with rules."""

    backend: str = ""

    def __init__(self, rules: EvidenceRules | None = None, rule_weight: float | None = None,
                 meta: dict | None = None):
        super().__init__(rules)
        if rule_weight is None:
            rule_weight = float(load_toml("classifier.toml")["combine"]["rule_weight"])
        self.rule_weight = rule_weight
        self.meta: dict = dict(meta or {})

    @property
    def source(self) -> str:  # type: ignore[override]
        version = self.meta.get("version", "0")
        return f"model:{self.backend}@{version}"

    @property
    def temperature(self) -> float:
        """The model directory's own (meta.json "calibration"), else the configured default."""
        own = (self.meta.get("calibration") or {}).get("temperature")
        return float(own) if own is not None else default_temperature()

    # --- the model protocol ---------------------------------------------------

    @abstractmethod
    def fit(self, texts: Sequence[str], labels: Sequence[str], seed: int = 0,
            progress: Callable[[int, int], None] | None = None) -> ModelClassifier:
        """Train on model inputs and their labels (from `ITEM_TYPES`); `progress(step, steps)`."""

    @abstractmethod
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, shape (n, 3), columns in `ITEM_TYPES` order."""

    @abstractmethod
    def save(self, path: str | Path) -> Path:
        """Write the model directory (plain arrays / safetensors + meta + checksums)."""

    @classmethod
    @abstractmethod
    def load(cls, path: str | Path, rules: EvidenceRules | None = None) -> ModelClassifier:
        """Read a directory written by `save`, checksums verified."""

    def explain(self, text: str, label: str) -> list[str]:
        """Input features that speak for `label` (empty where the model cannot say)."""
        return []

    def explained_proba(self, texts: Sequence[str]) -> tuple[np.ndarray, Explainer]:
        """`predict_proba`, and a function (rows, a label each) -> the features of each row that
        speak for its label; a backend that can reuse its features for both overrides this."""
        return self.predict_proba(texts), lambda indices, labels: [
            self.explain(texts[i], label) for i, label in zip(indices, labels)]

    def predict(self, texts: Sequence[str]) -> list[str]:
        probs = self.predict_proba(texts)
        return [ITEM_TYPES[int(i)] for i in np.argmax(probs, axis=1)]

    # --- combining with the rules ---------------------------------------------

    def score_items(self, texts: Sequence[ItemText]) -> list[Classification]:
        probs, explain = self.explained_proba([model_input(t) for t in texts])
        ruled = [self.rules.evaluate(t) if self.rules is not None else None for t in texts]
        logits = [self._logits(row, r) for row, r in zip(probs, ruled)]
        labels = [max(ITEM_TYPES, key=lambda t, lg=lg: lg[t]) for lg in logits]
        # the model's own terms, where the model agrees with the final type
        agreeing = [i for i, (row, label) in enumerate(zip(probs, labels))
                    if ITEM_TYPES[int(np.argmax(row))] == label]
        terms = dict(zip(agreeing, explain(agreeing, [labels[i] for i in agreeing])))
        results = []
        for i, (row, r, lg, label) in enumerate(zip(probs, ruled, logits, labels)):
            scores = softmax({t: v / self.temperature for t, v in lg.items()})
            evidence = r.evidence(label) if r is not None else []
            if i in terms:
                evidence.append(f"model: p={float(row[ITEM_TYPES.index(label)]):.2f}"
                                + (f" ({', '.join(terms[i])})" if terms[i] else ""))
            source = self.source + ("+rules" if r is not None and r.hits else "")
            results.append(Classification(label=label, score=scores[label], scores=scores,
                                          evidence=evidence, source=source))
        return results

    def logits(self, texts: Sequence[ItemText]) -> np.ndarray:
        probs = self.predict_proba([model_input(t) for t in texts])
        rows = [self._logits(row, self.rules.evaluate(text) if self.rules is not None else None)
                for text, row in zip(texts, probs)]
        return np.array([[row[t] for t in ITEM_TYPES] for row in rows]).reshape(-1, len(ITEM_TYPES))

    def _logits(self, probs: np.ndarray, ruled: RuleResult | None) -> dict[str, float]:
        logits = {t: math.log(max(float(p), 1e-12)) for t, p in zip(ITEM_TYPES, probs)}
        if ruled is not None:
            for t in ITEM_TYPES:
                logits[t] += self.rule_weight * ruled.evidence_logits[t]
        return logits


Explainer = Callable[[Sequence[int], Sequence[str]], list[list[str]]]
"""explain(rows, a type each) -> for each row, the input features that speak for its type."""


def default_temperature(kind: str = "model") -> float:
    """The configured temperature for model + rules ("model") or the rules alone ("rules")."""
    return float(load_toml("classifier.toml").get("calibration", {}).get(f"{kind}_temperature", 1.0))


# --- model directories: meta and checksums -----------------------------------


def read_meta(directory: str | Path, backend: str | None = None,
              labels: Sequence[str] = ITEM_TYPES) -> dict:
    """The meta.json of a verified model directory (which backend, labels, version, data);
    with `backend`, a directory of another backend is refused; so is one of other `labels`
    (the classes the caller expects: the item types, or another model's)."""
    path = Path(directory) / META
    if not path.is_file():
        raise ModelError(f"not a referat model directory (no {META})", path=str(directory))
    verify_checksums(directory)
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ModelError(f"broken {META} ({err})", path=str(directory)) from err
    if list(meta.get("labels", [])) != list(labels):
        raise ModelError(f"model labels {meta.get('labels')} are not {list(labels)}",
                         path=str(directory))
    if backend and meta.get("backend") != backend:
        raise ModelError(f"model backend is {meta.get('backend')!r}, not {backend!r}",
                         path=str(directory))
    return meta


def seal(directory: Path, model: ModelClassifier, labels: Sequence[str] | None = None) -> Path:
    """Write meta.json, then SHA256SUMS over every file: the last step of each `save`
    (of any model with `meta`, `backend` and `params`; `labels` are its classes, by
    default `model.labels` or the item types)."""
    labels = list(labels if labels is not None else getattr(model, "labels", ITEM_TYPES))
    meta = model.meta | {"backend": model.backend, "labels": labels, "params": model.params}
    (directory / META).write_text(json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True)
                                  + "\n", encoding="utf-8")
    write_checksums(directory)
    return directory


def data_digest(texts: Sequence[str], labels: Sequence[str]) -> str:
    """A short fingerprint of the training data, for the model card."""
    digest = hashlib.sha256()
    for text, label in zip(texts, labels):
        digest.update(label.encode() + b"\0" + text.encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]
