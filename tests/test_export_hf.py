"""Hugging Face: two DatasetDicts with train/validation/test splits, typed
columns, and token-classification rows that fit the model they are for."""

from __future__ import annotations

import datetime as dt

import pytest
from _docs import amiu_2019, byraad_2016, council_meeting, fjordby_2021

from referat.errors import InputError
from referat.export import ExportOptions, SPLITS, export_documents, import_annotations
from referat.model import ITEM_TYPES


def documents():
    return [amiu_2019(), byraad_2016(), fjordby_2021(), council_meeting(7)]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from datasets import load_from_disk

    path = tmp_path_factory.mktemp("hf") / "dataset"
    summary = export_documents(documents(), "hf", path, options=ExportOptions(max_length=24))
    return path, summary, load_from_disk(str(path / "types")), load_from_disk(str(path / "ner"))


def test_splits_are_named_as_trainers_expect_and_never_share_a_document(exported):
    _, summary, types, ner = exported
    assert list(types) == list(ner) == list(SPLITS)
    assert summary.per_split == {"train": 2, "validation": 1, "test": 1}
    seen = {split: set(ner[split]["doc_id"]) for split in SPLITS}
    assert not (seen["train"] & seen["validation"] or seen["train"] & seen["test"]
                or seen["validation"] & seen["test"])
    assert all(seen.values())


def test_types_rows_are_typed_items_with_the_marker_cut_out(exported):
    _, summary, types, _ = exported
    rows = [r for split in SPLITS for r in types[split]]
    assert types["train"].features["label"].names == list(ITEM_TYPES)
    assert types["train"].features["date"].dtype == "date32"
    assert len(rows) == 11 and summary.rows["types: items without a type, left out"] == 1
    decision = next(r for r in rows if r["title"].startswith("Godkendelse af beskæftigelsestilbud"))
    assert ITEM_TYPES[decision["label"]] == "beslutning" and decision["date"] == dt.date(2019, 3, 11)
    assert decision["text"].split("\n")[0] == "2. Godkendelse af beskæftigelsestilbud og konkurrenceudsættelse"
    assert "(B)" not in decision["text"] and "(B)" not in decision["title"]


def test_ner_rows_fit_the_length_and_never_cut_a_span(exported):
    _, _, _, ner = exported
    names = ner["train"].features["ner_tags"].feature.names
    units = {}
    for split in SPLITS:
        for row in ner[split]:
            assert len(row["tokens"]) <= 24
            tags = [names[t] for t in row["ner_tags"]]
            assert not tags[0].startswith("I-")
            for span in row["spans"]:
                assert row["text"][span["start"]:span["end"]] == span["text"]
            units.setdefault((row["doc_id"], row["unit_offset"]), []).append(row)
    chunked = [rows for rows in units.values() if len(rows) > 1]
    assert chunked, "some unit should need several rows at 24 tokens"
    for rows in chunked:
        rows.sort(key=lambda r: r["offset"])
        for before, after in zip(rows, rows[1:]):
            assert before["offset"] + len(before["text"]) == after["offset"]  # the chunks tile the unit


def test_ner_tags_and_typed_norms(exported):
    _, _, _, ner = exported
    names = ner["train"].features["ner_tags"].feature.names
    rows = [r for split in SPLITS for r in ner[split]]
    tagged = [(tok, names[tag]) for r in rows for tok, tag in zip(r["tokens"], r["ner_tags"])]
    assert ("Jan", "B-PERSON") in tagged and ("Jensen", "I-PERSON") in tagged
    assert ("§56", "B-LAW") in tagged and ("jf.", "O") in tagged  # a span inside a spaCy token
    assert all(not tok.isspace() for tok, _ in tagged)
    law = next(s for r in rows for s in r["spans"] if s["text"] == "aktivlovens § 13 d, stk. 5")
    assert (law["norm"]["act"], law["norm"]["section"], law["norm"]["subsection"]) == ("aktivloven", "13 d", "5")
    amount = next(s for r in rows for s in r["spans"] if s["text"] == "20 mio. kr.")
    assert amount["norm"]["value"] == 20000000.0


def test_round_trip(exported):
    path, *_ = exported
    back = {d.doc_id: d for d in import_annotations(path, "hf")}
    for original in documents():
        doc = back[original.doc_id]
        assert [(s.label, s.start, s.end, s.norm) for s in doc.all_entities()] == \
            [(s.label, s.start, s.end, s.norm) for s in original.all_entities()]
        assert [i.type for i in doc.items] == [i.type for i in original.items]


def tiny_tokenizer(folder):
    """A WordPiece tokenizer written for this test: [CLS] … [SEP], small vocabulary."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    trainer = trainers.WordPieceTrainer(vocab_size=120, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]"])
    tokenizer.train_from_iterator([d.text for d in documents()], trainer)
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="[UNK]", pad_token="[PAD]",
                                   cls_token="[CLS]", sep_token="[SEP]", model_max_length=64)
    fast.save_pretrained(folder)
    return fast


def test_rows_fit_a_tokenizers_model_length(tmp_path):
    from datasets import load_from_disk

    tokenizer = tiny_tokenizer(tmp_path / "tokenizer")
    export_documents(documents(), "hf", tmp_path / "dataset",
                     options=ExportOptions(tokenizer=str(tmp_path / "tokenizer")))
    ner = load_from_disk(str(tmp_path / "dataset" / "ner"))
    lengths = [len(tokenizer(row["tokens"], is_split_into_words=True)["input_ids"])
               for split in SPLITS for row in ner[split]]
    assert max(lengths) <= 64 and max(lengths) > 40  # full rows, none too long


def test_not_a_referat_dataset_is_refused(tmp_path):
    from datasets import Dataset, DatasetDict

    DatasetDict({"train": Dataset.from_list([{"text": "Godkendt."}])}).save_to_disk(str(tmp_path / "other"))
    with pytest.raises(InputError, match="expected the folders types/ and ner/"):
        list(import_annotations(tmp_path / "other", "hf"))
