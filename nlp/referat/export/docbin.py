"""spaCy DocBin (`.spacy`), ready for `spacy train`: one `Doc` per unit.

- every span in `doc.spans["sc"]` (the spancat default key; spans may overlap),
- the longest non-overlapping ones in `doc.ents` (for `ner`),
- the item type in `doc.cats` (one-hot over the item types; absent on text
  outside items),
- the unit's identity (doc id, item, offset, each span's producer and
  normalised value) in `doc.user_data["referat"]`, kept by
  `DocBin(store_user_data=True)` as plain msgpack-able values, the way
  spacy-layout keeps its page data.

Tokens are spaCy's Danish ones, split where a span boundary falls inside a
token (`referat.export.tokens`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from referat.errors import InputError
from referat.export.tokens import aligned_doc, blank_danish
from referat.export.units import META_KEY, Part, Unit, assemble
from referat.model import ITEM_TYPES, Document, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from referat.export import ExportSummary

SPANS_KEY = "sc"
SOURCE = "gold:spacy"


def to_doc(unit: Unit) -> tuple[Doc, int]:
    """A unit as a spaCy `Doc`, and how many tokens were split to align its spans."""
    from spacy.util import filter_spans

    doc, splits = aligned_doc(unit.text, unit.spans)
    spans = [doc.char_span(s.start, s.end, label=s.label) for s in unit.spans]
    doc.spans[SPANS_KEY] = spans
    doc.ents = filter_spans(spans)
    if unit.item_type:
        doc.cats = {t: float(t == unit.item_type) for t in ITEM_TYPES}
    doc.user_data[META_KEY] = unit.meta()
    return doc, splits


def write(docs: Iterable[Document], out: Path, summary: ExportSummary) -> None:
    from spacy.tokens import DocBin

    bin_ = DocBin(store_user_data=True)
    for unit in summary.units_of(docs):
        doc, splits = to_doc(unit)
        summary.split_tokens += splits
        bin_.add(doc)
    bin_.to_disk(out)


def read(path: Path, *, reviewed_only: bool = False) -> Iterator[Document]:
    return assemble(_parts(path), str(path), reviewed_only=reviewed_only)


def _parts(path: Path) -> Iterator[Part]:
    from spacy.tokens import DocBin

    try:
        bin_ = DocBin().from_disk(path)
    except (ValueError, KeyError, TypeError) as err:
        raise InputError(f"not a spaCy DocBin ({err})", path=str(path)) from None
    for number, doc in enumerate(bin_.get_docs(blank_danish().vocab), 1):
        meta = doc.user_data.get(META_KEY)
        if not isinstance(meta, dict):
            raise InputError(f"doc {number}: no {META_KEY!r} user data; was it saved with "
                             "store_user_data=True by `referat export`?", path=str(path))
        meta = json.loads(json.dumps(meta))  # msgpack gives tuples back; the model wants lists
        group = doc.spans[SPANS_KEY] if SPANS_KEY in doc.spans else doc.ents
        spans = [Span(s.label_, s.start_char, s.end_char, s.text, source=SOURCE) for s in group]
        chosen = [t for t, score in doc.cats.items() if score >= 0.5 and t in ITEM_TYPES]
        yield Part(meta=meta, text=doc.text, spans=spans, item_type=chosen[0] if chosen else None)
