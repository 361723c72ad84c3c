"""What a document tells the finders about itself.

Minutes introduce names before they use them: the participants and the
absent (segment reads them), the body that met (its initials stand for it:
"SBU"), the case numbers printed with items, and the heading lines whose
`(O)`/`(B)`/`(D)` suffix is an item type, not a party. A finder gets this as
a `DocumentContext`; without a segmented document (plain text in a notebook)
the context is empty and the finders fall back on shapes (a heading line is
also known by its shape: "3. Titel (O)").
"""

from __future__ import annotations

from dataclasses import dataclass

from referat.model import Document


@dataclass(frozen=True)
class DocumentContext:
    names: tuple[str, ...] = ()  # persons the document lists (participants, absent)
    body: str | None = None  # the committee that met
    case_numbers: tuple[str, ...] = ()  # printed with the items
    headings: tuple[tuple[int, int], ...] = ()  # [start, end) of the items' heading lines

    @classmethod
    def of(cls, doc: Document) -> DocumentContext:
        """The context a segmented document gives (names, body, headings)."""
        names = [*doc.meeting.participants, *doc.meeting.absent]
        for item in doc.items:
            names.extend(item.absent)
        text = doc.text
        headings = []
        for item in doc.items:
            end = text.find("\n", item.start)
            headings.append((item.start, len(text) if end < 0 else end))
        return cls(
            names=tuple(dict.fromkeys(n.strip() for n in names if n and n.strip())),
            body=doc.meeting.body,
            case_numbers=tuple(dict.fromkeys(i.case_number for i in doc.items if i.case_number)),
            headings=tuple(sorted(set(headings))),
        )

    def in_heading(self, offset: int) -> bool:
        return any(start <= offset < end for start, end in self.headings)
