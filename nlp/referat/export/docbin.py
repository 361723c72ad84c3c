"""spaCy DocBin corpora, ready for `spacy train` and clean under `spacy debug data`.

`OUT/` holds two corpora, each split by document into `train/`,
`validation/` and `test/` folders of `.spacy` shards (spaCy's corpus reader
takes a folder), with a `config.cfg` beside them (`configs/spacy/`):

- `ner/`: a `Doc` per unit (items and the text outside them), every span in
  `doc.spans["sc"]` (spans may overlap, for spancat), the longest
  non-overlapping ones in `doc.ents`; tokens are spaCy's Danish ones, split
  where a span boundary falls inside a token (`referat.export.tokens`);
- `textcat/`: a `Doc` per typed item, the item type one-hot in `doc.cats`
  (exclusive classes), the printed type marker cut out of the text (it is
  the label, ANNOTATION.md §2).

Each doc keeps the unit's identity (doc id, item, offset, each span's producer
and normalised value) in `doc.user_data["referat"]`, stored with
`DocBin(store_user_data=True)` as plain msgpack-able values, the way
spacy-layout keeps its page data; that is how the import rebuilds documents.

    cd OUT/ner && python -m spacy train config.cfg --output model
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from referat.errors import InputError
from referat.export.report import ImportReport
from referat.export.tokens import aligned_doc, blank_danish
from referat.export.units import META_KEY, Part, Unit
from referat.model import ITEM_TYPES, Document, Span
from referat.outputs import atomic_dir
from referat.resources import config_path

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from referat.export import ExportOptions, ExportSummary

TARGET = "folder"
TASKS = ("ner", "textcat")
SPANS_KEY = "sc"
SOURCE = "gold:spacy"
SHARD_DOCS = 100  # docs per .spacy file: memory stays flat however large the corpus (6 files fill at once)


def to_doc(unit: Unit) -> tuple[Doc, int]:
    """A unit as a `ner` Doc, and how many tokens were split to align its spans."""
    from spacy.util import filter_spans

    doc, splits = aligned_doc(unit.text, unit.spans)
    spans = [doc.char_span(s.start, s.end, label=s.label) for s in unit.spans]
    doc.spans[SPANS_KEY] = spans
    doc.ents = filter_spans(spans)
    doc.user_data[META_KEY] = unit.meta()
    return doc, splits


def to_textcat_doc(unit: Unit) -> Doc:
    """A typed item as a `textcat` Doc: marker-free text, one-hot cats."""
    doc = blank_danish().make_doc(unit.training_text)
    doc.cats = {t: float(t == unit.item_type) for t in ITEM_TYPES}
    doc.user_data[META_KEY] = {"doc_id": unit.document.doc_id, "offset": unit.start,
                               "type": unit.item_type}
    return doc


class _Shards:
    """DocBin files of at most SHARD_DOCS docs in one split folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.count = 0
        self.files = 0
        self._bin = None

    def add(self, doc: Doc) -> None:
        from spacy.tokens import DocBin

        if self._bin is None:
            self._bin = DocBin(store_user_data=True)
        self._bin.add(doc)
        self.count += 1
        if len(self._bin) >= SHARD_DOCS:
            self.flush()

    def flush(self) -> None:
        if self._bin is not None and len(self._bin):
            self._bin.to_disk(self.folder / f"{self.files:04d}.spacy")
            self.files += 1
        self._bin = None


def write(docs: Iterable[Document], out: Path, summary: ExportSummary, options: ExportOptions,
          labels: set[str]) -> None:
    from referat.export import SPLITS

    with atomic_dir(out) as tmp:
        shards = {(task, split): _Shards(tmp / task / split) for task in TASKS for split in SPLITS}
        for doc in docs:
            split = summary.split_of(doc)
            for unit in summary.units_of([doc]):
                ner_doc, splits = to_doc(unit)
                summary.split_tokens += splits
                shards["ner", split].add(ner_doc)
                if unit.item is not None and unit.item_type:
                    shards["textcat", split].add(to_textcat_doc(unit))
                elif unit.item is not None:
                    summary.rows["textcat: items without a type, left out"] += 1
        for (task, split), shard in shards.items():
            shard.flush()
            summary.rows[f"{task}/{split}"] = shard.count
        for task in TASKS:
            shutil.copyfile(config_path(f"spacy/{task}.cfg"), tmp / task / "config.cfg")
    summary.notes.append(f"train: cd {out / 'ner'} && python -m spacy train config.cfg --output model "
                         "(likewise textcat)")


def _docs(folder: Path, report: ImportReport) -> Iterator[tuple[str, Doc]]:
    from spacy.tokens import DocBin

    vocab = blank_danish().vocab
    for file in sorted(folder.rglob("*.spacy")):
        try:
            bin_ = DocBin().from_disk(file)
        except (ValueError, KeyError, TypeError) as err:
            raise InputError(f"not a spaCy DocBin ({err})", path=str(file)) from None
        for number, doc in enumerate(bin_.get_docs(vocab), 1):
            report.read_record()
            yield f"{file.relative_to(folder)} doc {number}", doc


def parts(path: Path, report: ImportReport) -> Iterator[Part]:
    """The annotated units of one export (see the module docstring)."""
    if not (path / "ner").is_dir():
        raise InputError("no ner/ folder; expected the folder `referat export --format spacy` "
                         "wrote", path=str(path))
    types: dict[tuple[str, int], str] = {}
    if (path / "textcat").is_dir():
        for where, doc in _docs(path / "textcat", report):
            meta = doc.user_data.get(META_KEY) or {}
            chosen = [t for t, score in doc.cats.items() if score >= 0.5 and t in ITEM_TYPES]
            if chosen and "doc_id" in meta and "offset" in meta:
                types[meta["doc_id"], meta["offset"]] = chosen[0]
    for where, doc in _docs(path / "ner", report):
        meta = doc.user_data.get(META_KEY)
        if not isinstance(meta, dict):
            report.skip_record("no 'referat' user data (saved without store_user_data=True, or "
                               "not by `referat export`)", where, fault=True)
            continue
        meta = json.loads(json.dumps(meta))  # msgpack gives tuples back; the model wants lists
        group = doc.spans[SPANS_KEY] if SPANS_KEY in doc.spans else doc.ents
        report.read_spans(len(group))
        spans = [Span(s.label_, s.start_char, s.end_char, s.text, source=SOURCE) for s in group]
        key = (meta["doc_id"], meta["offset"])
        yield Part(meta=meta, text=doc.text, spans=spans, item_type=types.get(key),
                   typed=key in types and types[key] != meta.get("type"), where=where)
