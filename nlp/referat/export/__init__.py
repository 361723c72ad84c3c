"""Exports for annotators and trainers, and imports of their corrections.

`export(records, fmt, out)` turns referat's document JSONL into what an
annotation tool or a trainer reads; `import_annotations(path, fmt)` turns what
the tool gives back into `Document`s (gold records for `referat train` and
`referat evaluate`), with a report of what it read, skipped, and why.
Formats, by name:

    spacy        a folder: `ner/` and `textcat/`, each with `train/`,
                 `validation/`, `test/` folders of DocBin shards and a
                 `config.cfg`, ready for `spacy train` / `spacy debug data`
    prodigy      JSONL tasks for `ner.manual` (text, tokens, spans with
                 inclusive token_end) with the item type as a single choice
    doccano      JSONL for a Sequence Labeling project (`text`, `label`:
                 `[start, end, label]`), the item type kept beside it
    labelstudio  JSON tasks with `predictions` (labels + choices), and the
                 labelling config beside it (OUT's stem + .label_config.xml)
    hf           a folder of two `datasets.DatasetDict`s with `train`,
                 `validation`, `test` splits: `types` (sequence
                 classification) and `ner` (token classification, rows
                 chunked to a model's length)
    parquet      a folder of typed tables: documents, items, entities
    review       (import only) the corrections saved by `referat review`'s page

Each unit of a task file is an item or the text outside items
(`referat.export.units`). Records whose `status` is "error" are skipped and
listed; a line that is not a readable record is skipped and reported, and the
export goes on. Training formats split by document (never an item of one
meeting in train and another in test), the same way for the same seed.

Everything streams: documents are read one at a time and written in batches,
so memory stays flat however large the archive.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from referat.errors import InputError
from referat.export.report import ImportReport
from referat.export.units import Unit, assemble, units
from referat.model import Document
from referat.outputs import check_target
from referat.records import document_problem, read_records

log = logging.getLogger(__name__)

SPLITS = ("train", "validation", "test")
"""Split names, the same in every training format (HF's names)."""


@dataclass(frozen=True)
class ExportOptions:
    """Choices for the training formats (spacy, hf); the others ignore them."""

    split: tuple[float, float, float] = (0.8, 0.1, 0.1)  # train, validation, test shares of documents
    seed: int = 0  # which documents land in which split
    max_length: int | None = None  # hf ner rows: at most this many tokens (default 256 words,
    #                                or the tokenizer's model length, special tokens included)
    tokenizer: str | None = None  # a local Hugging Face tokenizer folder to count pieces with

    def __post_init__(self) -> None:
        if len(self.split) != 3 or any(s < 0 for s in self.split) or not sum(self.split) > 0:
            raise InputError(f"split {self.split}: three non-negative shares, not all 0")
        if self.max_length is not None and self.max_length < 8:
            raise InputError(f"max length {self.max_length}: a row needs at least 8 tokens")


@dataclass
class ExportSummary:
    """What an export wrote, for the CLI to report."""

    format: str
    out: Path
    documents: int = 0
    units: int = 0
    spans: int = 0
    split_tokens: int = 0  # token formats: spaCy tokens split so that a span aligns
    skipped: list[str] = field(default_factory=list)  # error records: "source: reason"
    failed: list[str] = field(default_factory=list)  # lines that are no readable record
    splits: dict[str, str] = field(default_factory=dict)  # doc_id -> split (training formats)
    per_split: Counter = field(default_factory=Counter)  # documents per split
    rows: Counter = field(default_factory=Counter)  # rows written per table or dataset
    notes: list[str] = field(default_factory=list)  # one line each, for the user
    written: list[Path] = field(default_factory=list)  # files and folders written

    def units_of(self, docs: Iterable[Document]) -> Iterator[Unit]:
        """The units of each document, counted as they go by."""
        for doc in docs:
            self.documents += 1
            for unit in units(doc):
                self.units += 1
                self.spans += len(unit.spans)
                yield unit

    def split_of(self, doc: Document) -> str:
        return self.splits.get(doc.doc_id, SPLITS[0])


class _Formats(Mapping):
    """Format name -> its module, imported the first time it is asked for: a run that
    writes JSONL (every `referat process` and its workers) loads no exporter."""

    def __init__(self, modules: dict[str, str]):
        self._modules = modules

    def __getitem__(self, name: str) -> ModuleType:
        return importlib.import_module(f"referat.export.{self._modules[name]}")

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


_MODULES = {"spacy": "docbin", "prodigy": "prodigy", "doccano": "doccano", "labelstudio": "labelstudio",
            "hf": "hf", "parquet": "parquet", "review": "corrections"}

FORMATS = _Formats(_MODULES)
"""Format name -> module with `read(path, report, **choices)` and, for
exports, `write(documents, out, summary, options)` and `TARGET` ("file" or
"folder")."""

EXPORTERS = _Formats({name: module for name, module in _MODULES.items() if name != "review"})
"""The formats that can be written; the review page's corrections are read only."""
IMPORTERS = FORMATS

CORRECTION_FORMATS = ("review", "prodigy", "doccano", "labelstudio")
"""The tools whose corrections `referat import` is meant for."""

TRAINING_FORMATS = ("spacy", "hf")
"""Formats split into train/validation/test."""


class Records:
    """The documents of a referat JSONL file, one at a time.

    Error records are skipped and listed (`skipped`); lines that are not
    readable records are skipped and reported (`failed`). A file whose first
    record is not a document record (item records, another tool's JSONL) is
    refused at once: it is the wrong file, not a damaged one.
    """

    def __init__(self, path: str | Path, on_record: Callable[[], None] | None = None):
        self.path = Path(path)
        self.on_record = on_record  # called after every record line, used or skipped (a progress bar)
        self.skipped: list[str] = []
        self.failed: list[str] = []
        if not self.path.is_file():
            raise InputError("no such file" if not self.path.exists() else "not a file",
                             path=str(self.path))

    def __iter__(self) -> Iterator[Document]:
        first = True
        for number, record in read_records(self.path, self.failed):
            problem = _not_a_document(record, number)
            if problem and first:
                raise InputError(problem, path=str(self.path))
            first = False
            doc = None
            if problem is None and (invalid := document_problem(record)) is not None:
                problem = f"line {number}: {invalid}"  # hand-edited: a field of the wrong type, a number out of range
            if problem:
                self.failed.append(problem)
            elif record.get("status") == "error":
                reasons = "; ".join(p.get("code", "error") for p in record.get("errors") or [])
                self.skipped.append(f"{record.get('source')}: {reasons or 'error'}")
                log.info("%s line %d: skipping error record for %s (%s)",
                         self.path, number, record.get("source"), reasons)
            else:
                try:
                    doc = Document.from_dict(record)
                except (KeyError, TypeError, ValueError, AttributeError) as err:
                    self.failed.append(f"line {number}: not a valid document record ({err})")
            if doc is not None:
                yield doc
            if self.on_record is not None:
                self.on_record()

    def count(self) -> int:
        """How many lines hold a record (for a progress bar; error records included)."""
        with self.path.open("rb") as f:
            return sum(1 for line in f if line.strip())

    def scan(self) -> tuple[list[str], set[str]]:
        """A first, cheap pass: the doc ids of the usable records, and every span label."""
        ids: list[str] = []
        labels: set[str] = set()
        for _, record in read_records(self.path, []):
            if _not_a_document(record, 0) or record.get("status") == "error":
                continue
            ids.append(str(record.get("doc_id") or str(record.get("sha256", ""))[:16]))
            for span in [*(record.get("entities") or []),
                         *(s for item in record.get("items") or [] for s in item.get("entities") or [])]:
                if isinstance(span, dict) and isinstance(span.get("label"), str):
                    labels.add(span["label"])
        return ids, labels


def _not_a_document(record: dict, number: int) -> str | None:
    if "number" in record and "title" in record:
        return (f"line {number}: an item record; this takes document records "
                "(`referat process --unit document`)")
    missing = [k for k in ("source", "sha256", "format") if k not in record]
    if missing:
        return (f"line {number}: not a referat document record (no {missing[0]!r}); "
                "expected the output of `referat process`")
    return None


def assign_splits(doc_ids: Iterable[str], shares: tuple[float, float, float] = (0.8, 0.1, 0.1),
                  seed: int = 0) -> dict[str, str]:
    """doc_id -> "train" / "validation" / "test", by a seeded hash of the id.

    The counts follow the shares; where there are at least as many documents
    as non-empty shares, no such split is left empty.
    """
    ordered = sorted(set(doc_ids), key=lambda d: hashlib.sha256(f"{seed}:{d}".encode()).hexdigest())
    n = len(ordered)
    total = sum(shares)
    counts = [round(n * share / total) for share in shares]
    wanted = [i for i, share in enumerate(shares) if share > 0]
    if n >= len(wanted):
        for i in wanted:
            if counts[i] == 0:
                counts[i] = 1
    while sum(counts) > n:  # rounding and the minimum of one: take from the largest
        counts[max(range(3), key=lambda i: counts[i])] -= 1
    counts[0] += n - sum(counts)
    out: dict[str, str] = {}
    position = 0
    for split, count in zip((SPLITS[2], SPLITS[1], SPLITS[0]), reversed(counts)):
        for doc_id in ordered[position:position + count]:
            out[doc_id] = split
        position += count
    return out


def _checked(fmt: str, table: dict) -> None:
    if fmt not in table:
        raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(table)}")


def targets(fmt: str, out: str | Path) -> list[tuple[Path, bool]]:
    """Every path an export writes, with whether it is a folder."""
    module = EXPORTERS[fmt]
    out = Path(out)
    extra = module.extra_targets(out) if hasattr(module, "extra_targets") else []
    return [(out, module.TARGET == "folder")] + [(path, False) for path in extra]


def check_targets(fmt: str, out: str | Path, *, inputs: Iterable[str | Path] = (),
                  force: bool = False) -> None:
    """The output policy (`referat.outputs.check_target`) for every path the export writes."""
    _checked(fmt, EXPORTERS)
    for path, directory in targets(fmt, out):
        check_target(path, inputs=inputs, force=force, directory=directory)


def export_documents(docs: Iterable[Document], fmt: str, out: str | Path, *,
                     options: ExportOptions | None = None, force: bool = False) -> ExportSummary:
    """Write documents in an export format; returns what was written.

    For the training formats the documents are read twice (once to split
    them), so pass a list or use `export()` on a file.
    """
    _checked(fmt, EXPORTERS)
    check_targets(fmt, out, force=force)
    options = options or ExportOptions()
    summary = ExportSummary(format=fmt, out=Path(out))
    labels: set[str] = set()
    if fmt in TRAINING_FORMATS:
        docs = list(docs)
        summary.splits = assign_splits([d.doc_id for d in docs], options.split, options.seed)
        labels = {s.label for d in docs for s in d.all_entities()}
    _write(fmt, docs, summary, options, labels)
    return summary


def export(records_path: str | Path, fmt: str, out: str | Path, *, options: ExportOptions | None = None,
           force: bool = False, on_record: Callable[[], None] | None = None) -> ExportSummary:
    """Export referat's document JSONL to `out` in format `fmt` (see `FORMATS`).

    The targets are checked before any work (`referat.outputs`: an existing
    one is replaced only with `force`) and written atomically.
    """
    _checked(fmt, EXPORTERS)
    records = Records(records_path, on_record=on_record)
    check_targets(fmt, out, inputs=[records_path], force=force)
    options = options or ExportOptions()
    summary = ExportSummary(format=fmt, out=Path(out))
    labels: set[str] = set()
    if fmt in TRAINING_FORMATS:
        ids, labels = records.scan()
        summary.splits = assign_splits(ids, options.split, options.seed)
    _write(fmt, records, summary, options, labels)
    summary.skipped = records.skipped
    summary.failed = records.failed
    return summary


def _write(fmt: str, docs: Iterable[Document], summary: ExportSummary, options: ExportOptions,
           labels: set[str]) -> None:
    module = EXPORTERS[fmt]
    if fmt in TRAINING_FORMATS:
        for split in summary.splits.values():
            summary.per_split[split] += 1
        module.write(docs, summary.out, summary, options, labels)
    else:
        module.write(docs, summary.out, summary)
    summary.written = [path for path, _ in targets(fmt, summary.out)]


class Imported:
    """The documents of one or more annotation files, one at a time; `report`
    fills as they go.

    For the task formats, units from all files are put together before
    documents are rebuilt, so a spans file and a types file of the same
    export (Prodigy's `ner_manual` and `textcat`, doccano's two projects)
    give one gold record per document.
    """

    def __init__(self, paths: list[Path], fmt: str, *, reviewed_only: bool, annotator: str | None):
        self.paths = paths
        self.format = fmt
        self.reviewed_only = reviewed_only
        self.annotator = annotator
        self.report = ImportReport(path=", ".join(str(p) for p in paths), format=fmt)

    def __iter__(self) -> Iterator[Document]:
        module = IMPORTERS[self.format]
        if hasattr(module, "parts"):
            choices = {"annotator": self.annotator} if self.annotator is not None else {}
            parts = (part for path in self.paths for part in module.parts(path, self.report, **choices))
            docs = assemble(parts, self.report.path, self.report, reviewed_only=self.reviewed_only)
        else:
            docs = (doc for path in self.paths
                    for doc in module.read(path, self.report, reviewed_only=self.reviewed_only))
        for doc in docs:
            self.report.add_document(doc)
            yield doc


def import_annotations(paths: str | Path | Iterable[str | Path], fmt: str, *, reviewed_only: bool = False,
                       annotator: str | None = None) -> Imported:
    """Documents from annotation files (see `FORMATS`), as gold records.

    `reviewed_only` leaves out what no person answered (a Prodigy task
    without `answer`, a Label Studio task with predictions only, an item
    nobody marked reviewed or changed on the review page). `annotator` (Label
    Studio) takes that annotator's annotations instead of the latest one.
    Iterate over the result; its `report` says what was read and skipped.
    """
    _checked(fmt, IMPORTERS)
    paths = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
    for path in paths:
        if not path.exists():
            raise InputError("no such file", path=str(path))
    if annotator is not None and fmt != "labelstudio":
        raise InputError("--annotator applies to Label Studio exports only")
    return Imported(paths, fmt, reviewed_only=reviewed_only, annotator=annotator)


__all__ = ["CORRECTION_FORMATS", "EXPORTERS", "FORMATS", "IMPORTERS", "SPLITS", "ExportOptions",
           "ExportSummary", "ImportReport", "Imported", "Records", "assign_splits", "check_targets",
           "export", "export_documents", "import_annotations"]
