"""The review page in a real headless browser (Debian's chromium, never a download):
its own script runs under its CSP, filters hide and show, nothing is fetched."""

from __future__ import annotations

from pathlib import Path

import pytest
from _docs import amiu_2019, byraad_2016
from test_review import hostile_doc

from referat.review import render

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.enable_socket,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                       "(apt-get install chromium; `make test` installs it)"),
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, timeout=60_000)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, tmp_path):
    path = tmp_path / "review.html"
    path.write_text(render([amiu_2019(), byraad_2016(), hostile_doc()]), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.problems = []
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda err: page.problems.append(str(err)))
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else page.problems.append(r.url))
    page.goto(path.as_uri())
    yield page
    page.close()


def toggle(page, kind, value):
    page.locator(f"input[data-filter='{kind}'][value='{value}']").click()


def item(page, title):
    return page.locator("article.item", has_text=title)


def test_filters_hide_and_show(page):
    shown = page.locator("#shown")
    assert shown.text_content() == "7 of 7 items shown"  # the page's script ran under its CSP

    toggle(page, "type", "orientering")
    assert shown.text_content() == "6 of 7 items shown"
    assert item(page, "Orientering om det sociale frikort").is_hidden()
    assert item(page, "Godkendelse af beskæftigelsestilbud").is_visible()

    decision = item(page, "Godkendelse af beskæftigelsestilbud")
    decision.locator("details").evaluate("d => d.open = true")
    law = decision.locator("mark.ent[data-label='LAW']").first
    assert law.get_attribute("title") == "LAW · aktivloven § 13 d, stk. 5 · by rules:law"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review.png"))

    toggle(page, "label", "LAW")
    assert decision.locator("li.chip[data-label='LAW']").first.is_hidden()
    assert decision.locator("li.chip[data-label='AMOUNT']").first.is_visible()
    assert "muted" in law.get_attribute("class")

    page.locator("#only-labelled").click()
    for label in ("COMMITTEE", "PERSON", "PARTY", "CASE_NUMBER"):
        toggle(page, "label", label)
    assert shown.text_content() == "3 of 7 items shown"  # the items with an AMOUNT, minus the orientering
    assert page.locator("article.item:visible h3").all_text_contents() == [
        "2. Godkendelse af beskæftigelsestilbud og konkurrenceudsættelse beslutning score 0.88 (rules) sag 18/58627",
        "1. Sanktioner efter aktivloven beslutning score 0.81 (rules) sag 16/1201 page 2",
        "2. Anlægsbevilling til ny skole beslutning score 0.93 (rules) lukket sag 16/2210 page 3",
    ]
    assert page.locator("section.doc", has_text="Udvalg <script>").is_hidden()  # none of its items left
    assert page.problems == []


def test_hostile_text_is_shown_not_run(page):
    assert page.evaluate("window.pwned") is None
    hostile = item(page, "Titel <script>")
    assert hostile.locator("h3").text_content().startswith(
        '1. Titel <script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">')
    assert page.locator("img").count() == 0
    assert page.problems == []
