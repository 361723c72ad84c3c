"""How much entity tagging adds to segmenting, and the pipeline's throughput.

Targets (issue 4): tagging (`--ner rules`) adds no more than half again to
the time of segmenting alone; the whole default pipeline runs at no less than
25% of the tokens per second of spaCy's bare Danish tokenizer on the same text.

    python bench/bench_annotate.py            # the shared minutes
    python bench/bench_annotate.py --greve 40 # and 40 Greve meetings

Times are CPU seconds, the best of several runs (least disturbed by other processes).
"""

from __future__ import annotations

import argparse
import sys
import time

import spacy

from referat.annotate import load_annotator
from referat.annotate.context import DocumentContext
from referat.annotate.rules import FINDERS
from referat.ingest import read
from referat.normalise import normalise
from referat.pipeline import Options, Pipeline
from referat.resources import shared_dir
from referat.segment import segment


def best_of(fn, repeat: int) -> float:
    """The least CPU time of `repeat` calls, in seconds.

    CPU time of this process, not wall time: on a shared machine other
    processes stretch wall time, not the work done here.
    """
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--greve", type=int, default=0, help="also this many Greve meetings")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    shared = shared_dir()
    if shared is None:
        print("bench_annotate: ../shared is not beside the checkout; nothing to measure", file=sys.stderr)
        return 1
    paths = sorted((shared / "corpora" / "minutes").iterdir())
    paths += sorted((shared / "corpora" / "greve").glob("*.json"))[: args.greve]
    normalised = [normalise(read(str(p))) for p in paths]
    pipeline = Pipeline(Options(annotate=False, classify=False))
    docs = [pipeline.process(str(p)) for p in paths]
    annotator = load_annotator("rules")
    contexts = [DocumentContext.of(d) for d in docs]
    chars = sum(len(d.text) for d in docs)

    t_segment = best_of(lambda: [segment(n.text, n.pages, n.structure) for n in normalised], args.repeat)
    t_tag = best_of(lambda: [annotator.spans(d) for d in docs], args.repeat)
    per_finder = {name: best_of(lambda f=f: [f(d.text, c) for d, c in zip(docs, contexts)], args.repeat)
                  for name, f in FINDERS.items()}

    tokenizer = spacy.blank("da").tokenizer
    tokens = sum(len(tokenizer(d.text)) for d in docs)
    t_tokenizer = best_of(lambda: [tokenizer(d.text) for d in docs], args.repeat)
    t_read_segment = best_of(lambda: [pipeline.process(str(p)) for p in paths], max(3, args.repeat // 2))
    tagging = Pipeline(Options(classify=False))
    _ = tagging.annotator  # load the models outside the timing
    t_read_tag = best_of(lambda: [tagging.process(str(p)) for p in paths], max(3, args.repeat // 2))
    full = Pipeline(Options())
    _ = full.annotator, full.classifier
    t_pipeline = best_of(lambda: [full.process(str(p)) for p in paths], max(3, args.repeat // 2))

    print(f"documents            {len(docs)}  ({chars} characters, {tokens} spaCy tokens)")
    print(f"segment              {t_segment * 1000:8.1f} ms")
    print(f"tag (rules)          {t_tag * 1000:8.1f} ms   = {t_tag / t_segment:.2f} x segment (target <= 0.50)")
    for name, t in per_finder.items():
        print(f"  {name:18s} {t * 1000:8.1f} ms")
    print(f"read..segment        {t_read_segment * 1000:8.1f} ms   (ingest, normalise, segment)")
    print(f"read..tag            {t_read_tag * 1000:8.1f} ms   = {t_read_tag / t_read_segment:.2f} x read..segment"
          " (target <= 1.50)")
    print(f"spaCy da tokenizer   {t_tokenizer * 1000:8.1f} ms   {tokens / t_tokenizer:10.0f} tokens/s")
    print(f"whole pipeline       {t_pipeline * 1000:8.1f} ms   {tokens / t_pipeline:10.0f} tokens/s"
          f"   = {t_tokenizer / t_pipeline:.2f} x tokenizer (target >= 0.25)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
