"""A static review page: what referat tagged, for a person to look over and correct.

One self-contained HTML file, no server: the records travel inside it, each
gzipped and base64-encoded (a tenth of the HTML to parse, and a record is
decoded only when the page shows it, so 300 meetings open at once), with a
small JSON index of documents and items; the page's one script (inline,
allowed by its hash in a Content-Security-Policy that forbids every fetch)
renders a page of items at a time, least confident first or document by document, with the entity
labels shown in the text (as displaCy shows them), overlapping spans stacked,
a search box and filters by body, date and type. The reviewer adds, relabels
and deletes spans, changes an item's type, decision outcome and boundaries,
and marks items reviewed; the work stays in the browser's storage until
"Save corrections" downloads it as JSONL for `referat import --format review`
(`referat.export.corrections`). Nothing leaves the page.

Document text is untrusted: it reaches the page only base64-encoded, or in
the index as JSON with `<`, `>` and `&` escaped so it can never close its
block, and the script puts it into the page as text, never as markup.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

from referat import __version__
from referat.export import Records
from referat.export.corrections import SOURCE
from referat.model import ENTITY_LABELS, ITEM_TYPES, OUTCOMES, Document
from referat.outputs import atomic_file

TEMPLATES = Path(__file__).resolve().parent / "data" / "templates"
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_DATA = "{{data}}"
PAGE_SIZE = 20  # items per page: the page renders only these, however large the archive
_UNSAFE_IN_SCRIPT = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                                   "\u2028": "\\u2028", "\u2029": "\\u2029"}
                                  # bidi embeddings, overrides, isolates: as escapes, never raw in the page
                                  | {chr(c): f"\\u{c:04x}" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})


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
    failed: list[str] = field(default_factory=list)


def script_json(value: Any) -> str:
    """JSON that is safe inside a `<script type="application/json">` block."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_UNSAFE_IN_SCRIPT)


def _index_entry(doc: Document) -> dict[str, Any]:
    """What the page needs of a document before decoding it: to order, filter and list."""
    m = doc.meeting
    return {"doc_id": doc.doc_id, "sha256": doc.sha256, "source": doc.source, "format": doc.format,
            "meeting": {"body": m.body, "date": m.date, "municipality": m.municipality},
            "ocr": ocr_summary(doc),
            "items": [{"number": i.number, "title": i.title, "type": i.type, "start": i.start, "end": i.end,
                       "classification": {"score": i.classification.score} if i.classification else None}
                      for i in doc.items]}


def ocr_summary(doc: Document) -> str | None:
    """"OCR: 2 of 5 pages read from the scan, weakest page 87% sure", or None for a text layer."""
    scanned = [p for p in doc.pages if getattr(p, "ocr", False)]
    if not scanned:
        return None
    scores = [p.ocr_confidence for p in scanned if p.ocr_confidence is not None]
    weakest = f", weakest page {min(scores):.0%} sure" if scores else ""
    return f"OCR: {len(scanned)} of {len(doc.pages)} pages read from the scan{weakest}"


def read_page_records(page: str) -> list[dict[str, Any]]:
    """The records inside a review page (for tests and for anyone who lost the JSONL)."""
    match = re.search(r'<script type="application/octet-stream" id="referat-data">(.*?)</script>', page, re.S)
    lines = match.group(1).split("\n") if match and match.group(1) else []
    return [json.loads(gzip.decompress(base64.b64decode(line))) for line in lines]


def _filled(part: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], part)


def write_page(docs: Iterable[Document], f: TextIO, *, title: str = "referat review",
               records: str = "records.jsonl", skipped: Callable[[], list[str]] = list,
               summary: ReviewSummary | None = None) -> None:
    """Stream the review page for `docs` to `f`, one document at a time.

    `skipped` is asked for the list of skipped records once all documents
    are written (a streaming reader only knows it then).
    """
    page, script = _template()
    head, tail = page.split(_DATA)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    values = {"version": html.escape(__version__), "title": html.escape(title, quote=True),
              "script": script, "script_hash": f"sha256-{digest}"}
    f.write(_filled(head, values))
    key = hashlib.sha256()
    labels: set[str] = set()
    index: list[dict[str, Any]] = []
    for n, doc in enumerate(docs):
        record = json.dumps(doc.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        f.write(("\n" if n else "") + base64.b64encode(gzip.compress(record, compresslevel=6, mtime=0)).decode("ascii"))
        index.append(_index_entry(doc))
        key.update(f"{doc.doc_id}:{doc.sha256}\n".encode())
        spans = doc.all_entities()
        labels.update(s.label for s in spans)
        if summary is not None:
            summary.documents += 1
            summary.items += len(doc.items)
            summary.entities += len(spans)
    meta = {
        "version": __version__, "key": key.hexdigest()[:20], "records": records,
        "download": f"{Path(records).stem}.corrections.jsonl",
        "labels": list(ENTITY_LABELS) + sorted(labels - set(ENTITY_LABELS)),
        "types": list(ITEM_TYPES), "outcomes": list(OUTCOMES), "source": SOURCE,
        "skipped": skipped(), "page_size": PAGE_SIZE, "index": index,
    }
    f.write(_filled(tail, values | {"meta": script_json(meta)}))


def render(docs: Iterable[Document], *, title: str = "referat review", skipped: Iterable[str] = ()) -> str:
    """The review page for `docs` as one HTML string."""
    import io

    out = io.StringIO()
    skipped = list(skipped)
    write_page(docs, out, title=title, skipped=lambda: skipped)
    return out.getvalue()


def write_review(records_path: str | Path, out: str | Path,
                 on_record: Callable[[], None] | None = None) -> ReviewSummary:
    """Write the review page for a referat JSONL file (atomically; the caller checks
    the target with `referat.outputs.check_target`)."""
    records = Records(records_path, on_record=on_record)
    summary = ReviewSummary(out=Path(out))
    name = Path(records_path).name
    with atomic_file(out, "w", encoding="utf-8") as f:
        write_page(records, f, title=f"referat review: {name}", records=name,
                   skipped=lambda: records.skipped, summary=summary)
    summary.skipped = records.skipped
    summary.failed = records.failed
    return summary
