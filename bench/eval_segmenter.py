"""Leave-one-layout-out evaluation of the learned heading model, beside the rules alone.

The Greve meetings (../shared/corpora/greve, FirstAgenda JSON: the gold) are
printed in every layout of configs/renderings.toml (referat.segment.render).
The meetings are split once: a third are test meetings, never trained on.
For each layout L, a heading model is trained on the training meetings
rendered in every layout but L, and the test meetings rendered in L are
segmented by the rules alone and by rules + that model. So each row is a
figure for a layout the model has not seen, on meetings it has not seen.

Items are matched by number (and letter), as ../shared/tools/score.py does;
"title" and "case" are the agreement of the matched items' titles and case
numbers; "exact" counts the documents whose items all come out right. The
last block segments every rendering of every meeting with the shipped model
(models/segmenter): all should be exact.

    .venv/bin/python bench/eval_segmenter.py [--every 1] [--layouts a b ...] [--skip-shipped]

Without ../shared it uses invented meetings (render.synthetic_meeting).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from referat.resources import shared_dir
from referat.segment import learning as L
from referat.segment import render as R
from referat.segment.heading_model import load_heading_model

TEST_SHARE = 1 / 3


def meetings(every: int) -> list[R.GoldMeeting]:
    shared = shared_dir()
    if shared is None:
        print("eval_segmenter: ../shared is not beside the checkout: invented meetings instead", file=sys.stderr)
        return [R.synthetic_meeting(seed, 8) for seed in range(0, 120, every)]
    files = sorted((shared / "corpora" / "greve").glob("*.json"))[::every]
    return [R.meeting_from_portal(json.loads(f.read_text(encoding="utf-8")), f.stem) for f in files]


def row(name: str, rules: L.ItemScores, model: L.ItemScores) -> str:
    return (f"| {name:20s} | {rules.f1:.3f} | {model.f1:.3f} | {rules.title_acc:.3f} | {model.title_acc:.3f} "
            f"| {rules.exact:3d}/{rules.documents:<3d} | {model.exact:3d}/{model.documents:<3d} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=1, help="use every n-th meeting (faster, fewer)")
    parser.add_argument("--layouts", nargs="*", help="held-out layouts to evaluate (default: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-shipped", action="store_true", help="leave out the shipped-model block")
    args = parser.parse_args()

    started = time.process_time()
    gold = meetings(args.every)
    layouts = R.layouts()
    train_meetings = [m for m in gold if not L.held_out(m.key, TEST_SHARE, args.seed)]
    test_meetings = [m for m in gold if L.held_out(m.key, TEST_SHARE, args.seed)]
    print(f"{len(gold)} meetings ({len(train_meetings)} to train on, {len(test_meetings)} to test), "
          f"{len(layouts)} layouts", flush=True)
    by_layout = {lay.name: [L.examples(doc) for doc in L.renderings(train_meetings, [lay], args.seed)]
                 for lay in layouts}
    print(f"candidates collected: {time.process_time() - started:.0f} s CPU", flush=True)

    held = [lay for lay in layouts if not args.layouts or lay.name in args.layouts]
    print("\nLeave one layout out: trained on the other layouts, tested on unseen meetings in this layout\n")
    print("| held-out layout      | rules F1 | model F1 | rules title | model title | rules exact | model exact |")
    print("|---|---|---|---|---|---|---|")
    worst = 1.0
    sums: dict[str, dict[str, L.ItemScores]] = {"rules": {}, "model": {}}
    for lay in held:
        train = [doc for name, docs in by_layout.items() if name != lay.name for doc in docs]
        model = L.fit_examples(train, seed=args.seed)
        scores = L.evaluate(L.renderings(test_meetings, [lay], args.seed), {"rules": None, "model": model})
        rules, learned = scores["rules"][lay.name], scores["model"][lay.name]
        sums["rules"][lay.name], sums["model"][lay.name] = rules, learned
        worst = min(worst, learned.f1)
        print(row(lay.name, rules, learned), flush=True)
    print(row("all", L.total(sums["rules"]), L.total(sums["model"])))
    print(f"\nlowest held-out items F1 with the model: {worst:.3f} (target >= 0.97)")

    if not args.skip_shipped:
        shipped = load_heading_model("default")
        print(f"\nShipped model ({'models/segmenter' if shipped else 'none: rules only'}), every meeting "
              "in every layout (trained on these: a check that nothing is lost)\n")
        print("| layout               | items F1 | title | case | exact |")
        print("|---|---|---|---|---|")
        for lay in layouts:
            scores = L.evaluate(L.renderings(gold, [lay], args.seed), {"shipped": shipped})["shipped"][lay.name]
            print(f"| {lay.name:20s} | {scores.f1:.3f} | {scores.title_acc:.3f} | {scores.case_acc:.3f} "
                  f"| {scores.exact}/{scores.documents} |", flush=True)
    print(f"\nCPU: {time.process_time() - started:.0f} s")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
