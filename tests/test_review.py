"""The review page as a file: self-contained, escaped, the records inside it
intact, and written under the output policy (the browser tests drive it)."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest
from _docs import ItemSpec, amiu_2019, byraad_2016, failed, fjordby_2021, minutes
from typer.testing import CliRunner

from referat.cli import app
from referat.export.jsonl import write_jsonl
from referat.model import ENTITY_LABELS, ITEM_TYPES, OUTCOMES
from referat.review import read_page_records, render, write_review

HOSTILE = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'


def hostile_doc():
    """Untrusted text everywhere a document can put it."""
    return minutes(
        f"minutes/{HOSTILE}.txt", body=f"Udvalg {HOSTILE}", date="2021-06-01",
        preamble="Referat\n\n",
        items=[ItemSpec(1, f"Titel {HOSTILE} </script><!-- {{{{script}}}}", "beslutning", 0.6, "B", sections=[
            ("Sagsfremstilling", "sagsfremstilling", f"Tekst {HOSTILE} og [LAW aktivlovens § 13] igen."),
        ])],
    )


def docs():
    return [amiu_2019(), byraad_2016(), fjordby_2021(), hostile_doc()]


@pytest.fixture(scope="module")
def page():
    return render(docs(), skipped=["minutes/scan.pdf: no_text_layer"])


def block(page: str, name: str) -> str:
    return re.search(rf'<script type="application/\w+(?:-\w+)?" id="referat-{name}">(.*?)</script>', page, re.S).group(1)


def test_untrusted_text_never_becomes_markup(page):
    assert "<script>window.pwned" not in page and "<img src=x" not in page and "<!--  {{" not in page
    assert "\\u003cscript\\u003ewindow.pwned" in page  # in the index, escaped (the records are base64)
    assert len(re.findall(r"<script\b", page)) == 3  # two data blocks and the page's own script


def test_the_records_travel_whole(page):
    records = read_page_records(page)
    assert records == [d.to_dict() for d in docs()]
    assert records[2]["items"][1]["decision"]["outcome"] == "andet"
    index = json.loads(block(page, "meta"))["index"]
    assert [[(i["number"], i["type"]) for i in d["items"]] for d in index] == \
        [[(i.number, i.type) for i in d.items] for d in docs()]


def test_meta_names_labels_types_outcomes_and_skipped(page):
    meta = json.loads(block(page, "meta"))
    assert meta["labels"][:len(ENTITY_LABELS)] == list(ENTITY_LABELS)
    assert (meta["types"], meta["outcomes"]) == (list(ITEM_TYPES), list(OUTCOMES))
    assert meta["skipped"] == ["minutes/scan.pdf: no_text_layer"]
    assert meta["source"] == "gold:review"


def test_storage_key_follows_the_documents(page):
    """Work kept in the browser belongs to these documents, not to another page's."""
    same = json.loads(block(render(docs()), "meta"))["key"]
    other = json.loads(block(render(docs()[:2]), "meta"))["key"]
    assert json.loads(block(page, "meta"))["key"] == same != other


def test_self_contained(page):
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "<link" not in page and "@import" not in page


def test_csp_allows_only_the_pages_own_script(page):
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp and "form-action 'none'" in csp
    assert f"script-src 'sha256-{digest}'" in csp


def test_write_review_skips_error_records_and_reports_broken_lines(tmp_path):
    records = tmp_path / "minutes.jsonl"
    write_jsonl([amiu_2019(), failed()], records)
    with records.open("a", encoding="utf-8") as f:
        f.write('{"source": "x.txt", "sha256": "ab", "format": "txt", "items": [{"number": "one"}]}\n')
    out = tmp_path / "review.html"
    summary = write_review(records, out)
    assert (summary.documents, summary.items, summary.skipped) == \
        (1, 3, ["minutes/scan-uden-tekst.pdf: no_text_layer"])
    assert summary.failed and summary.failed[0].startswith("line 3: not a valid document record")
    assert json.loads(block(out.read_text(encoding="utf-8"), "meta"))["skipped"] == summary.skipped


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_review_command_keeps_to_the_output_policy(tmp_path):
    records = tmp_path / "minutes.jsonl"
    write_jsonl([amiu_2019()], records)
    out = tmp_path / "review.html"
    first = run("review", records, "-o", out)
    assert first.exit_code == 0 and "1 documents, 3 items, 18 entities" in first.output
    again = run("review", records, "-o", out)
    assert again.exit_code == 2 and "exists; use --force" in again.output
    assert run("review", records, "-o", out, "--force").exit_code == 0
    assert run("review", records, "-o", records, "--force").exit_code == 2  # the input itself
    missing = run("review", tmp_path / "none.jsonl", "-o", tmp_path / "x.html")
    assert missing.exit_code == 2 and "none.jsonl: no such file" in missing.output
