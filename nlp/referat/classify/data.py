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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from referat.classify.distant import default_min_margin, distant_label
from referat.classify.features import ItemText, item_marker, item_text, marker_label, model_input
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
    item: ItemText | None = None  # what the rules read (for evaluating model + rules)


@dataclass
class ExampleStats:
    items: int = 0
    excluded: int = 0
    unlabelled: int = 0
    documents: int = 0
    failed: list[str] = field(default_factory=list)
    by_origin: Counter = field(default_factory=Counter)
    by_label: Counter = field(default_factory=Counter)
    gold_labels: int = 0  # labels in the --gold file
    gold_matched: int = 0  # ... that named an item of the inputs
    gold_unmatched: list[str] = field(default_factory=list)  # a few that did not, and why

    def to_dict(self) -> dict:
        out = {"documents": self.documents, "items": self.items, "excluded": self.excluded,
               "unlabelled": self.unlabelled, "failed": list(self.failed),
               "by_origin": dict(sorted(self.by_origin.items())),
               "by_label": {t: self.by_label.get(t, 0) for t in ITEM_TYPES}}
        if self.gold_labels:
            out["gold"] = {"labels": self.gold_labels, "matched": self.gold_matched}
        return out

    def gold_warning(self) -> str | None:
        """A loud note when the label file names items the inputs do not have (None: all found)."""
        if not self.gold_labels or self.gold_matched == self.gold_labels:
            return None
        return (f"only {self.gold_matched} of {self.gold_labels} gold labels match an item of the "
                "inputs (labels name a document by its file name and an item by its number); "
                f"for example {'; '.join(self.gold_unmatched)}")


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


def unmarked_items(docs: Iterable[Document], gold: dict[ItemKey, str]) -> list[tuple[ItemText, str]]:
    """(item text, gold type) of the items `gold` labels that print no type marker:
    the items whose score a classifier computes (a marker's is 1.0)."""
    return [(item_text(doc, item), gold[(document_key(doc), item.number)])
            for doc in docs for item in doc.items
            if (document_key(doc), item.number) in gold and marker_label(item_marker(item)) is None]


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
    """referat records, one per line: documents, or items (`referat process --unit item`)."""
    for number, record in read_records(path):
        try:
            yield _item_document(record) if "items" not in record and "number" in record \
                else Document.from_dict(record)
        except (KeyError, TypeError, ValueError) as err:
            raise InputError(f"line {number} is not a referat record ({err})", path=str(path)) from err


def _item_document(record: dict) -> Document:
    """An item record as a document of one item whose text is the item's slice
    (the record's section and entity offsets are relative to that slice)."""
    text = record["text"]
    item = Item.from_dict(record)
    item.start, item.end = 0, len(text)
    return Document(source=record["source"], sha256=record.get("sha256", ""),
                    format=record.get("format", "item"), text=text, items=[item])


def iter_documents(paths: Iterable[str | Path], stats: ExampleStats | None = None,
                   progress: Callable[[int, int], None] | None = None) -> Iterator[Document]:
    """Documents from records (.jsonl) or from raw inputs through ingest, normalise and segment;
    `progress(files done, files)` after each input file."""
    pipeline = None
    files = expand_inputs(paths)
    for done, path in enumerate(files, start=1):
        if path.suffix.lower() == ".jsonl":
            yield from read_jsonl(path)
        else:
            if pipeline is None:
                from referat.pipeline import Options, Pipeline

                pipeline = Pipeline(Options(annotate=False, classify=False))
            doc = pipeline.process(path)
            if doc.ok:
                yield doc
            else:
                log.warning("%s: skipped (%s)", path, "; ".join(p.message for p in doc.errors))
                if stats is not None:
                    stats.failed.append(str(path))
        if progress is not None:
            progress(done, len(files))


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
    seen: dict[str, set[int]] = {}
    for doc in docs:
        name = document_key(doc)
        if name not in seen:  # item records come one item a line
            stats.documents += 1
            seen[name] = set()
        for item in doc.items:
            stats.items += 1
            key = (name, item.number)
            seen[name].add(item.number)
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
            examples.append(Example(name, item.number, model_input(text), label, origin, text))
            stats.by_origin[origin] += 1
            stats.by_label[label] += 1
    _match_gold(gold, seen, excluded, stats)
    return examples


def _match_gold(gold: dict[ItemKey, str], seen: dict[str, set[int]], excluded: set[ItemKey],
                stats: ExampleStats, examples: int = 3) -> None:
    """How many gold labels named an item the inputs have (excluded ones do not count)."""
    stats.gold_labels = len(gold)
    for name, number in sorted(gold):
        if number in seen.get(name, ()) and (name, number) not in excluded:
            stats.gold_matched += 1
        elif len(stats.gold_unmatched) < examples:
            why = ("also in --exclude" if (name, number) in excluded
                   else f"no item {number} in it" if name in seen else "no such document among the inputs")
            stats.gold_unmatched.append(f"{name} item {number}: {why}")
