"""`referat train segmenter`: records and portal meetings in, a heading model directory out.

Inputs are referat records (JSONL) whose items a person has checked — used
as printed, the item `start` offsets marking the headings — and FirstAgenda
publications (portal JSON), whose items are gold. Every meeting is also
printed in the layouts of configs/renderings.toml (`render=True`), so the
model sees each item in many shapes. A share of the meetings (all their
renderings with them) is held out; the model fitted on the rest is scored
there against the rules alone, then the model is fitted on everything and
saved with meta.json, SHA256SUMS and a model card.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from referat import __version__
from referat.errors import InputError
from referat.segment import learning
from referat.segment.heading_model import DENSE_FEATURES, settings
from referat.segment.learning import DocExamples, ItemScores, LabelledDoc
from referat.segment.render import GoldMeeting, Layout, layouts as all_layouts, meeting_from_portal, \
    meeting_from_record, render, synthetic_meeting

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""(stage, done, total): reading, collecting, fitting, evaluating."""


@dataclass
class SegmenterReport:
    out: Path
    documents: Counter  # by layout ("records" for records used as printed)
    meetings: int
    headings: int
    found: int  # gold headings some layout family proposes as a candidate
    candidates: int
    heldout: dict[str, dict]  # "rules" / "model" -> scores over the held-out documents
    problems: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    few_headings: bool = False
    seconds: dict[str, float] = field(default_factory=dict)


def _read_inputs(inputs: Sequence[str | Path], problems: list[str], skipped: list[str]
                 ) -> tuple[list[GoldMeeting], list[LabelledDoc]]:
    """Gold meetings (to render) and records as printed; what cannot be read goes to `problems`."""
    from referat.classify.data import expand_inputs
    from referat.ingest.portal_json import is_portal_publication

    meetings: list[GoldMeeting] = []
    printed: list[LabelledDoc] = []
    for path in expand_inputs(inputs):
        suffix = path.suffix.lower()
        try:
            if suffix == ".jsonl":
                for name, record in learning.read_records(path):
                    doc = learning.labelled_record(record, name)
                    if doc is not None:
                        printed.append(doc)
                        meetings.append(meeting_from_record(record, name))
            elif suffix == ".json":
                data = json.loads(path.read_text(encoding="utf-8"))
                if not is_portal_publication(data):
                    raise InputError("not a FirstAgenda publication (no Dagsordenpunkter)", path=str(path))
                meetings.append(meeting_from_portal(data, path.stem))
            else:
                skipped.append(str(path))
        except InputError as err:
            problems.append(str(err))
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as err:
            problems.append(f"{path}: cannot be read as training data ({type(err).__name__}: {err})")
    return meetings, printed


def _held_out_names(names: Sequence[str], share: float, seed: int) -> set[str]:
    """The meetings held out: a stable share of them, and at least one where there are two or more."""
    unique = sorted(set(names))
    held = {name for name in unique if learning.held_out(name, share, seed)}
    if not held and share > 0 and len(unique) >= 2:
        held = {min(unique, key=lambda name: learning.held_out_key(name, seed))}
    return held if len(held) < len(unique) else set()


def train(inputs: Sequence[str | Path], out: str | Path, *, render_layouts: Sequence[Layout] | None = None,
          synthetic: int = 0, holdout: float | None = None, seed: int = 0, progress: Progress | None = None,
          command: str = "") -> SegmenterReport:
    """Train a heading model on `inputs` (and `synthetic` invented meetings) and save it to `out`.

    `render_layouts`: the layouts every meeting is printed in (default: all;
    an empty list uses records as printed only). The caller checks `out`
    (referat.outputs.check_target); the directory is written atomically.
    """
    from referat.outputs import atomic_dir

    spec = settings()["train"]
    share = float(spec["holdout"] if holdout is None else holdout)
    chosen = list(all_layouts() if render_layouts is None else render_layouts)
    report_progress = progress or (lambda stage, done, total: None)
    started = time.process_time()
    problems: list[str] = []
    skipped: list[str] = []
    report_progress("reading", 0, len(inputs))
    meetings, printed = _read_inputs(inputs, problems, skipped)
    meetings += [synthetic_meeting(seed * 100_003 + n, 4 + n % 9) for n in range(synthetic)]
    report_progress("reading", len(inputs), len(inputs))
    read_seconds = time.process_time() - started
    if not meetings:
        raise InputError("no records with items and no portal meetings to train on"
                         + (f" ({len(problems)} input(s) could not be read)" if problems else ""))

    started = time.process_time()
    total = len(printed) + len(meetings) * len(chosen)
    examples: list[DocExamples] = []
    tests: list[LabelledDoc] = []
    documents: Counter = Counter()

    held = _held_out_names([doc.name for doc in printed] + [m.key for m in meetings], share, seed)

    def take(doc: LabelledDoc) -> None:
        examples.append(learning.examples(doc))
        documents[doc.layout] += 1
        if doc.name in held:
            tests.append(doc)
        report_progress("collecting", len(examples), total)

    for doc in printed:
        take(doc)
    for meeting in meetings:
        for lay in chosen:
            take(learning.labelled_rendering(render(meeting, lay, seed)))
    counts = learning.class_counts(examples)
    collect_seconds = time.process_time() - started
    if counts["found"] in (0, counts["candidates"]):
        raise InputError(f"{counts['found']} of {counts['candidates']} candidate lines are headings: a model "
                         "needs headings and lines that are not (tables of contents, numbered lists); add "
                         "documents or layouts")
    few = counts["headings"] < int(spec["few_headings"])

    started = time.process_time()
    heldout: dict[str, dict] = {}
    train_part = [e for e in examples if e.name not in held]
    if tests and 0 < sum(e.found for e in train_part) < sum(e.candidates for e in train_part):
        report_progress("fitting", 0, 2)
        trial = learning.fit_examples(train_part, seed=seed)
        done = [0]

        def tested(doc: LabelledDoc) -> None:
            done[0] += 1
            report_progress("evaluating", done[0], len(tests))

        scores = learning.evaluate(tests, {"rules": None, "model": trial}, on_doc=tested)
        heldout = {name: {"all": learning.total(by).to_dict()} | {k: v.to_dict() for k, v in sorted(by.items())}
                   for name, by in scores.items()}
    report_progress("fitting", 1, 2)
    model = learning.fit_examples(examples, seed=seed, meta={
        "version": __version__, "created": dt.date.today().isoformat(), "seed": seed,
        "data": {"inputs": sorted({Path(p).name for p in inputs}), "meetings": len(meetings),
                 "synthetic": synthetic, "documents": dict(sorted(documents.items())),
                 "layouts": [lay.name for lay in chosen], "headings": counts["headings"],
                 "headings_found": counts["found"], "candidates": counts["candidates"],
                 "heldout_share": share},
        "heldout": heldout, "command": command,
    })
    report_progress("fitting", 2, 2)
    fit_seconds = time.process_time() - started
    with atomic_dir(out) as tmp:
        model.save(tmp)
        (tmp / "README.md").write_text(model_card(model.meta | {"params": model.params}), encoding="utf-8")
    return SegmenterReport(Path(out), documents, len(meetings), counts["headings"], counts["found"],
                           counts["candidates"], heldout, problems, skipped, few,
                           {"reading": read_seconds, "collecting": collect_seconds, "fitting": fit_seconds})


def model_card(meta: dict) -> str:
    """The README.md written beside a trained model (not checksummed: free to edit)."""
    data = meta.get("data", {})
    lines = [
        "# Model card: referat heading model (segmenter)",
        "",
        "Scores each candidate item heading that the layout families (configs/layouts/) propose:",
        "how likely the line is to start an agenda item. Its log-odds join the rules' score in",
        "the chain search (configs/segmenter.toml `[combine]`); see referat/segment/heading_model.py.",
        "",
        "| | |",
        "|---|---|",
        "| Backend | scikit-learn logistic regression (liblinear), "
        f"C = {meta.get('params', {}).get('C')}; {len(DENSE_FEATURES)} features the families compute + "
        f"2^{meta.get('params', {}).get('hash_bits')} hashed words |",
        f"| Trained | {meta.get('created')}, referat {meta.get('version')}, seed {meta.get('seed')} |",
        f"| Command | `{meta.get('command') or 'referat train segmenter'}` |",
        "| Format | `weights.npy`, `hashed.npy` (float64, read with `allow_pickle=False`), `meta.json` "
        "(feature names, intercept, data); `SHA256SUMS` verified at load; nothing here is executed. "
        "This card is not checksummed. |",
        "",
        "## Data",
        "",
        f"- Inputs: {', '.join(data.get('inputs', [])) or '(none)'}; {data.get('meetings')} meetings"
        + (f", {data.get('synthetic')} of them invented" if data.get("synthetic") else "") + ".",
        f"- Documents by layout: {', '.join(f'{k} {v}' for k, v in data.get('documents', {}).items())}.",
        f"- {data.get('headings')} labelled headings, {data.get('headings_found')} of them proposed by a layout "
        f"family; {data.get('candidates')} candidate lines in all.",
        "",
        "## Held-out figures",
        "",
        f"{data.get('heldout_share', 0):.0%} of the meetings (every rendering of them) held out, model fitted "
        "on the rest; items matched by number and letter as the shared scorer does; title and case are the "
        "agreement of the matched items; exact counts documents whose items all come out right.",
        "",
    ]
    heldout = meta.get("heldout") or {}
    if heldout.get("model"):
        lines += ["| layout | rules items F1 | model items F1 | rules title | model title | rules exact "
                  "| model exact |", "|---|---|---|---|---|---|---|"]
        for layout in heldout["model"]:
            rules, model = heldout["rules"][layout], heldout["model"][layout]
            lines.append(f"| {layout} | {rules['items_f1']:.3f} | {model['items_f1']:.3f} "
                         f"| {rules['title_acc']:.3f} | {model['title_acc']:.3f} "
                         f"| {rules['exact']}/{rules['documents']} | {model['exact']}/{model['documents']} |")
    else:
        lines.append("(no held-out documents: too little data)")
    lines += [
        "",
        "## How it is used, and its limits",
        "",
        "- `referat process` uses `models/segmenter` by default; `--segmenter rules` finds items by the",
        "  layout rules alone, `--segmenter DIR` uses a model trained with `referat train segmenter`.",
        "- The model only rescores lines a layout family proposes: a heading in a shape no family",
        "  knows is not found (`referat train segmenter` warns how many gold headings that leaves out).",
        "- Renderings share their words with the meetings they print: the held-out figures above are",
        "  for unseen meetings in the layouts trained on. `bench/eval_segmenter.py` holds out whole",
        "  layouts as well (leave one layout out), the better guide to layouts never seen.",
        "- A model weighs the rules' evidence terms by name; where the rules no longer compute a term",
        "  the model was trained with, the rules' scores stand and a warning says to retrain.",
        "",
    ]
    return "\n".join(lines)
