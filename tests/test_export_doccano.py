"""doccano: entities + cats per unit; every shape doccano exports reads back."""

from __future__ import annotations

import json

import pytest
from _docs import amiu_2019

from referat.errors import InputError
from referat.export import export_documents, import_annotations


@pytest.fixture(scope="module")
def lines(tmp_path_factory):
    path = tmp_path_factory.mktemp("doccano") / "doccano.jsonl"
    export_documents([amiu_2019()], "doccano", path)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write(tmp_path, lines):
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    return path


def test_intent_and_slot_shape(lines):
    header, first, second, _ = lines
    assert header["cats"] == [] and first["cats"] == ["orientering"]
    for start, end, label in second["entities"]:
        assert isinstance(start, int) and isinstance(end, int) and label
    assert [second["text"][s:e] for s, e, _ in second["entities"]][:2] == ["18/58627", "aktivlovens § 13 d, stk. 5"]


def as_doccano_export(line, **changes):
    """doccano 1.x writes metadata back at the top level, with its own id and comments."""
    return {"id": 17, **line, "Comments": [], **changes}


@pytest.mark.parametrize("shape", ["relations-objects", "sequence-labeling-label", "meta-nested"])
def test_other_doccano_shapes_read_back(lines, tmp_path, shape):
    second = lines[2]
    entities = second["entities"]
    if shape == "relations-objects":
        line = {**second, "entities": [{"id": i, "label": l, "start_offset": s, "end_offset": e}
                                       for i, (s, e, l) in enumerate(entities)], "relations": []}
    elif shape == "sequence-labeling-label":
        line = {k: v for k, v in second.items() if k not in ("entities", "cats")} | {"label": entities + ["beslutning"]}
    else:
        line = {k: v for k, v in second.items() if k != "referat"} | {"meta": {"referat": second["referat"]}}
    (gold,) = import_annotations(write(tmp_path, [as_doccano_export(line)]), "doccano")
    item = gold.items[0]
    assert item.type == "beslutning"
    assert [(s.label, s.text) for s in item.entities] == \
        [(l, second["text"][s:e]) for s, e, l in sorted(entities, key=lambda x: (x[0], x[1], x[2]))]


def test_corrected_label_and_type(lines, tmp_path):
    second = lines[2]
    entities = [[s, e, "LAW" if second["text"][s:e] == "20 mio. kr." else l] for s, e, l in second["entities"]]
    path = write(tmp_path, [as_doccano_export(second, entities=entities, cats=["drøftelse"])])
    (gold,) = import_annotations(path, "doccano")
    changed = next(s for s in gold.items[0].entities if s.text == "20 mio. kr.")
    assert (changed.label, changed.source, changed.norm) == ("LAW", "gold:doccano", None)
    assert gold.items[0].type == "drøftelse"


def test_unreadable_annotation_is_named(lines, tmp_path):
    path = write(tmp_path, [as_doccano_export(lines[1], entities=[[3, "LAW"]])])
    with pytest.raises(InputError, match=r"line 1: cannot read the annotation \[3, 'LAW'\]"):
        list(import_annotations(path, "doccano"))
