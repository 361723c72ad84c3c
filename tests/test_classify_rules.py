"""Markers, the text a model sees, and the evidence rules of configs/item_types.toml."""

from __future__ import annotations

import hashlib

import pytest

from referat.classify import RuleClassifier, load_classifier, strip_marker
from referat.classify.features import ItemText, item_text, model_input
from referat.classify.rules import EvidenceRules
from referat.model import ITEM_TYPES, Document, Item, Section


def minutes_doc(*items: tuple[str, dict[str, str]], marker_in_title: bool = False) -> Document:
    """A Document in the "Punkt N: Title" shape with named sections.

    Each item is (heading title as printed, {section heading: body}). Headings
    "Indstilling" and "Beslutning ..." get their canonical kinds. The marker
    is stripped into `Item.marker` as segment does, unless `marker_in_title`.
    """
    text, parsed = "", []
    for number, (printed, sections) in enumerate(items, start=1):
        start = len(text)
        text += f"Punkt {number}: {printed}\n\n"
        spans = []
        for heading, body in sections.items():
            text += heading + "\n"
            kind = "beslutning" if heading.startswith("Beslutning") else heading.lower()
            spans.append(Section(heading, kind, len(text), len(text) + len(body)))
            text += body + "\n\n"
        title, marker = (printed, None) if marker_in_title else strip_marker(printed)
        parsed.append(Item(number=number, title=title, start=start, end=len(text), marker=marker,
                           sections=spans))
    return Document(source="test-referat.txt", sha256=hashlib.sha256(text.encode()).hexdigest(),
                    format="txt", text=text, items=parsed)


@pytest.mark.parametrize(("title", "expected"), [
    ("Den virksomhedsrettede indsats (O)", ("Den virksomhedsrettede indsats", "O")),
    ("Godkendelse af dagsorden (B)", ("Godkendelse af dagsorden", "B")),
    ("Opfølgning på Budgetaftale 2020 - 2023 (D)", ("Opfølgning på Budgetaftale 2020 - 2023", "D")),
    ("Lukket: Arbejdsmarkedsområdet - opfølgning (B)  ", ("Lukket: Arbejdsmarkedsområdet - opfølgning", "B")),
    ("(B) Anlægsbevilling til cykelsti", ("Anlægsbevilling til cykelsti", "B")),
    ("Budget 2025 [Beslutning]", ("Budget 2025", "B")),
    ("Status på skolerne (til orientering)", ("Status på skolerne", "O")),
    ("Orientering om det sociale frikort", ("Orientering om det sociale frikort", None)),
    ("Drøftelse og prioritering af temaer", ("Drøftelse og prioritering af temaer", None)),
    ("Valg af repræsentant (b)", ("Valg af repræsentant (b)", None)),
    ("Forslag fra (V) og (O) om bænke", ("Forslag fra (V) og (O) om bænke", None)),
], ids=["O", "B", "D", "closed", "prefix", "word-bracket", "til-orientering", "orientering-om-is-no-marker",
        "droeftelse-word-is-no-marker", "lowercase-letter", "party-letters-inside"])
def test_strip_marker(title, expected):
    assert strip_marker(title) == expected


SECTIONS = {"Indstilling": "Forvaltningen indstiller, at orienteringen tages til efterretning.",
            "Beslutning Arbejdsmarkedsudvalget den 11-03-2019": "Taget til efterretning."}


@pytest.mark.parametrize("printed", ["Status på rekruttering (O)", "Status på rekruttering (D)",
                                     "(Beslutning) Status på rekruttering"])
@pytest.mark.parametrize("marker_in_title", [False, True], ids=["segmented", "left-in-title"])
def test_marker_never_reaches_the_model(printed, marker_in_title):
    plain = minutes_doc(("Status på rekruttering", SECTIONS))
    marked = minutes_doc((printed, SECTIONS), marker_in_title=marker_in_title)
    assert model_input(item_text(marked, marked.items[0])) == model_input(item_text(plain, plain.items[0]))


def test_marker_stripped_from_item_text_without_sections():
    doc = minutes_doc(("Godkendelse af dagsorden (B)", {}))
    doc.text = doc.text.replace("\n\n", "\n1.     Godkendelse af dagsorden (B)\nGodkendt.\n", 1)
    doc.items[0].end = len(doc.text)
    text = item_text(doc, doc.items[0])
    assert "(B)" not in model_input(text)
    assert "Godkendt" in text.body


def test_absence_and_case_number_lines_are_not_evidence():
    doc = minutes_doc(("Kvalitetsstandard", {
        "Beslutning": "Godkendt.Afbud: Claus Dyremose\nFraværende: Tina Rottbøll (A)\nSagsnr.: 21-014420"}))
    assert item_text(doc, doc.items[0]).beslutning == "Godkendt."


def rule_label(title="", indstilling="", beslutning="", body=""):
    result = EvidenceRules.default().evaluate(ItemText(title, indstilling, beslutning, body))
    return result.label


# (title, indstilling, beslutning) in the shapes real minutes use, and the type
# ANNOTATION.md §2 gives them.
RULE_CASES = [
    ("Orientering om afdelingen", "at tage orienteringen til efterretning.", "Taget til efterretning.",
     "orientering"),
    ("Budgetopfølgning", "at orienteringen tages til efterretning.",
     "Byrådet godkendte Økonomiudvalgets indstilling.", "orientering"),
    ("Gældspleje", "at orienteringen tages til efterretning.",
     "Økonomiudvalget anbefaler overfor Byrådet at orienteringen tages til efterretning.", "orientering"),
    ("Mødekalender", "at orienteringen tages til efterretning.", "Godkendt.", "orientering"),
    ("Beskæftigelsespolitik", "at Byrådet godkender Beskæftigelsespolitik 2019 – 2022", "Anbefales.",
     "beslutning"),
    ("Bygningsvedligeholdelse", "A) De foreslåede arbejder godkendes.", "Indstillingen godkendt", "beslutning"),
    ("Tilskud", "at der meddeles tillægsbevilling på 2,3 mio. kr.", "1.-2. Godkendt.", "beslutning"),
    ("Årsregnskab", "1. at revisionens beretning tages til efterretning 2. at regnskabet godkendes",
     "1. Taget til efterretning. 2. Godkendt.", "beslutning"),
    ("Projekt", "at projektbeskrivelsen tages til efterretning. B) Der afgives forslag til brugergrupper.",
     "Indstillingen godkendt", "beslutning"),
    ("Tryghedsvagter", "at det besluttes, om der skal ansættes tryghedsvagter",
     "Udvalget beslutter at sende sagen tilbage til administrationen.", "beslutning"),
    ("Kvalitetsstandard", "at kvalitetsstandarden godkendes", "Udsat.", "beslutning"),
    ("Orientering fra formanden", "at eventuelle orienteringer tages til efterretning.",
     "Udsættes til næste møde.", "orientering"),
    ("Råderetsbeløb", "at ansøgningen godkendes", "Ikke godkendt.", "beslutning"),
    ("Huskeliste", "at orienteringen tages til efterretning.",
     "Orienteringen blev taget til efterretning. Yderligere besluttede byrådet, at der synges.",
     "beslutning"),
    ("Opfølgning på budgetaftale", "at udvalget drøfter styringsarket.", "Styringsarket drøftet.",
     "drøftelse"),
    ("KL's opfølgningsproces", "A) Opfølgningsprocessen drøftes.", "Indstillingen godkendt", "drøftelse"),
    ("Fællesmøde", "at udvalget drøfter og kommer med input.", "Sagen blev drøftet og taget til efterretning.",
     "drøftelse"),
    ("Tværgående indsats", "1. at udvalgene drøfter forslaget 2. at udvalgene godkender tidsplanen",
     "At 1: Drøftet. At 2: Godkendt.", "beslutning"),
    ("Temamøde om en fælles vision", "Der skal ikke træffes beslutning på temamødet.",
     "Temamødet blev holdt.", "drøftelse"),
    ("Dialogmøde med Handicaprådet", "", "", "drøftelse"),
    ("Spørgetid", "", "Byrådet besvarede borgernes spørgsmål.", "orientering"),
    ("Underskriftsark", "", "", "orientering"),
    ("Godkendelse af dagsorden", "at dagsordenen godkendes.", "Dagsordenen blev godkendt.", "beslutning"),
    ("Integrationsområdet", "at udvalget modtager orienteringen.", "", "orientering"),
    ("Valg af næstformand", "", "Udvalget valgte Claus Jensen som næstformand.", "beslutning"),
]


@pytest.mark.parametrize(("title", "indstilling", "beslutning", "expected"), RULE_CASES,
                         ids=[f"{c[0]}->{c[3]}" for c in RULE_CASES])
def test_rules(title, indstilling, beslutning, expected):
    assert rule_label(title, indstilling, beslutning) == expected


def test_item_text_used_where_no_section_was_found():
    assert rule_label("Lukket punkt", body="Orienteringen blev taget til efterretning.") == "orientering"
    assert rule_label("Lukket punkt", body="Byrådet godkendte købsaftalen.") == "beslutning"


def test_no_evidence_falls_back_to_the_prior_with_low_confidence():
    result = EvidenceRules.default().evaluate(ItemText("Artikel i avisen"))
    assert result.hits == [] and result.label == "beslutning"
    assert max(result.scores.values()) < 0.5


def test_longer_phrase_wins_overlap():
    rules = EvidenceRules.default()
    found = [text for _, text in rules.find("beslutning", "Ikke godkendt. Indstillingen godkendt.")]
    assert found == ["Ikke godkendt", "Indstillingen godkendt"]


def _table(*phrases: tuple[str, float, str]) -> dict:
    return {"scopes": {"beslutning": 3.0}, "phrase": [
        {"type": label, "weight": weight, "scopes": ["beslutning"], "patterns": [pattern]}
        for pattern, weight, label in phrases]}


@pytest.mark.parametrize(("phrases", "text", "found"), [
    ([("godkendt", 1.5, "beslutning"), ("ikke godkendt", 1.5, "beslutning")],
     "Ikke godkendt.", [("ikke godkendt", "Ikke godkendt")]),
    ([("taget til efterretning", 1.0, "orientering"), ("til efterretning", 1.2, "orientering")],
     "Sagen blev taget til efterretning.", [("taget til efterretning", "taget til efterretning")]),
    ([("drøftet", 1.0, "drøftelse"), ("drøfte[dt]", 1.2, "drøftelse")],
     "Drøftet.", [("drøfte[dt]", "Drøftet")]),
    ([("godkendt", 1.5, "beslutning")], "Ugodkendt. Godkendtes. Godkendt", [("godkendt", "Godkendt")]),
], ids=["longest-at-a-start", "earliest-start-wins", "equal-length-heavier", "whole-words-only"])
def test_find_keeps_one_phrase_per_place(phrases, text, found):
    rules = EvidenceRules.from_table(_table(*phrases))
    assert [(p.pattern.pattern[len(r"(?<!\w)(?:"):-len(r")(?!\w)")], snippet)
            for p, snippet in rules.find("beslutning", text)] == found


def test_phrases_that_cannot_share_one_pattern_are_refused():
    with pytest.raises(ValueError, match="named groups or backreferences"):
        EvidenceRules.from_table(_table(("(?P<a>godkendt)", 1.5, "beslutning"),
                                        ("(?P<a>anbefalet)", 1.5, "beslutning")))


def test_classification_has_all_scores_and_the_deciding_evidence():
    doc = minutes_doc(("Orientering om frikort", SECTIONS), ("Beskæftigelsespolitik", {
        "Indstilling": "at Byrådet godkender politikken", "Beslutning": "Anbefales."}))
    RuleClassifier().classify(doc)
    first, second = doc.items
    assert first.type == "orientering" and second.type == "beslutning"
    for item in doc.items:
        c = item.classification
        assert set(c.scores) == set(ITEM_TYPES) and sum(c.scores.values()) == pytest.approx(1)
        assert c.label == item.type and c.score == c.scores[c.label] and c.source == "rules"
    assert 'beslutning: "Taget til efterretning"' in first.classification.evidence
    assert any('"Anbefales"' in e and "indstilling: beslutning" in e
               for e in second.classification.evidence)


def test_printed_marker_beats_the_words():
    doc = minutes_doc(("Månedlig orientering om nøgletal (D)", SECTIONS))
    load_classifier("rules").classify(doc)
    item = doc.items[0]
    assert item.type == "drøftelse"
    assert item.classification.source == "marker" and item.classification.score == 1.0
    assert item.classification.evidence == ["marker: (D)"]


def test_marker_left_in_title_still_decides():
    doc = minutes_doc(("Godkendelse af dagsorden (O)", SECTIONS), marker_in_title=True)
    RuleClassifier().classify(doc)
    assert doc.items[0].type == "orientering" and doc.items[0].classification.source == "marker"


@pytest.mark.parametrize("entry", [
    {"type": "afstemning", "scopes": ["beslutning"], "weight": 1, "patterns": ["x"]},
    {"type": "beslutning", "scopes": ["resume"], "weight": 1, "patterns": ["x"]},
    {"type": "beslutning", "role": "veto", "scopes": ["beslutning"], "weight": 1, "patterns": ["x"]},
], ids=["type", "scope", "role"])
def test_bad_phrase_table_is_refused(entry):
    with pytest.raises(ValueError):
        EvidenceRules.from_table({"scopes": {"beslutning": 1.0}, "phrase": [entry]})


def test_rules_on_shared_minutes_as_printed(shared_dir):
    from referat.classify.data import iter_documents, read_labels

    gold = read_labels(shared_dir / "corpora" / "gold" / "dev.jsonl")
    checked = 0
    for doc in iter_documents([shared_dir / "corpora" / "minutes"]):
        RuleClassifier().classify(doc)
        for item in doc.items:
            expected = gold.get((doc.source.rsplit("/", 1)[-1], item.number))
            if expected:
                assert item.type == expected, (doc.source, item.number, item.classification)
                checked += 1
    assert checked >= 25
