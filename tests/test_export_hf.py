"""Hugging Face: a DatasetDict that loads with `datasets.load_from_disk`."""

from __future__ import annotations

import json

import pytest
from _docs import sample

from referat.errors import InputError
from referat.export import export_documents, import_annotations
from referat.model import ITEM_TYPES


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    from datasets import load_from_disk

    path = tmp_path_factory.mktemp("hf") / "dataset"
    export_documents(sample(), "hf", path)
    return load_from_disk(str(path))


def test_items_have_a_class_label_over_the_item_types(dataset):
    items = dataset["items"]
    assert items.features["label"].names == list(ITEM_TYPES)
    assert [(r["number"], r["label"]) for r in items] == [(1, 0), (2, 1), (3, 2), (1, 1), (2, 1), (3, -1)]
    assert items[1]["text"].startswith("2. Godkendelse af beskæftigelsestilbud")


def test_ner_rows_have_bio_tags_and_char_spans(dataset):
    ner = dataset["ner"]
    names = ner.features["ner_tags"].feature.names
    header = ner[0]
    assert header["number"] is None
    tagged = [(token, names[tag]) for token, tag in zip(header["tokens"], header["ner_tags"])]
    assert ("Jan", "B-PERSON") in tagged and ("Jensen", "I-PERSON") in tagged
    assert all(not token.isspace() for token in header["tokens"])
    law = next(s for row in ner for s in row["spans"] if s["text"] == "aktivlovens § 13 d, stk. 5")
    assert json.loads(law["norm"]) == {"act": "aktivloven", "section": "13 d", "subsection": "5"}


def test_a_span_inside_a_token_gets_its_own_tag(dataset):
    ner = dataset["ner"]
    names = ner.features["ner_tags"].feature.names
    row = ner[2]
    tags = dict(zip(row["tokens"], (names[t] for t in row["ner_tags"])))
    assert tags["jf."] == "O" and tags["§56"] == "B-LAW"


def test_not_a_referat_dataset_is_refused(tmp_path):
    from datasets import Dataset, DatasetDict

    path = tmp_path / "other"
    DatasetDict({"train": Dataset.from_list([{"text": "Godkendt."}])}).save_to_disk(str(path))
    with pytest.raises(InputError, match="expected a DatasetDict with 'items' and 'ner'"):
        list(import_annotations(path, "hf"))
