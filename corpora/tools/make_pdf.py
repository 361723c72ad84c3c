"""Write corpora/minutes/vesterhede-teknik-og-miljoeudvalget-2020-06-08.pdf.

The committed PDF is the corpus file; this script is how it was made (fpdf2),
so its text can be reviewed as a diff and the file rebuilt. The text is
fictional, written for referat (CC0). Shape, after eDoc-style "Åbent referat"
PDFs: a running page header and a "Side N af M" footer on every page, a table
of contents whose lines look like item headings, "N. Title" headings with
KLE-style case numbers, and a word hyphenated across a line break
("miljø-" / "vurdering"). The core Helvetica font with cp1252 encoding keeps
the file small and needs no font file.

    .venv/bin/python corpora/tools/make_pdf.py
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF

OUT = Path(__file__).resolve().parent.parent / "minutes" / "vesterhede-teknik-og-miljoeudvalget-2020-06-08.pdf"
RUNNING_HEADER = "Åbent referat – Teknik- og Miljøudvalget – 08-06-2020"

FRONT = [
    ("text", "Vesterhede Kommune"),
    ("title", "Referat"),
    ("title", "Teknik- og Miljøudvalget"),
    ("text", "mandag den 8. juni 2020, kl. 15:00\ni Mødelokale 3, Vesterhede Rådhus"),
    ("heading", "Tilstede"),
    ("text", "Helle Dyhr (A) - formand\nJens Ole Madsen (V) - næstformand\nTina Skov (A)\n"
             "Ole Vinding (V)\nMaja Rosendahl (Ø)"),
    ("heading", "Afbud/Fraværende"),
    ("text", "Frede Winther (C)"),
    ("heading", "Sekretær"),
    ("text", "Lene Bøgh"),
    ("heading", "INDHOLDSFORTEGNELSE"),
    ("text", "1. Meddelelser 1\n2. Endelig vedtagelse af lokalplan 1.47 for boliger ved Møllebakken 1\n"
             "3. Anlægsbevilling til klimatilpasning i Vesterhede Midtby 2\n"
             "4. Udskiftning af vejbelysning til LED 2\n5. Trafiksikkerhedsplan 2021-2024 2"),
]

# (heading, case number, [(section heading or "", text)])
ITEMS = [
    ("1. Meddelelser", "00.01.00-A00-1-20", [
        ("", "a. Genbrugspladserne har siden 18. maj 2020 haft normale åbningstider igen.\n"
             "b. Vejdirektoratet har udsat ombygningen af krydset ved Ringvejen til 2021."),
        ("Teknik- og Miljøudvalgets beslutning", "Taget til efterretning."),
    ]),
    ("2. Endelig vedtagelse af lokalplan 1.47 for boliger ved Møllebakken", "01.02.05-P16-3-20", [
        ("Sammendrag", "Forslag til lokalplan 1.47 har været i offentlig høring i otte uger. Der er "
                       "modtaget fire høringssvar, som primært handler om trafik på Møllebakken. Lokalplanen "
                       "kan nu vedtages endeligt efter planlovens § 27."),
        ("Sagsfremstilling", "Lokalplanen giver mulighed for op til 36 boliger i tæt-lav bebyggelse. Som "
                             "følge af høringssvarene foreslås en ny stiforbindelse til skolen, så de bløde "
                             "trafikanter ikke skal bruge Møllebakken.\nDer er gennemført en screening efter "
                             "miljøvurderingsloven. Screeningen viser, at planen ikke kræver en egentlig miljø-\n"
                             "vurdering, da den ikke kan få væsentlig indvirkning på miljøet. Afgørelsen er "
                             "annonceret sammen med planforslaget."),
        ("Indstilling", "Forvaltningen indstiller, at Teknik- og Miljøudvalget anbefaler Økonomiudvalget "
                        "og Byrådet, at lokalplan 1.47 vedtages endeligt med de foreslåede ændringer."),
        ("Teknik- og Miljøudvalgets beslutning", "Anbefales godkendt."),
    ]),
    ("3. Anlægsbevilling til klimatilpasning i Vesterhede Midtby", "06.00.05-G01-12-19", [
        ("Sammendrag", "Skybruddene i 2019 oversvømmede flere kældre i midtbyen. Vesterhede Forsyning A/S "
                       "og kommunen har udarbejdet et fælles projekt med regnvandsbede og en forsinkelsessø "
                       "ved Stadionparken. Den samlede anlægsudgift udgør kr. 14.600.000."),
        ("Økonomi", "Projektet gennemføres som et medfinansieringsprojekt efter betalingsloven. "
                    "Forsyningen afholder 9,2 mio. kr., og kommunens andel udgør kr. 5.400.000, som "
                    "finansieres af puljen til klimatilpasning. Tilladelse til udledning meddeles efter "
                    "miljøbeskyttelseslovens § 28."),
        ("Indstilling", "Forvaltningen indstiller, at Teknik- og Miljøudvalget over for Økonomiudvalget og "
                        "Byrådet anbefaler, at der gives en anlægsbevilling på kr. 14.600.000 til "
                        "klimatilpasning i Vesterhede Midtby."),
        ("Teknik- og Miljøudvalgets beslutning", "Anbefales godkendt.\nFraværende: Ole Vinding"),
    ]),
    ("4. Udskiftning af vejbelysning til LED", "05.01.00-G01-4-20", [
        ("Sammendrag", "Udskiftningen af 1.900 gadelamper til LED er afsluttet. Projektet blev 2,1 mio.kr. "
                       "billigere end forventet, og elforbruget til vejbelysning er faldet med 58 pct."),
        ("Indstilling", "Forvaltningen indstiller, at orienteringen tages til efterretning."),
        ("Teknik- og Miljøudvalgets beslutning", "Taget til efterretning."),
    ]),
    ("5. Trafiksikkerhedsplan 2021-2024", "05.13.00-P22-1-20", [
        ("Sammendrag", "Forvaltningen har udarbejdet et udkast til en ny trafiksikkerhedsplan. Udvalget "
                       "skal drøfte, hvilke skoleveje der skal prioriteres, og om der skal indføres lokale "
                       "hastighedsbegrænsninger."),
        ("Sagsfremstilling", "Politiet registrerede i perioden 2015-2019 i alt 112 færdselsuheld i kommunen, "
                             "heraf 19 med alvorligt tilskadekomne. Halvdelen af uheldene skete i kryds på "
                             "de store indfaldsveje. Udkastet peger på otte skoleveje, hvor der er behov for "
                             "sikre krydsninger.\nLokale hastighedsbegrænsninger kan fastsættes efter "
                             "færdselslovens § 92, stk. 1 med samtykke fra politiet. Forvaltningen foreslår "
                             "40 km/t på de otte skoleveje.\nPlanen skal i høring hos skolebestyrelserne og "
                             "Handicaprådet, inden den sendes til endelig vedtagelse i Byrådet."),
        ("Indstilling", "Forvaltningen indstiller, at udvalget drøfter udkastet og prioriteringen af "
                        "skolevejene."),
        ("Teknik- og Miljøudvalgets beslutning", "Drøftet. Sagen genoptages på mødet i august 2020."),
    ]),
]


class Minutes(FPDF):
    """A4 page with the eDoc running header and a 'Side N af M' footer."""

    def header(self) -> None:
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, RUNNING_HEADER, new_x="LMARGIN", new_y="NEXT")
        self.ln(4)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, f"Side {self.page_no()} af {{nb}}", align="R")


def build(path: Path = OUT) -> None:
    pdf = Minutes(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_creation_date(datetime(2020, 6, 9, 8, 0, tzinfo=timezone.utc))
    pdf.set_title("Åbent referat - Teknik- og Miljøudvalget - 08-06-2020")
    pdf.set_author("Vesterhede Kommune")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    for kind, text in FRONT:
        if kind == "title":
            pdf.set_font("Helvetica", "B", 16)
        elif kind == "heading":
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 11)
        else:
            pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    for heading, case_number, sections in ITEMS:
        pdf.ln(6)
        pdf.set_font("Helvetica", "B", 13)
        pdf.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(0, 5, f"Sagsnr.: {case_number}", new_x="LMARGIN", new_y="NEXT")
        for section, text in sections:
            if section:
                pdf.ln(2)
                pdf.set_font("Helvetica", "B", 11)
                pdf.multi_cell(0, 6, section, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", size=11)
            pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


if __name__ == "__main__":
    build()
