"""The one JSONL reader: records with their line numbers, errors that name file and line."""

from __future__ import annotations

import pytest

from referat.errors import InputError
from referat.records import read_records


def test_records_come_with_their_line_numbers_and_blank_lines_are_skipped(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"doc": "a.txt"}\n\n{"doc": "b.txt"}\n', encoding="utf-8")
    assert list(read_records(path)) == [(1, {"doc": "a.txt"}), (3, {"doc": "b.txt"})]


@pytest.mark.parametrize(("content", "message"), [
    (b'{"doc": "a.txt"}\n{"doc": \n', "line 2: not JSON"),
    (b'{"doc": "a.txt"}\n[1, 2]\n', "line 2: not a JSON object"),
    (b'{"doc": "\xe6"}\n', "not UTF-8 JSONL"),
], ids=["broken-line", "array-line", "latin-1"])
def test_a_bad_file_is_an_input_error_naming_file_and_line(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as caught:
        list(read_records(path))
    assert caught.value.path == str(path)


def test_a_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(read_records(tmp_path / "absent.jsonl"))
