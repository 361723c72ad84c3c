"""The one output policy: refuse what must not be written, replace atomically."""

from __future__ import annotations

import os

import pytest

from referat.outputs import OutputRefused, atomic_dir, atomic_file, check_target


def test_a_new_target_in_an_existing_folder_passes(tmp_path):
    check_target(tmp_path / "out.jsonl")
    check_target("-")


def test_an_existing_file_needs_force(tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    with pytest.raises(OutputRefused, match="--force"):
        check_target(target)
    check_target(target, force=True)


def test_an_input_is_never_an_output_even_with_force(tmp_path):
    target = tmp_path / "records.jsonl"
    target.write_text("{}\n")
    link = tmp_path / "alias.jsonl"
    link.symlink_to(target)
    with pytest.raises(OutputRefused, match="also an input"):
        check_target(link, inputs=[target], force=True)


@pytest.mark.parametrize("make", [
    pytest.param(lambda p: os.mkfifo(p), id="fifo"),
    pytest.param(lambda p: p.mkdir(), id="folder"),
])
def test_a_target_that_is_not_a_regular_file_is_refused(tmp_path, make):
    target = tmp_path / "out.jsonl"
    make(target)
    with pytest.raises(OutputRefused, match="refusing"):
        check_target(target, force=True)


def test_a_device_node_is_refused():
    with pytest.raises(OutputRefused, match="not a regular file"):
        check_target("/dev/null", force=True)


def test_a_model_folder_target_must_be_a_folder(tmp_path):
    target = tmp_path / "model"
    target.write_text("not a folder")
    with pytest.raises(OutputRefused, match="is a file"):
        check_target(target, force=True, directory=True)


def test_a_missing_parent_folder_is_named(tmp_path):
    with pytest.raises(OutputRefused, match="does not exist"):
        check_target(tmp_path / "nowhere" / "out.jsonl")


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_file(target) as f:
        f.write(b"half")
        raise RuntimeError("disk full")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_a_finished_write_replaces_the_file(tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    with atomic_file(target, "w", encoding="utf-8") as f:
        f.write("new\n")
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_a_model_folder_is_replaced_whole_or_not_at_all(tmp_path):
    target = tmp_path / "model"
    target.mkdir()
    (target / "old.json").write_text("{}")
    with pytest.raises(RuntimeError), atomic_dir(target) as tmp:
        (tmp / "new.json").write_text("{}")
        raise RuntimeError("training failed")
    assert sorted(p.name for p in target.iterdir()) == ["old.json"]
    with atomic_dir(target) as tmp:
        (tmp / "new.json").write_text("{}")
    assert sorted(p.name for p in target.iterdir()) == ["new.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]
