"""Reading JSONL: one reader whose errors name the file and the line.

Every JSONL input referat takes — its own records, gold files, hand labels,
Prodigy and doccano exports — goes through `read_records`, so a broken line is
reported the same way everywhere and never as a traceback. Commands that read
referat's own document records (review, export, index) also check each record
against the document schema (`document_problem`), so that a hand-edited or
damaged record is named and left out, not a crash in the middle of a writer.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from referat.errors import InputError

_SHOWN = 160  # characters of a bad value shown in a message
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def read_records(path: str | Path, problems: list[str] | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, JSON object) for each non-blank line of a JSONL file.

    A bad line raises InputError, or, where `problems` is given, is noted there
    ("line N: why") and skipped, so that the rest of the file is read.
    """
    name = str(path)
    try:
        with open(path, "rb") as f:
            for number, raw in enumerate(f, 1):
                if not raw.strip():
                    continue
                problem = None
                try:
                    record = json.loads(raw.decode("utf-8"))
                except UnicodeDecodeError:
                    problem = "not UTF-8"
                except json.JSONDecodeError as err:
                    cut = " (a truncated line?)" if not raw.endswith(b"\n") else ""
                    problem = f"not JSON{cut} ({err.msg})"
                except (RecursionError, ValueError) as err:  # nested too deep; an integer over 4,300 digits
                    problem = f"not JSON referat reads ({_short(str(err))})"
                else:
                    if not isinstance(record, dict):
                        problem = "not a JSON object"
                    elif _SURROGATE_ESCAPE.search(raw) and _has_lone_surrogate(record):
                        problem = "a lone surrogate escape (\\ud800-\\udfff): no character, nothing can write it"
                if problem is None:
                    yield number, record
                elif problems is None:
                    raise InputError(f"line {number}: {problem}", path=name)
                else:
                    problems.append(f"line {number}: {problem}")
    except FileNotFoundError as err:
        raise InputError("no such file", path=name) from err
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", path=name) from err


def _has_lone_surrogate(record: dict[str, Any]) -> bool:
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def document_problem(record: dict[str, Any]) -> str | None:
    """Why `record` is no valid referat document record (None: it is one)."""
    if "number" in record and "title" in record:
        return "an item record; this takes document records (`referat process --unit document`)"
    missing = [k for k in ("source", "sha256", "format") if not isinstance(record.get(k), str)]
    if missing:
        return f"not a referat document record (no {missing[0]!r}); expected the output of `referat process`"
    import fastjsonschema

    try:
        _document_validator()(record)
    except fastjsonschema.JsonSchemaValueException as err:
        where = "/".join(str(p) for p in err.path[1:]) or "the record"
        said = err.message[len(err.name):].strip() if err.message.startswith(err.name) else err.message
        return f"not a valid document record: {where}: {_short(said)}"
    return None


@functools.cache
def _document_validator():
    """The document schema compiled to Python (about 1 ms a record of 100 entities;
    jsonschema's interpreter takes fifty times as long).

    Fields the schema does not know are let through here: what referat reads must be
    right, but a record may carry more (a later version's field, a tool's note), and
    `Document.from_dict` leaves those alone.
    """
    import fastjsonschema

    schema = json.loads((Path(__file__).parent / "schema" / "document.schema.json").read_text(encoding="utf-8"))
    return fastjsonschema.compile(_open(schema))


def _open(schema: Any) -> Any:
    """The schema without its `additionalProperties: false`."""
    if isinstance(schema, dict):
        return {k: _open(v) for k, v in schema.items() if not (k == "additionalProperties" and v is False)}
    if isinstance(schema, list):
        return [_open(v) for v in schema]
    return schema


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"
