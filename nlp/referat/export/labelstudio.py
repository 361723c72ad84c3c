"""Label Studio tasks: a JSON list, one task per unit, referat's output as
`predictions` (span `labels` on the text, the item type as `choices`), so an
annotator corrects rather than starts over.

Beside `OUT` the export writes `OUT`'s stem + `.label_config.xml`, the
labelling interface to paste into the project settings. The import reads
Label Studio's JSON export: the latest annotation that was not cancelled, else
the predictions (a task nobody touched).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from referat import __version__
from referat.errors import InputError
from referat.export.units import META_KEY, Part, Unit, assemble, meta_of
from referat.model import ENTITY_LABELS, ITEM_TYPES, Document, Span

if TYPE_CHECKING:
    from referat.export import ExportSummary

SOURCE = "gold:labelstudio"
SPAN_CONTROL = "label"
TYPE_CONTROL = "type"


def config_path(out: Path) -> Path:
    """Where the labelling config for a task file goes."""
    return out.with_name(out.stem + ".label_config.xml")


def label_config(labels: Iterable[str]) -> str:
    """The labelling interface: span labels over the text, one item-type choice."""
    span_labels = "\n".join(f'    <Label value="{escape(label)}"/>' for label in labels)
    choices = "\n".join(f'    <Choice value="{escape(t)}"/>' for t in ITEM_TYPES)
    return (
        "<View>\n"
        f'  <Header value="$task"/>\n'
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
    with out.open("w", encoding="utf-8") as f:
        f.write("[\n")
        for n, unit in enumerate(summary.units_of(docs)):
            labels += sorted({s.label for s in unit.spans} - set(labels))
            f.write(("" if n == 0 else ",\n") + json.dumps(task(unit), ensure_ascii=False))
        f.write("\n]\n")
    config_path(out).write_text(label_config(labels), encoding="utf-8")


def read(path: Path, *, reviewed_only: bool = False) -> Iterator[Document]:
    return assemble(_parts(path), str(path), reviewed_only=reviewed_only)


def _parts(path: Path) -> Iterator[Part]:
    try:
        tasks = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise InputError(f"not JSON ({err.msg} at line {err.lineno}); expected Label Studio's "
                         "JSON export", path=str(path)) from None
    if isinstance(tasks, dict):
        tasks = [tasks]
    for number, entry in enumerate(tasks, 1):
        where = f"task {number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("data"), dict):
            raise InputError(f"{where}: not a Label Studio task (no 'data')", path=str(path))
        annotations = [a for a in entry.get("annotations") or [] if not a.get("was_cancelled")]
        chosen = annotations or entry.get("predictions") or [{}]
        spans, item_type = _results(chosen[-1].get("result") or [], str(path), where)
        yield Part(meta=meta_of(entry["data"], str(path), where), text=entry["data"].get("text", ""),
                   spans=spans, item_type=item_type, reviewed=bool(annotations))


def _results(results: list[dict[str, Any]], path: str, where: str) -> tuple[list[Span], str | None]:
    spans: list[Span] = []
    item_type = None
    for result in results:
        value = result.get("value") or {}
        if "labels" in value:
            if "start" not in value or "end" not in value:
                raise InputError(f"{where}: a labels result without start/end", path=path)
            spans.extend(Span(label, value["start"], value["end"], value.get("text") or "", source=SOURCE)
                         for label in value["labels"])
        elif "choices" in value:
            chosen = [c for c in value["choices"] if c in ITEM_TYPES]
            item_type = chosen[0] if chosen else item_type
    return spans, item_type
