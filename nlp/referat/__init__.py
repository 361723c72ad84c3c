"""referat: Danish municipal minutes and agendas as data.

One function per stage, and `process()` for the whole pipeline::

    import referat
    doc = referat.process("referat-2019-03-11.pdf")
    for item in doc.items:
        print(item.number, item.type, item.title)

    nlp = referat.load()            # the spaCy pipeline behind the entities
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("referat-nlp")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0.0.0+unknown"

from referat.model import Document, Item, Meeting, Section, Span  # noqa: E402
from referat.pipeline import Options, Pipeline  # noqa: E402

_default: Pipeline | None = None


def process(path, options: Options | None = None) -> Document:
    """Run the whole pipeline on one file (models are loaded once per process)."""
    global _default
    if options is not None:
        return Pipeline(options).process(path)
    if _default is None:
        _default = Pipeline()
    return _default.process(path)


def read(path, **limits):
    """Ingest: a file as a `Source` (raw pages, structure where the format has it)."""
    from referat.ingest import read as _read

    return _read(path, **limits)


def normalise(source):
    """Normalise: clean text, pages, structure offsets moved into the clean text."""
    from referat.normalise import normalise as _normalise

    return _normalise(source)


def segment(text, pages=(), structure=None):
    """Segment: meeting metadata and items from normalised text."""
    from referat.segment import segment as _segment

    return _segment(text, list(pages), structure)


def load(ner: str = "model"):
    """The spaCy `Language` that tags entities (components `referat_*`) and lemmas.

    `ner`: "model" (rules + the shipped Danish NER model, the default), "rules",
    "dacy[:name]" or the path of a spaCy pipeline.
    """
    from referat.annotate import load_nlp

    return load_nlp(ner)


__all__ = ["Document", "Item", "Meeting", "Options", "Pipeline", "Section", "Span",
           "__version__", "load", "normalise", "process", "read", "segment"]
