"""Prodigy tasks: token_end is inclusive; corrections from `prodigy db-out` come back as gold."""

from __future__ import annotations

import json

import pytest
from _docs import amiu_2019

from referat.errors import InputError
from referat.export import export_documents, import_annotations
from referat.model import ITEM_TYPES


@pytest.fixture(scope="module")
def tasks(tmp_path_factory):
    path = tmp_path_factory.mktemp("prodigy") / "tasks.jsonl"
    export_documents([amiu_2019()], "prodigy", path)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write(tmp_path, tasks):
    path = tmp_path / "db-out.jsonl"
    path.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tasks), encoding="utf-8")
    return path


def test_spans_carry_inclusive_token_ranges(tasks):
    spans = [(t, s) for t in tasks for s in t["spans"]]
    assert spans
    for task, span in spans:
        tokens = task["tokens"]
        assert tokens[span["token_start"]]["start"] == span["start"]
        assert tokens[span["token_end"]]["end"] == span["end"]  # token_end is the last token, inclusive
    law = next(s for t, s in spans if t["text"][s["start"]:s["end"]] == "§56")
    assert law["token_start"] == law["token_end"]


def test_items_offer_the_item_types_as_a_single_choice(tasks):
    header, first, second, third = tasks
    assert "options" not in header
    assert [o["id"] for o in first["options"]] == list(ITEM_TYPES)
    assert [t["accept"] for t in (first, second, third)] == [["orientering"], ["beslutning"], ["drøftelse"]]
    assert second["meta"] == {"source": "soenderborg-amiu-2019-03-11.txt",
                              "task": "2. Godkendelse af beskæftigelsestilbud og konkurrenceudsættelse"}


def answered(task, answer, **changes):
    """A task as `prodigy db-out` gives it back."""
    return {**task, "_input_hash": 1, "_task_hash": 2, "_view_id": "blocks", "answer": answer, **changes}


def test_corrections_become_gold(tasks, tmp_path):
    header, first, second, third = tasks
    forvaltningen = next(t for t in second["tokens"] if t["text"] == "Forvaltningen")
    kept = [s for s in second["spans"] if second["text"][s["start"]:s["end"]] != "2,0 mio.kr."]
    added = {"token_start": forvaltningen["id"], "token_end": forvaltningen["id"], "label": "ORG"}
    path = write(tmp_path, [
        header,  # never answered
        answered(first, "accept", accept=["beslutning"]),
        answered(second, "accept", spans=kept + [added]),
        answered(third, "reject"),
    ])
    (gold,) = import_annotations(path, "prodigy")
    assert [(i.number, i.type) for i in gold.items] == [(1, "beslutning"), (2, "beslutning")]
    item = gold.items[1]
    texts = [s.text for s in item.entities]
    assert "2,0 mio.kr." not in texts
    org = next(s for s in item.entities if s.label == "ORG")
    assert (org.text, org.source, org.norm) == ("Forvaltningen", "gold:prodigy", None)
    assert gold.text[org.start:org.end] == "Forvaltningen"
    law = next(s for s in item.entities if s.text == "aktivlovens § 13 d, stk. 5")
    assert (law.source, law.norm["section"]) == ("rules:law", "13 d")
    assert {s.label for s in gold.entities} == {"COMMITTEE", "PERSON", "PARTY"}


def test_reviewed_only_leaves_out_unanswered_tasks(tasks, tmp_path):
    header, first, *_ = tasks
    path = write(tmp_path, [header, answered(first, "accept")])
    (gold,) = import_annotations(path, "prodigy", reviewed_only=True)
    assert gold.entities == []
    assert [i.number for i in gold.items] == [1]
    assert gold.text[:len("Referat")] == "       "  # text nobody annotated is blank, offsets unchanged


def test_a_later_answer_replaces_an_earlier_one(tasks, tmp_path):
    first = tasks[1]
    path = write(tmp_path, [answered(first, "accept", accept=["orientering"]),
                            answered(first, "accept", accept=["drøftelse"])])
    (gold,) = import_annotations(path, "prodigy")
    assert [i.type for i in gold.items] == ["drøftelse"]


def test_binary_textcat_answer_sets_the_type(tasks, tmp_path):
    first = {k: v for k, v in tasks[1].items() if k not in ("options", "accept")}
    path = write(tmp_path, [answered(first, "accept", label="drøftelse")])
    (gold,) = import_annotations(path, "prodigy")
    assert gold.items[0].type == "drøftelse"


@pytest.mark.parametrize("change, message", [
    ({"referat": None}, "no 'referat' metadata"),
    ({"spans": [{"label": "LAW"}]}, "neither character offsets nor a token range"),
    ({"spans": [{"start": 0, "end": 7, "label": "LAW", "text": "Noget andet"}]}, "span says 'Noget andet'"),
    ({"spans": [{"start": 9, "end": 3, "label": "LAW"}]}, r"bad span offsets \[9, 3\)"),
    ({"spans": [{"start": 0, "end": 99999, "label": "LAW"}]}, "runs past its task text"),
    ({"referat": {"doc_id": "x", "offset": 0}}, "metadata lacks sha256, source, format, length"),
], ids=["foreign-task", "span-without-offsets", "text-mismatch", "end-before-start", "past-the-text",
        "partial-meta"])
def test_bad_tasks_give_clear_errors(tasks, tmp_path, change, message):
    path = write(tmp_path, [answered(tasks[1], "accept", **change)])
    with pytest.raises(InputError, match=message) as err:
        list(import_annotations(path, "prodigy"))
    assert "db-out.jsonl" in str(err.value)


def test_a_choice_that_is_no_item_type_leaves_the_type_unset(tasks, tmp_path):
    path = write(tmp_path, [answered(tasks[1], "accept", accept=["vedtaget"])])
    (gold,) = import_annotations(path, "prodigy")
    assert gold.items[0].type is None
