"""Train the small NER model behind `--ner model` (weak supervision), and measure it.

The rules label PERSON in the Greve portal texts (../shared/corpora/greve,
read through referat's own ingest and segment, so the participants each
meeting lists help); a small spaCy NER model (configs/ner.cfg) learns from
those labels, with the names also swapped for invented ones so that it may
learn the contexts names stand in. Only the trained model ships (models/ner,
spaCy's to_disk format, a sha256 manifest and a model card, README.md, with
what it adds over the rules); the shared texts are read at training time and
never copied.

    python -m referat.annotate.ner train            # -> models/ner (under 2 minutes, 2 cores)
    python -m referat.annotate.ner compare          # rules vs rules+model on held-back text

Reproducible: meetings are split into train/dev/held-back by a hash of their
file name, paragraphs are sampled with a fixed seed, and spaCy trains with
`system.seed = 0`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from referat.annotate.backends import ExternalNER, chunks, load_shipped_model
from referat.resources import write_checksums
from referat.annotate.context import DocumentContext
from referat.annotate.persons import find_persons
from referat.annotate.spans import from_markers, squash
from referat.errors import InputError
from referat.resources import config_path, models_dir, shared_dir

log = logging.getLogger(__name__)

MODEL_NAME = "referat_ner"
MODEL_VERSION = "0.1.0"
SEED = 0
_MAX_WITH_PERSON = 2500  # pieces (about 1,000 characters each)
_NEGATIVES_PER_POSITIVE = 2  # pieces without a person teach what is no name


@dataclass
class Line:
    """A piece of a meeting's text and the PERSON spans the rules gave it."""

    meeting: str
    text: str
    persons: list[tuple[int, int]]


def split_of(name: str) -> str:
    """"train" (80%), "dev" (10%) or "heldout" (10%), fixed by the file name's hash."""
    bucket = int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:8], 16) % 10
    return "heldout" if bucket == 0 else "dev" if bucket == 1 else "train"


def rule_lines(paths: list[Path]) -> list[Line]:
    """Pieces of the meetings, cut as the backend cuts them at run time, with the rules' persons.

    Training sees what the model will see: several lines with their headings
    and short lines (`backends.chunks`), offsets relative to the piece.
    """
    from referat.pipeline import Options, Pipeline

    pipeline = Pipeline(Options(annotate=False, classify=False))
    out: list[Line] = []
    for path in paths:
        doc = pipeline.process(str(path))
        if doc.errors:
            log.warning("%s: skipped (%s)", path.name, doc.errors[0].message)
            continue
        persons = [s for s in find_persons(doc.text, DocumentContext.of(doc)) if s.label == "PERSON"]
        for offset, piece in chunks(doc.text):
            end = offset + len(piece)
            inside = [(s.start - offset, s.end - offset) for s in persons if offset <= s.start and s.end <= end]
            out.append(Line(path.name, piece, inside))
    return out


_ONSETS = "B D F G H J K L M N P R S T V Br Fr Gr Kr Tr St Sv Bj Hj Kn Th Sk".split()
_VOWELS = "a e i o u y æ ø å ia ie ei".split()
_CODAS = ["", "", "n", "l", "r", "s", "t", "k", "m", "nd", "ld", "rt", "ng", "ss"]


def _invented_word(rng: random.Random, last: bool) -> str:
    word = rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
    if rng.random() < 0.6:
        word += rng.choice(_ONSETS).lower() + rng.choice(_VOWELS) + rng.choice(_CODAS)
    if last and rng.random() < 0.3:
        word += "sen"
    return word


def with_invented_names(line: Line, rng: random.Random) -> Line:
    """The piece with each person's words swapped for invented ones of a name's shape.

    The rules find persons by the first names they know; trained on their
    labels alone, the model would learn those names. Invented names make it
    learn the contexts a name stands in ("Fraværende: ...", "... (V)").
    """
    parts, persons, pos = [], [], 0
    for start, end in sorted(line.persons):
        parts.append(line.text[pos:start])
        words = line.text[start:end].split()
        name = " ".join(w if len(w) == 2 and w.endswith(".") else _invented_word(rng, k == len(words) - 1)
                        for k, w in enumerate(words))
        offset = sum(map(len, parts))
        persons.append((offset, offset + len(name)))
        parts.append(name)
        pos = end
    parts.append(line.text[pos:])
    return Line(line.meeting, "".join(parts), persons)


def sample(lines: list[Line], seed: int = SEED) -> list[Line]:
    """Pieces with a person (each also with invented names) and twice as many without.

    Capped in number; the order is a fixed random one.
    """
    rng = random.Random(seed)
    with_person = [line for line in lines if line.persons]
    without = [line for line in lines if not line.persons]
    rng.shuffle(with_person)
    rng.shuffle(without)
    positives = with_person[:_MAX_WITH_PERSON]
    chosen = positives + [with_invented_names(line, rng) for line in positives]
    chosen += without[:_NEGATIVES_PER_POSITIVE * len(positives)]
    rng.shuffle(chosen)
    return chosen


def to_docbin(lines: list[Line]):
    """A spaCy DocBin of the lines, PERSON as entities, every other token outside."""
    import spacy
    from spacy.tokens import DocBin
    from spacy.util import filter_spans

    nlp = spacy.blank("da")
    db = DocBin(store_user_data=False)
    for line in lines:
        doc = nlp.make_doc(line.text)
        spans = [doc.char_span(s, e, label="PERSON", alignment_mode="contract") for s, e in line.persons]
        doc.set_ents(filter_spans([s for s in spans if s is not None]), default="outside")
        db.add(doc)
    return db


def train(out: Path | None = None, shared: Path | None = None, seed: int = SEED) -> dict:
    """Train on the Greve texts, write the model to `out` (default models/ner); return figures."""
    from spacy.cli.train import train as spacy_train

    shared = shared or shared_dir()
    if shared is None:
        raise InputError("training needs ../shared/corpora/greve (or REFERAT_SHARED)")
    out = out or models_dir() / "ner"
    paths = sorted((shared / "corpora" / "greve").glob("*.json"))
    if not paths:
        raise InputError("no Greve meetings to train on", path=str(shared / "corpora" / "greve"))
    started = time.perf_counter()
    lines = rule_lines([p for p in paths if split_of(p.name) != "heldout"])
    train_lines = sample([line for line in lines if split_of(line.meeting) == "train"], seed)
    dev_lines = sample([line for line in lines if split_of(line.meeting) == "dev"], seed)[:400]
    log.info("weak labels: %d train lines, %d dev lines", len(train_lines), len(dev_lines))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        to_docbin(train_lines).to_disk(tmp / "train.spacy")
        to_docbin(dev_lines).to_disk(tmp / "dev.spacy")
        spacy_train(config_path("ner.cfg"), tmp / "output", use_gpu=-1,
                    overrides={"paths.train": str(tmp / "train.spacy"), "paths.dev": str(tmp / "dev.spacy"),
                               "system.seed": seed})
        best = tmp / "output" / "model-best"
        meta = json.loads((best / "meta.json").read_text(encoding="utf-8"))
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(best, out)
    seconds = time.perf_counter() - started
    figures = {
        "train_lines": len(train_lines),
        "dev_lines": len(dev_lines),
        "dev_ents_f": round(meta.get("performance", {}).get("ents_f", 0.0), 4),
        "training_seconds": round(seconds, 1),
    }
    _write_meta(out, figures)
    _prune_strings(out)
    write_checksums(out)
    return figures


def _prune_strings(out: Path) -> None:
    """Keep only the entity labels in the string table.

    spaCy stores every token string it saw in training; the model needs none
    of them (its features are hashed at run time), and the words of the
    training texts do not belong in the repository.
    """
    (out / "vocab" / "strings.json").write_text(json.dumps(["PERSON"]) + "\n", encoding="utf-8")


def _write_meta(out: Path, figures: dict) -> None:
    meta_path = out / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update({
        "name": MODEL_NAME.removeprefix("referat_"),
        "version": MODEL_VERSION,
        "description": "PERSON tagger for Danish municipal minutes, trained on rule-labelled Greve "
                       "portal texts (weak supervision); see README.md",
        "author": "referat contributors",
        "license": "MIT",
        "sources": [{"name": "Greve Kommune agenda portal (FirstAgenda publication JSON), 2022-2024",
                     "url": "https://dagsordener.greve.dk", "license": "public records"}],
        "referat_training": figures,
    })
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# --- measuring: what the model adds over the rules -------------------------

def read_marked(path: Path) -> list[tuple[str, list[tuple[int, int]]]]:
    """Lines with inline markers, "Fraværende: [PERSON Ib Holm] (V)", as (text, PERSON spans)."""
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("#"):
            text, spans = from_markers(raw)
            out.append((text, [(s, e) for label, s, e in spans if label == "PERSON"]))
    return out


def _prf(found: set, gold: set) -> dict:
    tp = len(found & gold)
    p = tp / len(found) if found else 0.0
    r = tp / len(gold) if gold else 0.0
    return {"p": round(p, 3), "r": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "tp": tp, "fp": len(found - gold), "fn": len(gold - found)}


def compare(marked: Path, backend: ExternalNER | None = None) -> dict:
    """PERSON precision/recall on marked, held-back lines: rules, rules+model, rules+checked model."""
    from referat.annotate.annotator import merge_backend
    from referat.annotate.rules import find_entities

    backend = backend or load_shipped_model()
    lines = read_marked(marked)
    gold: set = set()
    found: dict[str, set] = {"rules": set(), "rules+model": set(), "rules+model (names checked)": set()}
    for n, (text, spans) in enumerate(lines):
        gold |= {(n, s, e) for s, e in spans}
        rule_spans = find_entities(text)
        rule_persons = {(n, s.start, s.end) for s in rule_spans if s.label == "PERSON"}
        model = [s for s in backend.find(text) if s.label == "PERSON"]
        found["rules"] |= rule_persons
        for key, check in (("rules+model", False), ("rules+model (names checked)", True)):
            added = merge_backend(rule_spans, model, check_names=check)
            found[key] |= rule_persons | {(n, s.start, s.end) for s in added}
    return {"lines": len(lines), "persons": len(gold)} | {k: _prf(v, gold) for k, v in found.items()}


def heldout_additions(shared: Path | None = None, backend: ExternalNER | None = None,
                      limit: int = 40) -> dict:
    """On the held-back Greve meetings: the persons the model adds to the rules', with a sample."""
    from referat.annotate.annotator import merge_backend
    from referat.annotate.persons import plausible_name
    from referat.annotate.rules import find_entities
    from referat.pipeline import Options, Pipeline

    shared = shared or shared_dir()
    backend = backend or load_shipped_model()
    pipeline = Pipeline(Options(annotate=False, classify=False))
    paths = [p for p in sorted((shared / "corpora" / "greve").glob("*.json")) if split_of(p.name) == "heldout"]
    rule_count, added = 0, []
    for path in paths:
        doc = pipeline.process(str(path))
        spans = find_entities(doc.text, DocumentContext.of(doc))
        rule_count += sum(s.label == "PERSON" for s in spans)
        for span in merge_backend(spans, [s for s in backend.find(doc.text) if s.label == "PERSON"]):
            context = squash(doc.text[max(0, span.start - 40):span.end + 25])
            added.append({"meeting": path.name, "text": squash(span.text), "context": context,
                          "name_checked": plausible_name(span.text)})
    rng = random.Random(SEED)
    return {"meetings": len(paths), "rule_persons": rule_count, "model_added": len(added),
            "model_added_names_checked": sum(a["name_checked"] for a in added),
            "sample": rng.sample(added, min(limit, len(added)))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m referat.annotate.ner", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train on ../shared Greve texts into models/ner")
    t.add_argument("--out", type=Path, default=None)
    t.add_argument("--seed", type=int, default=SEED)
    c = sub.add_parser("compare", help="rules vs rules+model on held-back text")
    c.add_argument("--marked", type=Path, default=Path(__file__).resolve().parents[3] / "corpora" / "ner"
                   / "heldout.txt")
    c.add_argument("--model", type=Path, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.command == "train":
        figures = train(args.out, seed=args.seed)
    else:
        backend = load_shipped_model(args.model) if args.model else None
        figures = {"marked": compare(args.marked, backend), "greve_heldout": heldout_additions(backend=backend)}
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
