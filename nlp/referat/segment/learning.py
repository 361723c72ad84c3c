"""Training and evaluating the heading model on documents whose headings are known.

Labelled documents come from two places: renderings (`render.py`: a gold
meeting printed in a layout, normalised like a real file) and referat
records whose items a person has checked (`items[].start` is where each
heading begins). From each, the candidates every layout family proposes are
collected with their features (`heading_model.candidate_features`); a
candidate is a heading when its number is a gold item's and its line lies
in that item's head. `evaluate` segments documents with and without a
model and scores the items they give against the gold: items matched by
number (and letter), as the shared scorer does, plus title and case-number
agreement and the share of documents whose items all come out exactly.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from referat.evaluate import squash
from referat.model import Item, Page
from referat.segment.detect import best_layout
from referat.segment.heading_model import Features, HeadingModel, candidate_features, fit, settings
from referat.segment.lines import Lines
from referat.segment.render import GoldMeeting, Layout, Rendering, render

log = logging.getLogger(__name__)

RECORDS = "records"  # the layout name of documents used as printed


@dataclass(frozen=True)
class GoldHeading:
    number: int
    label: str | None  # "2a" for a lettered item
    title: str
    case_number: str | None
    first_line: int  # the head's lines in the normalised text
    last_line: int


@dataclass
class LabelledDoc:
    """A normalised text and where its item headings are."""

    name: str  # the meeting (file) it came from: held-out splits go by name
    layout: str  # the rendering's layout, or RECORDS
    text: str
    pages: list[Page]
    headings: list[GoldHeading]

    def lines(self) -> Lines:
        return Lines(self.text, (page.start for page in self.pages))


def labelled_rendering(rendering: Rendering) -> LabelledDoc:
    """A rendering normalised as a real file of its format would be, the gold moved along."""
    from referat.normalise import normalise

    norm = normalise(rendering.source())
    lines = Lines(norm.text)
    headings = []
    for item in rendering.items:
        first = lines.line_at(norm.offset_map.to_norm(item.start))
        last = max(first, lines.line_at(norm.offset_map.to_norm(item.head_end)))
        headings.append(GoldHeading(item.number, item.label, item.title, item.case_number, first, last))
    return LabelledDoc(rendering.meeting.key, rendering.layout, norm.text, norm.pages, headings)


def labelled_record(record: dict, name: str) -> LabelledDoc | None:
    """A referat record as printed: its items' `start` offsets are the headings; None without items."""
    text = record.get("text") or ""
    items = sorted(record.get("items") or [], key=lambda i: int(i["start"]))
    if not text or not items:
        return None
    lines = Lines(text)
    firsts = [lines.line_at(int(item["start"])) for item in items]
    headings = []
    for pos, item in enumerate(items):
        stop = firsts[pos + 1] - 1 if pos + 1 < len(items) else len(lines) - 1
        headings.append(GoldHeading(int(item["number"]), item.get("label"), " ".join(str(item.get("title") or "").split()),
                                    item.get("case_number") or None, firsts[pos], max(firsts[pos], min(firsts[pos] + 2, stop))))
    pages = [Page(int(p["number"]), int(p["start"]), int(p["end"])) for p in record.get("pages") or []]
    return LabelledDoc(name, RECORDS, text, pages, headings)


def renderings(meetings: Iterable[GoldMeeting], layouts: Sequence[Layout], seed: int = 0) -> Iterator[LabelledDoc]:
    """Every meeting in every layout, normalised and labelled."""
    for meeting in meetings:
        for lay in layouts:
            yield labelled_rendering(render(meeting, lay, seed))


# --- examples ---------------------------------------------------------------------


@dataclass
class DocExamples:
    """One document's candidates: a feature block and labels per layout family."""

    name: str
    layout: str
    headings: int
    blocks: list[tuple[Features, np.ndarray]] = field(default_factory=list)

    @property
    def candidates(self) -> int:
        return sum(len(labels) for _, labels in self.blocks)

    @property
    def found(self) -> int:
        """Gold headings that some family proposes as a candidate."""
        return int(sum(labels.sum() for _, labels in self.blocks))


class _Recorder:
    """A heading scorer that keeps each family's candidates and their features, scores untouched."""

    def __init__(self, hash_bits: int, title_words: int):
        self.hash_bits, self.title_words = hash_bits, title_words
        self.blocks: list[tuple[Features, list[tuple[int, int]]]] = []

    def rescore(self, cands, lines: Lines, family) -> None:
        feats = candidate_features(cands, lines, family, self.hash_bits, self.title_words)
        self.blocks.append((feats, [(c.line, c.number) for c in cands]))


def examples(doc: LabelledDoc, hash_bits: int | None = None, title_words: int | None = None) -> DocExamples:
    """The document's candidate headings, their features and whether each is a gold heading."""
    spec = settings()["features"]
    recorder = _Recorder(hash_bits or int(spec["hash_bits"]), title_words or int(spec["title_words"]))
    best_layout(doc.lines(), len(doc.pages), recorder)
    heads: dict[int, list[tuple[int, int]]] = {}
    for gold in doc.headings:
        heads.setdefault(gold.number, []).append((gold.first_line, gold.last_line))
    result = DocExamples(doc.name, doc.layout, len(doc.headings))
    for feats, cands in recorder.blocks:
        labels = np.array([any(first <= line <= last for first, last in heads.get(number, ()))
                           for line, number in cands], dtype=np.int8)
        result.blocks.append((feats, labels))
    return result


def fit_examples(docs: Sequence[DocExamples], *, seed: int = 0, meta: dict | None = None,
                 params: dict | None = None) -> HeadingModel:
    """A heading model fitted on the candidates of `docs` (configs/segmenter.toml, `params` over it)."""
    spec = settings()["train"] | settings()["features"] | dict(params or {})
    features, labels = [], []
    rng = np.random.default_rng(seed)
    keep = float(spec["negatives"])
    for doc in docs:
        for feats, y in doc.blocks:
            if keep < 1.0 and len(y):
                chosen = (y == 1) | (rng.random(len(y)) < keep)
                feats, y = feats.subset(chosen), y[chosen]
            features.append(feats)
            labels.append(y)
    return fit(features, labels, hash_bits=int(spec["hash_bits"]), title_words=int(spec["title_words"]),
               C=float(spec["C"]), max_iter=int(spec["max_iter"]), seed=seed, meta=meta)


def held_out_key(name: str, seed: int = 0) -> float:
    """A number in [0, 1) fixed by the name and seed: documents are split by it."""
    digest = hashlib.sha256(f"{seed}\0{name}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def held_out(name: str, share: float, seed: int = 0) -> bool:
    """Whether a document (by name) falls in the held-out share: stable across runs and layouts."""
    return held_out_key(name, seed) < share


# --- evaluation ---------------------------------------------------------------------


def _letter(label: str | None) -> str:
    return (label or "").lstrip("0123456789").casefold()


@dataclass
class ItemScores:
    """Items matched by number (and letter): counts, and title / case agreement of the matched."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    titles: int = 0
    cases: int = 0
    documents: int = 0
    exact: int = 0

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp + self.fp + self.fn else 1.0

    @property
    def title_acc(self) -> float:
        return self.titles / self.tp if self.tp else 1.0

    @property
    def case_acc(self) -> float:
        return self.cases / self.tp if self.tp else 1.0

    def add(self, gold: Sequence[GoldHeading], items: Sequence[Item]) -> None:
        want = {(g.number, _letter(g.label)): g for g in gold}
        got: dict[tuple[int, str], Item] = {}
        extra = 0
        for item in items:
            key = (item.number, _letter(getattr(item, "label", None)))
            if key in got:
                extra += 1
            got.setdefault(key, item)
        matched = [(want[k], got[k]) for k in want if k in got]
        self.tp += len(matched)
        self.fn += len(want) - len(matched)
        self.fp += len(got) - len(matched) + extra
        titles = sum(squash(i.title) == squash(g.title) for g, i in matched)
        cases = sum((i.case_number or None) == g.case_number for g, i in matched)
        self.titles += titles
        self.cases += cases
        self.documents += 1
        self.exact += (len(matched) == len(want) == len(items) and titles == cases == len(matched))

    def to_dict(self) -> dict:
        return {"items_f1": round(self.f1, 4), "title_acc": round(self.title_acc, 4),
                "case_acc": round(self.case_acc, 4), "documents": self.documents, "exact": self.exact,
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


def segmented_items(doc: LabelledDoc, model: HeadingModel | str | None) -> list[Item]:
    """The items `segment` finds in the document with `model` (None: the rules alone)."""
    from referat.segment import segment

    return segment(doc.text, doc.pages, None, heading_model=model).items


def evaluate(docs: Iterable[LabelledDoc], models: dict[str, HeadingModel | None],
             on_doc: Callable[[LabelledDoc], None] | None = None) -> dict[str, dict[str, ItemScores]]:
    """Scores per model name and layout for documents segmented with each model (None: rules alone)."""
    scores: dict[str, dict[str, ItemScores]] = {name: {} for name in models}
    for doc in docs:
        for name, model in models.items():
            scores[name].setdefault(doc.layout, ItemScores()).add(doc.headings, segmented_items(doc, model))
        if on_doc is not None:
            on_doc(doc)
    return scores


def total(scores: dict[str, ItemScores]) -> ItemScores:
    """The scores of several layouts added up."""
    summed = ItemScores()
    for part in scores.values():
        for name in ("tp", "fp", "fn", "titles", "cases", "documents", "exact"):
            setattr(summed, name, getattr(summed, name) + getattr(part, name))
    return summed


def read_records(path: Path) -> Iterator[tuple[str, dict]]:
    """(name, record) for each record of a referat JSONL file that has items and text."""
    from referat.records import read_records as read_jsonl

    for number, record in read_jsonl(path):
        if record.get("items") and record.get("text"):
            yield f"{path.name}:{number}:{record.get('source') or ''}", record


def class_counts(docs: Iterable[DocExamples]) -> Counter:
    counts: Counter = Counter()
    for doc in docs:
        counts["candidates"] += doc.candidates
        counts["headings"] += doc.headings
        counts["found"] += doc.found
    return counts


def dump_scores(scores: dict[str, ItemScores]) -> str:
    return json.dumps({layout: s.to_dict() for layout, s in sorted(scores.items())}, ensure_ascii=False)
