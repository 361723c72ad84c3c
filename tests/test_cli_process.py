"""`referat process`: records out, one stderr line per bad file, exit status, kill and resume."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from referat import __version__
from referat.cli import app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from synthetic import minutes_text, write_minutes, write_minutes_pdf  # noqa: E402

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "nlp" / "referat" / "schema"
REFERAT = [str(Path(sys.executable).with_name("referat"))]

runner = CliRunner()


def _schema(unit: str) -> jsonschema.Validator:
    schema = json.loads((SCHEMA_DIR / f"{unit}.schema.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


BAD_INPUTS = {
    # file name: (content or a maker, the error code its record carries)
    "tom.txt": (b"", "empty"),
    "binaer.txt": (bytes(range(256)) * 8, "binary"),
    "i-stykker.pdf": (b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", "corrupt"),
    "krypteret.pdf": (lambda p: write_minutes_pdf(p, seed=3, items=2, password="hemmelig"), "encrypted_pdf"),
    "noter.xyz": (minutes_text(4).encode(), "unsupported_format"),
}


# A readable document without items is no failure: an ok record that says why.
ITEMLESS = "uden-punkter.txt"
ITEMLESS_TEXT = "Kommunen holder åbent hus på rådhuset den 3. maj.\nAlle er velkomne.\n"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """Two good minutes, a document without items and every kind of bad input, in one folder."""
    root = tmp_path_factory.mktemp("mixed")
    write_minutes(root / "gode", 2, items=3)
    (root / ITEMLESS).write_text(ITEMLESS_TEXT, encoding="utf-8")
    for name, (content, _) in BAD_INPUTS.items():
        if callable(content):
            content(root / name)
        else:
            (root / name).write_bytes(content)
    return root


@pytest.fixture(scope="module")
def mixed_run(mixed, tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "out.jsonl"
    result = runner.invoke(app, ["process", str(mixed), str(mixed / "noter.xyz"), "-o", str(out)])
    return result, out


def test_bad_files_get_a_stderr_line_and_an_error_record_and_exit_1(mixed, mixed_run):
    result, out = mixed_run
    assert result.exit_code == 1, result.output
    records = {Path(r["source"]).name: r for r in _records(out.read_text(encoding="utf-8"))}
    assert len(records) == 3 + len(BAD_INPUTS)
    errors = [line for line in result.stderr.splitlines() if line.startswith("referat: error: ")]
    assert len(errors) == len(BAD_INPUTS)
    for name, (_, code) in BAD_INPUTS.items():
        record = records[name]
        assert record["status"] == "error"
        assert record["errors"][0]["code"] == code, (name, record["errors"])
        line = next(line for line in errors if f"{mixed / name}: " in line)
        assert line.endswith(")") and f"({code})" in line
    assert result.stderr.splitlines()[-1] == f"referat: {len(records)} documents, {len(BAD_INPUTS)} failed"
    assert "Traceback" not in result.output


def test_a_document_without_items_is_an_ok_record_that_says_why(mixed_run):
    _, out = mixed_run
    record = next(r for r in _records(out.read_text(encoding="utf-8")) if r["source"].endswith(ITEMLESS))
    assert (record["status"], record["errors"], record["items"], record["text"]) == ("ok", [], [], ITEMLESS_TEXT.strip())
    assert [w["code"] for w in record["warnings"]] == ["no_items"]
    assert record["meeting"]["kind"] == "andet" and record["meeting"]["kind_evidence"][0]["cue"] == "no_items"


def test_every_record_matches_the_document_schema(mixed_run):
    _, out = mixed_run
    validator = _schema("document")
    for record in _records(out.read_text(encoding="utf-8")):
        validator.validate(record)


def test_item_unit_to_stdout(mixed):
    result = runner.invoke(app, ["process", str(mixed / "gode"), str(mixed / ITEMLESS), "--unit", "item", "-o", "-"])
    assert result.exit_code == 0, result.output
    records = _records(result.stdout)
    assert [(Path(r["source"]).name, r.get("number")) for r in records] == [
        (f"referat-000{n}.txt", i) for n in (0, 1) for i in (1, 2, 3)] + [(ITEMLESS, None)]
    assert (records[-1]["status"], records[-1]["text"]) == ("ok", ITEMLESS_TEXT.strip())  # the document, not lost
    validator = _schema("item")
    for record in records:
        validator.validate(record)
    assert result.stderr.strip() == "referat: 3 documents, 0 failed"


@pytest.mark.parametrize("args, message", [
    (["process", "findes-ikke.pdf"], "does not exist"),
    (["process", "{mixed}", "--resume"], "resume needs an output file"),
    (["process", "{empty}"], "no input files found"),
    (["process", "{mixed}", "--unit", "page"], "'page' is not one of"),
    (["process", "{mixed}", "--workers", "0"], "greater than or equal to 1"),
], ids=["missing-path", "resume-to-stdout", "empty-folder", "bad-unit", "no-workers"])
def test_usage_errors_exit_2(args, message, mixed, tmp_path):
    args = [a.format(mixed=mixed, empty=tmp_path) for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output


def test_the_output_policy_holds_for_process(tmp_path):
    """An existing OUT needs --force (or --resume); an input, a pipe or a device is never OUT."""
    good = tmp_path / "referat.txt"
    good.write_text(minutes_text(3), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text("earlier work\n", encoding="utf-8")
    result = runner.invoke(app, ["process", str(good), "-o", str(out)])
    assert result.exit_code == 2 and "exists; use --force" in result.output
    assert out.read_text(encoding="utf-8") == "earlier work\n"
    assert runner.invoke(app, ["process", str(good), "-o", str(out), "--force"]).exit_code == 0
    assert runner.invoke(app, ["process", str(good), "-o", str(out), "--resume"]).exit_code == 0
    assert runner.invoke(app, ["process", str(good), "-o", str(tmp_path / "new" / "out.jsonl")]).exit_code == 0

    named = tmp_path / "named.txt"
    named.write_text(minutes_text(7), encoding="utf-8")
    result = runner.invoke(app, ["process", str(named), "-o", str(named), "--force"])
    assert result.exit_code == 2 and "is also an input" in result.output
    assert named.read_text(encoding="utf-8") == minutes_text(7)

    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    result = runner.invoke(app, ["process", str(good), "-o", str(fifo), "--force"])
    assert result.exit_code == 2 and "not a regular file" in result.output


def test_what_a_folder_holds_but_does_not_read_is_listed_at_the_end(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "referat.txt").write_text(minutes_text(1), encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    (folder / "linked").symlink_to(tmp_path)
    result = runner.invoke(app, ["process", str(folder), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-3:] == [
        f"referat: warning: {folder}/linked: skipped: a symbolic link to a folder; not followed",
        f"referat: warning: {folder}/pipe.txt: skipped: a named pipe (FIFO), not a regular file; not read",
        "referat: 1 document, 0 failed, 2 skipped (not files)"]


def test_version_and_help():
    assert runner.invoke(app, ["--version"]).stdout.strip() == f"referat {__version__}"
    help_text = runner.invoke(app, ["process", "--help"]).stdout
    for option in ("--output", "--unit", "--workers", "--resume", "--ner", "--classifier",
                   "--max-mb", "--max-pages", "--timeout", "--engine", "--scheduler"):
        assert option in help_text


# --- a real process, killed and resumed -----------------------------------------------------


def _manifest_entries(out: Path) -> int:
    try:
        return max(0, out.with_name(out.name + ".manifest.jsonl").read_bytes().count(b"\n") - 1)
    except FileNotFoundError:
        return 0


CORPUS_SIZE = 31
BLOCKER = "udvalg-007/referat-0014a.txt"  # the 16th input in sorted order


@pytest.fixture(scope="module")
def kill_corpus(tmp_path_factory) -> tuple[Path, list[str]]:
    """30 minutes plus one more, and the records of an uninterrupted run over them.

    Runs use relative paths from the corpus's parent, so that a copy elsewhere
    gives the same `source` fields.
    """
    root = tmp_path_factory.mktemp("kill")
    write_minutes(root / "corpus", CORPUS_SIZE - 1, items=5)
    (root / "corpus" / BLOCKER).write_text(minutes_text(1000, 5), encoding="utf-8")
    subprocess.run([*REFERAT, "process", "corpus", "-o", "reference.jsonl"], cwd=root, check=True,
                   capture_output=True, timeout=300)
    return root / "corpus", (root / "reference.jsonl").read_text(encoding="utf-8").splitlines()


def _manifest_entries(out: Path) -> int:
    try:
        return max(0, out.with_name(out.name + ".manifest.jsonl").read_bytes().count(b"\n") - 1)
    except FileNotFoundError:
        return 0


BLOCKING_HOOK = """
import time
import referat.ingest as ingest

_read_bytes = ingest._read_bytes


def _blocking(path, name, max_bytes):
    if name.endswith(%r):
        while True:
            time.sleep(3600)
    return _read_bytes(path, name, max_bytes)


ingest._read_bytes = _blocking
"""
"""A sitecustomize for the killed run: its workers block on one input (referat itself
never blocks on a file: it refuses a FIFO)."""


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_sigkill_then_resume_gives_the_uninterrupted_records(kill_corpus, tmp_path, workers):
    """Kill -9 a run while one input blocks (a worker hook holds it: referat reads no FIFO); resume it."""
    template, reference = kill_corpus
    shutil.copytree(template, tmp_path / "corpus")
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(BLOCKING_HOOK % BLOCKER, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = [*REFERAT, "process", "corpus", "-o", "out.jsonl", "--workers", str(workers), "--timeout", "300"]
    run = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           start_new_session=True, env=os.environ | {"PYTHONPATH": str(hook)})
    try:
        # one worker stops at the blocker; two also finish everything after it
        expected = 15 if workers == 1 else CORPUS_SIZE - 1
        deadline = time.monotonic() + 240
        while _manifest_entries(out) < expected and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert run.poll() is None, run.stderr.read().decode()
        assert _manifest_entries(out) == expected
        run.send_signal(signal.SIGKILL)
        run.wait(10)
    finally:
        os.killpg(run.pid, signal.SIGKILL)  # the worker still blocked on the input
    assert not out.exists()
    assert out.with_name("out.jsonl.partial").read_bytes().endswith(b"\n")

    resume = [*args[:-4], "--resume"]  # one worker is enough for the one input left
    resumed = subprocess.run(resume, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stderr.strip().endswith(
        f"referat: {CORPUS_SIZE} documents, 0 failed ({expected} already done)")
    records = out.read_text(encoding="utf-8").splitlines()
    assert records == reference
    assert len({json.loads(r)["source"] for r in records}) == len(records) == CORPUS_SIZE
