"""A static review page: what referat tagged, for a person to look over.

One self-contained HTML file (inline CSS and JS, a Content-Security-Policy
that forbids every fetch and runs only the page's own script, by hash):
documents, their items with type and score, the source page for paged
inputs, entities highlighted by label with their normalised value on hover,
and filters by item type and entity label. Document text is untrusted: every
piece of it is HTML-escaped here, and the CSP stops any script that slipped
through anyway.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from referat import __version__
from referat.export import Records
from referat.export.units import Unit, printed_page, units
from referat.model import ENTITY_LABELS, ITEM_TYPES, Document, Page, Span

TEMPLATES = Path(__file__).resolve().parent / "data" / "templates"
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
UNTYPED = "none"
_DANISH_SEPARATORS = str.maketrans(",.", ".,")


BIDI_CONTROLS = {c: f"⟨U+{c:04X}⟩" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
"""Embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): applied, they
reorder what the page shows (a title that reads differently from what it is, as in
"Trojan Source" attacks), so the page shows them as tokens instead."""


def _e(value: Any) -> str:
    """Text as HTML: escaped, and bidirectional controls shown as what they are."""
    return html.escape(str(value).translate(BIDI_CONTROLS), quote=True)


@lru_cache(maxsize=1)
def _template() -> tuple[str, str]:
    return ((TEMPLATES / "review.html").read_text(encoding="utf-8"),
            (TEMPLATES / "review.js").read_text(encoding="utf-8"))


@dataclass
class ReviewSummary:
    out: Path
    documents: int = 0
    items: int = 0
    entities: int = 0
    skipped: list[str] = field(default_factory=list)


def _danish_number(value: Any) -> str:
    """`20000000.0` -> `20.000.000`, `8500.5` -> `8.500,50`: as Danish minutes print them."""
    if not isinstance(value, (int, float)):
        return str(value)
    english = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return english.translate(_DANISH_SEPARATORS)


def describe_norm(norm: dict[str, Any] | None) -> str:
    """A normalised value as a reader would say it: `aktivloven § 13 d, stk. 5`, `20.000.000 DKK`."""
    rest = {key: value for key, value in (norm or {}).items() if value is not None}
    parts: list[str] = []
    if "value" in rest:
        value = _danish_number(rest.pop("value"))
        if "max" in rest:
            value += "–" + _danish_number(rest.pop("max"))
        parts.append(f"{value} {rest.pop('currency', '')}".strip())
    if "act" in (norm or {}):  # a LAW; a bare § has act null
        law = rest.pop("act", "(no act)")
        law += f" § {rest.pop('section')}" if "section" in rest else ""
        law += f", stk. {rest.pop('subsection')}" if "subsection" in rest else ""
        law += f", nr. {rest.pop('number')}" if "number" in rest else ""
        parts.append(law)
    if "name" in rest:
        name = rest.pop("name")
        parts.append(f"{name} ({rest.pop('party')})" if "party" in rest else str(name))
    parts.extend(f"{key}: {value}" for key, value in rest.items())
    return "; ".join(parts)


def _page_label(doc: Document, start: int, end: int) -> str:
    first, last = printed_page(doc, start), printed_page(doc, max(start, end - 1))
    if first is None:
        return ""
    label = f"page {first}" if last in (None, first) else f"pages {first}–{last}"
    return label + _ocr_note([p for p in doc.pages if p.ocr and p.start < end and p.end > start])


def _ocr_note(pages: list[Page]) -> str:
    """" (OCR, 91%)": pages read from their scans, with the weakest page's mean word confidence."""
    if not pages:
        return ""
    scores = [p.ocr_confidence for p in pages if p.ocr_confidence is not None]
    return f" (OCR, {min(scores):.0%})" if scores else " (OCR)"


def _ocr_summary(scanned: list[Page], total: int) -> str:
    scores = [p.ocr_confidence for p in scanned if p.ocr_confidence is not None]
    weakest = f", weakest page {min(scores):.0%} sure" if scores else ""
    return f"OCR: {len(scanned)} of {total} pages read from the scan{weakest}"


def _visible_marks(spans: list[Span]) -> list[Span]:
    """Spans to highlight in the text: where they overlap, the longer one wins."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.start - s.end)):
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


def _hover(doc: Document, unit: Unit, span: Span) -> str:
    page = printed_page(doc, unit.start + span.start)
    parts = [span.label, describe_norm(span.norm), f"by {span.source}", f"page {page}" if page else ""]
    return " · ".join(p for p in parts if p)


def _marked_text(doc: Document, unit: Unit) -> str:
    marks = _visible_marks(unit.spans)
    text = unit.text[:max([len(unit.text.rstrip())] + [s.end for s in marks])]  # no trailing blank lines
    out: list[str] = []
    position = 0
    for span in marks:
        out.append(_e(text[position:span.start]))
        out.append(f'<mark class="ent" data-label="{_e(span.label)}" title="{_e(_hover(doc, unit, span))}">'
                   f"{_e(text[span.start:span.end])}</mark>")
        position = span.end
    out.append(_e(text[position:]))
    return f'<div class="text">{"".join(out)}</div>'


def _chips(doc: Document, unit: Unit) -> str:
    if not unit.spans:
        return ""
    chips = []
    for span in unit.spans:
        norm = describe_norm(span.norm)
        norm = "" if norm == span.text else norm
        chips.append(f'<li class="chip" data-label="{_e(span.label)}" title="{_e(_hover(doc, unit, span))}">'
                     f"<b>{_e(span.label)}</b> {_e(span.text)}"
                     + (f' <span class="norm">→ {_e(norm)}</span>' if norm else "") + "</li>")
    return f'<ul class="chips">{"".join(chips)}</ul>'


def _item_html(doc: Document, unit: Unit) -> str:
    item = unit.item
    kind = item.type or UNTYPED
    head = [f'<span class="num">{_e(item.number)}.</span> {_e(item.title)}',
            f'<span class="badge type-{_e(kind)}">{_e(kind)}</span>']
    if item.classification:
        c = item.classification
        head.append(f'<span class="score" title="{_e("; ".join(c.evidence))}">'
                    f"score {c.score:.2f} ({_e(c.source)})</span>")
    if item.closed:
        head.append('<span class="badge closed">lukket</span>')
    if item.case_number:
        head.append(f'<span class="case">sag {_e(item.case_number)}</span>')
    page = _page_label(doc, unit.start, unit.end)
    if page:
        head.append(f'<span class="page">{_e(page)}</span>')
    labels = " ".join(sorted({s.label for s in unit.spans}))
    return (f'<article class="item" data-type="{_e(kind)}" data-labels="{_e(labels)}">'
            f'<h3>{" ".join(head)}</h3>{_chips(doc, unit)}'
            f"<details><summary>text</summary>{_marked_text(doc, unit)}</details></article>")


def _document_html(doc: Document) -> str:
    m = doc.meeting
    scanned = [p for p in doc.pages if p.ocr]
    facts = [m.body, m.date, m.municipality, doc.format,
             f"{len(doc.items)} items", f"{len(doc.pages)} pages" if printed_page(doc, 0) else None,
             _ocr_summary(scanned, len(doc.pages)) if scanned else None]
    parts = [f'<section class="doc" id="doc-{_e(doc.doc_id)}">', f"<h2>{_e(doc.source)}</h2>",
             f'<p class="meta">{_e(" · ".join(f for f in facts if f))}</p>']
    if doc.warnings:
        parts.append('<p class="problems">' + "<br>".join(_e(f"{w.code}: {w.message}") for w in doc.warnings) + "</p>")
    for unit in units(doc):
        if unit.item:
            parts.append(_item_html(doc, unit))
        else:
            parts.append(f'<div class="outside">{_chips(doc, unit)}<details><summary>text outside items'
                         f"</summary>{_marked_text(doc, unit)}</details></div>")
    parts.append("</section>")
    return "\n".join(parts)


def _toggle(kind: str, value: str, count: int) -> str:
    face = (f'<span data-label="{_e(value)}">{_e(value)}</span>' if kind == "label"
            else f'<span class="badge type-{_e(value)}">{_e(value)}</span>')
    return (f'<label class="toggle"><input type="checkbox" data-filter="{kind}" value="{_e(value)}" checked>'
            f'{face} <span class="n">{count}</span></label>')


def render(docs: Iterable[Document], *, title: str = "referat review", skipped: Iterable[str] = ()) -> str:
    """The review page for `docs` as one HTML string."""
    docs = list(docs)
    skipped = list(skipped)
    types = Counter(item.type or UNTYPED for doc in docs for item in doc.items)
    labels = Counter(span.label for doc in docs for span in doc.all_entities())
    label_order = [l for l in ENTITY_LABELS if l in labels] + sorted(set(labels) - set(ENTITY_LABELS))
    type_order = [t for t in (*ITEM_TYPES, UNTYPED) if t in types]
    skipped_html = ""
    if skipped:
        skipped_html = ('<section class="skipped"><h2>Skipped (no usable output)</h2><ul>'
                        + "".join(f"<li>{_e(s)}</li>" for s in skipped) + "</ul></section>")
    page, script = _template()
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    values = {
        "version": _e(__version__),
        "title": _e(title),
        "summary": _e(f"{len(docs)} documents · {sum(types.values())} items · "
                      f"{sum(labels.values())} entities" + (f" · {len(skipped)} skipped" if skipped else "")),
        "type_filters": "".join(_toggle("type", t, types[t]) for t in type_order),
        "label_filters": "".join(_toggle("label", l, labels[l]) for l in label_order),
        "skipped": skipped_html,
        "documents": "\n".join(_document_html(doc) for doc in docs),
        "script": script,
        "script_hash": f"sha256-{digest}",
    }
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], page)


def write_review(records_path: str | Path, out: str | Path) -> ReviewSummary:
    """Write the review page for a referat JSONL file."""
    records = Records(records_path)
    docs = list(records)
    out = Path(out)
    out.write_text(render(docs, title=f"referat review: {Path(records_path).name}", skipped=records.skipped),
                   encoding="utf-8")
    return ReviewSummary(out=out, documents=len(docs), items=sum(len(d.items) for d in docs),
                         entities=sum(len(d.all_entities()) for d in docs), skipped=records.skipped)
