"""Export of the 288 Greve meetings: time and peak memory per format.

The meetings are processed once into a temporary JSONL (or `--records` names
one already made); then each format is exported from it in a fresh Python
process, so one format's memory never hides in another's peak. Peak memory is
the process's resident set size high-water mark (`getrusage` ru_maxrss), split
into its peaks of anonymous memory (what the process holds: the figure to hold
against the 500 MB target) and file-backed pages (shared libraries,
memory-mapped Arrow files), next to what loading the libraries alone took
("libraries MB": spaCy, datasets) before the first record is read;
time is wall and CPU seconds (on a shared machine the CPU time is the steadier
figure).

    .venv/bin/python bench/bench_export.py [--records greve.jsonl] [--formats hf parquet ...]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FORMATS = ("spacy", "hf", "parquet", "prodigy", "doccano", "labelstudio")
_MB = 1024 * 1024


class Peaks:
    """The highest anonymous and file-backed resident memory seen, sampled every 50 ms.

    Anonymous memory is what the export itself holds; file-backed pages are
    shared libraries and memory-mapped Arrow files, which the kernel can drop
    at will. `getrusage`'s high-water mark counts both."""

    def __init__(self):
        self.anon = self.file = 0
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            with open("/proc/self/status", encoding="ascii") as f:
                for line in f:
                    if line.startswith("RssAnon:"):
                        self.anon = max(self.anon, int(line.split()[1]))
                    elif line.startswith("RssFile:"):
                        self.file = max(self.file, int(line.split()[1]))
            time.sleep(0.05)


def one(fmt: str, records: str, out: str) -> dict:
    """Export in this process; the figures as a dict.

    The libraries the format needs are loaded first and their memory reported
    apart (`baseline`): spaCy's `blank("da")` alone can weigh hundreds of MB
    where entry points of installed plugins pull in torch.
    """
    from referat.export import export
    from referat.export.tokens import blank_danish

    if fmt in ("spacy", "hf", "prodigy"):  # the formats cut text into spaCy tokens
        blank_danish()
    if fmt == "hf":
        import datasets  # noqa: F401
    baseline_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peaks = Peaks()
    started, cpu = time.perf_counter(), time.process_time()
    summary = export(records, fmt, out, force=True)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size = sum(f.stat().st_size for p in summary.written
               for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file())
    return {"format": fmt, "documents": summary.documents, "units": summary.units, "spans": summary.spans,
            "seconds": round(elapsed, 1), "cpu_seconds": round(cpu, 1), "peak_rss_mb": round(peak_kib / 1024),
            "baseline_mb": round(baseline_kib / 1024), "torch_loaded": "torch" in sys.modules,
            "anon_mb": round(peaks.anon / 1024), "file_mb": round(peaks.file / 1024),
            "output_mb": round(size / _MB, 1), "failed": len(summary.failed)}


def greve_records(folder: Path) -> Path:
    from referat.resources import shared_dir

    shared = shared_dir()
    if shared is None:
        sys.exit("bench_export: ../shared (the Greve meetings) is not beside this checkout; "
                 "pass --records")
    out = folder / "greve.jsonl"
    print(f"processing {shared / 'corpora' / 'greve'} once ...", flush=True)
    started = time.perf_counter()
    referat = Path(sys.executable).parent / "referat"
    subprocess.run([str(referat), "process", str(shared / "corpora" / "greve"), "-o", str(out), "--workers", "2"],
                   check=True)
    print(f"  {time.perf_counter() - started:.0f} s, {out.stat().st_size / _MB:.1f} MB of records", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", help="referat JSONL to export (default: process the Greve meetings)")
    parser.add_argument("--formats", nargs="+", default=list(FORMATS), choices=FORMATS)
    parser.add_argument("--one", nargs=3, metavar=("FORMAT", "RECORDS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(*args.one)))
        return
    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        records = Path(args.records) if args.records else greve_records(work)
        print(f"records: {records} ({records.stat().st_size / _MB:.1f} MB); load average "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print(f"{'format':<12} {'docs':>5} {'units':>6} {'spans':>7} {'wall s':>7} {'cpu s':>6} "
              f"{'peak RSS MB':>11} {'anon MB':>7} {'file MB':>7} {'libraries MB':>12} {'output MB':>9}")
        for fmt in args.formats:
            out = work / f"out-{fmt}"
            run = subprocess.run([sys.executable, __file__, "--one", fmt, str(records), str(out)],
                                 capture_output=True, text=True, env=os.environ | {"REFERAT_PROGRESS_SECONDS": "3600"})
            if run.returncode != 0:
                print(f"{fmt:<12} failed: {run.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(run.stdout.strip().splitlines()[-1])
            torch = " (torch loaded by plugins)" if r["torch_loaded"] else ""
            print(f"{fmt:<12} {r['documents']:>5} {r['units']:>6} {r['spans']:>7} {r['seconds']:>7} "
                  f"{r['cpu_seconds']:>6} {r['peak_rss_mb']:>11} {r['anon_mb']:>7} {r['file_mb']:>7} "
                  f"{r['baseline_mb']:>12} {r['output_mb']:>9}{torch}",
                  flush=True)
            shutil.rmtree(out, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
