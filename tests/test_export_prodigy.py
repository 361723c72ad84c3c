"""Prodigy: `ner_manual` tasks (token_end inclusive) and `textcat` choice tasks out;
what `prodigy db-out` gives back comes in as gold, with a report."""

from __future__ import annotations

import json

import pytest
from _docs import amiu_2019

from referat.export import export_documents, import_annotations
from referat.export.prodigy import textcat_path
from referat.model import ITEM_TYPES


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    path = tmp_path_factory.mktemp("prodigy") / "tasks.jsonl"
    export_documents([amiu_2019()], "prodigy", path)
    return path


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def tasks(exported):
    return lines(exported)


@pytest.fixture(scope="module")
def textcat(exported):
    return lines(textcat_path(exported))


def write(tmp_path, tasks, name="db-out.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tasks), encoding="utf-8")
    return path


def test_ner_manual_tasks_carry_inclusive_token_ranges(tasks):
    spans = [(t, s) for t in tasks for s in t["spans"]]
    assert spans and all("options" not in t for t in tasks)
    for task, span in spans:
        tokens = task["tokens"]
        assert tokens[span["token_start"]]["start"] == span["start"]
        assert tokens[span["token_end"]]["end"] == span["end"]  # token_end is the last token, inclusive
        assert [t["id"] for t in tokens] == list(range(len(tokens)))
    law = next(s for t, s in spans if t["text"][s["start"]:s["end"]] == "§56")
    assert law["token_start"] == law["token_end"]


def test_textcat_tasks_offer_the_item_types_as_one_choice(textcat):
    first, second, third = textcat  # one per item, none for the header
    assert [o["id"] for o in first["options"]] == list(ITEM_TYPES)
    assert [t["accept"] for t in textcat] == [["orientering"], ["beslutning"], ["drøftelse"]]
    assert second["meta"] == {"source": "soenderborg-amiu-2019-03-11.txt",
                              "task": "2. Godkendelse af beskæftigelsestilbud og konkurrenceudsættelse"}


def answered(task, answer, view="ner_manual", **changes):
    """A task as `prodigy db-out` gives it back."""
    return {**task, "_input_hash": -1741820386, "_task_hash": 1139411352, "_view_id": view,
            "_session_id": "referat-anna", "_annotator_id": "referat-anna", "_timestamp": 1714726800,
            "answer": answer, **changes}


def test_ner_and_textcat_datasets_make_one_gold_record(tasks, textcat, tmp_path):
    header, first, second, third = tasks
    forvaltningen = next(t for t in second["tokens"] if t["text"] == "Forvaltningen")
    kept = [s for s in second["spans"] if second["text"][s["start"]:s["end"]] != "2,0 mio.kr."]
    added = {"token_start": forvaltningen["id"], "token_end": forvaltningen["id"], "label": "ORG"}
    ner = write(tmp_path, [header,  # never answered
                           answered(first, "accept"),
                           answered(second, "accept", spans=kept + [added]),
                           answered(third, "ignore")], "ner.jsonl")
    types = write(tmp_path, [answered(textcat[0], "accept", "choice", accept=["beslutning"]),
                             answered(textcat[1], "accept", "choice"),
                             answered(textcat[2], "reject", "choice")], "textcat.jsonl")
    imported = import_annotations([ner, types], "prodigy")
    (gold,) = imported
    # item 3: ignored in one dataset, rejected in the other: left out
    assert [(i.number, i.type) for i in gold.items] == [(1, "beslutning"), (2, "beslutning")]
    assert [i.classification.source for i in gold.items] == ["human", "human"]
    item = gold.items[1]
    assert "2,0 mio.kr." not in [s.text for s in item.entities]
    org = next(s for s in item.entities if s.label == "ORG")
    assert (org.text, org.source, org.norm) == ("Forvaltningen", "gold:prodigy", None)
    law = next(s for s in item.entities if s.text == "aktivlovens § 13 d, stk. 5")
    assert (law.source, law.norm["section"]) == ("rules:law", "13 d")
    assert {s.label for s in gold.entities} == {"COMMITTEE", "PERSON", "PARTY"}
    assert imported.report.skipped_records == {"answered 'ignore' in Prodigy": 1, "answered 'reject' in Prodigy": 1}
    assert not imported.report.failed


def test_reviewed_only_leaves_out_unanswered_tasks(tasks, tmp_path):
    header, first, *_ = tasks
    path = write(tmp_path, [header, answered(first, "accept")])
    (gold,) = import_annotations(path, "prodigy", reviewed_only=True)
    assert gold.entities == []
    assert [i.number for i in gold.items] == [1]
    assert gold.text[:len("Referat")] == "       "  # text nobody annotated is blank, offsets unchanged


def test_a_later_answer_replaces_an_earlier_one(textcat, tmp_path):
    path = write(tmp_path, [answered(textcat[0], "accept", "choice", accept=["orientering"]),
                            answered(textcat[0], "accept", "choice", accept=["drøftelse"])])
    (gold,) = import_annotations(path, "prodigy")
    assert [i.type for i in gold.items] == ["drøftelse"]


def test_binary_textcat_answer_sets_the_type(textcat, tmp_path):
    task = {k: v for k, v in textcat[0].items() if k not in ("options", "accept")}
    path = write(tmp_path, [answered(task, "accept", "classification", label="drøftelse")])
    (gold,) = import_annotations(path, "prodigy")
    assert gold.items[0].type == "drøftelse"


@pytest.mark.parametrize("change, reason", [
    ({"referat": None}, "no referat metadata"),
    ({"spans": [{"label": "LAW"}]}, "span with neither character offsets nor a token range"),
    ({"spans": [{"start": 0, "end": 7, "label": "LAW", "text": "Noget andet"}]},
     "span text differs from the task text"),
    ({"spans": [{"start": 9, "end": 3, "label": "LAW"}]}, "empty or reversed span"),
    ({"spans": [{"start": 0, "end": 99999, "label": "LAW"}]}, "span runs past its task text"),
    ({"spans": [{"start": 0, "end": 3}]}, "span without a label"),
    ({"referat": {"doc_id": "x", "offset": 0}}, "referat metadata lacks sha256, source, format, length"),
], ids=["foreign-task", "span-without-offsets", "text-mismatch", "end-before-start", "past-the-text",
        "no-label", "partial-meta"])
def test_faulty_tasks_are_reported_and_the_rest_imported(tasks, tmp_path, change, reason):
    path = write(tmp_path, [answered(tasks[0], "accept"), answered(tasks[1], "accept", **change)])
    imported = import_annotations(path, "prodigy")
    (gold,) = imported
    assert gold.entities  # the good task made it
    assert imported.report.failed and any(f.startswith(reason) for f in imported.report.faults)
    assert "line 2" in "\n".join(imported.report.lines())


def test_a_choice_that_is_no_item_type_keeps_the_exported_type(textcat, tmp_path):
    path = write(tmp_path, [answered(textcat[0], "accept", "choice", accept=["vedtaget"])])
    (gold,) = import_annotations(path, "prodigy")
    assert (gold.items[0].type, gold.items[0].classification.source) == ("orientering", "rules")
