"""`referat index | search | opensearch` from the command line: messages, exit
statuses, and nothing from a file acting on the terminal."""

from __future__ import annotations

import json
import sqlite3

import pytest
from _archive_docs import handmade, records
from _docs import amiu_2019, failed, sample
from typer.testing import CliRunner

from referat.cli import app
from referat.export.jsonl import write_jsonl

HOSTILE = "minutes/\x1b]0;pwned\x07evil\x1b[2J\nname\u009b31m.txt"


@pytest.fixture
def recs(tmp_path):
    path = tmp_path / "minutes.jsonl"
    write_jsonl(sample() + [failed()], path)
    with open(path, "a", encoding="utf-8") as f:
        for record in records(handmade()):
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_index_twice_then_search(recs, tmp_path):
    db = tmp_path / "archive.sqlite"
    result = run("index", recs, "--db", db)
    assert result.exit_code == 0, result.output
    assert "5 documents added, 0 replaced, 0 unchanged" in result.output
    assert "skipped 1 error records: minutes/scan-uden-tekst.pdf: no_text_layer" in result.output
    assert f"datasette {db} -m {tmp_path / 'archive.metadata.json'}" in result.output
    again = run("index", recs, "--db", db)
    assert "0 documents added, 0 replaced, 5 unchanged; the archive holds 5 documents, 16 items" in again.output

    result = run("search", "--db", db, "--type", "beslutning", "--act", "aktivloven", "--section", "13",
                 "--from", "2019", "--json")
    assert result.exit_code == 0, result.output
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(h["source"], h["number"]) for h in hits] == [("minutes/soenderborg-amiu-2019-03-11.txt", 2)]

    result = run("search", "*", "--db", db, "--min-amount", "10e6", "--to", "2019", "--closed")
    assert result.stdout.splitlines()[0] == ("2019-03-11  Arbejdsmarkeds- og Integrationsudvalget  punkt 2  "
                                             "[beslutning]  Godkendelse af beskæftigelsestilbud og "
                                             "konkurrenceudsættelse")
    assert "[beslutning]  (lukket) Anlægsbevilling til ny skole" in result.stdout
    assert "    AMOUNT: 12,5 mio. kr." in result.stdout
    assert "    minutes/ballerup-byraad-2016-05-23.pdf, page 3" in result.stdout
    assert result.output.endswith("referat: 2 items\n")


def test_search_with_words_votes_and_facets(recs, tmp_path):
    db = tmp_path / "archive.sqlite"
    run("index", recs, "--db", db)
    result = run("search", "bevilling", "--db", db, "--party", "Ø", "--voted", "imod", "--facets")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == ("2023-05-22  Byråd 2022-2025  punkt 3  [beslutning, afvist]  "
                        "Tillægsbevilling til vintertjeneste")
    assert "    VOTE: imod: Ø" in lines
    assert any("[bevillingen]" in line for line in lines)
    assert "2 matching items" in lines  # bevillingen (Dalby) and bevillinger (Egeskov)
    assert "  outcome: afvist 1 · godkendt 1" in lines

    result = run("search", "lokalplan", "--db", db, "--facets", "--json")
    data = json.loads(result.stdout)
    assert set(data) == {"total", "facets", "hits"} and data["total"] == len(data["hits"]) == 2
    assert {"value": "Byrådet / Kommunalbestyrelsen", "count": 1} in data["facets"]["body"]


@pytest.mark.parametrize("args, status, message", [
    (["search", '"taget til', "--db", "{db}"], 2, "unclosed quote"),
    (["search", "skole OR", "--db", "{db}"], 2, "OR needs a word after it"),
    (["search", "--db", "{db}", "--from", "2019-13"], 2, "--from '2019-13': there is no month 13"),
    (["search", "--db", "{db}", "--outcome", "vedtaget"], 2, "unknown outcome 'vedtaget'"),
    (["search", "--db", "{db}", "--limit", "99999999999999999999999"], 2, "--limit"),
    (["search", "--db", "{db}", "--limit", "0"], 2, "--limit"),
    (["search", "x", "--db", "{tmp}/none.sqlite"], 2, "none.sqlite: no archive here"),
    (["search", "x", "--db", "{records}"], 2, "minutes.jsonl: is not an SQLite database"),
    (["search", "x", "--db", "{tmp}/other.sqlite"], 2, "is an SQLite database, but not a referat archive"),
    (["index", "{tmp}/missing.jsonl", "--db", "{db}"], 2, "missing.jsonl: no such file"),
    (["index", "{records}", "--db", "{tmp}/other.sqlite"], 2, "not a referat archive"),
    (["index", "{db}", "--db", "{db}"], 2, "is the archive itself"),
    (["index", "{records}", "--db", "{tmp}"], 2, "is a folder"),
], ids=["quote", "or", "date", "outcome", "huge-limit", "zero-limit", "no-archive", "records-as-archive",
        "other-sqlite", "no-records", "index-into-other-sqlite", "archive-as-records", "folder"])
def test_errors_are_one_line_with_the_right_status(recs, tmp_path, args, status, message):
    db = tmp_path / "archive.sqlite"
    run("index", recs, "--db", db)
    sqlite3.connect(tmp_path / "other.sqlite").execute("CREATE TABLE birds (name)").connection.commit()
    result = run(*[a.replace("{tmp}", str(tmp_path)).replace("{db}", str(db)).replace("{records}", str(recs))
                   for a in args])
    assert result.exit_code == status, result.output
    assert message in result.output and "Traceback" not in result.output


def test_a_locked_archive_exits_1(recs, tmp_path):
    db = tmp_path / "archive.sqlite"
    run("index", recs, "--db", db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run("index", recs, "--db", db, "--wait", "0.1")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1
    assert "is locked by another process" in result.output and "Traceback" not in result.output


def test_bad_lines_are_named_and_the_rest_indexed(tmp_path):
    good = [json.dumps(d.to_dict(), ensure_ascii=False) for d in sample()]
    recs = tmp_path / "edited.jsonl"
    recs.write_text(good[0] + "\n{\"source\": \n" + good[1][:100] + "\n", encoding="utf-8")
    db = tmp_path / "archive.sqlite"
    result = run("index", recs, "--db", db)
    assert result.exit_code == 1
    assert f"referat: error: {recs}: line 2: not JSON (truncated?)" in result.output
    assert f"referat: error: {recs}: line 3: not JSON (truncated?)" in result.output
    assert "1 documents added, 0 replaced, 0 unchanged; 2 records failed" in result.output


def test_file_names_never_reach_the_terminal_raw(tmp_path):
    """Escape sequences in a source name or title are shown escaped, in every output."""
    doc = amiu_2019()
    doc.source = HOSTILE
    doc.items[0].title = "Orientering \x1b[31mrød\x1b[0m"
    bad = failed(HOSTILE)
    recs = tmp_path / "hostile.jsonl"
    write_jsonl([doc, bad], recs)
    db = tmp_path / "arkiv\x1b[2J.sqlite"
    result = run("index", recs, "--db", db)
    assert result.exit_code == 0, result.output
    for output in (result.output,
                   run("search", "frikort", "--db", db).output,
                   run("search", "frikort", "--db", db, "--json").output,
                   run("search", "frikort", "--db", db, "--json", "--facets").output,
                   run("search", "x", "--db", tmp_path / "nix\x1b[2J.sqlite").output):
        assert "\x1b" not in output and "\x07" not in output and "\u009b" not in output
    shown = run("search", "frikort", "--db", db).output
    assert "\\x1b]0;pwned\\x07evil\\x1b[2J\\nname\\x9b31m.txt" in shown
    hit = json.loads(run("search", "frikort", "--db", db, "--json").stdout)
    assert hit["source"] == HOSTILE and hit["title"] == "Orientering \x1b[31mrød\x1b[0m"  # JSON keeps the data


def test_datasette_metadata_is_written_and_a_foreign_one_left_alone(recs, tmp_path):
    db = tmp_path / "archive.sqlite"
    run("index", recs, "--db", db)
    metadata = json.loads((tmp_path / "archive.metadata.json").read_text(encoding="utf-8"))
    tables = metadata["databases"]["archive"]["tables"]
    assert tables["items"]["fts_table"] == "items_fts" and tables["items"]["fts_pk"] == "id"
    own = tmp_path / "mine.sqlite"
    (tmp_path / "mine.metadata.json").write_text('{"title": "my notes"}', encoding="utf-8")
    result = run("index", recs, "--db", own)
    assert result.exit_code == 0 and "datasette" not in result.output
    assert (tmp_path / "mine.metadata.json").read_text(encoding="utf-8") == '{"title": "my notes"}'


def test_opensearch_bulk_file_and_mapping(recs, tmp_path):
    db, out = tmp_path / "archive.sqlite", tmp_path / "items.ndjson"
    run("index", recs, "--db", db)
    result = run("opensearch", "--db", db, "-o", out)
    assert result.exit_code == 0, result.output
    assert "16 items" in result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 32
    mapping = json.loads((tmp_path / "items.mapping.json").read_text(encoding="utf-8"))
    assert mapping["mappings"]["properties"]["text"]["analyzer"] == "danish_stemmed"
    again = run("opensearch", "--db", db, "-o", out)
    assert again.exit_code == 2 and "exists; use --force" in again.output
    assert run("opensearch", "--db", db, "-o", out, "--force").exit_code == 0
