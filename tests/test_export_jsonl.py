"""Document- and item-level JSONL records: schema, offsets, atomic writing."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from referat.export.jsonl import (
    encode, item_records, records, write_jsonl,
)
from referat.model import Classification, Document, Item, Meeting, Page, Problem, Section, Span
from referat.records import read_records

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "nlp" / "referat" / "schema"

TEXT = (
    "Referat\nTeknik- og Miljøudvalget\n"
    "Punkt 1: Godkendelse af dagsorden\nBeslutning\nGodkendt.\n"
    "Punkt 2: Tilskud til foreninger\nSagsfremstilling\n"
    "Der er afsat 2,5 mio. kr. efter lov om social service § 85.\nBeslutning\nTaget til efterretning.\n"
)


def _span(label: str, text: str, norm: dict | None = None) -> Span:
    start = TEXT.index(text)
    return Span(label, start, start + len(text), text, norm)


def _section(heading: str, kind: str, body: str) -> Section:
    start = TEXT.index(body)
    return Section(heading, kind, start, start + len(body))


def _document() -> Document:
    first, second = TEXT.index("Punkt 1"), TEXT.index("Punkt 2")
    items = [
        Item(1, "Godkendelse af dagsorden", first, second,
             sections=[_section("Beslutning", "beslutning", "Godkendt.\n")],
             type="beslutning",
             classification=Classification("beslutning", 0.9,
                                           {"orientering": 0.05, "beslutning": 0.9, "drøftelse": 0.05},
                                           ["Godkendt."])),
        Item(2, "Tilskud til foreninger", second, len(TEXT), case_number="24/1234",
             sections=[_section("Sagsfremstilling", "sagsfremstilling", "Der er afsat"),
                       _section("Beslutning", "beslutning", "Taget til efterretning.\n")],
             entities=[_span("AMOUNT", "2,5 mio. kr.", {"value": 2500000, "currency": "DKK"}),
                       _span("LAW", "lov om social service § 85",
                             {"act": "serviceloven", "section": "85", "subsection": None})],
             type="orientering"),
    ]
    return Document(source="minutes/teknik-2024.txt", sha256="ab" * 32, format="txt", text=TEXT,
                    pages=[Page(1, 0, len(TEXT))],
                    meeting=Meeting(body="Teknik- og Miljøudvalget", date="2024-03-11", kind="referat"),
                    items=items,
                    entities=[_span("COMMITTEE", "Teknik- og Miljøudvalget",
                                    {"name": "Teknik- og Miljøudvalget"})],
                    referat_version="0.1.0")


def _failed_document() -> Document:
    return Document(source="minutes/locked.pdf", sha256="cd" * 32, format="pdf",
                    errors=[Problem("encrypted_pdf", "encrypted PDF", "ingest")], referat_version="0.1.0")


@pytest.fixture(scope="module")
def validators() -> dict[str, jsonschema.Validator]:
    out = {}
    for unit in ("document", "item"):
        schema = json.loads((SCHEMA_DIR / f"{unit}.schema.json").read_text(encoding="utf-8"))
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        out[unit] = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return out


@pytest.mark.parametrize("doc", [_document(), _failed_document()], ids=["ok", "failed"])
def test_document_record_matches_schema_and_round_trips(doc, validators):
    (line,) = encode(doc, "document").decode().splitlines()
    record = json.loads(line)
    validators["document"].validate(record)
    assert record["status"] == ("ok" if doc.ok else "error")
    assert Document.from_dict(record).to_dict() == record


def test_item_records_are_one_per_item_with_offsets_into_their_own_text(validators):
    doc = _document()
    items = item_records(doc)
    assert [r["number"] for r in items] == [1, 2]
    for record, item in zip(items, doc.items):
        validators["item"].validate(record)
        assert record["text"] == doc.text[item.start:item.end]
        assert (record["doc_id"], record["source"], record["meeting"]) == (
            doc.doc_id, doc.source, doc.meeting.to_dict())
        for part in record["entities"]:
            assert record["text"][part["start"]:part["end"]] == part["text"]
        for section, original in zip(record["sections"], item.sections):
            assert record["text"][section["start"]:section["end"]] == doc.text[original.start:original.end]


def test_a_failed_document_gives_one_error_record_per_unit(validators):
    doc = _failed_document()
    (record,) = item_records(doc)
    assert record["status"] == "error"
    assert record["errors"] == [{"code": "encrypted_pdf", "message": "encrypted PDF", "stage": "ingest"}]
    assert record["source"] == doc.source
    validators["item"].validate(record)


def test_lines_are_compact_utf8_and_keep_danish_letters():
    block = encode(_document(), "document")
    assert "Miljøudvalget".encode() in block
    assert block.count(b"\n") == 1


def test_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="unknown unit 'page'"):
        records(_document(), "page")


def test_write_jsonl_round_trips(tmp_path):
    out = tmp_path / "docs.jsonl"
    assert write_jsonl([_document(), _failed_document()], out, unit="item") == 3
    assert [r["source"] for _, r in read_records(out)] == ["minutes/teknik-2024.txt"] * 2 + ["minutes/locked.pdf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs.jsonl"]


def test_write_jsonl_leaves_the_old_file_when_writing_fails(tmp_path):
    out = tmp_path / "docs.jsonl"
    out.write_text("old\n")

    def documents():
        yield _document()
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_jsonl(documents(), out)
    assert out.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs.jsonl"]
