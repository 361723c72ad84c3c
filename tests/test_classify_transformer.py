"""The transformers backend end to end on CPU, with a tiny random-weight BERT the test builds.

No weights are downloaded: the tokenizer is trained on a few sentences with
`tokenizers` (WordPiece), the model is a `BertForSequenceClassification`
with a tiny config and random weights, both saved to tmp_path. `referat
train --backend transformers --base-model` fine-tunes it for two steps, and
`load_classifier(path)` reads it back and types a document.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_classify_rules import SECTIONS, minutes_doc

pytest.importorskip("torch")
pytest.importorskip("datasets")
transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")

from typer.testing import CliRunner  # noqa: E402

from referat.classify import load_classifier  # noqa: E402
from referat.resources import CHECKSUMS  # noqa: E402
from referat.classify.transformer import TransformerClassifier  # noqa: E402
from referat.cli import app  # noqa: E402
from referat.errors import ModelError  # noqa: E402
from referat.model import ITEM_TYPES, Classification  # noqa: E402

pytestmark = pytest.mark.slow

SENTENCES = [
    "Orienteringen blev taget til efterretning.", "Godkendt.", "Anbefales.", "Udvalget drøftede sagen.",
    "Administrationen indstiller, at orienteringen tages til efterretning.",
    "Forvaltningen indstiller, at planen godkendes.", "at udvalget drøfter budgettet",
    "Punkt 1: Status på rekruttering", "Indstilling Beslutning",
]


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory):
    """A random-weight BERT and a WordPiece tokenizer trained on the fly."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers

    path = tmp_path_factory.mktemp("tiny-bert")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.train_from_iterator(SENTENCES, trainers.WordPieceTrainer(vocab_size=300, special_tokens=specials))
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[(s, tok.token_to_id(s)) for s in ("[CLS]", "[SEP]")])
    fast = transformers.BertTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]",
                                          cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]")
    fast.save_pretrained(path)
    config = transformers.BertConfig(vocab_size=fast.vocab_size, hidden_size=16, num_hidden_layers=1,
                                     num_attention_heads=2, intermediate_size=32,
                                     max_position_embeddings=128)
    transformers.set_seed(0)
    transformers.BertForSequenceClassification(config).save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    """referat JSONL records whose item types a person set (classification source "human")."""
    path = tmp_path_factory.mktemp("records") / "corrected.jsonl"
    doc = minutes_doc(
        ("Status på rekruttering", SECTIONS),
        ("Beskæftigelsespolitik", {"Indstilling": "at planen godkendes.", "Beslutning": "Godkendt."}),
        ("Budget", {"Indstilling": "at udvalget drøfter budgettet", "Beslutning": "Drøftet."}),
        ("Frikort", SECTIONS))
    for item, label in zip(doc.items, ["orientering", "beslutning", "drøftelse", "orientering"]):
        item.type = label
        item.classification = Classification(label, 1.0, {t: float(t == label) for t in ITEM_TYPES},
                                              source="human")
    path.write_text(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trained_dir(tiny_bert, records, tmp_path_factory):
    out = tmp_path_factory.mktemp("trained") / "model"
    result = CliRunner().invoke(app, ["train", "types", str(records), "--backend", "transformers", "--base-model",
                                      str(tiny_bert), "--out", str(out), "--labels", "type",
                                      "--max-steps", "2", "--batch-size", "2", "--seed", "0"])
    assert result.exit_code == 0, result.output
    assert "trained transformers on 4 items" in result.output
    return out


def test_trained_model_is_safetensors_with_checksums(trained_dir):
    names = {p.name for p in trained_dir.iterdir()}
    assert {"model.safetensors", "meta.json", CHECKSUMS, "config.json"} <= names
    assert not any(name.endswith((".bin", ".pt", ".pkl")) for name in names)
    meta = json.loads((trained_dir / "meta.json").read_text(encoding="utf-8"))
    assert meta["backend"] == "transformers" and meta["steps"] == 2 and meta["n_examples"] == 4


def test_load_classifier_reads_it_back_and_types_items(trained_dir):
    classifier = load_classifier(str(trained_dir))
    assert isinstance(classifier, TransformerClassifier)
    probs = classifier.predict_proba(["Godkendt.", "Taget til efterretning."])
    assert probs.shape == (2, len(ITEM_TYPES)) and np.allclose(probs.sum(axis=1), 1.0)
    doc = minutes_doc(("Status på rekruttering", SECTIONS), ("Rammeaftale (B)", SECTIONS))
    classifier.classify(doc)
    first, marked = doc.items
    assert first.type in ITEM_TYPES
    assert first.classification.source.startswith("model:transformers@")
    assert set(first.classification.scores) == set(ITEM_TYPES)
    assert marked.type == "beslutning" and marked.classification.source == "marker"


def test_same_seed_gives_the_same_weights(tiny_bert, records, trained_dir, tmp_path):
    from referat.classify.training import train

    train([records], tmp_path / "again", backend="transformers", base_model=tiny_bert, labels="type",
          params={"max_steps": 2, "batch_size": 2}, seed=0)
    assert (tmp_path / "again" / "model.safetensors").read_bytes() == \
        (trained_dir / "model.safetensors").read_bytes()


def test_changed_weights_are_refused(trained_dir, tmp_path):
    copy_dir = tmp_path / "model"
    copy_dir.mkdir()
    for path in trained_dir.iterdir():
        (copy_dir / path.name).write_bytes(path.read_bytes())
    (copy_dir / "model.safetensors").write_bytes((copy_dir / "model.safetensors").read_bytes()[:-4] + b"\0\0\0\0")
    with pytest.raises(ModelError, match="does not match its sha256"):
        load_classifier(str(copy_dir))


def test_base_model_must_be_a_local_directory(records, tmp_path):
    result = CliRunner().invoke(app, ["train", "types", str(records), "--backend", "transformers",
                                      "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "--base-model" in result.output
    with pytest.raises(ModelError, match="local model directory"):
        TransformerClassifier(base_model=tmp_path / "bert-base-danish").fit(["a", "b"], ["orientering", "beslutning"])
