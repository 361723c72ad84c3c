"""Small minutes in the shapes Danish decisions are printed in, for the decide tests."""

from __future__ import annotations

import hashlib

from referat.decide import Decider
from referat.model import Decision, Document, Item, Meeting, Section

_RULES = Decider("rules")


def minutes(*items: dict, body: str = "Økonomiudvalget", date: str = "2021-05-10",
            kind: str = "referat", participants: list[str] | None = None,
            absent: list[str] | None = None) -> Document:
    """A Document from item specs: {"title", "sections": {heading: body}, "closed", "absent", "bare"}.

    A heading starting "Beslutning" (or naming a body's "beslutning") is a
    decision section; "Indstilling" an indstilling; `bare` is text printed
    under the heading without any section.
    """
    text = f"{body}\nReferat\n\n"
    parsed = []
    for number, spec in enumerate(items, start=1):
        start = len(text)
        prefix = "Lukket: " if spec.get("closed") else ""
        text += f"{number}. {prefix}{spec.get('title', f'Punkt {number}')}\nSagsnr.: 21/{1000 + number}\n"
        sections = []
        if spec.get("bare"):
            text += spec["bare"] + "\n"
        for heading, content in spec.get("sections", {}).items():
            text += heading + "\n"
            section_kind = ("beslutning" if "eslutning" in heading else
                            "indstilling" if heading.startswith("Indstilling") else "other")
            sections.append(Section(heading, section_kind, len(text), len(text) + len(content)))
            text += content + "\n"
        text += "\n"
        parsed.append(Item(number, spec.get("title", f"Punkt {number}"), start, len(text),
                           closed=bool(spec.get("closed")), sections=sections,
                           absent=list(spec.get("absent", []))))
    return Document(source="test-referat.txt", sha256=hashlib.sha256(text.encode()).hexdigest(),
                    format="txt", text=text, items=parsed,
                    meeting=Meeting(body=body, date=date, kind=kind,
                                    participants=list(participants or []), absent=list(absent or [])))


def decide(decision_text: str, decider: Decider = _RULES, **meeting) -> Decision | None:
    """The decision of one item whose Beslutning section holds `decision_text`."""
    doc = minutes({"title": "Sagen", "sections": {"Beslutning": decision_text}}, **meeting)
    decider.decide(doc)
    return doc.items[0].decision


def votes_of(decision: Decision | None) -> list[tuple]:
    """(position, parties, persons, count) per vote, in text order."""
    if decision is None:
        return []
    return [(v.position, tuple(v.parties), tuple(v.persons), v.count) for v in decision.votes]
