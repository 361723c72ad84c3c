"""Training data (records, minutes, label files), distant supervision and `referat train`."""

from __future__ import annotations

import json

import pytest
from test_classify_rules import SECTIONS, minutes_doc
from typer.testing import CliRunner

from referat.classify import load_classifier
from referat.classify.data import (ExampleStats, collect_examples, expand_inputs, iter_documents,
                                   read_labels)
from referat.classify.distant import label_item
from referat.cli import app
from referat.errors import InputError
from referat.model import ITEM_TYPES, Classification

ORIENTERING = SECTIONS
BESLUTNING = {"Indstilling": "Forvaltningen indstiller, at planen godkendes.", "Beslutning": "Godkendt."}
DROEFTELSE = {"Indstilling": "at udvalget drøfter budgettet.", "Beslutning": "Drøftet."}
SILENT = {"Beslutning": "Udvalget ønsker en sag på et senere møde."}


def sample_doc(source: str = "udvalg-2024-01-08.txt"):
    doc = minutes_doc(("Status på rekruttering", ORIENTERING), ("Beskæftigelsespolitik", BESLUTNING),
                      ("Budget 2025 (D)", ORIENTERING), ("Artikel i avisen", SILENT),
                      ("Budgetdrøftelse", DROEFTELSE))
    doc.source = f"/data/{source}"
    return doc


def write_records(path, *docs):
    path.write_text("".join(json.dumps(d.to_dict(), ensure_ascii=False) + "\n" for d in docs),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize(("item", "expected"), [
    (0, ("orientering", "rules")), (1, ("beslutning", "rules")), (2, ("drøftelse", "marker")),
    (3, None), (4, ("drøftelse", "rules")),
], ids=["note", "approval", "marker-beats-words", "silent-left-unlabelled", "discussion"])
def test_distant_labels(item, expected):
    doc = sample_doc()
    found = label_item(doc, doc.items[item])
    assert (found.label, found.origin) == expected if expected else found is None


def test_collect_examples_distant_with_exclusion():
    stats = ExampleStats()
    examples = collect_examples([sample_doc()], exclude={("udvalg-2024-01-08.txt", 2)}, stats=stats)
    assert [(e.number, e.label, e.origin) for e in examples] == [
        (1, "orientering", "rules"), (3, "drøftelse", "marker"), (5, "drøftelse", "rules")]
    assert (stats.items, stats.excluded, stats.unlabelled) == (5, 1, 1)
    assert stats.to_dict()["by_label"] == {"orientering": 1, "beslutning": 0, "drøftelse": 2}
    assert all("(D)" not in e.text for e in examples)


def test_label_sources_in_order():
    doc = sample_doc()
    doc.items[0].type = "beslutning"  # a person corrected it
    doc.items[0].classification = Classification("beslutning", 1.0, {}, source="human")
    doc.items[1].type = "drøftelse"  # a model's guess: not a label
    doc.items[1].classification = Classification("drøftelse", 0.6, {}, source="model:linear@0.1.0")
    gold = {("udvalg-2024-01-08.txt", 4): "orientering"}
    auto = {e.number: (e.label, e.origin) for e in collect_examples([doc], gold=gold)}
    assert auto == {1: ("beslutning", "type"), 2: ("beslutning", "rules"), 3: ("drøftelse", "marker"),
                    4: ("orientering", "gold"), 5: ("drøftelse", "rules")}
    only_types = {e.number: e.origin for e in collect_examples([doc], labels="type")}
    assert only_types == {1: "type"}
    distant = {e.number: e.label for e in collect_examples([doc], labels="distant")}
    assert distant[1] == "orientering"
    with pytest.raises(ValueError, match="labels must be one of"):
        collect_examples([doc], labels="guess")


def test_read_labels_in_three_shapes(tmp_path):
    hand = tmp_path / "hand.jsonl"
    hand.write_text('{"file": "greve-x.json", "number": 3, "title": "T", "label": "drøftelse", '
                    '"reason": "theme meeting"}\n\n', encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"doc": "a/slagelse.txt", "items": [{"number": 1, "type": "beslutning"}, '
                    '{"number": 2, "type": null}]}\n', encoding="utf-8")
    records = write_records(tmp_path / "records.jsonl", sample_doc())
    assert read_labels(hand) == {("greve-x.json", 3): "drøftelse"}
    assert read_labels(gold) == {("slagelse.txt", 1): "beslutning"}
    assert read_labels(records) == {}  # no item has a type yet


@pytest.mark.parametrize(("line", "message"), [
    ('{"file": "x.json", "number": 1, "label": "afstemning"}', "unknown type"),
    ('{"file": "x.json"}', "line 1 is not a label record"),
    ("not json", "line 1: not JSON"),
], ids=["bad-type", "missing-fields", "not-json"])
def test_bad_label_file_names_file_and_line(tmp_path, line, message):
    path = tmp_path / "labels.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        read_labels(path)
    assert str(path) in str(err.value)


def test_bad_record_names_file_and_line(tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text('{"source": "x"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 1 is not a referat record"):
        list(iter_documents([path]))


def test_expand_inputs_takes_minutes_and_records_skips_hidden(tmp_path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.txt").write_text("x", encoding="utf-8")
    assert [p.name for p in expand_inputs([tmp_path])] == ["a.txt", "b.jsonl"]
    with pytest.raises(InputError, match="no such file"):
        expand_inputs([tmp_path / "missing"])


def test_raw_minutes_go_through_referat_reader(tmp_path):
    text = ("Referat\nSocialudvalget\n\n"
            "Punkt 1: Orientering om frikortet\n\nIndstilling\nForvaltningen indstiller, at "
            "orienteringen tages til efterretning.\n\nBeslutning Socialudvalget den 11-03-2019\n"
            "Taget til efterretning.\n\n"
            "Punkt 2: Godkendelse af kvalitetsstandard\n\nIndstilling\nForvaltningen indstiller, at "
            "standarden godkendes.\n\nBeslutning Socialudvalget den 11-03-2019\nGodkendt.\n")
    (tmp_path / "referat.txt").write_text(text, encoding="utf-8")
    examples = collect_examples(iter_documents([tmp_path]))
    assert [(e.doc, e.number, e.label) for e in examples] == [
        ("referat.txt", 1, "orientering"), ("referat.txt", 2, "beslutning")]


def test_referat_train_linear_from_records(tmp_path):
    docs = [sample_doc(f"udvalg-{i}.txt") for i in range(4)]
    records = write_records(tmp_path / "records.jsonl", *docs)
    out = tmp_path / "model"
    result = CliRunner().invoke(app, ["train", "types", str(records), "--out", str(out), "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "trained linear on 16 items" in result.output
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["seed"] == 3 and meta["data"]["inputs"] == ["records.jsonl"]
    assert meta["data"]["examples"]["unlabelled"] == 4 and meta["created"]
    classifier = load_classifier(str(out))
    doc = sample_doc()
    classifier.classify(doc)
    assert all(item.type in ITEM_TYPES for item in doc.items)


def test_referat_train_refuses_data_without_two_types(tmp_path):
    doc = minutes_doc(("Status", ORIENTERING), ("Frikort", ORIENTERING))
    records = write_records(tmp_path / "records.jsonl", doc)
    result = CliRunner().invoke(app, ["train", "types", str(records), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "at least two types" in result.output
    assert not (tmp_path / "m").exists()


def test_train_refuses_an_existing_model_without_force(tmp_path):
    records = write_records(tmp_path / "records.jsonl", *[sample_doc(f"u-{i}.txt") for i in range(4)])
    out = tmp_path / "model"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    refused = CliRunner().invoke(app, ["train", "types", str(records), "-o", str(out)])
    assert refused.exit_code == 2 and "use --force" in refused.output
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"  # untouched, nothing read first
    replaced = CliRunner().invoke(app, ["train", "types", str(records), "-o", str(out), "--force"])
    assert replaced.exit_code == 0, replaced.output
    assert not (out / "keep.txt").exists() and (out / "meta.json").is_file()


def test_train_writes_a_model_card_and_reports_progress(tmp_path):
    records = write_records(tmp_path / "records.jsonl", *[sample_doc(f"u-{i}.txt") for i in range(4)])
    out = tmp_path / "model"
    result = CliRunner().invoke(app, ["train", "types", str(records), "-o", str(out), "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert "referat train types: reading 1/1" in result.stderr  # not a terminal: progress lines
    assert "referat train types: fitting 1/1" in result.stderr
    card = (out / "README.md").read_text(encoding="utf-8")
    assert card.startswith("# Model card: referat item-type classifier (linear)")
    assert f"| Command | `referat train types {records} -o {out} --seed 2` |" in card
    assert "too few to hold 10% out" in card  # 16 items: no held-out part, and the card says so
    load_classifier(str(out))  # the card is not part of the checksummed files


def test_gold_labels_that_match_nothing_are_warned_about(tmp_path):
    records = write_records(tmp_path / "records.jsonl", *[sample_doc(f"u-{i}.txt") for i in range(4)])
    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"file": "u-1.txt", "number": 4, "label": "beslutning"}\n'
                      '{"file": "u-1.txt", "number": 9, "label": "beslutning"}\n'
                      '{"file": "greve-x.json", "number": 1, "label": "orientering"}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["train", "types", str(records), "-o", str(tmp_path / "m"),
                                      "--gold", str(labels)])
    assert result.exit_code == 0, result.output
    assert "WARNING: only 1 of 3 gold labels match an item of the inputs" in result.stderr
    assert "greve-x.json item 1: no such document among the inputs" in result.stderr
    assert "u-1.txt item 9: no item 9 in it" in result.stderr


def test_held_out_figures_and_calibration_with_enough_items(tmp_path):
    from referat.classify.training import train

    docs = [sample_doc(f"u-{i:02d}.txt") for i in range(60)]  # 240 labelled items
    records = write_records(tmp_path / "records.jsonl", *docs)
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(f'{{"file": "u-{i:02d}.txt", "number": 1, "label": "orientering"}}\n'
                            for i in range(60)), encoding="utf-8")
    report = train([records], tmp_path / "m", gold=gold, held_out=0.25, seed=1)
    assert report.held_out["all"]["n"] == 60 and report.examples == 180
    assert set(report.held_out) >= {"all", "gold", "rules"}
    meta = json.loads((tmp_path / "m" / "meta.json").read_text(encoding="utf-8"))
    assert meta["held_out"]["figures"]["all"]["accuracy"] == report.held_out["all"]["accuracy"]
    assert "default of configs/classifier.toml" in meta["calibration"]["fitted_on"]  # < 30 gold held out
    assert "## Held-out figures (25% of the labelled items" in (tmp_path / "m" / "README.md").read_text()


def test_split_held_out_is_stratified_and_seeded():
    from referat.classify.data import Example
    from referat.classify.training import split_held_out

    examples = [Example("d", i, "t", label, "rules") for i, label in
                enumerate(["orientering"] * 100 + ["beslutning"] * 60 + ["drøftelse"] * 3)]
    train_set, held = split_held_out(examples, 0.2, seed=0)
    assert sorted(e.label for e in held).count("orientering") == 20
    assert sum(e.label == "beslutning" for e in held) == 12
    assert sum(e.label == "drøftelse" for e in held) == 1 and len(train_set) + len(held) == 163
    assert split_held_out(examples, 0.2, seed=0) == (train_set, held)
    assert split_held_out(examples[:50], 0.2) == (examples[:50], [])  # 10 would be held out: too few


def test_item_records_train_like_documents(tmp_path):
    from referat.export.jsonl import item_records

    rows = [r for i in range(2) for r in item_records(sample_doc(f"u-{i}.txt"))]
    path = tmp_path / "items.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    stats = ExampleStats()
    from_items = collect_examples(iter_documents([path]), stats=stats)
    from_docs = collect_examples([sample_doc(f"u-{i}.txt") for i in range(2)])
    assert [(e.doc, e.number, e.label, e.text) for e in from_items] == \
        [(e.doc, e.number, e.label, e.text) for e in from_docs]
    assert stats.documents == 2
