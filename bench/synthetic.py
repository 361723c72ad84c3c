"""Synthetic minutes in the shapes real ones use, for benchmarks and batch tests.

Nothing here is copied from a real document: the meetings are invented by
`referat.segment.render.synthetic_meeting` (committees, names, amounts and
decisions drawn from the small tables in configs/renderings.toml, with a
seed, so every run produces the same files) and printed in the renderer's
`punkt-plain` layout (heading, case number, sections Sagsfremstilling /
Indstilling / Beslutning) with the entity shapes referat tags: committees,
persons with party letters, amounts, law references.
"""

from __future__ import annotations

from pathlib import Path

from referat.segment.render import render, synthetic_meeting

LAYOUT = "punkt-plain"


def minutes_text(seed: int, items: int = 6) -> str:
    """One meeting's minutes as plain text, `Punkt N:` layout."""
    return render(synthetic_meeting(seed, items), LAYOUT, seed).text


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
