"""Attendance per item, the votes tables, `referat votes` and the votes in the Parquet/HF exports."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from _decisions import minutes
from referat.cli import app
from referat.decide import Decider
from referat.decide.attendance import attendance, name_key
from referat.decide.tally import tally
from referat.export import export_documents, import_annotations
from referat.export.jsonl import write_jsonl
from referat.export.votes import attendance_rows, vote_rows
from referat.model import Span

MEMBERS = ["Yusuf Emre Kaya", "Inge-Lise Kromann", "Svend Ahle", "Lone Dam"]


def council():
    doc = minutes(
        {"title": "Budget", "sections": {"Beslutning": "Godkendt.\n(Ø) stemte imod.\nSvend Ahle (A) undlod at "
                                                       "stemme.\nIkke til stede: Lone Dam"}},
        {"title": "Dagsorden", "sections": {"Beslutning": "Godkendt."}},
        {"title": "Temamøde", "sections": {"Resume": "Oplæg."}},
        {"title": "Skole", "absent": ["Inge Lise Kromann"],
         "sections": {"Beslutning": "Anbefales.\nYusuf Emre Kaya (Ø) og (V) stemte imod."}},
        body="Byrådet", date="2024-03-04", participants=MEMBERS)
    # the annotator's PERSON spans: parties printed after names elsewhere in the minutes
    for name, party in (("Yusuf Emre Kaya", "Ø"), ("Inge-Lise Kromann", "V"), ("Svend Ahle", "A")):
        start = doc.text.find(name)
        if start < 0:
            doc.text += f"\n{name} ({party})"
            start = doc.text.rfind(name)
        doc.entities.append(Span("PERSON", start, start + len(name), name, {"name": name, "party": party}))
    Decider("rules").decide(doc)
    return doc


def test_who_attended_which_item():
    present = {a.number: [name_key(p) for p in a.present] for a in attendance(council())}
    assert present[1] == ["yusuf emre kaya", "inge lise kromann", "svend ahle"]
    assert present[2] == [name_key(m) for m in MEMBERS]
    assert "inge lise kromann" not in present[4]  # "Inge Lise" is "Inge-Lise"


def test_vote_rows_one_per_party_or_member_and_position():
    rows = [(r["item"], r["position"], r["kind"], r["party"], r["person"]) for r in vote_rows(council())]
    assert rows == [(1, "imod", "party", "Ø", None), (1, "undlod", "party", "A", None),
                    (1, "undlod", "person", "A", "Svend Ahle"),
                    (4, "imod", "party", "Ø", None), (4, "imod", "party", "V", None),
                    (4, "imod", "person", "Ø", "Yusuf Emre Kaya")]


def test_attendance_rows_take_positions_by_name_party_or_unanimity():
    rows = {(r["item"], r["person"]): (r["present"], r["position"], r["via"]) for r in attendance_rows(council())}
    assert rows[(1, "Yusuf Emre Kaya")] == (True, "imod", "party")
    assert rows[(1, "Svend Ahle")] == (True, "undlod", "name")
    assert rows[(1, "Inge-Lise Kromann")] == (True, None, None)  # nobody recorded her position
    assert rows[(1, "Lone Dam")] == (False, None, None)
    assert rows[(2, "Lone Dam")] == (True, "for", "unanimous")
    assert (3, "Lone Dam") not in rows  # no decision printed
    assert rows[(4, "Inge-Lise Kromann")] == (False, None, None)


def test_members_are_counted_against_their_attendance():
    members = {m["person"]: m for m in tally([council()]).members()}
    assert members["Yusuf Emre Kaya"] | {} == {
        "person": "Yusuf Emre Kaya", "party": "Ø", "items": 3, "attended": 3, "absent": 0, "for": 1,
        "imod": 2, "undlod": 0, "not_recorded": 0, "by_name": 1}
    assert (members["Lone Dam"]["attended"], members["Lone Dam"]["absent"]) == (2, 1)


def test_parties_and_outcomes():
    found = tally([council()])
    assert found.parties()[0] == {"party": "Ø", "items": 2, "for": 0, "imod": 2, "undlod": 0}
    assert [r for r in found.party_outcomes() if r["party"] == "Ø"] == [
        {"party": "Ø", "outcome": "godkendt", "for": 0, "imod": 1, "undlod": 0},
        {"party": "Ø", "outcome": "anbefalet", "for": 0, "imod": 1, "undlod": 0}]
    assert found.outcomes() == [{"body": "Byrådet", "decisions": 3, "godkendt": 2, "anbefalet": 1, "afvist": 0,
                                 "taget_til_efterretning": 0, "drøftet": 0, "udsat": 0, "oversendt": 0,
                                 "andet": 0, "unanimous": 1}]


@pytest.fixture()
def records(tmp_path):
    path = tmp_path / "out.jsonl"
    write_jsonl([council()], path)
    return path


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_referat_votes_writes_tables_pandas_loads(records, tmp_path, fmt):
    out = tmp_path / "tables"
    result = CliRunner().invoke(app, ["votes", str(records), "-o", str(out), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert "Positions per party" in result.output
    read = pd.read_csv if fmt == "csv" else pd.read_parquet
    votes = read(out / f"votes.{fmt}")
    assert list(votes.columns)[:6] == ["doc_id", "source", "body", "date", "item", "title"]
    assert len(votes) == 6
    members = read(out / f"members.{fmt}").set_index("person")
    assert members.loc["Yusuf Emre Kaya", "imod"] == 2
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{t}.{fmt}" for t in ("outcomes", "parties", "party_outcomes", "members", "votes", "attendance"))


def test_referat_votes_refuses_an_existing_folder_without_force(records, tmp_path):
    out = tmp_path / "tables"
    out.mkdir()
    result = CliRunner().invoke(app, ["votes", str(records), "-o", str(out)])
    assert result.exit_code == 2
    assert "exists; use --force" in result.output
    assert CliRunner().invoke(app, ["votes", str(records), "-o", str(out), "--force"]).exit_code == 0


def test_referat_votes_on_a_file_that_is_no_jsonl(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["votes", str(bad)])
    assert result.exit_code == 1
    assert "line 1: not JSON" in result.output


def test_parquet_export_has_the_votes_and_gives_the_decisions_back(tmp_path):
    doc = council()
    export_documents([doc], "parquet", tmp_path / "pq")
    votes = pd.read_parquet(tmp_path / "pq" / "votes.parquet")
    assert list(votes["position"]) == ["imod", "undlod", "undlod", "imod", "imod", "imod"]
    items = pd.read_parquet(tmp_path / "pq" / "items.parquet")
    assert items["outcome"].tolist()[:2] + items["outcome"].tolist()[3:] == ["godkendt", "godkendt", "anbefalet"]
    assert items["outcome"].isna().tolist() == [False, False, True, False]
    back = next(iter(import_annotations(tmp_path / "pq", "parquet")))
    assert [i.decision for i in back.items] == [i.decision for i in doc.items]


def test_hf_export_has_a_votes_split(tmp_path):
    from datasets import load_from_disk

    export_documents([council()], "hf", tmp_path / "hf")
    votes = [row for split in load_from_disk(str(tmp_path / "hf" / "votes")).values() for row in split]
    assert len(votes) == 6
    assert votes[0]["position"] == "imod"
    ner = [row for split in load_from_disk(str(tmp_path / "hf" / "ner")).values() for row in split]
    metas = [json.loads(row["referat"]) for row in ner]
    assert [m["item"]["decision"]["outcome"] for m in metas if m.get("item") and m["item"].get("decision")][:1] \
        == ["godkendt"]
