"""Score decisions against gold: the figures of `shared/tools/score_decisions.py`, digit for digit.

Gold is either one line per item (`{"doc", "number", "decision"}`, the
decisions gold) or document records whose items carry `decision` (a gold
file in referat's own format, or corrected output). Predictions are
referat's document records, matched by the file name of `source` (or
`doc_id`), items by number. The matching rules are score_decisions.py's
(ANNOTATION.md §6), so the figures agree (a test checks it):

- outcome accuracy over gold items with a decision (a missing item or a
  null predicted decision counts as wrong);
- unanimous accuracy over gold items whose `unanimous` is true or false;
- votes: micro precision/recall/F1 over the (position, party) and
  (position, person) pairs per item; names without case and with single
  spaces, parties upper case without spaces, hyphens, dots or brackets,
  full names and common abbreviations as their letter (`[scoring]` in
  configs/decisions.toml);
- the outcome confusion table (gold rows, predicted columns).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from referat.model import OUTCOMES
from referat.records import read_records
from referat.resources import load_toml

_PARTY_STRIP = re.compile(r"[\s\-.()]")
_SHORT = {"taget_til_efterretning": "tte"}


def _nfc(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value or ""))


def _aliases() -> dict[str, str]:
    return dict(load_toml("decisions.toml")["scoring"]["party_aliases"])


def norm_name(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("name") or value.get("text") or ""
    return " ".join(_nfc(value).split()).casefold()


def norm_party(value: Any, aliases: dict[str, str]) -> str:
    if isinstance(value, dict):
        value = (value.get("letter") or value.get("party") or value.get("text") or value.get("name") or "")
    code = _PARTY_STRIP.sub("", _nfc(value)).upper()
    return aliases.get(code, code)


def vote_pairs(decision: Any, aliases: dict[str, str]) -> set[tuple[str, str, str]]:
    """(position, "party"|"person", value) for every party and member of every vote."""
    out: set[tuple[str, str, str]] = set()
    if not isinstance(decision, dict):
        return out
    for vote in decision.get("votes") or []:
        if not isinstance(vote, dict):
            continue
        position = _nfc(vote.get("position")).strip().lower()
        for party in vote.get("parties") or []:
            if norm_party(party, aliases):
                out.add((position, "party", norm_party(party, aliases)))
        for person in vote.get("persons") or []:
            if norm_name(person):
                out.add((position, "person", norm_name(person)))
    return out


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


@dataclass
class DecisionScores:
    counts: Counter = field(default_factory=Counter)
    confusion: Counter = field(default_factory=Counter)  # (gold outcome, predicted outcome or "—")
    votes: dict[str, Counter] = field(default_factory=lambda: {"party": Counter(), "person": Counter()})
    missing_docs: set[str] = field(default_factory=set)

    def figures(self) -> dict[str, Any]:
        c = self.counts
        total = self.votes["party"] + self.votes["person"]
        p, r, f = _prf(total["tp"], total["fp"], total["fn"])
        out = {"outcome_acc": c["outcome_ok"] / c["dec"] if c["dec"] else 0.0,
               "unanimous_acc": c["unan_ok"] / c["unan_n"] if c["unan_n"] else 0.0,
               "votes_P": p, "votes_R": r, "votes_F1": f}
        for kind, counts in self.votes.items():
            kp, kr, kf = _prf(counts["tp"], counts["fp"], counts["fn"])
            out[f"votes_{kind}_P"], out[f"votes_{kind}_R"], out[f"votes_{kind}_F1"] = kp, kr, kf
        return out

    def report(self) -> dict[str, Any]:
        """JSON-ready: the figures (rounded to 4 places), the counts and the confusion table."""
        return {"figures": {k: round(v, 4) for k, v in self.figures().items()},
                "items": self.counts["items"], "decisions": self.counts["dec"],
                "gold_null": self.counts["gold_null"], "null_agree": self.counts["null_agree"],
                "votes": {k: dict(v) for k, v in self.votes.items()},
                "confusion": {g: {p: n for (g2, p), n in self.confusion.items() if g2 == g}
                              for g in sorted({g for g, _ in self.confusion}, key=_outcome_order)},
                "missing_docs": sorted(self.missing_docs)}

    def format(self) -> str:
        """The lines score_decisions.py prints, in its order and rounding."""
        c, fig = self.counts, self.figures()
        lines = [f"gold items: {c['items']} ({c['dec']} with a decision, {c['gold_null']} null, "
                 f"{c['gold_vote_items']} with votes); predicted items missing: {c['pred_item_missing']}; "
                 f"documents missing: {len(self.missing_docs)}",
                 f"outcome accuracy: {fig['outcome_acc']:.3f} ({c['outcome_ok']}/{c['dec']})",
                 f"unanimous accuracy: {fig['unanimous_acc']:.3f} ({c['unan_ok']}/{c['unan_n']})"]
        if c["gold_null"]:
            lines.append(f"null decisions predicted null: {c['null_agree']}/{c['gold_null']}")
        for kind in ("party", "person"):
            v = self.votes[kind]
            kp, kr, kf = _prf(v["tp"], v["fp"], v["fn"])
            lines.append(f"votes (position, {kind}): P={kp:.3f} R={kr:.3f} F1={kf:.3f} "
                         f"(tp={v['tp']} fp={v['fp']} fn={v['fn']})")
        total = self.votes["party"] + self.votes["person"]
        lines.append(f"votes micro: P={fig['votes_P']:.3f} R={fig['votes_R']:.3f} F1={fig['votes_F1']:.3f} "
                     f"(tp={total['tp']} fp={total['fp']} fn={total['fn']})")
        columns = list(OUTCOMES) + sorted({p for _, p in self.confusion if p not in OUTCOMES})
        rows = [o for o in OUTCOMES if any(self.confusion[(o, p)] for p in columns)]
        lines.append("outcome confusion (rows gold, columns predicted):")
        lines.append(" " * 24 + " ".join(f"{_SHORT.get(p, p)[:9]:>9}" for p in columns))
        for gold in rows:
            lines.append(f"  {gold:<22}" + " ".join(f"{self.confusion[(gold, p)]:>9}" for p in columns))
        lines.append(f"decisions: outcome_acc={fig['outcome_acc']:.3f} unanimous_acc={fig['unanimous_acc']:.3f} "
                     f"votes_P={fig['votes_P']:.3f} votes_R={fig['votes_R']:.3f} votes_F1={fig['votes_F1']:.3f} "
                     f"(items={c['items']} decisions={c['dec']})")
        return "\n".join(lines)


def _outcome_order(name: str) -> tuple[int, str]:
    return (OUTCOMES.index(name) if name in OUTCOMES else len(OUTCOMES), name)


def predicted_items(path: str | Path) -> dict[str, dict[int, dict[str, Any]]]:
    """Predicted items by document file name and item number (the first of a number wins)."""
    docs: dict[str, dict[int, dict[str, Any]]] = {}
    for line, record in read_records(path):
        name = Path(str(record.get("source") or record.get("doc_id") or record.get("doc") or f"#{line}")).name
        items: dict[int, dict[str, Any]] = {}
        for item in record.get("items") or []:
            try:
                items.setdefault(int(item.get("number")), item)
            except (TypeError, ValueError):
                continue
        docs.setdefault(name, items)
    return docs


def gold_items(path: str | Path) -> list[dict[str, Any]]:
    """Gold as one dict per item (`doc`, `number`, `decision`), from either gold shape."""
    out: list[dict[str, Any]] = []
    for _, record in read_records(path):
        if "number" in record and "items" not in record:
            if "decision" in record:  # (a label file of item types has none)
                out.append(record)
            continue
        name = Path(str(record.get("doc") or record.get("source") or "")).name
        out.extend({"doc": name, "number": item.get("number"), "decision": item.get("decision")}
                   for item in record.get("items") or [] if "decision" in item)
    return out


def is_item_gold(path: str | Path) -> bool:
    """Is a gold file the decisions gold shape (one item a line), not document records?"""
    for _, record in read_records(path):
        return "number" in record and "items" not in record and "decision" in record
    return False


def score(pred: dict[str, dict[int, dict[str, Any]]], gold: list[dict[str, Any]]) -> DecisionScores:
    aliases = _aliases()
    res = DecisionScores()
    c = res.counts
    for g in gold:
        items = pred.get(g["doc"])
        if items is None:
            res.missing_docs.add(g["doc"])
            items = {}
        predicted = items.get(int(g["number"]))
        pdec = predicted.get("decision") if isinstance(predicted, dict) else None
        pdec = pdec if isinstance(pdec, dict) else None
        gdec = g.get("decision")
        c["items"] += 1
        c["pred_item_missing"] += predicted is None
        if gdec is None:
            c["gold_null"] += 1
            c["null_agree"] += pdec is None
        else:
            c["dec"] += 1
            outcome = pdec.get("outcome") if pdec else None
            res.confusion[(gdec["outcome"], outcome or "—")] += 1
            c["outcome_ok"] += outcome == gdec["outcome"]
            if gdec.get("unanimous") in (True, False):
                c["unan_n"] += 1
                c["unan_ok"] += (pdec or {}).get("unanimous") is gdec["unanimous"]
        gp, pp = vote_pairs(gdec, aliases), vote_pairs(pdec, aliases)
        for kind in ("party", "person"):
            gk = {x for x in gp if x[1] == kind}
            pk = {x for x in pp if x[1] == kind}
            res.votes[kind]["tp"] += len(gk & pk)
            res.votes[kind]["fp"] += len(pk - gk)
            res.votes[kind]["fn"] += len(gk - pk)
        c["gold_vote_items"] += bool(gp)
    return res


def score_files(pred_path: str | Path, gold_path: str | Path) -> DecisionScores:
    return score(predicted_items(pred_path), gold_items(gold_path))

