"""Tokens per second of the whole default pipeline, against spaCy's bare Danish tokenizer.

Both run in the same process on the same real minutes text (the `.txt`
minutes in ../shared/corpora/minutes, or the files given), so the ratio is
the figure that travels between machines: issue 6 asks for at least 25 %.
Tokens are counted by the bare tokenizer for both.

    .venv/bin/python bench/bench_pipeline.py [--seconds 10] [FILE ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import spacy

from bench_annotate import afresh  # (bench/ is the script's folder: sys.path[0])

from referat.pipeline import Pipeline
from referat.resources import shared_dir


def _minutes_files(given: list[str]) -> list[Path]:
    if given:
        return [Path(p) for p in given]
    shared = shared_dir()
    if shared is None:
        sys.exit("bench_pipeline: ../shared is not beside the checkout; name the files to use")
    return sorted((shared / "corpora" / "minutes").glob("*.txt"))


def _rate(work, seconds: float) -> tuple[float, int]:
    """Rounds of `work` per second, running for at least `seconds` (and one round)."""
    rounds, started = 0, time.perf_counter()
    while True:
        work()
        rounds += 1
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return rounds / elapsed, rounds


_COLD_TOKENIZER = """
import sys, spacy
nlp = spacy.blank("da")
for path in sys.argv[1:]:
    nlp.tokenizer(open(path, encoding="utf-8").read())
"""
_COLD_PIPELINE = """
import sys
from referat.pipeline import Pipeline
pipeline = Pipeline()
for path in sys.argv[1:]:  # the same files again: read as new, the NER model's answers forgotten
    pipeline.process(path)
    if pipeline.annotator is not None and pipeline.annotator.backend is not None:
        pipeline.annotator.backend.forget()
"""


def _cold_seconds(script: str, files: list[Path], repeat: int = 3) -> float:
    """Wall seconds of a fresh Python process that starts, loads and runs `script` once
    over the files: start-up included (the best of `repeat`)."""
    import subprocess

    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", script, *map(str, files)], check=True)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", help="minutes to use (default: the shared .txt minutes)")
    parser.add_argument("--seconds", type=float, default=10.0, help="time per measurement")
    parser.add_argument("--cold-copies", type=int, default=10,
                        help="times the text is run in the start-up-included measurement")
    args = parser.parse_args()

    files = _minutes_files(args.files)
    texts = [f.read_text(encoding="utf-8") for f in files]
    tokenizer = spacy.blank("da").tokenizer
    tokens = sum(len(tokenizer(t)) for t in texts)

    pipeline = Pipeline()
    for f in files:  # load the models and fill the caches before timing
        doc = pipeline.process(f)
        if doc.errors:
            sys.exit(f"bench_pipeline: {f}: {doc.errors[0].message} ({doc.errors[0].code})")

    tokenizer_rate, tokenizer_rounds = _rate(lambda: [tokenizer(t) for t in texts], args.seconds)
    pipeline_rate, pipeline_rounds = _rate(lambda: afresh(pipeline, files), args.seconds)

    print(f"text: {len(files)} minutes, {sum(map(len, texts)):,} characters, {tokens:,} tokens")
    print(f"bare tokenizer (spacy.blank('da')): {tokenizer_rate * tokens:12,.0f} tokens/s "
          f"({tokenizer_rounds} rounds)")
    print(f"referat default pipeline:           {pipeline_rate * tokens:12,.0f} tokens/s "
          f"({pipeline_rounds} rounds; ner={pipeline.options.ner}, classifier={pipeline.options.classifier})")
    print(f"ratio pipeline / tokenizer: {pipeline_rate / tokenizer_rate:.1%} (target >= 25%)")

    # Start-up included: each in a fresh process (imports, model loading, the lemma and
    # name tables) over the same files once; the NER model (ner=model) is on by default.
    cold_files = files * args.cold_copies
    cold_tokenizer = _cold_seconds(_COLD_TOKENIZER, cold_files)
    cold_pipeline = _cold_seconds(_COLD_PIPELINE, cold_files)
    cold_tokens = tokens * args.cold_copies
    print(f"start-up included ({args.cold_copies} x the text, fresh processes): "
          f"tokenizer {cold_tokens / cold_tokenizer:,.0f} tokens/s ({cold_tokenizer:.1f} s), "
          f"pipeline {cold_tokens / cold_pipeline:,.0f} tokens/s ({cold_pipeline:.1f} s)")
    print(f"ratio pipeline / tokenizer, start-up included: {cold_tokenizer / cold_pipeline:.1%} "
          "(target >= 20%)")


if __name__ == "__main__":
    main()
