"""Batch runs: many files through one pipeline per worker, streamed and resumable.

An archive run covers hundreds of thousands of files, so:

- files flow through a fixed number of worker processes, one document in
  flight per worker; each worker loads the models once, when it starts;
- every document gives at least one output line, failures included, so that
  nothing is silently dropped; one pathological file hits a per-document
  limit (size, pages, time) and is reported, not waited on;
- output is durable and atomic at once: records are appended to
  `OUT.partial` (whole lines, flushed at once, fsynced every second) and noted
  in `OUT.manifest.jsonl` (input path, exactly as bytes: `pipeline.exact_path`;
  its sha256, status, errors, byte range and the lines' checksum); only
  a finished run renames the partial file to `OUT`, in input order, so a
  killed run never leaves a half-written line in `OUT`, and `resume=True`
  keeps what was done (same file content, same configuration, lines that
  still match their checksum) and redoes what failed, was cut off or damaged. The result is the same bytes as an
  uninterrupted run, whatever the number of workers.

`engine="dask"` sends the same work to a Dask distributed cluster (an
address, or a LocalCluster of `workers` processes); the client writes.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace as replace_fields
from multiprocessing.connection import wait
from pathlib import Path
from typing import NamedTuple

from referat import __version__, limits
from referat.errors import LimitExceeded, ReferatError, UnsupportedFormat
from referat.export.jsonl import UNITS, dumps, encode, sync
from referat.outputs import replace
from referat.model import Document, Problem, Source
from referat.pipeline import Options, Pipeline, exact_path, failed, printable_path
from referat.resources import sha256_file

log = logging.getLogger(__name__)

SUPPORTED_EXTENSIONS = frozenset({".txt", ".pdf", ".html", ".htm", ".docx", ".json",
                                  ".tif", ".tiff", ".png", ".jpg", ".jpeg"})
"""What is read, and what a folder is searched for; a file of another type named
explicitly gets an `unsupported_format` error record."""

ENGINES = ("local", "dask")
MANIFEST_FORMAT = 1
_COPY_CHUNK = 1 << 20
_START_METHOD = "spawn"  # workers start clean: no threads or locks inherited from the parent
_DASK_RETRIES = 3  # a Dask task lost with its worker is tried this many more times
_KILL_GRACE_S = 10.0  # how long past the time limit a worker may stay silent before it is killed
_SYNC_INTERVAL_S = 1.0  # fsync output and manifest at most this often (every line is flushed)


class BatchError(ReferatError):
    """The run as a whole cannot go on (a model does not load, a bad option)."""

    code = "batch"


class DocumentTimeout(LimitExceeded):
    """One document took longer than `Options.timeout_s`."""

    code = "timeout"

    def __init__(self, message: str = "exceeded the per-document time limit", **kwargs):
        super().__init__(message, **kwargs)


@dataclass(frozen=True)
class BatchConfig:
    """How a batch runs; `options` is what every document gets."""

    options: Options = field(default_factory=Options)
    unit: str = "document"  # one of UNITS
    workers: int = 1
    engine: str = "local"  # one of ENGINES
    scheduler: str | None = None  # a Dask scheduler address; None starts a LocalCluster
    resume: bool = False
    max_memory_mb: int | None = None  # each worker's memory ceiling; None: `default_max_memory_mb`, 0: none

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise BatchError(f"unknown unit {self.unit!r}; expected one of {', '.join(UNITS)}")
        if self.engine not in ENGINES:
            raise BatchError(f"unknown engine {self.engine!r}; expected one of {', '.join(ENGINES)}")
        if self.workers < 1:
            raise BatchError(f"workers must be at least 1, not {self.workers}")
        if self.scheduler and self.engine != "dask":
            raise BatchError("a scheduler address needs engine 'dask'")
        if self.max_memory_mb is not None and self.max_memory_mb < 0:
            raise BatchError(f"max_memory_mb must be 0 (no limit) or more, not {self.max_memory_mb}")

    @property
    def memory_limit_mb(self) -> int | None:
        """Each worker's memory ceiling in MiB, or None for none."""
        if self.max_memory_mb is None:
            return default_max_memory_mb(self.workers)
        return self.max_memory_mb or None

    def fingerprint(self) -> str:
        """What decides a successful record's content; limits only decide failures."""
        o = self.options
        key = {"referat_version": __version__, "unit": self.unit, "ner": o.ner,
               "classifier": o.classifier, "annotate": o.annotate, "classify": o.classify,
               "decide": o.decide, "decision_model": o.decision_model}
        if o.ocr != "auto":  # so that records of earlier versions, all "auto", still resume
            key["ocr"] = o.ocr
        if o.segmenter != "default":  # (left out by default: manifests of earlier runs stay valid)
            key["segmenter"] = o.segmenter
        return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Outcome:
    """One processed input: its output lines, already encoded, and its problems."""

    index: int  # position in the batch's sorted input list
    path: str
    sha256: str
    errors: tuple[Problem, ...]
    payload: bytes

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Summary:
    """What a run did, for the closing line and the exit status."""

    total: int = 0  # inputs found
    skipped: int = 0  # already done (resume)
    processed: int = 0
    failed: int = 0


def collect_inputs(paths: Iterable[str | Path], skipped: list[tuple[str, str]] | None = None) -> list[str]:
    """Files to process, sorted: folders searched recursively for supported
    extensions (hidden files and folders skipped); files named as given.

    What a folder holds that is not read — a named pipe (opening one waits for a
    writer forever), a device, a socket, a symbolic link to a folder (not
    followed: it may loop or lead out of the tree) — goes to `skipped` as
    (path, why), for the caller to report. Names are kept as the bytes they are
    (surrogate escapes), so two names that differ only in bytes that are not
    UTF-8 stay two inputs.
    """
    found: set[str] = set()
    for path in paths:
        path = os.path.normpath(path)
        if not os.path.isdir(path):
            found.add(path)
            continue
        for root, dirs, files in os.walk(path):
            for d in dirs:
                if not d.startswith(".") and os.path.islink(os.path.join(root, d)) and skipped is not None:
                    skipped.append((os.path.join(root, d), "a symbolic link to a folder; not followed"))
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                if name.startswith(".") or os.path.splitext(name)[1].lower() not in SUPPORTED_EXTENSIONS:
                    continue
                file = os.path.join(root, name)
                special = _special_file(file)
                if special is None:
                    found.add(file)
                elif skipped is not None:
                    skipped.append((file, f"{special}, not a regular file; not read"))
    return sorted(found, key=lambda p: Path(p).parts)


def _special_file(path: str) -> str | None:
    """What a folder entry is if it is not a file to read (None: read it; a broken
    link too, which gets its error record)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


# --- memory: a ceiling per worker -------------------------------------------

_MEMORY_SHARE = 0.8  # of the machine's memory, shared among the workers by default
_MIN_DEFAULT_MEMORY_MB = 1024
_memory_limit_mb: int | None = None  # the ceiling set in this process, for the error message


def default_max_memory_mb(workers: int) -> int:
    """Each worker's share of 80% of this machine's memory (at least 1 GiB): the
    workers together stay below what the kernel's out-of-memory killer acts on."""
    try:
        total_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError, AttributeError):  # not POSIX: no way to tell
        return 0
    return max(_MIN_DEFAULT_MEMORY_MB, int(total_mb * _MEMORY_SHARE) // max(1, workers))


def limit_memory(mb: int | None) -> None:
    """Cap this process's memory at `mb` MiB, so that an allocation past it fails
    with `MemoryError` (one document's error record) instead of the kernel
    killing the process, or the machine swapping.

    On Linux the cap is RLIMIT_DATA (heap and private mappings: what documents
    cost, not the address space that shared libraries and thread stacks
    reserve); elsewhere RLIMIT_AS.
    """
    global _memory_limit_mb
    if not mb:
        return
    import resource

    which = resource.RLIMIT_DATA if sys.platform.startswith("linux") else resource.RLIMIT_AS
    _, hard = resource.getrlimit(which)
    limit = mb * 2**20 if hard == resource.RLIM_INFINITY else min(mb * 2**20, hard)
    resource.setrlimit(which, (limit, hard))
    _memory_limit_mb = mb


class OutOfMemory(LimitExceeded):
    """One document needed more memory than the worker's ceiling (`--max-memory`)."""

    code = "too_large"

    def __init__(self, **kwargs):
        limit = f" of {_memory_limit_mb:,} MiB" if _memory_limit_mb else ""
        super().__init__(f"needs more memory than the worker's limit{limit} (--max-memory)", **kwargs)


# --- one document ----------------------------------------------------------

_pipelines: dict[Options, Pipeline] = {}


_WARM_UP = Source(path="<warm-up>", sha256="", format="txt", pages=[
    "Referat\nØkonomiudvalget\nMødedato: 3. maj 2021\n\n"
    "Punkt 1: Godkendelse af dagsorden\nBeslutning\nGodkendt.\n\n"
    "Punkt 2: Tilskud til foreninger\nSagsfremstilling\nDer er afsat 2,5 mio. kr. efter "
    "lov om social service § 18.\nIndstilling\nForvaltningen indstiller, at orienteringen "
    "tages til efterretning.\nBeslutning\nTaget til efterretning.\n"])
"""A tiny document run once per pipeline, so that every lazily loaded model and
table is in memory before the first real document's clock starts."""


def loaded_pipeline(options: Options) -> Pipeline:
    """This process's pipeline for `options`, loaded and warmed up once."""
    pipeline = _pipelines.get(options)
    if pipeline is None:
        pipeline = Pipeline(options)
        problems = pipeline.process_source(_WARM_UP).errors
        if problems:
            raise BatchError(f"the pipeline fails on a test document: {problems[0].message} "
                             f"({problems[0].code}, {problems[0].stage})")
        _pipelines[options] = pipeline
    return pipeline


def process_one(index: int, path: str, options: Options, unit: str) -> Outcome:
    """Process one file to its output lines; never raises for the document's sake."""
    pipeline = loaded_pipeline(options)
    extension = os.path.splitext(path)[1].lower()
    if extension not in SUPPORTED_EXTENSIONS:  # named explicitly: reported, not guessed at
        err = UnsupportedFormat(f"unsupported file type {extension or '(no extension)'}; referat reads "
                                + " ".join(sorted(SUPPORTED_EXTENSIONS)))
        return _outcome(index, path, failed(path, err, stage="ingest"), unit)
    out_of_memory = False
    try:
        with time_limit(options.timeout_s):
            doc = pipeline.process(path)
            return _outcome(index, path, doc, unit)
    except DocumentTimeout as err:
        doc = failed(path, err, stage="pipeline")
    except MemoryError:  # its record is made below, once the traceback has let go of the frames
        out_of_memory = True
    except Exception as err:  # a bug must cost one document, not the batch
        log.debug("%s: unexpected error", path, exc_info=True)
        doc = failed(path, ReferatError(f"unexpected error: {type(err).__name__}: {err}",
                                        code="internal"), stage="pipeline")
    if out_of_memory:
        gc.collect()
        doc = failed(path, OutOfMemory(), stage="pipeline")
    return _outcome(index, path, doc, unit)


def _outcome(index: int, path: str, doc: Document, unit: str) -> Outcome:
    doc.source = printable_path(path)  # as the batch found it
    doc.source_path = exact_path(path) if exact_path(path) != doc.source else None
    return Outcome(index, path, doc.sha256, tuple(doc.errors), encode(doc, unit))


def _failed_outcome(index: int, path: str, code: str, message: str, unit: str) -> Outcome:
    """The record for a document whose worker had to be stopped or died."""
    return _outcome(index, path, failed(path, ReferatError(message, code=code), stage="pipeline"), unit)


@contextmanager
def time_limit(seconds: float | None):
    """Raise `DocumentTimeout` in this thread once the block has run `seconds`.

    The main thread uses a timer signal; other threads (Dask runs tasks in a
    thread pool) get the exception injected. Either way it lands between two
    Python bytecodes; code stuck inside C is stopped by the local engine's
    watchdog, which kills the worker.
    """
    if not seconds:
        yield
    elif threading.current_thread() is threading.main_thread():
        def _alarm(signum, frame):
            raise DocumentTimeout()

        def _stretch(more: float) -> None:  # work that needs longer asks (limits.allow)
            remaining, _ = signal.getitimer(signal.ITIMER_REAL)
            if remaining > 0:
                signal.setitimer(signal.ITIMER_REAL, remaining + more)

        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            with limits.stretching(_stretch):
                yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    else:
        with _thread_time_limit(seconds):
            yield


@contextmanager
def _thread_time_limit(seconds: float):
    thread_id = ctypes.c_ulong(threading.get_ident())
    lock = threading.Lock()
    running = True

    def _expire() -> None:
        with lock:
            if running:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(thread_id, ctypes.py_object(DocumentTimeout))

    deadline = time.monotonic() + seconds

    def _expire_or_wait() -> None:
        nonlocal timer
        left = deadline - time.monotonic()
        if left > 0.01:  # stretched meanwhile
            with lock:
                if running:
                    timer = threading.Timer(left, _expire_or_wait)
                    timer.daemon = True
                    timer.start()
            return
        _expire()

    def _stretch(more: float) -> None:
        nonlocal deadline
        deadline += more

    timer = threading.Timer(seconds, _expire_or_wait)
    timer.daemon = True
    timer.start()
    try:
        with limits.stretching(_stretch):
            yield
    finally:
        with lock:
            running = False
            ctypes.pythonapi.PyThreadState_SetAsyncExc(thread_id, None)  # drop one not yet raised
        timer.cancel()


# --- engines: (index, path) tasks in, outcomes out, in completion order ------

Task = tuple[int, str]


def _worker_main(conn, options: Options, unit: str, log_level: int, memory_mb: int | None = None) -> None:
    """A local worker: load the models once, then process what the parent sends."""
    from referat.terminal import log_to_stderr

    log_to_stderr(log_level)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    for threads in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(threads, "1")  # N workers use N cores, not N times all of them
    try:
        limit_memory(memory_mb)
        loaded_pipeline(options)
    except MemoryError:
        conn.send(("fatal", f"the models do not fit in the memory limit of {memory_mb:,} MiB (--max-memory)"))
        return
    except Exception as err:
        conn.send(("fatal", str(err) if isinstance(err, ReferatError) else f"{type(err).__name__}: {err}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except EOFError:  # the parent is gone
            return
        if task is None:
            return
        with limits.stretching(lambda more: conn.send(("stretch", more))):
            outcome = process_one(*task, options, unit)
        try:
            conn.send(("done", outcome))
        except OSError:  # the parent is gone
            return


class _Worker:
    """A worker process, its end of the pipe, and the task it is working on."""

    def __init__(self, ctx, options: Options, unit: str, memory_mb: int | None = None):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, name="referat-worker", daemon=True,
                                   args=(child, options, unit, logging.getLogger().getEffectiveLevel(),
                                         memory_mb))
        with _main_script_hidden():
            self.process.start()
        child.close()
        self.ready = False
        self.task: Task | None = None
        self.deadline = float("inf")

    def assign(self, task: Task, hard_limit: float | None) -> None:
        self.conn.send(task)
        self.task = task
        self.deadline = time.monotonic() + hard_limit if hard_limit else float("inf")

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join(timeout=None if kill else 5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


@contextmanager
def _main_script_hidden():
    """Start a worker without running the parent's main script in it again.

    "spawn" runs the parent's `__main__` (the `referat` command: typer and
    every CLI module) in each new process, so that functions defined there can
    be unpickled; a worker's target and arguments all live in referat, so
    that start-up is skipped.
    """
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = {name: main.__dict__[name] for name in ("__file__", "__spec__") if name in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__spec__ = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)


class WorkerPool:
    """Local worker processes, started at once: each imports referat and loads the
    models while the parent is still finding (and, to resume, hashing) the inputs."""

    def __init__(self, config: BatchConfig):
        self.ctx = multiprocessing.get_context(_START_METHOD)
        self.options, self.unit = config.options, config.unit
        self.memory_mb = config.memory_limit_mb
        self.workers = [self.new_worker() for _ in range(config.workers)]

    def new_worker(self) -> _Worker:
        return _Worker(self.ctx, self.options, self.unit, self.memory_mb)

    def close(self) -> None:
        while self.workers:
            w = self.workers.pop()
            w.stop(kill=w.task is not None)


def _hard_limit(options: Options) -> float | None:
    """Seconds after which a document still running is stopped by killing its worker:
    the soft limit, plus a grace period for code stuck in C to come back."""
    return options.timeout_s + max(_KILL_GRACE_S, options.timeout_s / 2) if options.timeout_s else None


def _local_outcomes(tasks: Iterable[Task], config: BatchConfig,
                    pool: WorkerPool | None = None) -> Iterator[Outcome]:
    """Run tasks on `config.workers` processes, one document in flight each.

    A worker whose document outlives the soft time limit by a grace period
    (stuck in C, where no exception reaches it) is killed and replaced, and the
    document gets a `timeout` record; a worker that dies gets an `internal` one.
    """
    options, unit = config.options, config.unit
    hard_limit = _hard_limit(options)
    if pool is None or not pool.workers:  # none started yet, or a batch run twice
        pool = WorkerPool(config)
    workers = pool.workers
    pending = iter(tasks)
    exhausted = False
    try:
        while True:
            for w in workers:
                if w.ready and w.task is None and not exhausted:
                    task = next(pending, None)
                    if task is None:
                        exhausted = True
                    else:
                        w.assign(task, hard_limit)
            active = [w for w in workers if w.task is not None or not w.ready]
            if exhausted and not any(w.task for w in active):
                return
            timeout = max(0.0, min(w.deadline for w in active) - time.monotonic())
            ready = wait([w.conn for w in active], timeout=min(timeout, 3600))
            for i, w in enumerate(workers):
                outcome = None
                if w.conn in ready:
                    try:
                        kind, value = w.conn.recv()
                    except (EOFError, OSError):
                        kind, value = "died", None
                    if kind == "fatal":
                        raise BatchError(f"a worker could not start: {value}")
                    if kind == "ready":
                        w.ready = True
                    elif kind == "stretch":  # a long scan asked for more time
                        w.deadline += value
                    elif kind == "done":
                        outcome, w.task, w.deadline = value, None, float("inf")
                    else:
                        w.stop(kill=True)
                        code = w.process.exitcode
                        if w.task is None:
                            raise BatchError(f"a worker died while starting (exit code {code})")
                        limit = (f"; it may have hit its memory limit of {pool.memory_mb:,} MiB"
                                 if pool.memory_mb else "")
                        outcome = _failed_outcome(*w.task, "internal",
                                                  f"the worker process died (exit code {code}{limit})", unit)
                        workers[i] = pool.new_worker()
                elif w.task is not None and time.monotonic() > w.deadline:
                    w.stop(kill=True)
                    outcome = _failed_outcome(*w.task, "timeout", DocumentTimeout().message
                                              + " (worker stopped)", unit)
                    workers[i] = pool.new_worker()
                if outcome is not None:
                    yield outcome
    finally:
        pool.close()


def _dask_task(index: int, path: str, options: Options, unit: str, memory_mb: int | None) -> Outcome:
    """`process_one` on a Dask worker, under the limits a local worker has.

    The worker process gets its memory ceiling with its first document. A
    document still running at the hard time limit (stuck in C, where the time
    limit's exception cannot reach it, and where it may hold the GIL) ends its
    worker process: faulthandler's watchdog runs in a C thread of its own and
    needs no GIL. The Dask nanny starts a new worker; the client tries the
    document once more and then reports it (`_dask_outcomes`).
    """
    import faulthandler

    if memory_mb and _memory_limit_mb is None:
        limit_memory(memory_mb)
    hard_limit = _hard_limit(options)
    if not hard_limit:
        return process_one(index, path, options, unit)
    deadline = time.monotonic() + hard_limit

    def _stretch(more: float) -> None:
        nonlocal deadline
        deadline += more
        faulthandler.dump_traceback_later(deadline - time.monotonic(), exit=True, file=_watchdog_sink())

    faulthandler.dump_traceback_later(hard_limit, exit=True, file=_watchdog_sink())
    try:
        with limits.stretching(_stretch):
            return process_one(index, path, options, unit)
    finally:
        faulthandler.cancel_dump_traceback_later()


@functools.lru_cache(maxsize=1)
def _watchdog_sink():
    """Where the watchdog's traceback goes: nowhere (the record says what happened)."""
    return open(os.devnull, "w")  # noqa: SIM115 (open for the life of the process)


def _dask_outcomes(tasks: Iterable[Task], config: BatchConfig) -> Iterator[Outcome]:
    """Run tasks on a Dask cluster, a bounded number in flight, results as they complete.

    Each worker process keeps one loaded pipeline (`loaded_pipeline`); input
    paths must be readable on the workers. The limits are those of the local
    engine (`_dask_task`); a LocalCluster's scheduler gives a task whose
    worker died up at once, and sends each worker one task at a time. Such a
    task is tried again here, `_DASK_RETRIES` times (it may have shared its
    worker with a stuck document), then reported.
    """
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as err:
        raise BatchError("engine 'dask' needs dask and distributed: pip install 'referat-nlp[dask]'") from err

    logging.getLogger("distributed").setLevel(logging.getLogger().getEffectiveLevel())  # follow -v
    cluster = None
    if config.scheduler:
        try:
            client = Client(config.scheduler, timeout=30)
        except (OSError, TimeoutError, ValueError) as err:
            raise BatchError(f"cannot reach the Dask scheduler at {config.scheduler}: {err}") from err
    else:
        import dask

        with dask.config.set({"distributed.scheduler.allowed-failures": 0,
                              "distributed.scheduler.worker-saturation": 1.0}):
            cluster = LocalCluster(n_workers=config.workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
        client = Client(cluster)
    # this machine's memory sizes the default ceiling of its own cluster's workers only
    memory_mb = config.memory_limit_mb if cluster is not None or config.max_memory_mb else None
    try:
        # one document per worker thread: a worker stopped by the watchdog takes no other one with it
        threads = sum(w.get("nthreads", 1) for w in client.scheduler_info().get("workers", {}).values())
        in_flight = max(config.workers if cluster is not None else 1, threads)
        pending = iter(tasks)

        def submit(task: Task):
            index, path = task
            return client.submit(_dask_task, index, path, config.options, config.unit, memory_mb, pure=False)

        futures = {}
        lost: dict[Task, int] = {}  # how often each task's worker died under it
        submitted: dict[Task, float] = {}
        started = time.monotonic()
        hard_limit = _hard_limit(config.options)
        completed = as_completed()
        for task in (t for _, t in zip(range(in_flight), pending)):
            futures[(f := submit(task)).key] = task
            completed.add(f)
        for future in completed:
            task = futures.pop(future.key)
            try:
                outcome = future.result()
            except ReferatError as err:  # a model that does not load on the workers
                raise BatchError(f"a worker could not run the pipeline: {err}") from err
            except Exception as err:  # the worker died (KilledWorker) or the task was lost
                ran = time.monotonic() - submitted.get(task, started)
                lost[task] = lost.get(task, 0) + 1
                if lost[task] <= _DASK_RETRIES:  # perhaps with another document's worker: again
                    futures[(f := submit(task)).key] = task
                    submitted[task] = time.monotonic()
                    completed.add(f)
                    future.release()
                    continue
                if hard_limit and ran >= hard_limit:
                    outcome = _failed_outcome(*task, "timeout", DocumentTimeout().message
                                              + f" (its worker stopped, {lost[task]} times)", config.unit)
                else:
                    message = f"the Dask task failed: {type(err).__name__}: {err}"
                    outcome = _failed_outcome(*task, "internal", message, config.unit)
            future.release()
            yield outcome
            task = next(pending, None)
            if task is not None:
                futures[(f := submit(task)).key] = task
                completed.add(f)
    finally:
        client.close()
        if cluster is not None:
            # a worker that imported spaCy may take more than the nanny's 4 s to exit
            # and is killed then: harmless once the results are in, so not worth a warning
            nanny = logging.getLogger("distributed.nanny")
            level = nanny.level
            nanny.setLevel(logging.ERROR)
            try:
                cluster.close()
            finally:
                nanny.setLevel(level)


# --- sinks: where outcomes go --------------------------------------------------


class _Entry(NamedTuple):
    sha256: str  # of the input
    ok: bool
    offset: int
    length: int
    checksum: str  # sha256 of the output lines: what resume checks them against


class _StreamSink:
    """Lines to a stream (stdout) in input order; no manifest, no resume."""

    def __init__(self, stream):
        self.stream = stream
        self.waiting: dict[int, bytes] = {}
        self.next_index = 0

    def done(self, path: str) -> bool:
        return False

    def write(self, outcome: Outcome) -> None:
        self.waiting[outcome.index] = outcome.payload
        while self.next_index in self.waiting:
            self.stream.write(self.waiting.pop(self.next_index))
            self.next_index += 1
        self.stream.flush()

    def finish(self, inputs: list[str]) -> None:
        self.stream.flush()

    def close(self) -> None:
        pass


class _FileSink:
    """Append-only partial output plus manifest; renamed into place when complete."""

    def __init__(self, output: Path, config: BatchConfig, inputs: list[str]):
        self.output = output
        self.partial = output.with_name(output.name + ".partial")
        self.manifest = output.with_name(output.name + ".manifest.jsonl")
        self.header = {"referat_manifest": MANIFEST_FORMAT, "referat_version": __version__,
                       "config": config.fingerprint(), "unit": config.unit}
        self.entries: dict[str, _Entry] = {}
        self.end = 0  # bytes in the partial file
        self.next_index = 0  # while records arrive in input order, the next expected
        self.in_order = True
        output.parent.mkdir(parents=True, exist_ok=True)
        if not (config.resume and self._recover(inputs)):
            self._start_afresh()
        self._out = open(self.partial, "ab")
        self._log = open(self.manifest, "ab")
        self._synced = time.monotonic()

    def _sync(self) -> None:
        sync(self._out)
        sync(self._log)
        self._synced = time.monotonic()

    def _start_afresh(self) -> None:
        self.entries, self.end, self.next_index, self.in_order = {}, 0, 0, True
        with open(self.partial, "wb") as f:
            sync(f)
        with open(self.manifest, "wb") as f:
            f.write(dumps(self.header).encode())
            sync(f)

    def _recover(self, inputs: list[str]) -> bool:
        """Take over a previous run's records that are complete and still valid."""
        if _manifest_header(self.manifest) != self.header:
            if self.manifest.exists():
                log.info("%s: written by another referat version or configuration; starting afresh",
                         self.manifest)
            return False
        if not self.partial.exists():
            if not self.output.exists():
                return False
            shutil.copyfile(self.output, self.partial)  # a finished run: append to a copy
        size = self.partial.stat().st_size
        tmp = self.manifest.with_name(self.manifest.name + ".tmp")
        with open(self.partial, "rb") as f, open(tmp, "wb") as kept:
            kept.write(dumps(self.header).encode())
            for entry in _manifest_entries(self.manifest):
                e = _manifest_entry(entry)
                if e is not None and e.offset + e.length <= size and _block_intact(f, e):
                    self.entries[entry["path"]] = e
                    self.end = max(self.end, e.offset + e.length)
                    kept.write(dumps(entry).encode())
            sync(kept)
        with open(self.partial, "r+b") as f:  # drop a cut-off tail
            f.truncate(self.end)
            sync(f)
        replace(tmp, self.manifest)
        position = {exact_path(p): i for i, p in enumerate(inputs)}
        offset = 0
        for path, e in sorted(self.entries.items(), key=lambda pe: pe[1].offset):
            self.in_order = self.in_order and position.get(path) == self.next_index and e.offset == offset
            self.next_index, offset = self.next_index + 1, e.offset + e.length
        log.info("%s: resuming with %d earlier records", self.output, len(self.entries))
        return True

    def done(self, path: str) -> bool:
        """Processed before, successfully, from the same content."""
        entry = self.entries.get(exact_path(path))
        if entry is None or not entry.ok:
            return False
        try:
            return sha256_file(path) == entry.sha256
        except OSError:
            return False

    def write(self, outcome: Outcome) -> None:
        """Append the lines, then note them; each reaches the OS at once (a killed
        process loses nothing), the disk within `_SYNC_INTERVAL_S` (what a power
        cut leaves out of order, resume finds by checking each noted range)."""
        offset = self.end
        self._out.write(outcome.payload)
        self._out.flush()
        checksum = hashlib.sha256(outcome.payload).hexdigest()
        entry = {"path": exact_path(outcome.path), "sha256": outcome.sha256,
                 "status": "ok" if outcome.ok else "error",
                 "errors": [p.to_dict() for p in outcome.errors],
                 "offset": offset, "length": len(outcome.payload),
                 "records": outcome.payload.count(b"\n"), "checksum": checksum}
        self._log.write(dumps(entry).encode())
        self._log.flush()
        if time.monotonic() - self._synced > _SYNC_INTERVAL_S:
            self._sync()
        self.entries[exact_path(outcome.path)] = _Entry(outcome.sha256, outcome.ok, offset, len(outcome.payload),
                                                        checksum)
        self.end += len(outcome.payload)
        self.in_order = self.in_order and outcome.index == self.next_index
        self.next_index = outcome.index + 1

    def finish(self, inputs: list[str]) -> None:
        """Put the output in place: the partial file as is, or its records re-ordered."""
        self.close()
        if self.in_order and self.next_index == len(inputs) == len(self.entries):
            replace(self.partial, self.output)
            return
        tmp_out = self.output.with_name(self.output.name + ".tmp")
        moved: dict[tuple[str, int], int] = {}
        with open(self.partial, "rb") as src, open(tmp_out, "wb") as dst:
            for path in map(exact_path, inputs):
                entry = self.entries[path]
                moved[(path, entry.offset)] = dst.tell()
                src.seek(entry.offset)
                _copy(src, dst, entry.length)
            sync(dst)
        tmp_manifest = self.manifest.with_name(self.manifest.name + ".tmp")
        with open(tmp_manifest, "wb") as f:
            f.write(dumps(self.header).encode())
            for entry in _manifest_entries(self.manifest):
                offset = moved.pop((entry["path"], entry["offset"]), None)
                if offset is not None:
                    f.write(dumps(entry | {"offset": offset}).encode())
            sync(f)
        replace(tmp_out, self.output)
        replace(tmp_manifest, self.manifest)
        self.partial.unlink()

    def close(self) -> None:
        if not self._out.closed:
            self._sync()
            self._out.close()
            self._log.close()


def _manifest_lines(path: Path) -> Iterator[dict]:
    """The complete lines of a manifest, parsed (a cut-off last line is left out)."""
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        return
    with f:
        for raw in f:
            if not raw.endswith(b"\n"):
                return
            try:
                yield json.loads(raw)
            except ValueError:
                log.warning("%s: skipping an unreadable line", path)


def _manifest_header(path: Path) -> dict | None:
    header = next(_manifest_lines(path), None)
    return header if header and "referat_manifest" in header else None


def _manifest_entries(path: Path) -> Iterator[dict]:
    lines = _manifest_lines(path)
    next(lines, None)
    return lines


def _manifest_entry(entry: dict) -> _Entry | None:
    """A manifest line as an entry; None for one that cannot be checked (no checksum)."""
    try:
        return _Entry(entry["sha256"], entry["status"] == "ok", int(entry["offset"]), int(entry["length"]),
                      str(entry["checksum"]))
    except (KeyError, TypeError, ValueError):
        return None


def _block_intact(f, entry: _Entry) -> bool:
    """The bytes at the entry's range are the lines that were written there: a block a
    power cut zeroed, or a hand edit, fails the checksum and the document is redone."""
    f.seek(entry.offset)
    digest, left = hashlib.sha256(), entry.length
    while left > 0:
        chunk = f.read(min(left, _COPY_CHUNK))
        if not chunk:
            return False
        digest.update(chunk)
        left -= len(chunk)
    return digest.hexdigest() == entry.checksum


def _copy(src, dst, length: int) -> None:
    while length > 0:
        chunk = src.read(min(length, _COPY_CHUNK))
        if not chunk:
            raise BatchError(f"{src.name}: shorter than its manifest says")
        dst.write(chunk)
        length -= len(chunk)


# --- the batch -----------------------------------------------------------------


class Batch:
    """Inputs found, earlier work taken over (resume); `run()` does the rest.

    `output` is a path, or "-" for stdout (then no manifest and no resume).
    Local workers are started with "spawn": a script that runs a batch needs
    the `if __name__ == "__main__":` guard.
    """

    def __init__(self, paths: Iterable[str | Path], output: str | Path, config: BatchConfig | None = None):
        self.config = config or BatchConfig()
        # Local workers start first: they load the models while the inputs are found.
        self._pool = WorkerPool(self.config) if self.config.engine == "local" else None
        try:
            self.not_read: list[tuple[str, str]] = []  # (path, why) of what a folder holds but is not read
            self.inputs = collect_inputs(paths, self.not_read)
            if not self.inputs:
                raise BatchError("no input files found (folders are searched for "
                                 + " ".join(sorted(SUPPORTED_EXTENSIONS)) + ")")
            if str(output) == "-":
                if self.config.resume:
                    raise BatchError("resume needs an output file, not stdout")
                self.sink: _StreamSink | _FileSink = _StreamSink(sys.stdout.buffer)
            else:
                self.sink = _FileSink(Path(output), self.config, self.inputs)
            self.todo: list[Task] = [(i, p) for i, p in enumerate(self.inputs) if not self.sink.done(p)]
        except BaseException:
            self.close()
            raise
        self._run_config = self._sized(self.config) if self.todo else self.config
        if self._pool is not None and self._run_config is not self.config:
            # fewer documents than workers: fewer processes, with more OCR threads each
            self._pool.close()
            self._pool = WorkerPool(self._run_config)

    @property
    def skipped(self) -> int:
        return len(self.inputs) - len(self.todo)

    def close(self) -> None:
        """Stop the workers (`run` does it when it ends; a batch never run needs it)."""
        if self._pool is not None:
            self._pool.close()

    def _sized(self, config: BatchConfig) -> BatchConfig:
        """Fewer documents than local workers: fewer processes, each OCRing pages on more threads,
        so that `workers` cores read a single long scan too."""
        if config.engine != "local" or len(self.todo) >= config.workers:
            return config
        processes = len(self.todo)
        options = replace_fields(config.options, ocr_threads=max(1, config.workers // processes))
        return replace_fields(config, workers=processes, options=options)

    def run(self, on_outcome: Callable[[Outcome], None] | None = None) -> Summary:
        """Process what is to do; the output is in place when this returns.

        If it raises (or the process is killed), the partial output and the
        manifest stay for a later `resume`.
        """
        summary = Summary(total=len(self.inputs), skipped=self.skipped)
        try:
            if self.todo:
                if self.config.engine == "dask":
                    outcomes = _dask_outcomes(self.todo, self.config)
                else:
                    outcomes = _local_outcomes(self.todo, self._run_config, self._pool)
                for outcome in outcomes:
                    self.sink.write(outcome)
                    summary.processed += 1
                    summary.failed += not outcome.ok
                    if on_outcome is not None:
                        on_outcome(outcome)
            self.sink.finish(self.inputs)
        finally:
            self.close()
            self.sink.close()
        return summary


def run(paths: Iterable[str | Path], output: str | Path, config: BatchConfig | None = None,
        on_outcome: Callable[[Outcome], None] | None = None) -> Summary:
    """Process every file under `paths` into `output` (JSONL); see `Batch`."""
    return Batch(paths, output, config).run(on_outcome)


__all__ = ["Batch", "BatchConfig", "BatchError", "DocumentTimeout", "ENGINES", "Outcome",
           "SUPPORTED_EXTENSIONS", "Summary", "collect_inputs", "loaded_pipeline", "process_one",
           "run", "time_limit"]
