"""Score predictions against gold: the figures of `shared/tools/score.py`, and more.

The matching rules are score.py's (ANNOTATION.md §5), so the figures agree
to the last digit (a test checks it): documents are matched by the file name
of `source` (or `doc`, `doc_id`); items by number; entities per document as a
multiset of (label, text with whitespace squashed, NFC); gold mentions marked
`optional` count neither for nor against; `norm` is checked on matched
mentions, key by key, numbers within a relative 1e-6, strings without case.

On top of score.py: normalisation accuracy per label, and for item types the
accuracy, precision/recall/F1 per class, macro-F1 and the confusion matrix
(matched items only; a missing type counts as the class "none").

Gold is either the shared gold format (`dev.jsonl`: entities with `count`,
`optional`, `norm`), referat's own JSONL (entities as spans, each counting
once), so corrected referat output can serve as gold, or a label file of item
types (`{"file", "number", "label"}` a line, as corpora/labels/ holds), which
scores item types only.

Item-type scores are checked too: the expected calibration error (ECE) of
each matched item's `classification.score` against whether its type is right
(`referat.classify.calibration`).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from referat.records import read_records
from referat.model import ITEM_TYPES

LABELS = ("COMMITTEE", "PERSON", "PARTY", "AMOUNT", "LAW")
"""The labels ANNOTATION.md §3 defines and score.py scores."""
NO_TYPE = "none"


def squash(text: str | None) -> str:
    """score.py's text key: NFC, whitespace runs collapsed, stripped."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def load_records(path: str | Path) -> dict[str, dict[str, Any]]:
    """JSONL records keyed by document file name (score.py's `load`).

    Lines of a label file (`{"file", "number", "label"}`) are gathered into
    one types-only gold record per file.
    """
    out: dict[str, dict[str, Any]] = {}
    for n, rec in read_records(path):
        if "label" in rec and "file" in rec and "number" in rec:
            name = Path(str(rec["file"])).name
            gold = out.setdefault(name, {"doc": name, "items": [], "types_only": True})
            gold["items"].append({"number": rec["number"], "type": rec["label"]})
            continue
        key = rec.get("doc") or Path(rec.get("source") or rec.get("doc_id") or f"#{n}").name
        out[Path(key).name] = rec
    return out


def as_gold(rec: dict[str, Any]) -> dict[str, Any]:
    """A gold record; referat's own output becomes one (each span counts once)."""
    if "doc" in rec or any("count" in e for e in rec.get("entities") or []):
        return rec
    counts: Counter = Counter()
    norms: dict[tuple[str, str], Any] = {}
    for e in _all_entities(rec):
        key = (e.get("label"), e.get("text") or "")
        counts[key] += 1
        if e.get("norm") and key not in norms:
            norms[key] = e["norm"]
    entities = [{"label": label, "text": text, "count": n, **({"norm": norms[(label, text)]}
                                                             if (label, text) in norms else {})}
                for (label, text), n in counts.items()]
    items = [{k: it.get(k) for k in ("number", "title", "type", "case_number", "closed")}
             | {"absent": list(it.get("absent") or [])} for it in rec.get("items") or []]
    meeting = {k: v for k, v in (rec.get("meeting") or {}).items()  # the fields gold states, not evidence
               if v not in (None, []) and (isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v)))}
    return {"doc": rec.get("source"), "meeting": meeting, "items": items, "entities": entities}


def _all_entities(rec: dict[str, Any]) -> list[dict[str, Any]]:
    ents = list(rec.get("entities") or [])
    for it in rec.get("items") or []:
        ents.extend(it.get("entities") or [])
    return ents


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _same(a: Any, b: Any) -> bool:
    if isinstance(b, float) or isinstance(a, float):
        try:
            return abs(float(a) - float(b)) < 1e-6 * max(1.0, abs(float(b)))
        except (TypeError, ValueError):
            return False
    if isinstance(b, str) and isinstance(a, str):
        return squash(a).lower() == squash(b).lower()
    return a == b


@dataclass
class Evaluation:
    """Counts from one comparison; `figures()` turns them into score.py's report."""

    docs_missing: list[str] = field(default_factory=list)
    items: Counter = field(default_factory=Counter)
    fields: Counter = field(default_factory=Counter)
    ents: dict[str, Counter] = field(default_factory=lambda: {lab: Counter() for lab in LABELS})
    norm: Counter = field(default_factory=Counter)
    norm_by_label: dict[str, Counter] = field(default_factory=lambda: {lab: Counter() for lab in LABELS})
    meeting: Counter = field(default_factory=Counter)
    confusion: Counter = field(default_factory=Counter)  # (gold type, predicted type or None)
    type_scores: list[tuple[float, bool]] = field(default_factory=list)  # (score, type right)
    gold_types: int = 0  # gold items with a type
    matched_types: int = 0  # ... that have a predicted item
    types_only: bool = False  # every gold record was a label file's (no entities, no meeting)

    def figures(self) -> dict[str, Any]:
        """score.py's figures, same keys, same rounding."""
        out: dict[str, Any] = {}
        out["items_f1"] = round(_prf(self.items["tp"], self.items["fp"], self.items["fn"])[2], 4)
        n = self.fields["n"] or 1
        for k in ("title", "case_number", "closed", "type", "absent"):
            out[f"item_{k}_acc"] = round(self.fields[k] / n, 4)
        out["meeting_acc"] = round(self.meeting["ok"] / (self.meeting["n"] or 1), 4)
        fs, total = [], Counter()
        for lab in LABELS:
            c = self.ents[lab]
            p, r, f = _prf(c["tp"], c["fp"], c["fn"])
            if not (c["tp"] or c["fp"] or c["fn"]):
                p = r = f = 1.0  # nothing to find and nothing found
            else:
                fs.append(f)
            out[f"{lab}_p"], out[f"{lab}_r"], out[f"{lab}_f1"] = round(p, 4), round(r, 4), round(f, 4)
            total.update(c)
        out["ents_micro_f1"] = round(_prf(total["tp"], total["fp"], total["fn"])[2], 4)
        out["ents_macro_f1"] = round(sum(fs) / len(fs), 4) if fs else 1.0
        out["norm_acc"] = round(self.norm["ok"] / (self.norm["n"] or 1), 4)
        out["docs_missing"] = len(self.docs_missing)
        return out

    def norm_accuracy(self) -> dict[str, float | None]:
        """Normalisation accuracy per label (None where no matched mention has a gold norm)."""
        return {lab: (round(c["ok"] / c["n"], 4) if c["n"] else None) for lab, c in self.norm_by_label.items()}

    def types(self) -> dict[str, Any]:
        """Item types over matched items: accuracy, per-class P/R/F1, macro-F1, confusion."""
        classes = list(ITEM_TYPES)
        total = sum(self.confusion.values())
        correct = sum(n for (g, p), n in self.confusion.items() if g == p)
        per_class = {}
        for cls in classes:
            tp = self.confusion[(cls, cls)]
            fp = sum(n for (g, p), n in self.confusion.items() if p == cls and g != cls)
            fn = sum(n for (g, p), n in self.confusion.items() if g == cls and p != cls)
            p, r, f = _prf(tp, fp, fn)
            per_class[cls] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                              "support": tp + fn}
        columns = classes + [NO_TYPE]
        matrix = {g: {p: self.confusion[(g, None if p == NO_TYPE else p)] for p in columns}
                  for g in sorted({g for g, _ in self.confusion} | set(classes), key=_type_order)}
        return {
            "n": total,
            "gold": self.gold_types,
            "accuracy": round(correct / total, 4) if total else 0.0,
            "per_class": per_class,
            "macro_f1": round(sum(c["f1"] for c in per_class.values()) / len(classes), 4),
            "confusion": matrix,
            "calibration": self.calibration().to_dict(),
        }

    def calibration(self):
        """ECE and reliability bins of the matched items' type scores."""
        from referat.classify.calibration import reliability

        return reliability([score for score, _ in self.type_scores],
                           [right for _, right in self.type_scores])

    def report(self) -> dict[str, Any]:
        """Everything, JSON-ready: score.py's figures, norm per label, item types."""
        return {"figures": self.figures(), "norm_accuracy": self.norm_accuracy(), "types": self.types(),
                "docs_missing": list(self.docs_missing)}

    def format(self) -> str:
        """Human-readable lines: score.py's `key<TAB>value` lines first, then the extras
        (item types only, for a label file as gold)."""
        lines = []
        if not self.types_only:
            lines += [f"{k}\t{v}" for k, v in self.figures().items()]
            for lab, acc in self.norm_accuracy().items():
                lines.append(f"{lab}_norm_acc\t{'-' if acc is None else acc}")
        types = self.types()
        calibration = types["calibration"]
        lines.append(f"type_n\t{types['n']}")
        lines.append(f"type_gold\t{types['gold']}")
        lines.append(f"type_accuracy\t{types['accuracy']}")
        lines.append(f"type_macro_f1\t{types['macro_f1']}")
        lines.append(f"type_ece\t{calibration['ece']}\t(expected calibration error of the type "
                     f"scores, {calibration['n']} items with a score)")
        for cls, c in types["per_class"].items():
            lines.append(f"type_{cls}\tp={c['precision']} r={c['recall']} f1={c['f1']} n={c['support']}")
        columns = list(ITEM_TYPES) + [NO_TYPE]
        lines.append("confusion (rows gold, columns predicted)")
        lines.append("\t".join(["gold\\pred", *columns]))
        for gold, row in types["confusion"].items():
            lines.append("\t".join([gold, *(str(row[c]) for c in columns)]))
        if calibration["bins"]:
            lines.append("calibration (score bin: items, mean score, accuracy)")
            for b in calibration["bins"]:
                lines.append(f"{b['low']:.1f}-{b['high']:.1f}\t{b['n']}\t{b['confidence']}\t{b['accuracy']}")
        if self.docs_missing:
            lines.append("missing\t" + ", ".join(self.docs_missing))
        return "\n".join(lines)

    def unmatched_warning(self) -> str | None:
        """What to tell a user whose gold items mostly found no prediction, else None."""
        matched = self.matched_types
        if self.gold_types == 0 or matched == self.gold_types:
            return None
        missing = f"; {len(self.docs_missing)} gold documents are not among the predictions " \
                  f"(matched by file name: {', '.join(self.docs_missing[:3])}" \
                  f"{', ...' if len(self.docs_missing) > 3 else ''})" if self.docs_missing else ""
        return (f"only {matched} of {self.gold_types} gold item types have a predicted item"
                f"{missing}")


def _type_order(name: str) -> tuple[int, str]:
    return (ITEM_TYPES.index(name) if name in ITEM_TYPES else len(ITEM_TYPES), name)


def evaluate(pred: dict[str, dict[str, Any]], gold: dict[str, dict[str, Any]]) -> Evaluation:
    """Compare predictions with gold, both keyed by document file name."""
    res = Evaluation()
    res.types_only = bool(gold) and all(g.get("types_only") for g in gold.values())
    for name, g in gold.items():
        g = as_gold(g)
        p = pred.get(name)
        if p is None:
            res.docs_missing.append(name)
            p = {"items": [], "entities": [], "meeting": {}}
        if g.get("types_only"):
            _score_types(res, p, g)
            continue
        _score_items(res, p, g)
        _score_meeting(res, p, g)
        if g.get("score_entities") is not False:
            _score_entities(res, p, g)
    return res


def evaluate_files(pred_path: str | Path, gold_path: str | Path) -> Evaluation:
    return evaluate(load_records(pred_path), load_records(gold_path))


def _predicted_type(res: Evaluation, git: dict, pit: dict) -> None:
    """One typed gold item against its predicted item."""
    res.gold_types += 1
    res.matched_types += 1
    predicted = pit.get("type")
    res.confusion[(git.get("type"), predicted)] += 1
    score = (pit.get("classification") or {}).get("score")
    if predicted is not None and isinstance(score, (int, float)):
        res.type_scores.append((float(score), predicted == git.get("type")))


def _score_types(res: Evaluation, p: dict, g: dict) -> None:
    """A label file's gold: item types only."""
    by_number = {}
    for it in p.get("items") or []:
        by_number.setdefault(str(it.get("number")), it)
    for git in g.get("items") or []:
        pit = by_number.get(str(git.get("number")))
        if pit is not None:
            _predicted_type(res, git, pit)
        elif git.get("type"):
            res.gold_types += 1


def _score_items(res: Evaluation, p: dict, g: dict) -> None:
    gi = {it["number"]: it for it in g.get("items") or []}
    pi: dict[Any, dict] = {}
    for it in p.get("items") or []:
        try:
            pi.setdefault(int(it.get("number")), it)
        except (TypeError, ValueError):
            pi.setdefault(("bad", len(pi)), it)
    extra = [k for k in pi if k not in gi]
    res.items["fp"] += len(extra) + max(0, len(p.get("items") or []) - len(pi))
    for num, git in gi.items():
        pit = pi.get(num)
        if pit is None:
            res.items["fn"] += 1
            if git.get("type"):
                res.gold_types += 1
            continue
        res.items["tp"] += 1
        res.fields["n"] += 1
        res.fields["title"] += squash(pit.get("title")) == squash(git.get("title"))
        res.fields["case_number"] += (pit.get("case_number") or None) == git.get("case_number")
        res.fields["closed"] += bool(pit.get("closed")) == git.get("closed")
        res.fields["type"] += pit.get("type") == git.get("type")
        res.fields["absent"] += sorted(map(squash, pit.get("absent") or [])) == sorted(git.get("absent") or [])
        if git.get("type"):
            _predicted_type(res, git, pit)
        else:
            res.confusion[(git.get("type"), pit.get("type"))] += 1


def _score_meeting(res: Evaluation, p: dict, g: dict) -> None:
    pm = p.get("meeting") or {}
    for k, v in (g.get("meeting") or {}).items():
        res.meeting["n"] += 1
        pv = pm.get(k)
        if isinstance(v, list):
            ok = sorted(map(squash, pv or [])) == sorted(map(squash, v))
        else:
            ok = squash(str(pv or "")) == squash(str(v))
        res.meeting["ok"] += ok
        res.meeting[f"miss:{k}"] += not ok


def _score_entities(res: Evaluation, p: dict, g: dict) -> None:
    want: Counter = Counter()
    optional: set = set()
    gnorm: dict = {}
    for e in g.get("entities") or []:
        if e.get("label") not in LABELS:  # CASE_NUMBER, ORG, ... in referat output used as gold
            continue
        key = (e["label"], squash(e["text"]))
        if e.get("optional"):
            optional.add(key)
        else:
            want[key] += e.get("count", 1)
        if e.get("norm"):
            gnorm[key] = e["norm"]
    got: Counter = Counter()
    pnorms: dict = {}
    for e in _all_entities(p):
        if e.get("label") not in LABELS:
            continue
        key = (e["label"], squash(e.get("text")))
        if key in optional:
            continue
        got[key] += 1
        pnorms.setdefault(key, []).append(e.get("norm") or {})
    for key in set(want) | set(got):
        lab = key[0]
        tp = min(want[key], got[key])
        res.ents[lab]["tp"] += tp
        res.ents[lab]["fp"] += got[key] - tp
        res.ents[lab]["fn"] += want[key] - tp
        if tp and key in gnorm:
            for pn in pnorms[key][:tp]:
                ok = all(_same(pn.get(k), v) for k, v in gnorm[key].items())
                res.norm["n"] += 1
                res.norm["ok"] += ok
                res.norm_by_label[lab]["n"] += 1
                res.norm_by_label[lab]["ok"] += ok
                if not ok:
                    res.norm[f"bad:{lab}"] += 1
