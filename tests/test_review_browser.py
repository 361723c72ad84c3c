"""The review page in a real headless browser (Debian's chromium, never a download):
its script runs under its CSP, a person corrects spans, types, decisions and item
boundaries with mouse and keyboard, the work survives a reload, and "Save
corrections" gives a file that `referat import --format review` turns into
exactly those corrections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _docs import amiu_2019, byraad_2016, fjordby_2021
from test_review import hostile_doc
from typer.testing import CliRunner

from referat.cli import app
from referat.export.jsonl import write_jsonl
from referat.model import Document, Span

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


def documents() -> list[Document]:
    return [amiu_2019(), byraad_2016(), fjordby_2021(), hostile_doc()]


@pytest.fixture
def records(tmp_path) -> Path:
    path = tmp_path / "minutes.jsonl"
    write_jsonl(documents(), path)
    return path


@pytest.fixture
def review_page(records, tmp_path) -> Path:
    out = tmp_path / "review.html"
    result = CliRunner().invoke(app, ["review", str(records), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def open_page(browser, path: Path, width: int = 1200, height: int = 900):
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda err: page.problems.append(str(err)))
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:"))
            else page.problems.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_selector("html[data-ready]", timeout=60_000)
    return page


@pytest.fixture
def page(browser, review_page):
    page = open_page(browser, review_page)
    yield page
    page.context.close()


def item(page, title):
    return page.locator("article.item", has_text=title)


def drag_select(page, article, text: str, within: str | None = None) -> None:
    """Select `text` (the one in `within`, if given) inside an item with the mouse, as a person does."""
    box = article.evaluate("""(art, [text, within]) => {
        for (const seg of art.querySelectorAll('.text .seg')) {
            const around = seg.textContent.indexOf(within || text);
            if (around < 0) continue;
            const at = around + (within || text).indexOf(text);
            const range = document.createRange();
            range.setStart(seg.firstChild, at);
            range.setEnd(seg.firstChild, at + text.length);
            const r = range.getClientRects();
            const first = r[0], last = r[r.length - 1];
            return {x0: first.left + 1, y0: first.top + first.height / 2,
                    x1: last.right - 1, y1: last.top + last.height / 2};
        }
        return null;
    }""", [text, within])
    assert box is not None, f"{text!r} is not plain text in that item"
    page.mouse.move(box["x0"], box["y0"])
    page.mouse.down()
    page.mouse.move(box["x1"], box["y1"], steps=5)
    page.mouse.up()


def place_caret(article, text: str) -> None:
    article.evaluate("""(art, text) => {
        for (const seg of art.querySelectorAll('.text .seg')) {
            const at = seg.textContent.indexOf(text);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(seg.firstChild, at);
            range.collapse(true);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
            return;
        }
        throw new Error('no ' + text);
    }""", text)


def click_span(article, text: str) -> None:
    article.locator(".seg.ent", has_text=text).first.click()


def save_corrections(page, tmp_path) -> Path:
    with page.expect_download() as download:
        page.locator("#save").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    return path


def import_review(corrections: Path, tmp_path) -> list[Document]:
    gold = tmp_path / "gold.jsonl"
    result = CliRunner().invoke(app, ["import", str(corrections), "--format", "review", "-o", str(gold)])
    assert result.exit_code == 0, result.output
    return [Document.from_dict(json.loads(line)) for line in gold.read_text(encoding="utf-8").splitlines()]


def spans(doc: Document) -> set[tuple[str, str, int]]:
    return {(s.label, s.text, s.start) for s in doc.all_entities()}


def test_least_confident_first_under_the_csp(page):
    assert page.locator("article.item h3 .title").all_text_contents() == [
        "Spørgetid",  # no type at all: needs a look most
        "Budgetopfølgning pr. 31. marts 2021",  # 0.41
        hostile_doc().items[0].title,  # 0.6
        "Drøftelse af temaer i indsatsen mod parallelsamfund",  # 0.74
        "Sanktioner efter aktivloven",
        "Godkendelse af beskæftigelsestilbud og konkurrenceudsættelse",
        "Anlægsbevilling til ny skole", "Salg af areal ved Havnevej 12",  # 0.93, in document order
        "Orientering om det sociale frikort", "Godkendelse af dagsorden"]
    assert page.locator("#summary").text_content().startswith("4 documents · 10 items")
    law = item(page, "Godkendelse af beskæftigelsestilbud").locator(".seg.ent", has_text="aktivlovens").first
    assert law.get_attribute("title") == "LAW · aktivloven § 13 d, stk. 5 · by rules:law"
    amount = item(page, "Anlægsbevilling til ny skole").locator(".seg.ent", has_text="12,5 mio. kr.")
    assert amount.get_attribute("title") == "AMOUNT · 12.500.000 DKK · by rules:amount · page 3"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review.png"))
    assert page.problems == []


def test_labels_are_in_the_text_and_overlaps_stack(browser, tmp_path):
    doc = amiu_2019()
    law = next(s for s in doc.items[1].entities if s.text == "aktivlovens § 13 d, stk. 5")
    doc.items[1].entities.append(Span("ACT", law.start, law.start + len("aktivlovens"), "aktivlovens"))
    path = tmp_path / "overlap.html"
    write_jsonl([doc], tmp_path / "overlap.jsonl")
    assert CliRunner().invoke(app, ["review", str(tmp_path / "overlap.jsonl"), "-o", str(path)]).exit_code == 0
    page = open_page(browser, path)
    text = item(page, "Godkendelse af beskæftigelsestilbud").locator(".text")
    both = text.locator(".seg.ent", has_text="aktivlovens").first
    assert len(both.get_attribute("data-s").split()) == 2  # covered by ACT and LAW
    assert both.evaluate("s => getComputedStyle(s).boxShadow").count("inset") == 2  # two underlines
    tags = text.locator(".tag").all_text_contents()
    assert tags.count("ACT") == 1 and tags.count("LAW") == 2 and "AMOUNT" in tags
    page.context.close()


def test_hostile_text_is_shown_not_run(page):
    assert page.evaluate("window.pwned") is None
    hostile = item(page, "Titel <script>")
    assert hostile.locator("h3 .title").text_content() == hostile_doc().items[0].title
    assert page.locator("img").count() == 0
    assert page.problems == []


def test_corrections_in_the_browser_come_back_exactly(page, tmp_path):
    budget = item(page, "Budgetopfølgning")
    budget.locator("h3").click()  # focus the item

    click_span(budget, "Økonomiudvalget")  # a committee tagged PERSON: relabel it
    assert page.locator("#pop").is_visible()
    page.keyboard.press("1")  # COMMITTEE
    click_span(budget, "2019")  # a year tagged AMOUNT: delete it
    page.keyboard.press("x")
    drag_select(page, budget, "Per Dalgaard")  # a missed name: add it
    assert "Add Per Dalgaard as:" in page.locator("#pop").text_content()
    page.keyboard.press("2")  # PERSON
    page.keyboard.press("b")  # the item type: beslutning
    page.keyboard.press("Shift+Digit1")  # the decision outcome: godkendt
    page.keyboard.press("r")  # reviewed
    assert page.problems == []

    budget = item(page, "Budgetopfølgning")
    assert budget.locator(".badge.changed").text_content() == "changed: spans, type, decision"
    assert budget.locator("select").input_value() == "godkendt"
    corrections = save_corrections(page, tmp_path)
    assert corrections.name == "minutes.corrections.jsonl"
    (gold,) = import_review(corrections, tmp_path)  # only the document that was touched

    original = fjordby_2021()
    assert gold.text == original.text and gold.sha256 == original.sha256
    assert spans(original) - spans(gold) == {("PERSON", "Økonomiudvalget", original.text.index("Økonomi")),
                                            ("AMOUNT", "2019", original.text.index("2019"))}
    assert spans(gold) - spans(original) == {("COMMITTEE", "Økonomiudvalget", original.text.index("Økonomi")),
                                            ("PERSON", "Per Dalgaard", original.text.index("Per Dalgaard"))}
    added = next(s for s in gold.all_entities() if s.text == "Per Dalgaard")
    assert added.source == "gold:review"
    before, after = original.items[1], gold.items[1]
    assert (after.type, after.classification.source, after.classification.score) == ("beslutning", "human", 1.0)
    assert after.decision.outcome == "godkendt" and after.decision.text == before.decision.text
    for untouched_before, untouched_after in ((original.items[0], gold.items[0]), (original.items[2], gold.items[2])):
        assert untouched_after.to_dict() == untouched_before.to_dict()
    assert gold.meeting == original.meeting and gold.entities == original.entities


def test_work_survives_a_reload_and_undo_takes_it_back(page):
    page.locator("article.item h3").first.click()
    page.keyboard.press("o")
    assert page.locator("#summary").text_content().endswith("1 changed · 1 documents with corrections")
    page.wait_for_timeout(400)  # the page writes to storage shortly after a change
    page.reload()
    page.wait_for_selector("html[data-ready]")
    first = page.locator("article.item").first
    assert first.locator(".badge.type-orientering").count() == 1
    assert "Restored your corrections in 1 documents" in page.locator("#status").text_content()
    page.locator("#undo").click()
    page.keyboard.press("u")
    assert page.locator("#status").text_content() in ("Undone.", "Nothing to undo.")


def test_merge_and_split_items(page, tmp_path):
    page.keyboard.press("v")  # one document at a time
    page.locator("#doc").select_option(label="2021-06-14 · fjordby-byraad-2021-06-14.txt")
    sale = item(page, "Salg af areal")
    sale.locator("h3").click()
    place_caret(sale, "4. Eventuelt")
    page.keyboard.press("s")  # item 3 swallowed item 4: split it
    assert page.locator("article.item h3 .title").all_text_contents() == [
        "Godkendelse af dagsorden", "Budgetopfølgning pr. 31. marts 2021", "Salg af areal ved Havnevej 12",
        "Eventuelt"]
    item(page, "Godkendelse af dagsorden").locator("h3").click()
    page.keyboard.press("m")  # merge 1 and 2 (to test merging; the reviewer would not)
    assert len(page.locator("article.item").all()) == 3
    (gold,) = import_review(save_corrections(page, tmp_path), tmp_path)
    original = fjordby_2021()
    assert [(i.number, i.title, i.start, i.end) for i in gold.items] == [
        (1, "Godkendelse af dagsorden", original.items[0].start, original.items[1].end),
        (3, "Salg af areal ved Havnevej 12", original.items[2].start, original.text.index("4. Eventuelt")),
        (4, "Eventuelt", original.text.index("4. Eventuelt"), original.items[2].end),
    ]
    assert spans(gold) == spans(original)  # no span lost in merging or splitting
    assert [i.type for i in gold.items] == ["beslutning", "beslutning", None]


def test_search_body_date_and_document_navigation(page):
    page.locator("#search").fill("dalgaard")
    page.wait_for_timeout(350)
    assert page.locator("article.item h3 .title").all_text_contents() == ["Budgetopfølgning pr. 31. marts 2021"]
    page.locator("#search").fill("")
    page.wait_for_timeout(350)
    page.locator("#body").select_option("Byrådet")
    assert {t for t in page.locator("article.item .where").all_text_contents()} == {
        "Byrådet · 2016-05-23 · minutes/ballerup-byraad-2016-05-23.pdf",
        "Byrådet · 2021-06-14 · minutes/fjordby-byraad-2021-06-14.txt"}
    page.locator("#from").fill("2020-01-01")
    page.locator("#from").dispatch_event("change")
    assert len(page.locator("article.item").all()) == 3
    page.locator("#view-doc").click()
    assert page.locator("section.doc-head h2").text_content() == "minutes/fjordby-byraad-2021-06-14.txt"
    assert page.locator("div.outside .seg.ent", has_text="Jan Prokopek Jensen").count() == 1
    page.locator("#body").select_option("")
    page.locator("#from").fill("")
    page.locator("#from").dispatch_event("change")
    page.locator("#doc").select_option(index=0)
    page.locator("section.doc-head").click()  # out of the form fields: keys are shortcuts again
    heads = []
    for _ in range(4):
        heads.append(page.locator("section.doc-head h2").text_content())
        page.keyboard.press("n")
    assert len(set(heads)) == 4
    assert page.problems == []


def test_phone_width(browser, review_page):
    page = open_page(browser, review_page, width=375, height=740)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    budget = item(page, "Budgetopfølgning")
    assert budget.locator(".text").bounding_box()["width"] <= 375
    click_span(budget, "Økonomiudvalget")
    pop = page.locator("#pop").bounding_box()
    assert pop["x"] >= 0 and pop["x"] + pop["width"] <= 375
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review-phone.png"))
    assert page.problems == []
    page.context.close()


def test_pages_read_by_ocr_say_so(browser, tmp_path):
    from referat.model import Item, Page

    text = "Referat\n1. Meddelelser\nTaget til efterretning.\n"
    doc = Document(source="scan.tif", sha256="cd" * 32, format="tiff", text=text,
                   pages=[Page(1, 0, len(text), ocr=True, ocr_engine="tesseract", ocr_version="5.5.4",
                               ocr_confidence=0.874)],
                   items=[Item(1, "Meddelelser", 8, len(text))])
    write_jsonl([doc], tmp_path / "scan.jsonl")
    assert CliRunner().invoke(app, ["review", str(tmp_path / "scan.jsonl"), "-o", str(tmp_path / "scan.html")]).exit_code == 0
    page = open_page(browser, tmp_path / "scan.html")
    assert page.locator("article.item .page").text_content() == "page 1 (OCR, 87%)"
    assert page.locator("article.item .where").text_content() == \
        "scan.tif · OCR: 1 of 1 pages read from the scan, weakest page 87% sure"
    page.context.close()


def test_bidi_controls_are_shown_as_tokens(browser, tmp_path):
    """A right-to-left override in a title, a file name or the text is shown as what it is,
    and a span after it still lands on its own characters."""
    from referat.model import Item

    text = "Referat\n1. Godkendelse \u202eaf dagsorden\nBeslutning: 20 mio. kr. godkendt.\n"
    start = text.index("20 mio. kr.")
    doc = Document(source="budget\u202efdp.txt", sha256="ef" * 32, format="txt", text=text,
                   items=[Item(1, "Godkendelse \u202eaf dagsorden", 8, len(text),
                               entities=[Span("AMOUNT", start, start + 11, "20 mio. kr.")])])
    write_jsonl([doc], tmp_path / "bidi.jsonl")
    assert CliRunner().invoke(app, ["review", str(tmp_path / "bidi.jsonl"), "-o", str(tmp_path / "bidi.html")]).exit_code == 0
    page = open_page(browser, tmp_path / "bidi.html")
    article = page.locator("article.item").first
    assert article.locator("h3 .title").text_content() == "Godkendelse \u27e8U+202E\u27e9af dagsorden"
    assert "budget\u27e8U+202E\u27e9fdp.txt" in article.locator(".where").text_content()
    body = article.locator(".text").text_content()
    assert "\u202e" not in body and "\u27e8U+202E\u27e9af dagsorden" in body
    assert article.locator(".seg.ent").first.text_content() == "20 mio. kr."
    page.context.close()
