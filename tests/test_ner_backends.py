"""--ner backends: a spaCy pipeline from disk, DaCy (never downloaded), the shipped model."""

from __future__ import annotations

import random
import shutil
import sys

import pytest
import spacy
from spacy.training import Example

from referat.annotate import Annotator, load_nlp
from referat.annotate.backends import chunks, load_dacy, load_pipeline, load_shipped_model
from referat.resources import CHECKSUMS, verify_checksums, write_checksums
from referat.components import SPANS_KEY
from referat.errors import ModelError
from referat.model import Document, Item
from referat.resources import models_dir

SENTENCES = [
    ("Byrådet takkede Xyzzy Quux for indsatsen.", [(0, 7, "ORG"), (16, 26, "PER")]),
    ("Mødet blev ledet af Xyzzy Quux i Greve.", [(20, 30, "PER"), (33, 38, "LOC")]),
]


@pytest.fixture(scope="module")
def tiny_pipeline(tmp_path_factory):
    """A spaCy NER pipeline trained here on two sentences (it learns them by heart)."""
    random.seed(0)
    nlp = spacy.blank("da")
    ner = nlp.add_pipe("ner")
    for _, ents in SENTENCES:
        for *_, label in ents:
            ner.add_label(label)
    examples = [Example.from_dict(nlp.make_doc(t), {"entities": ents}) for t, ents in SENTENCES]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(40):
        nlp.update(examples, sgd=optimizer, drop=0.0)
    path = tmp_path_factory.mktemp("tiny") / "tiny_ner"
    nlp.to_disk(path)
    return path


def test_pipeline_path_adds_persons_where_rules_say_nothing(tiny_pipeline):
    annotator = Annotator(str(tiny_pipeline), trust_model=True)
    text = SENTENCES[0][0]
    doc = Document(source="a.txt", sha256="0" * 64, format="txt", text=text,
                   items=[Item(number=1, title="t", start=0, end=len(text))])
    annotator.annotate(doc)
    got = [(s.label, s.text, s.source) for s in doc.items[0].entities]
    assert ("PERSON", "Xyzzy Quux", "spacy:tiny_ner") in got  # PER becomes PERSON
    assert ("COMMITTEE", "Byrådet", "rules:committee") in got
    assert not any(label == "ORG" for label, *_ in got)  # overlaps the rules' committee: dropped
    assert next(s for s in doc.items[0].entities if s.label == "PERSON").norm == {"name": "Xyzzy Quux",
                                                                                  "party": None}


def test_annotate_many_runs_the_model_once_over_the_batch(tiny_pipeline, monkeypatch):
    annotator = Annotator(str(tiny_pipeline), trust_model=True)
    calls = []
    original = annotator.backend.nlp.pipe
    monkeypatch.setattr(annotator.backend.nlp, "pipe", lambda texts, **kw: calls.append(1) or original(texts, **kw))
    docs = [Document(source=f"{n}.txt", sha256="0" * 64, format="txt", text=t) for n, (t, _) in enumerate(SENTENCES)]
    annotator.annotate_many(docs)
    assert calls == [1]
    assert [("PERSON", "Xyzzy Quux") in {(s.label, s.text) for s in d.entities} for d in docs] == [True, True]
    assert any(s.label == "LOC" for s in docs[1].entities)


def test_load_nlp_with_a_pipeline_path(tiny_pipeline):
    nlp = load_nlp(str(tiny_pipeline), trust_model=True)
    assert "referat_ner" in nlp.pipe_names
    doc = nlp(SENTENCES[1][0])
    assert ("PERSON", "Xyzzy Quux") in {(s.label_, s.text) for s in doc.spans[SPANS_KEY]}


@pytest.mark.parametrize("ner", ["path", "dacy", "dacy:small"])
def test_a_third_party_pipeline_needs_trust_model_and_nothing_of_it_is_loaded(tiny_pipeline, monkeypatch, ner):
    """Loading a spaCy pipeline can run code from its files: without the flag, nothing is read."""
    import referat.lazy

    monkeypatch.setattr(referat.lazy, "spacy_load", lambda *a, **k: pytest.fail("the pipeline was loaded"))
    monkeypatch.setitem(sys.modules, "dacy", None)  # importing dacy would be loading it too
    with pytest.raises(ModelError, match="--trust-model"):
        Annotator(str(tiny_pipeline) if ner == "path" else ner)
    with pytest.raises(ModelError, match="--trust-model"):
        load_nlp(str(tiny_pipeline) if ner == "path" else ner)


@pytest.mark.slow
def test_cli_refuses_a_third_party_pipeline_without_trust_model(tiny_pipeline, tmp_path):
    import subprocess
    from pathlib import Path

    good = tmp_path / "good.txt"
    good.write_text("Punkt 1: Budget\nBeslutning\nGodkendt.\n", encoding="utf-8")
    cli = [str(Path(sys.executable).with_name("referat")), "process", str(good), "--ner", str(tiny_pipeline),
           "--classifier", "rules", "--segmenter", "rules"]
    refused = subprocess.run([*cli, "-o", str(tmp_path / "a.jsonl")], capture_output=True, text=True, timeout=300)
    assert refused.returncode == 2, refused.stderr
    assert "Traceback" not in refused.stderr
    assert [line for line in refused.stderr.splitlines() if "--trust-model" in line], refused.stderr
    trusted = subprocess.run([*cli, "--trust-model", "-o", str(tmp_path / "b.jsonl")], capture_output=True,
                             text=True, timeout=300)
    assert trusted.returncode == 0, trusted.stderr


def test_missing_pipeline_path_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="no spaCy pipeline at .*--ner takes rules, model, dacy"):
        Annotator(str(tmp_path / "nowhere"))


def test_pipeline_without_ner_is_a_clear_error(tmp_path):
    nlp = spacy.blank("da")
    nlp.add_pipe("sentencizer")
    nlp.to_disk(tmp_path / "no_ner")
    with pytest.raises(ModelError, match="has no NER component"):
        load_pipeline(tmp_path / "no_ner")


def test_dacy_model_not_installed_says_so_and_downloads_nothing(tmp_path, monkeypatch):
    dacy_download = pytest.importorskip("dacy.download")
    monkeypatch.setattr(dacy_download, "DEFAULT_CACHE_DIR", tmp_path)
    monkeypatch.setattr(dacy_download, "download_url", lambda *a, **k: pytest.fail("tried to download"))
    with pytest.raises(ModelError, match=r"DaCy model da_dacy_small_trf-.* is not installed.*never downloads"):
        Annotator("dacy", trust_model=True)
    with pytest.raises(ModelError, match="unknown DaCy model 'tiny-ish'"):
        load_dacy("tiny-ish")


def test_dacy_package_missing_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "dacy", None)
    with pytest.raises(ModelError, match=r"pip install 'referat-nlp\[dacy\]'"):
        load_dacy("small")


@pytest.fixture
def shipped_copy(tmp_path):
    source = models_dir() / "ner"
    if not (source / "meta.json").exists():
        pytest.skip("models/ner is not trained in this checkout")
    copy = tmp_path / "ner"
    shutil.copytree(source, copy)
    return copy


def test_shipped_model_loads_checked_and_gated(shipped_copy):
    backend = load_shipped_model(shipped_copy)
    assert backend.source.startswith("model:ner@") and backend.gated
    text = "På mødet fortalte Ahmad Rahimi om arbejdet i Vejle."
    assert ("PERSON", "Ahmad Rahimi") in {(s.label, s.text) for s in backend.find(text)}


def test_shipped_model_with_a_foreign_factory_is_refused(shipped_copy):
    config = shipped_copy / "config.cfg"
    config.write_text(config.read_text(encoding="utf-8").replace('factory = "ner"', 'factory = "textcat"'),
                      encoding="utf-8")
    write_checksums(shipped_copy)
    with pytest.raises(ModelError, match="components referat does not load: ner \\(textcat\\)"):
        load_shipped_model(shipped_copy)


def test_tampered_model_is_refused(shipped_copy):
    model = shipped_copy / "ner" / "model"
    model.write_bytes(model.read_bytes()[:-1] + b"\0")
    with pytest.raises(ModelError, match="does not match its sha256"):
        load_shipped_model(shipped_copy)


def test_unlisted_or_missing_files_are_refused(shipped_copy):
    (shipped_copy / "extra.bin").write_bytes(b"x")
    with pytest.raises(ModelError, match=f"extra.bin is not in {CHECKSUMS}"):
        verify_checksums(shipped_copy)
    (shipped_copy / "extra.bin").unlink()
    (shipped_copy / CHECKSUMS).unlink()
    with pytest.raises(ModelError, match="refusing to load unchecked files"):
        verify_checksums(shipped_copy)
    write_checksums(shipped_copy)
    verify_checksums(shipped_copy)


def test_chunks_cover_the_text_at_line_breaks():
    text = "\n".join(f"Linje {n} med lidt tekst om Anne Hansen." for n in range(400))
    pieces = chunks(text, size=500)
    assert "".join(p for _, p in pieces) == text
    assert all(text[o:o + len(p)] == p for o, p in pieces)
    assert all(p.endswith("\n") for _, p in pieces[:-1])
