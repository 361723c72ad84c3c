"""A Hugging Face `datasets.DatasetDict` saved to disk (`datasets.load_from_disk`).

- `items`: one row per item, `label` a `ClassLabel` over the item types (-1
  where an item has none), for sequence classification;
- `ner`: one row per unit (items and the text around them), with `tokens`
  and `ner_tags` (BIO `ClassLabel`; whitespace tokens left out; where spans
  overlap, the longest wins) for token classification, and the character
  `spans` with producer and normalised value (JSON) for anything else.

Both carry `doc_id` and `offset` (the unit's first character in the
document) to join on; `ner.referat` holds the unit's identity as JSON.
A third split, `votes` (where any item records a vote), has one row per
item × party or member × position (`referat.export.votes`), joined to
`items` by `doc_id` and `number` (`item`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from referat.errors import InputError
from referat.export import votes as vote_table
from referat.export.tokens import aligned_doc
from referat.export.units import META_KEY, Part, Unit, assemble
from referat.model import ENTITY_LABELS, ITEM_TYPES, Document, Span

if TYPE_CHECKING:
    from referat.export import ExportSummary

NO_LABEL = -1


def _features(tags: list[str]):
    from datasets import ClassLabel, Features, Value

    span = {"label": Value("string"), "start": Value("int32"), "end": Value("int32"),
            "text": Value("string"), "source": Value("string"), "norm": Value("string")}
    items = Features({"doc_id": Value("string"), "offset": Value("int32"), "source": Value("string"),
                      "number": Value("int32"), "title": Value("string"), "text": Value("string"),
                      "label": ClassLabel(names=list(ITEM_TYPES))})
    ner = Features({"doc_id": Value("string"), "offset": Value("int32"), "number": Value("int32"),
                    "text": Value("string"), "tokens": [Value("string")],
                    "ner_tags": [ClassLabel(names=tags)], "spans": [span], META_KEY: Value("string")})
    return items, ner


def bio_tags(labels: Iterable[str]) -> list[str]:
    """`O` and a B-/I- pair per label: referat's labels first, then others sorted."""
    ordered = list(ENTITY_LABELS) + sorted(set(labels) - set(ENTITY_LABELS))
    return ["O"] + [f"{prefix}-{label}" for label in ordered for prefix in ("B", "I")]


def _token_row(unit: Unit, summary: ExportSummary) -> tuple[list[str], list[str]]:
    from spacy.util import filter_spans

    doc, splits = aligned_doc(unit.text, unit.spans)
    summary.split_tokens += splits
    tags = ["O"] * len(doc)
    for span in filter_spans([doc.char_span(s.start, s.end, label=s.label) for s in unit.spans]):
        tags[span.start] = f"B-{span.label_}"
        for i in range(span.start + 1, span.end):
            tags[i] = f"I-{span.label_}"
    kept = [(t.text, tag) for t, tag in zip(doc, tags) if not t.is_space]
    return [t for t, _ in kept], [tag for _, tag in kept]


def write(docs: Iterable[Document], out: Path, summary: ExportSummary) -> None:
    from datasets import Dataset, DatasetDict

    items: list[dict[str, Any]] = []
    ner: list[dict[str, Any]] = []
    votes: list[dict[str, Any]] = []
    voted: set[str] = set()
    for unit in summary.units_of(docs):
        if unit.document.doc_id not in voted:
            voted.add(unit.document.doc_id)
            votes.extend(vote_table.vote_rows(unit.document))
        number = unit.item.number if unit.item else None
        doc_id = unit.document.doc_id
        if unit.item:
            items.append({"doc_id": doc_id, "offset": unit.start, "source": unit.document.source,
                          "number": number, "title": unit.item.title, "text": unit.text,
                          "label": ITEM_TYPES.index(unit.item.type) if unit.item.type else NO_LABEL})
        tokens, tags = _token_row(unit, summary)
        ner.append({"doc_id": doc_id, "offset": unit.start, "number": number, "text": unit.text,
                    "tokens": tokens, "ner_tags": tags,
                    "spans": [{"label": s.label, "start": s.start, "end": s.end, "text": s.text,
                               "source": s.source, "norm": json.dumps(s.norm, ensure_ascii=False)}
                              for s in unit.spans],
                    META_KEY: json.dumps(unit.meta(with_spans=False), ensure_ascii=False)})
    item_features, ner_features = _features(bio_tags(s["label"] for row in ner for s in row["spans"]))
    tag_ids = {name: i for i, name in enumerate(ner_features["ner_tags"].feature.names)}
    for row in ner:
        row["ner_tags"] = [tag_ids[tag] for tag in row["ner_tags"]]
    splits = {
        "items": Dataset.from_list(items, features=item_features),
        "ner": Dataset.from_list(ner, features=ner_features),
    }
    if votes:  # datasets cannot load an empty split back
        splits["votes"] = Dataset.from_list(votes, features=vote_table.hf_features(vote_table.VOTE_COLUMNS))
    DatasetDict(splits).save_to_disk(str(out))


def read(path: Path, *, reviewed_only: bool = False) -> Iterator[Document]:
    return assemble(_parts(path), str(path), reviewed_only=reviewed_only)


def _parts(path: Path) -> Iterator[Part]:
    from datasets import DatasetDict, load_from_disk

    try:
        data = load_from_disk(str(path))
    except FileNotFoundError as err:
        raise InputError(f"not a dataset saved with save_to_disk ({err})", path=str(path)) from None
    if not isinstance(data, DatasetDict) or not {"items", "ner"} <= set(data):
        raise InputError("expected a DatasetDict with 'items' and 'ner' (from `referat export "
                         "--format hf`)", path=str(path))
    names = data["items"].features["label"].names
    types = {(row["doc_id"], row["offset"]): names[row["label"]] if row["label"] != NO_LABEL else None
             for row in data["items"]}
    for row in data["ner"]:
        spans = [Span(s["label"], s["start"], s["end"], s["text"], norm=json.loads(s["norm"]),
                      source=s["source"]) for s in row["spans"]]
        yield Part(meta=json.loads(row[META_KEY]), text=row["text"], spans=spans,
                   item_type=types.get((row["doc_id"], row["offset"])))
