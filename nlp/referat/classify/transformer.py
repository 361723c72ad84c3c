"""The Hugging Face backend: fine-tune a BERT-style model the user has on disk.

`referat train types --backend transformers --base-model PATH` fine-tunes any
`AutoModelForSequenceClassification`-capable checkpoint (a Danish BERT, an
ELECTRA, ...) on the same model inputs as the linear backend; the training
data go through a `datasets.Dataset`. torch, transformers and datasets are
imported only here and only when this backend is used (`pip install
referat-nlp[transformers]`). Nothing is downloaded: the base model must be a
local directory. The trained model is saved as safetensors (no code runs on
load) with its tokenizer, meta.json and SHA256SUMS.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from referat import __version__
from referat.classify.base import ModelClassifier, data_digest, read_meta, seal
from referat.classify.rules import EvidenceRules
from referat.errors import ModelError
from referat.model import ITEM_TYPES
from referat.resources import load_toml

log = logging.getLogger(__name__)


def _imports():
    try:
        import datasets
        import torch
        import transformers
    except ImportError as err:
        raise ModelError("the transformers backend needs torch, transformers and datasets: "
                         "pip install 'referat-nlp[transformers]'") from err
    return torch, transformers, datasets


def default_params() -> dict:
    return dict(load_toml("classifier.toml")["transformers"])


class TransformerClassifier(ModelClassifier):
    """A fine-tuned sequence classifier, combined with the evidence rules."""

    backend = "transformers"

    def __init__(self, base_model: str | Path | None = None, params: dict | None = None,
                 rules: EvidenceRules | None = None, rule_weight: float | None = None,
                 meta: dict | None = None):
        super().__init__(rules, rule_weight, meta)
        self.base_model = Path(base_model) if base_model else None
        self.params = default_params() | dict(params or {})
        self.model = None
        self.tokenizer = None
        self.device = "cpu"

    def _load_pretrained(self, path: Path, safetensors_only: bool = False) -> None:
        torch, transformers, _ = _imports()
        if not path.is_dir():
            raise ModelError("base model must be a local model directory (nothing is downloaded)",
                             path=str(path))
        try:
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
            self.model = transformers.AutoModelForSequenceClassification.from_pretrained(
                path, local_files_only=True, num_labels=len(ITEM_TYPES),
                id2label=dict(enumerate(ITEM_TYPES)),
                label2id={t: i for i, t in enumerate(ITEM_TYPES)},
                ignore_mismatched_sizes=True, use_safetensors=True if safetensors_only else None)
        except (OSError, ValueError) as err:
            raise ModelError(f"cannot load a sequence classifier from it ({err})",
                             path=str(path)) from err
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.model.to(self.device)

    def _encode(self, texts: Sequence[str], labels: Sequence[str] | None = None):
        """The texts tokenized, as a `datasets.Dataset` of token ids (and labels)."""
        _, _, datasets = _imports()
        columns = dict(self.tokenizer(list(texts), truncation=True,
                                      max_length=int(self.params["max_length"])))
        if labels is not None:
            columns["labels"] = [ITEM_TYPES.index(label) for label in labels]
        return datasets.Dataset.from_dict(columns)

    def _batches(self, data, batch_size: int, shuffle: bool, generator=None):
        torch, transformers, _ = _imports()
        collate = transformers.DataCollatorWithPadding(self.tokenizer)
        return torch.utils.data.DataLoader(data, batch_size=batch_size, shuffle=shuffle,
                                           generator=generator, collate_fn=collate)

    def fit(self, texts: Sequence[str], labels: Sequence[str], seed: int = 0,
            progress: Callable[[int, int], None] | None = None) -> TransformerClassifier:
        torch, transformers, _ = _imports()
        if self.base_model is None:
            raise ModelError("the transformers backend needs --base-model PATH")
        unknown = sorted(set(labels) - set(ITEM_TYPES))
        if unknown:
            raise ValueError(f"unknown labels {unknown}; expected {ITEM_TYPES}")
        transformers.set_seed(seed)
        self._load_pretrained(self.base_model)
        started = time.perf_counter()
        data = self._encode(texts, labels)
        generator = torch.Generator().manual_seed(seed)
        batch_size = int(self.params["batch_size"])
        loader = self._batches(data, batch_size, shuffle=True, generator=generator)
        epochs = int(self.params["epochs"])
        max_steps = int(self.params.get("max_steps") or 0)
        total = max_steps or epochs * math.ceil(len(data) / batch_size)
        optimizer = torch.optim.AdamW(self.model.parameters(), lr=float(self.params["learning_rate"]),
                                      weight_decay=float(self.params["weight_decay"]))
        schedule = transformers.get_linear_schedule_with_warmup(
            optimizer, int(total * float(self.params["warmup_ratio"])), total)
        self.model.train()
        step, losses = 0, []
        while step < total:
            for batch in loader:
                batch = {k: v.to(self.device) for k, v in batch.items()}
                loss = self.model(**batch).loss
                loss.backward()
                optimizer.step()
                schedule.step()
                optimizer.zero_grad()
                losses.append(loss.item())
                step += 1
                if progress is not None:
                    progress(step, total)
                if step >= total:
                    break
            log.info("transformers: %d/%d steps, loss %.4f", step, total, np.mean(losses[-50:]))
        self.model.eval()
        self.meta.update({
            "backend": self.backend, "version": __version__, "labels": list(ITEM_TYPES),
            "seed": seed, "params": self.params, "base_model": self.base_model.name,
            "steps": step, "final_loss": round(float(np.mean(losses[-50:])), 4) if losses else None,
            "n_examples": len(labels), "device": self.device,
            "label_counts": {t: int(sum(1 for y in labels if y == t)) for t in ITEM_TYPES},
            "data_digest": data_digest(texts, labels),
            "fit_seconds": round(time.perf_counter() - started, 2),
        })
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        torch, _, _ = _imports()
        if self.model is None:
            raise ModelError("the transformers model is not trained: call fit() or load()")
        if not texts:
            return np.zeros((0, len(ITEM_TYPES)))
        loader = self._batches(self._encode(texts), int(self.params["batch_size"]), shuffle=False)
        rows = []
        with torch.no_grad():
            for batch in loader:
                logits = self.model(**{k: v.to(self.device) for k, v in batch.items()}).logits
                rows.append(torch.softmax(logits.float(), dim=-1).cpu().numpy())
        return np.concatenate(rows).astype(np.float64)

    def save(self, path: str | Path) -> Path:
        if self.model is None:
            raise ModelError("the transformers model is not trained: call fit() first")
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(out, safe_serialization=True)
        self.tokenizer.save_pretrained(out)
        return seal(out, self)

    @classmethod
    def load(cls, path: str | Path, rules: EvidenceRules | None = None) -> TransformerClassifier:
        directory = Path(path)
        meta = read_meta(directory, cls.backend)
        if not (directory / "model.safetensors").is_file():
            raise ModelError("no model.safetensors (other weight formats are not loaded)",
                             path=str(directory))
        model = cls(params=meta.get("params"), rules=rules, meta=meta)
        model._load_pretrained(directory, safetensors_only=True)
        model.model.eval()
        return model
