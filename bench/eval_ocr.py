"""Scans against text layers: the same minutes read from their text layer and from a scan of it.

For each text PDF (default: the shared Ballerup minutes and the sample
corpus's PDF), makes an image-only version in a temporary folder (200 dpi,
slight skew, blur and speckle: corpora/tools/make_scan.py), runs referat on
both and prints the scorer's figures (../shared/tools/score.py) for each
against the gold of that file. Nothing made here is kept.

    .venv/bin/python bench/eval_ocr.py [FILE.pdf ...] [--dpi 200] [--skew 0.7] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "corpora" / "tools"))

from make_scan import scan_pages, write_pdf  # noqa: E402

from referat.batch import BatchConfig, run  # noqa: E402
from referat.pipeline import Options  # noqa: E402
from referat.resources import shared_dir  # noqa: E402

GOLDS = [REPO / "corpora" / "gold" / "sample.jsonl"]


def _gold_of(name: str, golds: list[Path]) -> list[str]:
    lines = []
    for gold in golds:
        if gold.exists():
            for line in gold.read_text(encoding="utf-8").splitlines():
                if line.strip() and Path(json.loads(line).get("doc") or json.loads(line).get("source", "")).name == name:
                    lines.append(line)
    return lines


def _score(pred: Path, gold: Path, scorer: Path) -> str:
    return subprocess.run([sys.executable, str(scorer), str(pred), str(gold)], capture_output=True,
                          text=True, check=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--skew", type=float, default=0.7)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    shared = shared_dir()
    if shared is None:
        sys.exit("eval_ocr: needs ../shared (the scorer and the gold)")
    scorer = shared / "tools" / "score.py"
    golds = GOLDS + [shared / "corpora" / "gold" / "dev.jsonl"]
    files = args.files or [*sorted((shared / "corpora" / "minutes").glob("ballerup-*.pdf")),
                           *sorted((REPO / "corpora" / "minutes").glob("*.pdf"))]
    config = BatchConfig(options=Options(), workers=args.workers)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for pdf in files:
            gold_lines = _gold_of(pdf.name, golds)
            if not gold_lines:
                print(f"{pdf.name}: no gold, skipped")
                continue
            (tmp / "text").mkdir(exist_ok=True)
            (tmp / "scan").mkdir(exist_ok=True)
            gold = tmp / f"{pdf.stem}.gold.jsonl"
            gold.write_text("\n".join(gold_lines) + "\n", encoding="utf-8")
            scan = write_pdf(scan_pages(pdf, dpi=args.dpi, skew=args.skew), tmp / "scan" / pdf.name, args.dpi)
            for kind, path in (("text layer", pdf), ("scan", scan)):
                out = tmp / f"{pdf.stem}.{kind.replace(' ', '-')}.jsonl"
                started = time.perf_counter()
                run([path], out, config)
                seconds = time.perf_counter() - started
                record = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
                ocr_pages = [p for p in record["pages"] if p.get("ocr")]
                print(f"== {pdf.name}, {kind}: {len(record['pages'])} pages, {len(ocr_pages)} OCR'd, "
                      f"{seconds:.1f} s, warnings: {[w['code'] for w in record['warnings']]}")
                print(_score(out, gold, scorer), end="")


if __name__ == "__main__":
    main()
