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


def read_records(path: str | Path, broken: list[str] | None = None
                 ) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, JSON object) for each non-blank line of a JSONL file.

    A line that is not a JSON object raises `InputError`; with a `broken` list,
    it is noted there instead ("line N: why") and the reading goes on.
    """
    name = str(path)
    try:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as err:
                    problem = f"line {number}: not JSON ({err.msg})"
                else:
                    if isinstance(record, dict):
                        yield number, record
                        continue
                    problem = f"line {number}: not a JSON object"
                if broken is None:
                    raise InputError(problem, path=name)
                broken.append(problem)
    except UnicodeDecodeError as err:
        raise InputError("not UTF-8 JSONL", path=name) from err
    except FileNotFoundError as err:
        raise InputError("no such file", path=name) from err
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", path=name) from err
