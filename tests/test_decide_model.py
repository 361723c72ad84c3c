"""The outcome model: numpy at run time equals scikit-learn, plain-data files, checksums, distant labels."""

from __future__ import annotations

import json

import numpy as np
import pytest

from _decisions import decide, minutes
from referat.decide import Decider
from referat.decide.linear import TOKEN, OutcomeModel, model_text, ngrams
from referat.decide.training import collect, read_item_keys
from referat.errors import ModelError
from referat.model import OUTCOMES

TEXTS = ["titel_orientering orienteringen om status", "byrådet økonomiudvalgets indstilling",
         "udvalget sagen administrationen tilbage", "titel_orientering orienteringen om budget",
         "byrådet økonomiudvalgets indstilling punkt", "udvalget sagen administrationen igen"]
LABELS = ["taget_til_efterretning", "godkendt", "udsat", "taget_til_efterretning", "godkendt", "udsat"]
PARAMS = {"max_ngram": 2, "min_df": 1, "max_features": 1000, "C": 10.0, "max_iter": 500,
          "class_weight": "balanced"}


@pytest.fixture(scope="module")
def model() -> OutcomeModel:
    return OutcomeModel(params=PARAMS).fit(TEXTS, LABELS, seed=0)


def test_numpy_features_equal_scikit_learn():
    from sklearn.feature_extraction.text import TfidfVectorizer

    model = OutcomeModel(params=PARAMS)
    vectorizer = TfidfVectorizer(token_pattern=TOKEN, ngram_range=(1, 2), min_df=1, sublinear_tf=True)
    expected = vectorizer.fit_transform(TEXTS + ["orienteringen om om status ukendt"]).toarray()
    model.vocabulary = {t: int(i) for t, i in vectorizer.vocabulary_.items()}
    model.idf = vectorizer.idf_
    assert np.allclose(model.features(TEXTS + ["orienteringen om om status ukendt"]), expected)


def test_ngrams_are_words_and_word_pairs():
    assert ngrams("Byrådet godkendte 2") == ["byrådet", "godkendte", "2", "byrådet godkendte", "godkendte 2"]


def test_fit_predict_save_load(tmp_path):
    fitted = OutcomeModel(params=PARAMS).fit(TEXTS, LABELS, seed=0)
    assert fitted.predict("orienteringen om noget nyt")[0] == "taget_til_efterretning"
    fitted.save(tmp_path / "m")
    loaded = OutcomeModel.load(tmp_path / "m")
    assert np.allclose(loaded.predict_proba(TEXTS), fitted.predict_proba(TEXTS))
    meta = json.loads((tmp_path / "m" / "meta.json").read_text())
    assert meta["labels"] == list(OUTCOMES) and meta["backend"] == "outcome-linear"
    assert not any(p.suffix in (".pkl", ".pickle", ".joblib") for p in (tmp_path / "m").iterdir())


def test_same_data_and_seed_give_the_same_arrays(tmp_path):
    for name in ("a", "b"):
        OutcomeModel(params=PARAMS).fit(TEXTS, LABELS, seed=3).save(tmp_path / name)
    for array in ("coef.npy", "idf.npy", "intercept.npy", "vocab.json"):
        assert (tmp_path / "a" / array).read_bytes() == (tmp_path / "b" / array).read_bytes()


def test_a_changed_model_file_is_refused(tmp_path, model):
    model.save(tmp_path / "m")
    coef = np.load(tmp_path / "m" / "coef.npy")
    np.save(tmp_path / "m" / "coef.npy", coef * 2)
    with pytest.raises(ModelError, match="does not match its sha256"):
        OutcomeModel.load(tmp_path / "m")


def test_an_item_type_model_is_no_outcome_model(tmp_path, model):
    model.save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "meta.json").read_text())
    assert meta["backend"] != "linear"
    from referat.classify.base import read_meta

    with pytest.raises(ModelError, match="model labels"):
        read_meta(tmp_path / "m")


def test_one_outcome_is_not_enough():
    with pytest.raises(ValueError, match="at least two outcomes"):
        OutcomeModel(params=PARAMS).fit(TEXTS[:1], LABELS[:1])


def test_the_model_decides_only_where_no_phrase_does(tmp_path, model):
    model.save(tmp_path / "m")
    decider = Decider(str(tmp_path / "m"))
    by_model = decide("Orienteringen om status på budgettet.", decider=decider)
    assert by_model.outcome == "taget_til_efterretning"
    assert "model:outcome-linear" in by_model.evidence[0]
    assert decide("Sagen sendes tilbage til administrationen.", decider=decider).outcome == "udsat"


def test_an_unknown_model_directory_is_an_error(tmp_path):
    with pytest.raises(ModelError, match="model directory"):
        Decider(str(tmp_path / "missing"))


def test_model_text_blanks_phrases_votes_and_digits():
    doc = minutes({"title": "Budget 2024 (B)", "sections": {
        "Beslutning": "Byrådet godkendte Økonomiudvalgets indstilling 2.\n(Ø) stemte imod.\nAfbud: Per Dam"}})
    reading, _, _ = Decider("rules").read(doc, doc.items[0])
    from referat.decide.grammar import load_grammar

    text = model_text(doc.items[0].title, reading.statements, [f.span for f in reading.votes], load_grammar())
    assert text == "titel_budget titel_b byrådet økonomiudvalgets indstilling"


def test_distant_labels_come_from_decisive_phrases_and_skip_excluded_items():
    doc = minutes({"title": "A", "sections": {"Beslutning": "Godkendt."}},
                  {"title": "B", "sections": {"Beslutning": "Udvalget takkede for oplægget."}},
                  {"title": "C", "sections": {"Beslutning": "Sagen sendes tilbage."}},
                  {"title": "D", "sections": {"Beslutning": "Temamødet blev afholdt."}})
    found = collect([doc], exclude={("test-referat.txt", 3)})
    assert found.labels == ["godkendt"]
    assert (found.decisions, found.unlabelled, found.excluded) == (3, 2, 1)


def test_item_keys_from_any_gold_shape(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"doc": "a/x.json", "number": 3, "decision": null}\n'
                    '{"file": "y.txt", "number": 1, "label": "beslutning"}\n'
                    '{"doc": "z.pdf", "items": [{"number": 2}, {"number": 5}]}\n', encoding="utf-8")
    assert read_item_keys(path) == {("x.json", 3), ("y.txt", 1), ("z.pdf", 2), ("z.pdf", 5)}


def _records(tmp_path, *decisions):
    from referat.export.jsonl import write_jsonl

    items = [{"title": f"Punkt {n}", "sections": {"Beslutning": text}} for n, text in enumerate(decisions, 1)]
    path = tmp_path / "records.jsonl"
    write_jsonl([minutes(*items)], path)
    return path


def test_train_outcomes_command(tmp_path):
    from typer.testing import CliRunner

    from referat.cli import app

    records = _records(tmp_path, "Godkendt. Byrådet og sagen.", "Taget til efterretning. Orienteringen.",
                       "Sagen sendes tilbage til administrationen.", "Godkendt. Byrådet igen.",
                       "Udvalget takkede.")
    out = tmp_path / "model"
    result = CliRunner().invoke(app, ["train", "outcomes", str(records), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "on 4 decisions (godkendt 2, taget_til_efterretning 1, udsat 1) of 5" in result.output
    assert OutcomeModel.load(out).meta["data"]["examples"]["unlabelled"] == 1
    again = CliRunner().invoke(app, ["train", "outcomes", str(records), "-o", str(out)])
    assert again.exit_code == 2 and "exists; use --force" in again.output
    assert CliRunner().invoke(app, ["train", "outcomes", str(records), "-o", str(out), "--force"]).exit_code == 0


def test_train_outcomes_needs_two_outcomes(tmp_path):
    from typer.testing import CliRunner

    from referat.cli import app

    records = _records(tmp_path, "Godkendt.", "Godkendt.")
    result = CliRunner().invoke(app, ["train", "outcomes", str(records), "-o", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "needs at least two outcomes" in result.output
    assert not (tmp_path / "m").exists()
