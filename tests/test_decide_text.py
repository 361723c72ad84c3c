"""Reading a decision as statements: point labels, sentences, quotations, remarks, attendance lines."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _decisions import decide, votes_of
from referat.decide.grammar import load_grammar
from referat.decide.text import mask_quotes, sentence_bounds, statements

G = load_grammar()


@pytest.mark.parametrize(("line", "label"), [
    ("1. Godkendt", "1. "), ("1.-3. Godkendt", "1.-3. "), ("1.- 3. Godkendt.", "1.- 3. "),
    ("2. a. Ø stemte imod.", "2. a. "), ("2.b. Anbefales ikke", "2.b. "), ("2a. Anbefales", "2a. "),
    ("7.a-c indstilles godkendt", "7.a-c "), ("1-4 Ikke godkendt.", "1-4 "), ("3-14. Anbefales.", "3-14. "),
    ("Ad 1:", "Ad 1:"), ("Ad. 2:", "Ad. 2:"), ("Ad 2b.", "Ad 2b."), ("At 1: Drøftet.", "At 1: "),
    ("a) godkendes", "a) "), ("Pkt. 3: Godkendt", "Pkt. 3: "),
    ("19 stemte for", None), ("Godkendt.", None), ("At der etableres en enhed", None),
    ("Punkterne 1-3. Udvalget undlader.", None),
])
def test_point_labels(line, label):
    m = G.point_label.match(line)
    assert (m.group() if m else None) == label


@pytest.mark.parametrize(("line", "sentences"), [
    ("Godkendt. (Ø) stemte imod.", ["Godkendt.", " (Ø) stemte imod."]),
    ("For stemte A, V og C. Imod stemte Ø og F.", ["For stemte A, V og C.", " Imod stemte Ø og F."]),
    ("Erik S. Nygaard (A) stemte imod.", ["Erik S. Nygaard (A) stemte imod."]),
    ("Godkendt jf. pkt. 4. Sagen afsluttes.", ["Godkendt jf. pkt. 4.", " Sagen afsluttes."]),
    ("1. Godkendt. 2. Udsat.", ["1. Godkendt.", " 2. Udsat."]),
    ("2. a. Ø stemte imod.", ["2. a. Ø stemte imod."]),
    ("Byrådet videresendte det til 2. behandling.", ["Byrådet videresendte det til 2. behandling."]),
    ("Godkendes brev i bilag 5. For stemte (V).", ["Godkendes brev i bilag 5.", " For stemte (V)."]),
])
def test_sentences(line, sentences):
    assert [line[s:e] for s, e in sentence_bounds(line, G)] == sentences


def test_quotations_are_blanked_also_nested_and_unclosed():
    line = 'Imod stemte (F) med bemærkning om, at ”SF stemmer mod, fremfor “altid” at bygge nyt.” Slut. "Åben'
    masked = mask_quotes(line, G)
    assert "SF stemmer" not in masked and "altid" not in masked and "Åben" not in masked
    assert masked.startswith("Imod stemte (F) med bemærkning om, at ") and "Slut." in masked
    assert len(masked) == len(line)


def test_attendance_lines_and_the_names_below_them():
    text = "Godkendt.\nIkke til stede:\nSusanne Krag (A), Tina Holm\nFraværende: Per Dam\nAfbud: Ole Bak (V)"
    kinds = [(s.raw, s.attendance) for s in statements(text, 0, len(text), G)]
    assert kinds == [("Godkendt.", False), ("Ikke til stede:", True), ("Susanne Krag (A), Tina Holm", True),
                     ("Fraværende: Per Dam", True), ("Afbud: Ole Bak (V)", True)]


def test_a_decision_word_after_an_empty_attendance_heading_is_no_name():
    decision = decide("Fraværende:\nGodkendt.")
    assert decision.outcome == "godkendt"


def test_a_count_at_the_start_of_a_line_is_no_point_label():
    assert votes_of(decide("Vedtaget.\n19 stemte for (A, V).\n8 stemte imod (Ø).")) == [
        ("for", ("A", "V"), (), 19), ("imod", ("Ø",), (), 8)]


# --- any text: no exception, offsets inside the decision ------------------------

FRAGMENTS = ["Godkendt.", "Anbefales ikke", "(Ø)", "(UP-1)", " og ", ", ", "stemte imod", "For stemte", "Imod stemte:",
             "undlod at stemme", "Yusuf Emre Kaya", "Erik S. Nygaard", " med bemærkning om, at ", "”", "“", '"', "\n",
             "1. ", "2.-3. ", "Ad 1:", "Med stemmerne 19 for og 8 imod", "Et flertal bestående af", "et mindretal",
             "ønskede ikke at sende", "Fraværende: ", "Økonomiudvalget, 18. september 2019, pkt. 153:", "  ", ".",
             "Beslutning ikke frigivet", "følger administrationens indstilling", "ingen", "inhabil", "A", "V", "Ø"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join) | st.text(max_size=300))
def test_any_decision_text_reads_without_error_and_offsets_stay_inside(text):
    decision = decide(text)
    if decision is None:
        return
    assert decision.outcome and decision.unanimous in (True, False, None)
    for vote in decision.votes:
        assert decision.start <= vote.start < vote.end <= decision.end
        assert all(p and p.strip() == p for p in vote.parties + vote.persons)
