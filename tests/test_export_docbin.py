"""spaCy: a `ner` and a `textcat` corpus, split by document, that `spacy train`
reads as they are and `spacy debug data` passes."""

from __future__ import annotations

import subprocess
import sys

import pytest
from _docs import amiu_2019, byraad_2016, council_meeting

from referat.export import SPLITS, export_documents, import_annotations
from referat.export.docbin import SPANS_KEY, TASKS
from referat.export.tokens import blank_danish
from referat.model import ITEM_TYPES, Span


def docs_in(folder):
    from spacy.tokens import DocBin

    out = []
    for path in sorted(folder.glob("*.spacy")):
        out.extend(DocBin().from_disk(path).get_docs(blank_danish().vocab))
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("docbin") / "corpus"
    summary = export_documents([amiu_2019(), byraad_2016()], "spacy", path)
    return path, summary


def test_layout_ready_for_spacy_train(corpus):
    path, summary = corpus
    for task in TASKS:
        assert (path / task / "config.cfg").is_file()
        assert sorted(p.name for p in (path / task).iterdir()) == ["config.cfg", *sorted(SPLITS)]
    assert summary.rows["ner/train"] + summary.rows["ner/validation"] + summary.rows["ner/test"] == 8


def test_ner_docs_have_spans_and_ents_and_no_cats(corpus):
    path, _ = corpus
    ner = [d for split in SPLITS for d in docs_in(path / "ner" / split)]
    assert len(ner) == 8 and all(d.cats == {} for d in ner)
    item = next(d for d in ner if "beskæftigelsestilbud" in d.text[:80])
    spans = [(s.label_, s.text) for s in item.spans[SPANS_KEY]]
    assert ("LAW", "§56") in spans and ("AMOUNT", "20 mio. kr.") in spans
    assert [(e.label_, e.text) for e in item.ents] == spans  # no overlaps here: ents are the spans
    meta = item.user_data["referat"]
    assert (meta["item"]["number"], meta["offset"]) == (2, amiu_2019().items[1].start)


def test_textcat_docs_are_typed_items_without_the_marker(corpus):
    path, summary = corpus
    textcat = [d for split in SPLITS for d in docs_in(path / "textcat" / split)]
    assert len(textcat) == 5  # the untyped Spørgetid item is left out, and said so
    assert summary.rows["textcat: items without a type, left out"] == 1
    for doc in textcat:
        assert sorted(doc.cats) == sorted(ITEM_TYPES) and sum(doc.cats.values()) == 1.0
    decision = next(d for d in textcat if d.text.startswith("2. Godkendelse af beskæftigelsestilbud"))
    assert decision.cats["beslutning"] == 1.0
    assert decision.text.split("\n")[0] == "2. Godkendelse af beskæftigelsestilbud og konkurrenceudsættelse"


def test_overlapping_spans_keep_all_in_sc_and_the_longest_in_ents(tmp_path):
    doc = amiu_2019()
    item = doc.items[1]
    law = next(s for s in item.entities if s.text == "aktivlovens § 13 d, stk. 5")
    item.entities.append(Span("ACT", law.start, law.start + len("aktivlovens"), "aktivlovens"))
    path = tmp_path / "corpus"
    export_documents([doc], "spacy", path)
    (spacy_doc,) = [d for d in docs_in(path / "ner" / "train") if "beskæftigelsestilbud" in d.text[:80]]
    assert ("ACT", "aktivlovens") in [(s.label_, s.text) for s in spacy_doc.spans["sc"]]
    assert ("LAW", "aktivlovens § 13 d, stk. 5") in [(e.label_, e.text) for e in spacy_doc.ents]
    (back,) = import_annotations(path, "spacy")
    assert ("ACT", "aktivlovens") in [(s.label, s.text) for s in back.items[1].entities]


def test_docbin_without_referat_user_data_is_reported(tmp_path):
    from spacy.tokens import DocBin

    (tmp_path / "ner" / "train").mkdir(parents=True)
    DocBin(docs=[blank_danish()("Byrådet godkendte indstillingen.")]).to_disk(tmp_path / "ner" / "train" / "a.spacy")
    imported = import_annotations(tmp_path, "spacy")
    assert list(imported) == []
    assert imported.report.failed and "train/a.spacy doc 1" in "\n".join(imported.report.lines())


@pytest.mark.slow
@pytest.mark.parametrize("task", TASKS)
def test_spacy_debug_data_is_clean(tmp_path, task):
    path = tmp_path / "corpus"
    export_documents([council_meeting(n) for n in range(60)], "spacy", path)
    run = subprocess.run([sys.executable, "-m", "spacy", "debug", "data", "config.cfg"],
                         cwd=path / task, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "✘" not in run.stdout, run.stdout[-3000:]
    assert "Corpus is loadable" in run.stdout
