"""Find the project's data (configs/, models/) and load each table once.

Data ships inside the package (`referat/data/configs`, `referat/data/models`
are the installed copies) or, in a source checkout, at the repository root.
`REFERAT_CONFIGS` / `REFERAT_MODELS` override either, so a user can point
referat at tables or models of their own.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent
_REPO = _PACKAGE.parent.parent


def _first_dir(env: str, *candidates: Path) -> Path:
    if os.environ.get(env):
        return Path(os.environ[env])
    for path in candidates:
        if path.is_dir():
            return path
    return candidates[0]


def configs_dir() -> Path:
    return _first_dir("REFERAT_CONFIGS", _REPO / "configs", _PACKAGE / "data" / "configs")


def models_dir() -> Path:
    return _first_dir("REFERAT_MODELS", _REPO / "models", _PACKAGE / "data" / "models")


def shared_dir() -> Path | None:
    """The shared corpora beside the checkout (../shared), if present."""
    path = Path(os.environ.get("REFERAT_SHARED", _REPO.parent / "shared"))
    return path if (path / "corpora").is_dir() else None


def config_path(name: str) -> Path:
    path = configs_dir() / name
    if not path.exists():
        raise FileNotFoundError(f"referat config {name!r} not found in {configs_dir()}")
    return path


@lru_cache(maxsize=None)
def load_toml(name: str) -> dict[str, Any]:
    """A TOML table from configs/, parsed once per process."""
    with config_path(name).open("rb") as f:
        return tomllib.load(f)


@lru_cache(maxsize=None)
def load_json(name: str) -> Any:
    return json.loads(config_path(name).read_text(encoding="utf-8"))


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            digest.update(block)
    return digest.hexdigest()


# --- shipped models: a checksum manifest checked before anything is parsed ----

CHECKSUMS = "SHA256SUMS"
MODEL_CARD = "README.md"  # documentation: free to edit, not checksummed


def _model_files(directory: Path) -> dict[str, Path]:
    """Every file under a model directory but its manifest and card, by relative name.

    Nothing is left out: hidden files, `__pycache__`, a README or SHA256SUMS in
    a subfolder. A symbolic link (to a file or a folder), a special file or a
    name the manifest's format cannot carry (a newline, a backslash) is
    refused, so that what is checked is what is loaded.
    """
    from referat.errors import ModelError

    files: dict[str, Path] = {}
    for root, dirs, names in os.walk(directory, followlinks=False):
        for name in sorted(dirs + names):
            path = Path(root) / name
            relative = path.relative_to(directory).as_posix()
            if path.is_symlink():
                raise ModelError(f"model file {relative!r} is a symbolic link: refusing to load what "
                                 f"{CHECKSUMS} cannot vouch for", path=str(directory))
            if "\\" in relative or not relative.isprintable():  # sha256sum would escape it
                raise ModelError(f"model file name {relative!r} cannot be listed in {CHECKSUMS}",
                                 path=str(directory))
            if name in names:
                if not path.is_file():
                    raise ModelError(f"model file {relative!r} is not a regular file", path=str(directory))
                if relative not in (CHECKSUMS, MODEL_CARD):
                    files[relative] = path
    return dict(sorted(files.items()))


def write_checksums(directory: str | Path) -> Path:
    """Write SHA256SUMS (sha256sum's format) over every file of a model directory but the card."""
    directory = Path(directory)
    lines = [f"{sha256_file(p)}  {name}" for name, p in _model_files(directory).items()]
    manifest = directory / CHECKSUMS
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def verify_checksums(directory: str | Path) -> None:
    """Refuse a model directory unless its files are exactly those of its SHA256SUMS.

    Called before any model file is parsed, so that a changed, added or missing
    file is reported as such and never reaches a parser.
    """
    from referat.errors import ModelError

    directory = Path(directory)
    manifest = directory / CHECKSUMS
    if not manifest.is_file():
        raise ModelError(f"no {CHECKSUMS} beside the model: refusing to load unchecked files",
                         path=str(directory))
    expected = {}
    for line in manifest.read_text(encoding="utf-8", errors="replace").splitlines():
        digest, _, name = line.strip().partition("  ")
        if name:
            expected[name.lstrip("*")] = digest
    present = _model_files(directory)
    for name in sorted(set(expected) | set(present)):
        if name not in present:
            raise ModelError(f"model file {name} listed in {CHECKSUMS} is missing", path=str(directory))
        if name not in expected:
            raise ModelError(f"model file {name} is not in {CHECKSUMS}", path=str(directory))
        if sha256_file(present[name]) != expected[name]:
            raise ModelError(f"model file {name} does not match its sha256 in {CHECKSUMS}: "
                             "the model was changed", path=str(directory))
