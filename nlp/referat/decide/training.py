"""`referat train outcomes`: the outcome model by distant supervision.

A decision whose outcome a `strong` phrase gives ("Godkendt", "Sagen sendes
tilbage til administrationen") is a training example, labelled by that
phrase; the model reads it with every outcome phrase blanked
(`linear.model_text`), so it learns the rest of the wording, which is all it
has where it is needed: where no phrase decides. Items listed in `exclude`
(an evaluation set such as the decisions dev gold) are never read.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from referat.decide.decider import Decider, document_context
from referat.decide.linear import OutcomeModel, default_params, model_text
from referat.errors import InputError
from referat.model import Document
from referat.outputs import atomic_dir, check_target
from referat.records import read_records
from referat.resources import MODEL_CARD

log = logging.getLogger(__name__)

ItemKey = tuple[str, int]  # (file name, item number)


@dataclass
class OutcomeExamples:
    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    documents: int = 0
    items: int = 0
    decisions: int = 0
    excluded: int = 0
    unlabelled: int = 0  # decisions no strong phrase labels
    failed: list[str] = field(default_factory=list)

    def stats(self) -> dict:
        return {"documents": self.documents, "items": self.items, "decisions": self.decisions,
                "examples": len(self.labels), "excluded": self.excluded, "unlabelled": self.unlabelled,
                "failed": list(self.failed), "by_label": dict(sorted(Counter(self.labels).items()))}


def read_item_keys(path: str | Path) -> set[ItemKey]:
    """(file name, item number) of each item a JSONL file names: decision gold lines
    (`{"doc", "number"}`), hand-label lines (`{"file", "number"}`) or document gold
    (`{"doc", "items": [{"number"}]}`)."""
    keys: set[ItemKey] = set()
    for line, row in read_records(path):
        try:
            name = Path(row.get("doc") or row.get("file") or row["source"]).name
            numbers = [row["number"]] if "number" in row else [i["number"] for i in row["items"]]
            keys.update((name, int(n)) for n in numbers)
        except (KeyError, TypeError, ValueError) as err:
            raise InputError(f"line {line} names no item ({err})", path=str(path)) from None
    return keys


def collect(docs: Iterable[Document], exclude: set[ItemKey] = frozenset(),
            decider: Decider | None = None) -> OutcomeExamples:
    """Examples from documents: decisions a strong phrase labels, phrases blanked."""
    decider = decider or Decider("rules")
    grammar = decider.grammar
    found = OutcomeExamples()
    for doc in docs:
        found.documents += 1
        if doc.meeting.kind == "dagsorden":
            continue
        name = Path(doc.source).name
        codes, persons = document_context(doc)
        for item in doc.items:
            found.items += 1
            if (name, item.number) in exclude:
                found.excluded += 1
                continue
            reading, _, _ = decider.read(doc, item, codes, persons)
            if reading is None:
                continue
            found.decisions += 1
            rule, label, _ = decider.rule_verdict(doc, item, reading)
            if rule is None or rule.tier != "strong":
                found.unlabelled += 1
                continue
            text = model_text(item.title, reading.statements, [f.span for f in reading.votes], grammar)
            if text.strip():
                found.texts.append(text)
                found.labels.append(label)
    return found


@dataclass
class OutcomeReport:
    out: Path
    stats: dict
    read_seconds: float
    fit_seconds: float


def train(inputs: list[str | Path], out: str | Path, *, seed: int = 0,
          exclude: str | Path | None = None, force: bool = False,
          params: dict | None = None) -> OutcomeReport:
    """Train the outcome model on minutes or referat records and save it to `out`."""
    from referat.classify.data import ExampleStats, iter_documents

    check_target(out, inputs=inputs, force=force, directory=True)
    started = time.perf_counter()
    reading = ExampleStats()
    excluded = read_item_keys(exclude) if exclude else set()
    examples = collect(iter_documents(inputs, reading), excluded)
    examples.failed = list(reading.failed)
    read_seconds = time.perf_counter() - started
    if len(set(examples.labels)) < 2:
        raise InputError(f"{len(examples.labels)} decisions labelled by the phrase rules in "
                         f"{examples.documents} document(s): an outcome model needs at least two outcomes")
    model = OutcomeModel(params=default_params() | dict(params or {}))
    started = time.perf_counter()
    model.fit(examples.texts, examples.labels, seed=seed)
    fit_seconds = time.perf_counter() - started
    model.meta["data"] = {"inputs": sorted({Path(p).name for p in inputs}), "labels": "distant:strong-phrases",
                          "excluded": Path(exclude).name if exclude else None,
                          "examples": examples.stats()}
    model.meta["created"] = dt.date.today().isoformat()
    with atomic_dir(out) as tmp:
        model.save(tmp)
        card = Path(out) / MODEL_CARD
        if card.is_file():  # a retrained model keeps its (hand-written) card; update its figures
            shutil.copy2(card, tmp / MODEL_CARD)
    log.info("trained the outcome model on %d decisions in %.1f s -> %s", len(examples.labels),
             fit_seconds, out)
    return OutcomeReport(Path(out), examples.stats(), read_seconds, fit_seconds)
