"""`referat evaluate`: score.py's figures exactly, plus norms per label and item types."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import referat
from referat.errors import InputError
from referat.evaluate import evaluate, evaluate_files, load_records

GOLD = {
    "doc": "a.txt",
    "meeting": {"body": "Byrådet", "participants": ["Anne Hansen"]},
    "items": [
        {"number": 1, "title": "Godkendelse", "type": "beslutning", "case_number": "19/1", "closed": False,
         "absent": []},
        {"number": 2, "title": "Orientering", "type": "orientering", "case_number": None, "closed": False,
         "absent": []},
        {"number": 3, "title": "Drøftelse", "type": "drøftelse", "case_number": None, "closed": True, "absent": []},
    ],
    "entities": [
        {"label": "AMOUNT", "text": "20 mio. kr.", "count": 2, "norm": {"value": 20000000.0, "currency": "DKK"}},
        {"label": "COMMITTEE", "text": "Byrådets", "count": 1, "norm": {"name": "Byrådet"}},
        {"label": "PERSON", "text": "Anne Hansen", "count": 1},
        {"label": "LAW", "text": "§ 18", "count": 1, "optional": True},
    ],
}
PRED = {
    "source": "/data/a.txt",
    "meeting": {"body": "Byrådet", "participants": ["Anne  Hansen"]},
    "items": [
        {"number": 1, "title": "Godkendelse", "type": "beslutning", "case_number": "19/1", "closed": False,
         "absent": [], "entities": [
             {"label": "AMOUNT", "text": "20 mio. kr.", "start": 0, "end": 11,
              "norm": {"value": 20000000.0, "currency": "DKK"}},
             {"label": "AMOUNT", "text": "20 mio.\nkr.", "start": 20, "end": 31,
              "norm": {"value": 2000000.0, "currency": "DKK"}},
             {"label": "LAW", "text": "§ 18", "start": 40, "end": 44},
             {"label": "CASE_NUMBER", "text": "19/1", "start": 50, "end": 54}]},
        {"number": 2, "title": "Orientering", "type": "beslutning", "case_number": None, "closed": False,
         "absent": [], "entities": []},
        {"number": 4, "title": "Ekstra", "type": "orientering", "case_number": None, "closed": False,
         "absent": [], "entities": []},
    ],
    "entities": [
        {"label": "COMMITTEE", "text": "Byrådets", "start": 60, "end": 68, "norm": {"name": "byrådet"}},
        {"label": "PERSON", "text": "Anne", "start": 70, "end": 74},
    ],
}


def write_jsonl(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path):
    return write_jsonl(tmp_path / "pred.jsonl", PRED), write_jsonl(tmp_path / "gold.jsonl", GOLD)


def test_figures_by_hand(files):
    result = evaluate_files(*files)
    f = result.figures()
    assert f["AMOUNT_p"] == f["AMOUNT_r"] == f["AMOUNT_f1"] == 1.0  # whitespace is squashed
    assert (f["PERSON_p"], f["PERSON_r"]) == (0.0, 0.0)  # "Anne" is not "Anne Hansen"
    assert f["LAW_f1"] == 1.0  # only an optional gold mention: nothing counts
    assert f["norm_acc"] == round(2 / 3, 4)  # the second amount's value is wrong; names ignore case
    assert result.norm_accuracy()["AMOUNT"] == 0.5 and result.norm_accuracy()["COMMITTEE"] == 1.0
    assert f["items_f1"] == round(2 * (2 / 3) * (2 / 3) / (4 / 3), 4)
    assert f["item_type_acc"] == 0.5 and f["meeting_acc"] == 1.0


def test_item_types(files):
    types = evaluate_files(*files).types()
    assert types["n"] == 2 and types["accuracy"] == 0.5
    assert types["per_class"]["beslutning"] == {"precision": 0.5, "recall": 1.0, "f1": round(2 / 3, 4),
                                                "support": 1}
    assert types["per_class"]["orientering"]["recall"] == 0.0
    assert types["macro_f1"] == round((2 / 3 + 0 + 0) / 3, 4)
    assert types["confusion"]["orientering"]["beslutning"] == 1
    assert types["confusion"]["drøftelse"] == {"orientering": 0, "beslutning": 0, "drøftelse": 0, "none": 0}


def test_same_figures_as_score_py(files, shared_dir):
    score = shared_dir / "tools" / "score.py"
    out = subprocess.run([sys.executable, str(score), str(files[0]), str(files[1]), "--json"],
                         capture_output=True, text=True, check=True)
    assert evaluate_files(*files).figures() == json.loads(out.stdout)


def test_referat_output_serves_as_gold(files):
    pred = load_records(files[0])
    result = evaluate(pred, {"a.txt": PRED})
    f = result.figures()
    assert f["ents_micro_f1"] == 1.0 and f["items_f1"] == 1.0 and f["item_type_acc"] == 1.0


def test_referat_output_with_kind_evidence_serves_as_gold(tmp_path):
    """The meeting's evidence (a list of objects) is no gold field: only the printed ones are scored."""
    evidence = [{"cue": "title", "kind": "referat", "text": "Referat", "start": 0, "end": 7}]
    record = PRED | {"meeting": PRED["meeting"] | {"kind": "referat", "kind_evidence": evidence}}
    path = write_jsonl(tmp_path / "record.jsonl", record)
    result = evaluate_files(path, path)
    assert result.meeting["n"] == 3 and result.meeting["ok"] == 3  # body, participants, kind


def test_missing_document_counts_as_all_missed(tmp_path, files):
    other = write_jsonl(tmp_path / "other.jsonl", {**PRED, "source": "b.txt"})
    result = evaluate_files(other, files[1])
    assert result.docs_missing == ["a.txt"] and result.figures()["items_f1"] == 0.0


def test_bad_jsonl_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc": "a"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.jsonl: line 2: not JSON"):
        load_records(bad)


def test_cli_prints_score_py_lines_then_the_extras(files):
    from referat.cli import app

    result = CliRunner().invoke(app, ["evaluate", str(files[0]), str(files[1])])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "items_f1\t" + str(evaluate_files(*files).figures()["items_f1"])
    assert "type_macro_f1\t0.2222" in lines and "AMOUNT_norm_acc\t0.5" in lines
    as_json = CliRunner().invoke(app, ["evaluate", str(files[0]), str(files[1]), "--json"])
    assert json.loads(as_json.stdout)["types"]["n"] == 2  # the unmatched-items warning goes to stderr


def test_cli_exits_2_on_unreadable_input(tmp_path, files):
    from referat.cli import app

    bad = tmp_path / "bad.jsonl"
    bad.write_text("[1, 2]\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", str(bad), str(files[1])])
    assert result.exit_code == 2
    assert "bad.jsonl: line 1: not a JSON object" in result.output


@pytest.mark.shared
def test_shared_minutes_meet_issue_4_targets(shared_minutes, shared_dir, tmp_path):
    """The whole pipeline on the three real minutes: entity F1, per-label F1, normalisation."""
    pred = tmp_path / "pred.jsonl"
    write_jsonl(pred, *(referat.process(p).to_dict() for p in shared_minutes))
    gold = shared_dir / "corpora" / "gold" / "dev.jsonl"
    f = evaluate_files(pred, gold).figures()
    assert f["ents_micro_f1"] >= 0.92
    assert all(f[f"{label}_f1"] >= 0.85 for label in ("COMMITTEE", "PERSON", "PARTY", "AMOUNT", "LAW"))
    assert f["norm_acc"] >= 0.95
    out = subprocess.run([sys.executable, str(shared_dir / "tools" / "score.py"), str(pred), str(gold), "--json"],
                         capture_output=True, text=True, check=True)
    assert f == json.loads(out.stdout)


def test_a_label_file_as_gold_scores_types_and_their_calibration(tmp_path):
    from referat.cli import app

    pred = write_jsonl(tmp_path / "pred.jsonl", {"source": "/data/m.json", "items": [
        {"number": 1, "type": "beslutning", "classification": {"label": "beslutning", "score": 0.9}},
        {"number": 2, "type": "beslutning", "classification": {"label": "beslutning", "score": 0.8}},
        {"number": 3, "type": "orientering", "classification": {"label": "orientering", "score": 0.99}}]})
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in [
        {"file": "m.json", "number": 1, "title": "A", "label": "beslutning"},
        {"file": "m.json", "number": 2, "title": "B", "label": "orientering"},
        {"file": "other.json", "number": 4, "title": "C", "label": "drøftelse"}]), encoding="utf-8")
    result = evaluate_files(pred, labels)
    types = result.types()
    assert (types["n"], types["gold"], types["accuracy"]) == (2, 3, 0.5)
    # bin 0.8-0.9: score 0.8, wrong; bin 0.9-1.0: score 0.9, right
    assert types["calibration"]["ece"] == pytest.approx(0.5 * 0.8 + 0.5 * 0.1, abs=1e-4)
    assert "1 gold documents are not among the predictions" in result.unmatched_warning()
    assert result.unmatched_warning().startswith("only 2 of 3 gold item types")

    cli = CliRunner().invoke(app, ["evaluate", str(pred), str(labels)])
    assert cli.exit_code == 0
    assert cli.stdout.splitlines()[0] == "type_n\t2"  # types only: no score.py lines
    assert "type_ece\t0.45" in cli.stdout
    assert "warning: only 2 of 3 gold item types have a predicted item" in cli.stderr


def test_only_unmatched_gold_items_are_warned_about(files):
    assert evaluate_files(*files).unmatched_warning() == "only 2 of 3 gold item types have a predicted item"
    assert evaluate_files(files[0], files[0]).unmatched_warning() is None
