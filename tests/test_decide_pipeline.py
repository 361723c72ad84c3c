"""Decisions through the whole pipeline: records, item records, schemas, the sample corpus, real minutes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from referat.cli import app
from referat.decide.evaluate import gold_items, predicted_items, score
from referat.pipeline import Options, Pipeline

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = REPO / "nlp" / "referat" / "schema"

MINUTES = """Teknik- og Miljøudvalget
Referat
Mødedato: 08.06.2020 kl. 16:00
Deltagere: Ole Vinding (V), Jette Lund (Ø), Per Holm (A)

1. Godkendelse af dagsorden
Sagsnr.: 20/100
Beslutning
Godkendt.

2. Cykelsti ved Åvej
Sagsnr.: 20/101
Indstilling
Administrationen indstiller, at projektet godkendes.
Beslutning
Anbefales.
Jette Lund (Ø) stemte imod.

3. Lukket: Køb af areal
Sagsnr.: 20/102
Beslutning
Beslutning ikke frigivet
"""


def _validator(name: str):
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


@pytest.fixture(scope="module")
def minutes_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("minutes") / "tmu-2020-06-08.txt"
    path.write_text(MINUTES, encoding="utf-8")
    return path


def test_document_records_carry_decisions(minutes_file, tmp_path):
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["process", str(minutes_file), "-o", str(out), "--decision-model", "rules"])
    assert result.exit_code == 0, result.output
    record = json.loads(out.read_text(encoding="utf-8"))
    _validator("document.schema.json").validate(record)
    decisions = [item["decision"] for item in record["items"]]
    assert [d and d["outcome"] for d in decisions] == ["godkendt", "anbefalet", None]
    vote = decisions[1]["votes"][0]
    assert record["text"][vote["start"]:vote["end"]] == "Jette Lund (Ø) stemte imod"
    assert record["text"][decisions[1]["start"]:decisions[1]["end"]] == decisions[1]["text"]


def test_item_records_carry_decisions_with_offsets_into_their_own_text(minutes_file, tmp_path):
    out = tmp_path / "items.jsonl"
    CliRunner().invoke(app, ["process", str(minutes_file), "-o", str(out), "--unit", "item",
                             "--decision-model", "rules"])
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    validator = _validator("item.schema.json")
    for record in records:
        validator.validate(record)
    decision = records[1]["decision"]
    assert records[1]["text"][decision["start"]:decision["end"]] == "Anbefales.\nJette Lund (Ø) stemte imod."
    vote = decision["votes"][0]
    assert records[1]["text"][vote["start"]:vote["end"]] == "Jette Lund (Ø) stemte imod"


def test_a_pipeline_without_decide_leaves_decisions_empty(minutes_file):
    doc = Pipeline(Options(annotate=False, classify=False, decide=False)).process(minutes_file)
    assert [item.decision for item in doc.items] == [None, None, None]


def test_a_bad_decision_model_is_reported_per_document(minutes_file, tmp_path):
    doc = Pipeline(Options(annotate=False, classify=False, decision_model=str(tmp_path / "nope"))
                   ).process(minutes_file)
    assert [p.code for p in doc.errors] == ["model"]


def test_sample_corpus_decisions_match_their_gold():
    gold_path = REPO / "corpora" / "gold" / "sample.jsonl"
    pipeline = Pipeline(Options(annotate=False, classify=False, decision_model="rules"))
    records = [pipeline.process(REPO / "corpora" / "minutes" / r["doc"]).to_dict()
               for r in map(json.loads, gold_path.read_text(encoding="utf-8").splitlines())]
    pred = {Path(r["source"]).name: {i["number"]: i for i in r["items"]} for r in records}
    figures = score(pred, gold_items(gold_path)).figures()
    assert (figures["outcome_acc"], figures["unanimous_acc"], figures["votes_F1"]) == (1.0, 1.0, 1.0)


# Real minutes: Greve council and committee meetings whose decisions the dev gold labels, chosen for
# their shapes (split party votes, a vote on disqualification, lists one name a line, sides stated
# after a count, a committee that abstains as a whole).
GREVE = ["greve-byraad-2022-2025-2023-09-04.json", "greve-oekonomiudvalget-2023-02-27.json",
         "greve-kultur-og-fritidsudvalget-2022-01-12.json", "greve-byraad-2022-2025-2022-03-07.json",
         "greve-plan-og-tryghedsudvalget-2024-08-13.json"]


@pytest.mark.slow
@pytest.mark.shared
def test_real_decisions_of_greve_meetings(shared_dir, tmp_path):
    paths = [shared_dir / "corpora" / "greve" / name for name in GREVE]
    out = tmp_path / "greve.jsonl"
    result = CliRunner().invoke(app, ["process", *map(str, paths), "-o", str(out)])
    assert result.exit_code == 0, result.output
    gold = [g for g in gold_items(shared_dir / "corpora" / "gold" / "decisions-dev.jsonl") if g["doc"] in GREVE]
    figures = score(predicted_items(out), gold).figures()
    assert len(gold) >= 8
    assert (figures["outcome_acc"], figures["votes_F1"]) == (1.0, 1.0)
