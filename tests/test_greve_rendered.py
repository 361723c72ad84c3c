"""Greve's 288 portal meetings, rendered as plain minutes, segment back to their items.

Each FirstAgenda publication (../shared/corpora/greve) states its items
(number, title, case number) and their sections as HTML. Rendered as text in
two common layouts, with the headings and section bodies as a PDF-to-text
export would show them, `segment` must find exactly the stated items: the
JSON is the gold. Layout detection is never told which layout it gets.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import lxml.html
import pytest

from referat.segment import segment

BLOCKS = frozenset("p div h1 h2 h3 h4 h5 h6 li tr table ul ol br section article".split())
MONTHS = ("januar februar marts april maj juni juli august september oktober november december").split()
CLOSED = re.compile(r"^\s*Lukket\s*:\s*", re.IGNORECASE)
SHAPES = ("punkt", "numbered")  # "Punkt 3: Title" + case-number line; "3. Title" + "Sagsnr.: ..."
ELECTION_PERIOD = re.compile(r"\s*\(?\b(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d\)?\s*$")  # "Byråd 2022-2025"


def html_text(html: str) -> str:
    """Block elements on lines of their own, inline text joined, blank lines dropped."""
    if not html or not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    lines = (" ".join(line.replace("\xa0", " ").split()) for line in "".join(_with_tails(root)).split("\n"))
    return "\n".join(line for line in lines if line)


def _with_tails(root) -> list[str]:
    """Text of the tree in document order, text before children and tails after."""
    out: list[str] = []
    stack = [(root, False)]
    while stack:
        el, done = stack.pop()
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if done:
            if tag in BLOCKS:
                out.append("\n")
            if el.tail:
                out.append(el.tail)
            continue
        if tag in BLOCKS:
            out.append("\n")
        if tag == "li":
            out.append("- ")
        if tag in ("td", "th"):
            out.append(" ")
        if isinstance(el.tag, str) and el.text:
            out.append(el.text)
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(el))
    return out


def _danish_date(iso: str) -> str:
    d = date.fromisoformat(iso[:10])
    return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"


def _expected(point: dict) -> tuple[int, str, str | None]:
    title = " ".join(CLOSED.sub("", point["Navn"] or "").split())
    return int(point["Punktnummer"]), title, (point.get("SagsNummer") or None)


def render(meeting: dict, shape: str) -> str:
    """The meeting as plain minutes: head, then per item heading, case number, sections."""
    body = meeting["Udvalg"]["Navn"]
    when = _danish_date(meeting["Moede"]["Dato"])
    clock = meeting["Moede"]["Dato"][11:16]
    names = ", ".join(p["Name"] for p in meeting["Moede"].get("Moededeltagere") or [])
    out = []
    if shape == "punkt":
        out += ["Referat", "", body, "", f"Mødedato: {when} kl. {clock}",
                f"Mødested: {meeting['Moede'].get('Sted') or ''}", f"Deltagere: {names}", ""]
    else:
        out += [f"{body} – Referat – {when}", ""]
    for point in meeting["Dagsordenpunkter"]:
        number, case = point["Punktnummer"], point.get("SagsNummer") or ""
        title = " ".join((point["Navn"] or "").split())
        if shape == "punkt":
            out += ["", f"Punkt {number}: {title}", ""] + ([case, ""] if case else [])
        else:
            out += ["", f"{number}. {title}"] + ([f"Sagsnr.: {case}"] if case else [])
        for felt in point.get("Felter") or []:
            out.append(html_text(felt.get("Html") or ""))
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def greve_meetings(greve_files: list[Path]) -> list[dict]:
    if not greve_files:
        pytest.skip("no Greve portal JSON in ../shared/corpora/greve")
    return [json.loads(path.read_text(encoding="utf-8")) for path in greve_files]


@pytest.fixture(scope="module")
def segmented(greve_meetings: list[dict]) -> dict[str, list]:
    """Each meeting rendered in each shape and segmented, once for all tests here."""
    return {shape: [segment(render(m, shape), pages=[], structure=None) for m in greve_meetings]
            for shape in SHAPES}


@pytest.mark.shared
@pytest.mark.parametrize("shape", SHAPES)
def test_rendered_meetings_segment_to_their_items(greve_meetings: list[dict], segmented: dict, shape: str) -> None:
    failures = []
    for meeting, seg in zip(greve_meetings, segmented[shape]):
        got = [(i.number, i.title, i.case_number) for i in seg.items]
        want = [_expected(p) for p in meeting["Dagsordenpunkter"]]
        if got != want:
            diff = next((g, w) for g, w in zip(got + [None] * len(want), want + [None] * len(got)) if g != w)
            failures.append(f"{meeting['Udvalg']['Navn']} {meeting['Moede']['Dato'][:10]}: first difference {diff}")
    assert not failures, f"{len(failures)}/{len(greve_meetings)} meetings differ:\n" + "\n".join(failures[:20])


@pytest.mark.shared
def test_rendered_meeting_head_is_read(greve_meetings: list[dict], segmented: dict) -> None:
    failures = []
    for meeting, seg in zip(greve_meetings, segmented["punkt"]):
        name = ELECTION_PERIOD.sub("", meeting["Udvalg"]["Navn"])
        if not name[0].isalpha():  # a portal pseudo-meeting (".Spørgsmål / Svar til Byrådet"), no body's name
            continue
        want = (name, meeting["Moede"]["Dato"][:10], meeting["Moede"].get("Sted") or None)
        got = (seg.meeting.body, seg.meeting.date, seg.meeting.location)
        if got != want:
            failures.append(f"{want}: got {got}")
    assert not failures, f"{len(failures)} heads misread:\n" + "\n".join(failures[:20])
