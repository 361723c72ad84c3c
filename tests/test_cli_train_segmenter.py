"""`referat train segmenter` end to end on a tiny set: records in, a heading model out, used by process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import referat
from referat.cli import app
from referat.pipeline import Options
from referat.segment.render import render, synthetic_meeting

LAYOUTS = "punkt-plain,numbered-echo,table-cells"


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> Path:
    """Records of six invented meetings, as `referat process` writes them (items checked: they are right)."""
    folder = tmp_path_factory.mktemp("records")
    lines = []
    for seed in range(6):
        path = folder / f"udvalg-{seed}.txt"
        path.write_text(render(synthetic_meeting(seed, 5), "punkt-plain").text, encoding="utf-8")
        doc = referat.process(path, Options(annotate=False, classify=False))
        assert len(doc.items) == 5
        lines.append(json.dumps(doc.to_dict(), ensure_ascii=False))
    out = folder / "checked.jsonl"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def train(*args) -> object:
    return CliRunner().invoke(app, ["train", "segmenter", *map(str, args)])


@pytest.fixture(scope="module")
def trained(records: Path, tmp_path_factory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("models") / "segmenter"
    return out, train(records, "--layouts", LAYOUTS, "-o", out)


def test_trains_a_model_with_card_and_checksums(trained) -> None:
    out, result = trained
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "SHA256SUMS", "hashed.npy", "meta.json",
                                                      "weights.npy"]
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["data"]["documents"] == {"numbered-echo": 6, "punkt-plain": 6, "records": 6, "table-cells": 6}
    assert meta["data"]["headings"] == 120 and meta["heldout"]["model"]["all"]["documents"] > 0
    assert "trained on 120 headings" in result.output and "held out" in result.output
    assert "WARNING: only 120 labelled headings" in result.output  # a tiny set is said loudly
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "Held-out figures" in card and "--layouts" in meta["command"] or meta["command"] == ""


def test_the_model_is_used_by_process(trained, tmp_path: Path) -> None:
    out, _ = trained
    path = tmp_path / "nyt-layout.txt"
    path.write_text(render(synthetic_meeting(40, 6), "edoc-aabent").text, encoding="utf-8")
    result = CliRunner().invoke(app, ["process", str(path), "--segmenter", str(out), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 0, result.output
    record = json.loads((tmp_path / "o.jsonl").read_text(encoding="utf-8"))
    assert [i["number"] for i in record["items"]] == [1, 2, 3, 4, 5, 6]


def test_refuses_to_overwrite_without_force(trained, records: Path) -> None:
    out, _ = trained
    before = (out / "weights.npy").read_bytes()
    result = train(records, "--layouts", "punkt-plain", "-o", out)
    assert result.exit_code == 2 and "exists; use --force" in result.output
    assert (out / "weights.npy").read_bytes() == before
    assert train(records, "--no-render", "-o", out, "--force").exit_code == 0
    assert (out / "weights.npy").read_bytes() != before


def test_bad_inputs_are_reported_and_the_rest_is_used(records: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "x", "items": [}\n', encoding="utf-8")
    not_portal = tmp_path / "other.json"
    not_portal.write_text('{"hello": 1}', encoding="utf-8")
    result = train(records, broken, not_portal, "--no-render", "-o", tmp_path / "m")
    assert result.exit_code == 1
    assert "broken.jsonl: line 1: not JSON" in result.output
    assert "other.json: not a FirstAgenda publication" in result.output
    assert (tmp_path / "m" / "meta.json").is_file()


@pytest.mark.parametrize(("args", "message"), [
    ((), "give RECORDS... or --synthetic N"),
    (("--synthetic", "2", "--layouts", "nope"), "unknown layout 'nope'"),
], ids=["nothing-to-train-on", "unknown-layout"])
def test_usage_errors(tmp_path: Path, args, message) -> None:
    result = train(*args, "-o", tmp_path / "m")
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "m").exists()


def test_output_that_is_an_input_is_refused(records: Path) -> None:
    result = train(records.parent, "-o", records.parent, "--force")
    assert result.exit_code == 2 and "is also an input" in result.output


def test_invented_meetings_alone(tmp_path: Path) -> None:
    result = train("--synthetic", "4", "--layouts", "punkt-plain,number-alone", "-o", tmp_path / "m")
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "m" / "meta.json").read_text())["data"]["synthetic"] == 4
