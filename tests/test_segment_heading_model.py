"""The learned heading model: features the families compute, scoring, saving, loading, combining."""

from __future__ import annotations

import json

import numpy as np
import pytest

from referat.errors import ModelError
from referat.segment import config, segment
from referat.segment.detect import best_layout
from referat.segment.heading_model import (DENSE_FEATURES, Combine, HeadingModel, candidate_features,
                                           load_heading_model)
from referat.segment.learning import (ItemScores, _Recorder, evaluate, examples, fit_examples,
                                      labelled_rendering, renderings)
from referat.segment.lines import Lines
from referat.segment.render import layout, render, synthetic_meeting

MINUTES = """Referat

Teknik- og Miljøudvalget

Punkt 1: Godkendelse af dagsorden

24/1001

Beslutning
Godkendt.

Punkt 2: Plan for klimatilpasning

24/1002

Indstilling
Forvaltningen indstiller,
3. at planen godkendes,
4. at udgiften afholdes af puljen.

Beslutning
Godkendt.

Punkt 3: Eventuelt

Beslutning
Intet.
"""


def recorded(text: str) -> dict[str, tuple]:
    """Features of every family's candidates, by family name: (features, [(line, number)])."""
    recorder = _Recorder(hash_bits=10, title_words=6)
    best_layout(Lines(text), 0, recorder)
    names = [family.name for family in config.families()]
    return dict(zip(names, recorder.blocks))


def feature(row: np.ndarray, name: str) -> float:
    return float(row[DENSE_FEATURES.index(name)])


@pytest.fixture(scope="module")
def tiny_model() -> HeadingModel:
    """Trained on invented meetings in four layouts: enough to learn the common evidence."""
    meetings = [synthetic_meeting(seed, 6) for seed in range(8)]
    lays = [layout(name) for name in ("punkt-plain", "numbered-echo", "number-alone", "netdagsorden")]
    return fit_examples([examples(doc) for doc in renderings(meetings, lays)], seed=0)


def test_features_of_headings_and_of_a_list_that_continues_the_numbers() -> None:
    blocks = recorded(MINUTES)
    punkt, lines_of_punkt = blocks["punkt"]
    assert [number for _, number in lines_of_punkt] == [1, 2, 3]
    first = punkt.dense[0]
    assert feature(first, "case_after") == 1 and feature(first, "next_is_plus_one") == 1
    assert feature(first, "number_one") == 1 and feature(first, "blank_before") == 1
    numbered, lines_of_numbered = blocks["numbered"]
    assert [number for _, number in lines_of_numbered] == [3, 4]  # the list inside item 2
    list_line = numbered.dense[0]
    assert feature(list_line, "list_word") == 1 and feature(list_line, "after_colon") == 1
    assert feature(list_line, "prev_seen") == 0 and feature(list_line, "next_is_plus_one") == 1
    assert feature(numbered.dense[1], "prev_distance") < feature(first, "next_distance")
    assert all(len(ids) > 0 and max(ids) < 2**10 for ids in punkt.tokens)


def test_features_are_one_row_per_candidate_and_empty_for_none() -> None:
    lines = Lines("Ingen punkter her.\n")
    family = config.families()[0]
    empty = candidate_features([], lines, family, hash_bits=8)
    assert empty.dense.shape == (0, len(DENSE_FEATURES)) and empty.tokens == []


def test_rule_terms_are_weighed_by_name() -> None:
    from referat.segment.heading_model import Features

    feats = Features(np.zeros((2, len(DENSE_FEATURES))), [[], []],
                     [{"shape": 3.0, "bullet": 1.0, "new_term": 5.0}, {"shape": 1.0}])
    named = feats.matrix(["bullet", "shape"])[:, len(DENSE_FEATURES):]
    assert named.tolist() == [[1.0, 3.0], [0.0, 1.0]]  # a term the model lacks is left out, a missing one is 0
    assert feats.matrix([]).shape == (2, len(DENSE_FEATURES))


def test_tiny_model_scores_headings_above_list_lines(tiny_model: HeadingModel) -> None:
    blocks = recorded(MINUTES)
    punkt, _ = blocks["punkt"]
    numbered, _ = blocks["numbered"]
    assert tiny_model.log_odds(punkt).min() > tiny_model.log_odds(numbered).max()


def test_rescore_combines_rules_and_model(tiny_model: HeadingModel) -> None:
    class Keep:
        """Keeps the punkt family's candidates as the rules scored them."""

        def rescore(self, cands, lines, family):
            if family.name == "punkt":
                self.cands, self.lines, self.family = cands, lines, family

    keep = Keep()
    best_layout(Lines(MINUTES), 0, keep)
    rules = [c.score for c in keep.cands]
    odds = tiny_model.log_odds(tiny_model.features(keep.cands, keep.lines, keep.family))
    model = HeadingModel(tiny_model.weights, tiny_model.hashed, tiny_model.intercept, tiny_model.meta,
                         Combine(rule_weight=0.5, model_weight=2.0, clip=3.0), tiny_model.terms)
    model.rescore(keep.cands, keep.lines, keep.family)
    assert len(rules) == 3
    assert [c.score for c in keep.cands] == pytest.approx([0.5 * r + 2.0 * float(np.clip(o, -3, 3))
                                                           for r, o in zip(rules, odds)])


def test_model_finds_items_of_a_layout_it_never_saw(tiny_model: HeadingModel) -> None:
    scores = evaluate(renderings([synthetic_meeting(seed, 7) for seed in range(20, 24)], [layout("columns-pdf")]),
                      {"model": tiny_model})["model"]["columns-pdf"]
    assert (scores.f1, scores.exact) == (1.0, 4)


def test_model_of_other_rules_leaves_the_rules_scores(tiny_model: HeadingModel, caplog) -> None:
    class Cand:
        def __init__(self, score):
            self.score, self.terms = score, {"shape": 1.0}

    other = HeadingModel(np.zeros(len(DENSE_FEATURES) + 1), tiny_model.hashed, 0.0, tiny_model.meta,
                         terms=["a_term_no_rule_computes"])
    cands = [Cand(2.5), Cand(-1.0)]
    with caplog.at_level("WARNING", logger="referat.segment.heading_model"):
        other.rescore(cands, Lines(MINUTES), config.families()[0])
        other.rescore(cands, Lines(MINUTES), config.families()[0])
    assert [c.score for c in cands] == [2.5, -1.0]
    assert len([r for r in caplog.records if "a_term_no_rule_computes" in r.message]) == 1


def test_save_load_round_trip_and_checksums(tmp_path, tiny_model: HeadingModel) -> None:
    path = tiny_model.save(tmp_path / "segmenter")
    assert sorted(p.name for p in path.iterdir()) == ["SHA256SUMS", "hashed.npy", "meta.json", "weights.npy"]
    loaded = load_heading_model(path)
    blocks = recorded(MINUTES)
    assert np.allclose(loaded.log_odds(blocks["punkt"][0]), tiny_model.log_odds(blocks["punkt"][0]))
    meta = json.loads((path / "meta.json").read_text())
    assert meta["backend"] == "heading-logreg" and meta["labels"] == ["other", "heading"]
    assert meta["params"]["features"] == list(DENSE_FEATURES)
    seg = segment(MINUTES, heading_model=loaded)
    assert [(i.number, i.title) for i in seg.items] == [(1, "Godkendelse af dagsorden"),
                                                        (2, "Plan for klimatilpasning"), (3, "Eventuelt")]


def test_changed_model_files_are_refused(tmp_path, tiny_model: HeadingModel) -> None:
    path = tiny_model.save(tmp_path / "segmenter")
    np.save(path / "weights.npy", np.zeros(len(DENSE_FEATURES)), allow_pickle=False)
    with pytest.raises(ModelError, match="does not match its sha256"):
        load_heading_model(path)


def test_model_of_other_features_is_refused(tmp_path, tiny_model: HeadingModel) -> None:
    from referat.resources import write_checksums

    path = tiny_model.save(tmp_path / "segmenter")
    meta = json.loads((path / "meta.json").read_text())
    meta["params"]["features"] = meta["params"]["features"][:-1]
    (path / "meta.json").write_text(json.dumps(meta))
    write_checksums(path)
    with pytest.raises(ModelError, match="other features"):
        load_heading_model(path)


def test_classifier_directory_is_not_a_heading_model() -> None:
    from referat.resources import models_dir

    with pytest.raises(ModelError, match="labels|backend"):
        load_heading_model(models_dir() / "classifier")


@pytest.mark.parametrize(("name", "expected"), [("rules", None), (None, None)], ids=["rules", "none"])
def test_rules_alone(name, expected) -> None:
    assert load_heading_model(name) is expected


def test_not_a_directory_is_refused(tmp_path) -> None:
    with pytest.raises(ModelError, match="'default', 'rules' or a model directory"):
        load_heading_model(tmp_path / "missing")


def test_item_scores_match_by_number_and_letter() -> None:
    from referat.model import Item
    from referat.segment.learning import GoldHeading

    gold = [GoldHeading(1, None, "A", "24/1", 0, 0), GoldHeading(2, "2a", "B", None, 3, 3),
            GoldHeading(2, "2b", "C", None, 6, 6)]
    items = [Item(1, "A", 0, 1, case_number="24/1"), Item(2, "B", 1, 2), Item(4, "D", 2, 3)]
    scores = ItemScores()
    scores.add(gold, items)
    assert (scores.tp, scores.fp, scores.fn, scores.exact) == (1, 2, 2, 0)  # "2" is neither 2a nor 2b
