"""What an import read, kept, skipped, and why: the report every import prints.

A skip is either a choice (a task the annotator skipped, a rejected Prodigy
answer, a relation where referat has none) or a fault in the file (a span
whose offsets run past its text, a task without referat's metadata). Faults
make `referat import` exit with status 1 once everything else is written;
choices do not.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from referat.model import Document

MAX_EXAMPLES = 5  # where-it-happened examples kept per fault


@dataclass
class ImportReport:
    path: str
    format: str
    records: int = 0  # tasks, lines or records read
    spans: int = 0  # spans read
    skipped_records: Counter = field(default_factory=Counter)  # reason -> count
    skipped_spans: Counter = field(default_factory=Counter)
    faults: set[str] = field(default_factory=set)  # the reasons that are faults, not choices
    examples: dict[str, list[str]] = field(default_factory=dict)  # fault reason -> where
    notes: Counter = field(default_factory=Counter)  # things worth saying that are not skips
    documents: int = 0
    items: int = 0
    kept_spans: int = 0  # spans in the gold records written

    def read_record(self) -> None:
        self.records += 1

    def read_spans(self, n: int) -> None:
        self.spans += n

    def skip_record(self, reason: str, where: str | None = None, *, fault: bool = False,
                    n: int = 1) -> None:
        self.skipped_records[reason] += n
        self._fault(reason, where, fault)

    def skip_span(self, reason: str, where: str | None = None, *, fault: bool = False,
                  n: int = 1) -> None:
        self.skipped_spans[reason] += n
        self._fault(reason, where, fault)

    def note(self, what: str, n: int = 1) -> None:
        self.notes[what] += n

    def _fault(self, reason: str, where: str | None, fault: bool) -> None:
        if not fault:
            return
        self.faults.add(reason)
        if where is not None:
            seen = self.examples.setdefault(reason, [])
            if len(seen) < MAX_EXAMPLES:
                seen.append(where)

    def add_document(self, doc: Document) -> None:
        self.documents += 1
        self.items += len(doc.items)
        self.kept_spans += len(doc.all_entities())

    @property
    def failed(self) -> bool:
        """Whether the file had faults (not mere choices) that lost something."""
        return bool(self.faults)

    def lines(self) -> list[str]:
        """The report as lines for a person: read, skipped and why, kept."""
        out = [f"read {self.records} {_plural(self.records, 'record')} and {self.spans} "
               f"{_plural(self.spans, 'span')} from {self.path} ({self.format})"]
        for what, counter in (("records", self.skipped_records), ("spans", self.skipped_spans)):
            total = sum(counter.values())
            if total:
                out.append(f"skipped {total} {what}: " + "; ".join(
                    f"{n} {reason}" for reason, n in counter.most_common()))
        for reason in sorted(self.faults):
            where = self.examples.get(reason)
            if where:
                total = self.skipped_records[reason] + self.skipped_spans[reason]
                extra = f" and {total - len(where)} more" if total > len(where) else ""
                out.append(f"  {reason}: {', '.join(where)}{extra}")
        out.extend(f"{n} {what}" for what, n in self.notes.most_common())
        out.append(f"kept {self.documents} {_plural(self.documents, 'document')}, {self.items} "
                   f"{_plural(self.items, 'item')}, {self.kept_spans} {_plural(self.kept_spans, 'span')}")
        return out

    def to_dict(self) -> dict:
        return {"path": self.path, "format": self.format, "records": self.records, "spans": self.spans,
                "skipped_records": dict(self.skipped_records), "skipped_spans": dict(self.skipped_spans),
                "faults": sorted(self.faults), "notes": dict(self.notes), "documents": self.documents,
                "items": self.items, "kept_spans": self.kept_spans}


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"
