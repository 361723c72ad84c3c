"""OCR speed: pages per second, and referat's OCR time against the bare `tesseract` program.

Makes scanned page images (corpora/tools/make_scan.py: 200 dpi, slight skew,
blur, speckle) from text PDFs (the sample corpus's, and the shared Ballerup
minutes where ../shared is present), then reads the same images

- with the bare `tesseract` program, one process per page (`--psm 4`, as
  referat reads), `--workers` processes at a time; and
- with referat (`referat.read` of the pages as one multi-page TIFF, OCR on
  `--workers` threads), which adds decoding, despeckling, junk-line removal
  and the orientation check,

in the same run, and prints pages/s for each and the ratio of the two times
(tesseract / referat: 1.0 is as fast as the bare program, the aim is ≥ 0.9).
Word accuracy against each PDF's text layer is printed beside them. Where
`ocrmypdf` is on PATH (or named with --ocrmypdf), it reads the same pages as
an image-only PDF for comparison (docs/decisions.md, OCR).

    .venv/bin/python bench/bench_ocr.py [FILE.pdf ...] [--workers 2] [--pages 6] [--ocrmypdf PATH]
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one core per page, for referat and tesseract alike

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "corpora" / "tools"))

import pypdfium2 as pdfium  # noqa: E402
from make_scan import scan_pages, write_pdf, write_tiff  # noqa: E402

from referat.ingest import OcrSettings, read  # noqa: E402
from referat.ingest.ocr import engine, find_tessdata  # noqa: E402
from referat.resources import shared_dir  # noqa: E402

_WORDS = re.compile(r"\S+")


def word_accuracy(reference: str, text: str) -> float:
    """Share of the reference's words that OCR gave back, in order."""
    ref, got = _WORDS.findall(reference), _WORDS.findall(text)
    matcher = difflib.SequenceMatcher(None, ref, got, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(1, len(ref))


def _mean_accuracy(references: list[str], texts: list[str]) -> float:
    return sum(map(word_accuracy, references, texts)) / len(references)


def _bare_tesseract(images: list[Path], workers: int, tessdata: Path) -> tuple[float, list[str]]:
    def one(image: Path) -> str:
        out = subprocess.run(["tesseract", str(image), "stdout", "-l", "dan", "--psm", "4",
                              "--tessdata-dir", str(tessdata)], capture_output=True, text=True, check=True)
        return out.stdout

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        texts = list(pool.map(one, images))
    return time.perf_counter() - started, texts


def _referat(tiff: Path, workers: int) -> tuple[float, list[str]]:
    started = time.perf_counter()
    source = read(tiff, ocr=OcrSettings("auto", workers))
    return time.perf_counter() - started, source.pages


def _ocrmypdf(program: str, pdf: Path, out: Path, workers: int) -> tuple[float, list[str]]:
    sidecar = out.with_suffix(".txt")
    started = time.perf_counter()
    subprocess.run([program, "--force-ocr", "-l", "dan", "--jobs", str(workers), "--sidecar", str(sidecar),
                    "--output-type", "pdf", "--optimize", "0", "--rasterizer", "pypdfium", str(pdf), str(out)],
                   check=True,
                   capture_output=True)
    return time.perf_counter() - started, sidecar.read_text(encoding="utf-8").split("\f")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="text PDFs to scan (default: sample and Ballerup)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pages", type=int, default=6, help="pages to read, at most")
    parser.add_argument("--ocrmypdf", default=shutil.which("ocrmypdf"), help="ocrmypdf to compare with")
    args = parser.parse_args()
    tessdata = find_tessdata("dan")
    if shutil.which("tesseract") is None or tessdata is None:
        sys.exit("bench_ocr: needs the tesseract program and its Danish model "
                 "(apt-get install tesseract-ocr tesseract-ocr-dan)")
    files = args.files or [REPO / "corpora" / "minutes" / "vesterhede-teknik-og-miljoeudvalget-2020-06-08.pdf"]
    if not args.files and shared_dir() is not None:
        files += sorted((shared_dir() / "corpora" / "minutes").glob("ballerup-*.pdf"))
    references, images = [], []
    for pdf in files:
        document = pdfium.PdfDocument(str(pdf))
        wanted = list(range(min(len(document), args.pages - len(images))))
        references += [document[i].get_textpage().get_text_range() for i in wanted]
        document.close()
        images += scan_pages(pdf, dpi=200, skew=0.7, pages=wanted)
        if len(images) >= args.pages:
            break
    engine()  # load the model before the clock starts, as a batch worker does
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        pngs = []
        for i, image in enumerate(images):
            pngs.append(tmp / f"page-{i + 1:03d}.png")
            image.save(pngs[-1], dpi=(200, 200))
        tiff = write_tiff(images, tmp / "scan.tif", 200)
        print(f"{len(images)} scanned pages (200 dpi) from {', '.join(p.name for p in files)}; "
              f"{args.workers} workers; tesseract {engine().version} (referat, tesserocr)")
        bare_s, bare_texts = _bare_tesseract(pngs, args.workers, tessdata)
        referat_s, referat_texts = _referat(tiff, args.workers)
        rows = [("tesseract (program)", bare_s, bare_texts), ("referat", referat_s, referat_texts)]
        if args.ocrmypdf:
            pdf = write_pdf(images, tmp / "scan.pdf", 200)
            rows.append(("ocrmypdf", *_ocrmypdf(args.ocrmypdf, pdf, tmp / "ocr.pdf", args.workers)))
        for name, seconds, texts in rows:
            print(f"{name:20s} {seconds:7.2f} s  {len(images) / seconds:6.2f} pages/s  "
                  f"word accuracy {_mean_accuracy(references, texts[:len(references)]):.3f}")
        print(f"ratio tesseract/referat time: {bare_s / referat_s:.2f} (aim >= 0.9)")


if __name__ == "__main__":
    main()
