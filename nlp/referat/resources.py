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
