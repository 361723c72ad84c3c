"""Property tests over normalise → segment → annotate → classify (issue 8).

Whatever text comes in, arbitrary Unicode or text shaped like minutes with
headings, sections, §, amounts and stray whitespace and control characters,
the record that comes out keeps the promises of the document model: every
offset points into `Document.text` (`text[start:end] == span.text`), items
are ordered and do not overlap, sections lie inside their item, pages tile
the text, spans of one label do not overlap, the record is valid against
`document.schema.json` and survives a JSONL round trip.

`assert_valid_document` is the one checker; test_hardening imports it.
"""

from __future__ import annotations

import hashlib
import json
from importlib.resources import files

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from referat.model import Document, Source
from referat.normalise import clean
from referat.pipeline import Options, Pipeline

SCHEMA = json.loads(files("referat").joinpath("schema/document.schema.json").read_text("utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def assert_valid_document(doc: Document) -> None:
    """Every promise the model and the schema make about one output record."""
    record = doc.to_dict()
    errors = sorted(VALIDATOR.iter_errors(record), key=lambda e: list(e.absolute_path))
    assert not errors, "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    line = json.dumps(record, ensure_ascii=False)
    # A lone surrogate would break the UTF-8 JSONL file. Only `source` may hold
    # one: a file name that is not UTF-8 is the writer's to escape.
    json.dumps(record | {"source": ""}, ensure_ascii=False).encode("utf-8")
    assert Document.from_dict(json.loads(line)).to_dict() == record

    text, n = doc.text, len(doc.text)
    if doc.errors:
        assert record["status"] == "error"
        assert all(p.code and p.message for p in doc.errors)
    last_end = 0
    for page in doc.pages:
        assert last_end <= page.start <= page.end <= n, f"page {page} outside [{last_end}, {n}]"
        last_end = page.end
    assert [p.number for p in doc.pages] == list(range(1, len(doc.pages) + 1))

    last_end = 0
    for item in doc.items:
        where = f"item {item.number} [{item.start}, {item.end})"
        assert last_end <= item.start <= item.end <= n, f"{where} overlaps the previous item or leaves the text"
        last_end = item.end
        section_end = item.start
        for section in item.sections:
            assert section_end <= section.start <= section.end <= item.end, \
                f"section {section.kind} [{section.start}, {section.end}) not inside {where} in order"
            section_end = section.end
        for span in item.entities:
            assert item.start <= span.start <= span.end <= item.end, f"{span} not inside {where}"
    spans = doc.all_entities()
    for span in spans:
        assert 0 <= span.start <= span.end <= n and text[span.start:span.end] == span.text, \
            f"span {span.label} [{span.start}, {span.end}) = {text[span.start:span.end]!r} != {span.text!r}"
    by_label: dict[str, int] = {}
    for span in sorted(spans, key=lambda s: (s.label, s.start, s.end)):
        assert span.start >= by_label.get(span.label, 0) or span.start == span.end, \
            f"{span.label} spans overlap at {span.start}: {span.text!r}"
        by_label[span.label] = max(by_label.get(span.label, 0), span.end)


# --- strategies -------------------------------------------------------------

_WORDS = ["Godkendelse", "af", "dagsorden", "Orientering", "om", "budget", "Byrådet", "Økonomiudvalget",
          "udvalget", "indstiller", "at", "godkendes", "Taget", "til", "efterretning", "Drøftet",
          "Jan Jensen", "(V)", "(A)", "Lukket:", "Sagsnr.:", "19/7556", "330-2017-90442", "–", "-",
          "aktivlovens", "serviceloven", "lov om social service", "stk.", "nr.", "§", "§§", "kr.",
          "mio.", "mia.", "mio.kr.", "20.000", "8,5", "1.1.1", "side", "Side 3 af 12", "æøå", "ÆØÅ",
          "ﬁ", "\u00ad", "\u200b", "\ufeff"]
_SECTION_HEADINGS = ["Beslutning", "Indstilling", "Sagsfremstilling", "Sagsresumé", "Resume",
                     "Økonomiske konsekvenser", "Lovgrundlag", "Bilag", "Fraværende:", "Deltagere:",
                     "Mødedato: 11. marts 2019", "Mødetidspunkt: 16:00", "Mødested: Rådhuset"]
_ODD = ["\t", "\r", "\r\n", "\x0b", "\x0c", "\x00", "\x1b[31m", "\u00a0", "\u2028", "\u2029", "\u0085",
        "\u202e", "  ", "\n\n\n", "\ud7ff", "\U0001f600"]

numbers = st.integers(min_value=0, max_value=120)
words = st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=8)), min_size=0, max_size=8).map(" ".join)
headings = st.one_of(
    st.builds("Punkt {}: {}".format, numbers, words),
    st.builds("{}. {} ({})".format, numbers, words, st.sampled_from("OBDX")),
    st.builds("{}. Lukket: {} (B)".format, numbers, words),
    st.builds("{}.{}".format, numbers, words),
)
amounts = st.one_of(
    st.builds("{} mio. kr.".format, st.integers(0, 10**6)),
    st.builds("kr. {},{} mio.".format, st.integers(0, 999), st.integers(0, 99)),
    st.builds("{}.{:03d} kr.".format, st.integers(1, 999), st.integers(0, 999)),
)
laws = st.one_of(
    st.builds("§ {}, stk. {}".format, st.integers(0, 999), st.integers(0, 30)),
    st.builds("aktivlovens § {} d, stk. {}".format, st.integers(0, 200), st.integers(0, 9)),
    st.builds("§§ {} – {}".format, st.integers(0, 99), st.integers(0, 99)),
    st.just("§§§ 1.1.1.1.1 stk. stk. ,"),
)
lines = st.one_of(headings, st.sampled_from(_SECTION_HEADINGS), words, amounts, laws,
                  st.sampled_from(_ODD), st.text(max_size=30))
line_ends = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r", "\n\n", " \n", "\x0c"])
minutes_like = st.lists(st.tuples(lines, line_ends), min_size=0, max_size=40).map(
    lambda parts: "".join(line + end for line, end in parts))
pages_of = st.lists(st.one_of(minutes_like, st.text(max_size=200)), min_size=1, max_size=4)

_STYLES = ["Punkt {n}: {title}", "{n}. {title} ({marker})", "{n}. Lukket: {title} ({marker})", "{n}. {title}"]
body_lines = st.one_of(words, amounts, laws, st.sampled_from(_ODD), st.text(max_size=20))
sections = st.tuples(st.sampled_from(_SECTION_HEADINGS), st.lists(body_lines, max_size=3))
items = st.tuples(words, st.sampled_from("OBD"), st.lists(sections, max_size=4))


@st.composite
def numbered_minutes(draw) -> str:
    """Items numbered 1, 2, 3, ... in one heading style, with sections and noise between."""
    style = draw(st.sampled_from(_STYLES))
    lines = [draw(st.sampled_from(["Referat", "Dagsorden", ""])), draw(words)]
    for n, (title, marker, parts) in enumerate(draw(st.lists(items, min_size=1, max_size=8)), start=1):
        lines.append(style.format(n=n, title=title or "Budget", marker=marker))
        for heading, body in parts:
            lines += [heading, *body]
    return "".join(line + draw(line_ends) for line in lines)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    """The default pipeline (rules entities, the default classifier), loaded once."""
    return Pipeline(Options())


def _run(pipeline: Pipeline, pages: list[str]) -> Document:
    raw = Source.PAGE_BREAK.join(pages)
    source = Source(path="<mem>", sha256=hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest(),
                    format="txt", pages=pages)
    return pipeline.process_source(source)


# --- the properties ---------------------------------------------------------


@PROPERTY_SETTINGS
@given(text=st.text())
def test_arbitrary_unicode_gives_a_valid_record(pipeline, text):
    assert_valid_document(_run(pipeline, [text]))


@PROPERTY_SETTINGS
@given(text=minutes_like)
def test_minutes_like_text_gives_a_valid_record(pipeline, text):
    assert_valid_document(_run(pipeline, [text]))


@PROPERTY_SETTINGS
@given(text=numbered_minutes())
def test_numbered_minutes_give_a_valid_record(pipeline, text):
    assert_valid_document(_run(pipeline, [text]))


@PROPERTY_SETTINGS
@given(pages=pages_of)
def test_paged_text_gives_a_valid_record(pipeline, pages):
    doc = _run(pipeline, pages)
    assert_valid_document(doc)
    assert len(doc.pages) == len(pages) or doc.errors


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(st.text(), minutes_like))
def test_offset_map_is_monotone_and_in_range(text):
    clean_text, offsets = clean(text)
    to_raw = [offsets.to_raw(i) for i in range(len(clean_text) + 1)]
    assert to_raw == sorted(to_raw) and all(0 <= o <= len(text) for o in to_raw)
    to_norm = [offsets.to_norm(i) for i in range(len(text) + 1)]
    assert to_norm == sorted(to_norm) and all(0 <= o <= len(clean_text) for o in to_norm)
    assert offsets.to_norm(len(text)) == len(clean_text)


def test_checker_rejects_a_broken_record():
    """The checker is not vacuous: a span whose text does not match its offsets fails."""
    from referat.model import Item, Span

    doc = Document(source="<mem>", sha256="0" * 64, format="txt", text="Punkt 1: Budget 20 mio. kr.")
    doc.items = [Item(number=1, title="Budget", start=0, end=len(doc.text),
                      entities=[Span("AMOUNT", 16, 27, "20 mio. kr")])]
    with pytest.raises(AssertionError, match="AMOUNT"):
        assert_valid_document(doc)
    doc.items[0].entities = []
    doc.items.append(Item(number=2, title="x", start=3, end=5))
    with pytest.raises(AssertionError, match="overlaps"):
        assert_valid_document(doc)
