"""Every export format round-trips: export, import, and the spans and item
labels come back exactly."""

from __future__ import annotations

import json

import pytest
from _docs import amiu_2019, failed, sample

from referat.errors import InputError
from referat.export import EXPORTERS, IMPORTERS, assign_splits, export, export_documents, import_annotations
from referat.export.jsonl import write_jsonl
from referat.outputs import OutputRefused

OUTPUTS = {"spacy": "corpus", "prodigy": "tasks.jsonl", "doccano": "doccano.jsonl",
           "labelstudio": "tasks.json", "hf": "dataset", "parquet": "tables"}


def spans_of(doc):
    return [(s.label, s.start, s.end, s.text) for s in doc.all_entities()]


def labels_of(doc):
    return [(i.number, i.title, i.type) for i in doc.items]


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    path = tmp_path_factory.mktemp("records") / "minutes.jsonl"
    write_jsonl(sample() + [failed()], path)
    return path


@pytest.fixture(scope="module", params=sorted(OUTPUTS))
def exported(request, records, tmp_path_factory):
    fmt = request.param
    out = tmp_path_factory.mktemp(fmt) / OUTPUTS[fmt]
    return fmt, out, export(records, fmt, out)


def test_every_format_is_registered_both_ways():
    assert set(EXPORTERS) == set(OUTPUTS)
    assert set(IMPORTERS) == set(OUTPUTS) | {"review"}  # the review page's corrections: import only


def test_export_counts_and_skips_error_records(exported):
    fmt, out, summary = exported
    assert out.exists()
    assert summary.documents == 2
    assert summary.spans == sum(len(d.all_entities()) for d in sample())
    assert summary.skipped == ["minutes/scan-uden-tekst.pdf: no_text_layer"]


def test_spans_and_item_labels_round_trip(exported):
    fmt, out, _ = exported
    back = list(import_annotations(out, fmt))
    originals = sample()
    assert [d.sha256 for d in back] == [d.sha256 for d in originals]
    for original, imported in zip(originals, back):
        assert spans_of(imported) == spans_of(original)
        assert labels_of(imported) == labels_of(original)


def test_imported_documents_are_valid_gold_records(exported):
    fmt, out, _ = exported
    for original, imported in zip(sample(), import_annotations(out, fmt)):
        assert imported.meeting == original.meeting
        for item, before in zip(imported.items, original.items):
            assert (item.start, item.end, item.case_number, item.closed) == \
                (before.start, before.end, before.case_number, before.closed)
            assert [(s.kind, s.start, s.end) for s in item.sections] == \
                [(s.kind, s.start, s.end) for s in before.sections]
            assert imported.text[item.start:item.end] == original.text[item.start:item.end]
        for span in imported.all_entities():
            assert imported.text[span.start:span.end] == span.text


def test_norms_and_producers_survive(exported):
    fmt, out, _ = exported
    imported = next(iter(import_annotations(out, fmt)))
    law = next(s for s in imported.all_entities() if s.text == "aktivlovens § 13 d, stk. 5")
    amount = next(s for s in imported.all_entities() if s.text == "20 mio. kr.")
    assert law.norm == {"act": "aktivloven", "section": "13 d", "subsection": "5"}
    assert amount.norm == {"value": 20000000.0, "currency": "DKK"}
    assert law.source == "rules:law"


def test_span_inside_a_spacy_token_round_trips(exported):
    """`jf.§56` is one spaCy token; the LAW mention is `§56`."""
    fmt, out, _ = exported
    imported = next(iter(import_annotations(out, fmt)))
    start = imported.text.index("jf.§56") + 3
    assert ("LAW", start, start + 3, "§56") in spans_of(imported)


def test_untyped_item_stays_untyped(exported):
    fmt, out, _ = exported
    council = list(import_annotations(out, fmt))[1]
    assert [i.type for i in council.items] == ["beslutning", "beslutning", None]


def test_export_documents_takes_documents_directly(tmp_path):
    summary = export_documents([amiu_2019()], "doccano", tmp_path / "d.jsonl")
    assert summary.documents == 1 and summary.units == 4  # the header and three items


def _with_number(number: int) -> str:
    record = amiu_2019().to_dict()
    record["items"][0]["number"] = number
    return json.dumps(record, ensure_ascii=False)


@pytest.mark.parametrize("line, message", [
    (json.dumps({"items": []}), "line 1: not a referat document record"),
    (json.dumps({"doc_id": "ab", "number": 1, "title": "Godkendelse"}), "line 1: an item record"),
], ids=["not-a-record", "item-record"])
def test_the_wrong_file_is_refused_at_once(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        export(path, "doccano", tmp_path / "out.jsonl")
    assert str(path) in str(err.value)
    assert not (tmp_path / "out.jsonl").exists()  # nothing half-written


def test_a_damaged_line_is_reported_and_the_rest_exported(records, tmp_path):
    damaged = tmp_path / "damaged.jsonl"
    lines = records.read_text(encoding="utf-8").splitlines()
    damaged.write_text("\n".join([lines[0], '{"doc_id": "x", "source": "a.txt"', lines[1],
                                   json.dumps({"source": "b.txt", "sha256": "b", "format": "txt",
                                               "items": [{"number": 1}]})]) + "\n", encoding="utf-8")
    summary = export(damaged, "doccano", tmp_path / "out.jsonl")
    assert summary.documents == 2
    assert summary.failed[0].startswith("line 2: not JSON")
    assert summary.failed[1].startswith("line 4: not a valid document record")


def test_existing_outputs_are_kept_without_force(records, tmp_path):
    out = tmp_path / "tasks.jsonl"
    out.write_text("mine\n", encoding="utf-8")
    with pytest.raises(OutputRefused, match="exists; use --force"):
        export(records, "prodigy", out)
    assert out.read_text(encoding="utf-8") == "mine\n"
    (tmp_path / "other.textcat.jsonl").write_text("mine too\n", encoding="utf-8")
    with pytest.raises(OutputRefused, match="other.textcat.jsonl: exists"):  # the file beside it counts too
        export(records, "prodigy", tmp_path / "other.jsonl")
    export(records, "prodigy", out, force=True)
    assert out.read_text(encoding="utf-8").startswith('{"text"')


@pytest.mark.parametrize("line, message", [
    ("{not json", "line 2: not JSON"),
    (json.dumps({"items": []}), "line 2: not a referat document record"),
    (json.dumps({"doc_id": "ab", "number": 1, "title": "Godkendelse"}), "line 2: an item record"),
    (_with_number(12345678901234567890), "line 2: not a valid document record: items/0/number: "
                                         "must be smaller than or equal to 9999"),
    (_with_number("1"), "line 2: not a valid document record: items/0/number: must be integer"),
    (json.dumps(amiu_2019().to_dict(), ensure_ascii=False)[:300], "line 2: not JSON"),
    ('{"n": ' + "9" * 5000 + "}", "line 2: not JSON referat reads"),
], ids=["broken-json", "not-a-record", "item-record", "20-digit-number", "number-as-text", "truncated",
        "5000-digit-integer"])
@pytest.mark.parametrize("fmt", ["doccano", "spacy", "parquet"])
def test_a_bad_line_is_named_and_the_rest_exported(tmp_path, line, message, fmt):
    """A hand-edited or cut-off line costs that line: named with its number, the rest exported."""
    good = json.dumps(amiu_2019().to_dict(), ensure_ascii=False)
    path = tmp_path / "bad.jsonl"
    path.write_text(f"{good}\n{line}\n{good}\n", encoding="utf-8")
    summary = export(path, fmt, tmp_path / "out")
    assert summary.documents == 2
    assert len(summary.failed) == 1 and summary.failed[0].startswith(message), summary.failed


def test_unknown_format_lists_the_known_ones(records, tmp_path):
    with pytest.raises(InputError, match="unknown format 'conll'; expected one of spacy, prodigy"):
        export(records, "conll", tmp_path / "x")


def test_splits_are_by_document_seeded_and_never_empty():
    ids = [f"doc{n:03d}" for n in range(10)]
    splits = assign_splits(ids)
    assert sorted(splits) == ids
    assert [list(splits.values()).count(s) for s in ("train", "validation", "test")] == [8, 1, 1]
    assert assign_splits(reversed(ids)) == splits  # the order of the records does not matter
    assert assign_splits(ids, seed=1) != splits
    assert sorted(assign_splits(ids[:3]).values()) == ["test", "train", "validation"]
    assert set(assign_splits(ids[:2]).values()) <= {"train", "validation", "test"}
    assert list(assign_splits(ids, (1, 0, 0)).values()).count("train") == 10
