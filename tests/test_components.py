"""The spaCy components: registered factories, spans with norms, the same spans as the finders."""

from __future__ import annotations

import pytest
import spacy

import referat
from referat.annotate.context import DocumentContext
from referat.annotate.rules import find_entities
from referat.components import RULE_COMPONENTS, SPANS_KEY

TEXT = ("Fraværende: Morten Hass Augustsen (V)\n"
        "Bevilling på 20 mio. kr. jf. aktivlovens § 13 d, stk. 5. Byrådets beslutning. Sagsnr.: 330-2017-90442")


def test_load_gives_a_language_with_lemmas_every_rule_component_and_the_model():
    nlp = referat.load()
    assert nlp.lang == "da"
    assert nlp.pipe_names == ["referat_lemmas", *RULE_COMPONENTS, "referat_ner", "referat_ents"]
    assert referat.load("rules").pipe_names == ["referat_lemmas", *RULE_COMPONENTS, "referat_ents"]


@pytest.mark.parametrize("name", RULE_COMPONENTS)
def test_each_factory_adds_to_a_blank_pipeline(name):
    nlp = spacy.blank("da")
    nlp.add_pipe(name)
    doc = nlp(TEXT)
    assert SPANS_KEY in doc.spans and len(doc.spans[SPANS_KEY]) > 0
    assert all(span._.norm is not None and span._.source.startswith("rules") for span in doc.spans[SPANS_KEY])


def test_spans_and_norms_match_the_finders():
    doc = referat.load("rules")(TEXT)  # the rule components alone: the model adds ORG/LOC
    got = sorted((s.label_, s.text, repr(s._.norm)) for s in doc.spans[SPANS_KEY])
    want = sorted((s.label, s.text, repr(s.norm)) for s in find_entities(TEXT))
    # token edges may widen a span ("5." is one token); compare labels and norms
    assert [(g[0], g[2]) for g in got] == [(w[0], w[2]) for w in want]
    assert {("AMOUNT", "20 mio. kr."), ("COMMITTEE", "Byrådets"), ("PARTY", "V")} <= {(g[0], g[1]) for g in got}


def test_two_labels_on_the_same_offsets_keep_their_own_norm():
    nlp = spacy.blank("da")
    doc = nlp("Byrådet")
    from referat.components import add_spans
    from referat.model import Span

    add_spans(doc, [Span("COMMITTEE", 0, 7, "Byrådet", {"name": "Byrådet"}, "rules"),
                    Span("ORG", 0, 7, "Byrådet", None, "model")])
    assert [(s.label_, s._.norm) for s in doc.spans[SPANS_KEY]] == [("COMMITTEE", {"name": "Byrådet"}),
                                                                     ("ORG", None)]


def test_context_on_the_doc_reaches_the_finders():
    nlp = referat.load()
    doc = nlp.make_doc("Lolan Ottesen kom senere.")
    doc._.referat_context = DocumentContext(names=("Lolan Ottesen",))
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    assert [(s.label_, s.text) for s in doc.spans[SPANS_KEY]] == [("PERSON", "Lolan Ottesen")]


def test_ents_hold_a_non_overlapping_selection():
    doc = referat.load()(TEXT)
    ents = list(doc.ents)
    assert ents and all(a.end <= b.start for a, b in zip(ents, ents[1:]))


def test_pipe_over_many_texts():
    nlp = referat.load()
    docs = list(nlp.pipe([TEXT, "Ingen beløb her.", "SEL § 85"]))
    assert [len(d.spans[SPANS_KEY]) for d in docs][1:] == [0, 1]
