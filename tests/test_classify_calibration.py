"""Calibrated item-type scores: temperature scaling and the expected calibration error."""

from __future__ import annotations

import numpy as np
import pytest
from test_classify_rules import SECTIONS, minutes_doc

from referat.classify import RuleClassifier, calibration, load_classifier
from referat.classify.features import item_text
from referat.model import ITEM_TYPES


def sampled(temperature: float, n: int = 4000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Logits and labels drawn so that softmax(logits / temperature) is the true distribution."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 4, size=(n, 3))
    probs = calibration.softmax(logits / temperature)
    labels = np.array([rng.choice(3, p=p) for p in probs])
    return logits, labels


@pytest.mark.parametrize("temperature", [0.5, 1.0, 3.0], ids=["sharpen", "as-is", "soften"])
def test_fit_temperature_finds_the_one_that_generated_the_labels(temperature):
    logits, labels = sampled(temperature)
    assert calibration.fit_temperature(logits, labels) == pytest.approx(temperature, rel=0.1)


def test_calibrated_scores_have_a_small_error_and_overconfident_ones_a_large_one():
    logits, labels = sampled(3.0)
    right = logits.argmax(axis=1) == labels
    raw = calibration.reliability(calibration.softmax(logits).max(axis=1), right)
    fitted = calibration.softmax(logits / calibration.fit_temperature(logits, labels))
    assert raw.ece > 0.1
    assert calibration.reliability(fitted.max(axis=1), right).ece < 0.03


def test_ece_by_hand():
    # bin 0.9-1.0: scores 0.95, 0.95, right once -> |0.5 - 0.95|; bin 0.6-0.7: 0.6, right -> |1 - 0.6|
    result = calibration.reliability([0.95, 0.95, 0.6], [True, False, True])
    assert result.ece == pytest.approx(2 / 3 * 0.45 + 1 / 3 * 0.4, abs=1e-4)
    assert [(b["low"], b["n"]) for b in result.bins] == [(0.6, 1), (0.9, 2)]
    assert calibration.reliability([], []).ece == 0.0


def test_cross_validated_scores_each_item_with_a_temperature_fitted_without_it():
    logits, labels = sampled(2.0, n=500)
    crossed, temperatures = calibration.cross_validated(logits, labels, folds=5)
    assert crossed.n == 500 and len(temperatures) == 5
    assert all(t == pytest.approx(2.0, rel=0.35) for t in temperatures)


def test_temperature_moves_scores_never_types():
    doc = minutes_doc(("Status på rekruttering", SECTIONS),
                      ("Artikel i avisen", {"Beslutning": "Udvalget ønsker en sag på et senere møde."}))
    texts = [item_text(doc, item) for item in doc.items]
    sharp, soft = RuleClassifier(temperature=1.0), RuleClassifier(temperature=3.0)
    for a, b, logits in zip(sharp.score_items(texts), soft.score_items(texts), sharp.logits(texts)):
        assert a.label == b.label == ITEM_TYPES[int(np.argmax(logits))]
        assert b.score < a.score
        assert sum(b.scores.values()) == pytest.approx(1.0)


def test_the_default_classifier_is_calibrated():
    classifier = load_classifier()
    calibrated = classifier.meta.get("calibration") if hasattr(classifier, "meta") else None
    if not calibrated:
        pytest.skip("no shipped model with a calibration in models/classifier")
    assert classifier.temperature == calibrated["temperature"] > 1  # the combined logits are too sure
    assert calibrated["ece_after"] < calibrated["ece_before"]
