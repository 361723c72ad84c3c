"""Statistical NER backends for `--ner`: the shipped model, DaCy, a spaCy pipeline.

A backend runs a spaCy pipeline over the text and returns its PER/PERSON,
ORG and LOC entities as referat spans (PER becomes PERSON); the annotator
keeps those that overlap no rule span. Nothing is downloaded: a DaCy model
must already be in DaCy's cache, and the shipped model is checked against its
sha256 manifest before it is loaded.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from referat.annotate.persons import known_name, model_name_ok, name_bounds
from referat.annotate.spans import squash
from referat.errors import ModelError
from referat.model import Span
from referat.resources import CHECKSUMS, models_dir, verify_checksums

log = logging.getLogger(__name__)

LABELS = {"PER": "PERSON", "PERSON": "PERSON", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC"}
"""External entity labels referat keeps, and what it calls them."""

_CHUNK = 1000  # characters per piece a model sees: NER needs local context only
_NAMED = ("rules", "model", "dacy")


@dataclass
class ExternalNER:
    """A loaded spaCy pipeline and the name its spans carry as `source`.

    `gated`: run the model only over the lines the rules leave unexplained
    (`gate.py`); the shipped model is gated, a user's pipeline sees all text.
    """

    nlp: object  # spacy.Language
    source: str
    check_names: bool = False  # keep only plausible names (persons.plausible_name)
    batch_size: int = 64
    gated: bool = False
    remembered: int = 4096  # pieces whose entities are kept: minutes repeat headings and set phrases
    _seen: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict, repr=False, compare=False)

    def find_many(self, texts: Iterable[str], known: Iterable[list[Span]] | None = None) -> list[list[Span]]:
        """Entities of each text; all pieces of all texts go through one `nlp.pipe`.

        `known` are the rule spans of each text: with `gated`, only the lines
        they leave unexplained are tagged.
        """
        from referat.annotate import gate

        texts = list(texts)
        known = list(known) if known is not None else [[] for _ in texts]
        pieces = [(i, offset, piece) for i, text in enumerate(texts)
                  for offset, piece in (gate.pieces(text, known[i]) if self.gated else chunks(text))]
        out: list[list[Span]] = [[] for _ in texts]
        for (i, offset, _), ents in zip(pieces, self._entities([p for _, _, p in pieces])):
            for ent_start, ent_end, ent_label in ents:
                label = LABELS.get(ent_label)
                if label is None:
                    continue
                start, end = _trim(texts[i], offset + ent_start, offset + ent_end)
                if label == "PERSON":
                    start, end = name_bounds(texts[i], start, end)
                    if end > start and self.gated and not (model_name_ok(texts[i][start:end]) and (
                            " " in texts[i][start:end] or not _opens_line(texts[i], start)
                            or known_name(texts[i][start:end]))):
                        continue
                if end > start:
                    text = texts[i][start:end]
                    norm = {"name": squash(text), "party": None} if label == "PERSON" else None
                    out[i].append(Span(label, start, end, text, norm, self.source))
        if self.gated:
            out = [_without_place_persons(text, spans) for text, spans in zip(texts, out)]
        return out

    def find(self, text: str, known: list[Span] | None = None) -> list[Span]:
        return self.find_many([text], None if known is None else [known])[0]

    def forget(self) -> None:
        """Forget the pieces read so far (a benchmark reads the same text again as new)."""
        self._seen.clear()

    def _entities(self, pieces: list[str]) -> list[list[tuple[int, int, str]]]:
        """(start, end, label) of each piece's entities. A piece met before (the same heading,
        footer or standard sentence in another item or meeting) is not run again: the model
        reads each piece on its own, so its entities there are the same."""
        seen = self._seen
        new = []
        for piece in dict.fromkeys(pieces):
            if piece in seen:
                seen[piece] = seen.pop(piece)  # the most recently used is forgotten last
            else:
                new.append(piece)
        for piece, doc in zip(new, self.nlp.pipe(new, batch_size=self.batch_size)):
            seen[piece] = [(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]
        found = [seen[p] for p in pieces]
        for oldest in list(islice(seen, max(0, len(seen) - self.remembered))):
            del seen[oldest]
        return found


def _opens_line(text: str, start: int) -> bool:
    """Does `start` open a line (a heading, a table cell, a list item)? One word there
    is a person only if the gazetteer knows the name ("Business case for ...")."""
    line = text.rfind("\n", 0, start) + 1
    return not any(c.isalnum() for c in text[line:start])


# a word starts after no letter or hyphen, so "Aa-Aa-…" is read once, not from each part
_PLACE_WORD = re.compile(r"(?<![\w-])([A-ZÆØÅ][\w-]+)(?= (?:Kommunes?|Rådhus|Regions?|Amt|By)\b)"
                         r"|(?<=\bJobcenter )([A-ZÆØÅ][\w-]+)")


def _without_place_persons(text: str, spans: list[Span]) -> list[Span]:
    """Drop a one-word PERSON that the same document uses as a place or organisation
    name: in an ORG or LOC the model found, or as in "Sønderborg Kommune",
    "Jobcenter Sønderborg" (a model reading a word alone takes a town for a surname)."""
    places = {w for s in spans if s.label in ("ORG", "LOC") for w in s.text.split()}
    if any(s.label == "PERSON" and " " not in s.text for s in spans):
        places |= {m.group(1) or m.group(2) for m in _PLACE_WORD.finditer(text)}
    return [s for s in spans if not (s.label == "PERSON" and " " not in s.text and s.text in places)]


def chunks(text: str, size: int = _CHUNK) -> list[tuple[int, str]]:
    """(offset, piece) pieces of at most ~`size` characters, cut at line breaks."""
    out, start = [], 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n", start + size // 2, end)
            end = cut + 1 if cut > 0 else end
        piece = text[start:end]
        if piece.strip():
            out.append((start, piece))
        start = end
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def load_backend(ner: str, trust_model: bool = False) -> ExternalNER | None:
    """The backend for a `--ner` value; None for "rules".

    referat's own models (the shipped one, or one `referat train ner` made) are
    loaded after their checksums are verified, from spaCy's own components
    only. Any other spaCy pipeline (DaCy, a path) is code: its config names
    functions to call, and spacy-transformers hands settings from its files
    to transformers. Such a pipeline is loaded only with `trust_model=True`
    (`--trust-model`).
    """
    if ner == "rules":
        return None
    if ner == "model":
        return load_shipped_model()
    path = Path(ner)
    if not (ner == "dacy" or ner.startswith("dacy:")) and (path / CHECKSUMS).is_file() \
            and "referat_training" in _meta(path):
        return load_shipped_model(path)  # trained by `referat train ner`: checked and gated
    if not trust_model:
        if not (ner == "dacy" or ner.startswith("dacy:")) and not path.exists():
            load_pipeline(path)  # says what --ner takes
        raise ModelError(f"--ner {ner} is a third-party spaCy pipeline, and loading one can run code "
                         "from its files; give --trust-model to load it if you trust where it came from "
                         "(referat's own models need no flag)", path=None)
    if ner == "dacy" or ner.startswith("dacy:"):
        name = ner.partition(":")[2] or "small"
        return ExternalNER(load_dacy(name), f"dacy:{name}")
    return ExternalNER(load_pipeline(path), f"spacy:{path.name}")


def _meta(path: Path) -> dict:
    try:
        return json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def load_shipped_model(path: Path | None = None) -> ExternalNER:
    """The Danish NER model in models/ner, after checking its sha256 manifest.

    Loaded once per process (`load_annotator` and `load_nlp` cache it).
    """
    path = path or models_dir() / "ner"
    if not (path / "meta.json").exists():
        raise ModelError(f"the NER model is missing ({path} has no meta.json); "
                         "train it with `referat train ner` (make ner-model)", path=str(path))
    verify_checksums(path)
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    return ExternalNER(load_builtin_pipeline(path), f"model:ner@{meta.get('version', '0')}", gated=True)


_BUILTIN_FACTORIES = frozenset({"tok2vec", "ner"})


def load_builtin_pipeline(path: Path):
    """A verified pipeline made only of spaCy's own `tok2vec` and `ner`, loaded without
    importing other packages' spaCy plugins.

    Every `spacy.Language` imports all factories that installed packages
    announce as entry points (spacy-transformers, DaCy: torch, seconds of
    start-up) although this model uses none of them. Its config is read first:
    a component of any other factory is refused, then the plugins are skipped.
    The saved tokenizer is not read: `referat train ner` leaves the tokenizer
    as the config builds it, so reading the copy (2,400 special cases and the
    affix patterns, a second time) would only cost a tenth of a second.
    """
    from spacy import util
    from thinc.api import Config

    try:
        config = Config().from_disk(path / "config.cfg", interpolate=False)
    except (OSError, ValueError) as err:
        raise ModelError(f"cannot read the model's config.cfg: {err}", path=str(path)) from err
    factories = {name: c.get("factory") for name, c in config.get("components", {}).items()}
    unknown = sorted(f"{name} ({factory})" for name, factory in factories.items()
                     if factory not in _BUILTIN_FACTORIES)
    if unknown:
        raise ModelError(f"the NER model uses components referat does not load: {', '.join(unknown)}",
                         path=str(path))
    entry_points = util.registry._entry_point_factories
    get_all = entry_points.get_all
    entry_points.get_all = lambda: {}
    try:
        return load_pipeline(path, exclude=["tokenizer"])
    finally:
        entry_points.get_all = get_all


def load_pipeline(path: Path, exclude: list[str] | None = None):
    """A spaCy pipeline from disk (less the parts in `exclude`), with errors that say what is wrong."""
    from referat.lazy import spacy_load

    if not path.exists():
        raise ModelError(f"no spaCy pipeline at {path} (--ner takes {', '.join(_NAMED)}, "
                         "dacy:<model> or the directory of a spaCy pipeline)", path=str(path))
    try:
        nlp = spacy_load(path, exclude=exclude or [])
    except (OSError, ValueError, KeyError, ImportError) as err:
        raise ModelError(f"cannot load the spaCy pipeline: {err}", path=str(path)) from err
    if not any(name == "ner" or "ner" in name or "entity" in name for name in nlp.pipe_names):
        raise ModelError(f"the spaCy pipeline has no NER component (pipes: {nlp.pipe_names})",
                         path=str(path))
    return nlp


def load_dacy(name: str = "small"):
    """An installed DaCy model; never downloads (DaCy's own `load` would)."""
    try:
        import dacy
        from dacy.download import DEFAULT_CACHE_DIR, get_latest_version, models_url
    except ImportError as err:
        raise ModelError("--ner dacy needs the dacy package: pip install 'referat-nlp[dacy]'") from err
    full = f"da_dacy_{name}_trf-{get_latest_version(name)}" if name in ("small", "medium", "large") else name
    if full not in models_url:
        raise ModelError(f"unknown DaCy model {name!r}; DaCy knows: {', '.join(sorted(models_url))}")
    package = full.split("-")[0]
    where = Path(DEFAULT_CACHE_DIR) / full / package / full
    if not where.exists():
        raise ModelError(
            f"the DaCy model {full} is not installed (looked in {where}); referat never downloads "
            f"models at run time. On a machine with internet run "
            f"`python -c \"import dacy; dacy.download_model('{full}')\"` and copy {DEFAULT_CACHE_DIR} "
            "here (or point DACY_CACHE_DIR at the copy)")
    try:
        return dacy.load(full)  # found in the cache: dacy.load does not download
    except (OSError, ValueError, KeyError, ImportError) as err:
        raise ModelError(f"the DaCy model {full} could not be loaded: {err}", path=str(where)) from err
