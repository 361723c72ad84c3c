"""How fast the review page of a large archive opens in Chromium (target: 300 meetings under 2 s).

Writes the review page for the 288 Greve meetings (or `--records`), opens it
in Debian's chromium (headless, as the browser tests do), and prints: the page
size, the time from navigation to the first page of items on screen (the
page's own `performance.now()` when it is ready, which includes reading the
HTML and parsing the records), and the time a search, a page turn and a
document switch take. Each is the best of `--runs` fresh page loads, on a
desktop and on a phone-sized window.

    .venv/bin/python bench/bench_review.py [--records greve.jsonl] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
_MB = 1024 * 1024


def records_of_greve(folder: Path) -> Path:
    from referat.resources import shared_dir

    shared = shared_dir()
    if shared is None:
        sys.exit("bench_review: ../shared (the Greve meetings) is not beside this checkout; pass --records")
    out = folder / "greve.jsonl"
    referat = Path(sys.executable).parent / "referat"
    subprocess.run([str(referat), "process", str(shared / "corpora" / "greve"), "-o", str(out), "--workers", "2"],
                   check=True)
    return out


def timed(page, action, ready_js: str) -> float:
    started = time.perf_counter()
    action()
    page.wait_for_function(ready_js, timeout=60_000)
    return (time.perf_counter() - started) * 1000


def measure(browser, page_path: Path, width: int, height: int) -> dict:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    started = time.perf_counter()
    page.goto(page_path.as_uri(), timeout=120_000)
    page.wait_for_selector("html[data-ready]", timeout=120_000)
    outside = (time.perf_counter() - started) * 1000
    ready = float(page.get_attribute("html", "data-ready"))
    items = page.locator("article.item").count()
    first = page.locator("article.item h3 .title").first.text_content()
    before = page.locator("#pager-top span").text_content()
    search = timed(page, lambda: page.locator("#search").fill("lokalplan"),
                   f"() => document.querySelector('#pager-top span').textContent !== {before!r}")
    page.locator("#search").fill("")
    page.wait_for_timeout(400)
    page.locator("#list").click(position={"x": 1, "y": 1})
    turn = timed(page, lambda: page.keyboard.press("n"),
                 "() => document.querySelector('#pager-top span').textContent.includes('items 21')")
    switch = timed(page, lambda: page.keyboard.press("v"), "() => document.querySelector('section.doc-head') !== null")
    context.close()
    return {"ready_ms": ready, "goto_to_ready_ms": outside, "items_on_screen": items, "first": first,
            "search_ms": search, "page_turn_ms": turn, "to_document_view_ms": switch, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", help="referat JSONL (default: process the Greve meetings first)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit("bench_review: needs Debian's chromium at /usr/bin/chromium (make browser)")
    from playwright.sync_api import sync_playwright

    from referat.review import write_review

    work = Path(tempfile.mkdtemp(prefix="bench-review-"))
    try:
        records = Path(args.records) if args.records else records_of_greve(work)
        page_path = work / "review.html"
        started = time.perf_counter()
        summary = write_review(records, page_path)
        written = time.perf_counter() - started
        print(f"{summary.documents} documents, {summary.items} items, {summary.entities} entities; page "
              f"{page_path.stat().st_size / _MB:.1f} MB written in {written:.1f} s; load average "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            for name, (width, height) in (("desktop 1280x900", (1280, 900)), ("phone 390x844", (390, 844))):
                runs = [measure(browser, page_path, width, height) for _ in range(args.runs)]
                best = {key: min(r[key] for r in runs) for key in
                        ("ready_ms", "goto_to_ready_ms", "search_ms", "page_turn_ms", "to_document_view_ms")}
                print(f"{name}: open to first items {best['ready_ms']:.0f} ms (page clock; "
                      f"{best['goto_to_ready_ms']:.0f} ms seen from outside), search {best['search_ms']:.0f} ms "
                      f"(with the box's 200 ms pause for typing), page turn "
                      f"{best['page_turn_ms']:.0f} ms, document view {best['to_document_view_ms']:.0f} ms; "
                      f"{runs[0]['items_on_screen']} items on screen, first: {runs[0]['first']!r}; "
                      f"best of {args.runs}; errors: {sum(len(r['errors']) for r in runs)}")
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
