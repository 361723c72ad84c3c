"""doccano: a Sequence Labeling file and a Text Classification file out; every
shape doccano's JSONL export writes comes back in (with metadata at the top
level, doccano's own `id` and `Comments`, relations, intent + slots)."""

from __future__ import annotations

import json

import pytest
from _docs import amiu_2019

from referat.export import export_documents, import_annotations
from referat.export.doccano import types_path


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    path = tmp_path_factory.mktemp("doccano") / "doccano.jsonl"
    export_documents([amiu_2019()], "doccano", path)
    return path


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write(tmp_path, rows, name="export.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in rows), encoding="utf-8")
    return path


def as_doccano_export(line, number=17, **changes):
    """doccano 1.x: metadata written back at the top level, with its own id and comments."""
    return {"id": number, **line, "Comments": [], **changes}


def test_sequence_labeling_file(exported):
    header, first, second, _ = lines(exported)
    assert set(header) == {"text", "label", "task", "referat"}
    for start, end, label in second["label"]:
        assert isinstance(start, int) and isinstance(end, int) and label
    assert [second["text"][s:e] for s, e, _ in second["label"]][:2] == ["18/58627", "aktivlovens § 13 d, stk. 5"]


def test_text_classification_file(exported):
    rows = lines(types_path(exported))
    assert [r["label"] for r in rows] == [["orientering"], ["beslutning"], ["drøftelse"]]  # items only


def test_both_projects_make_one_gold_record(exported, tmp_path):
    spans_rows, type_rows = lines(exported), lines(types_path(exported))
    second = spans_rows[2]
    relabelled = [[s, e, "LAW" if second["text"][s:e] == "20 mio. kr." else l] for s, e, l in second["label"]]
    spans = write(tmp_path, [as_doccano_export(r, i) for i, r in enumerate(spans_rows[:2])]
                  + [as_doccano_export(second, 3, label=relabelled)], "spans.jsonl")
    types = write(tmp_path, [as_doccano_export(type_rows[1], 9, label=["drøftelse"])], "types.jsonl")
    imported = import_annotations([spans, types], "doccano")
    (gold,) = imported
    assert [i.type for i in gold.items] == ["orientering", "drøftelse"]  # the first as exported
    assert [i.classification.source for i in gold.items] == ["rules", "human"]
    changed = next(s for s in gold.items[1].entities if s.text == "20 mio. kr.")
    assert (changed.label, changed.source, changed.norm) == ("LAW", "gold:doccano", None)
    assert (imported.report.records, imported.report.failed) == (4, False)


@pytest.mark.parametrize("shape", ["sequence-labeling", "relations", "intent-and-slots", "meta-nested"])
def test_every_doccano_shape_reads_back(exported, tmp_path, shape):
    second = lines(exported)[2]
    spans = second["label"]
    base = {k: v for k, v in second.items() if k != "label"}
    if shape == "sequence-labeling":
        line = base | {"label": spans}
    elif shape == "relations":
        line = base | {"entities": [{"id": i, "label": l, "start_offset": s, "end_offset": e}
                                    for i, (s, e, l) in enumerate(spans)],
                       "relations": [{"id": 1, "from_id": 0, "to_id": 1, "type": "cites"}]}
    elif shape == "intent-and-slots":
        line = base | {"entities": spans, "cats": ["beslutning"]}
    else:
        line = {k: v for k, v in base.items() if k != "referat"} | {"label": spans,
                                                                     "meta": {"referat": second["referat"]}}
    imported = import_annotations(write(tmp_path, [as_doccano_export(line)]), "doccano")
    (gold,) = imported
    item = gold.items[0]
    assert item.type == "beslutning"
    assert [(s.label, s.text) for s in item.entities] == \
        [(l, second["text"][s:e]) for s, e, l in sorted(spans, key=lambda x: (x[0], x[1], x[2]))]
    if shape == "relations":
        assert imported.report.skipped_spans == {"relations (referat has none)": 1}


def test_faulty_annotations_are_reported_and_the_rest_imported(exported, tmp_path):
    header, first = lines(exported)[:2]
    path = write(tmp_path, [as_doccano_export(header, 1),
                            as_doccano_export(first, 2, label=[[3, "LAW"], [0, 99999, "X"]] + first["label"])])
    imported = import_annotations(path, "doccano")
    (gold,) = imported
    assert len(gold.items[0].entities) == len(first["label"])  # the bad pair left out
    assert imported.report.failed
    assert any(line.startswith("skipped 2 spans: 1 annotation in no doccano shape; 1 span runs past")
               for line in imported.report.lines())
