"""The whole loop on the sample corpus, as a user runs it: process → review page →
corrections in the browser → import → train → process with the new models →
evaluate, and the corrected spans and types are now right.

The reviewer's corrections:
- Egelund item 2: "Ændringsforslag fra O" — the party letter O was missed: add a PARTY span;
- Nordmark item 4: "Ungerådet" is a youth council, not a committee of the council: delete it;
- Nordmark item 5, the closed "Personalesag" (the least confident item, no decision text): in this
  archive personnel matters the committee is only told about are `orientering`: change the type.

Each `referat train` subcommand that exists on this branch is run on the corrected
records (`TRAINERS`); `types` always is. When `referat train ner` lands, its row
joins the loop by itself: its model is used for the second run, and the corrected
spans of the labels it learns must be in the new output. The span corrections
above are of labels the rules find (PARTY, COMMITTEE), so until a model learns
them they are checked in the gold records.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_review_browser import ARGS, CHROMIUM, click_span, drag_select, item, open_page, save_corrections
from typer.testing import CliRunner

from referat.cli import app
from referat.cli.train import train_app

SAMPLE = Path(__file__).resolve().parent.parent / "corpora" / "minutes"
EGELUND = "egelund-plan-og-boligudvalget-2018-10-02.txt"
NORDMARK = "nordmark-boerne-og-ungeudvalget-dagsorden-2024-04-16.txt"

# subcommand -> (its arguments, given the first output, the corrected gold and the model
# folder; the option that makes `referat process` use the model; the span labels the
# model learns, whose corrected spans must come out right). A subcommand this branch
# lacks is left out; `ner` is written for `referat train ner --data ... -o ...` (issue 12).
TRAINERS = {
    "types": (lambda records, gold, out: [records, gold, "-o", out, "--seed", "0"], "--classifier", ()),
    "ner": (lambda records, gold, out: ["--data", gold, "-o", out, "--max-epochs", "2"], "--ner",
            ("PERSON", "ORG", "LOC")),
}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.enable_socket,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


def run(*args) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def trainers() -> list[str]:
    available = {command.name for command in train_app.registered_commands}
    return [name for name in TRAINERS if name in available]


def records(path: Path) -> dict[str, dict]:
    return {Path(r["source"]).name: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def spans(record: dict, label: str) -> list[str]:
    return [e["text"] for e in record["entities"] + [e for i in record["items"] for e in i["entities"]]
            if e["label"] == label]


def proposer(record: dict) -> list[tuple[str, str]]:
    """The spans on the party letter in "Ændringsforslag fra O"."""
    at = record["text"].index("Ændringsforslag fra O") + len("Ændringsforslag fra ")
    return [(e["label"], e["text"]) for e in record["entities"] + [e for i in record["items"] for e in i["entities"]]
            if e["start"] == at]


def search(page, words: str) -> None:
    page.locator("#search").fill(words)
    page.wait_for_function("q => document.querySelectorAll('article.item').length === 1", timeout=30_000)


def test_review_correct_retrain_and_the_corrections_are_right(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    first = tmp_path / "minutes.jsonl"
    run("process", SAMPLE, "-o", first)
    before = records(first)
    assert proposer(before[EGELUND]) == [] and "Ungerådet" in spans(before[NORDMARK], "COMMITTEE")
    assert before[NORDMARK]["items"][4]["type"] == "beslutning"
    run("review", first, "-o", tmp_path / "review.html")

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, timeout=60_000)
        page = open_page(browser, tmp_path / "review.html")
        assert page.locator("article.item h3 .title").first.text_content() == "Personalesag"  # least confident
        search(page, "ændringsforslag fra")
        proposal = item(page, "Forslag til lokalplan")
        drag_select(page, proposal, "O", within="fra O om")
        page.keyboard.press("3")  # PARTY
        search(page, "ungerådet")
        click_span(item(page, "Temadrøftelse"), "Ungerådet")
        page.keyboard.press("x")
        search(page, "personalesag")
        personnel = item(page, "Personalesag")
        personnel.locator("h3").click()
        page.keyboard.press("o")
        page.keyboard.press("r")
        assert page.problems == []
        corrections = save_corrections(page, tmp_path)
        browser.close()

    gold = tmp_path / "gold.jsonl"
    report = run("import", corrections, "--format", "review", "-o", gold)
    assert "read 2 records" in report and "kept 2 documents" in report
    corrected = records(gold)
    assert proposer(corrected[EGELUND]) == [("PARTY", "O")]
    assert "Ungerådet" not in spans(corrected[NORDMARK], "COMMITTEE")
    assert corrected[NORDMARK]["items"][4]["type"] == "orientering"

    options = []
    (tmp_path / "models").mkdir()
    for name in trainers():
        arguments, process_option, _ = TRAINERS[name]
        model = tmp_path / "models" / name
        run("train", name, *arguments(first, gold, model))
        options += [process_option, model]
    again = tmp_path / "again.jsonl"
    run("process", SAMPLE, "-o", again, *options)
    after = records(again)
    assert after[NORDMARK]["items"][4]["type"] == "orientering"  # the corrected type, now predicted
    scores = json.loads(run("evaluate", again, gold, "--json"))
    assert scores["types"]["accuracy"] == 1.0
    learnt = {label for name in trainers() for label in TRAINERS[name][2]}
    # The gold's persons, found again through the retrained model (its ORG and LOC after two epochs
    # are not the shipped model's, and the gold's came from that model, unchecked).
    for name in (EGELUND, NORDMARK):
        wanted = {text for text in spans(corrected[name], "PERSON")} if "PERSON" in learnt else set()
        assert wanted <= set(spans(after[name], "PERSON")), name
