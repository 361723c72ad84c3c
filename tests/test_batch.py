"""Batch runs: inputs, limits, workers, the manifest, resume, Dask."""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
from pathlib import Path

import pytest

from referat import batch
from referat.batch import (
    Batch, BatchConfig, BatchError, DocumentTimeout, collect_inputs, process_one, time_limit,
)
from referat.pipeline import Options, path_bytes

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from synthetic import minutes_text, write_minutes, write_minutes_pdf  # noqa: E402

FAST = Options(annotate=False, classify=False)
"""Batch mechanics do not depend on the taggers; these tests leave them out."""


def _config(**kwargs) -> BatchConfig:
    return BatchConfig(**{"options": FAST, **kwargs})


def _run(paths, out, **kwargs):
    return Batch(paths, out, _config(**kwargs)).run()


def _manifest(out: Path) -> list[dict]:
    lines = (out.parent / (out.name + ".manifest.jsonl")).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Twelve minutes in nested folders, plus a failing file and files a folder search skips."""
    root = tmp_path_factory.mktemp("corpus")
    write_minutes(root, 12, items=4)
    (root / "udvalg-001" / "tom.txt").write_bytes(b"")
    (root / ".hidden.txt").write_text(minutes_text(99))
    (root / "noter.xyz").write_text(minutes_text(98))
    return root


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> bytes:
    """The output of one uninterrupted run with one worker."""
    out = tmp_path_factory.mktemp("reference") / "out.jsonl"
    summary = _run([corpus], out)
    assert (summary.total, summary.processed, summary.failed) == (13, 13, 1)
    return out.read_bytes()


# --- inputs ------------------------------------------------------------------


def test_inputs_are_searched_recursively_sorted_and_filtered(tmp_path):
    for name in ("b/2.pdf", "b/1.TXT", "a.html", "c.docx", "d.json", "e.htm", "notes.md",
                 ".secret.txt", ".git/x.txt", "b/c/3.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = collect_inputs([tmp_path, tmp_path / "notes.md", tmp_path / "a.html"])
    names = [str(Path(p).relative_to(tmp_path)) for p in found]
    assert names == ["a.html", "b/1.TXT", "b/2.pdf", "b/c/3.txt", "c.docx", "d.json", "e.htm", "notes.md"]


def test_what_a_folder_holds_but_is_not_a_file_is_skipped_with_a_reason(tmp_path):
    """A named pipe would block the run for ever, a device never ends, a linked folder
    may loop: none is read, each is reported (never silently left out)."""
    folder = tmp_path / "in"
    (folder / "elsewhere").mkdir(parents=True)
    (folder / "minutes.txt").write_text(minutes_text(1), encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "other.txt").write_text(minutes_text(2), encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "linked").symlink_to(tmp_path / "outside")
    (folder / "dangling.txt").symlink_to(tmp_path / "gone.txt")  # a file that went: an error record
    skipped: list[tuple[str, str]] = []
    found = collect_inputs([folder], skipped)
    assert [Path(p).name for p in found] == ["dangling.txt", "minutes.txt"]
    reasons = {Path(p).name: why for p, why in skipped}
    assert reasons == {"pipe.txt": "a named pipe (FIFO), not a regular file; not read",
                       "zero.txt": "a device, not a regular file; not read",
                       "linked": "a symbolic link to a folder; not followed"}


def test_names_that_differ_only_in_bytes_that_are_not_utf8_are_two_documents(tmp_path):
    """Latin-1 file servers: `m\\xf8de.txt` and `m\\xe6de.txt` print alike (U+FFFD) but are
    two files: two records, each with its exact path, and resume keeps both."""
    folder = tmp_path / "latin1"
    folder.mkdir()
    for name, seed in ((b"m\xf8de.txt", 1), (b"m\xe6de.txt", 2)):
        with open(os.path.join(os.fsencode(folder), name), "w", encoding="utf-8") as f:
            f.write(minutes_text(seed, 2))
    out = tmp_path / "out.jsonl"
    assert _run([folder], out).failed == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["source"] for r in records] == [str(folder / "m\ufffdde.txt")] * 2
    assert [r["source_path"] for r in records] == [str(folder) + "/m\\xe6de.txt", str(folder) + "/m\\xf8de.txt"]
    assert [path_bytes(r["source_path"]) for r in records] == [
        os.fsencode(folder) + b"/m\xe6de.txt", os.fsencode(folder) + b"/m\xf8de.txt"]
    assert len({r["sha256"] for r in records}) == 2  # each record from its own file
    before = out.read_bytes()
    summary = _run([folder], out, resume=True)
    assert (summary.skipped, summary.processed) == (2, 0)
    assert out.read_bytes() == before


def test_an_empty_folder_is_refused(tmp_path):
    with pytest.raises(BatchError, match="no input files"):
        Batch([tmp_path], tmp_path / "out.jsonl", _config())


@pytest.mark.parametrize("kwargs, message", [
    ({"unit": "page"}, "unknown unit"),
    ({"engine": "spark"}, "unknown engine"),
    ({"workers": 0}, "at least 1"),
    ({"scheduler": "tcp://127.0.0.1:8786"}, "needs engine 'dask'"),
], ids=["unit", "engine", "workers", "scheduler-without-dask"])
def test_bad_configuration_is_refused(kwargs, message):
    with pytest.raises(BatchError, match=message):
        _config(**kwargs)


def test_resume_needs_a_file(corpus):
    with pytest.raises(BatchError, match="resume"):
        Batch([corpus], "-", _config(resume=True))


# --- one document --------------------------------------------------------------


def test_time_limit_interrupts_the_main_thread():
    with pytest.raises(DocumentTimeout), time_limit(0.05):
        while True:
            pass


def test_time_limit_interrupts_another_thread_and_leaves_no_stray_exception():
    caught: list[str] = []

    def work():
        try:
            with time_limit(0.05):
                while True:
                    pass
        except DocumentTimeout:
            caught.append("timeout")
        with time_limit(0.05):
            pass  # finishes in time: nothing may be raised later
        deadline = time.monotonic() + 0.2
        while time.monotonic() < deadline:
            pass
        caught.append("clean")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(5)
    assert caught == ["timeout", "clean"]


def test_a_document_without_items_is_no_failure(tmp_path):
    path = tmp_path / "prosa.txt"
    path.write_text("Kommunen holder åbent hus i rådhuset den 3. maj.\nAlle er velkomne.\n")
    outcome = process_one(0, str(path), FAST, "document")
    assert outcome.ok
    record = json.loads(outcome.payload)
    assert (record["status"], [w["code"] for w in record["warnings"]]) == ("ok", ["no_items"])


def test_an_unexpected_exception_costs_one_document(tmp_path, monkeypatch, caplog):
    path = tmp_path / "referat.txt"
    path.write_text(minutes_text(1))
    pipeline = batch.loaded_pipeline(FAST)
    monkeypatch.setattr(pipeline, "process", lambda p: 1 / 0)
    with caplog.at_level("DEBUG", logger="referat.batch"):
        outcome = process_one(3, str(path), FAST, "item")
    assert outcome.index == 3 and outcome.sha256 == batch.failed(str(path), BatchError("x"), "x").sha256
    assert [(p.code, p.message) for p in outcome.errors] == [
        ("internal", "unexpected error: ZeroDivisionError: division by zero")]
    assert json.loads(outcome.payload)["status"] == "error"
    assert "ZeroDivisionError" in caplog.text  # the traceback, for -vv


@pytest.mark.parametrize("limits, code", [
    ({"max_bytes": 1000}, "too_large"),
    ({"max_pages": 2}, "too_large"),
], ids=["bytes", "pages"])
def test_documents_over_a_limit_are_skipped_and_reported(tmp_path, limits, code):
    path = write_minutes_pdf(tmp_path / "lang.pdf", seed=2, items=20)
    outcome = process_one(0, str(path), Options(annotate=False, classify=False, **limits), "document")
    assert [p.code for p in outcome.errors] == [code]
    assert process_one(0, str(path), FAST, "document").ok


def test_a_slow_document_times_out(tmp_path, monkeypatch):
    path = tmp_path / "referat.txt"
    path.write_text(minutes_text(1))
    options = Options(annotate=False, classify=False, timeout_s=0.1)

    def spin(p):
        while True:
            pass

    monkeypatch.setattr(batch.loaded_pipeline(options), "process", spin)
    outcome = process_one(0, str(path), options, "document")
    assert [p.code for p in outcome.errors] == ["timeout"]


# --- whole runs ------------------------------------------------------------------


def test_a_run_writes_sorted_records_and_a_manifest(corpus, reference, tmp_path):
    records = [json.loads(line) for line in reference.splitlines()]
    sources = [r["source"] for r in records]
    assert sources == collect_inputs([corpus])
    assert not any(".hidden" in s or s.endswith(".xyz") for s in sources)
    failed = [r for r in records if r["status"] == "error"]
    assert [(Path(r["source"]).name, r["errors"][0]["code"]) for r in failed] == [("tom.txt", "empty")]

    out = tmp_path / "out.jsonl"
    _run([corpus], out)
    header, *entries = _manifest(out)
    assert header["unit"] == "document" and header["config"] == _config().fingerprint()
    assert [e["path"] for e in entries] == sources
    assert [e["status"] for e in entries] == [r["status"] for r in records]
    data = out.read_bytes()
    for entry, record in zip(entries, records):
        assert entry["sha256"] == record["sha256"]
        block = data[entry["offset"]:entry["offset"] + entry["length"]]
        assert json.loads(block) == record
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "out.jsonl.manifest.jsonl"]


def test_two_workers_give_the_same_bytes(corpus, reference, tmp_path):
    out = tmp_path / "out.jsonl"
    _run([corpus], out, workers=2)
    assert out.read_bytes() == reference


def test_stdout_gets_the_same_records_in_order(corpus, reference, capsysbinary):
    Batch([corpus], "-", _config(workers=2)).run()
    assert capsysbinary.readouterr().out == reference


def test_item_unit_gives_one_line_per_item(corpus, tmp_path):
    out = tmp_path / "items.jsonl"
    _run([corpus], out, unit="item")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 12 * 4 + 1
    assert [r["number"] for r in records[:4]] == [1, 2, 3, 4]
    assert [r for r in records if r.get("status") == "error"][0]["source"].endswith("tom.txt")


# --- resume ------------------------------------------------------------------------


def _cut_off(out: Path, keep: int, torn_line: bool = True) -> None:
    """Make a finished run look like one killed after `keep` documents."""
    header, *entries = _manifest(out)
    data = out.read_bytes()
    end = entries[keep - 1]["offset"] + entries[keep - 1]["length"]
    partial = data[:end]
    if torn_line:  # the next record half written, its manifest line too
        partial += data[end:end + entries[keep]["length"] // 2]
    out.with_name(out.name + ".partial").write_bytes(partial)
    lines = [json.dumps(x, ensure_ascii=False, separators=(",", ":")) + "\n"
             for x in [header, *entries[:keep]]]
    manifest = "".join(lines) + (lines[-1][:25] if torn_line else "")
    out.with_name(out.name + ".manifest.jsonl").write_text(manifest, encoding="utf-8")
    out.unlink()


@pytest.mark.parametrize("workers", [1, 2])
def test_resume_after_a_cut_off_run_gives_the_uninterrupted_bytes(corpus, reference, tmp_path, workers):
    out = tmp_path / "out.jsonl"
    _run([corpus], out)
    _cut_off(out, keep=6)
    summary = _run([corpus], out, resume=True, workers=workers)
    assert (summary.skipped, summary.processed) == (5, 8)  # the 6 kept but the empty file, redone
    assert out.read_bytes() == reference
    assert not out.with_name("out.jsonl.partial").exists()
    assert sorted(e["path"] for e in _manifest(out)[1:]) == sorted(collect_inputs([corpus]))


def test_a_record_written_but_not_in_the_manifest_is_redone_once(corpus, reference, tmp_path):
    out = tmp_path / "out.jsonl"
    _run([corpus], out)
    header, *entries = _manifest(out)
    data = out.read_bytes()
    end = entries[6]["offset"] + entries[6]["length"]
    out.with_name("out.jsonl.partial").write_bytes(data[:end])  # 7 records written ...
    _cut_off_manifest = [header, *entries[:6]]  # ... but only 6 noted
    out.with_name("out.jsonl.manifest.jsonl").write_text(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in _cut_off_manifest), encoding="utf-8")
    out.unlink()
    summary = _run([corpus], out, resume=True)
    assert (summary.skipped, summary.processed) == (5, 8)  # 6 noted, one of them the empty file
    assert out.read_bytes() == reference


def test_resume_redoes_failures_and_changed_files_and_adds_new_ones(tmp_path):
    corpus = tmp_path / "corpus"
    paths = write_minutes(corpus, 4, items=3)
    broken = corpus / "broken.txt"
    broken.write_bytes(b"")
    out = tmp_path / "out.jsonl"
    assert _run([corpus], out).failed == 1

    broken.write_text(minutes_text(50, 3), encoding="utf-8")  # fixed
    paths[1].write_text(minutes_text(51, 3), encoding="utf-8")  # changed
    write_minutes(corpus / "ny", 1, items=3, seed=60)  # added
    summary = _run([corpus], out, resume=True)
    assert (summary.total, summary.skipped, summary.processed, summary.failed) == (6, 3, 3, 0)

    fresh = tmp_path / "fresh.jsonl"
    _run([corpus], fresh)
    assert out.read_bytes() == fresh.read_bytes()
    assert len(_manifest(out)) == 1 + 6


def test_resume_redoes_a_record_a_power_cut_zeroed(corpus, reference, tmp_path):
    """A block of zeros in the middle of the output (what a power cut leaves of data not
    yet on disk): the damaged record fails its checksum and is redone; the rest is kept."""
    out = tmp_path / "out.jsonl"
    _run([corpus], out)
    entries = _manifest(out)[1:]
    data = bytearray(out.read_bytes())
    middle = entries[5]["offset"] + entries[5]["length"] // 2
    data[middle:middle + 512] = bytes(512)
    out.write_bytes(bytes(data))
    summary = _run([corpus], out, resume=True)
    assert (summary.skipped, summary.processed) == (11, 2)  # the damaged one, and the empty file
    assert out.read_bytes() == reference


def test_a_manifest_line_without_a_checksum_is_redone(corpus, reference, tmp_path):
    out = tmp_path / "out.jsonl"
    _run([corpus], out)
    header, *entries = _manifest(out)
    del entries[3]["checksum"]
    out.with_name("out.jsonl.manifest.jsonl").write_text(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in [header, *entries]), encoding="utf-8")
    summary = _run([corpus], out, resume=True)
    assert (summary.skipped, summary.processed) == (11, 2)
    assert out.read_bytes() == reference


def test_resume_with_another_configuration_starts_afresh(corpus, tmp_path):
    out = tmp_path / "out.jsonl"
    _run([corpus], out)
    summary = _run([corpus], out, resume=True, unit="item")
    assert (summary.skipped, summary.processed) == (0, 13)
    assert _manifest(out)[0]["unit"] == "item"


def test_resume_of_a_finished_run_does_nothing(corpus, reference, tmp_path):
    out = tmp_path / "out.jsonl"
    _run([corpus], out)
    summary = _run([corpus], out, resume=True)
    # the failed (empty) file is tried again; everything else is kept
    assert (summary.skipped, summary.processed, summary.failed) == (12, 1, 1)
    assert out.read_bytes() == reference


# --- workers that hang or die ----------------------------------------------------------


def _hang_or_die(index, path, options, unit):
    """Stand-in for process_one: hangs inside C on 'hang', exits on 'die'."""
    if "hang" in path:
        re.match(r"(a+)+$", "a" * 64 + "b")  # catastrophic backtracking: no signal gets in
    if "die" in path:
        import os

        os._exit(3)
    return batch._outcome(index, path, batch.Pipeline(options).process(path), unit)


def test_a_stuck_or_dying_worker_is_replaced_and_reported(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    write_minutes(corpus, 3, items=2)
    for name in ("hang.txt", "die.txt"):
        (corpus / name).write_text(minutes_text(7, 2))
    monkeypatch.setattr(batch, "_START_METHOD", "fork")  # the children see the stand-in
    monkeypatch.setattr(batch, "process_one", _hang_or_die)
    monkeypatch.setattr(batch, "_KILL_GRACE_S", 0.5)
    out = tmp_path / "out.jsonl"
    options = Options(annotate=False, classify=False, timeout_s=0.5)
    started = time.monotonic()
    summary = Batch([corpus], out, BatchConfig(options=options, workers=2)).run()
    assert time.monotonic() - started < 30
    assert (summary.processed, summary.failed) == (5, 2)
    status = {Path(e["path"]).name: [p["code"] for p in e["errors"]] for e in _manifest(out)[1:]}
    assert status["hang.txt"] == ["timeout"]
    assert status["die.txt"] == ["internal"]
    assert sum(codes == [] for codes in status.values()) == 3


# --- memory ----------------------------------------------------------------------------


def test_a_document_past_the_memory_ceiling_is_an_error_record_and_the_worker_goes_on(tmp_path):
    """--max-memory: an allocation past the ceiling costs that document (too_large), not the
    worker (no kill, no out-of-memory killer) and not the documents after it."""
    write_minutes(tmp_path / "in", 2, items=2)
    big = tmp_path / "in" / "a-big.txt"  # 30 MB of minutes: far more than 600 MiB once processed
    big.write_text(minutes_text(1, 4) * 20_000, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    options = Options(annotate=False, classify=False, max_pages=10**6)
    summary = Batch([tmp_path / "in"], out, BatchConfig(options=options, max_memory_mb=600)).run()
    assert (summary.processed, summary.failed) == (3, 1)
    errors = {Path(e["path"]).name: e["errors"] for e in _manifest(out)[1:]}
    (problem,) = errors.pop("a-big.txt")
    assert problem["code"] == "too_large" and "600 MiB" in problem["message"], problem
    assert all(not e for e in errors.values())


def test_the_default_memory_ceiling_shares_the_machine_among_the_workers():
    one, four = BatchConfig(workers=1).memory_limit_mb, BatchConfig(workers=4).memory_limit_mb
    assert one >= four >= 1024
    assert BatchConfig(max_memory_mb=0).memory_limit_mb is None
    assert BatchConfig(max_memory_mb=700).memory_limit_mb == 700


# --- Dask ------------------------------------------------------------------------------


@pytest.mark.enable_socket
@pytest.mark.slow
def test_a_dask_local_cluster_of_two_processes_gives_the_local_records(corpus, reference, tmp_path):
    pytest.importorskip("distributed")
    out = tmp_path / "dask.jsonl"
    summary = _run([corpus], out, engine="dask", workers=2)
    assert (summary.processed, summary.failed) == (13, 1)
    assert out.read_bytes().splitlines() == reference.splitlines()


try:
    from distributed import WorkerPlugin as _WorkerPlugin
except ImportError:  # the Dask tests skip
    _WorkerPlugin = object


class _HangOnWorkers(_WorkerPlugin):
    """A Dask worker plugin (every worker, replacements included): documents named 'hang'
    get stuck in C there, holding the GIL, and the grace period is short."""

    def setup(self, worker) -> None:
        batch.process_one = _hang_or_die
        batch._KILL_GRACE_S = 0.5


@pytest.mark.enable_socket
@pytest.mark.slow
def test_the_dask_engine_stops_a_document_stuck_in_c_like_the_local_one(tmp_path, monkeypatch):
    """The hard time limit holds on Dask too: the stuck document's worker is stopped (each
    time it is tried), the document gets one timeout record, the others their results."""
    distributed = pytest.importorskip("distributed")
    import dask

    monkeypatch.setattr(batch, "_KILL_GRACE_S", 0.5)  # as on the workers
    corpus = tmp_path / "corpus"
    write_minutes(corpus, 3, items=2)
    (corpus / "hang.txt").write_text(minutes_text(7, 2))
    out = tmp_path / "out.jsonl"
    options = Options(annotate=False, classify=False, timeout_s=0.5)
    with dask.config.set({"distributed.scheduler.allowed-failures": 0,
                          "distributed.scheduler.worker-saturation": 1.0}):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
    with cluster, distributed.Client(cluster) as client:
        client.register_plugin(_HangOnWorkers(), name="hang")
        started = time.monotonic()
        summary = Batch([corpus], out, BatchConfig(options=options, engine="dask",
                                                   scheduler=cluster.scheduler_address)).run()
        assert time.monotonic() - started < 60
    status = {Path(e["path"]).name: [(p["code"], p["message"]) for p in e["errors"]] for e in _manifest(out)[1:]}
    assert (summary.processed, summary.failed) == (4, 1)
    assert [c for c, _ in status.pop("hang.txt")] == ["timeout"]
    assert all(codes == [] for codes in status.values())


# --- workers start early, and without the parent's main script -------------------


def test_workers_start_before_the_inputs_are_collected(corpus, tmp_path, monkeypatch):
    import multiprocessing

    running_while_collecting = []
    real_collect = batch.collect_inputs

    def collect(paths, skipped=None):
        running_while_collecting.append(
            sum(p.name == "referat-worker" for p in multiprocessing.active_children()))
        return real_collect(paths, skipped)

    monkeypatch.setattr(batch, "collect_inputs", collect)
    job = Batch([corpus], tmp_path / "out.jsonl", _config(workers=2))
    assert running_while_collecting == [2]  # both loading the models while the inputs were found
    assert job.run().processed == 13


def test_a_batch_never_run_stops_its_workers_when_closed(corpus, tmp_path):
    job = Batch([corpus], tmp_path / "out.jsonl", _config(workers=2))
    processes = [w.process for w in job._pool.workers]
    assert all(p.is_alive() for p in processes)
    job.close()
    assert not any(p.is_alive() for p in processes)


def test_fewer_documents_than_workers_keep_one_worker_each(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(minutes_text(1), encoding="utf-8")
    job = Batch([tmp_path / "in"], tmp_path / "out.jsonl", _config(workers=3))
    assert len(job._pool.workers) == 1
    assert job.run().processed == 1


def test_no_inputs_stops_the_workers_it_started(tmp_path):
    with pytest.raises(BatchError, match="no input files"):
        Batch([tmp_path], tmp_path / "out.jsonl", _config(workers=2))
    import multiprocessing

    assert not [p for p in multiprocessing.active_children() if p.name == "referat-worker"]


def test_workers_are_started_without_the_main_script(monkeypatch):
    main = sys.modules["__main__"]
    before = (getattr(main, "__file__", None), getattr(main, "__spec__", None))
    with batch._main_script_hidden():
        assert getattr(main, "__file__", None) is None and main.__spec__ is None
    assert (getattr(main, "__file__", None), getattr(main, "__spec__", None)) == before
