"""Label Studio: predictions out, what Label Studio 1.2x really exports back in.

The export files here are written in the shapes Label Studio's documentation and
label-studio-sdk give (task: id, data, annotations, predictions, drafts, meta,
inner_id, total_annotations, ...; annotation: id, completed_by, result,
was_cancelled, ground_truth, created_at, updated_at, lead_time, task, project,
parent_prediction, last_action; result: id, from_name, to_name, type, origin,
value), including what trips importers up: predictions given as ids, skipped
and unannotated tasks, several annotators, relations and other controls.
"""

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


@pytest.fixture
def tasks(exported):
    return json.loads(exported.read_text(encoding="utf-8"))


def test_tasks_carry_predictions(tasks):
    second = tasks[2]
    (prediction,) = second["predictions"]
    assert prediction["score"] == 0.88 and prediction["model_version"].startswith("referat")
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
    assert root.find("Text").get("value") == "$text"


def as_exported(task: dict, number: int, *, annotations=(), predictions="objects") -> dict:
    """A task as Label Studio 1.2x's JSON export gives it back."""
    out = {"id": 100 + number, "data": task["data"], "annotations": list(annotations), "drafts": [],
           "meta": {}, "created_at": "2024-05-02T09:00:00.000000Z",
           "updated_at": "2024-05-03T10:00:00.000000Z", "inner_id": number, "total_annotations": len(annotations),
           "cancelled_annotations": sum(1 for a in annotations if a["was_cancelled"]),
           "total_predictions": 1, "comment_count": 0, "unresolved_comment_count": 0,
           "last_comment_updated_at": None, "project": 7, "updated_by": 2, "comment_authors": []}
    out["predictions"] = task["predictions"] if predictions == "objects" else [900 + number]
    return out


def annotation(number: int, result: list, *, by=1, at="2024-05-03T10:00:00", cancelled=False) -> dict:
    return {"id": number, "completed_by": by, "result": result, "was_cancelled": cancelled,
            "ground_truth": False, "created_at": at + ".000000Z", "updated_at": at + ".000000Z",
            "draft_created_at": None, "lead_time": 42.5, "prediction": {}, "result_count": 0,
            "unique_id": f"u-{number}", "import_id": None, "last_action": None, "task": 100,
            "project": 7, "updated_by": by, "parent_prediction": 55, "parent_annotation": None,
            "last_created_by": None}


def span_result(task: dict, text: str, label: str, rid: str = "new1", origin: str = "manual") -> dict:
    start = task["data"]["text"].index(text)
    return {"value": {"start": start, "end": start + len(text), "text": text, "labels": [label]},
            "id": rid, "from_name": "label", "to_name": "text", "type": "labels", "origin": origin}


def type_result(item_type: str) -> dict:
    return {"value": {"choices": [item_type]}, "id": "t1", "from_name": "type", "to_name": "text",
            "type": "choices", "origin": "manual"}


def predicted(task: dict, *, drop: str | None = None) -> list:
    """The prediction's results as an annotation keeps them ("origin": "prediction")."""
    return [r | {"origin": "prediction"} for r in task["predictions"][0]["result"]
            if r["type"] == "labels" and r["value"]["text"] != drop]


def write(tmp_path, tasks) -> object:
    path = tmp_path / "project-7-at-2024-05-03.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_real_export_imports_without_error(tasks, tmp_path):
    header, first, second, third = tasks
    relation = {"from_id": "s0", "to_id": "s1", "type": "relation", "direction": "right", "labels": []}
    comment = {"value": {"text": ["tjek beløbet"]}, "id": "c1", "from_name": "note", "to_name": "text",
               "type": "textarea", "origin": "manual"}
    export = [
        as_exported(header, 1, predictions="ids"),  # nobody annotated; predictions as ids only
        as_exported(first, 2, annotations=[  # two annotators: the latest wins
            annotation(11, predicted(first) + [type_result("beslutning")], by=1, at="2024-05-03T10:00:00"),
            annotation(12, predicted(first, drop="20.000 kr.") + [type_result("orientering")], by=2,
                       at="2024-05-04T08:30:00"),
        ]),
        as_exported(second, 3, annotations=[annotation(13, predicted(second, drop="2,0 mio.kr.") + [
            span_result(second, "Forvaltningen", "ORG"), type_result("beslutning"), relation, comment])]),
        as_exported(third, 4, annotations=[annotation(14, [], cancelled=True)]),  # skipped by its annotator
    ]
    imported = import_annotations(write(tmp_path, export), "labelstudio")
    (gold,) = imported
    first_item, second_item, third_item = gold.items
    assert [i.type for i in gold.items] == ["orientering", "beslutning", "drøftelse"]
    assert "20.000 kr." not in [s.text for s in first_item.entities]  # annotator 2's, the latest
    assert [s.text for s in second_item.entities if s.label == "ORG"] == ["Forvaltningen"]
    assert "2,0 mio.kr." not in [s.text for s in second_item.entities]
    assert (first_item.classification.source, third_item.classification.source) == ("human", "rules")
    assert len(gold.entities) == 5  # the header, from what referat exported
    report = imported.report
    assert (report.records, report.documents, report.failed) == (4, 1, False)
    assert report.skipped_spans == {"relations (referat has none)": 1, "textarea results (not used by referat)": 1}
    lines = "\n".join(report.lines())
    assert "tasks whose predictions are ids only: referat's exported output used" in lines
    assert "tasks every annotator skipped: referat's predictions kept" in lines
    assert "tasks with several annotations: the latest taken" in lines


def test_an_annotator_can_be_chosen(tasks, tmp_path):
    first = tasks[1]
    export = [as_exported(first, 2, annotations=[
        annotation(11, predicted(first) + [type_result("beslutning")], by={"id": 1, "email": "anna@fjordby.dk"}),
        annotation(12, predicted(first) + [type_result("orientering")], by={"id": 2, "email": "bo@fjordby.dk"},
                   at="2024-05-04T08:30:00"),
    ])]
    path = write(tmp_path, export)
    assert [i.type for i in next(iter(import_annotations(path, "labelstudio"))).items] == ["orientering"]
    chosen = next(iter(import_annotations(path, "labelstudio", annotator="anna@fjordby.dk")))
    assert [i.type for i in chosen.items] == ["beslutning"]


def test_reviewed_only_leaves_out_skipped_and_unannotated_tasks(tasks, tmp_path):
    header, first, second, third = tasks
    export = [as_exported(header, 1, predictions="ids"),
              as_exported(first, 2, annotations=[annotation(11, predicted(first) + [type_result("beslutning")])]),
              as_exported(third, 4, annotations=[annotation(14, [], cancelled=True)])]
    imported = import_annotations(write(tmp_path, export), "labelstudio", reviewed_only=True)
    (gold,) = imported
    assert gold.entities == [] and [i.number for i in gold.items] == [1]
    assert imported.report.skipped_records == {"no human answer (--reviewed-only)": 2}


def test_json_min_export(tasks, tmp_path):
    """Export → JSON_MIN: data keys and each control's value at the top level."""
    first = tasks[1]
    regions = [r["value"] for r in predicted(first, drop="20.000 kr.")]
    line = {**first["data"], "id": 102, "label": regions, "type": "drøftelse", "annotator": "anna@fjordby.dk",
            "annotation_id": 11, "created_at": "2024-05-03T10:00:00Z", "updated_at": "2024-05-03T10:00:00Z",
            "lead_time": 12.0}
    (gold,) = import_annotations(write(tmp_path, [line]), "labelstudio")
    assert gold.items[0].type == "drøftelse"
    assert "20.000 kr." not in [s.text for s in gold.items[0].entities]


@pytest.mark.parametrize("change, reason", [
    ({"data": {"text": "x"}}, "no referat metadata"),
    ({"annotations": [annotation(1, [{"type": "labels", "from_name": "label", "to_name": "text",
                                      "value": {"start": 0, "end": 9999, "labels": ["LAW"]}}])]},
     "span runs past its task text"),
    ({"annotations": [annotation(1, [{"type": "labels", "from_name": "label", "to_name": "text",
                                      "value": {"start": "/p[1]", "end": "/p[2]", "labels": ["LAW"]}}])]},
     "span offsets are not character offsets"),
    ({"annotations": [annotation(1, [{"type": "labels", "from_name": "label", "to_name": "text",
                                      "value": {"start": 0, "end": 2, "text": "xy", "labels": ["LAW"]}}])]},
     "span text differs from the task text at its offsets"),
], ids=["foreign-task", "past-the-text", "xpath-offsets", "text-mismatch"])
def test_faults_are_reported_and_the_rest_imported(tasks, tmp_path, change, reason):
    export = [as_exported(tasks[0], 1), as_exported(tasks[1], 2) | change]
    imported = import_annotations(write(tmp_path, export), "labelstudio")
    docs = list(imported)
    assert len(docs) == 1 and docs[0].entities  # the good task made it
    assert imported.report.failed and any(f.startswith(reason) for f in imported.report.faults)


@pytest.mark.parametrize("content, message", [
    ("{broken", "not JSON"),
    ('"a string"', "not a list of tasks"),
], ids=["broken-json", "not-tasks"])
def test_files_that_are_no_export_are_refused(tmp_path, content, message):
    path = tmp_path / "export.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        list(import_annotations(path, "labelstudio"))
