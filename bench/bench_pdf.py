"""PDF pages per second of ingest (`referat.read`) on one core, text-layer PDFs.

Reads the real PDF minutes in ../shared/corpora/minutes (when present) and
synthetic minutes PDFs written with fpdf2 (a few sizes), each for at least
`--seconds`. Issue 6 asks for at least 30 pages/s per core.

    .venv/bin/python bench/bench_pdf.py [--seconds 5] [FILE.pdf ...]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from synthetic import write_minutes_pdf

from referat import read
from referat.resources import shared_dir


def _pages_per_second(path: Path, seconds: float) -> tuple[int, float]:
    pages = len(read(path).pages)
    rounds, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds or not rounds:
        read(path)
        rounds += 1
    return pages, pages * rounds / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", help="PDFs to read (default: shared and synthetic ones)")
    parser.add_argument("--seconds", type=float, default=5.0, help="time per file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        files = [Path(p) for p in args.files]
        if not files:
            shared = shared_dir()
            files += sorted((shared / "corpora" / "minutes").glob("*.pdf")) if shared else []
            files += [write_minutes_pdf(Path(tmp) / f"synthetic-{items}.pdf", seed=items, items=items)
                      for items in (10, 40, 160)]
        total_pages = total_time = 0.0
        for path in files:
            pages, rate = _pages_per_second(path, args.seconds)
            total_pages += pages
            total_time += pages / rate
            print(f"{path.name:45} {pages:4d} pages {rate:8.1f} pages/s")
    print(f"all: {total_pages / total_time:.1f} pages/s on one core (target >= 30)")


if __name__ == "__main__":
    main()
