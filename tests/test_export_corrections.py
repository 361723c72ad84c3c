"""`referat import --format review`: the review page's corrections as gold records,
each record checked against its own text (the browser tests drive the page)."""

from __future__ import annotations

import json

import pytest
from _docs import amiu_2019, fjordby_2021

from referat.export import import_annotations


def saved(doc, change=None, *, touched=(2,)):
    """A record as the page's "Save corrections" writes it."""
    record = doc.to_dict()
    for item in record["items"]:
        if item["number"] in touched:
            item["review"] = {"reviewed": True, "changed": [], "spans": {"added": 0, "relabelled": 0, "deleted": 0}}
    if change:
        change(record)
    record["review"] = {"page": "referat review 0.1.0", "saved": "2024-05-03T10:00:00Z",
                        "records": "minutes.jsonl", "outside": None}
    return record


def write(tmp_path, records):
    path = tmp_path / "minutes.corrections.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_reviewed_items_become_a_persons_labels(tmp_path):
    def change(record):
        budget = record["items"][1]
        budget["type"] = "beslutning"
        budget["decision"]["outcome"] = "godkendt"
        budget["review"]["changed"] = ["type", "decision"]

    imported = import_annotations(write(tmp_path, [saved(fjordby_2021(), change)]), "review")
    (gold,) = imported
    first, budget, sale = gold.items
    assert (budget.type, budget.classification.source, budget.decision.outcome) == ("beslutning", "human", "godkendt")
    assert (first.classification.source, sale.classification.source) == ("rules", "rules")  # nobody looked
    notes = imported.report.notes
    assert (notes["items reviewed or changed"], notes["items with a changed type"]) == (1, 1)
    assert not imported.report.failed


def test_reviewed_only_keeps_the_items_a_person_touched(tmp_path):
    records = [saved(fjordby_2021()), saved(amiu_2019(), touched=())]
    imported = import_annotations(write(tmp_path, records), "review", reviewed_only=True)
    (gold,) = imported
    assert [i.number for i in gold.items] == [2]
    assert imported.report.skipped_records == {"item nobody reviewed or changed (--reviewed-only)": 5}


@pytest.mark.parametrize("change, reason", [
    (lambda r: r["items"][1]["entities"][0].update(text="Noget andet"), "span text differs"),
    (lambda r: r["items"][1]["entities"][0].update(end=10**6), "span offsets outside the document text"),
    (lambda r: r["items"][1].update(type="vedtaget"), "unknown item type"),
    (lambda r: r["items"][1]["decision"].update(outcome="vedtaget"), "unknown decision outcome"),
    (lambda r: r["items"][1].update(end=10**6), "item offsets outside the document text"),
], ids=["span-text", "span-offsets", "type", "outcome", "item-offsets"])
def test_faults_are_reported_and_the_rest_kept(tmp_path, change, reason):
    imported = import_annotations(write(tmp_path, [saved(fjordby_2021(), change)]), "review")
    (gold,) = imported
    assert len(gold.items) >= 2 and gold.entities
    assert imported.report.failed and any(f.startswith(reason) for f in imported.report.faults)


def test_a_file_the_page_did_not_write_is_reported(tmp_path):
    path = write(tmp_path, [{"text": "Godkendt."}])
    imported = import_annotations(path, "review")
    assert list(imported) == [] and imported.report.failed
