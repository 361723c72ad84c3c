"""Synthetic minutes in the shapes real ones use, for benchmarks and batch tests.

Nothing here is copied from a real document: committees, names, amounts and
decisions are drawn from small invented tables, with a seed, so every run
produces the same files. The text follows the `Punkt N:` layout (heading,
case number, sections Sagsfremstilling / Indstilling / Beslutning) with the
entity shapes referat tags: committees, persons with party letters, amounts,
law references.
"""

from __future__ import annotations

import random
from pathlib import Path

COMMITTEES = ("Børne- og Skoleudvalget", "Teknik- og Miljøudvalget", "Social- og Sundhedsudvalget",
              "Kultur- og Fritidsudvalget", "Økonomiudvalget")
MEMBERS = ("Anne Sofie Holm (A)", "Bent Kjær (V)", "Camilla Lund (F)", "Dorthe Bak (O)",
           "Erik Møller Friis (C)", "Frida Nørgaard (Ø)", "Gustav Brandt (V)")
TOPICS = ("Budgetopfølgning for 2. kvartal", "Renovering af svømmehallen", "Ny skolestruktur",
          "Kvalitetsrapport for dagtilbud", "Plan for klimatilpasning", "Tilskud til foreninger",
          "Høring om trafikplan", "Status på beskæftigelsesindsatsen")
LAWS = ("lov om social service § 85", "folkeskolelovens § 40, stk. 2", "kommunestyrelseslovens § 20",
        "dagtilbudslovens § 4", "planlovens § 23 c")
OUTCOMES = (
    ("at orienteringen tages til efterretning.", "Taget til efterretning."),
    ("at udvalget godkender forslaget.", "Godkendt."),
    ("at udvalget drøfter sagen.", "Drøftet."),
    ("at udvalget anbefaler Økonomiudvalget og Byrådet at godkende bevillingen.", "Anbefales."),
)
MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
          "oktober", "november", "december")


def minutes_text(seed: int, items: int = 6) -> str:
    """One meeting's minutes as plain text, `Punkt N:` layout."""
    rng = random.Random(seed)
    committee = rng.choice(COMMITTEES)
    members = rng.sample(MEMBERS, 5)
    lines = [
        "Referat",
        committee,
        f"Mødedato: {rng.randint(1, 28)}. {rng.choice(MONTHS)} {rng.randint(2008, 2024)}",
        f"Mødetidspunkt: {rng.choice(('08:00', '15:30', '16:00', '17:00'))}",
        f"Mødested: Mødelokale {rng.randint(1, 9)}, Rådhuset",
        "Deltagere: " + ", ".join(members[:4]),
        f"Fraværende: {members[4]}",
        "",
    ]
    for number in range(1, items + 1):
        recommendation, decision = rng.choice(OUTCOMES)
        amount = f"{rng.randint(1, 40)},{rng.randint(0, 9)} mio. kr."
        lines += [
            f"Punkt {number}: {rng.choice(TOPICS)}",
            f"Sagsnr.: {rng.randint(10, 24)}/{rng.randint(100, 29999)}",
            "",
            "Sagsfremstilling",
            f"Forvaltningen fremlægger sagen for {committee}. Der er i budgettet afsat {amount} "
            f"til formålet, og sagen behandles efter {rng.choice(LAWS)}. "
            f"{rng.choice(MEMBERS)} har bedt om en status, som gives på mødet. "
            "Administrationen vurderer, at indsatsen kan gennemføres inden for den afsatte ramme, "
            "og at de berørte parter er hørt.",
            "",
            "Indstilling",
            f"Forvaltningen indstiller, {recommendation}",
            "",
            "Beslutning",
            decision,
            "",
        ]
    return "\n".join(lines)


def write_minutes(folder: Path, count: int, items: int = 6, seed: int = 0) -> list[Path]:
    """`count` text minutes under `folder`, two to a subfolder (so folders nest)."""
    paths = []
    for n in range(count):
        path = Path(folder) / f"udvalg-{n // 2:03d}" / f"referat-{n:04d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(minutes_text(seed + n, items), encoding="utf-8")
        paths.append(path)
    return paths


def write_minutes_pdf(path: Path, seed: int = 0, items: int = 12, password: str | None = None) -> Path:
    """Minutes as a PDF with a text layer (fpdf2, Latin-1 core font); optionally encrypted."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    for line in minutes_text(seed, items).splitlines():
        pdf.multi_cell(0, 5, line or " ", new_x="LMARGIN", new_y="NEXT")
    if password:
        pdf.set_encryption(owner_password=password + "-owner", user_password=password)
    pdf.output(str(path))
    return Path(path)
