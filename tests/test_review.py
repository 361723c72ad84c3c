"""The review page: self-contained, escaped, with types, scores, pages and norms."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from _docs import ItemSpec, amiu_2019, byraad_2016, failed, minutes

from referat.export.jsonl import write_jsonl
from referat.review import describe_norm, render, write_review

HOSTILE = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'


def hostile_doc():
    """Untrusted text everywhere a document can put it."""
    return minutes(
        f"minutes/{HOSTILE}.txt", body=f"Udvalg {HOSTILE}", date="2021-06-01",
        preamble="Referat\n\n",
        items=[ItemSpec(1, f"Titel {HOSTILE}", "beslutning", 0.6, "B", sections=[
            ("Sagsfremstilling", "sagsfremstilling", f"Tekst {HOSTILE} og [LAW aktivlovens § 13] igen."),
        ])],
    )


@pytest.fixture(scope="module")
def page():
    return render([amiu_2019(), byraad_2016(), hostile_doc()], skipped=["minutes/scan.pdf: no_text_layer"])


def test_untrusted_text_is_escaped(page):
    assert "<script>window.pwned" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in page
    assert len(re.findall(r"<script\b", page)) == 1  # the page's own filter script, nothing else


def test_self_contained(page):
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "<link" not in page and "@import" not in page


def test_csp_allows_only_the_pages_own_script(page):
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp
    assert f"script-src 'sha256-{digest}'" in csp


def test_items_show_type_score_and_pdf_page(page):
    assert re.search(r'<article class="item" data-type="beslutning" data-labels="AMOUNT CASE_NUMBER COMMITTEE '
                     r'LAW PARTY PERSON">', page)
    assert "score 0.88 (rules)" in page
    assert 'data-type="none"' in page  # the untyped Spørgetid item
    assert '<span class="page">page 3</span>' in page  # the PDF's second item
    soenderborg = page[page.index("soenderborg-amiu"):page.index("ballerup-byraad")]
    assert 'class="page"' not in soenderborg  # a text file has no pages to point to


def test_entities_are_highlighted_with_their_norm_on_hover(page):
    assert ('<mark class="ent" data-label="LAW" title="LAW · aktivloven § 13 d, stk. 5 · by rules:law">'
            "aktivlovens § 13 d, stk. 5</mark>") in page
    assert 'title="AMOUNT · 12.500.000 DKK · by rules:amount · page 3"' in page


def test_filters_list_types_and_labels_with_counts(page):
    types = re.findall(r'data-filter="type" value="([^"]+)"', page)
    labels = re.findall(r'data-filter="label" value="([^"]+)"', page)
    assert types == ["orientering", "beslutning", "drøftelse", "none"]
    assert labels == ["COMMITTEE", "PERSON", "PARTY", "AMOUNT", "LAW", "CASE_NUMBER"]


def test_skipped_records_are_listed(page):
    assert "<li>minutes/scan.pdf: no_text_layer</li>" in page


@pytest.mark.parametrize("norm, said", [
    ({"value": 20000000.0, "currency": "DKK"}, "20.000.000 DKK"),
    ({"value": 8500.5, "currency": "DKK"}, "8.500,50 DKK"),
    ({"act": "aktivloven", "section": "13 d", "subsection": "5"}, "aktivloven § 13 d, stk. 5"),
    ({"act": None, "section": "56", "subsection": None}, "(no act) § 56"),
    ({"act": "serviceloven", "section": None, "subsection": None}, "serviceloven"),
    ({"name": "Byrådet"}, "Byrådet"),
    ({"name": "Dorthe Mehlberg", "party": "V"}, "Dorthe Mehlberg (V)"),
    ({"value": 2000000.0, "currency": "DKK", "max": 3000000.0}, "2.000.000–3.000.000 DKK"),
    ({"act": "aktivloven", "section": "13", "subsection": "2", "number": "3"}, "aktivloven § 13, stk. 2, nr. 3"),
    ({"letter": "Ø", "name": None}, "letter: Ø"),
    ({"value": "330-2019-611204", "kind": "document"}, "330-2019-611204; kind: document"),
    (None, ""),
], ids=["amount", "decimal-amount", "law", "bare-section", "act-only", "committee", "person",
        "amount-range", "law-with-number", "party", "case-number", "none"])
def test_describe_norm(norm, said):
    assert describe_norm(norm) == said


def test_write_review_skips_error_records(tmp_path):
    records = tmp_path / "minutes.jsonl"
    write_jsonl([amiu_2019(), failed()], records)
    summary = write_review(records, tmp_path / "review.html")
    assert (summary.documents, summary.items, summary.skipped) == \
        (1, 3, ["minutes/scan-uden-tekst.pdf: no_text_layer"])
    assert "scan-uden-tekst.pdf: no_text_layer" in (tmp_path / "review.html").read_text(encoding="utf-8")
