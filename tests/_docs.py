"""Small `Document`s in the shapes real minutes have, for the export, review and
archive tests.

Text is written with inline markers, `Bevilling på [AMOUNT 20 mio. kr.]`; the
builder strips them, computes offsets and looks the normalised value up in
`NORMS` by the mention's text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from referat.model import Classification, Document, Item, Meeting, Page, Problem, Section, Span

MARKER = re.compile(r"\[([A-Z_]+) ([^\[\]]+)\]")

NORMS = {
    "20 mio. kr.": {"value": 20000000.0, "currency": "DKK"},
    "20.000 kr.": {"value": 20000.0, "currency": "DKK"},
    "kr. 8,5 mio.": {"value": 8500000.0, "currency": "DKK"},
    "2,0 mio.kr.": {"value": 2000000.0, "currency": "DKK"},
    "12,5 mio. kr.": {"value": 12500000.0, "currency": "DKK"},
    "350.000 kr.": {"value": 350000.0, "currency": "DKK"},
    "aktivlovens § 13 d, stk. 5": {"act": "aktivloven", "section": "13 d", "subsection": "5"},
    "aktivlovens § 13, stk. 7": {"act": "aktivloven", "section": "13", "subsection": "7"},
    "aktivlovens § 13": {"act": "aktivloven", "section": "13", "subsection": None},
    "§56": {"act": None, "section": "56", "subsection": None},
    "lov om social service": {"act": "serviceloven", "section": None, "subsection": None},
    "Integrationslovens § 18": {"act": "integrationsloven", "section": "18", "subsection": None},
    "Byrådet": {"name": "Byrådet"},
    "Byrådets": {"name": "Byrådet"},
    "Økonomiudvalget": {"name": "Økonomiudvalget"},
    "Arbejdsmarkeds- og Integrationsudvalget": {"name": "Arbejdsmarkeds- og Integrationsudvalget"},
    "Jan Prokopek Jensen": {"name": "Jan Prokopek Jensen", "party": "A"},
    "Dorthe Mehlberg": {"name": "Dorthe Mehlberg", "party": "V"},
}


def marked(text: str, offset: int = 0) -> tuple[str, list[Span]]:
    """Plain text and spans (offset by `offset`) from text with inline markers."""
    plain: list[str] = []
    spans: list[Span] = []
    position = 0
    length = offset
    for m in MARKER.finditer(text):
        before = text[position:m.start()]
        plain.append(before)
        length += len(before)
        label, mention = m.group(1), m.group(2)
        spans.append(Span(label, length, length + len(mention), mention, norm=NORMS.get(mention),
                          source=f"rules:{label.lower()}"))
        plain.append(mention)
        length += len(mention)
        position = m.end()
    plain.append(text[position:])
    return "".join(plain), spans


@dataclass
class ItemSpec:
    number: int
    title: str
    type: str | None
    score: float = 0.9
    marker: str | None = None
    case_number: str | None = None
    closed: bool = False
    sections: list[tuple[str, str, str]] = field(default_factory=list)  # heading, kind, body


def minutes(source: str, *, body: str, date: str, preamble: str, items: list[ItemSpec],
            fmt: str = "txt", municipality: str = "Sønderborg Kommune") -> Document:
    """A document of `preamble` then the items; a PDF gets a page per item."""
    text = ""
    outside: list[Span] = []
    built: list[Item] = []
    page_starts = [0]

    plain, spans = marked(preamble, 0)
    text += plain
    outside.extend(spans)
    for spec in items:
        page_starts.append(len(text))
        start = len(text)
        heading = f"{spec.number}. {'Lukket: ' if spec.closed else ''}{spec.title}"
        heading += f" ({spec.marker})\n" if spec.marker else "\n"
        text += heading
        item_spans: list[Span] = []
        if spec.case_number:
            plain, spans = marked(f"Sagsnr.: [CASE_NUMBER {spec.case_number}]\n\n", len(text))
            text += plain
            item_spans.extend(spans)
        sections = []
        for title, kind, section_body in spec.sections:
            text += title + "\n"
            plain, spans = marked(section_body, len(text))
            sections.append(Section(title, kind, len(text), len(text) + len(plain)))
            text += plain + "\n\n"
            item_spans.extend(spans)
        classification = None
        if spec.type:
            scores = {t: round((1 - spec.score) / 2, 3) for t in ("orientering", "beslutning", "drøftelse")}
            scores[spec.type] = spec.score
            classification = Classification(spec.type, spec.score, scores, evidence=["Godkendt."])
        built.append(Item(number=spec.number, title=spec.title, start=start, end=len(text),
                          case_number=spec.case_number, closed=spec.closed, marker=spec.marker,
                          sections=sections, entities=item_spans, type=spec.type,
                          classification=classification))
    pages = []
    if fmt == "pdf":
        bounds = page_starts[1:] + [len(text)]
        pages = [Page(n, s, e) for n, (s, e) in enumerate(zip(page_starts, bounds), 1)]
    else:
        pages = [Page(1, 0, len(text))]
    return Document(source=source, sha256=hashlib.sha256(text.encode()).hexdigest(), format=fmt,
                    text=text, pages=pages, items=built, entities=outside, layout="punkt-colon",
                    referat_version="0.1.0",
                    meeting=Meeting(body=body, date=date, start_time="16:00", municipality=municipality,
                                    kind="referat", participants=["Jan Prokopek Jensen", "Dorthe Mehlberg"]))


def amiu_2019() -> Document:
    """A committee meeting from 2019: one item of each type, aktivloven § 13 d, 20 mio. kr."""
    return minutes(
        "minutes/soenderborg-amiu-2019-03-11.txt", body="Arbejdsmarkeds- og Integrationsudvalget",
        date="2019-03-11",
        preamble=("Referat\n[COMMITTEE Arbejdsmarkeds- og Integrationsudvalget]\n"
                  "Mødedato: 11. marts 2019 kl. 16:00\n"
                  "Deltagere: [PERSON Jan Prokopek Jensen] ([PARTY A]), "
                  "[PERSON Dorthe Mehlberg] ([PARTY V])\n\n"),
        items=[
            ItemSpec(1, "Orientering om det sociale frikort", "orientering", 0.97, "O", "19/3447", sections=[
                ("Sagsfremstilling", "sagsfremstilling",
                 "Frikortet giver borgere efter [LAW lov om social service] mulighed for at tjene "
                 "op til [AMOUNT 20.000 kr.] skattefrit."),
                ("Beslutning", "beslutning", "Taget til efterretning."),
            ]),
            ItemSpec(2, "Godkendelse af beskæftigelsestilbud og konkurrenceudsættelse", "beslutning", 0.88,
                     "B", "18/58627", sections=[
                ("Sagsfremstilling", "sagsfremstilling",
                 "Tilbuddene gives efter [LAW aktivlovens § 13 d, stk. 5], jf.[LAW §56] i bekendtgørelsen. "
                 "Rammen er [AMOUNT 20 mio. kr.] over fire år, heraf [AMOUNT 2,0 mio.kr.] i 2019."),
                ("Indstilling", "indstilling",
                 "Forvaltningen indstiller, at [COMMITTEE Byrådet] godkender udbuddet."),
                ("Beslutning", "beslutning", "Godkendt. [PERSON Dorthe Mehlberg] ([PARTY V]) tog forbehold."),
            ]),
            ItemSpec(3, "Drøftelse af temaer i indsatsen mod parallelsamfund", "drøftelse", 0.74, "D",
                     "18/60187", sections=[
                ("Sagsfremstilling", "sagsfremstilling",
                 "Udvalget drøfter indsatsen efter [LAW Integrationslovens § 18]."),
                ("Beslutning", "beslutning", "Drøftet."),
            ]),
        ],
    )


def byraad_2016() -> Document:
    """A council meeting from 2016 (a PDF): § 13 before 2019, amounts above and below 10 mio."""
    return minutes(
        "minutes/ballerup-byraad-2016-05-23.pdf", body="Byrådet", date="2016-05-23", fmt="pdf",
        municipality="Ballerup Kommune",
        preamble="Referat af [COMMITTEE Byrådets] møde\nmandag den 23. maj 2016\n\n",
        items=[
            ItemSpec(1, "Sanktioner efter aktivloven", "beslutning", 0.81, None, "16/1201", sections=[
                ("Sagsfremstilling", "sagsfremstilling",
                 "Sanktionerne følger [LAW aktivlovens § 13, stk. 7]. Udgiften er [AMOUNT kr. 8,5 mio.]."),
                ("Beslutning", "beslutning", "Godkendt."),
            ]),
            ItemSpec(2, "Anlægsbevilling til ny skole", "beslutning", 0.93, None, "16/2210",
                     closed=True, sections=[
                ("Økonomi", "okonomi", "Anlægsbevillingen er på [AMOUNT 12,5 mio. kr.] i 2016."),
                ("Beslutning", "beslutning",
                 "[COMMITTEE Økonomiudvalget] anbefaler indstillingen. Godkendt."),
            ]),
            ItemSpec(3, "Spørgetid", None, 0.0, None, None, sections=[
                ("Referat", "other", "Der var ingen spørgsmål. <Ingen> & \"intet\" at bemærke."),
            ]),
        ],
    )


def failed(source: str = "minutes/scan-uden-tekst.pdf") -> Document:
    """A record the pipeline could not read (status "error")."""
    return Document(source=source, sha256="f" * 64, format="pdf",
                    errors=[Problem("no_text_layer", "the PDF has no text layer; run OCR first")])


def sample() -> list[Document]:
    return [amiu_2019(), byraad_2016()]


def with_decision(doc: Document, number: int, outcome: str, printed: str) -> Document:
    """`doc` with a decision (ANNOTATION.md §6) on item `number`: `printed` is its text.

    Built through the record, as a reader of referat's JSONL would get it."""
    record = doc.to_dict()
    item = next(i for i in record["items"] if i["number"] == number)
    start = record["text"].index(printed, item["start"])
    item["decision"] = {"text": printed, "start": start, "end": start + len(printed), "outcome": outcome,
                        "unanimous": None, "votes": [], "evidence": [f"outcome: {printed}"]}
    return Document.from_dict(record)


def fjordby_2021() -> Document:
    """A council meeting as the pipeline might get it wrong, for the review tests:
    a committee tagged PERSON, a year tagged AMOUNT, a name missed, an item typed
    orientering that was decided (score 0.41, the least confident), its decision
    outcome read as "andet", and an item 3 that swallowed item 4 (a missed heading)."""
    doc = minutes(
        "minutes/fjordby-byraad-2021-06-14.txt", body="Byrådet", date="2021-06-14",
        municipality="Fjordby Kommune",
        preamble="Referat\n[COMMITTEE Byrådet]\nDeltagere: [PERSON Jan Prokopek Jensen] ([PARTY A])\n\n",
        items=[
            ItemSpec(1, "Godkendelse af dagsorden", "beslutning", 0.99, sections=[
                ("Beslutning", "beslutning", "Godkendt."),
            ]),
            ItemSpec(2, "Budgetopfølgning pr. 31. marts 2021", "orientering", 0.41, case_number="21/2087",
                     sections=[
                ("Sagsfremstilling", "sagsfremstilling",
                 "[PERSON Økonomiudvalget] har behandlet sagen. Merforbruget i [AMOUNT 2019] var "
                 "[AMOUNT 12,5 mio. kr.] i alt. Rådmand Per Dalgaard fremlagde sagen."),
                ("Beslutning", "beslutning", "Tillægsbevillingen blev godkendt."),
            ]),
            ItemSpec(3, "Salg af areal ved Havnevej 12", "beslutning", 0.93, case_number="21/6020",
                     sections=[
                ("Beslutning", "beslutning", "Godkendt.\n\n4. Eventuelt\nIntet."),
            ]),
        ],
    )
    return with_decision(doc, 2, "andet", "Tillægsbevillingen blev godkendt.")


def council_meeting(n: int) -> Document:
    """One of many small council meetings: enough documents for `spacy debug data`."""
    members = ["Jan Prokopek Jensen", "Dorthe Mehlberg"]
    return minutes(
        f"minutes/byraad-{n:03d}.txt", body="Byrådet", date=f"20{10 + n % 12:02d}-0{1 + n % 9}-1{n % 10}",
        preamble=(f"Referat af [COMMITTEE Byrådets] møde nr. {n}\nDeltagere: [PERSON {members[n % 2]}] "
                  f"([PARTY {'AV'[n % 2]}])\n\n"),
        items=[
            ItemSpec(1, f"Sanktioner efter aktivloven {n}", "beslutning", 0.8, case_number=f"{n}/1201", sections=[
                ("Sagsfremstilling", "sagsfremstilling",
                 f"Sanktionerne følger [LAW aktivlovens § 13, stk. 7]. Udgiften er [AMOUNT kr. 8,5 mio.]. "
                 f"[PERSON {members[n % 2]}] spurgte til sagen."),
                ("Beslutning", "beslutning", "Godkendt."),
            ]),
            ItemSpec(2, "Orientering om økonomien", "orientering", 0.9, sections=[
                ("Sagsfremstilling", "sagsfremstilling",
                 f"[COMMITTEE Økonomiudvalget] har set på [AMOUNT 12,5 mio. kr.] efter [LAW lov om social service]."),
                ("Beslutning", "beslutning", "Taget til efterretning."),
            ]),
            ItemSpec(3, "Drøftelse af budget", "drøftelse", 0.7, sections=[
                ("Beslutning", "beslutning", "Drøftet."),
            ]),
        ],
    )
