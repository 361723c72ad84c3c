"""Train referat's Danish NER model (models/ner) with spaCy's own training loop.

    referat train ner --data ../shared/corpora/ner -o models/ner          # DaN+ news
    referat train ner --data ../shared/corpora/ner --data gold.jsonl -o models/mine
    referat train ner --data gold.jsonl -o models/mine                    # an archive's own

Data comes from two kinds of source, each given with `--data`:

- a **DaN+ folder** (`da_news_train.tsv`, `da_news_dev.tsv`, and the web dev
  splits where present; `danplus.py` reads them): news train is learnt,
  news dev selects the best checkpoint, and every dev split is scored;
- **referat records** (JSONL from `referat import`, or `referat process`
  output corrected by hand): each document's PERSON spans (and ORG, LOC,
  MISC where the records carry them) are learnt, in pieces of the size the
  model sees at run time; a fixed tenth of the documents (by a hash of the
  source name) is held out and scored. Labels the records do not carry are
  filled in from the model shipped in models/ner, so that teaching the model
  an archive's names does not unlearn places and organisations.

spaCy's `train` runs `configs/ner.cfg` on DocBins written to a temporary
folder; the best checkpoint on the dev data becomes the model, which is
written whole or not at all (`referat.outputs`), with `meta.json`,
`SHA256SUMS` and a model card (`README.md`) that states the data, the
scores per label and split, and the command.
"""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import re
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from referat.annotate.backends import chunks
from referat.annotate.danplus import SPLITS, Sentence, find_splits, read_danplus
from referat.errors import InputError
from referat.records import read_records
from referat.resources import config_path, write_checksums

log = logging.getLogger(__name__)

MODEL_LABELS = ("PERSON", "ORG", "LOC", "MISC")
RECORD_LABELS = {"PERSON": "PERSON", "PER": "PERSON", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC",
                 "MISC": "MISC"}
"""Labels of referat records that the model learns, and what it calls them."""
MIN_SPANS = 200  # fewer labelled spans than this: warn that the model will be weak
HELDOUT_SHARE = 10  # one document in ten is held out of user records


@dataclass
class Piece:
    """A text the model learns from, its entities ([start, end) characters) and where from."""

    text: str
    ents: list[tuple[int, int, str]]
    origin: str
    missing: list[tuple[int, int]] = field(default_factory=list)  # spans whose labels are unknown


@dataclass
class TrainingData:
    """What one training run learns from, selects on, and scores."""

    train: list[Piece] = field(default_factory=list)
    dev: list[Piece] = field(default_factory=list)  # selects the checkpoint
    scored: dict[str, list[Piece]] = field(default_factory=dict)  # split name -> pieces
    sources: list[str] = field(default_factory=list)

    def span_counts(self) -> dict[str, int]:
        counts = {label: 0 for label in MODEL_LABELS}
        for piece in self.train:
            for *_, label in piece.ents:
                counts[label] = counts.get(label, 0) + 1
        return counts


def danplus_pieces(sentences: Iterable[Sentence], origin: str) -> list[Piece]:
    return [Piece(s.text, s.char_spans(), origin) for s in sentences]


def record_pieces(path: Path, fill: Callable[[str], list[tuple[int, int, str]]] | None = None
                  ) -> tuple[list[Piece], list[Piece], int]:
    """Train and held-out pieces of the documents in a referat JSONL file, and the records read.

    A document's spans are gathered from `entities` and every item's
    `entities`; labels the model does not learn (COMMITTEE, AMOUNT, ...) are
    marked missing, neither entity nor outside. `fill` gives the entities of
    labels the records never carry (the shipped model's ORG, LOC, MISC).
    """
    train: list[Piece] = []
    heldout: list[Piece] = []
    records = 0
    for number, record in read_records(path):
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            raise InputError(f"line {number}: a record without `text` (referat records carry the "
                             "document text; import corrected annotations with `referat import`)",
                             path=str(path))
        records += 1
        spans = list(record.get("entities") or [])
        for item in record.get("items") or []:
            spans.extend(item.get("entities") or [])
        ents, missing, carried = [], [], set()
        for span in spans:
            try:
                start, end, label = int(span["start"]), int(span["end"]), str(span["label"])
            except (KeyError, TypeError, ValueError):
                raise InputError(f"line {number}: an entity without start, end and label",
                                 path=str(path)) from None
            if not 0 <= start < end <= len(text):
                raise InputError(f"line {number}: entity [{start}, {end}) is outside the text",
                                 path=str(path))
            if label in RECORD_LABELS:
                ents.append((start, end, RECORD_LABELS[label]))
                carried.add(RECORD_LABELS[label])
            else:
                missing.append((start, end))
        if fill is not None:
            taken = ents + [(s, e, "") for s, e in missing]
            ents += [(s, e, label) for s, e, label in fill(text)
                     if label not in carried and not any(s < te and ts < e for ts, te, _ in taken)]
        name = str(record.get("source") or record.get("doc") or record.get("doc_id") or number)
        target = heldout if _held_out(str(record.get("sha256") or Path(name).name)) else train
        for offset, piece in chunks(text):
            end = offset + len(piece)
            inside = [(s - offset, e - offset, label) for s, e, label in ents if offset <= s and e <= end]
            unknown = [(s - offset, e - offset) for s, e in missing if offset <= s and e <= end]
            target.append(Piece(piece, inside, f"{path.name}:{name}", unknown))
    return train, heldout, records


def _held_out(key: str) -> bool:
    """Is this document held out? Keyed on its content hash (else its file name), so a
    document lands on the same side wherever the archive lies and whoever trains."""
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % HELDOUT_SHARE == 0


def gather(sources: list[Path], fill: Callable[[str], list[tuple[int, int, str]]] | None = None
           ) -> TrainingData:
    """Read every `--data` source: DaN+ folders, referat JSONL files, folders of JSONL files."""
    data = TrainingData()
    for source in sources:
        if not source.exists():
            raise InputError("no such file or folder", path=str(source))
        splits = find_splits(source) if source.is_dir() else {}
        if splits:
            if "train" not in splits:
                raise InputError(f"a DaN+ folder needs {SPLITS['train']}", path=str(source))
            data.train += danplus_pieces(read_danplus(splits["train"]), "danplus:train")
            for split, path in splits.items():
                if split != "train":
                    pieces = danplus_pieces(read_danplus(path), f"danplus:{split}")
                    data.scored[f"danplus_{split}"] = pieces
                    if split == "dev":
                        data.dev += pieces
            data.sources.append(f"DaN+ ({', '.join(sorted(splits))}) from {source}")
            continue
        files = sorted(source.rglob("*.jsonl")) if source.is_dir() else [source]
        if not files:
            raise InputError("neither a DaN+ folder nor referat records (*.jsonl)", path=str(source))
        for path in files:
            train, heldout, records = record_pieces(path, fill)
            if not train:  # a few documents, all on the held-out side: learn from them instead
                train, heldout = heldout, []
            data.train += train
            if heldout:
                data.scored.setdefault("records_heldout", []).extend(heldout)
            data.sources.append(f"{records} referat records from {path}")
    if not data.train:
        raise InputError("no training data in " + ", ".join(map(str, sources)))
    if not data.dev:  # no DaN+ dev: the held-out records select the checkpoint
        data.dev = data.scored.get("records_heldout") or data.train[: max(1, len(data.train) // 10)]
    return data


def to_docbin(pieces: list[Piece]):
    """A spaCy DocBin: entities set, missing spans neither entity nor outside."""
    import spacy
    from spacy.tokens import DocBin
    from spacy.util import filter_spans

    nlp = spacy.blank("da")
    db = DocBin(store_user_data=False)
    for piece in pieces:
        doc = nlp.make_doc(piece.text)
        ents = [doc.char_span(s, e, label=label, alignment_mode="contract") for s, e, label in piece.ents]
        ents = filter_spans([s for s in ents if s is not None])
        missing = [span for span in (doc.char_span(s, e, alignment_mode="expand") for s, e in piece.missing)
                   if span is not None and not any(span.start < x.end and x.start < span.end for x in ents)]
        doc.set_ents(ents, missing=filter_spans(missing), default="outside")
        db.add(doc)
    return db


# --- scoring ---------------------------------------------------------------

Tagged = list[tuple[int, int, str]]


def prf(gold: list[Tagged], found: list[Tagged], labels: Iterable[str]) -> dict[str, dict]:
    """Exact-match P/R/F1 per label (and micro over `labels`) of found against gold spans."""
    labels = list(labels)
    counts = {label: [0, 0, 0] for label in labels}  # tp, fp, fn
    for g, f in zip(gold, found):
        gset = {x for x in g if x[2] in counts}
        fset = {x for x in f if x[2] in counts}
        for s, e, label in gset & fset:
            counts[label][0] += 1
        for s, e, label in fset - gset:
            counts[label][1] += 1
        for s, e, label in gset - fset:
            counts[label][2] += 1
    counts["micro"] = [sum(c[k] for c in counts.values()) for k in range(3)]
    out = {}
    for label, (tp, fp, fn) in counts.items():
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        out[label] = {"p": round(p, 4), "r": round(r, 4), "f": round(2 * p * r / (p + r), 4) if p + r else 0.0,
                      "tp": tp, "fp": fp, "fn": fn}
    return out


def model_tags(nlp, texts: list[str]) -> list[Tagged]:
    """The model's own entities (MISC included), for the model card."""
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in nlp.pipe(texts, batch_size=64)]


def referat_tags(backend, texts: list[str]) -> list[Tagged]:
    """What referat's default tagging finds: the rules, then the gated model (as `referat.load()`)."""
    from referat.annotate.annotator import merge_backend
    from referat.annotate.rules import find_entities

    rules = [find_entities(t) for t in texts]
    found = backend.find_many(texts, rules) if backend is not None else [[] for _ in texts]
    out = []
    for text, spans, extra in zip(texts, rules, found):
        spans = spans + merge_backend(text, spans, extra, backend.check_names if backend else False)
        out.append([(s.start, s.end, s.label) for s in spans])
    return out


def tokens_per_second(nlp, texts: list[str], repeat: int = 3) -> float:
    """The model's speed alone (tokens per CPU second, best of `repeat`) on `texts`."""
    tokens = sum(len(nlp.make_doc(t)) for t in texts)
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for _ in nlp.pipe(texts, batch_size=64):
            pass
        best = min(best, time.process_time() - started)
    return tokens / best if best > 0 else 0.0


def evaluate(nlp, data: TrainingData, source: str = "candidate") -> dict:
    """Scores per split and label: the model alone, and referat's rules + gated model."""
    from referat.annotate.backends import ExternalNER

    backend = ExternalNER(nlp, source, gated=True)
    scores = {}
    for split, pieces in data.scored.items():
        texts = [p.text for p in pieces]
        gold = [p.ents for p in pieces]
        scores[split] = {
            "model": prf(gold, model_tags(nlp, texts), MODEL_LABELS),
            "referat": prf(gold, referat_tags(backend, texts), ("PERSON", "ORG", "LOC")),
            "pieces": len(pieces),
        }
    return scores


# --- training ----------------------------------------------------------------

MODEL_NAME = "ner"
MODEL_VERSION = "1.0.0"
LICENCE_DANPLUS = "CC BY-SA 4.0"


@dataclass
class SeedRun:
    """One seed's training: its best checkpoint and how it scores."""

    seed: int
    path: Path
    seconds: float
    scores: dict = field(default_factory=dict)

    @property
    def selection(self) -> float:
        """What picks the shipped seed: PERSON F1 of rules + model on the dev data."""
        dev = self.scores.get("danplus_dev") or self.scores.get("records_heldout") or {}
        return dev.get("referat", {}).get("PERSON", {}).get("f", 0.0)


@dataclass
class NerReport:
    out: Path
    runs: list[SeedRun]
    chosen: SeedRun
    span_counts: dict[str, int]
    warnings: list[str]


def base_fill() -> Callable[[str], Tagged] | None:
    """ORG, LOC and MISC from the shipped model, for records that carry only referat's labels."""
    from referat.annotate.backends import load_shipped_model
    from referat.errors import ModelError

    try:
        backend = load_shipped_model()
    except ModelError as err:
        log.warning("records carry no ORG/LOC: %s; learning them from DaN+ only", err.message)
        return None

    def fill(text: str) -> Tagged:
        pieces = chunks(text)
        tagged = model_tags(backend.nlp, [piece for _, piece in pieces])
        return [(offset + s, offset + e, label) for (offset, _), found in zip(pieces, tagged)
                for s, e, label in found if label != "PERSON"]

    return fill


def train_seed(data: TrainingData, seed: int, workdir: Path, config: Path | None = None,
               max_epochs: int | None = None) -> SeedRun:
    """spaCy's own training loop on the data's DocBins; the best checkpoint on dev, scored."""
    import spacy
    from spacy.cli.train import train as spacy_train

    workdir.mkdir(parents=True, exist_ok=True)
    if not (workdir / "train.spacy").exists():
        to_docbin(data.train).to_disk(workdir / "train.spacy")
        to_docbin(data.dev).to_disk(workdir / "dev.spacy")
    overrides = {"paths.train": str(workdir / "train.spacy"), "paths.dev": str(workdir / "dev.spacy"),
                 "system.seed": seed}
    if max_epochs is not None:
        overrides["training.max_epochs"] = max_epochs
    started = time.perf_counter()
    spacy_train(config or config_path("ner.cfg"), workdir / f"seed{seed}", use_gpu=-1, overrides=overrides)
    run = SeedRun(seed, workdir / f"seed{seed}" / "model-best", time.perf_counter() - started)
    run.scores = evaluate(spacy.load(run.path), data, f"seed {seed}")
    return run


def train(sources: list[Path], out: Path, seeds: Iterable[int] = (0,), *, force: bool = False,
          config: Path | None = None, max_epochs: int | None = None, command: str = "") -> NerReport:
    """Train one model per seed (one after another), ship the best on dev, write its card."""
    from referat.outputs import atomic_dir, check_target

    check_target(out, inputs=sources, force=force, directory=True)
    records = any(not find_splits(s) for s in sources if s.exists())
    data = gather(sources, base_fill() if records else None)
    counts = data.span_counts()
    warnings = []
    if counts.get("PERSON", 0) < MIN_SPANS:
        warnings.append(f"only {counts.get('PERSON', 0)} labelled PERSON spans in the training data "
                        f"(fewer than {MIN_SPANS}): the model will be weak; add DaN+ (--data DIR) or "
                        "more corrected documents")
    for warning in warnings:
        log.warning(warning)
    with tempfile.TemporaryDirectory(prefix="referat-ner-") as tmp:
        runs = [train_seed(data, seed, Path(tmp), config, max_epochs) for seed in seeds]
        chosen = max(runs, key=lambda r: r.selection)
        with atomic_dir(out) as target:
            package(chosen, runs, data, target, command=command, config=config)
    return NerReport(out, runs, chosen, counts, warnings)


def package(chosen: SeedRun, runs: list[SeedRun], data: TrainingData, target: Path, *,
            command: str, config: Path | None = None) -> None:
    """The chosen checkpoint as a shipped model: strings pruned, meta, card, checksums."""
    import shutil

    import spacy

    shutil.copytree(chosen.path, target, dirs_exist_ok=True)
    config_file = target / "config.cfg"  # the temporary DocBin paths mean nothing elsewhere
    config_file.write_text(re.sub(r"(?m)^(train|dev) = .*$", r"\1 = null", config_file.read_text(encoding="utf-8"),
                                  count=2), encoding="utf-8")
    labels = json.loads((target / "meta.json").read_text(encoding="utf-8"))["labels"]["ner"]
    # spaCy keeps every string it saw in training; the model hashes its features at
    # run time and needs only its labels, and the training texts stay out of the model.
    (target / "vocab" / "strings.json").write_text(json.dumps(sorted(labels)) + "\n", encoding="utf-8")
    nlp = spacy.load(target)
    texts = [p.text for p in data.dev]
    speed = tokens_per_second(nlp, texts)
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    figures = {
        "seed": chosen.seed,
        "seeds": {r.seed: {"selection_person_f": r.selection, "seconds": round(r.seconds, 1),
                           "scores": r.scores} for r in runs},
        "scores": chosen.scores,
        "span_counts": data.span_counts(),
        "train_pieces": len(data.train),
        "dev_pieces": len(data.dev),
        "sources": data.sources,
        "tokens_per_cpu_second": round(speed),
        "size_bytes": size,
        "command": command,
        "config": str(config) if config else "configs/ner.cfg",
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
    }
    _write_meta(target, figures, danplus=any(s.startswith("DaN+") for s in data.sources))
    (target / "README.md").write_text(model_card(figures), encoding="utf-8")
    write_checksums(target)


def _write_meta(target: Path, figures: dict, danplus: bool) -> None:
    meta_path = target / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update({
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "description": "Danish NER (PERSON, ORG, LOC, MISC) for referat: a CNN tok2vec and a "
                       "transition-based NER trained on DaN+ news; see README.md",
        "author": "referat contributors",
        "license": LICENCE_DANPLUS if danplus else "as the training data",
        "sources": ([{"name": "DaN+ (Plank, Nørgaard Jensen and van der Goot, COLING 2020), news train/dev, "
                               "on the Danish Dependency Treebank",
                      "url": "https://github.com/bplank/DaNplus",
                      "license": "annotation MIT; DDT text CC BY-SA 4.0"}] if danplus else [])
                   + [{"name": s} for s in figures["sources"] if not s.startswith("DaN+")],
        "referat_training": figures,
    })
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


_SPLIT_NAMES = {"danplus_dev": "DaN+ news dev", "danplus_twitter_dev": "DaN+ twitter dev",
                "danplus_arto_dev": "DaN+ arto (forum) dev", "records_heldout": "held-out records"}


def _table(scores: dict, kind: str, labels: Iterable[str]) -> list[str]:
    rows = ["| split | " + " | ".join(f"{label} P / R / F1" for label in labels) + " |",
            "|---|" + "---|" * len(list(labels))]
    for split, by_kind in scores.items():
        cells = []
        for label in labels:
            s = by_kind[kind].get(label)
            cells.append("–" if s is None or s["tp"] + s["fn"] == 0 else
                         f"{s['p']:.3f} / {s['r']:.3f} / **{s['f']:.3f}**")
        rows.append(f"| {_SPLIT_NAMES.get(split, split)} ({by_kind['pieces']}) | " + " | ".join(cells) + " |")
    return rows


def _person_f(scores: dict, split: str, kind: str) -> float | None:
    s = scores.get(split, {}).get(kind, {}).get("PERSON")
    return None if s is None else s["f"]


def model_card(figures: dict) -> str:
    """The model card (README.md beside the model): data, licence, command, scores, speed."""
    scores = figures["scores"]
    seeds = figures["seeds"]
    lines = [
        f"# referat NER model (`models/ner`), version {MODEL_VERSION}",
        "",
        "A small spaCy pipeline (`tok2vec` + `ner`, CPU, "
        f"{figures['size_bytes'] / 1e6:.1f} MB) that tags **PERSON, ORG, LOC and MISC** in Danish. "
        "It is part of referat's default pipeline (`referat process`, `referat.load()`): the rules run "
        "first, and the model runs over the lines they leave unexplained and adds the persons "
        "(and the places and organisations) they missed. `--ner rules` turns it off.",
        "",
        "| | |",
        "|---|---|",
        "| architecture | spaCy `tok2vec` (MultiHashEmbed of NORM, PREFIX, SUFFIX, SHAPE, no static "
        "vectors; MaxoutWindowEncoder width 96, depth 4) + transition-based `ner`: "
        f"`{figures['config']}` |",
        "| data | " + "; ".join(figures["sources"]) + " |",
        f"| training pieces | {figures['train_pieces']} (spans: "
        + ", ".join(f"{k} {v}" for k, v in figures["span_counts"].items()) + f"); dev {figures['dev_pieces']} |",
        "| labels | DaN+ outer layer; `PER` → `PERSON`; every `-part` and `-deriv` subtype → `MISC` "
        "(`SID-huset`, `danske`), as DaN+ flattens its labels to compare with DaNE's CoNLL-style ones; "
        "the inner (nested) layer is not learnt: a flat NER cannot nest |",
        "| selection | spaCy keeps the checkpoint with the best entity F1 on the dev data; of the seeds, "
        "the one with the best PERSON F1 (rules + model) on DaN+ news dev ships |",
        f"| seeds | {', '.join(str(k) for k in seeds)}; shipped: {figures['seed']} |",
        f"| command | `{figures['command']}` |",
        "| licence | **CC BY-SA 4.0**: the model learnt from the Danish Dependency Treebank's text "
        "(CC BY-SA 4.0), as spaCy's own Danish models do; DaN+'s annotation is MIT "
        "(© 2020 the DaN+ authors) |",
        "| files | spaCy `to_disk` format (no pickle); `SHA256SUMS` lists every file, and referat refuses "
        "the model when one differs, is missing or is extra; only spaCy's own `tok2vec` and `ner` "
        "factories are loaded, no code from this folder |",
        "",
        "## Scores",
        "",
        "Exact-match P / R / F1 per label on data the model did not learn from (number of sentences "
        "or pieces in brackets).",
        "",
        "**referat's default tagging** (rules, then the model over the lines the rules leave "
        "unexplained; what `referat.load()` and `referat process` give; MISC is not kept):",
        "",
        *_table(scores, "referat", ("PERSON", "ORG", "LOC")),
        "",
        "**The model alone** (every sentence, all four labels):",
        "",
        *_table(scores, "model", ("PERSON", "ORG", "LOC", "MISC")),
        "",
        "### Seeds",
        "",
        "| seed | PERSON F1 news dev (rules + model) | PERSON F1 news dev (model) | twitter | arto | "
        "training time |",
        "|---|---|---|---|---|---|",
    ]
    for seed, run in seeds.items():
        sc = run["scores"]
        cells = [_person_f(sc, "danplus_dev", "referat"), _person_f(sc, "danplus_dev", "model"),
                 _person_f(sc, "danplus_twitter_dev", "referat"), _person_f(sc, "danplus_arto_dev", "referat")]
        lines.append(f"| {seed} | " + " | ".join("–" if c is None else f"{c:.3f}" for c in cells)
                     + f" | {run['seconds'] / 60:.0f} min |")
    values = [run["selection_person_f"] for run in seeds.values()]
    if len(values) > 1:
        lines += ["", f"Spread of the selection figure over {len(values)} seeds: "
                      f"{min(values):.3f} – {max(values):.3f} (range {max(values) - min(values):.3f})."]
    lines += [
        "",
        "## Speed and size",
        "",
        f"The model alone tags {figures['tokens_per_cpu_second']:,} tokens per CPU second "
        f"({figures['machine']}, one thread, DaN+ dev sentences). In the default pipeline it sees only "
        "the lines with a capitalised word or a first name that no rule explains (`annotate/gate.py`); "
        "`bench/bench_pipeline.py` prints the whole pipeline's speed against spaCy's bare tokenizer.",
        "",
        "## Limits",
        "",
        "- Trained on news (1990s Danish newspaper and magazine text); forum and chat texts, where names "
        "are written in lower case or as user names, score far lower (the web splits above).",
        "- Minutes' own layouts (participant lists, votes, tables) are the rules' work; the model adds "
        "the persons in running prose. A model PERSON is cut at table cells and line breaks, loses "
        "titles and status words at its edges, and is dropped when every word is a Danish dictionary "
        "word or a lower-case common word (`persons.model_name_ok`).",
        "- The DaN+ test splits are not used here: the project is measured on them.",
        "",
        "Retrain with `make ner-model`, or teach it an archive's own names with "
        "`referat train ner --data ../shared/corpora/ner --data corrected.jsonl -o models/mine` "
        "(then `--ner models/mine`).",
        "",
    ]
    return "\n".join(lines)
