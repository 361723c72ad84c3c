"""spaCy DocBin: spans, ents, cats and the unit's identity in user data."""

from __future__ import annotations

import pytest
from _docs import amiu_2019

from referat.errors import InputError
from referat.export import export_documents, import_annotations
from referat.export.docbin import SPANS_KEY
from referat.export.tokens import blank_danish
from referat.model import Span


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    from spacy.tokens import DocBin

    path = tmp_path_factory.mktemp("docbin") / "train.spacy"
    export_documents([amiu_2019()], "spacy", path)
    return list(DocBin().from_disk(path).get_docs(blank_danish().vocab))


def test_a_doc_per_unit_with_cats_on_items(docs):
    assert len(docs) == 4
    assert docs[0].cats == {}
    assert docs[2].cats == {"orientering": 0.0, "beslutning": 1.0, "drøftelse": 0.0}


def test_spans_and_ents(docs):
    item = docs[2]
    spans = [(s.label_, s.text) for s in item.spans[SPANS_KEY]]
    assert ("LAW", "§56") in spans and ("AMOUNT", "20 mio. kr.") in spans
    assert [(e.label_, e.text) for e in item.ents] == spans  # no overlaps here: ents are the spans


def test_user_data_keeps_ids_and_norms(docs):
    meta = docs[2].user_data["referat"]
    original = amiu_2019()
    assert (meta["doc_id"], meta["item"]["number"], meta["offset"]) == \
        (original.doc_id, 2, original.items[1].start)
    norms = {tuple(s[:3]): s[4] for s in meta["spans"]}
    law = docs[2].text.index("aktivlovens")
    assert norms[(law, law + len("aktivlovens § 13 d, stk. 5"), "LAW")]["act"] == "aktivloven"


def test_overlapping_spans_keep_all_in_sc_and_the_longest_in_ents(tmp_path):
    from spacy.tokens import DocBin

    doc = amiu_2019()
    item = doc.items[1]
    law = next(s for s in item.entities if s.text == "aktivlovens § 13 d, stk. 5")
    item.entities.append(Span("ACT", law.start, law.start + len("aktivlovens"), "aktivlovens"))
    path = tmp_path / "overlap.spacy"
    export_documents([doc], "spacy", path)
    spacy_doc = list(DocBin().from_disk(path).get_docs(blank_danish().vocab))[2]
    assert ("ACT", "aktivlovens") in [(s.label_, s.text) for s in spacy_doc.spans["sc"]]
    assert ("LAW", "aktivlovens § 13 d, stk. 5") in [(e.label_, e.text) for e in spacy_doc.ents]
    (back,) = import_annotations(path, "spacy")
    assert ("ACT", "aktivlovens") in [(s.label, s.text) for s in back.items[1].entities]


def test_docbin_without_referat_user_data_is_refused(tmp_path):
    from spacy.tokens import DocBin

    path = tmp_path / "plain.spacy"
    DocBin(docs=[blank_danish()("Byrådet godkendte indstillingen.")]).to_disk(path)
    with pytest.raises(InputError, match="doc 1: no 'referat' user data"):
        list(import_annotations(path, "spacy"))
