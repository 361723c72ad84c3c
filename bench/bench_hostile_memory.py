"""Peak memory of one worker on the hostile inputs that used to blow one up (issue 17).

Builds each input of the hostile battery's memory cases (tests/test_hardening.py)
into a temporary folder and runs `referat process FILE --workers 1` on it in a
fresh process, so that each figure is that file's own. Prints, per file, the
error code (or "ok") and the peak resident set size of the largest process of
the run (the worker: `getrusage(RUSAGE_CHILDREN).ru_maxrss`), next to a good
file's as the baseline (the models and imports).

    .venv/bin/python bench/bench_hostile_memory.py [--max-memory MIB]

`--max-memory` is passed to `referat process` (default: referat's own).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from test_hardening import CORPUS, MINUTES, build  # noqa: E402

CASES = ("docx-main-part-not-xml.docx", "docx-image-inflating-to-1gb.docx", "docx-with-a-4mb-photo.docx",
         "pdf-image-of-1.6-gigapixels.pdf", "symlink-to-dev-zero.txt", "symlink-to-dev-urandom.pdf",
         "docx-bomb.docx")


def _peak(path: Path, out: Path, max_memory: int | None) -> tuple[str, float]:
    """The outcome and the peak RSS (MiB) of `referat process path` in a fresh process tree."""
    limit = ["--max-memory", str(max_memory)] if max_memory is not None else []
    script = ("import resource, subprocess, sys\n"
              "subprocess.run(sys.argv[1:], capture_output=True, timeout=600)\n"
              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    cli = str(Path(sys.executable).with_name("referat"))
    proc = subprocess.run([sys.executable, "-c", script, cli, "process", str(path), "-o", str(out),
                           "--workers", "1", *limit], capture_output=True, text=True, check=True)
    if not out.exists():
        return "no record", int(proc.stdout.split()[-1]) / 1024
    record = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    codes = [e["code"] for e in record.get("errors", [])]
    return (",".join(codes) or "ok"), int(proc.stdout.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-memory", type=int, default=None, metavar="MIB")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        inputs = build(folder / "in", tuple(b for b in CORPUS if b.name in CASES))
        good = folder / "in" / "good.txt"
        good.write_text(MINUTES, encoding="utf-8")
        print(f"{'input':40} {'outcome':>16} {'peak RSS MiB':>13}")
        for name, path in [("good.txt (baseline)", good), *inputs.items()]:
            outcome, mib = _peak(path, folder / f"{path.stem}.jsonl", args.max_memory)
            print(f"{name:40} {outcome:>16} {mib:13.0f}")


if __name__ == "__main__":
    main()
