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
    assert f"also wrote {tmp_path / 'tasks.textcat.jsonl'}" in result.output
    result = run("import", tasks, tmp_path / "tasks.textcat.jsonl", "--format", "prodigy", "-o", gold)
    assert result.exit_code == 0, result.output
    assert f"read 14 records and 25 spans from {tasks}, {tmp_path / 'tasks.textcat.jsonl'} (prodigy)" in result.output
    assert "kept 2 documents, 6 items, 25 spans" in result.output
    lines = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
    assert [[(i["number"], i["type"]) for i in r["items"]] for r in lines] == \
        [[(1, "orientering"), (2, "beslutning"), (3, "drøftelse")],
         [(1, "beslutning"), (2, "beslutning"), (3, None)]]


def test_long_commands_say_how_far_they_are(records, tmp_path, monkeypatch):
    """Not a terminal: a plain progress line every REFERAT_PROGRESS_SECONDS."""
    monkeypatch.setenv("REFERAT_PROGRESS_SECONDS", "0")
    result = run("export", records, "--format", "parquet", "-o", tmp_path / "tables")
    assert "referat: export parquet: 1/3 documents (33%)" in result.output
    assert "referat: export parquet: 2/3 documents (67%)" in result.output
    result = run("index", records, "--db", tmp_path / "archive.sqlite", "--no-datasette")
    assert result.exit_code == 0, result.output
    assert "referat: index: 3/3 records (100%)" in result.output


def test_outputs_are_never_overwritten_without_force(records, tmp_path):
    tasks = tmp_path / "tasks.json"
    assert run("export", records, "--format", "labelstudio", "-o", tasks).exit_code == 0
    again = run("export", records, "--format", "labelstudio", "-o", tasks)
    assert again.exit_code == 2 and "tasks.json: exists; use --force to overwrite it" in again.output
    assert run("export", records, "--format", "labelstudio", "-o", tasks, "--force").exit_code == 0
    gold = tmp_path / "gold.jsonl"
    assert run("import", tasks, "--format", "labelstudio", "-o", gold).exit_code == 0
    assert run("import", tasks, "--format", "labelstudio", "-o", gold).exit_code == 2
    assert run("import", tasks, "--format", "labelstudio", "-o", tasks, "--force").exit_code == 2  # its input
    folder = tmp_path / "dataset"
    folder.mkdir()
    refused = run("export", records, "--format", "hf", "-o", folder)
    assert refused.exit_code == 2 and "exists; use --force" in refused.output


def test_import_with_faults_writes_the_rest_and_exits_1(records, tmp_path):
    tasks = tmp_path / "tasks.jsonl"
    run("export", records, "--format", "doccano", "-o", tasks)
    lines = tasks.read_text(encoding="utf-8").splitlines()
    broken = json.loads(lines[1]) | {"label": [[0, 99999, "LAW"]]}
    tasks.write_text("\n".join([lines[0], json.dumps(broken), *lines[2:]]) + "\n", encoding="utf-8")
    result = run("import", tasks, "--format", "doccano", "-o", tmp_path / "gold.jsonl")
    assert result.exit_code == 1
    assert "skipped 1 spans: 1 span runs past its task text" in result.output
    assert "  span runs past its task text: line 2 [0, 99999)" in result.output
    assert (tmp_path / "gold.jsonl").is_file()


def test_review_writes_one_page(records, tmp_path):
    out = tmp_path / "review.html"
    result = run("review", records, "-o", out)
    assert result.exit_code == 0, result.output
    assert "2 documents, 6 items, 25 entities" in result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "skipped 1 error records: minutes/scan-uden-tekst.pdf: no_text_layer" in result.output


@pytest.mark.parametrize("args, message", [
    (["export", "{tmp}/missing.jsonl", "--format", "hf", "-o", "{tmp}/x"], "missing.jsonl: no such file"),
    (["import", "{tmp}/missing.json", "--format", "labelstudio", "-o", "{tmp}/g.jsonl"], "no such file"),
], ids=["no-records", "no-annotations"])
def test_missing_inputs_are_usage_errors(tmp_path, args, message):
    result = run(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_unknown_format_is_a_usage_error(records, tmp_path):
    result = run("export", records, "--format", "conll", "-o", tmp_path / "x")
    assert result.exit_code == 2
