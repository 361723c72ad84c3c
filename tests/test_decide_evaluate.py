"""`referat evaluate --decisions` prints the figures of shared/tools/score_decisions.py."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from referat.cli import app
from referat.decide.evaluate import score_files


def _decision(outcome, unanimous=True, votes=()):
    return {"text": "…", "start": 0, "end": 1, "outcome": outcome, "unanimous": unanimous, "evidence": [],
            "votes": [{"position": p, "parties": list(parties), "persons": list(persons), "count": None,
                       "start": 0, "end": 1} for p, parties, persons in votes]}


PRED = [
    {"source": "minutes/a.json", "doc_id": "1", "items": [
        {"number": 1, "decision": _decision("godkendt", False, [("imod", ["Enhedslisten"], []),
                                                               ("undlod", ["UP-1"], ["birgitte  LAUTH"])])},
        {"number": 2, "decision": _decision("anbefalet")},
        {"number": 3, "decision": None},
        {"number": 4, "decision": _decision("godkendt", True, [("imod", ["(SF)"], [])])},
        {"number": 5, "decision": _decision("andet", None)},
    ]},
    {"source": "b.json", "doc_id": "2", "items": [{"number": 1, "decision": _decision("udsat", True)}]},
]
GOLD = [
    {"doc": "a.json", "number": 1, "decision": _decision("godkendt", False, [("imod", ["Ø"], []),
                                                                             ("undlod", ["UP1"], ["Birgitte Lauth"])])},
    {"doc": "a.json", "number": 2, "decision": _decision("afvist", True, [("imod", ["V"], ["Ole Holm"])])},
    {"doc": "a.json", "number": 3, "decision": _decision("taget_til_efterretning")},
    {"doc": "a.json", "number": 4, "decision": None},
    {"doc": "a.json", "number": 5, "decision": _decision("andet", None)},
    {"doc": "a.json", "number": 9, "decision": _decision("godkendt")},
    {"doc": "b.json", "number": 1, "decision": _decision("udsat", True, [("imod", ["F"], [])])},
    {"doc": "c.json", "number": 1, "decision": _decision("drøftet")},
]


@pytest.fixture()
def files(tmp_path):
    pred, gold = tmp_path / "pred.jsonl", tmp_path / "gold.jsonl"
    pred.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in PRED), encoding="utf-8")
    gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in GOLD), encoding="utf-8")
    return pred, gold


def test_figures(files):
    figures = score_files(*files).figures()
    assert figures["outcome_acc"] == pytest.approx(3 / 7)
    assert figures["unanimous_acc"] == pytest.approx(3 / 6)
    # tp: (imod, Ø), (undlod, UP1), (undlod, birgitte lauth); fp: (imod, F) on a gold null;
    # fn: (imod, V), (imod, ole holm), (imod, F) on b.json
    assert (figures["votes_P"], figures["votes_R"]) == pytest.approx((3 / 4, 3 / 6))


def test_the_same_lines_as_score_decisions(files, shared_dir):
    scorer = shared_dir / "tools" / "score_decisions.py"
    expected = subprocess.run([sys.executable, str(scorer), *map(str, files)], capture_output=True,
                              text=True, check=True).stdout
    result = CliRunner().invoke(app, ["evaluate", "--decisions", *map(str, files)])
    assert result.exit_code == 0, result.output
    assert result.output == expected


def test_a_decisions_gold_is_scored_for_decisions_without_the_flag(files):
    result = CliRunner().invoke(app, ["evaluate", *map(str, files)])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1].startswith("decisions: outcome_acc=0.429")


def test_document_gold_with_decisions_prints_them_after_the_other_figures(tmp_path, files):
    pred, _ = files
    gold = tmp_path / "doc-gold.jsonl"
    gold.write_text(json.dumps({"doc": "a.json", "meeting": {}, "entities": [], "items": [
        {"number": 1, "title": "x", "type": "beslutning", "case_number": None, "closed": False, "absent": [],
         "decision": GOLD[0]["decision"]}]}, ensure_ascii=False) + "\n", encoding="utf-8")
    lines = CliRunner().invoke(app, ["evaluate", str(pred), str(gold)]).output.splitlines()
    assert lines[0].startswith("items_f1\t")
    assert lines[-1] == ("decisions: outcome_acc=1.000 unanimous_acc=1.000 votes_P=1.000 votes_R=1.000 "
                         "votes_F1=1.000 (items=1 decisions=1)")


def test_json_report(files):
    result = CliRunner().invoke(app, ["evaluate", "--decisions", "--json", *map(str, files)])
    report = json.loads(result.output)["decisions"]
    assert report["figures"]["outcome_acc"] == 0.4286
    assert report["confusion"]["afvist"] == {"anbefalet": 1}
    assert report["missing_docs"] == ["c.json"]


def test_a_broken_gold_line_is_a_usage_error(tmp_path, files):
    pred, _ = files
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc": "a.json", "number": 1}\nnot json\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", "--decisions", str(pred), str(bad)])
    assert result.exit_code == 2
    assert "line 2: not JSON" in result.output
