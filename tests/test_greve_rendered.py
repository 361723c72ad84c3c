"""Greve's 288 portal meetings, rendered as minutes, segment back to their items.

Each FirstAgenda publication (../shared/corpora/greve) states its items
(number, title, case number) and their sections as HTML. Printed as text by
referat.segment.render in the two plain layouts, `segment` must find exactly
the items the JSON states: the JSON is the gold. In every other layout of
configs/renderings.toml (pages, running headers, hyphenation, OCR-like
errors, tables, numbers run on over the year, lettered items), normalised
like a real file, the items must come out as the rendering printed them.
Layout detection is never told which layout it gets.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from referat.segment import segment
from referat.segment.learning import ItemScores, labelled_rendering, segmented_items
from referat.segment.render import layouts, meeting_from_portal, render

CLOSED = re.compile(r"^\s*Lukket\s*:\s*", re.IGNORECASE)
PLAIN = ("punkt-plain", "numbered-plain")  # "Punkt 3: Title" + case-number line; "3. Title" + "Sagsnr.: ..."
ELECTION_PERIOD = re.compile(r"\s*\(?\b(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d\)?\s*$")  # "Byråd 2022-2025"
EVERY_LAYOUT_STEP = 6  # every n-th meeting in every layout (bench/eval_segmenter.py does all of them)


def _expected(point: dict) -> tuple[int, str, str | None]:
    title = " ".join(CLOSED.sub("", point["Navn"] or "").split())
    return int(point["Punktnummer"]), title, (point.get("SagsNummer") or None)


@pytest.fixture(scope="module")
def greve_data(greve_files: list[Path]) -> list[tuple[str, dict]]:
    if not greve_files:
        pytest.skip("no Greve portal JSON in ../shared/corpora/greve")
    return [(path.stem, json.loads(path.read_text(encoding="utf-8"))) for path in greve_files]


@pytest.fixture(scope="module")
def segmented(greve_data: list[tuple[str, dict]]) -> dict[str, list]:
    """Each meeting printed in each plain layout and segmented, once for all tests here."""
    meetings = [meeting_from_portal(data, key) for key, data in greve_data]
    return {shape: [segment(render(m, shape).text, pages=[], structure=None) for m in meetings]
            for shape in PLAIN}


@pytest.mark.shared
@pytest.mark.parametrize("shape", PLAIN)
def test_rendered_meetings_segment_to_their_items(greve_data: list, segmented: dict, shape: str) -> None:
    failures = []
    for (_, meeting), seg in zip(greve_data, segmented[shape]):
        got = [(i.number, i.title, i.case_number) for i in seg.items]
        want = [_expected(p) for p in meeting["Dagsordenpunkter"]]
        if got != want:
            diff = next((g, w) for g, w in zip(got + [None] * len(want), want + [None] * len(got)) if g != w)
            failures.append(f"{meeting['Udvalg']['Navn']} {meeting['Moede']['Dato'][:10]}: first difference {diff}")
    assert not failures, f"{len(failures)}/{len(greve_data)} meetings differ:\n" + "\n".join(failures[:20])


@pytest.mark.shared
def test_rendered_meeting_head_is_read(greve_data: list, segmented: dict) -> None:
    failures = []
    for (_, meeting), seg in zip(greve_data, segmented["punkt-plain"]):
        name = ELECTION_PERIOD.sub("", meeting["Udvalg"]["Navn"])
        if not name[0].isalpha():  # a portal pseudo-meeting (".Spørgsmål / Svar til Byrådet"), no body's name
            continue
        want = (name, meeting["Moede"]["Dato"][:10], meeting["Moede"].get("Sted") or None)
        got = (seg.meeting.body, seg.meeting.date, seg.meeting.location)
        if got != want:
            failures.append(f"{want}: got {got}")
    assert not failures, f"{len(failures)} heads misread:\n" + "\n".join(failures[:20])


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("layout", [lay.name for lay in layouts() if lay.name not in PLAIN])
def test_every_layout_segments_exactly(greve_data: list, layout: str) -> None:
    failures = []
    scores = ItemScores()
    for key, data in greve_data[::EVERY_LAYOUT_STEP]:
        doc = labelled_rendering(render(meeting_from_portal(data, key), layout))
        items = segmented_items(doc, "default")
        before = scores.exact
        scores.add(doc.headings, items)
        if scores.exact == before:
            got = [(i.number, i.title, i.case_number) for i in items]
            want = [(g.number, g.title, g.case_number) for g in doc.headings]
            diff = next(((g, w) for g, w in zip(got + [None] * len(want), want + [None] * len(got)) if g != w),
                        "(letters)")
            failures.append(f"{key}: first difference {diff}")
    assert not failures, f"{layout}: {len(failures)}/{scores.documents} meetings differ:\n" + "\n".join(failures[:10])
