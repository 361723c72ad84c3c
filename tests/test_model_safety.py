"""Models are checked before they are used, and loading one runs no code (issue 8).

- every model directory under models/ carries a checksum manifest that
  covers every file but the card, and the digests match;
- a tampered copy (one byte flipped, a file dropped from the manifest, no
  manifest) is refused with a `ModelError` that names the file, whether
  the loader is pointed at it directly, through `REFERAT_MODELS`, or by the
  command line (exit 2, one line, no traceback);
- nothing under models/ is a pickle, and no code in referat calls an
  unpickling loader (pickle, joblib, torch.load, np.load(allow_pickle=True),
  trust_remote_code, weights_only=False, ...).
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from referat.errors import ModelError
from referat.resources import models_dir

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "nlp" / "referat"
MANIFESTS = ("SHA256SUMS",)
CARDS = ("README.md",)  # documentation, free to edit, not checksummed
PICKLE_NAMES = (".pkl", ".pickle", ".joblib", ".pt", ".pth", ".ckpt", ".sav", ".dill")
# (".bin" is not here: spaCy's lookups.bin is msgpack. A pickled .bin is caught by its content.)
SHIPPED = sorted(p for p in models_dir().iterdir() if p.is_dir() and not p.name.startswith(".")) \
    if models_dir().is_dir() else []


def _load_classifier(path: Path):
    from referat.classify import load_model

    return load_model(path)


def _load_ner(path: Path):
    from referat.annotate.backends import load_shipped_model

    return load_shipped_model(path)


def _load_outcomes(path: Path):
    from referat.decide.linear import OutcomeModel

    return OutcomeModel.load(path)


LOADERS: dict[str, Callable[[Path], object]] = {"classifier": _load_classifier, "ner": _load_ner,
                                                "decisions": _load_outcomes}
"""How referat loads each shipped model directory (models/<name>)."""


def manifest_of(directory: Path) -> Path:
    found = [directory / name for name in MANIFESTS if (directory / name).is_file()]
    assert found, f"{directory} has no checksum manifest ({' or '.join(MANIFESTS)})"
    return found[0]


def listed(manifest: Path) -> dict[str, str]:
    """file -> sha256, from a sha256sum-style manifest."""
    entries = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, _, name = line.partition("  ")
            entries[name.lstrip("*")] = digest
    return entries


def flip_byte(path: Path, mask: int) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= mask
    path.write_bytes(bytes(data))


# --- the shipped models -------------------------------------------------------


def test_the_shipped_models_are_there():
    names = {p.name for p in SHIPPED}
    assert "classifier" in names, f"models/ holds {sorted(names)}"
    assert names <= set(LOADERS), f"a model without a loader test here: {sorted(names - set(LOADERS))}"


@pytest.mark.parametrize("directory", SHIPPED, ids=lambda p: p.name)
def test_manifest_covers_every_file_and_matches(directory):
    from referat.resources import sha256_file

    manifest = manifest_of(directory)
    entries = listed(manifest)
    files = {p.relative_to(directory).as_posix() for p in directory.rglob("*")
             if p.is_file() and p.name not in (*MANIFESTS, *CARDS)}
    assert files == set(entries), f"not in {manifest.name}: {sorted(files - set(entries))}; " \
                                  f"listed but missing: {sorted(set(entries) - files)}"
    wrong = [name for name, digest in entries.items() if sha256_file(directory / name) != digest]
    assert not wrong, f"digests do not match for {wrong}"


def test_nothing_under_models_is_a_pickle():
    offenders = []
    for path in sorted(models_dir().rglob("*")):
        if not path.is_file():
            continue
        head = path.read_bytes()[:8]
        if path.name.lower().endswith(PICKLE_NAMES):
            offenders.append(f"{path}: a pickle-format name")
        elif len(head) > 1 and head[0] == 0x80 and 2 <= head[1] <= 5:
            offenders.append(f"{path}: starts with a pickle protocol header")
        elif head.startswith(b"PK") and any(n.endswith((".pkl", "data.pkl")) for n in _zip_names(path)):
            offenders.append(f"{path}: a ZIP with a pickle inside (a torch checkpoint?)")
        elif head.startswith(b"\x93NUMPY"):  # .npy, and spaCy's vocab/vectors
            with path.open("rb") as f:
                version = np.lib.format.read_magic(f)
                dtype = np.lib.format.read_array_header_1_0(f)[2] if version == (1, 0) \
                    else np.lib.format.read_array_header_2_0(f)[2]
            if dtype.hasobject:
                offenders.append(f"{path}: an object array (stored as a pickle)")
    assert not offenders, "\n".join(offenders)


def _zip_names(path: Path) -> list[str]:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            return zf.namelist()
    except zipfile.BadZipFile:
        return []


# --- tampered copies are refused ----------------------------------------------

KNOWN_BUGS: dict[str, str] = {}
"""Failures found and not yet fixed: xfail(strict) until fixed, then delete."""


def _known(case: str) -> list:
    return [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[case])] if case in KNOWN_BUGS else []


def _tamper_cases() -> list:
    cases = []
    for directory in SHIPPED:
        manifest = next((directory / m for m in MANIFESTS if (directory / m).is_file()), None)
        for name in sorted(listed(manifest)) if manifest else []:
            for mask in (0x01, 0x80):  # an ASCII slip, and a byte that breaks UTF-8
                case = f"{directory.name}/{name}^{mask:#x}"
                cases.append(pytest.param(directory.name, name, mask, id=case, marks=_known(case)))
    return cases


@pytest.mark.parametrize("model, name, mask", _tamper_cases())
def test_a_flipped_byte_is_refused_naming_the_file(tmp_path, model, name, mask):
    copy = shutil.copytree(models_dir() / model, tmp_path / model)
    flip_byte(copy / name, mask)
    with pytest.raises(ModelError) as err:
        LOADERS[model](copy)
    assert Path(name).name in str(err.value), f"the error does not name {name}: {err.value}"


@pytest.mark.parametrize("model", [pytest.param(p.name, marks=_known(f"{p.name} left out")) for p in SHIPPED])
def test_a_file_left_out_of_the_manifest_is_refused(tmp_path, model):
    """Checking only what the manifest lists would let a shortened manifest through."""
    copy = shutil.copytree(models_dir() / model, tmp_path / model)
    manifest = manifest_of(copy)
    entries = listed(manifest)
    dropped = max(entries, key=lambda n: (copy / n).stat().st_size)  # the weights, surely
    flip_byte(copy / dropped, 0x01)
    manifest.write_text("".join(f"{d}  {n}\n" for n, d in entries.items() if n != dropped), encoding="utf-8")
    with pytest.raises(ModelError) as err:
        LOADERS[model](copy)
    assert Path(dropped).name in str(err.value)


@pytest.mark.parametrize("model", [p.name for p in SHIPPED])
def test_a_missing_manifest_is_refused(tmp_path, model):
    copy = shutil.copytree(models_dir() / model, tmp_path / model)
    manifest_of(copy).unlink()
    with pytest.raises(ModelError, match="SHA256SUMS|checksums"):
        LOADERS[model](copy)


def _plant_symlinked_folder(copy: Path) -> str:
    outside = copy.parent / "outside"
    outside.mkdir()
    (outside / "extra.py").write_text("import os\n")
    (copy / "plugins").symlink_to(outside, target_is_directory=True)
    return "plugins"


def _plant_symlinked_file(copy: Path) -> str:
    listed_file = next(iter(listed(manifest_of(copy))))
    real = copy.parent / "real-file"
    shutil.move(copy / listed_file, real)
    (copy / listed_file).symlink_to(real)  # same bytes, same checksum: still refused
    return Path(listed_file).name


def _plant(name: str, data: bytes = b"x = 1\n") -> Callable[[Path], str]:
    def plant(copy: Path) -> str:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).write_bytes(data)
        return Path(name).name
    return plant


PLANTED = {
    "pycache": _plant("__pycache__/config.cpython-311.pyc", b"\x00" * 16),
    "hidden-file": _plant(".hook.py"),
    "card-in-a-subfolder": _plant("sub/README.md"),
    "manifest-in-a-subfolder": _plant("sub/SHA256SUMS"),
    "newline-in-a-name": _plant("evil\nname.py"),
    "backslash-in-a-name": _plant("evil\\name.py"),
    "symlinked-folder": _plant_symlinked_folder,
    "symlinked-file": _plant_symlinked_file,
}
"""Files a manifest check that skips some names, or follows links, would let through."""


@pytest.mark.parametrize("model", [p.name for p in SHIPPED])
@pytest.mark.parametrize("plant", list(PLANTED.values()), ids=list(PLANTED))
def test_every_file_is_covered_whatever_its_name_or_kind(tmp_path, model, plant):
    """An extra file not in SHA256SUMS, under any name or behind a link, is refused by name."""
    copy = shutil.copytree(models_dir() / model, tmp_path / model)
    shown = plant(copy)
    with pytest.raises(ModelError) as err:
        LOADERS[model](copy)
    assert shown.split("\n")[0].split("\\")[0] in str(err.value), err.value


@pytest.fixture
def tampered_models(tmp_path) -> Path:
    """A copy of models/ with one byte of the classifier's largest file flipped."""
    copy = shutil.copytree(models_dir(), tmp_path / "models")
    weights = max((p for p in (copy / "classifier").iterdir() if p.name not in (*MANIFESTS, *CARDS)),
                  key=lambda p: p.stat().st_size)
    flip_byte(weights, 0x01)
    return weights


def test_referat_models_pointing_at_a_tampered_copy_is_refused(tampered_models, monkeypatch):
    from referat.classify import load_classifier

    monkeypatch.setenv("REFERAT_MODELS", str(tampered_models.parent.parent))
    with pytest.raises(ModelError, match=tampered_models.name):
        load_classifier("default")


@pytest.mark.slow
def test_cli_refuses_a_tampered_model_in_one_line(tampered_models, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Punkt 1: Budget\nBeslutning\nGodkendt.\n", encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "REFERAT_MODELS": str(tampered_models.parent.parent),
           "HOME": str(tmp_path)}
    proc = subprocess.run([str(Path(sys.executable).with_name("referat")), "process", str(good),
                           "-o", str(tmp_path / "out.jsonl")], capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if tampered_models.name in line]
    assert len(lines) == 1, proc.stderr


# --- the code never unpickles ---------------------------------------------------

_UNPICKLING_CALLS = {"pickle.load", "pickle.loads", "pickle.Unpickler", "cPickle.load", "dill.load",
                     "dill.loads", "cloudpickle.load", "cloudpickle.loads", "joblib.load",
                     "torch.load", "marshal.load", "marshal.loads", "shelve.open", "srsly.pickle_loads",
                     "pd.read_pickle", "pandas.read_pickle", "yaml.unsafe_load", "eval", "exec"}
_UNSAFE_KEYWORDS = {("allow_pickle", True), ("trust_remote_code", True), ("weights_only", False),
                    ("trusted", True)}


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def unsafe_loads(source: str, filename: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        if name in _UNPICKLING_CALLS or name.endswith((".read_pickle", "skops.io.load", "sio.load")):
            found.append(f"{filename}:{node.lineno}: {name}()")
        for kw in node.keywords:
            if isinstance(kw.value, ast.Constant) and (kw.arg, kw.value.value) in _UNSAFE_KEYWORDS:
                found.append(f"{filename}:{node.lineno}: {name}({kw.arg}={kw.value.value})")
        if name == "yaml.load" and not any(kw.arg == "Loader" and "Safe" in _dotted(kw.value)
                                           for kw in node.keywords):
            found.append(f"{filename}:{node.lineno}: yaml.load without a SafeLoader")
    return found


def test_the_checker_finds_unpickling():
    source = ("import pickle, numpy as np\npickle.loads(b)\nnp.load(f, allow_pickle=True)\n"
              "AutoModel.from_pretrained(p, trust_remote_code=True)\ntorch.load(f)\n"
              "np.load(f, allow_pickle=False)\n")
    assert len(unsafe_loads(source, "x.py")) == 4


def test_no_code_in_referat_unpickles():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found += unsafe_loads(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
    assert not found, "\n".join(found)


# --- the transformers backend -------------------------------------------------


def tiny_transformer_model(out: Path) -> Path:
    """A tiny BERT classifier saved as `referat train types --backend transformers` saves one."""
    transformers = pytest.importorskip("transformers")
    pytest.importorskip("torch")
    from types import SimpleNamespace

    from referat.classify.base import seal

    out.mkdir(parents=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "at", "godkende", "taget", "til", "efterretning"]
    (out / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = transformers.BertTokenizerFast(vocab_file=str(out / "vocab.txt"))
    config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=8, num_hidden_layers=1,
                                     num_attention_heads=1, intermediate_size=8, num_labels=3,
                                     max_position_embeddings=64)
    transformers.BertForSequenceClassification(config).save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    return seal(out, SimpleNamespace(backend="transformers", meta={"version": "test"},
                                     params={"max_length": 32, "batch_size": 4}))


@pytest.mark.slow
def test_transformers_model_is_checked_and_safetensors_only(tmp_path):
    from referat.classify import load_model
    from referat.resources import write_checksums

    model_dir = tiny_transformer_model(tmp_path / "model")
    assert load_model(model_dir).predict_proba(["at godkende"]).shape == (1, 3)

    flip_byte(model_dir / "model.safetensors", 0x01)
    with pytest.raises(ModelError, match="model.safetensors"):
        load_model(model_dir)

    (model_dir / "model.safetensors").unlink()
    (model_dir / "pytorch_model.bin").write_bytes(b"\x80\x04\x95" + bytes(64))  # a pickle
    write_checksums(model_dir)
    with pytest.raises(ModelError, match="safetensors"):
        load_model(model_dir)

