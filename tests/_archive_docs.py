"""Hand-written records for the archive tests: decisions with votes (ANNOTATION.md §6),
places and organisations (the ORG and LOC labels of a Danish NER model), and
councils printed three ways (`Byråd 2022-2025`, `Kommunalbestyrelsen`, an
election period after a committee). Invented towns, people and sums, written
in the shapes real minutes use; built with `_docs.minutes`.
"""

from __future__ import annotations

from _docs import ItemSpec, minutes

from referat.model import Document

NORMS = {
    "Mette Holm": {"name": "Mette Holm", "party": "Ø"},
    "Anders Lund": {"name": "Anders Lund", "party": "V"},
    "Karen Friis": {"name": "Karen Friis", "party": "A"},
    "Ø": {"letter": "Ø", "name": "Enhedslisten"},
    "V": {"letter": "V", "name": "Venstre"},
    "A": {"letter": "A", "name": "Socialdemokratiet"},
    "2,5 mio. kr.": {"value": 2500000.0, "currency": "DKK"},
    "14 mio. kr.": {"value": 14000000.0, "currency": "DKK"},
    "1,6 mia. kr.": {"value": 1600000000.0, "currency": "DKK"},
    "12 mio. kr.": {"value": 12000000.0, "currency": "DKK"},
    "planlovens § 24": {"act": "planloven", "section": "24", "subsection": None},
    "Vejdirektoratet": {"name": "Vejdirektoratet"},
    "Danmarks Evalueringsinstitut": {"name": "Danmarks Evalueringsinstitut"},
}

PARTICIPANTS = ("Deltagere: [PERSON Mette Holm] ([PARTY Ø]), [PERSON Anders Lund] ([PARTY V]), "
                "[PERSON Karen Friis] ([PARTY A])\n\n")


def decision(outcome: str, *votes: tuple, unanimous: bool | None = None) -> dict:
    """A decision object; each vote is (position, parties, persons, count)."""
    return {"text": "", "start": 0, "end": 0, "outcome": outcome,
            "unanimous": (not votes) if unanimous is None else unanimous,
            "votes": [{"position": p, "parties": list(parties), "persons": list(persons), "count": count,
                       "start": 0, "end": 0} for p, parties, persons, count in votes],
            "evidence": []}


def _normed(doc: Document) -> Document:
    for span in doc.all_entities():
        if span.norm is None and span.text in NORMS:
            span.norm = NORMS[span.text]
    return doc


def dalby_byraad() -> tuple[Document, list]:
    doc = minutes(
        "handmade/dalby-byraad-2023-05-22.txt", body="Byråd 2022-2025", date="2023-05-22",
        municipality="Dalby Kommune",
        preamble="Referat\nByråd 2022-2025\nMødedato: 22. maj 2023\n" + PARTICIPANTS,
        items=[
            ItemSpec(1, "Godkendelse af dagsorden", "beslutning", sections=[
                ("Beslutning", "beslutning", "Godkendt.")]),
            ItemSpec(2, "Lokalplan 1.45 for boliger ved Stationsvej", "beslutning", case_number="23/1102",
                     sections=[
                ("Sagsfremstilling", "sagsfremstilling",
                 "Lokalplanen muliggør 40 boliger ved [LOC Stationsvej] i [LOC Dalby Nord] efter "
                 "[LAW planlovens § 24]. Forslaget har været i høring, og der kom tre høringssvar."),
                ("Beslutning", "beslutning", "Godkendt. For stemte A og V (15). Imod stemte Ø og F (6)."),
            ]),
            ItemSpec(3, "Tillægsbevilling til vintertjeneste", "beslutning", case_number="23/0871", sections=[
                ("Sagsfremstilling", "sagsfremstilling",
                 "Vintertjenesten har brugt hele bevillingen for 2023. Der søges en tillægsbevilling på "
                 "[AMOUNT 2,5 mio. kr.] efter aftale med [ORG Vejdirektoratet]."),
                ("Beslutning", "beslutning", "Forkastet. [PERSON Mette Holm] ([PARTY Ø]) stemte imod."),
            ]),
            ItemSpec(4, "Køb af ejendom", "beslutning", closed=True, sections=[
                ("Sagsfremstilling", "sagsfremstilling", "Købesummen er [AMOUNT 14 mio. kr.] for grunden."),
                ("Beslutning", "beslutning", "Godkendt."),
            ]),
        ])
    return _normed(doc), [
        decision("godkendt"),
        decision("godkendt", ("for", ["A", "V"], [], 15), ("imod", ["Ø", "F"], [], 6)),
        decision("afvist", ("imod", ["Ø"], ["Mette Holm"], None)),
        decision("godkendt"),
    ]


def egeskov_kommunalbestyrelse() -> tuple[Document, list]:
    doc = minutes(
        "handmade/egeskov-kommunalbestyrelsen-2021-11-15.txt", body="Kommunalbestyrelsen", date="2021-11-15",
        municipality="Egeskov Kommune",
        preamble="Egeskov Kommune\nKommunalbestyrelsen\nMødedato: 15. november 2021\n" + PARTICIPANTS,
        items=[
            ItemSpec(1, "Budget 2022, 2. behandling", "beslutning", case_number="21/5512", sections=[
                ("Sagsfremstilling", "sagsfremstilling",
                 "Budgettet rummer anlægsbevillinger for [AMOUNT 1,6 mia. kr.] over fire år og "
                 "bevillinger til to nye skoler."),
                ("Beslutning", "beslutning",
                 "Budgettet blev vedtaget. For stemte 17 (A, V og C). Imod stemte 4 (Ø). O undlod at stemme."),
            ]),
            ItemSpec(2, "Orientering om skolernes trivselsmåling", "orientering", case_number="21/4410", sections=[
                ("Sagsfremstilling", "sagsfremstilling",
                 "Skolerne har målt trivslen sammen med [ORG Danmarks Evalueringsinstitut]. Trivslen på "
                 "skolen i [LOC Egeskov By] er steget siden sidste måling."),
                ("Beslutning", "beslutning", "Taget til efterretning."),
            ]),
            ItemSpec(3, "Forslag om lukning af Nørre Skole", "beslutning", case_number="21/6001", sections=[
                ("Sagsfremstilling", "sagsfremstilling",
                 "Forslaget om at lukke [LOC Nørre Skole] har været i høring hos skolebestyrelsen."),
                ("Beslutning", "beslutning", "Sagen udsættes til næste møde."),
            ]),
        ])
    return _normed(doc), [
        decision("godkendt", ("for", ["A", "V", "C"], [], 17), ("imod", ["Ø"], [], 4), ("undlod", ["O"], [], None)),
        decision("taget_til_efterretning", unanimous=None),
        decision("udsat", unanimous=None),
    ]


def dalby_oekonomiudvalg() -> tuple[Document, list]:
    doc = minutes(
        "handmade/dalby-oekonomiudvalget-2020-02-03.txt", body="Økonomiudvalget (2018-2021)", date="2020-02-03",
        municipality="Dalby Kommune",
        preamble="Referat\nØkonomiudvalget (2018-2021)\nMødedato: 3. februar 2020\n" + PARTICIPANTS,
        items=[
            ItemSpec(1, "Anlægsbevilling til ny daginstitution", "beslutning", case_number="20/0113", sections=[
                ("Sagsfremstilling", "sagsfremstilling",
                 "Der søges en anlægsbevilling på [AMOUNT 12 mio. kr.] til en daginstitution på "
                 "[LOC Havnevej]."),
                ("Beslutning", "beslutning", "Anbefales godkendt."),
            ]),
            ItemSpec(2, "Drøftelse af klimaplan 2030", "drøftelse", case_number="20/0090", sections=[
                ("Sagsfremstilling", "sagsfremstilling",
                 "Klimaplanen skal drøftes. Kommunens klimaplaner fra 2015 og 2018 er gennemgået."),
                ("Beslutning", "beslutning", "Drøftet."),
            ]),
            ItemSpec(3, "Lokalplanforslag for Havneholmen", "orientering", case_number="20/0131", sections=[
                ("Sagsfremstilling", "sagsfremstilling",
                 "Forslag til lokalplan for [LOC Havneholmen] sendes i offentlig høring i otte uger."),
                ("Beslutning", "beslutning", "Sendes videre til Byrådet."),
            ]),
        ])
    return _normed(doc), [decision("anbefalet"), decision("drøftet", unanimous=None),
                          decision("oversendt", unanimous=None)]


def handmade() -> list[tuple[Document, list]]:
    return [dalby_byraad(), egeskov_kommunalbestyrelse(), dalby_oekonomiudvalg()]


def records(docs: list[tuple[Document, list]]) -> list[dict]:
    """JSONL records with each item's decision, as `referat process` writes them."""
    out = []
    for doc, decisions in docs:
        record = doc.to_dict()
        for item, decision_ in zip(record["items"], decisions):
            item["decision"] = decision_
        out.append(record)
    return out
