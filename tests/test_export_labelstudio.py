"""Label Studio: predictions out, the latest real annotation back in."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from _docs import amiu_2019

from referat.errors import InputError
from referat.export import export_documents, import_annotations
from referat.export.labelstudio import config_path
from referat.model import ENTITY_LABELS, ITEM_TYPES


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    path = tmp_path_factory.mktemp("ls") / "tasks.json"
    export_documents([amiu_2019()], "labelstudio", path)
    return path


def test_tasks_carry_predictions(exported):
    tasks = json.loads(exported.read_text(encoding="utf-8"))
    second = tasks[2]
    (prediction,) = second["predictions"]
    assert prediction["score"] == 0.88
    labels = [r for r in prediction["result"] if r["type"] == "labels"]
    choices = [r for r in prediction["result"] if r["type"] == "choices"]
    assert choices[0]["value"]["choices"] == ["beslutning"]
    for r in labels:
        v = r["value"]
        assert second["data"]["text"][v["start"]:v["end"]] == v["text"]
    assert len({r["id"] for r in prediction["result"]}) == len(prediction["result"])


def test_label_config_names_every_label_and_type(exported):
    root = ET.fromstring(config_path(exported).read_text(encoding="utf-8"))
    assert [l.get("value") for l in root.iter("Label")] == list(ENTITY_LABELS)
    assert [c.get("value") for c in root.iter("Choice")] == list(ITEM_TYPES)
    assert root.find("Labels").get("toName") == root.find("Text").get("name") == "text"


def test_latest_uncancelled_annotation_wins(exported, tmp_path):
    tasks = json.loads(exported.read_text(encoding="utf-8"))
    first = tasks[1]
    predicted = first["predictions"][0]["result"]
    without_amount = [r for r in predicted if r.get("value", {}).get("text") != "20.000 kr."]
    as_decision = [r for r in without_amount if r["type"] == "labels"] + [
        {"from_name": "type", "to_name": "text", "type": "choices", "value": {"choices": ["beslutning"]}}]
    first["id"] = 3
    first["annotations"] = [
        {"id": 1, "result": without_amount, "was_cancelled": False},
        {"id": 2, "result": as_decision, "was_cancelled": False},
        {"id": 3, "result": [], "was_cancelled": True},
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps([tasks[0], first]), encoding="utf-8")
    (gold,) = import_annotations(path, "labelstudio")
    assert gold.items[0].type == "beslutning"
    assert "20.000 kr." not in [s.text for s in gold.items[0].entities]
    assert len(gold.entities) == 5  # the header task, from its predictions
    (reviewed,) = import_annotations(path, "labelstudio", reviewed_only=True)
    assert reviewed.entities == [] and len(reviewed.items) == 1


@pytest.mark.parametrize("content, message", [
    ("[{\"text\": \"x\"}]", "task 1: not a Label Studio task"),
    ("{broken", "not JSON"),
], ids=["no-data", "broken-json"])
def test_bad_exports_are_named(tmp_path, content, message):
    path = tmp_path / "export.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        list(import_annotations(path, "labelstudio"))
