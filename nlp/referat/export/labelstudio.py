"""Label Studio: tasks out with referat's output as `predictions`, annotations back in.

The export is a JSON list, one task per unit (`data.text`, `data.task`, and
`data.referat`, the unit's identity), with one prediction per task: span
`labels` on the text and the item type as `choices`, so an annotator corrects
rather than starts over. Beside `OUT` goes `OUT`'s stem + `.label_config.xml`,
the labelling interface to paste into the project settings (Settings →
Labeling Interface → Code).

The import reads what Label Studio 1.x exports (Export → JSON, or JSON_MIN):

- per task, the latest annotation that was not cancelled (by `updated_at`,
  then `created_at`, then id); with `annotator`, the latest of that
  annotator's (`completed_by` as an id, or an object with `id`/`email`);
- a task every annotator skipped (`was_cancelled`), or nobody annotated,
  keeps its predictions, or, where the export holds prediction ids only
  (`"predictions": [286]`), the output referat exported, which the task's
  metadata carries; `reviewed_only` leaves such tasks out;
- `labels` results are spans (several labels on one region give a span
  each); `choices` from the item-type control are the type; relations and
  other results (text areas, ratings) are skipped and counted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from referat import __version__
from referat.errors import InputError
from referat.export.report import ImportReport
from referat.export.units import META_KEY, Part, Unit, meta_of, new_span
from referat.model import ENTITY_LABELS, ITEM_TYPES, Document, Span
from referat.outputs import atomic_file

if TYPE_CHECKING:
    from referat.export import ExportSummary

TARGET = "file"
SOURCE = "gold:labelstudio"
SPAN_CONTROL = "label"
TYPE_CONTROL = "type"
JSON_MIN_KEYS = ("annotator", "annotation_id")  # keys JSON_MIN adds to a task's data


def config_path(out: Path) -> Path:
    """Where the labelling config for a task file goes."""
    return out.with_name(out.stem + ".label_config.xml")


def extra_targets(out: Path) -> list[Path]:
    return [config_path(out)]


def label_config(labels: Iterable[str]) -> str:
    """The labelling interface: span labels over the text, one item-type choice."""
    span_labels = "\n".join(f'    <Label value="{escape(label)}"/>' for label in labels)
    choices = "\n".join(f'    <Choice value="{escape(t)}"/>' for t in ITEM_TYPES)
    return (
        "<View>\n"
        '  <Header value="$task"/>\n'
        f'  <Labels name="{SPAN_CONTROL}" toName="text">\n{span_labels}\n  </Labels>\n'
        '  <Text name="text" value="$text"/>\n'
        f'  <Choices name="{TYPE_CONTROL}" toName="text" choice="single" showInline="true">\n'
        f"{choices}\n  </Choices>\n"
        "</View>\n"
    )


def task(unit: Unit) -> dict[str, Any]:
    results: list[dict[str, Any]] = [
        {"id": f"s{i}", "from_name": SPAN_CONTROL, "to_name": "text", "type": "labels",
         "value": {"start": s.start, "end": s.end, "text": s.text, "labels": [s.label]}}
        for i, s in enumerate(unit.spans)
    ]
    if unit.item_type:
        results.append({"id": "type", "from_name": TYPE_CONTROL, "to_name": "text", "type": "choices",
                        "value": {"choices": [unit.item_type]}})
    prediction: dict[str, Any] = {"model_version": f"referat {__version__}", "result": results}
    if unit.item and unit.item.classification:
        prediction["score"] = unit.item.classification.score
    return {"data": {"text": unit.text, "task": unit.caption, META_KEY: unit.meta()},
            "predictions": [prediction]}


def write(docs: Iterable[Document], out: Path, summary: ExportSummary) -> None:
    labels = list(ENTITY_LABELS)
    with atomic_file(out, "w", encoding="utf-8") as f:
        f.write("[\n")
        for n, unit in enumerate(summary.units_of(docs)):
            labels += sorted({s.label for s in unit.spans} - set(labels))
            f.write(("" if n == 0 else ",\n") + json.dumps(task(unit), ensure_ascii=False))
        f.write("\n]\n")
    with atomic_file(config_path(out), "w", encoding="utf-8") as f:
        f.write(label_config(labels))


def _tasks(path: Path) -> list[Any]:
    try:
        tasks = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise InputError(f"not JSON ({err.msg} at line {err.lineno}); expected Label Studio's "
                         "JSON or JSON_MIN export", path=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text; expected Label Studio's JSON export", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("a folder; expected Label Studio's JSON export file", path=str(path)) from None
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise InputError("not a list of tasks; expected Label Studio's JSON export", path=str(path))
    return tasks


def parts(path: Path, report: ImportReport, *, annotator: str | None = None) -> Iterator[Part]:
    """The annotated units of one export file (see the module docstring)."""
    for number, entry in enumerate(_tasks(path), 1):
        report.read_record()
        where = f"task {entry.get('id', number) if isinstance(entry, dict) else number}"
        if not isinstance(entry, dict):
            report.skip_record("not a task (no JSON object)", where, fault=True)
            continue
        data = entry.get("data")
        if isinstance(data, dict):
            part = _from_json(entry, data, report, where, annotator)
        elif META_KEY in entry:
            part = _from_json_min(entry, report, where, annotator)
        else:
            report.skip_record("not a Label Studio task (no 'data')", where, fault=True)
            continue
        if part is not None:
            yield part


def _from_json(entry: dict[str, Any], data: dict[str, Any], report: ImportReport, where: str,
               annotator: str | None) -> Part | None:
    meta = meta_of(data, report, where)
    if meta is None:
        return None
    text = data.get("text", "")
    annotations = [a for a in entry.get("annotations") or entry.get("completions") or []
                   if isinstance(a, dict)]
    live = [a for a in annotations if not a.get("was_cancelled")]
    if annotator is not None:
        live = [a for a in live if _by(a.get("completed_by"), annotator)]
    if live:
        if len(live) > 1:
            report.note("tasks with several annotations: the latest taken" if annotator is None
                        else f"tasks with several annotations by {annotator}: the latest taken")
        chosen = max(enumerate(live), key=lambda pair: _recency(pair[1], pair[0]))[1]
        spans, item_type, typed = _results(chosen.get("result") or [], report, where)
        return Part(meta=meta, text=text, spans=spans, item_type=item_type, typed=typed, where=where)
    if annotations and annotator is None:
        report.note("tasks every annotator skipped: referat's predictions kept "
                    "(--reviewed-only leaves them out)")
    elif annotations:
        report.note(f"tasks {annotator} did not annotate: referat's predictions kept "
                    "(--reviewed-only leaves them out)")
    else:
        report.note("tasks nobody annotated: referat's predictions kept (--reviewed-only leaves them out)")
    return _predicted(entry, meta, text, report, where)


def _predicted(entry: dict[str, Any], meta: dict[str, Any], text: str, report: ImportReport,
               where: str) -> Part:
    """A task nobody answered: what referat exported (which its metadata carries, so
    predictions exported as ids only lose nothing), or another model's prediction."""
    predictions = entry.get("predictions") or []
    others = [p for p in predictions
              if isinstance(p, dict) and not str(p.get("model_version", "")).startswith("referat")]
    if predictions and all(isinstance(p, int) for p in predictions):
        report.note("tasks whose predictions are ids only: referat's exported output used")
    spans = None
    if others:
        spans = _results(others[-1].get("result") or [], report, where)[0]
        report.note("unanswered tasks with another model's prediction: its spans used")
    return Part(meta=meta, text=text, spans=spans, item_type=None, typed=False, reviewed=False,
                where=where)


def _from_json_min(entry: dict[str, Any], report: ImportReport, where: str,
                   annotator: str | None) -> Part | None:
    """A JSON_MIN task: data keys and each control's value at the top level."""
    meta = meta_of(entry, report, where)
    if meta is None:
        return None
    text = entry.get("text", "")
    answered = any(key in entry for key in JSON_MIN_KEYS)
    if annotator is not None and answered and not _by(entry.get("annotator"), annotator):
        answered = False
    if not answered:
        report.note("tasks nobody annotated: referat's exported output kept "
                    "(--reviewed-only leaves them out)")
        return Part(meta=meta, text=text, spans=None, item_type=None, typed=False, reviewed=False,
                    where=where)
    spans: list[Span] = []
    regions = entry.get(SPAN_CONTROL) or []
    report.read_spans(sum(len(r.get("labels") or []) for r in regions if isinstance(r, dict)))
    for region in regions:
        spans.extend(_region_spans(region, report, where))
    choice = entry.get(TYPE_CONTROL)
    if isinstance(choice, dict):
        choice = choice.get("choices")
    if isinstance(choice, list):
        choice = choice[0] if choice else None
    return Part(meta=meta, text=text, spans=spans, item_type=choice, typed=TYPE_CONTROL in entry,
                where=where)


def _region_spans(value: Any, report: ImportReport, where: str) -> list[Span]:
    if not isinstance(value, dict) or not isinstance(value.get("labels"), list):
        report.skip_span("span result without labels", where, fault=True)
        return []
    spans = [new_span(label, value.get("start"), value.get("end"), value.get("text"), SOURCE,
                      report, where) for label in value["labels"]]
    return [s for s in spans if s is not None]


def _results(results: list[Any], report: ImportReport, where: str
             ) -> tuple[list[Span], str | None, bool]:
    """Spans, the item type and whether the type was answered, from one result list."""
    spans: list[Span] = []
    item_type: str | None = None
    typed = False
    for result in results:
        if not isinstance(result, dict):
            report.skip_span("result that is no JSON object", where, fault=True)
            continue
        kind = result.get("type")
        value = result.get("value") or {}
        if kind == "relation":
            report.skip_span("relations (referat has none)")
        elif kind == "labels" or (kind is None and "labels" in value):
            report.read_spans(len(value.get("labels") or []) or 1)
            spans.extend(_region_spans(value, report, where))
        elif kind == "choices" or (kind is None and "choices" in value):
            if result.get("from_name") not in (TYPE_CONTROL, None) and \
                    not set(value.get("choices") or []) & set(ITEM_TYPES):
                report.skip_span(f"choices of another control ({result.get('from_name')})")
                continue
            chosen = value.get("choices") or []
            item_type, typed = (chosen[0] if chosen else None), True
        else:
            report.skip_span(f"{kind or 'untyped'} results (not used by referat)")
    return spans, item_type, typed


def _by(completed_by: Any, annotator: str) -> bool:
    """Whether an annotation's `completed_by` (id, email or user object) is `annotator`."""
    if isinstance(completed_by, dict):
        return annotator in {str(completed_by.get("id")), str(completed_by.get("email"))}
    return str(completed_by) == annotator


def _recency(annotation: dict[str, Any], index: int) -> tuple:
    """Sort key: latest update, then creation, then id, then position in the file."""
    ident = annotation.get("id")
    return (str(annotation.get("updated_at") or ""), str(annotation.get("created_at") or ""),
            ident if isinstance(ident, int) else -1, index)
