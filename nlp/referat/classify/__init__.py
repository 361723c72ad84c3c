"""Item types (orientering / beslutning / drøftelse) with a score per class and the evidence.

    from referat.classify import load_classifier
    classifier = load_classifier()          # marker > shipped linear model + rules
    classifier.classify(doc)                # sets item.type and item.classification

`load_classifier(name)`:
- "default": the printed marker wins; else the shipped linear model
  (models/classifier) combined with the evidence rules; the rules alone
  where no model file is installed;
- "rules": marker, then the evidence rules of configs/item_types.toml;
- a path: a model directory written by `referat train types` (linear or
  transformers, read from its meta.json), combined with the rules.
"""

from __future__ import annotations

import logging
from pathlib import Path

from referat.classify.base import Classifier, ModelClassifier, RuleClassifier, read_meta
from referat.classify.features import ItemText, item_text, model_input, strip_marker
from referat.classify.rules import EvidenceRules
from referat.errors import ModelError
from referat.resources import models_dir

log = logging.getLogger(__name__)

DEFAULT_MODEL = "classifier"


def load_model(path: str | Path, rules: EvidenceRules | None = None) -> ModelClassifier:
    """A model directory from `referat train types`, of whichever backend its meta.json names."""
    backend = read_meta(path).get("backend")
    if backend == "linear":
        from referat.classify.linear import LinearClassifier

        return LinearClassifier.load(path, rules=rules)
    if backend == "transformers":
        from referat.classify.transformer import TransformerClassifier

        return TransformerClassifier.load(path, rules=rules)
    raise ModelError(f"unknown model backend {backend!r}", path=str(path))


def load_classifier(name: str = "default") -> Classifier:
    """"default", "rules", or a model directory (see the module docstring)."""
    if name == "rules":
        return RuleClassifier()
    rules = EvidenceRules.default()
    if name == "default":
        path = models_dir() / DEFAULT_MODEL
        if not path.is_dir():
            log.warning("no item-type model in %s: typing items by the rules alone", path)
            return RuleClassifier(rules)
        return load_model(path, rules)
    path = Path(name)
    if not path.is_dir():
        raise ModelError("classifier must be 'default', 'rules' or a model directory", path=name)
    return load_model(path, rules)


__all__ = ["Classifier", "EvidenceRules", "ItemText", "ModelClassifier", "RuleClassifier",
           "item_text", "load_classifier", "load_model", "model_input", "strip_marker"]
