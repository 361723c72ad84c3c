"""`referat export | import | review` from the command line (the archive's in test_archive_cli.py)."""

from __future__ import annotations

import json

import pytest
from _docs import failed, sample
from typer.testing import CliRunner

from referat.cli import app
from referat.export.jsonl import write_jsonl


@pytest.fixture
def records(tmp_path):
    path = tmp_path / "minutes.jsonl"
    write_jsonl(sample() + [failed()], path)
    return path


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_export_then_import_gives_gold_records(records, tmp_path):
    tasks, gold = tmp_path / "tasks.jsonl", tmp_path / "gold.jsonl"
    result = run("export", records, "--format", "prodigy", "-o", tasks)
    assert result.exit_code == 0, result.output
    assert "skipped 1 error records: minutes/scan-uden-tekst.pdf: no_text_layer" in result.output
    assert "2 documents, 8 units, 25 spans" in result.output
    assert "4 tokens split" in result.output
    result = run("import", tasks, "--format", "prodigy", "-o", gold)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
    assert [[(i["number"], i["type"]) for i in r["items"]] for r in lines] == \
        [[(1, "orientering"), (2, "beslutning"), (3, "drøftelse")],
         [(1, "beslutning"), (2, "beslutning"), (3, None)]]


def test_review_writes_one_page(records, tmp_path):
    out = tmp_path / "review.html"
    result = run("review", records, "-o", out)
    assert result.exit_code == 0, result.output
    assert "2 documents, 6 items, 25 entities" in result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("args, message", [
    (["export", "{tmp}/missing.jsonl", "--format", "hf", "-o", "{tmp}/x"], "missing.jsonl: no such file"),
    (["import", "{tmp}/missing.json", "--format", "labelstudio", "-o", "{tmp}/g.jsonl"], "no such file"),
], ids=["no-records", "no-annotations"])
def test_errors_are_one_line_and_exit_1(tmp_path, args, message):
    result = run(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_unknown_format_is_a_usage_error(records, tmp_path):
    result = run("export", records, "--format", "conll", "-o", tmp_path / "x")
    assert result.exit_code == 2
