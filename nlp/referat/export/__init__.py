"""Exports for annotators and trainers, and imports of their corrections.

`export(records, fmt, out)` turns referat's document JSONL into the file an
annotation tool or trainer reads; `import_annotations(path, fmt)` turns what
the tool gives back into `Document`s (gold records for `referat train` and
`referat evaluate`). Formats, by name:

    spacy        DocBin `.spacy`: a Doc per unit, spans in `doc.spans["sc"]`,
                 `doc.ents`, item type in `doc.cats`, ids in user data
    prodigy      JSONL tasks: tokens, spans (token_end inclusive), item type
                 as a single-choice `accept`
    doccano      JSONL for a "Sequence labeling + classification" project
                 (`entities` + `cats`)
    labelstudio  JSON tasks with `predictions` (labels + choices), and the
                 labelling config beside it
    hf           `datasets.DatasetDict` on disk: `items` (label: ClassLabel
                 over the item types) and `ner` (tokens, BIO tags, spans)
    parquet      a folder of tables: documents, items, entities

Each unit of a task file is an item or the text outside items
(`referat.export.units`); records whose `status` is "error" are skipped and
listed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from referat.errors import InputError
from referat.export import docbin, doccano, hf, labelstudio, parquet, prodigy
from referat.export.units import Unit, units
from referat.model import Document
from referat.outputs import staged
from referat.records import document_problem, read_records

log = logging.getLogger(__name__)


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
    failed: list[str] = field(default_factory=list)  # lines that are no valid record: "line N: why"

    def units_of(self, docs: Iterable[Document]) -> Iterator[Unit]:
        """The units of each document, counted as they go by."""
        for doc in docs:
            self.documents += 1
            for unit in units(doc):
                self.units += 1
                self.spans += len(unit.spans)
                yield unit


Exporter = Callable[[Iterable[Document], Path, ExportSummary], None]
Importer = Callable[..., Iterator[Document]]

EXPORTERS: dict[str, Exporter] = {
    "spacy": docbin.write,
    "prodigy": prodigy.write,
    "doccano": doccano.write,
    "labelstudio": labelstudio.write,
    "hf": hf.write,
    "parquet": parquet.write,
}
"""Format name -> `write(documents, out, summary)`."""

IMPORTERS: dict[str, Importer] = {
    "spacy": docbin.read,
    "prodigy": prodigy.read,
    "doccano": doccano.read,
    "labelstudio": labelstudio.read,
    "hf": hf.read,
    "parquet": parquet.read,
}
"""Format name -> `read(path, reviewed_only=False)` yielding `Document`s."""

CORRECTION_FORMATS = ("prodigy", "doccano", "labelstudio")
"""The annotation tools whose corrections `referat import` is meant for."""


class Records:
    """The documents of a referat JSONL file; error records are skipped and listed.

    A line that is no valid document record (hand-edited, cut off, from another
    tool) is named in `failed` ("line N: why") and left out; the rest is read.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.skipped: list[str] = []
        self.failed: list[str] = []
        if not self.path.is_file():
            raise InputError("no such file", path=str(self.path))

    def __iter__(self) -> Iterator[Document]:
        for number, record in read_records(self.path, self.failed):
            problem = document_problem(record)
            if problem is not None:
                self.failed.append(f"line {number}: {problem}")
                continue
            if record.get("status") == "error":
                reasons = "; ".join(p.get("code", "error") for p in record.get("errors") or [])
                self.skipped.append(f"{record.get('source')}: {reasons or 'error'}")
                log.info("%s line %d: skipping error record for %s (%s)",
                         self.path, number, record.get("source"), reasons)
                continue
            try:
                yield Document.from_dict(record)
            except (TypeError, ValueError, KeyError) as err:  # what the schema cannot say: a span ending before it starts
                self.failed.append(f"line {number}: not a valid document record ({err})")


def _checked(fmt: str, table: dict) -> None:
    if fmt not in table:
        raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(table)}")


def export_documents(docs: Iterable[Document], fmt: str, out: str | Path) -> ExportSummary:
    """Write documents in an export format; returns what was written."""
    _checked(fmt, EXPORTERS)
    out = Path(out)
    summary = ExportSummary(format=fmt, out=out)
    with staged(out) as folder:  # a failure half way leaves the previous export as it was
        EXPORTERS[fmt](docs, folder / out.name, summary)
    return summary


def export(records_path: str | Path, fmt: str, out: str | Path) -> ExportSummary:
    """Export referat's document JSONL to `out` in format `fmt` (see `EXPORTERS`)."""
    _checked(fmt, EXPORTERS)
    records = Records(records_path)
    summary = export_documents(records, fmt, out)
    summary.skipped, summary.failed = records.skipped, records.failed
    return summary


def import_annotations(path: str | Path, fmt: str, *, reviewed_only: bool = False) -> Iterator[Document]:
    """Documents from an annotation file (see `IMPORTERS`), as gold records.

    `reviewed_only` leaves out tasks that carry no human answer (a Prodigy
    task without `answer`, a Label Studio task with predictions only).
    """
    _checked(fmt, IMPORTERS)
    if not Path(path).exists():
        raise InputError("no such file", path=str(path))
    return _named(IMPORTERS[fmt](Path(path), reviewed_only=reviewed_only), str(path))


def _named(docs: Iterator[Document], path: str) -> Iterator[Document]:
    try:
        yield from docs
    except ValueError as err:  # Span's own check: a span that ends before it starts
        raise InputError(str(err), path=path) from None


__all__ = ["CORRECTION_FORMATS", "EXPORTERS", "IMPORTERS", "ExportSummary", "Records",
           "export", "export_documents", "import_annotations"]
