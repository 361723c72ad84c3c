"""Batch throughput at 1 and 2 workers, and peak memory for 100 and 2,000 documents.

Writes synthetic text minutes (bench/synthetic.py) into a temporary folder and
runs `referat.batch` on them with the default pipeline, each run in a fresh
Python process so that one run's memory does not hide in the next one's peak.
Memory is the resident set size (RSS): the parent (reader, writer), the
largest worker, and the whole process tree, sampled every 50 ms with psutil,
plus `getrusage`'s high-water marks.

    .venv/bin/python bench/bench_batch.py [--docs 200] [--memory 100 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from synthetic import write_minutes

_MB = 1024 * 1024


def _measure(folder: str, workers: int) -> dict:
    """One batch run in this process: wall time and peak memory."""
    import psutil

    from referat.batch import Batch, BatchConfig

    me = psutil.Process()
    peak = {"parent": 0, "worker": 0, "tree": 0}
    worker_cpu: dict[int, float] = {}  # pid -> CPU seconds, last seen
    running = True

    def sample() -> None:
        while running:
            rss = []
            for child in me.children(recursive=True):
                try:
                    if "resource_tracker" in " ".join(child.cmdline()):  # multiprocessing's helper
                        continue
                    rss.append(child.memory_info().rss)
                    times = child.cpu_times()
                    worker_cpu[child.pid] = times.user + times.system
                except psutil.Error:
                    continue
            parent = me.memory_info().rss
            peak["parent"] = max(peak["parent"], parent)
            peak["worker"] = max([peak["worker"], *rss])
            peak["tree"] = max(peak["tree"], parent + sum(rss))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out = Path(folder) / f"out-{workers}.jsonl"
    first: list[float] = []
    started, parent_cpu = time.perf_counter(), time.thread_time()  # the sampler thread not counted
    summary = Batch([Path(folder) / "corpus"], out, BatchConfig(workers=workers)).run(
        on_outcome=lambda _: first or first.append(time.perf_counter()))
    elapsed, parent_cpu = time.perf_counter() - started, time.thread_time() - parent_cpu
    running = False
    sampler.join()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"docs": summary.processed, "failed": summary.failed, "seconds": elapsed,
            "steady_docs_s": (summary.processed - 1) / (started + elapsed - first[0]),
            "cpu_s": {"parent": parent_cpu,
                      "workers": children.ru_utime + children.ru_stime,  # worker start-up included
                      "per_worker": sorted(worker_cpu.values(), reverse=True)},  # sampled every 50 ms
            "peak_mb": {k: v / _MB for k, v in peak.items()},
            "maxrss_mb": {"parent": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                          "largest_child": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024},
            "output_mb": out.stat().st_size / _MB}


def _run(docs: int, workers: int) -> dict:
    """`_measure` in a fresh interpreter, on `docs` new synthetic minutes."""
    with tempfile.TemporaryDirectory() as tmp:
        write_minutes(Path(tmp) / "corpus", docs, items=8)
        result = subprocess.run([sys.executable, __file__, "--measure", tmp, str(workers)],
                                capture_output=True, text=True, check=True)
    return json.loads(result.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200, help="documents for the speed-up runs")
    parser.add_argument("--memory", type=int, nargs="*", default=[100, 2000],
                        help="corpus sizes for the memory runs")
    parser.add_argument("--measure", nargs=2, metavar=("FOLDER", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure(args.measure[0], int(args.measure[1]))))
        return

    print(f"speed-up, {args.docs} synthetic minutes of 8 items, default pipeline:")
    wall, steady = {}, {}
    for workers in (1, 2):
        r = _run(args.docs, workers)
        wall[workers], steady[workers] = r["docs"] / r["seconds"], r["steady_docs_s"]
        cpu = {k: 1000 * v / r["docs"] for k, v in r["cpu_s"].items()}
        print(f"  {workers} worker(s): {r['seconds']:6.1f} s, {wall[workers]:6.1f} docs/s, "
              f"{steady[workers]:6.1f} docs/s after the first result; CPU per document: "
              f"workers {cpu['workers']:.1f} ms (start-up included), parent {cpu['parent']:.1f} ms")
    print(f"  speed-up 1 -> 2 workers: {wall[2] / wall[1]:.2f}x wall, {steady[2] / steady[1]:.2f}x after "
          f"start-up (on {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f})")

    print("peak memory (RSS, MiB), 2 workers:")
    for docs in args.memory:
        r = _run(docs, 2)
        p, m = r["peak_mb"], r["maxrss_mb"]
        print(f"  {docs:6d} docs: parent {p['parent']:6.0f}  largest worker {p['worker']:6.0f}  "
              f"tree {p['tree']:6.0f}   (getrusage: parent {m['parent']:.0f}, largest child "
              f"{m['largest_child']:.0f}; output {r['output_mb']:.1f} MiB, {r['seconds']:.0f} s)")


if __name__ == "__main__":
    main()
