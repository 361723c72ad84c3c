"""Hugging Face datasets, ready for `transformers` without glue.

`OUT/` holds two `datasets.DatasetDict`s, each with `train`, `validation` and
`test` splits (by document; `datasets.load_from_disk("OUT/types")`):

- `types`: one row per typed item, for sequence classification: `text` (the
  item's text with the printed type marker cut out: it is the label,
  ANNOTATION.md §2), `title`, `label` (a `ClassLabel` over the item types),
  and `doc_id`, `offset`, `source`, `body`, `date` (a date) to join on;
- `ner`: for token classification, one row per chunk of a unit (an item or
  the text around the items): `tokens`, `ner_tags` (BIO `ClassLabel`s over
  referat's labels and any others in the data; whitespace tokens left out;
  where spans overlap, the longest wins), `text`, and `spans` (character
  offsets into `text`, with producer and a typed normalised value). A unit
  longer than the model's length is cut into chunks of at most
  `max_length` tokens, at a sentence or line end where one is near, never
  inside a span. Lengths count words, or a tokenizer's pieces (plus its
  special tokens) where one is given, so rows fit the model they are for.
  `offset` is the chunk's first character in the document; `referat` holds
  the unit's identity as JSON, for the way back.

Rows are written to Arrow files as they come (memory stays flat), then saved
with `save_to_disk`. A third, `votes` (where any item records a vote), has
one row per item × party or member × position (`referat.export.votes`), in
the same splits, joined to `types` by `doc_id` and `number` (`item`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from referat.errors import InputError
from referat.export import votes as vote_table
from referat.export.arrow import as_date, norm_from_row, span_row, span_type
from referat.export.report import ImportReport
from referat.export.tokens import aligned_doc
from referat.export.units import META_KEY, Part, Unit
from referat.model import ENTITY_LABELS, ITEM_TYPES, Document, Span
from referat.outputs import atomic_dir

if TYPE_CHECKING:
    from referat.export import ExportOptions, ExportSummary

TARGET = "folder"
TASKS = ("types", "ner")
DEFAULT_WORDS = 256  # row length without a tokenizer, in words
MAX_MODEL_LENGTH = 512  # a tokenizer's model_max_length above this is a placeholder, not a limit
SENTENCE_ENDS = frozenset(".!?:;")
WRITER_BATCH_ROWS = 100  # rows held before they go to disk, per split and dataset: memory stays flat


def bio_tags(labels: Iterable[str]) -> list[str]:
    """`O` and a B-/I- pair per label: referat's labels first, then others sorted."""
    ordered = list(ENTITY_LABELS) + sorted(set(labels) - set(ENTITY_LABELS))
    return ["O"] + [f"{prefix}-{label}" for label in ordered for prefix in ("B", "I")]


def _features(tags: list[str]):
    import pyarrow as pa
    from datasets import ClassLabel, Features, List

    s, i = pa.string(), pa.int32()
    types = Features.from_arrow_schema(pa.schema([
        ("doc_id", s), ("offset", i), ("source", s), ("body", s), ("date", pa.date32()),
        ("number", i), ("title", s), ("text", s), ("label", i)]))
    types["label"] = ClassLabel(names=list(ITEM_TYPES))
    ner = Features.from_arrow_schema(pa.schema([
        ("doc_id", s), ("offset", i), ("unit_offset", i), ("number", i), ("text", s),
        ("tokens", pa.list_(s)), ("ner_tags", pa.list_(i)), ("spans", pa.list_(span_type())),
        (META_KEY, s)]))
    ner["ner_tags"] = List(ClassLabel(names=tags))
    return {"types": types, "ner": ner}


@dataclass
class Chunk:
    start: int  # character offsets into the unit's text
    end: int
    tokens: list[str]
    tags: list[str]
    spans: list[Span]  # relative to the chunk


@dataclass
class Lengths:
    """How many model tokens each word takes, and how many a row may hold."""

    count: Callable[[list[str]], list[int]]
    budget: int


def row_lengths(max_length: int | None, tokenizer_path: str | None) -> Lengths:
    """Words (one token each) without a tokenizer; else the tokenizer's pieces, with
    room left for its special tokens, up to `max_length` or the model's own limit."""
    if tokenizer_path is None:
        return Lengths(lambda words: [1] * len(words), max_length or DEFAULT_WORDS)
    try:
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(tokenizer_path, local_files_only=True)
    except (OSError, ValueError) as err:
        raise InputError(f"not a tokenizer folder ({err})", path=str(tokenizer_path)) from None

    def count(words: list[str]) -> list[int]:
        if not words:
            return []
        if tokenizer.is_fast:
            encoded = tokenizer(words, is_split_into_words=True, add_special_tokens=False)
            pieces = [0] * len(words)
            for word_id in encoded.word_ids():
                if word_id is not None:
                    pieces[word_id] += 1
        else:
            pieces = [len(tokenizer.tokenize(w)) for w in words]
        return [max(1, p) for p in pieces]

    limit = max_length or min(tokenizer.model_max_length, MAX_MODEL_LENGTH)
    return Lengths(count, limit - tokenizer.num_special_tokens_to_add())


def chunks(unit: Unit, lengths: Lengths, summary: ExportSummary) -> list[Chunk]:
    """The unit cut into rows of at most `lengths.budget` tokens, never inside a span."""
    from spacy.util import filter_spans

    doc, splits = aligned_doc(unit.text, unit.spans)
    summary.split_tokens += splits
    tags = ["O"] * len(doc)
    for span in filter_spans([doc.char_span(s.start, s.end, label=s.label) for s in unit.spans]):
        tags[span.start] = f"B-{span.label_}"
        for i in range(span.start + 1, span.end):
            tags[i] = f"I-{span.label_}"
    words = [t for t in doc if not t.is_space]
    sizes = lengths.count([t.text for t in words])
    budget = lengths.budget
    rows: list[list[int]] = [[]]  # word indices per row
    used = 0
    for index, size in enumerate(sizes):
        if rows[-1] and used + size > budget:
            cut = _cut(words, tags, rows[-1])
            rows.append(rows[-1][cut:])
            rows[-2] = rows[-2][:cut]
            used = sum(sizes[i] for i in rows[-1])
            if rows[-1] and used + size > budget:  # one span longer than a row: cut it anyway
                summary.rows["ner: spans longer than a row, cut"] += 1
                rows.append([])
                used = 0
        rows[-1].append(index)
        used += size
    out: list[Chunk] = []
    for n, row in enumerate(r for r in rows if r):
        start = 0 if n == 0 else words[row[0]].idx
        out.append(Chunk(start=start, end=len(unit.text), tokens=[words[i].text for i in row],
                         tags=[tags[words[i].i] for i in row], spans=[]))
        if n:
            out[n - 1].end = start
    for chunk in out:
        chunk.spans = [replace(s, start=s.start - chunk.start, end=s.end - chunk.start)
                       for s in unit.spans if chunk.start <= s.start and s.end <= chunk.end]
        if chunk.tags and chunk.tags[0].startswith("I-"):  # a span cut above: it starts here
            chunk.tags[0] = "B-" + chunk.tags[0][2:]
    return out


def _cut(words, tags: list[str], row: list[int]) -> int:
    """Where to end a full row: after the last sentence or line end in its second half,
    else before the last word that does not continue a span."""
    def starts_clean(k: int) -> bool:
        return not tags[words[row[k]].i].startswith("I-")

    for k in range(len(row) - 1, len(row) // 2, -1):
        before = words[row[k - 1]]
        after_break = before.text in SENTENCE_ENDS or "\n" in before.whitespace_ \
            or (before.i + 1 < len(before.doc) and "\n" in before.doc[before.i + 1].text)
        if after_break and starts_clean(k):
            return k
    for k in range(len(row) - 1, 0, -1):
        if starts_clean(k):
            return k
    return len(row)  # the whole row is one span: keep it, the next word starts a new row


def write(docs: Iterable[Document], out: Path, summary: ExportSummary, options: ExportOptions,
          labels: set[str]) -> None:
    from datasets import Dataset, DatasetDict
    from datasets.arrow_writer import ArrowWriter

    from referat.export import SPLITS

    limits = row_lengths(options.max_length, options.tokenizer)
    features = _features(bio_tags(labels))
    tag_ids = {name: i for i, name in enumerate(features["ner"]["ner_tags"].feature.names)}
    with atomic_dir(out) as tmp:
        scratch = tmp / ".arrow"
        scratch.mkdir()
        writers = {(task, split): ArrowWriter(features=features[task], path=str(scratch / f"{task}-{split}.arrow"),
                                              writer_batch_size=WRITER_BATCH_ROWS)
                   for task in TASKS for split in SPLITS}
        vote_features = vote_table.hf_features(vote_table.VOTE_COLUMNS)
        writers |= {("votes", split): ArrowWriter(features=vote_features, path=str(scratch / f"votes-{split}.arrow"),
                                                  writer_batch_size=WRITER_BATCH_ROWS) for split in SPLITS}
        votes = 0
        try:
            for doc in docs:
                split = summary.split_of(doc)
                for row in vote_table.vote_rows(doc):
                    writers["votes", split].write(row)
                    votes += 1
                for unit in summary.units_of([doc]):
                    if unit.item is not None and unit.item_type:
                        writers["types", split].write(_type_row(unit))
                    elif unit.item is not None:
                        summary.rows["types: items without a type, left out"] += 1
                    meta = json.dumps(unit.meta(with_spans=False), ensure_ascii=False)
                    for chunk in chunks(unit, limits, summary):
                        writers["ner", split].write({
                            "doc_id": doc.doc_id, "offset": unit.start + chunk.start,
                            "unit_offset": unit.start,
                            "number": unit.item.number if unit.item else None,
                            "text": unit.text[chunk.start:chunk.end], "tokens": chunk.tokens,
                            "ner_tags": [tag_ids[t] for t in chunk.tags],
                            "spans": [span_row(s) for s in chunk.spans], META_KEY: meta})
        finally:
            for writer in writers.values():
                writer.finalize()
                writer.close()
        for task in TASKS + (("votes",) if votes else ()):
            parts = {split: Dataset.from_file(str(scratch / f"{task}-{split}.arrow")) for split in SPLITS}
            for split, dataset in parts.items():
                summary.rows[f"{task}/{split}"] = len(dataset)
            empty = {split: 1 for split, dataset in parts.items() if len(dataset) == 0}  # else 0 shards
            with _quiet():
                DatasetDict(parts).save_to_disk(str(tmp / task), num_shards=empty)
            del parts
        _remove(scratch)
    summary.notes.append(f"load: datasets.load_from_disk({str(out / 'types')!r}) (and 'ner')")


def _type_row(unit: Unit) -> dict[str, Any]:
    from referat.classify.features import strip_marker

    doc, item = unit.document, unit.item
    return {"doc_id": doc.doc_id, "offset": unit.start, "source": doc.source, "body": doc.meeting.body,
            "date": as_date(doc.meeting.date), "number": item.number, "title": strip_marker(item.title)[0],
            "text": unit.training_text, "label": ITEM_TYPES.index(unit.item_type)}


@contextmanager
def _quiet() -> Iterator[None]:
    """No tqdm bars of `datasets` on stderr: the command shows its own progress."""
    import datasets

    was_on = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        yield
    finally:
        if was_on:
            datasets.enable_progress_bars()


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def parts(path: Path, report: ImportReport) -> Iterator[Part]:
    """The annotated units of one export (see the module docstring)."""
    from datasets import DatasetDict, load_from_disk

    data = {}
    for task in TASKS:
        try:
            data[task] = load_from_disk(str(path / task))
        except FileNotFoundError:
            data[task] = None
    if not all(isinstance(d, DatasetDict) for d in data.values()):
        raise InputError("expected the folders types/ and ner/, each a DatasetDict (from `referat "
                         "export --format hf`)", path=str(path))
    names = data["types"]["train"].features["label"].names
    types = {(row["doc_id"], row["offset"]): names[row["label"]]
             for split in data["types"].values() for row in split}
    units: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for split in data["ner"].values():
        for row in split:
            report.read_record()
            units[row["doc_id"], row["unit_offset"]].append(row)
    for key, rows in units.items():
        rows.sort(key=lambda r: r["offset"])
        meta = json.loads(rows[0][META_KEY])
        text = "".join(r["text"] for r in rows)
        spans = []
        for row in rows:
            shift = row["offset"] - row["unit_offset"]
            report.read_spans(len(row["spans"]))
            spans.extend(Span(s["label"], s["start"] + shift, s["end"] + shift, s["text"],
                              norm=norm_from_row(s["norm"]), source=s["source"]) for s in row["spans"])
        item_type = types.get(key)
        yield Part(meta=meta, text=text, spans=spans, item_type=item_type,
                   typed=item_type is not None and item_type != meta.get("type"),
                   where=f"unit {key[0]} at {key[1]}")
