"""The archive at scale: index 100,000 documents, then time ten typical questions.

The documents are made from the Greve meetings (../shared/corpora/greve, run
through the pipeline once, or `--records` with that output): each is a
meeting's header and a run of 1 to `--items` of its agenda items (a short
committee meeting; Greve's portal meetings hold 15 items and 64,000
characters, which makes 100,000 of them 6 GB of text), with a new content
hash, source, meeting date (2007-2025) and body (the real ones and councils
printed as `Byråd 2018-2021`, `Kommunalbestyrelsen`, ...). Every decision
section gets a synthetic decision object (outcome, and for one in ten items a
party voting against), so that the outcome and vote filters have rows to
find; the text, items and mentions are Greve's.

Prints: index time and rate, database size, rows per table; for each of ten
queries its median and 95th-percentile latency over `--runs` runs (after one
warm-up) and SQLite's plan; facet latency; the time to skip an unchanged
re-index of `--reindex` records.

    .venv/bin/python bench/bench_archive.py [--docs 100000] [--items 4] [--records greve.jsonl] [--db PATH]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from referat.archive import Archive
from referat.model import Decision, Document
from referat.resources import shared_dir

BODIES = ("Byråd 2018-2021", "Byråd 2022-2025", "Kommunalbestyrelsen", "Byrådet", "Økonomiudvalget",
          "Økonomiudvalget (2014-2017)", "Teknik- og Miljøudvalget", "Børne- og Skoleudvalget",
          "Social- og Sundhedsudvalget", "Kultur- og Fritidsudvalget", "Plan- og Boligudvalget",
          "Beskæftigelsesudvalget")
OUTCOMES = ("godkendt", "godkendt", "godkendt", "anbefalet", "taget_til_efterretning", "drøftet", "udsat",
            "afvist", "oversendt")
PARTIES = ("A", "V", "C", "F", "Ø", "O", "B", "D", "I", "UP")

QUERIES: list[tuple[str, str | None, dict]] = [
    ("word, every inflection", "bevilling", {}),
    ("phrase", '"taget til efterretning"', {"date_from": "2020"}),
    ("word NOT word", "lokalplan -høring", {}),
    ("OR, since 2020", "skole OR dagtilbud", {"date_from": "2020"}),
    ("prefix, the council", "budget*", {"body": "byrådet"}),
    ("decisions citing an act", None, {"type": "beslutning", "act": "planloven"}),
    ("amounts of 10 mio. or more", None, {"min_amount": 10e6}),
    ("word, amount range, dates", "klima", {"min_amount": 1e6, "max_amount": 50e6, "date_from": "2019"}),
    ("a party voting against", None, {"party": "Ø", "voted": "imod"}),
    ("outcome in one committee", None, {"outcome": "afvist", "body": "økonomiudvalget"}),
]


def greve_records(path: str | None) -> list[dict]:
    if path:
        return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    shared = shared_dir()
    if shared is None:
        sys.exit("bench_archive: ../shared is not here; give --records (the Greve meetings as referat records)")
    from referat.batch import Batch, BatchConfig

    out = Path(tempfile.mkdtemp(prefix="bench-archive-")) / "greve.jsonl"
    print(f"processing {shared / 'corpora' / 'greve'} once -> {out}", flush=True)
    Batch([shared / "corpora" / "greve"], out, BatchConfig(workers=2)).run()
    return [json.loads(line) for line in open(out, encoding="utf-8") if line.strip()]


def documents(templates: list[tuple[Document, list]], count: int, seed: int = 0, start: int = 0,
              most_items: int = 0):
    """Documents `start` to `count` made from the templates, each item with a
    `decision` (ANNOTATION.md §6) where the template has a decision section."""
    rng = random.Random(seed)
    for n in range(count):
        template, sections = templates[n % len(templates)]
        doc = copy.copy(template)
        doc.sha256 = hashlib.sha256(f"bench-{n}".encode()).hexdigest()
        doc.source = f"bench/{n:06d}/{Path(template.source).name}"
        doc.meeting = copy.copy(template.meeting)
        doc.meeting.date = f"{rng.randint(2007, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        doc.meeting.body = rng.choice(BODIES) if rng.random() < 0.6 else template.meeting.body
        first, size = 0, len(template.items)
        if most_items:
            size = min(size, rng.randint(1, most_items))
            first = rng.randint(0, len(template.items) - size)
        doc.items = [copy.copy(item) for item in template.items[first:first + size]]
        for item, decision in zip(doc.items, sections[first:first + size]):
            item.decision = None
            if decision is None:
                continue
            begin, end = decision
            votes = []
            if rng.random() < 0.1:
                votes = [{"position": "imod", "parties": [rng.choice(PARTIES)], "persons": [], "count": None,
                          "start": begin, "end": end}]
            item.decision = Decision.from_dict({"text": doc.text[begin:end], "start": begin, "end": end,
                                                "outcome": rng.choice(OUTCOMES), "unanimous": not votes,
                                                "votes": votes, "evidence": []})
        if n >= start:
            yield doc


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--records", help="the Greve meetings as referat records (else processed here)")
    parser.add_argument("--db", help="where to build the archive (default: a temporary file, removed after)")
    parser.add_argument("--items", type=int, default=4, help="items per document: 1 to this many (0: all)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reindex", type=int, default=2_000)
    parser.add_argument("--resume", action="store_true",
                        help="--db holds part of the archive from an interrupted run: index the rest")
    args = parser.parse_args()

    records = greve_records(args.records)
    templates = []
    for record in records:
        doc = Document.from_dict(record)
        sections = [next(((s.start, s.end) for s in item.sections if s.kind == "beslutning"), None)
                    for item in doc.items]
        templates.append((doc, sections))
    text = sum(len(d.text) for d, _ in templates) / len(templates)
    items = sum(len(d.items) for d, _ in templates) / len(templates)
    print(f"templates: {len(templates)} Greve meetings, {items:.1f} items and {text / 1000:.0f} k characters "
          f"each", flush=True)

    folder = None
    if args.db:
        db = Path(args.db)
    else:
        folder = tempfile.mkdtemp(prefix="bench-archive-")
        db = Path(folder) / "archive.sqlite"
    started = time.perf_counter()

    def progress(docs):
        for n, doc in enumerate(docs, 1):
            yield doc
            if n % 5_000 == 0:
                elapsed = time.perf_counter() - started
                print(f"  {done + n:,} documents; {n:,} in {elapsed:,.0f} s ({n / elapsed:,.1f} documents/s, "
                      f"load average {os.getloadavg()[0]:.1f})", flush=True)

    if db.exists() and not args.resume:
        sys.exit(f"bench_archive: {db} exists; remove it or give --resume")
    cpu = time.process_time()
    with Archive(db) as archive:
        done = archive.counts()["documents"]
        summary = archive.index(progress(documents(templates, args.docs, start=done, most_items=args.items)), batch=500)
        counts = archive.counts()
        characters = archive.db.execute("SELECT sum(length(text)) FROM items").fetchone()[0] or 0
    index_s, cpu = time.perf_counter() - started, time.process_time() - cpu
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    print(f"indexed {summary.added:,} documents in {index_s:,.0f} s, {cpu:,.0f} s of CPU "
          f"({summary.added / max(index_s, 1e-9):,.1f} documents/s; {done:,} were there before)")
    print(f"database: {size / 1e9:.2f} GB; rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items())
          + f"; item text {characters / 1e6:,.0f} M characters")

    latencies: list[float] = []
    print(f"\n{'query':<34} {'hits':>5} {'median ms':>10} {'p95 ms':>8}")
    with Archive(db, readonly=True) as archive:
        for name, query, filters in QUERIES:
            hits = archive.search(query, **filters)
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                archive.search(query, **filters)
                times.append((time.perf_counter() - t) * 1000)
            latencies += times
            print(f"{name:<34} {len(hits):>5} {statistics.median(times):>10.1f} {percentile(times, 0.95):>8.1f}",
                  flush=True)
        print(f"{'all ten':<34} {'':>5} {statistics.median(latencies):>10.1f} {percentile(latencies, 0.95):>8.1f}")
        for name, query, filters in QUERIES:
            print(f"  plan, {name}: " + " | ".join(archive.explain(query, **filters)))
        for query, filters in (("bevilling", {}), (None, {"type": "beslutning"})):
            t = time.perf_counter()
            result = archive.facets(query, **filters)
            print(f"facets for {query or filters}: {result['total']:,} items in "
                  f"{(time.perf_counter() - t) * 1000:,.0f} ms")

    if args.reindex:
        records_file = db.parent / "reindex.jsonl"
        with open(records_file, "w", encoding="utf-8") as f:
            for doc in documents(templates, args.reindex, seed=1, most_items=args.items):
                f.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")
        with Archive(db) as archive:
            t = time.perf_counter()
            first = archive.index_records(records_file)
            first_s = time.perf_counter() - t
            t = time.perf_counter()
            again = archive.index_records(records_file)
            again_s = time.perf_counter() - t
        print(f"\nre-index of {args.reindex:,} records: first {first_s:.1f} s ({first.added} added, "
              f"{first.replaced} replaced); unchanged again {again_s:.2f} s ({again.unchanged} skipped)")
        records_file.unlink()
    if folder:
        for path in Path(folder).iterdir():
            path.unlink()
        os.rmdir(folder)


if __name__ == "__main__":
    main()
