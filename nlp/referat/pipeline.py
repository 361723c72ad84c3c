"""The whole pipeline for one document: ingest → normalise → segment → annotate → classify → decide.

`Pipeline` loads its models once (annotator, classifier) and then turns paths
into `Document`s. A file that cannot be read gives a `Document` whose
`errors` say why, never an exception: a batch goes on and nothing is dropped.
A readable file in which no items are found (a letter attached to an agenda,
minutes in a layout nothing recognises) is no error: its record keeps the
text, pages, meeting metadata and entities, and a warning says why.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from referat import __version__
from referat.errors import ReferatError
from referat.model import OCR_MODES, Document, Problem, Source

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Options:
    """What a run may change; every field has the default a user expects."""

    ner: str = "model"  # "model" (rules + the shipped Danish NER model), "rules" (rules only), "dacy", or a spaCy pipeline path
    classifier: str = "default"  # "default" (shipped model + rules), "rules", or a model directory
    segmenter: str = "default"  # heading model: "default" (shipped model + rules), "rules", or a model directory
    annotate: bool = True
    classify: bool = True
    decide: bool = True  # decisions and votes per item (referat.decide)
    decision_model: str = "default"  # "default" (shipped outcome model + rules), "rules", or a model directory
    max_bytes: int = 100 * 1024 * 1024
    max_pages: int = 2000
    timeout_s: float = 120.0
    ocr: str = "auto"  # "auto" (pages without a usable text layer), "always", "never"
    ocr_threads: int = 1  # pages OCR'd at once (the batch sets it from --workers)
    trust_model: bool = False  # load a third-party spaCy pipeline (--ner dacy or a path): it can run code

    def __post_init__(self) -> None:
        if self.ocr not in OCR_MODES:
            raise ValueError(f"unknown OCR mode {self.ocr!r}; expected one of {', '.join(OCR_MODES)}")
        if self.ocr_threads < 1:
            raise ValueError(f"ocr_threads must be at least 1, not {self.ocr_threads}")


class Pipeline:
    """Models loaded once; `process()` per document."""

    def __init__(self, options: Options | None = None):
        self.options = options or Options()
        self._annotator = None
        self._classifier = None
        self._heading_model = None
        self._decider = None

    @property
    def annotator(self):
        if self._annotator is None and self.options.annotate:
            from referat.annotate import load_annotator

            self._annotator = load_annotator(self.options.ner, self.options.trust_model)
        return self._annotator

    @property
    def classifier(self):
        if self._classifier is None and self.options.classify:
            from referat.classify import load_classifier

            self._classifier = load_classifier(self.options.classifier)
        return self._classifier

    @property
    def heading_model(self):
        """The learned heading model segment uses with the rules (None: the rules alone)."""
        if self._heading_model is None and self.options.segmenter != "rules":
            from referat.segment.heading_model import load_heading_model

            self._heading_model = load_heading_model(self.options.segmenter)
        return self._heading_model

    @property
    def decider(self):
        if self._decider is None and self.options.decide:
            from referat.decide import load_decider

            self._decider = load_decider(self.options.decision_model)
        return self._decider

    def process(self, path: str | Path) -> Document:
        """Read and analyse one file; problems end up in `Document.errors`."""
        from referat.ingest import OcrSettings, read

        name = printable_path(path)
        try:
            source = read(path, max_bytes=self.options.max_bytes, max_pages=self.options.max_pages,
                          ocr=OcrSettings(self.options.ocr, self.options.ocr_threads))
        except ReferatError as err:
            doc = failed(str(path), err, stage="ingest", max_bytes=self.options.max_bytes)
            doc.source = name
        else:
            source.path = name
            doc = self.process_source(source)
        doc.source_path = exact_path(path) if exact_path(path) != name else None
        return doc

    def process_source(self, source: Source) -> Document:
        from referat.normalise import normalise
        from referat.segment import segment

        doc = Document(source=source.path, sha256=source.sha256, format=source.format,
                       referat_version=__version__, warnings=list(source.warnings))
        stage = "normalise"
        try:
            norm = normalise(source)
            doc.text, doc.pages = norm.text, norm.pages
            stage = "segment"
            seg = segment(norm.text, norm.pages, norm.structure, heading_model=self.heading_model)
            doc.meeting, doc.items, doc.layout = seg.meeting, seg.items, seg.layout
            doc.warnings.extend(seg.warnings)  # a document without items says why here; it is no error
            if self.annotator is not None:
                stage = "annotate"
                self.annotator.annotate(doc)
            if self.classifier is not None and doc.items:
                stage = "classify"
                self.classifier.classify(doc)
            if self.decider is not None:
                stage = "decide"
                self.decider.decide(doc)
        except ReferatError as err:
            doc.errors.append(Problem(err.code, err.message, stage))
        return doc


def printable_path(path: str | Path) -> str:
    """The path as text that JSON and a terminal can carry.

    A file name that is not valid UTF-8 (an old latin-1 archive, say) arrives as
    surrogate escapes; those are kept for opening the file but cannot be
    written as UTF-8, so the record names the file with U+FFFD in their place.
    """
    name = str(path)
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def exact_path(path: str | Path) -> str:
    """The path's exact bytes as printable text, one-to-one: bytes that are not
    UTF-8 as `\\xNN`, a backslash as two. Two names that `printable_path` makes
    the same (`m\\xf8de.txt`, `m\\xe6de.txt` from a latin-1 file server) stay
    apart here; `path_bytes` turns it back into the bytes to open."""
    return os.fsencode(path).replace(b"\\", b"\\\\").decode("utf-8", "backslashreplace")


def path_bytes(exact: str) -> bytes:
    """The bytes of the path that `exact_path` wrote as `exact`."""
    return re.sub(rb"\\(\\|x([0-9a-f]{2}))",
                  lambda m: b"\\" if m[1] == b"\\" else bytes.fromhex(m[2].decode()),
                  exact.encode("utf-8"))


def failed(path: str, err: ReferatError, stage: str, max_bytes: int | None = None) -> Document:
    """The record for a file that could not be read: source, hash if cheap, why.

    A file refused for its size is not read again just to hash it.
    """
    from referat.resources import sha256_file

    try:
        too_big = max_bytes is not None and Path(path).stat().st_size > max_bytes
        sha = "" if too_big or not Path(path).is_file() else sha256_file(path)
    except OSError:
        sha = ""
    fmt = Path(path).suffix.lower().lstrip(".")
    return Document(source=path, sha256=sha, format=fmt, referat_version=__version__,
                    errors=[Problem(err.code, err.message, stage)])
