"""One run on one real text: referat's pipeline against spaCy's bare tokenizer, start-up, stages, workers.

Every figure is CPU time (`time.process_time`, `getrusage`), the best (least)
of several runs: other processes on a shared machine stretch wall time, not
the work done here. On the same documents (the shared minutes and the first
`--greve` Greve meetings), it prints:

1. `referat process` on one small text file: CPU and peak memory of the
   command and its worker (as /usr/bin/time counts them);
2. spaCy's bare Danish tokenizer (`spacy.blank("da").tokenizer`) on the
   documents' text: tokens per CPU second; every rate below is in the same
   tokens (the tokenizer's count), so the ratios travel between machines;
3. the default pipeline (`Pipeline()`: ingest to classify, and the record
   serialised), with start-up excluded (warm, models loaded) and included
   (a fresh interpreter that imports referat, loads the models and processes
   the documents once), for `--ner rules` and the default `--ner` where that
   differs, and the CPU share of each stage;
4. `referat.batch` with 1 and 2 workers on 200 and 2,000 documents (the
   documents above, copied): the speed-up, CPU per worker (start-up included)
   and peak memory per worker (`bench_batch.py --measure`).

Targets (issue 18): 1. under 1.5 s CPU and 250 MB; 3. start-up included
>= 120 % of the tokenizer with `--ner rules`, classification under a
quarter; 4. 1 -> 2 workers >= 1.6x on 200 documents.

    .venv/bin/python bench/bench_annotate.py                  # --greve 40 --batch 200 2000
    .venv/bin/python bench/bench_annotate.py --batch          # skip the worker runs
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from referat.resources import shared_dir

HERE = Path(__file__).resolve().parent
SMALL_FILE = HERE.parent / "corpora" / "minutes" / "egelund-plan-og-boligudvalget-2018-10-02.txt"
_MB = 1024 * 1024


def best_of(fn, repeat: int) -> float:
    """The least CPU time (this process) of `repeat` calls, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def child_cpu(cmd: list[str], repeat: int) -> tuple[float, float, float]:
    """(least, median) CPU seconds of a command (with the processes it waited for, its workers),
    and the peak RSS in MiB of the largest of them (`wait4`'s rusage, as /usr/bin/time reports)."""
    times, peak = [], 0.0
    for _ in range(repeat):
        process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            sys.exit(f"bench_annotate: {cmd[:3]} failed: {process.stderr.read().decode()[-2000:]}")
        process.stderr.close()
        times.append(usage.ru_utime + usage.ru_stime)
        peak = max(peak, usage.ru_maxrss / 1024)
    return min(times), sorted(times)[len(times) // 2], peak


def documents(greve: int | None) -> list[Path]:
    """The shared minutes and the first `greve` Greve meetings (None: all of them)."""
    shared = shared_dir()
    if shared is None:
        sys.exit("bench_annotate: ../shared is not beside the checkout (or set REFERAT_SHARED)")
    paths = sorted((shared / "corpora" / "minutes").iterdir())
    return paths + sorted((shared / "corpora" / "greve").glob("*.json"))[:greve]


_FRESH_TOKENIZER = """
import sys
from pathlib import Path
import spacy
tokenizer = spacy.blank("da").tokenizer
for path in sys.argv[1:]:
    tokenizer(Path(path).read_text(encoding="utf-8"))
"""

_FRESH = """
import sys
from referat.pipeline import Options, Pipeline
pipeline = Pipeline(Options(ner=sys.argv[1]))
for path in sys.argv[2:]:
    doc = pipeline.process(path)
    assert doc.ok, (path, doc.errors)
"""


def afresh(pipeline, paths: list[Path]) -> list:
    """The pipeline over `paths`, its NER backend reading every piece as new: a run
    repeated for its best time would otherwise find the model's answers remembered."""
    backend = pipeline.annotator.backend if pipeline.annotator is not None else None
    if backend is not None:
        backend.forget()
    return [pipeline.process(p) for p in paths]


def stage_times(paths: list[Path], ner: str, repeat: int) -> dict[str, float]:
    """CPU seconds per stage over all documents: the pipeline run to each stage in turn
    (`Options(annotate=..., classify=...)`), each stage the difference to the one before."""
    from referat.export.jsonl import encode
    from referat.ingest import read
    from referat.pipeline import Options, Pipeline

    upto = {"segment": Options(ner=ner, annotate=False, classify=False),
            "annotate": Options(ner=ner, classify=False), "classify": Options(ner=ner)}
    pipelines = {stage: Pipeline(options) for stage, options in upto.items()}
    docs = [pipelines["classify"].process(p) for p in paths]  # loads every model
    for stage in ("segment", "annotate"):
        [pipelines[stage].process(p) for p in paths]
    cumulative = {"ingest": best_of(lambda: [read(p) for p in paths], repeat)}
    for stage, pipeline in pipelines.items():
        cumulative[stage] = best_of(lambda pipeline=pipeline: afresh(pipeline, paths), repeat)
    spent, before = {}, 0.0
    for stage, total in cumulative.items():
        spent["normalise+segment" if stage == "segment" else stage] = max(total - before, 0.0)
        before = total
    spent["serialise"] = best_of(lambda: [encode(d) for d in docs], repeat)
    return spent


def pipeline_figures(paths: list[Path], tokens: int, tokenizer_s: tuple[float, float], ner: str,
                     repeat: int) -> None:
    from referat.export.jsonl import encode
    from referat.pipeline import Options, Pipeline

    pipeline = Pipeline(Options(ner=ner))
    for path in paths:  # load the models, compile the patterns
        pipeline.process(path)
    warm = best_of(lambda: [encode(doc) for doc in afresh(pipeline, paths)], repeat)
    cold, cold_median, _ = child_cpu([sys.executable, "-c", _FRESH, ner, *map(str, paths)],
                                     max(3, repeat // 2))
    print(f"default pipeline, --ner {ner}:")
    print(f"  start-up excluded  {warm:8.3f} s  {tokens / warm:10,.0f} tokens/s  "
          f"= {tokenizer_s[0] / warm:6.0%} of the tokenizer's, start-up excluded")
    print(f"  start-up included  {cold:8.3f} s  {tokens / cold:10,.0f} tokens/s  "
          f"= {tokenizer_s[1] / cold:6.0%} of the tokenizer's, start-up included; "
          f"{tokenizer_s[0] / cold:.0%} of its, start-up excluded "
          f"(target >= {'120% with --ner rules' if ner == 'rules' else '20% with the NER model'}; "
          f"median run {cold_median:.3f} s)")
    stages = stage_times(paths, ner, repeat)
    total = sum(stages.values())
    print("  CPU by stage:  " + "  ".join(f"{k} {v / total:.0%}" for k, v in stages.items())
          + f"   (classify target < 25%; {total:.3f} s in all)")


def small_file(repeat: int) -> None:
    import compileall

    import referat
    from referat.pipeline import Options

    # as installed: pip compiles the bytecode (PYTHONDONTWRITEBYTECODE would leave a checkout without it)
    compileall.compile_dir(Path(referat.__file__).parent, quiet=1)

    targets = "< 2 s, < 400 MB with the NER model on" if Options().ner == "model" else "< 1.5 s, < 250 MB"
    with tempfile.TemporaryDirectory() as tmp:
        command = Path(sys.executable).with_name("referat")
        best, median, peak = child_cpu([str(command), "process", str(SMALL_FILE), "-o",
                                        str(Path(tmp) / "out.jsonl"), "--force"], repeat)
    print(f"referat process on one small text file ({SMALL_FILE.name}, {SMALL_FILE.stat().st_size:,} "
          f"bytes): CPU {best:.2f} s least, {median:.2f} s median of {repeat}; peak RSS of the largest "
          f"process {peak:.0f} MiB (targets {targets})")


def workers(paths: list[Path], sizes: list[int]) -> None:
    print(f"referat.batch, default pipeline, the shared minutes and all Greve meetings ({len(paths)} "
          f"documents) cycled to each size ({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}):")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "corpus"
            for n in range(size):
                source = paths[n % len(paths)]
                target = corpus / f"{n // 100:03d}" / f"{n:05d}-{source.name}"
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
            runs = {}
            for count in (1, 2):
                result = subprocess.run([sys.executable, str(HERE / "bench_batch.py"), "--measure", tmp,
                                         str(count)], capture_output=True, text=True, check=True)
                runs[count] = json.loads(result.stdout.splitlines()[-1])
        for count, r in runs.items():
            cpu = r["cpu_s"]
            print(f"  {size:5d} docs, {count} worker(s): CPU per worker {', '.join(f'{c:.1f}' for c in cpu['per_worker'])} s "
                  f"(start-up included), parent {cpu['parent']:.1f} s; peak RSS per worker "
                  f"{r['peak_mb']['worker']:.0f} MiB, parent {r['peak_mb']['parent']:.0f} MiB; wall {r['seconds']:.1f} s")
        one, two = runs[1], runs[2]
        by_cpu = max(max(one["cpu_s"]["per_worker"]), one["cpu_s"]["parent"]) / \
            max(max(two["cpu_s"]["per_worker"]), two["cpu_s"]["parent"])
        print(f"  {size:5d} docs: speed-up 1 -> 2 workers {by_cpu:.2f}x by CPU (the busiest process's CPU: "
              f"what free cores would give), {one['seconds'] / two['seconds']:.2f}x by wall time "
              f"(target >= 1.6x on 200)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--greve", type=int, default=40, help="Greve meetings besides the shared minutes")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--batch", type=int, nargs="*", default=[200, 2000],
                        help="documents for the worker runs (none: skip them)")
    args = parser.parse_args()
    small_file(args.repeat)  # first: a child forked from a large process counts its pages as its own

    import spacy

    from referat.pipeline import Options, Pipeline

    paths = documents(args.greve)
    texts = [Pipeline(Options(annotate=False, classify=False)).process(p).text for p in paths]
    tokenizer = spacy.blank("da").tokenizer
    tokens = sum(len(tokenizer(t)) for t in texts)
    warm = best_of(lambda: [tokenizer(t) for t in texts], args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        files = [Path(tmp) / f"{i}.txt" for i in range(len(texts))]
        for file, text in zip(files, texts):
            file.write_text(text, encoding="utf-8")
        cold = child_cpu([sys.executable, "-c", _FRESH_TOKENIZER, *map(str, files)], max(3, args.repeat // 2))[0]
    print(f"text: {len(paths)} documents (the shared minutes and {args.greve} Greve meetings), "
          f"{sum(map(len, texts)):,} characters, {tokens:,} tokens")
    print("bare tokenizer, spacy.blank('da').tokenizer:")
    print(f"  start-up excluded  {warm:8.3f} s  {tokens / warm:10,.0f} tokens/s")
    print(f"  start-up included  {cold:8.3f} s  {tokens / cold:10,.0f} tokens/s  (a fresh interpreter: "
          "import spaCy, build the tokenizer, read and tokenize the text)")
    for ner in dict.fromkeys(("rules", Options().ner)):
        pipeline_figures(paths, tokens, (warm, cold), ner, args.repeat)
    if args.batch:  # every document distinct up to 291: copies would find the NER model's answers remembered
        workers(documents(None), args.batch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
