"""`Annotator`: fills a segmented `Document`'s entities, loaded once per run.

Rules run on the whole text once; a statistical backend (the shipped NER
model, DaCy, or any spaCy pipeline) adds the persons (and ORG/LOC) the rules
do not cover. Spans inside an item's [start, end) go to `item.entities`, the
rest (meeting header, table of contents) to `doc.entities`.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from referat.annotate.backends import ExternalNER, load_backend
from referat.annotate.context import DocumentContext
from referat.annotate.persons import as_printed, member_party, plausible_name
from referat.annotate.rules import find_entities
from referat.annotate.spans import overlaps_any
from referat.model import Document, Span


class Annotator:
    """Tags entities; `ner` is "rules", "model", "dacy[:name]" or a spaCy pipeline path."""

    def __init__(self, ner: str = "model", trust_model: bool = False):
        self.ner = ner
        self.backend: ExternalNER | None = load_backend(ner, trust_model)

    def spans(self, doc: Document) -> list[Span]:
        """The rule spans of one document (no backend)."""
        return find_entities(doc.text, DocumentContext.of(doc))

    def annotate(self, doc: Document) -> None:
        """Fill `doc.entities` and every `item.entities` (replacing what was there)."""
        self.annotate_many([doc])

    def annotate_many(self, docs: Iterable[Document]) -> None:
        """Annotate a batch; a backend model sees all texts in one `nlp.pipe`."""
        docs = list(docs)
        rule_spans = [self.spans(doc) for doc in docs]
        if self.backend is not None:
            found = self.backend.find_many([d.text for d in docs], rule_spans)
            for doc, spans, extra in zip(docs, rule_spans, found):
                spans.extend(merge_backend(doc.text, spans, extra, self.backend.check_names))
        for doc, spans in zip(docs, rule_spans):
            assign(doc, spans)


def merge_backend(text: str, rule_spans: list[Span], model_spans: list[Span],
                  check_names: bool = False) -> list[Span]:
    """Model spans that overlap no rule span (the rules win where both speak).

    A model PERSON takes the party printed after it ("(A)", ", (A)",
    "(Siumut)", a table's party column), which also becomes a PARTY span
    where the rules had none. With `check_names`, a model PERSON must look
    like a name (`persons.plausible_name`), for pipelines trained on noisy labels.
    """
    ordered = sorted(rule_spans, key=lambda s: s.start)
    starts = [s.start for s in ordered]
    parties = {(s.start, s.end) for s in rule_spans if s.label == "PARTY"}
    out = []
    for span in model_spans:
        if check_names and span.label == "PERSON" and not plausible_name(span.text):
            continue
        lo = bisect.bisect_left(starts, span.start - 500)
        hi = bisect.bisect_right(starts, span.end)
        if overlaps_any(span.start, span.end, ordered[lo:hi]):
            continue
        out.append(span)
        if span.label == "PERSON":
            party = member_party(text, span.end)
            if party is not None:
                span.norm = {**(span.norm or {}), "party": as_printed(party)}
                if (party.start, party.end) not in parties:
                    parties.add((party.start, party.end))
                    out.append(party)
    return out


def assign(doc: Document, spans: list[Span]) -> None:
    """Put each span into the item whose [start, end) holds it, else the document."""
    items = sorted(doc.items, key=lambda i: i.start)
    starts = [i.start for i in items]
    doc.entities = []
    for item in items:
        item.entities = []
    for span in sorted(spans, key=lambda s: (s.start, s.end, s.label)):
        k = bisect.bisect_right(starts, span.start) - 1
        if k >= 0 and span.end <= items[k].end:
            items[k].entities.append(span)
        else:
            doc.entities.append(span)
