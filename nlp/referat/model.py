"""The document model every stage reads and writes.

One `Document` per input file. Every offset (`start`, `end`) is a character
offset, `[start, end)`, into `Document.text`: the text as `normalise` left it,
which the output record carries. Stages fill the model in order:

    ingest -> Source            (raw pages, optional structure from the format)
    normalise -> text, pages    (Document.text, Document.pages)
    segment -> meeting, items   (Document.meeting, Document.items with sections)
    annotate -> entities        (Item.entities, Document.entities)
    classify -> item types      (Item.type, Item.classification)
    decide -> decisions         (Item.decision: outcome, unanimity, votes)

`to_dict()` / `from_dict()` give the JSONL record described by
`referat/schema/document.schema.json`; `Document.from_dict(d).to_dict() == d`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any

ITEM_TYPES = ("orientering", "beslutning", "drøftelse")
"""The three item types of ANNOTATION.md §2, in a fixed order (class ids)."""

ENTITY_LABELS = ("COMMITTEE", "PERSON", "PARTY", "AMOUNT", "LAW", "CASE_NUMBER")
"""Labels referat itself produces; optional backends may add ORG, LOC, ..."""

OUTCOMES = ("godkendt", "anbefalet", "afvist", "taget_til_efterretning", "drøftet", "udsat",
            "oversendt", "andet")
"""What a body did with an item (ANNOTATION.md §6), in a fixed order (class ids)."""

OCR_MODES = ("auto", "always", "never")
"""When pages are OCR'd: auto (pages without a usable text layer), always (every page
of a PDF or scan), never."""


@cache
def _field_names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _shallow(obj) -> dict[str, Any]:
    """A flat dataclass's fields as a dict whose values are the fields themselves.

    `dataclasses.asdict` deep-copies every value, which a record about to be
    serialised does not need: the lists and dicts are shared, not copied.
    """
    return {name: getattr(obj, name) for name in _field_names(type(obj))}


POSITIONS = ("for", "imod", "undlod")
"""The positions a vote records (ANNOTATION.md §6)."""


def _from_fields(cls, data: dict[str, Any]):
    """Build a flat dataclass from a dict, ignoring keys it does not know."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Page:
    """A page of the input (PDF page, scan, or the whole text for page-less formats).

    A page whose text was read from its image by OCR says so (`ocr`), with
    the engine, its version and the mean word confidence (0-1), so that a
    reader knows how far to trust its text; the fields are absent otherwise.
    """

    number: int  # 1-based, as printed by the viewer
    start: int
    end: int
    ocr: bool = False
    ocr_engine: str | None = None  # "tesseract"
    ocr_version: str | None = None  # "5.5.4"
    ocr_confidence: float | None = None  # mean word confidence, 0-1

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"number": self.number, "start": self.start, "end": self.end, "ocr": self.ocr}
        if self.ocr:
            d |= {"ocr_engine": self.ocr_engine, "ocr_version": self.ocr_version,
                  "ocr_confidence": self.ocr_confidence}
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Page:
        return _from_fields(cls, data)


@dataclass
class Span:
    """A tagged mention: an entity, a case number, a marker.

    `source` names the producer (`rules:amount`, `model:ner@0.1.0`, `dacy`), so
    that a user can tell rule output from model output (CDP's `generator`).
    """

    label: str
    start: int
    end: int
    text: str
    norm: dict[str, Any] | None = None
    source: str = "rules"

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span offsets [{self.start}, {self.end}) for {self.text!r}")

    def to_dict(self) -> dict[str, Any]:
        d = _shallow(self)
        if d["norm"] is None:
            del d["norm"]
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Span:
        return _from_fields(cls, data)


@dataclass
class Section:
    """A named part of an item (Sagsresumé, Indstilling, Beslutning, ...).

    `heading` is the heading line as printed; `kind` is its canonical name
    (`resume`, `sagsfremstilling`, `indstilling`, `beslutning`, `okonomi`,
    `lovgrundlag`, `bilag`, `other`, ...); `start`/`end` cover the section's
    body, after the heading.
    """

    heading: str
    kind: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return _shallow(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Section:
        return _from_fields(cls, data)


@dataclass
class Classification:
    """Why an item got its type: the score per class and the evidence."""

    label: str
    score: float
    scores: dict[str, float]
    evidence: list[str] = field(default_factory=list)
    source: str = "rules"  # "marker", "rules", "model:linear@0.1.0", ...

    def to_dict(self) -> dict[str, Any]:
        return _shallow(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Classification:
        return _from_fields(cls, data)


@dataclass
class Vote:
    """One printed position (ANNOTATION.md §6): who voted `for`, `imod` or `undlod`.

    `parties` are the letters as printed (a member's name suffix counts as
    that member's party), `persons` the names; `count` where a number is
    printed. `start`/`end` cover the words it was read from.
    """

    position: str
    parties: list[str] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)
    count: int | None = None
    start: int = 0
    end: int = 0

    def __post_init__(self) -> None:
        if self.position not in POSITIONS:
            raise ValueError(f"unknown vote position {self.position!r}; expected one of {POSITIONS}")

    def to_dict(self) -> dict[str, Any]:
        return _shallow(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Vote:
        vote = _from_fields(cls, data)
        vote.parties, vote.persons = list(vote.parties or []), list(vote.persons or [])
        return vote


@dataclass
class Decision:
    """What the body decided on an item (ANNOTATION.md §6).

    `text`/`start`/`end`: the decision section's body as printed (without its
    heading). `outcome` is one of `OUTCOMES`; `unanimous` is None where the
    text cannot tell; `votes` are this body's own, in text order (an earlier
    committee's votes that the text quotes are left out). `evidence` says
    what each value was read from.
    """

    text: str
    start: int
    end: int
    outcome: str
    unanimous: bool | None = None
    votes: list[Vote] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r}; expected one of {OUTCOMES}")

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "outcome": self.outcome,
                "unanimous": self.unanimous, "votes": [v.to_dict() for v in self.votes],
                "evidence": list(self.evidence)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Decision:
        decision = _from_fields(cls, data)
        decision.votes = [Vote.from_dict(v) for v in data.get("votes") or []]
        decision.evidence = list(data.get("evidence") or [])
        return decision


@dataclass
class Item:
    """One numbered agenda point (punkt)."""

    number: int
    title: str
    start: int  # first character of the heading
    end: int  # end of the item's text (next heading or end of document)
    case_number: str | None = None
    closed: bool = False
    marker: str | None = None  # printed type marker: "O", "B" or "D"
    label: str | None = None  # the letter printed after the number ("2a." -> "a", "04A." -> "A")
    sections: list[Section] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    entities: list[Span] = field(default_factory=list)
    type: str | None = None
    classification: Classification | None = None
    decision: Decision | None = None  # None: no decision printed (or an agenda)

    def section(self, kind: str) -> Section | None:
        """The first section of a canonical kind, or None."""
        return next((s for s in self.sections if s.kind == kind), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "label": self.label,
            "title": self.title,
            "case_number": self.case_number,
            "closed": self.closed,
            "marker": self.marker,
            "start": self.start,
            "end": self.end,
            "type": self.type,
            "classification": self.classification.to_dict() if self.classification else None,
            "absent": list(self.absent),
            "sections": [s.to_dict() for s in self.sections],
            "entities": [e.to_dict() for e in self.entities],
            "decision": self.decision.to_dict() if self.decision else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Item:
        item = _from_fields(cls, data)
        item.sections = [Section.from_dict(s) for s in data.get("sections") or []]
        item.entities = [Span.from_dict(e) for e in data.get("entities") or []]
        item.absent = list(data.get("absent") or [])
        c = data.get("classification")
        item.classification = Classification.from_dict(c) if c else None
        d = data.get("decision")
        item.decision = Decision.from_dict(d) if d else None
        return item


DOCUMENT_KINDS = ("referat", "dagsorden", "andet")
"""What a document is (`Meeting.kind`): minutes, an agenda, or something else
attached to a meeting (a letter, an e-mail, a newsletter, a report), which gets no items."""


@dataclass
class KindEvidence:
    """One cue for what a document is (`Meeting.kind`), and where it is printed.

    `cue` names the kind of cue (`title`, `email_header`, `salutation`,
    `closing`, `document_type`, `decisions`, `items`, `no_items`, `format`);
    `kind` is the kind it speaks for; `text` is the cue as printed, or a short
    account where the cue is a count ("4 items with a decision");
    `start`/`end` locate a printed cue in the text (null for a count).
    """

    cue: str
    kind: str
    text: str
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return _shallow(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KindEvidence:
        return _from_fields(cls, data)


@dataclass
class Meeting:
    """Meeting metadata as printed (ANNOTATION.md §4); None where not printed.

    `kind` is always decided for a segmented document (`DOCUMENT_KINDS`), and
    `kind_evidence` lists the cues that decided it, the deciding one first.
    """

    body: str | None = None
    date: str | None = None  # ISO 8601
    start_time: str | None = None  # HH:MM
    end_time: str | None = None
    location: str | None = None
    municipality: str | None = None
    kind: str | None = None  # "referat", "dagsorden" or "andet" (DOCUMENT_KINDS)
    participants: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    kind_evidence: list[KindEvidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in _shallow(self).items() if v not in (None, [])} | {
            "participants": list(self.participants),
            "absent": list(self.absent),
            "kind_evidence": [e.to_dict() for e in self.kind_evidence],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Meeting:
        meeting = _from_fields(cls, data)
        meeting.kind_evidence = [KindEvidence.from_dict(e) for e in data.get("kind_evidence") or []]
        return meeting


@dataclass
class Problem:
    """Why a document could not be (fully) processed, or what in it is in doubt.

    `code` is stable and machine-readable. Errors: `empty`, `binary`,
    `encrypted_pdf`, `no_text_layer`, `ocr_unavailable`, `unsupported_format`,
    `too_large`, `timeout`, `corrupt`, `internal`. Warnings from segmentation:
    `no_items` (the message says why), `item_dropped` and `item_skipped` (a
    heading not taken as an item, named by number and line), `item_number_gap`,
    `item_number_start`, `toc_mismatch`, `empty_title`; from a portal's
    structure: `item_number_out_of_range`; from OCR:
    `low_ocr_confidence`, `ocr_timeout`, `not_ocr`. `message` is one human line.
    """

    code: str
    message: str
    stage: str = "ingest"

    def to_dict(self) -> dict[str, Any]:
        return _shallow(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        return _from_fields(cls, data)


@dataclass
class Document:
    """One input file and everything referat read from it."""

    source: str
    sha256: str
    format: str
    text: str = ""
    pages: list[Page] = field(default_factory=list)
    meeting: Meeting = field(default_factory=Meeting)
    items: list[Item] = field(default_factory=list)
    entities: list[Span] = field(default_factory=list)  # outside any item
    errors: list[Problem] = field(default_factory=list)  # fatal: no usable output
    warnings: list[Problem] = field(default_factory=list)  # partial: output is usable
    layout: str | None = None  # the layout profile that segmented it
    referat_version: str = ""
    source_path: str | None = None  # the exact path (`pipeline.exact_path`) where `source` is not exact

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def doc_id(self) -> str:
        """Stable id: the content hash, so renamed copies are the same document."""
        return self.sha256[:16]

    def all_entities(self) -> list[Span]:
        """Document-level and item-level mentions, in text order."""
        spans = list(self.entities)
        for item in self.items:
            spans.extend(item.entities)
        return sorted(spans, key=lambda s: (s.start, s.end, s.label))

    def page_of(self, offset: int) -> int | None:
        """The page number holding a character offset (None without pages)."""
        for page in self.pages:
            if page.start <= offset < page.end:
                return page.number
        return None

    def to_dict(self) -> dict[str, Any]:
        exact = {"source_path": self.source_path} if self.source_path else {}
        return {
            "doc_id": self.doc_id,
            "source": self.source,
            **exact,
            "sha256": self.sha256,
            "format": self.format,
            "referat_version": self.referat_version,
            "layout": self.layout,
            "status": "ok" if self.ok else "error",
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
            "meeting": self.meeting.to_dict(),
            "items": [i.to_dict() for i in self.items],
            "entities": [e.to_dict() for e in self.entities],
            "pages": [p.to_dict() for p in self.pages],
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        return cls(
            source=data["source"],
            sha256=data["sha256"],
            format=data["format"],
            text=data.get("text", ""),
            pages=[Page.from_dict(p) for p in data.get("pages") or []],
            meeting=Meeting.from_dict(data.get("meeting") or {}),
            items=[Item.from_dict(i) for i in data.get("items") or []],
            entities=[Span.from_dict(e) for e in data.get("entities") or []],
            errors=[Problem.from_dict(p) for p in data.get("errors") or []],
            warnings=[Problem.from_dict(p) for p in data.get("warnings") or []],
            layout=data.get("layout"),
            referat_version=data.get("referat_version", ""),
            source_path=data.get("source_path"),
        )


# --- what ingest hands to normalise and segment -----------------------------


@dataclass
class ItemHint:
    """An item as a structured format (portal JSON, portal HTML) states it.

    Offsets point into the joined raw text of `Source.pages`; normalise maps
    them into the normalised text. Sections likewise.
    """

    number: int
    title: str
    start: int
    end: int
    case_number: str | None = None
    closed: bool = False
    sections: list[Section] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)


MAX_ITEM_NUMBER = 9_999
"""The largest item number referat takes: agendas number their items in the hundreds at
most; a larger number is no item number (a 20-digit one does not even fit the 64-bit
integers of SQLite, Arrow and spaCy). The layouts read three digits at most."""


@dataclass
class Structure:
    """What a structured format tells us directly, so segment need not guess."""

    meeting: Meeting = field(default_factory=Meeting)
    items: list[ItemHint] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # what the reader doubted in the structure


@dataclass(frozen=True)
class PageOcr:
    """How a page's text was read by OCR (ingest fills it, normalise copies it to `Page`)."""

    engine: str
    version: str
    confidence: float | None  # mean word confidence, 0-1; None where no word was read


@dataclass
class Source:
    """A file as read: raw text per page, plus structure where the format has it.

    `pages` joined with `PAGE_BREAK` give the raw text (`raw_text`) that the
    offsets in `structure` point into. `page_ocr[i]` says how page i was
    OCR'd (None: its text layer); empty when no page was. `warnings` are what
    ingest noticed without failing (pages left unread, weak OCR).
    """

    path: str
    sha256: str
    format: str  # "txt", "pdf", "html", "docx", "portal_json", "tiff", "png", "jpeg"
    pages: list[str]
    structure: Structure | None = None
    encoding: str | None = None  # for text inputs: the detected encoding
    page_ocr: list[PageOcr | None] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    PAGE_BREAK = "\n\f\n"

    @property
    def raw_text(self) -> str:
        return self.PAGE_BREAK.join(self.pages)
