"""`referat export | import | review` from the command line (the archive's in test_archive_cli.py)."""

from __future__ import annotations

import json
import os
import stat

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


# --- the output policy (referat.outputs) and damaged input, for every writing command ---

_WRITERS = {  # command: the arguments before -o
    "export-prodigy": ["export", "{records}", "--format", "prodigy"],
    "export-labelstudio": ["export", "{records}", "--format", "labelstudio"],
    "review": ["review", "{records}"],
}
_REFUSING = {**_WRITERS, "import": ["import", "{records}", "--format", "prodigy"]}
"""The refusals come before any input is read: `import` refuses a referat file as output too."""


def _args(name: str, records, out) -> list[str]:
    return [a.replace("{records}", str(records)) for a in _REFUSING[name]] + ["-o", str(out)]


@pytest.mark.parametrize("name", _REFUSING)
def test_the_input_as_output_is_refused_and_left_alone(records, name):
    before = records.read_bytes()
    result = run(*_args(name, records, records), "--force")
    assert result.exit_code == 2, result.output
    assert "is also an input of this command" in result.output
    assert records.read_bytes() == before


@pytest.mark.parametrize("name", _WRITERS)
def test_an_existing_output_needs_force(records, tmp_path, name):
    out = tmp_path / "out"
    out.write_text("earlier work", encoding="utf-8")
    result = run(*_args(name, records, out))
    assert result.exit_code == 2 and "exists; use --force" in result.output
    assert out.read_text(encoding="utf-8") == "earlier work"
    assert run(*_args(name, records, out), "--force").exit_code == 0
    assert out.read_text(encoding="utf-8") != "earlier work"


@pytest.mark.parametrize("name", _REFUSING)
def test_a_special_file_is_never_an_output(records, tmp_path, name):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run(*_args(name, records, fifo), "--force")
    assert result.exit_code == 2 and "not a regular file" in result.output
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.parametrize("fmt", ["labelstudio", "parquet", "spacy"])
def test_a_failing_export_leaves_the_previous_one_as_it_was(records, tmp_path, monkeypatch, fmt):
    """A writer that fails half way (here: on the second document) leaves no half-written export."""
    from referat.model import Document

    out = tmp_path / "out"
    assert run("export", records, "--format", fmt, "-o", out).exit_code == 0
    before = {p.relative_to(tmp_path): p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file()}
    real, calls = Document.from_dict, []

    def failing(data):
        calls.append(data)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(data)

    monkeypatch.setattr(Document, "from_dict", failing)
    result = run("export", records, "--format", fmt, "-o", out, "--force")
    assert result.exit_code == 1 and "No space left on device" in result.output
    after = {p.relative_to(tmp_path): p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file()}
    assert after == before


@pytest.mark.parametrize("command", [["review"], ["export", "--format", "doccano"]], ids=["review", "export"])
def test_hand_edited_and_truncated_lines_are_named_and_the_rest_processed(records, tmp_path, command):
    lines = records.read_text(encoding="utf-8").splitlines()
    edited = json.loads(lines[1])
    edited["items"][0]["number"] = 12345678901234567890
    damaged = tmp_path / "damaged.jsonl"
    surrogate = json.dumps(json.loads(lines[0]) | {"source": "a\ud800.txt"})  # "\\ud800": no character
    damaged.write_text("\n".join([lines[0], json.dumps(edited, ensure_ascii=False), lines[2], surrogate,
                                   lines[0][:200]]), encoding="utf-8")
    out = tmp_path / "out"
    result = run(command[0], damaged, *command[1:], "-o", out)
    assert result.exit_code == 1, result.output
    assert f"{damaged}: line 2: not a valid document record: items/0/number" in result.output
    assert f"{damaged}: line 4: a lone surrogate escape" in result.output
    assert f"{damaged}: line 5: not JSON (a truncated line?)" in result.output
    assert "1 documents" in result.output and "Traceback" not in result.output
    assert out.exists()
