"""Each pipeline stage's share of the CPU, the learned heading model's among them.

Runs the default pipeline (`Pipeline().process_source`: normalise, segment,
annotate, classify; and `read` for files) over the shared minutes and over
Greve meetings, each printed in one of the layouts of configs/renderings.toml
in turn (each meeting once: the taggers cache by text), and adds up the CPU
time (`time.process_time`) spent in each stage. The heading
model's time (`HeadingModel.rescore`: its features and scores) is part of
segment's and is shown on its own line; issue 11 asks for it to stay under a
tenth of the whole.

    .venv/bin/python bench/bench_stages.py [--meetings 38]

Without ../shared it uses invented meetings (render.synthetic_meeting).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable

import referat.ingest
import referat.normalise
import referat.segment
from referat.pipeline import Pipeline
from referat.resources import shared_dir
from referat.segment import render as R
from referat.segment.heading_model import HeadingModel

CPU: dict[str, float] = defaultdict(float)


def timed(stage: str, function: Callable) -> Callable:
    """`function`, adding the CPU time of each call to CPU[stage]."""
    def wrapper(*args, **kwargs):
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            CPU[stage] += time.process_time() - started
    return wrapper


def inputs(count: int) -> tuple[list, list]:
    """Files (the shared minutes) and sources (meetings rendered in every layout)."""
    shared = shared_dir()
    if shared is None:
        print("bench_stages: ../shared is not beside the checkout: invented meetings only", file=sys.stderr)
        meetings = [R.synthetic_meeting(seed, 10) for seed in range(count)]
        files = []
    else:
        files = sorted((shared / "corpora" / "minutes").iterdir())
        greve = sorted((shared / "corpora" / "greve").glob("*.json"))
        step = max(1, len(greve) // count)
        meetings = [R.meeting_from_portal(json.loads(f.read_text(encoding="utf-8")), f.stem)
                    for f in greve[::step][:count]]
    layouts = R.layouts()  # each meeting in one layout, in turn: caches keyed by item text do not flatter
    sources = [R.render(meeting, layouts[n % len(layouts)]).source() for n, meeting in enumerate(meetings)]
    return files, sources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=38, help="Greve meetings, each in one layout in turn")
    args = parser.parse_args()

    files, sources = inputs(args.meetings)
    pipeline = Pipeline()
    if pipeline.heading_model is None:
        sys.exit("bench_stages: no heading model in models/segmenter (make segmenter-model)")
    referat.ingest.read = timed("ingest", referat.ingest.read)
    referat.normalise.normalise = timed("normalise", referat.normalise.normalise)
    referat.segment.segment = timed("segment", referat.segment.segment)
    HeadingModel.rescore = timed("heading model", HeadingModel.rescore)
    pipeline.annotator.annotate = timed("annotate", pipeline.annotator.annotate)
    pipeline.classifier.classify = timed("classify", pipeline.classifier.classify)

    pipeline.process_source(R.render(R.synthetic_meeting(0, 4), "punkt-plain").source())  # loads the models
    CPU.clear()
    characters = 0
    started = time.process_time()
    for path in files:
        characters += len(pipeline.process(path).text)
    for source in sources:
        characters += len(pipeline.process_source(source).text)
    whole = time.process_time() - started
    print(f"{len(files)} shared minutes and {len(sources)} meetings rendered in {len(R.layouts())} layouts "
          f"in turn, {characters:,} characters, each processed once after a warm-up document")
    print(f"\n| stage | CPU s | share of the pipeline |\n|---|---|---|")
    for stage in ("ingest", "normalise", "segment", "heading model", "annotate", "classify"):
        note = " (part of segment)" if stage == "heading model" else ""
        print(f"| {stage}{note} | {CPU[stage]:.2f} | {CPU[stage] / whole:.1%} |")
    rest = whole - sum(v for k, v in CPU.items() if k != "heading model")
    print(f"| other (records, offsets) | {rest:.2f} | {rest / whole:.1%} |")
    print(f"| whole pipeline | {whole:.2f} | 100% |")
    share = CPU["heading model"] / whole
    print(f"\nheading model: {share:.1%} of the pipeline's CPU (target < 10%), "
          f"{CPU['heading model'] / CPU['segment']:.0%} of segment's")


if __name__ == "__main__":
    main()
