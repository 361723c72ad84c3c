"""Training data for item-type models: documents in, (model input, label) examples out.

Documents come from referat JSONL records (the output of `referat process`,
possibly corrected by hand) or from any input referat reads (PDF, text,
portal JSON such as Greve's), which go through referat's own reader and
segmenter. Labels come, per item, from the first of:

1. a label file (`gold`): hand labels by file name and item number;
2. the item's own `type`, where a person set it (records whose
   classification is absent or has source "human", "gold" or "marker");
3. distant supervision (marker or decisive rules, `distant.py`).

`labels="distant"` skips 2, `labels="type"` uses only 1-2. Items listed in
`exclude` (for instance the hand-labelled evaluation items) are never used.
"""

from __future__ import annotations

import copy
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from referat.classify.distant import default_min_margin, distant_label
from referat.classify.features import item_marker, item_text, model_input
from referat.classify.rules import EvidenceRules
from referat.errors import InputError
from referat.model import ITEM_TYPES, Document, Item
from referat.records import read_records

log = logging.getLogger(__name__)

LABEL_MODES = ("auto", "distant", "type")
TRUSTED_SOURCES = ("human", "gold", "marker")

ItemKey = tuple[str, int]  # (file name, item number)


@dataclass(frozen=True)
class Example:
    doc: str  # the input's file name
    number: int
    text: str  # features.model_input: what the model sees
    label: str
    origin: str  # "gold", "type", "marker" or "rules"


@dataclass
class ExampleStats:
    items: int = 0
    excluded: int = 0
    unlabelled: int = 0
    documents: int = 0
    failed: list[str] = field(default_factory=list)
    by_origin: Counter = field(default_factory=Counter)
    by_label: Counter = field(default_factory=Counter)

    def to_dict(self) -> dict:
        return {"documents": self.documents, "items": self.items, "excluded": self.excluded,
                "unlabelled": self.unlabelled, "failed": list(self.failed),
                "by_origin": dict(sorted(self.by_origin.items())),
                "by_label": {t: self.by_label.get(t, 0) for t in ITEM_TYPES}}


def document_key(doc: Document) -> str:
    """How label files name a document: its file name."""
    return Path(doc.source).name


def typed_against(classifier, docs: Iterable[Document], gold: dict[ItemKey, str],
                  strip_markers: bool = False) -> tuple[list[str], list[str]]:
    """(gold types, predicted types) for the items `gold` labels, typed by `classifier`.

    With `strip_markers`, the printed (O)/(B)/(D) markers are taken away first:
    how the classifier does on layouts that never print one. The documents are
    copied, never changed.
    """
    truth, pred = [], []
    for original in docs:
        doc = copy.deepcopy(original)
        if strip_markers:
            for item in doc.items:
                item.marker = None
        classifier.classify(doc)
        for item in doc.items:
            key = (document_key(doc), item.number)
            if key in gold:
                truth.append(gold[key])
                pred.append(item.type)
    return truth, pred


def expand_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and inside folders named: what `referat process` reads, plus records (.jsonl)."""
    from referat.batch import collect_inputs

    paths = [Path(p) for p in paths]
    for path in paths:
        if not path.exists():
            raise InputError("no such file or folder", path=str(path))
    records = {p for folder in paths if folder.is_dir() for p in folder.rglob("*.jsonl")
               if not any(part.startswith(".") for part in p.relative_to(folder).parts)}
    return sorted({Path(p) for p in collect_inputs(paths)} | records, key=lambda p: p.parts)


def read_jsonl(path: Path) -> Iterator[Document]:
    """referat records, one per line."""
    for number, record in read_records(path):
        try:
            yield Document.from_dict(record)
        except (KeyError, TypeError, ValueError) as err:
            raise InputError(f"line {number} is not a referat record ({err})", path=str(path)) from err


def iter_documents(paths: Iterable[str | Path], stats: ExampleStats | None = None
                   ) -> Iterator[Document]:
    """Documents from records (.jsonl) or from raw inputs through ingest, normalise and segment."""
    pipeline = None
    for path in expand_inputs(paths):
        if path.suffix.lower() == ".jsonl":
            yield from read_jsonl(path)
            continue
        if pipeline is None:
            from referat.pipeline import Options, Pipeline

            pipeline = Pipeline(Options(annotate=False, classify=False))
        doc = pipeline.process(path)
        if not doc.ok:
            log.warning("%s: skipped (%s)", path, "; ".join(p.message for p in doc.errors))
            if stats is not None:
                stats.failed.append(str(path))
            continue
        yield doc


def read_labels(path: str | Path) -> dict[ItemKey, str]:
    """Item labels from a label file.

    Accepts one object per line in any of three shapes: referat's own
    hand-label file (`{"file", "number", "label"}`), the gold format of
    `shared/tools/score.py` (`{"doc", "items": [{"number", "type"}]}`), and
    referat records (`{"source", "items": [...]}`, types set by a person).
    """
    labels: dict[ItemKey, str] = {}
    path = Path(path)
    for number, row in read_records(path):
        try:
            if "label" in row:
                pairs = [(Path(row["file"]).name, int(row["number"]), row["label"])]
            else:
                name = Path(row.get("doc") or row["source"]).name
                pairs = [(name, int(i["number"]), i["type"]) for i in row["items"] if i.get("type")]
        except (KeyError, TypeError, ValueError) as err:
            raise InputError(f"line {number} is not a label record ({err})", path=str(path)) from err
        for name, item_number, label in pairs:
            if label not in ITEM_TYPES:
                raise InputError(f"line {number}: unknown type {label!r}; expected one of "
                                 f"{ITEM_TYPES}", path=str(path))
            labels[(name, item_number)] = label
    return labels


def _trusted_type(item: Item) -> str | None:
    if item.type not in ITEM_TYPES:
        return None
    if item.classification is None or item.classification.source in TRUSTED_SOURCES:
        return item.type
    return None


def collect_examples(docs: Iterable[Document], labels: str = "auto",
                     gold: dict[ItemKey, str] | None = None,
                     exclude: Iterable[ItemKey] = (), rules: EvidenceRules | None = None,
                     min_margin: float | None = None,
                     stats: ExampleStats | None = None) -> list[Example]:
    """Labelled examples from documents (see the module docstring for the label order)."""
    if labels not in LABEL_MODES:
        raise ValueError(f"labels must be one of {LABEL_MODES}, not {labels!r}")
    rules = rules or EvidenceRules.default()
    min_margin = default_min_margin() if min_margin is None else min_margin
    gold = gold or {}
    excluded = set(exclude)
    stats = stats if stats is not None else ExampleStats()
    examples: list[Example] = []
    for doc in docs:
        stats.documents += 1
        name = document_key(doc)
        for item in doc.items:
            stats.items += 1
            key = (name, item.number)
            if key in excluded:
                stats.excluded += 1
                continue
            text = item_text(doc, item)
            label, origin = gold.get(key), "gold"
            if label is None and labels in ("auto", "type"):
                label, origin = _trusted_type(item), "type"
            if label is None and labels in ("auto", "distant"):
                found = distant_label(text, item_marker(item), rules, min_margin)
                if found is not None:
                    label, origin = found.label, found.origin
            if label is None:
                stats.unlabelled += 1
                continue
            examples.append(Example(name, item.number, model_input(text), label, origin))
            stats.by_origin[origin] += 1
            stats.by_label[label] += 1
    return examples
