"""Benchmark the item-type classifier: training time on the Greve items, and its figures.

Reads the ~4,300 Greve portal items through referat's own reader and
segmenter, labels them by distant supervision (markers, decisive rules),
keeps the hand-labelled items (corpora/labels/greve-handlabelled.jsonl) out,
fits the linear model on 2 threads, fits it again to check that the arrays
come out byte-identical, and reports accuracy, macro-F1 and the confusion
matrix of rules / model / both on

- the hand-labelled Greve items (none used for training or for the rules),
- the three shared minutes as printed, and with every type marker removed.

    .venv/bin/python bench/bench_train.py                 # figures only
    .venv/bin/python bench/bench_train.py --out models/classifier   # and ship the model

Needs ../shared (or REFERAT_SHARED).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "2")  # "2 cores": set before numpy loads

import argparse  # noqa: E402
import copy  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from sklearn.metrics import accuracy_score, confusion_matrix, f1_score  # noqa: E402

from referat.classify import RuleClassifier, calibration  # noqa: E402
from referat.classify.data import (ExampleStats, collect_examples, document_key,  # noqa: E402
                                   iter_documents, read_labels, typed_against, unmarked_items)
from referat.classify.linear import LinearClassifier  # noqa: E402
from referat.classify.rules import EvidenceRules  # noqa: E402
from referat.model import ITEM_TYPES  # noqa: E402
from referat.resources import shared_dir  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
HAND_LABELS = REPO / "corpora" / "labels" / "greve-handlabelled.jsonl"


def figures(gold: list[str], pred: list[str]) -> dict:
    return {
        "n": len(gold),
        "accuracy": round(float(accuracy_score(gold, pred)), 4),
        "macro_f1": round(float(f1_score(gold, pred, labels=list(ITEM_TYPES), average="macro",
                                         zero_division=0)), 4),
        "confusion": confusion_matrix(gold, pred, labels=list(ITEM_TYPES)).tolist(),
    }


def show(name: str, result: dict) -> None:
    print(f"  {name:<9} n={result['n']:<4} accuracy {result['accuracy']:.4f}  "
          f"macro-F1 {result['macro_f1']:.4f}")
    width = max(len(t) for t in ITEM_TYPES)
    print("    " + " " * width + "  " + "  ".join(f"{t[:5]:>5}" for t in ITEM_TYPES)
          + "   (rows gold, columns predicted)")
    for label, row in zip(ITEM_TYPES, result["confusion"]):
        print(f"    {label:>{width}}  " + "  ".join(f"{v:>5}" for v in row))


def evaluate(classifiers: dict, docs: list, gold: dict, strip_markers: bool = False) -> dict:
    """Figures per classifier on the items of `docs` that `gold` labels."""
    results = {}
    for name, classifier in classifiers.items():
        results[name] = figures(*typed_against(classifier, docs, gold, strip_markers))
    return results


def calibrate(classifier, items) -> dict:
    """The temperature fitted on hand-labelled items, and the ECE before, after, and cross-validated."""
    texts = [text for text, _ in items]
    labels = [ITEM_TYPES.index(label) for _, label in items]
    logits = classifier.logits(texts)
    right = logits.argmax(axis=1) == labels
    temperature = calibration.fit_temperature(logits, labels)
    crossed, folds = calibration.cross_validated(logits, labels)
    return {"temperature": temperature, "n": len(labels),
            "ece_before": calibration.reliability(calibration.softmax(logits).max(axis=1), right).ece,
            "ece_after": calibration.reliability(
                calibration.softmax(logits / temperature).max(axis=1), right).ece,
            "ece_cross_validated": crossed.ece, "fold_temperatures": folds,
            "nll_before": round(calibration.nll(logits, labels), 4),
            "nll_after": round(calibration.nll(logits, labels, temperature), 4)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="save the trained model here (with its figures)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    shared = shared_dir()
    if shared is None:
        print("bench_train: ../shared not found (set REFERAT_SHARED)", file=sys.stderr)
        return 2
    hand = read_labels(HAND_LABELS)

    started = time.perf_counter()
    stats = ExampleStats()
    greve = list(iter_documents([shared / "corpora" / "greve"], stats))
    read_seconds = time.perf_counter() - started
    examples = collect_examples(greve, exclude=hand.keys(), stats=stats)
    texts, labels = [e.text for e in examples], [e.label for e in examples]
    print(f"Greve: {stats.documents} meetings, {stats.items} items read and segmented in "
          f"{read_seconds:.1f} s; {len(examples)} labelled by distant supervision "
          f"({dict(stats.by_label)}), {stats.unlabelled} left unlabelled, {stats.excluded} "
          "hand-labelled items held out")

    timings = []
    models = []
    for _ in range(2):
        started = time.perf_counter()
        models.append(LinearClassifier(rules=EvidenceRules.default()).fit(texts, labels, seed=args.seed))
        timings.append(time.perf_counter() - started)
    print(f"fit on {len(examples)} items, {os.environ['OMP_NUM_THREADS']} threads: "
          f"{timings[0]:.1f} s, again {timings[1]:.1f} s; {models[0].meta['n_features']} features")
    with tempfile.TemporaryDirectory() as tmp:
        paths = [m.save(Path(tmp) / f"m{i}") for i, m in enumerate(models)]
        arrays = sorted(p.name for p in paths[0].iterdir() if p.suffix in (".npy", ".json")
                        and p.name != "meta.json")
        same = all((paths[0] / n).read_bytes() == (paths[1] / n).read_bytes() for n in arrays)
        size = sum(p.stat().st_size for p in paths[0].iterdir())
    print(f"same seed, same data -> byte-identical arrays: {same}; model size {size / 1e6:.1f} MB")

    model = models[0]
    model_only = copy.copy(model)
    model_only.rules = None
    classifiers = {"rules": RuleClassifier(), "model": model_only, "combined": model}
    minutes = [doc for doc in iter_documents([shared / "corpora" / "minutes"])]
    gold_minutes = read_labels(shared / "corpora" / "gold" / "dev.jsonl")
    report = {
        "greve_handlabelled": evaluate(classifiers, [d for d in greve if any(
            (document_key(d), i.number) in hand for i in d.items)], hand),
        "shared_printed": evaluate(classifiers, minutes, gold_minutes),
        "shared_markerless": evaluate(classifiers, minutes, gold_minutes, strip_markers=True),
    }
    for part, results in report.items():
        print(part)
        for name, result in results.items():
            show(name, result)
    hand_items = unmarked_items(greve, hand)
    calibrated = {name: calibrate(c, hand_items) for name, c in (("combined", model), ("rules", RuleClassifier()))}
    print("calibration on the hand-labelled Greve items (temperature fitted on all; 5-fold cross-validated ECE):")
    for name, c in calibrated.items():
        print(f"  {name:<9} temperature {c['temperature']}  ECE {c['ece_before']} -> {c['ece_after']} "
              f"(cross-validated {c['ece_cross_validated']}, fold temperatures {c['fold_temperatures']}); "
              f"NLL {c['nll_before']} -> {c['nll_after']}")
    if args.out:
        model.meta["figures"] = {part: results["combined"] for part, results in report.items()}
        model.meta["figures_rules_only"] = {part: r["rules"] for part, r in report.items()}
        model.meta["figures_model_only"] = {part: r["model"] for part, r in report.items()}
        model.meta["fit_seconds_2_threads"] = round(timings[0], 2)
        model.meta["calibration"] = calibrated["combined"] | {
            "fitted_on": f"{HAND_LABELS.name} ({calibrated['combined']['n']} items)", "ece_items": "hand-labelled"}
        model.meta["calibration_rules_only"] = calibrated["rules"]
        model.meta["data"] = {"inputs": ["shared/corpora/greve"], "labels": "auto",
                              "excluded": HAND_LABELS.name, "examples": stats.to_dict()}
        model.meta["created"] = time.strftime("%Y-%m-%d")
        print(f"saved -> {model.save(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
