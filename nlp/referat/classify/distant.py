"""Distant supervision: label the items whose type is known without a human.

An item is a training example when its type is printed (the marker,
ANNOTATION.md §2) or when the evidence rules are decisive: the best type
leads the runner-up by `min_margin` logits (configs/classifier.toml), which
takes an unambiguous decision or recommendation phrase, or a title that names
a kind of item (Spørgetid, Temamøde), not a title word alone.
The model trained on these then types the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from referat.classify.features import ItemText, item_marker, item_text, marker_label
from referat.classify.rules import EvidenceRules
from referat.model import Document, Item
from referat.resources import load_toml


@dataclass(frozen=True)
class DistantLabel:
    label: str
    origin: str  # "marker" or "rules"


def default_min_margin() -> float:
    return float(load_toml("classifier.toml")["distant"]["min_margin"])


def distant_label(text: ItemText, marker: str | None, rules: EvidenceRules,
                  min_margin: float) -> DistantLabel | None:
    """The item's type if a marker or decisive phrases give it, else None."""
    label = marker_label(marker)
    if label is not None:
        return DistantLabel(label, "marker")
    ruled = rules.evaluate(text)
    if ruled.hits and ruled.margin >= min_margin:
        return DistantLabel(ruled.label, "rules")
    return None


def label_item(doc: Document, item: Item, rules: EvidenceRules | None = None,
               min_margin: float | None = None) -> DistantLabel | None:
    """`distant_label` for an item of a segmented document."""
    return distant_label(item_text(doc, item), item_marker(item), rules or EvidenceRules.default(),
                         default_min_margin() if min_margin is None else min_margin)
