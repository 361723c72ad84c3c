"""The scikit-learn backend: fit, predict, save as plain arrays, load with checksums, combine with rules."""

from __future__ import annotations

import copy
import itertools
import json

import numpy as np
import pytest
from test_classify_rules import SECTIONS, minutes_doc

from referat.classify import ModelClassifier, RuleClassifier, load_classifier
from referat.resources import CHECKSUMS
from referat.classify.data import iter_documents, read_labels, typed_against
from referat.classify.linear import LinearClassifier, default_params
from referat.errors import ModelError
from referat.model import ITEM_TYPES
from referat.resources import models_dir

TOPICS = ["skolebestyrelsen", "cykelstien på Strandvejen", "hjemmeplejen", "budget 2024", "Tune Skole",
          "kystbeskyttelsen", "sundhedshuset", "vandforsyningsplanen"]
PHRASES = {
    "orientering": ["Indstilling: at orienteringen om {t} tages til efterretning.\nBeslutning: Taget til efterretning.",
                    "Beslutning: Orienteringen om {t} blev taget til efterretning."],
    "beslutning": ["Indstilling: at {t} godkendes.\nBeslutning: Godkendt.",
                   "Indstilling: at der meddeles anlægsbevilling til {t}.\nBeslutning: Anbefales."],
    "drøftelse": ["Indstilling: at udvalget drøfter {t}.\nBeslutning: Drøftet.",
                  "Beslutning: Udvalget drøftede {t} og kom med input."],
}
SMALL = {"word_min_df": 1, "char_min_df": 1}


def corpus() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for (label, templates), topic in itertools.product(PHRASES.items(), TOPICS):
        for template in templates:
            texts.append(f"Punkt om {topic}\n" + template.format(t=topic))
            labels.append(label)
    return texts, labels


@pytest.fixture(scope="module")
def trained() -> LinearClassifier:
    texts, labels = corpus()
    return LinearClassifier(params=default_params() | SMALL).fit(texts, labels, seed=0)


@pytest.fixture(scope="module")
def saved(trained, tmp_path_factory):
    return trained.save(tmp_path_factory.mktemp("linear") / "model")


def test_probabilities_are_a_distribution_per_item(trained):
    probs = trained.predict_proba(["Beslutning: Godkendt.", "Beslutning: Drøftet.", "noget helt andet"])
    assert probs.shape == (3, len(ITEM_TYPES))
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert trained.predict(["Beslutning: Orienteringen blev taget til efterretning.",
                            "Indstilling: at planen godkendes. Beslutning: Godkendt.",
                            "Beslutning: Udvalget drøftede sagen."]) == list(ITEM_TYPES)


def test_saved_as_plain_arrays_and_json(saved):
    names = sorted(p.name for p in saved.iterdir())
    assert names == sorted(["meta.json", CHECKSUMS, "coef.npy", "intercept.npy", "idf_word.npy",
                            "idf_char.npy", "vocab_word.json", "vocab_char.json"])
    coef = np.load(saved / "coef.npy", allow_pickle=False)
    assert coef.dtype == np.float64 and coef.shape[0] == len(ITEM_TYPES)
    meta = json.loads((saved / "meta.json").read_text(encoding="utf-8"))
    assert meta["backend"] == "linear" and meta["labels"] == list(ITEM_TYPES) and meta["seed"] == 0


def test_load_gives_the_same_predictions(trained, saved):
    texts = ["Beslutning: Godkendt med bemærkninger.", "Indstilling: at udvalget drøfter planen."]
    loaded = LinearClassifier.load(saved)
    assert np.array_equal(loaded.predict_proba(texts), trained.predict_proba(texts))


def test_same_seed_and_data_give_byte_identical_arrays(saved, tmp_path):
    texts, labels = corpus()
    again = LinearClassifier(params=default_params() | SMALL).fit(texts, labels, seed=0).save(tmp_path / "m")
    for path in saved.iterdir():
        if path.name != "meta.json" and path.name != CHECKSUMS:
            assert (tmp_path / "m" / path.name).read_bytes() == path.read_bytes(), path.name


def test_changed_file_is_refused(saved, tmp_path):
    copy_dir = tmp_path / "model"
    copy_dir.mkdir()
    for path in saved.iterdir():
        (copy_dir / path.name).write_bytes(path.read_bytes())
    coef = np.load(copy_dir / "coef.npy")
    coef[0, 0] += 1.0
    np.save(copy_dir / "coef.npy", coef)
    with pytest.raises(ModelError, match="does not match its sha256"):
        LinearClassifier.load(copy_dir)
    (copy_dir / CHECKSUMS).unlink()
    with pytest.raises(ModelError, match=CHECKSUMS):
        LinearClassifier.load(copy_dir)


def test_not_a_model_directory(tmp_path):
    with pytest.raises(ModelError, match="meta.json"):
        load_classifier(str(tmp_path))
    with pytest.raises(ModelError, match="model directory"):
        load_classifier(str(tmp_path / "missing"))


def test_explain_names_words_of_the_text(trained):
    terms = trained.explain("Beslutning: Drøftet.", "drøftelse")
    assert "drøftet" in terms
    assert all(set(term.split()) <= {"beslutning", "drøftet"} for term in terms)


def test_unknown_label_is_refused():
    with pytest.raises(ValueError, match="unknown labels"):
        LinearClassifier(params=default_params() | SMALL).fit(["a b", "c d"], ["orientering", "afstemning"])


def test_model_directory_combines_model_and_rules(saved):
    classifier = load_classifier(str(saved))
    assert isinstance(classifier, ModelClassifier) and classifier.rules is not None
    doc = minutes_doc(("Status på rekruttering", SECTIONS), ("Rammeaftale (B)", SECTIONS),
                      ("Artikel i avisen", {"Beslutning": "Udvalget drøftede sagen."}))
    classifier.classify(doc)
    first, marked, third = doc.items
    assert first.type == "orientering"
    assert first.classification.source.startswith("model:linear@") and \
        first.classification.source.endswith("+rules")
    assert any(e.startswith("model: p=") for e in first.classification.evidence)
    assert marked.type == "beslutning" and marked.classification.source == "marker"
    assert third.type == "drøftelse"


def test_model_decides_where_rules_are_silent(trained):
    doc = minutes_doc(("Punkt om hjemmeplejen", {"Beslutning": "Noget uden faste vendinger."}))
    with_rules = copy.copy(trained)
    with_rules.rules = RuleClassifier().rules
    with_rules.classify(doc)
    item = doc.items[0]
    assert item.classification.source == trained.source  # no phrase fired: no "+rules"
    probs = trained.predict_proba(["Punkt om hjemmeplejen\nBeslutning: Noget uden faste vendinger."])[0]
    assert item.type == ITEM_TYPES[int(np.argmax(probs))]
    calibrated = np.exp(np.log(probs) / trained.temperature)  # scores are calibrated model odds
    assert item.classification.scores[item.type] == pytest.approx(float(calibrated.max() / calibrated.sum()))


def test_default_is_the_shipped_model_with_rules():
    if not (models_dir() / "classifier").is_dir():
        pytest.skip("no shipped model in models/classifier")
    classifier = load_classifier()
    assert isinstance(classifier, LinearClassifier) and classifier.rules is not None
    meta = classifier.meta
    assert meta["figures"]["greve_handlabelled"]["accuracy"] >= 0.9
    doc = minutes_doc(("Orientering om det sociale frikort", SECTIONS),
                      ("Godkendelse af beskæftigelsestilbud", {
                          "Indstilling": "Forvaltningen indstiller, at tilbuddene godkendes.",
                          "Beslutning Udvalget den 11-03-2019": "Godkendt."}))
    classifier.classify(doc)
    assert [i.type for i in doc.items] == ["orientering", "beslutning"]


def test_default_falls_back_to_rules_without_a_model(monkeypatch, tmp_path, caplog):
    monkeypatch.setenv("REFERAT_MODELS", str(tmp_path))
    classifier = load_classifier()
    assert isinstance(classifier, RuleClassifier)
    assert "rules alone" in caplog.text


def test_shared_minutes_as_printed_and_without_markers(shared_dir):
    from sklearn.metrics import f1_score

    docs = list(iter_documents([shared_dir / "corpora" / "minutes"]))
    gold = read_labels(shared_dir / "corpora" / "gold" / "dev.jsonl")
    classifier = load_classifier()
    truth, pred = typed_against(classifier, docs, gold)
    assert len(truth) >= 25 and truth == pred
    truth, pred = typed_against(classifier, docs, gold, strip_markers=True)
    assert np.mean(np.array(truth) == np.array(pred)) >= 0.9
    assert f1_score(truth, pred, average="macro") >= 0.8


@pytest.mark.slow
def test_greve_hand_labels(shared_dir):
    from pathlib import Path

    from sklearn.metrics import f1_score

    labels_file = Path(__file__).resolve().parents[1] / "corpora" / "labels" / "greve-handlabelled.jsonl"
    hand = read_labels(labels_file)
    files = sorted({shared_dir / "corpora" / "greve" / name for name, _ in hand})
    truth, pred = typed_against(load_classifier(), iter_documents(files), hand)
    assert len(truth) == len(hand)
    assert np.mean(np.array(truth) == np.array(pred)) >= 0.9
    assert f1_score(truth, pred, average="macro") >= 0.8


# --- features with numpy: the n-grams and weights of scikit-learn's vectorizers ----------

NGRAM_TEXTS = {
    "plain": "Indstilling: at orienteringen tages til efterretning.",
    "danish-letters": "Æblehaven på Åvej, Øster Ørbæk",
    "punctuation-runs": "1.-3. Godkendt!!! (B) -- §§ 17, stk. 4",
    "whitespace-kinds": "a\tb\u00a0c\u2028d\x1fe  \n\n f",
    "case-changes-length": "İstanbul STRASSE ﬁre",
    "beyond-the-bmp": "𝔘nicode 😀 ord",
    "one-letter-words": "a b c æ",
    "empty": "",
    "blank": " \n\t ",
}


@pytest.mark.parametrize("text", NGRAM_TEXTS.values(), ids=NGRAM_TEXTS.keys())
def test_ngrams_are_those_of_the_scikit_learn_analyzers(text):
    from collections import Counter

    from sklearn.feature_extraction.text import TfidfVectorizer

    from referat.classify import ngrams

    word = TfidfVectorizer(analyzer="word", ngram_range=(1, 3), token_pattern=r"(?u)\b\w+\b").build_analyzer()
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()
    texts = [text, "filler between the texts", text[::-1]]
    for analyzer, find in ((word, lambda t: ngrams.word_ngrams(t, 1, 3)),
                           (char, lambda t: ngrams.char_wb_ngrams(t, 2, 5))):
        docs, keys = find(texts)
        for i, t in enumerate(texts):
            assert Counter(int(k) for k in keys[docs == i]) == Counter(ngrams.key(g) for g in analyzer(t))


def test_numpy_rows_equal_the_vectorizers(trained):
    import scipy.sparse as sp

    from referat.classify.linear import _vectorizers

    texts, _ = corpus()
    texts = texts[:10] + ["Beslutning: ukendte ord overalt", "", "Indstilling: drøftet drøftet drøftet"]
    word, char = _vectorizers(trained.params)
    for vectorizer, block in ((word, "word"), (char, "char")):
        vocabulary = trained.vocabularies[block]
        vectorizer.set_params(vocabulary={t: i for i, t in enumerate(vocabulary.terms)})
        vectorizer.idf_ = vocabulary.idf
    expected = sp.hstack([word.transform(texts), char.transform(texts)], format="csr")
    assert np.allclose(trained.decision(texts), expected @ trained.coef.T + trained.intercept, atol=1e-12)


def test_vocabulary_finds_every_term_and_nothing_else():
    from referat.classify import ngrams
    from referat.classify.linear import Vocabulary

    terms = [f"term{i}" for i in range(5000)]
    vocabulary = Vocabulary(terms, np.ones(len(terms)))
    assert np.array_equal(vocabulary.columns(ngrams.keys(terms)), np.arange(len(terms)))
    assert (vocabulary.columns(ngrams.keys(["term5000", "xterm1", "term"])) == -1).all()


def test_explain_reads_the_rows_of_the_batch(trained):
    probs, explain = trained.explained_proba(["Beslutning: Drøftet.", "Beslutning: Godkendt."])
    drøftet, godkendt = explain([0, 1], ["drøftelse", "beslutning"])
    assert drøftet == trained.explain("Beslutning: Drøftet.", "drøftelse")
    assert "godkendt" in godkendt and explain([1], ["beslutning"]) == [godkendt]
    assert np.allclose(probs, trained.predict_proba(["Beslutning: Drøftet.", "Beslutning: Godkendt."]))
