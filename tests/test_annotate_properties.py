"""Properties every finder keeps on any text: offsets index the text, no overlap per label."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from referat.annotate.annotator import assign
from referat.annotate.context import DocumentContext
from referat.annotate.rules import find_entities
from referat.model import Document, Item

# Pieces in the shapes minutes use, so that random text often holds entities.
FRAGMENTS = [
    "20 mio. kr.", "kr. 8,5 mio.", "1.316.000", "kr.", " mio.", "-", "–", "2,0", "½", "€", "DKK",
    "§", "§§ 37 – 40", "stk. 5", "aktivlovens", "lov om social service", "Lov om ", "IGU-lov", " (IGU)",
    "Byrådets", "byrådet", "Social- og ", "Beskæftigelsesudvalget", "Udvalget for ", "SBU", "Handicaprådet",
    "Anne Hansen", "Frank E. ", "Andersen", " (V)", "(O)", " og ", ", ", "Fraværende: ", "Mødedeltagere ",
    "Sekretær\n", "330-2017-90442", "Sagsnr.: ", "19/7556", "\n", "  ", "\u00a0", "3. Titel (B)\n",
    "Lone", "Vini", "minister ", "DD", "LA", "fra ", "Sundhedsog ", "Forebyggelsesudvalget",
]
TEXTS = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=40).map("".join)
CONTEXTS = st.builds(DocumentContext,
                     names=st.lists(st.sampled_from(["Anne Hansen", "Lolan Ottesen", "Vini", "A B"]),
                                    max_size=3).map(tuple),
                     body=st.sampled_from([None, "Social- og Beskæftigelsesudvalget", "Byråd 2022-2025"]),
                     case_numbers=st.lists(st.sampled_from(["19/7556", "2012-28504"]), max_size=2).map(tuple))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, context=CONTEXTS)
def test_spans_index_the_text_and_do_not_overlap_per_label(text, context):
    spans = find_entities(text, context)
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start:span.end] == span.text
    by_label: dict[str, list] = {}
    for span in spans:
        by_label.setdefault(span.label, []).append(span)
    for group in by_label.values():
        group.sort(key=lambda s: s.start)
        for a, b in zip(group, group[1:]):
            assert a.end <= b.start, (a, b)


@settings(max_examples=100, deadline=None)
@given(text=TEXTS, cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=4))
def test_assign_puts_each_span_in_the_item_that_holds_it(text, cuts):
    bounds = sorted({min(c, len(text)) for c in cuts} | {len(text)})
    items = [Item(number=n + 1, title="t", start=s, end=e) for n, (s, e) in enumerate(zip(bounds, bounds[1:]))]
    doc = Document(source="x.txt", sha256="0" * 64, format="txt", text=text, items=items)
    spans = find_entities(text, DocumentContext.of(doc))
    assign(doc, spans)
    key = lambda s: (s.start, s.end, s.label)  # noqa: E731
    assert sorted(map(key, doc.all_entities())) == sorted(map(key, spans))
    for item in doc.items:
        assert all(item.start <= s.start and s.end <= item.end for s in item.entities)


@pytest.mark.parametrize("text", [
    "1 " * 20000 + "kr",
    "Aa- " * 8000 + "og Udvalget",
    "§ 1, " * 8000,
    "Anne " * 20000,
    "(V) " * 10000,
    "lov om " * 5000,
    "A-" * 20000 + "udvalget",
    "Xsog " * 10000 + "Yudvalget",
    "Aa-" * 40000,
    "Jan Jensen, " * 8000,
    "Jan Jensen, Lone og " * 5000,
    "Jan Jensen (V) " * 7000,
    "Mødedeltagere Jan Jensen, " * 4000,
    "(O)\n" * 25000,
])
def test_no_pathological_slowness(text):
    """About 100 KB each: linear work takes well under a second, quadratic work minutes."""
    start = time.process_time()
    find_entities(text)
    assert time.process_time() - start < 3.0
