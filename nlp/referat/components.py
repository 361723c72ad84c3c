"""spaCy components: referat's entity finders as registered factories.

    import spacy, referat.components
    nlp = spacy.blank("da")
    nlp.add_pipe("referat_amounts")
    doc = nlp("Bevilling på 20 mio. kr.")
    [(s.text, s.label_, s._.norm) for s in doc.spans["referat"]]
    # [('20 mio. kr.', 'AMOUNT', {'value': 20000000.0, 'currency': 'DKK'})]

Each component runs one rule finder over `doc.text` and adds its spans to
`doc.spans["referat"]` (labels may overlap each other there); `referat_ents`
copies a non-overlapping selection into `doc.ents` for displaCy and
friends. `Span._.norm` is the normalised value, `Span._.source` the rule or
model that found the span. `Doc._.referat_context` may hold a
`DocumentContext` (the names and body a segmented document gives) before the
pipeline runs. `pyproject.toml` lists the factories as `spacy_factories`
entry points, so `spacy.blank("da").add_pipe("referat_laws")` works without
importing referat first (DaCy's habit).
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan
from spacy.util import filter_spans

from referat.annotate.context import DocumentContext
from referat.annotate.rules import FINDERS
from referat.model import Span

SPANS_KEY = "referat"
_NORM_KEY = "referat_norm"
_SOURCE_KEY = "referat_source"
RULE_COMPONENTS = ("referat_case_numbers", "referat_amounts", "referat_laws", "referat_committees",
                   "referat_persons")


def _user_data_key(kind: str, span: SpacySpan) -> tuple:
    # spaCy keys its own Span extensions by offsets alone; spans of two labels may share
    # offsets here, so the label is part of the key.
    return (kind, span.label_, span.start_char, span.end_char)


def _norm(span: SpacySpan):
    return span.doc.user_data.get(_user_data_key(_NORM_KEY, span))


def _source(span: SpacySpan):
    return span.doc.user_data.get(_user_data_key(_SOURCE_KEY, span))


def register_extensions() -> None:
    """`Span._.norm`, `Span._.source`, `Doc._.referat_context` (idempotent)."""
    if not SpacySpan.has_extension("norm"):
        SpacySpan.set_extension("norm", getter=_norm)
    if not SpacySpan.has_extension("source"):
        SpacySpan.set_extension("source", getter=_source)
    if not Doc.has_extension("referat_context"):
        Doc.set_extension("referat_context", default=None)


register_extensions()


def add_spans(doc: Doc, spans: list[Span]) -> None:
    """Add referat spans to `doc.spans["referat"]`, snapped outwards to token edges."""
    group = doc.spans[SPANS_KEY] if SPANS_KEY in doc.spans else doc.spans.setdefault(SPANS_KEY, [])
    for span in spans:
        token_span = doc.char_span(span.start, span.end, label=span.label, alignment_mode="expand")
        if token_span is None:
            continue
        group.append(token_span)
        doc.user_data[_user_data_key(_NORM_KEY, token_span)] = span.norm
        doc.user_data[_user_data_key(_SOURCE_KEY, token_span)] = span.source


def referat_spans(doc: Doc) -> list[SpacySpan]:
    return list(doc.spans[SPANS_KEY]) if SPANS_KEY in doc.spans else []


class RuleComponent:
    """Runs one rule finder over the text of each doc."""

    def __init__(self, name: str, finder: Callable[[str, DocumentContext], list[Span]]):
        self.name = name
        self.finder = finder

    def __call__(self, doc: Doc) -> Doc:
        context = doc._.referat_context or DocumentContext()
        add_spans(doc, self.finder(doc.text, context))
        return doc


class ExternalNERComponent:
    """Merges a statistical NER backend (shipped model, DaCy, a pipeline path)."""

    def __init__(self, name: str, source: str, trust_model: bool = False):
        from referat.annotate.backends import load_backend

        self.name = name
        self.backend = load_backend(source, trust_model)

    def __call__(self, doc: Doc) -> Doc:
        from referat.annotate.annotator import merge_backend

        if self.backend is None:
            return doc
        existing = [Span(s.label_, s.start_char, s.end_char, s.text) for s in referat_spans(doc)]
        found = self.backend.find(doc.text, existing)
        add_spans(doc, merge_backend(doc.text, existing, found, self.backend.check_names))
        return doc


def _spans_to_ents(doc: Doc) -> Doc:
    doc.ents = filter_spans(referat_spans(doc))
    return doc


_SPANS = {"assigns": ["doc.spans"], "default_score_weights": {}}


@Language.factory("referat_case_numbers", **_SPANS)
def make_case_numbers(nlp: Language, name: str) -> RuleComponent:
    return RuleComponent(name, FINDERS["case_numbers"])


@Language.factory("referat_amounts", **_SPANS)
def make_amounts(nlp: Language, name: str) -> RuleComponent:
    return RuleComponent(name, FINDERS["amounts"])


@Language.factory("referat_laws", **_SPANS)
def make_laws(nlp: Language, name: str) -> RuleComponent:
    return RuleComponent(name, FINDERS["laws"])


@Language.factory("referat_committees", **_SPANS)
def make_committees(nlp: Language, name: str) -> RuleComponent:
    return RuleComponent(name, FINDERS["committees"])


@Language.factory("referat_persons", **_SPANS)
def make_persons(nlp: Language, name: str) -> RuleComponent:
    return RuleComponent(name, FINDERS["persons"])


@Language.factory("referat_ner", default_config={"source": "model", "trust_model": False}, **_SPANS)
def make_ner(nlp: Language, name: str, source: str, trust_model: bool) -> ExternalNERComponent:
    return ExternalNERComponent(name, source, trust_model)


@Language.component("referat_ents", assigns=["doc.ents"])
def referat_ents(doc: Doc) -> Doc:
    """Copy the longest non-overlapping referat spans into `doc.ents`."""
    return _spans_to_ents(doc)


def build_nlp(ner: str = "model", trust_model: bool = False) -> Language:
    """Blank Danish with lemmas, every rule component, the `ner` backend, and `referat_ents`."""
    import referat.annotate.lemmas  # noqa: F401  (registers referat_lemmas)
    from referat.lazy import spacy_blank

    nlp = spacy_blank("da")
    nlp.add_pipe("referat_lemmas")
    for name in RULE_COMPONENTS:
        nlp.add_pipe(name)
    if ner != "rules":
        nlp.add_pipe("referat_ner", config={"source": ner, "trust_model": trust_model})
    nlp.add_pipe("referat_ents")
    return nlp
