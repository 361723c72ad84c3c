"""Arrow types shared by the Parquet and Hugging Face exports: a normalised value
as a typed struct, not a JSON string.

A `norm` differs by label (`{"value": 20000000.0, "currency": "DKK"}`,
`{"act": "aktivloven", "section": "13 d", "subsection": "5"}`,
`{"name": ..., "party": ...}`), so the struct has a field per key referat's
annotators write, numbers as float64 and the rest as strings; `keys` lists
the keys the value had (some are null on purpose: a LAW without a section),
and `extra` holds, as JSON, keys of other annotators the struct does not
know. `norm_from_row` gives back exactly the dict that went in.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

NUMBER_KEYS = ("value", "max")
TEXT_KEYS = ("currency", "act", "section", "subsection", "number", "litra", "name", "party",
             "letter", "kind")
VALUE_TEXT = "value_text"  # a string `value` (a case number's) goes here, so `value` stays a number


def norm_type():
    import pyarrow as pa

    return pa.struct([(key, pa.float64()) for key in NUMBER_KEYS]
                     + [(VALUE_TEXT, pa.string())]
                     + [(key, pa.string()) for key in TEXT_KEYS]
                     + [("keys", pa.list_(pa.string())), ("extra", pa.string())])


def span_type():
    import pyarrow as pa

    return pa.struct([("label", pa.string()), ("start", pa.int32()), ("end", pa.int32()),
                      ("text", pa.string()), ("source", pa.string()), ("norm", norm_type())])


def norm_row(norm: dict[str, Any] | None) -> dict[str, Any] | None:
    """A normalised value as the struct holds it (None stays None)."""
    if norm is None:
        return None
    row: dict[str, Any] = {key: None for key in (*NUMBER_KEYS, VALUE_TEXT, *TEXT_KEYS)}
    extra: dict[str, Any] = {}
    for key, value in norm.items():
        if key == "value" and isinstance(value, str):
            row[VALUE_TEXT] = value
        elif key in NUMBER_KEYS and isinstance(value, (int, float)) and not isinstance(value, bool):
            row[key] = float(value)
        elif key in TEXT_KEYS and (value is None or isinstance(value, str)):
            row[key] = value
        elif value is not None:
            extra[key] = value
    row["keys"] = list(norm)
    row["extra"] = json.dumps(extra, ensure_ascii=False) if extra else None
    return row


def norm_from_row(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """The normalised value a struct row was made from."""
    if row is None:
        return None
    extra = json.loads(row["extra"]) if row.get("extra") else {}
    norm: dict[str, Any] = {}
    for key in row.get("keys") or []:
        if key in extra:
            norm[key] = extra[key]
        elif key == "value" and row.get(VALUE_TEXT) is not None:
            norm[key] = row[VALUE_TEXT]
        else:
            norm[key] = row.get(key)
    return norm


def span_row(span) -> dict[str, Any]:
    return {"label": span.label, "start": span.start, "end": span.end, "text": span.text,
            "source": span.source, "norm": norm_row(span.norm)}


def as_date(value: str | None) -> dt.date | None:
    """An ISO date as a date; None where there is none or it is no full date."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
