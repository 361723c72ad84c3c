"""Write corpora/minutes/bjergsted-kultur-og-fritidsudvalget-2022-02-01.docx.

The committed .docx is the corpus file; this script is how it was made, so a
reviewer can read its text as a diff and rebuild it (python-docx). The text is
fictional, written for referat (CC0). Shape: `Heading 1` paragraphs
"N. Title", a participants table with a party column, `Heading 2` sections.

    .venv/bin/python corpora/tools/make_docx.py
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.shared import Pt

OUT = Path(__file__).resolve().parent.parent / "minutes" / "bjergsted-kultur-og-fritidsudvalget-2022-02-01.docx"

HEADER = [
    "Bjergsted Kommune",
    "Mødedato: 1. februar 2022, kl. 16:00",
    "Mødested: Mødesal 2, Bjergsted Rådhus",
]

PARTICIPANTS = [  # (name, party letter, remark)
    ("Lars Thomsen", "A", "Formand"),
    ("Mette Kjær", "V", "Næstformand"),
    ("Søren Bach Nielsen", "C", ""),
    ("Jonas Lind", "Ø", ""),
    ("Birthe Aagaard", "O", "Afbud"),
]

# (heading, case number, [(section heading, [paragraphs])])
ITEMS = [
    ("1. Godkendelse af dagsorden", "22/1850", [
        ("Beslutning", ["Godkendt."]),
    ]),
    ("2. Fordeling af aktivitetstilskud 2022", "21/19220", [
        ("Sagsfremstilling", [
            "Efter folkeoplysningslovens § 18 yder kommunen tilskud til foreningernes aktiviteter for "
            "børn og unge under 25 år. Den samlede pulje for 2022 udgør 1.450.000 kr., og tilskuddet "
            "fordeles efter antallet af aktive medlemmer.",
            "Det foreslås, at kr. 275.000 reserveres til nye foreninger og til foreninger, der starter "
            "aktiviteter for børn med handicap. Folkeoplysningsudvalget har behandlet fordelingen på sit "
            "møde den 18. januar 2022 og anbefaler den.",
        ]),
        ("Lovgrundlag", ["Folkeoplysningsloven og kommunens tilskudsregler for folkeoplysende virksomhed."]),
        ("Indstilling", [
            "Kultur- og Fritidsforvaltningen indstiller, at Kultur- og Fritidsudvalget godkender "
            "fordelingen af aktivitetstilskud for 2022.",
        ]),
        ("Beslutning", [
            "Indstillingen blev godkendt.",
            "Jonas Lind (Ø) stemte imod, da han ønsker en større andel til nye foreninger.",
        ]),
    ]),
    ("3. Orientering om renovering af Bjergsted Bibliotek", "21/8841", [
        ("Sagsfremstilling", [
            "Renoveringen af Bjergsted Bibliotek blev sat i gang i september 2021 og forventes afsluttet "
            "i maj 2022. Projektet holder sig inden for den afsatte ramme på 3,8 mio. kr.",
            "Biblioteket skal efter lov om biblioteksvirksomhed være frit tilgængeligt, og der er derfor "
            "etableret et midlertidigt udlån i kulturhuset i byggeperioden.",
        ]),
        ("Indstilling", ["Kultur- og Fritidsforvaltningen indstiller, at udvalget tager orienteringen til efterretning."]),
        ("Beslutning", ["Udvalget tog orienteringen til efterretning."]),
    ]),
    ("4. Drøftelse af kulturstrategi 2023-2026", "22/0412", [
        ("Sagsfremstilling", [
            "Byrådet har bedt Kultur- og Fritidsudvalget om at udarbejde en ny kulturstrategi. Udvalget "
            "skal på mødet drøfte temaerne for strategien: kultur for børn og unge, kultur i landsbyerne "
            "og samarbejdet med det frivillige kulturliv.",
            "Børne- og Ungeudvalget inddrages i temaet om kultur for børn og unge.",
        ]),
        ("Indstilling", ["Kultur- og Fritidsforvaltningen indstiller, at udvalget drøfter temaerne for strategien."]),
        ("Beslutning", [
            "Drøftet.",
            "Udvalget ønsker, at temaet om børn og unge behandles på et fælles møde med "
            "Børne- og Ungeudvalget.",
        ]),
    ]),
    ("5. Lukket: Ansøgning om underskudsgaranti", "22/1301", [
        ("Beslutning", ["Godkendt."]),
    ]),
]


def build(path: Path = OUT) -> None:
    """Lay the meeting out as a municipal Word template would."""
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_paragraph("Referat", style="Title")
    doc.add_paragraph("Kultur- og Fritidsudvalget", style="Subtitle")
    for line in HEADER:
        doc.add_paragraph(line)
    doc.add_paragraph("Mødedeltagere")
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Navn", "Parti", "Bemærkning")):
        cell.text = text
    for row in PARTICIPANTS:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text
    for heading, case_number, sections in ITEMS:
        doc.add_heading(heading, level=1)
        doc.add_paragraph(f"Sagsnr. {case_number}")
        for section, paragraphs in sections:
            doc.add_heading(section, level=2)
            for text in paragraphs:
                doc.add_paragraph(text)
    doc.core_properties.author = "Bjergsted Kommune"
    doc.core_properties.title = "Referat - Kultur- og Fritidsudvalget - 1. februar 2022"
    doc.save(path)


if __name__ == "__main__":
    build()
