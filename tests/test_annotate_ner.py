"""The Danish NER model in the default pipeline: party forms, name boundaries, the gate,
lemmas, DaN+ reading, `referat.load()` as a spaCy Language, and `referat train ner`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy import displacy
from typer.testing import CliRunner

import referat
from referat.annotate import Annotator
from referat.annotate.backends import load_shipped_model
from referat.annotate.danplus import detokenise, flat_label, outer_entities, read_danplus
from referat.annotate.gate import candidate_lines
from referat.annotate.lemmas import danish_words, is_compound, lemma, lemma_table, write_table
from referat.annotate import lemmas as lemmas_module
from referat.annotate import ner as ner_module
from referat.annotate.ner import gather, prf, record_pieces
from referat.annotate.persons import find_persons, model_name_ok, name_bounds
from referat.annotate.rules import find_entities
from referat.cli import app
from referat.components import SPANS_KEY
from referat.errors import InputError, ModelError
from referat.model import Document
from referat.resources import models_dir, write_checksums

# --- party forms -------------------------------------------------------------

PARTY_FORMS = [
    ("Til stede: Anne Hansen (A), Bo Jensen (V)", {"Anne Hansen": "A", "Bo Jensen": "V"}, ["A", "V"]),
    ("Mødedeltagere: Anne Hansen, (A), Bo Jensen, (O)", {"Anne Hansen": "A", "Bo Jensen": "O"}, ["A", "O"]),
    ("Fraværende: Mette Kjær (UP)", {"Mette Kjær": "UP"}, ["UP"]),
    ("Helle Winther (SF) og Ib Sørensen (DD)", {"Helle Winther": "SF", "Ib Sørensen": "DD"}, ["SF", "DD"]),
    ("Forslaget fra (A+V+C) blev vedtaget.", {}, ["A", "V", "C"]),
    ("For stemte (A, V, C, R, O), imod stemte (Ø).", {}, ["A", "V", "C", "R", "O", "Ø"]),
    ("Til stede: Aqqaluaq Egede (IA), Kim Kielsen (Siumut), Ane Lynge (Atassut)",
     {"Aqqaluaq Egede": "IA", "Kim Kielsen": "Siumut", "Ane Lynge": "Atassut"}, ["IA", "Siumut", "Atassut"]),
    ("Deltog: Pele Broberg (Naleraq), Jens Frederik Nielsen (Demokraatit)",
     {"Pele Broberg": "Naleraq", "Jens Frederik Nielsen": "Demokraatit"}, ["Naleraq", "Demokraatit"]),
    ("Lars Thomsen\tA\tFormand\nMette Kjær\tV\tNæstformand", {"Lars Thomsen": "A", "Mette Kjær": "V"}, ["A", "V"]),
]


@pytest.mark.parametrize("text,persons,parties", PARTY_FORMS,
                         ids=["brackets", "comma", "local-list", "codes-as-printed", "plus-group",
                              "comma-group", "greenlandic", "greenlandic-2", "table-column"])
def test_party_forms(text, persons, parties):
    spans = find_persons(text)
    assert {s.text: s.norm["party"] for s in spans if s.label == "PERSON"} == persons
    assert [s.text for s in spans if s.label == "PARTY"] == parties


def test_a_member_followed_by_several_parties_keeps_none():
    spans = find_persons("Forslag fra Anne Hansen (A+V) om en ny skole.")
    assert [s.norm["party"] for s in spans if s.label == "PERSON"] == [None]


def test_party_name_in_brackets_normalises_to_its_letter():
    spans = find_persons("Mødet blev ledet af Anne Hansen (Venstre).")
    assert [(s.label, s.text, s.norm.get("party") or s.norm.get("letter")) for s in spans] == [
        ("PERSON", "Anne Hansen", "V"), ("PARTY", "Venstre", "V")]


# --- flattened tables: a name never swallows the next cell ----------------------

TABLE_ROWS = [
    ("Rikke Jørgensen Åben", "Rikke Jørgensen"),
    ("Per Hansen Lukket", "Per Hansen"),
    ("Rikke Jørgensen\tÅben", "Rikke Jørgensen"),
    ("Anne Holm Deltog", "Anne Holm"),
    ("Mette Kjær  Formand", "Mette Kjær"),
]


@pytest.mark.parametrize("text,name", TABLE_ROWS, ids=[t for t, _ in TABLE_ROWS])
def test_rules_stop_a_name_at_the_next_cell(text, name):
    assert [s.text for s in find_persons(text) if s.label == "PERSON"] == [name]


@pytest.mark.parametrize("text,name", [
    *TABLE_ROWS,
    ("Borgmester Anne Holm", "Anne Holm"),
    ("Anne Hansen,", "Anne Hansen"),
    ("Ahmad Rahimi\nSagsfremstilling", "Ahmad Rahimi"),
], ids=lambda v: repr(v))
def test_model_person_is_cut_to_the_name(text, name):
    start, end = name_bounds(text, 0, len(text))
    assert text[start:end] == name


@pytest.mark.parametrize("text,ok", [
    ("Ahmad Rahimi", True), ("Xhaka", True), ("ida jensen", True), ("Ludwig van Beethoven", True),
    ("Heraf", False), ("Anlægsbevilling", False), ("Centerledelsen", False), ("Mødedato Mandag", False),
    ("parallelsamfund", False), ("UUC Maglemosen", False), ("Ydelses LIS", False), ("A. Social-", False), ("Stokholtbuen", False),
    ("6.", False),
], ids=lambda v: repr(v))
def test_model_name_check(text, ok):
    assert model_name_ok(text) is ok


# --- where the model runs ---------------------------------------------------------

@pytest.mark.parametrize("line,runs", [
    ("Udvalget godkendte indstillingen.", False),            # a sentence's first word, a Danish word
    ("Anlæg 2021        12.500        13.000", False),        # a table of numbers
    ("3. Godkendelse af dagsorden (B)", False),              # a heading with a type marker
    ("Økonomiudvalget anbefaler, at Byrådet godkender.", False),  # committees: the rules explain them
    ("Sagen blev forelagt af Tsering Dolma.", True),         # a name the rules do not know
    ("Madsen gav sin tilslutning.", True),                   # a sentence opened by a non-word
    ("hej lasse, kommer du?", True),                         # a lower-case first name
], ids=lambda v: repr(v))
def test_gate_selects_lines_the_rules_leave_unexplained(line, runs):
    assert bool(candidate_lines(line, find_entities(line))) is runs


# --- lemmas -----------------------------------------------------------------------

@pytest.mark.parametrize("word,expected", [
    ("kommunerne", "kommune"), ("Kommunerne", "kommune"), ("bevilgede", "bevilge"), ("udvalgene", "udvalg"),
    ("Rahimi", "Rahimi"),
], ids=lambda v: v)
def test_lemma_table(word, expected):
    assert lemma(word) == expected


def test_the_word_lists_hold_one_lemma_per_form_sorted_by_form():
    table = lemma_table()
    forms = list(table)
    assert len(forms) == 553_116 and forms == sorted(forms)
    assert "" not in table and table["bevilgede"] == "bevilge"


def test_danish_words_answer_as_a_set_would_before_and_after_becoming_one(monkeypatch):
    forms = sorted({"aften", "bevilge", "bevilgede", "kommune", "kommunerne", "zoo", "æble", "Århus", "ø"})
    monkeypatch.setattr(lemmas_module, "_SET_AFTER", 40)
    words = lemmas_module.DanishWords("\n".join(forms))
    probes = forms + ["", "a", "aftenx", "bevilg", "kommuner", "zz", "æ", "Å", "øx", "to\nlinjer", 7]
    assert [p in words for p in probes] == [p in forms for p in probes]  # by binary search
    assert [p in words for p in probes * 2] == [p in forms for p in probes * 2]  # then as a set
    assert isinstance(words._set, frozenset)
    table = danish_words()
    assert "kommunerne" in table and "Kommunerne" not in table and "referatx" not in table


def test_a_table_written_as_word_lists_reads_back_unchanged(tmp_path, monkeypatch):
    write_table({"kommunerne": "kommune", "Århus": "Aarhus", "æbler": "æble"}, tmp_path)
    monkeypatch.setattr("referat.annotate.lemmas.config_path", lambda name: tmp_path / name.split("/")[-1])
    lemma_table.cache_clear()
    try:
        assert lemma_table() == {"kommunerne": "kommune", "Århus": "Aarhus", "æbler": "æble"}
    finally:
        lemma_table.cache_clear()
    with pytest.raises(ValueError, match="line break"):
        write_table({"to\nlinjer": "x"}, tmp_path)


def test_compounds_of_dictionary_words():
    assert is_compound("Arbejdsmarkedsdirektøren") and is_compound("Mødedato")
    assert not is_compound("Christiansen") and not is_compound("Kjærsgaard")


# --- DaN+ -------------------------------------------------------------------------

@pytest.mark.parametrize("tag,label", [("PER", "PERSON"), ("ORG", "ORG"), ("LOCderiv", "MISC"),
                                       ("ORGpart", "MISC"), ("PERpart", "MISC"), ("O", None)],
                         ids=lambda v: str(v))
def test_danplus_subtypes_become_misc(tag, label):
    assert flat_label(tag) == label


def test_danplus_bio_and_detokenising():
    assert outer_entities(["B-PER", "I-PER", "O", "I-LOC", "B-LOCderiv"]) == [
        (0, 2, "PERSON"), (3, 4, "LOC"), (4, 5, "MISC")]
    words = ["Han", "sagde", '"', "nej", '"', ",", "og", "(", "igen", ")", "."]
    text = "".join(w + (" " if s else "") for w, s in zip(words, detokenise(words)))
    assert text == 'Han sagde "nej", og (igen).'


def test_danplus_file_reads_outer_layer_only(tmp_path):
    path = tmp_path / "da_news_train.tsv"
    path.write_text("Kjeld\tB-PER\tO\nfra\tO\tO\nKøbenhavns\tB-ORG\tB-LOC\nUniversitet\tI-ORG\tO\n.\tO\tO\n\n",
                    encoding="utf-8")
    [sentence] = read_danplus(path)
    assert sentence.text == "Kjeld fra Københavns Universitet."
    assert [(sentence.text[s:e], label) for s, e, label in sentence.char_spans()] == [
        ("Kjeld", "PERSON"), ("Københavns Universitet", "ORG")]


def test_danplus_bad_line_names_the_file(tmp_path):
    path = tmp_path / "da_news_dev.tsv"
    path.write_text("Kjeld\tB-PERX\tO\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1: unknown DaN\\+ entity type 'PERX'"):
        read_danplus(path)


def test_shared_danplus_splits(shared_dir):
    data = gather([shared_dir / "corpora" / "ner"])
    assert len(data.train) == 4383 and len(data.dev) == 564
    assert set(data.scored) == {"danplus_dev", "danplus_twitter_dev", "danplus_arto_dev"}
    assert {label for p in data.train for *_, label in p.ents} == {"PERSON", "ORG", "LOC", "MISC"}


# --- records as training data --------------------------------------------------------

def _record(source: str, text: str, spans: list[tuple[str, str]]) -> dict:
    entities = [{"label": label, "start": text.index(t), "end": text.index(t) + len(t), "text": t}
                for label, t in spans]
    return {"source": source, "text": text, "entities": [], "items": [{"number": 1, "entities": entities}]}


def test_records_learn_persons_and_leave_other_labels_unknown(tmp_path):
    text = "Byrådet takkede Karim Said for indsatsen."
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(_record("a.txt", text, [("COMMITTEE", "Byrådet"), ("PERSON", "Karim Said")]))
                    + "\n", encoding="utf-8")
    train, heldout, count = record_pieces(path)
    [piece] = train + heldout
    assert count == 1 and piece.ents == [(16, 26, "PERSON")] and piece.missing == [(0, 7)]


def test_held_out_documents_are_the_same_wherever_the_archive_lies(tmp_path):
    """The held-out side is keyed on the document's content hash, not on where it was read."""
    text = "Byrådet takkede Karim Said for indsatsen."
    sides = []
    for folder in ("/home/a/arkiv", "/mnt/b/kopi"):
        path = tmp_path / f"{len(sides)}.jsonl"
        path.write_text("".join(json.dumps({**_record(f"{folder}/{n:03d}.txt", text, [("PERSON", "Karim Said")]),
                                            "sha256": f"{n:064x}"}) + "\n" for n in range(100)),
                        encoding="utf-8")
        train, heldout, _ = record_pieces(path)
        sides.append(sorted(p.origin.rsplit("/", 1)[1] for p in heldout))
    assert sides[0] == sides[1] and 0 < len(sides[0]) < 100


def test_a_few_documents_all_held_out_are_learnt_from(tmp_path):
    text = "Byrådet takkede Karim Said for indsatsen."
    held = [n for n in range(200) if ner_module._held_out(f"{n:064x}")][:2]
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps({**_record(f"{n}.txt", text, [("PERSON", "Karim Said")]),
                                        "sha256": f"{n:064x}"}) + "\n" for n in held), encoding="utf-8")
    data = gather([path])
    assert len(data.train) == 2 and "records_heldout" not in data.scored


def test_broken_record_names_file_and_line(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"source": "a.txt", "text": "Kort.", "entities": [{"label": "PERSON", "start": 0, '
                    '"end": 99}]}\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 1: entity \\[0, 99\\) is outside the text"):
        record_pieces(path)


def test_prf_counts_exact_matches():
    scores = prf([[(0, 5, "PERSON"), (10, 15, "LOC")]], [[(0, 5, "PERSON"), (10, 14, "LOC")]], ["PERSON", "LOC"])
    assert scores["PERSON"]["f"] == 1.0 and scores["LOC"]["f"] == 0.0 and scores["micro"]["tp"] == 1


# --- the default pipeline --------------------------------------------------------------

@pytest.fixture(scope="module")
def nlp():
    if not (models_dir() / "ner" / "meta.json").exists():
        pytest.skip("models/ner is not in this checkout")
    return referat.load()


PROSE = "Kommunerne bevilgede pengene, og Ahmad Rahimi (A) takkede Byrådet i Vejle."


def test_load_is_a_spacy_language_with_model_persons_and_lemmas(nlp):
    assert "referat_ner" in nlp.pipe_names and "referat_lemmas" in nlp.pipe_names
    doc = nlp(PROSE)
    spans = {(s.label_, s.text): s._.norm for s in doc.spans[SPANS_KEY]}
    assert spans[("PERSON", "Ahmad Rahimi")] == {"name": "Ahmad Rahimi", "party": "A"}
    assert ("COMMITTEE", "Byrådet") in spans and ("PARTY", "A") in spans
    assert [t.lemma_ for t in doc[:3]] == ["kommune", "bevilge", "penge"]


def test_pipe_displacy_and_round_trip(nlp, tmp_path):
    docs = list(nlp.pipe([PROSE, "I Aarhus sagde Villy Øhlenschlæger, at han var glad."]))
    assert [(e.label_, e.text) for e in docs[1].ents] == [("LOC", "Aarhus"), ("PERSON", "Villy Øhlenschlæger")]
    html = displacy.render(docs[0], style="ent")
    assert "Ahmad Rahimi" in html and "PERSON" in html
    nlp.to_disk(tmp_path / "pipeline")
    again = spacy.load(tmp_path / "pipeline")
    assert again.pipe_names == nlp.pipe_names
    doc = again(PROSE)
    assert [(e.label_, e.text) for e in doc.ents] == [(e.label_, e.text) for e in nlp(PROSE).ents]
    assert doc[0].lemma_ == "kommune"


def test_the_shipped_models_saved_tokenizer_is_the_one_its_config_builds(nlp):
    """`load_builtin_pipeline` skips reading the saved tokenizer; that loses nothing only
    while training leaves the tokenizer as the config builds it."""
    saved = (models_dir() / "ner" / "tokenizer").read_bytes()
    assert nlp.tokenizer.to_bytes(exclude=["vocab"]) == saved
    assert [t.text for t in nlp.tokenizer("jf. § 13, stk. 2, og 1,2 mio. kr.")] == \
        ["jf.", "§", "13", ",", "stk.", "2", ",", "og", "1,2", "mio.", "kr."]


def test_default_annotator_runs_the_model_and_refuses_a_changed_one(tmp_path, monkeypatch):
    source = models_dir() / "ner"
    if not (source / "meta.json").exists():
        pytest.skip("models/ner is not in this checkout")
    text = "På mødet fortalte Ahmad Rahimi om Vejle Kommunes planer.\nRikke Jørgensen Åben\n"
    doc = Document(source="a.txt", sha256="0" * 64, format="txt", text=text)
    Annotator().annotate(doc)
    assert ("PERSON", "Ahmad Rahimi") in {(s.label, s.text) for s in doc.entities}
    assert "Rikke Jørgensen Åben" not in {s.text for s in doc.entities}
    import shutil

    models = tmp_path / "models"
    shutil.copytree(source, models / "ner")
    weights = models / "ner" / "tok2vec" / "model"
    weights.write_bytes(weights.read_bytes()[:-1] + b"\0")
    monkeypatch.setenv("REFERAT_MODELS", str(models))
    with pytest.raises(ModelError, match="does not match its sha256"):
        Annotator("model")


class _Reading:
    """A spaCy pipeline that notes every text it is given."""

    def __init__(self, nlp):
        self.nlp, self.read = nlp, []

    def pipe(self, texts, **kwargs):
        self.read.extend(texts)
        return self.nlp.pipe(texts, **kwargs)


def test_a_piece_met_before_is_not_read_again_and_keeps_its_entities():
    if not (models_dir() / "ner" / "meta.json").exists():
        pytest.skip("models/ner is not in this checkout")
    backend = load_shipped_model()
    backend.nlp = reading = _Reading(backend.nlp)
    minutes = "På mødet fortalte Ahmad Rahimi om Vejle Kommunes planer.\n"
    other = "Ordet blev givet til Xhaka Berisha.\n"
    first, again = backend.find_many([minutes, minutes])
    assert len(reading.read) == 1
    assert backend.find(minutes) == first == again
    assert ("PERSON", "Ahmad Rahimi") in {(s.label, s.text) for s in first}
    assert len(reading.read) == 1
    backend.remembered = 1  # the oldest piece is forgotten
    backend.find(other)
    backend.find(minutes)
    assert len(reading.read) == 3 and backend.find(minutes) == first and len(reading.read) == 3
    backend.forget()  # a benchmark's next round reads everything as new
    assert backend.find(minutes) == first and len(reading.read) == 4


@pytest.mark.slow
def test_shipped_model_on_danplus_dev(shared_dir, nlp):
    """A floor under the figures of models/ner/README.md (rules + model, DaN+ news dev)."""
    data = gather([shared_dir / "corpora" / "ner"])
    pieces = data.scored["danplus_dev"]
    found = [[(s.start_char, s.end_char, s.label_) for s in doc.spans[SPANS_KEY]]
             for doc in nlp.pipe([p.text for p in pieces])]
    assert prf([p.ents for p in pieces], found, ["PERSON"])["PERSON"]["f"] >= 0.75


# --- referat train ner -------------------------------------------------------------------

def _tiny_danplus(folder: Path) -> None:
    sentences = [
        [("Borgmester", "O"), ("Anne", "B-PER"), ("Holm", "I-PER"), ("besøgte", "O"), ("Vejle", "B-LOC"),
         (".", "O")],
        [("Mødet", "O"), ("i", "O"), ("Danske", "B-ORG"), ("Regioner", "I-ORG"), ("blev", "O"), ("ledet", "O"),
         ("af", "O"), ("Karim", "B-PER"), ("Said", "I-PER"), (".", "O")],
        [("De", "O"), ("danske", "B-LOCderiv"), ("kommuner", "O"), ("sparer", "O"), (".", "O")],
    ]
    folder.mkdir()
    for name, times in (("da_news_train.tsv", 3), ("da_news_dev.tsv", 1)):
        with open(folder / name, "w", encoding="utf-8") as f:
            for sentence in sentences * times:
                f.writelines(f"{w}\t{t}\tO\n" for w, t in sentence)
                f.write("\n")


@pytest.mark.slow
def test_train_ner_on_a_tiny_set(tmp_path):
    _tiny_danplus(tmp_path / "danplus")
    text = "Byrådet takkede Karim Said og Lise Dam for indsatsen i Vejle."
    with open(tmp_path / "gold.jsonl", "w", encoding="utf-8") as f:
        for n in range(10):
            f.write(json.dumps(_record(f"doc{n}.txt", text, [("COMMITTEE", "Byrådet"), ("PERSON", "Karim Said"),
                                                             ("PERSON", "Lise Dam")]), ensure_ascii=False) + "\n")
    out = tmp_path / "model"
    args = ["train", "ner", "--data", str(tmp_path / "danplus"), "--data", str(tmp_path / "gold.jsonl"),
            "-o", str(out), "--max-epochs", "1"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "WARNING: only" in result.output and "labelled PERSON spans" in result.output
    assert {"README.md", "SHA256SUMS", "meta.json", "config.cfg"} <= {p.name for p in out.iterdir()}
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["labels"]["ner"] == ["LOC", "MISC", "ORG", "PERSON"]
    assert set(meta["referat_training"]["scores"]) == {"danplus_dev", "records_heldout"}
    assert "referat train ner --data" in (out / "README.md").read_text(encoding="utf-8")
    assert json.loads((out / "vocab" / "strings.json").read_text(encoding="utf-8")) == ["LOC", "MISC", "ORG",
                                                                                       "PERSON"]
    Annotator(str(out))  # a referat-trained model loads as --ner DIR, checked
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 2 and "exists; use --force" in again.output
    write_checksums(out)


def test_train_ner_without_data_is_a_usage_error(tmp_path):
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(app, ["train", "ner", "--data", str(tmp_path / "empty"), "-o",
                                      str(tmp_path / "m")])
    assert result.exit_code == 2 and "neither a DaN+ folder nor referat records" in result.output
