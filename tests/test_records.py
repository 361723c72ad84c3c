"""The one JSONL reader: records with their line numbers, errors that name file and line."""

from __future__ import annotations

import pytest

from referat.errors import InputError
from referat.records import document_problem, read_records


def test_records_come_with_their_line_numbers_and_blank_lines_are_skipped(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"doc": "a.txt"}\n\n{"doc": "b.txt \\ud83d\\ude00 \\\\ud800"}\n', encoding="utf-8")
    assert list(read_records(path)) == [(1, {"doc": "a.txt"}), (3, {"doc": "b.txt \U0001f600 \\ud800"})]


@pytest.mark.parametrize(("content", "message"), [
    (b'{"doc": "a.txt"}\n{"doc": \n', "line 2: not JSON"),
    (b'{"doc": "a.txt"}\n[1, 2]\n', "line 2: not a JSON object"),
    (b'{"doc": "a.txt"}\n{"doc": "\xe6"}\n', "line 2: not UTF-8"),
    (b'{"n": ' + b"9" * 5000 + b'}\n', "line 1: not JSON referat reads"),
    (b'{"doc": "a.txt"}\n{"doc": "b.t', "line 2: not JSON \\(a truncated line\\?\\)"),
    (b'{"doc": "a.txt"}\n{"doc": "\\ud800.txt"}\n', "line 2: a lone surrogate escape"),
], ids=["broken-line", "array-line", "latin-1", "5000-digit-integer", "truncated", "lone-surrogate"])
def test_a_bad_file_is_an_input_error_naming_file_and_line(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as caught:
        list(read_records(path))
    assert caught.value.path == str(path)


def test_a_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(read_records(tmp_path / "absent.jsonl"))


def test_with_a_list_for_problems_bad_lines_are_named_and_the_rest_read(tmp_path):
    path = tmp_path / "edited.jsonl"
    path.write_bytes(b'{"doc": "a.txt"}\n{"doc": \n[1]\n{"doc": "b.txt"}\n{"doc": "c')
    problems: list[str] = []
    assert list(read_records(path, problems)) == [(1, {"doc": "a.txt"}), (4, {"doc": "b.txt"})]
    assert [p.split(" (")[0] for p in problems] == ["line 2: not JSON", "line 3: not a JSON object",
                                                    "line 5: not JSON"]
    assert "(a truncated line?)" in problems[2]


def test_document_problem_checks_the_schema():
    from _docs import amiu_2019

    record = amiu_2019().to_dict()
    assert document_problem(record) is None
    record["items"][1]["entities"][0]["start"] = -1
    assert document_problem(record) == ("not a valid document record: items/1/entities/0/start: "
                                        "must be bigger than or equal to 0")
    assert document_problem({"doc_id": "x", "number": 1, "title": "t"}).startswith("an item record")
