"""What the decide stage costs, and what its outcome model does on its own.

Prints, for Greve meetings segmented and annotated once beforehand:

- decisions per CPU second of `Decider.decide` (phrase rules and votes, the
  model where no phrase decides), and its share of the whole pipeline's time;
- the time to import `referat.decide` and to load the shipped outcome model
  (numpy only: no scikit-learn import);
- the outcome model alone on the decisions dev gold, read with every outcome
  phrase blanked (as it reads the decisions where no phrase decides): the
  items it never saw in training, since `referat train outcomes --exclude`
  left them out.

    python bench/bench_decide.py              # 40 Greve meetings
    python bench/bench_decide.py --greve 100

Times are CPU seconds, the best of several runs.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bench_annotate import afresh, best_of  # (bench/ is the script's folder: sys.path[0])

from referat.pipeline import Options, Pipeline
from referat.resources import models_dir, shared_dir


def import_seconds(statement: str) -> float:
    """Wall time of a fresh interpreter running `statement`, less a bare one's."""
    def run(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - start
    return min(run(statement) for _ in range(3)) - min(run("pass") for _ in range(3))


def model_alone(shared: Path) -> tuple[int, int, Counter]:
    """(right, total, confusion) of the outcome model alone on the dev gold's decisions."""
    from referat.decide.decider import Decider, document_context
    from referat.decide.evaluate import gold_items
    from referat.decide.linear import OutcomeModel, model_text

    gold = gold_items(shared / "corpora" / "gold" / "decisions-dev.jsonl")
    wanted = {g["doc"] for g in gold if g["decision"]}
    pipeline = Pipeline(Options(classify=False, decide=False))
    docs = {name: pipeline.process(shared / "corpora" / "greve" / name) for name in sorted(wanted)}
    decider, model = Decider("rules"), OutcomeModel.load(models_dir() / "decisions")
    right, confusion = 0, Counter()
    for g in gold:
        if not g["decision"]:
            continue
        doc = docs[g["doc"]]
        item = next(i for i in doc.items if i.number == g["number"])
        codes, persons = document_context(doc)
        reading, _, _ = decider.read(doc, item, codes, persons)
        if reading is None:
            continue
        text = model_text(item.title, reading.statements, [f.span for f in reading.votes], decider.grammar)
        label = model.predict(text)[0]
        right += label == g["decision"]["outcome"]
        confusion[(g["decision"]["outcome"], label)] += 1
    return right, sum(confusion.values()), confusion


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--greve", type=int, default=40, help="this many Greve meetings")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    shared = shared_dir()
    if shared is None:
        print("bench_decide: ../shared is not beside the checkout; nothing to measure", file=sys.stderr)
        return 1
    from referat.decide import Decider

    paths = sorted((shared / "corpora" / "greve").glob("*.json"))[: args.greve]
    whole = Pipeline(Options())
    docs = [whole.process(p) for p in paths]
    decider = Decider("default")
    decider.decide(docs[0])  # loads the model
    decisions = sum(1 for d in docs for i in d.items if i.decision is not None)
    decide = best_of(lambda: [decider.decide(d) for d in docs], args.repeat)
    pipeline = best_of(lambda: afresh(whole, paths), 1)
    print(f"decide: {decisions} decisions in {len(docs)} meetings, {decide:.3f} s CPU "
          f"({decisions / decide:.0f} decisions/s); {100 * decide / pipeline:.1f} % of the pipeline's "
          f"{pipeline:.2f} s")
    check = ("import sys; from referat.decide.linear import OutcomeModel; from referat.resources import "
             "models_dir; OutcomeModel.load(models_dir() / 'decisions').predict('byrådet sagen'); "
             "print('sklearn' in sys.modules)")
    sklearn = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    from referat.decide.linear import OutcomeModel

    load = best_of(lambda: OutcomeModel.load(models_dir() / "decisions"), args.repeat)
    print(f"import referat.decide: {import_seconds('import referat.decide'):.2f} s; loading the outcome "
          f"model: {load:.3f} s CPU; scikit-learn imported to apply it: "
          f"{sklearn.stdout.strip()}")
    right, total, confusion = model_alone(shared)
    print(f"outcome model alone (phrases blanked) on the dev gold: {right}/{total} = {right / total:.3f}")
    for (gold, got), n in sorted(confusion.items(), key=lambda kv: -kv[1]):
        if gold != got:
            print(f"    {gold} -> {got}: {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
