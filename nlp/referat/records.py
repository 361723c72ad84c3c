"""Reading JSONL: one reader whose errors name the file and the line.

Every JSONL input referat takes — its own records, gold files, hand labels,
Prodigy and doccano exports — goes through `read_records`, so a broken line is
reported the same way everywhere and never as a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from referat.errors import InputError


def read_records(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, JSON object) for each non-blank line of a JSONL file."""
    name = str(path)
    try:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as err:
                    raise InputError(f"line {number}: not JSON ({err.msg})", path=name) from None
                if not isinstance(record, dict):
                    raise InputError(f"line {number}: not a JSON object", path=name)
                yield number, record
    except UnicodeDecodeError as err:
        raise InputError("not UTF-8 JSONL", path=name) from err
    except FileNotFoundError as err:
        raise InputError("no such file", path=name) from err
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", path=name) from err
