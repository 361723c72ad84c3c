"""Shared fixtures: the real minutes in ../shared (skipped where absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from referat.resources import shared_dir as _shared_dir


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared/corpora's parent; tests that need real minutes skip without it."""
    path = _shared_dir()
    if path is None:
        pytest.skip("../shared (real minutes and gold) is not beside this checkout")
    return path


@pytest.fixture(scope="session")
def shared_minutes(shared_dir: Path) -> list[Path]:
    return sorted((shared_dir / "corpora" / "minutes").iterdir())


@pytest.fixture(scope="session")
def greve_files(shared_dir: Path) -> list[Path]:
    return sorted((shared_dir / "corpora" / "greve").glob("*.json"))


@pytest.fixture(autouse=True)
def _no_progress_lines(monkeypatch):
    """Long commands print a progress line every REFERAT_PROGRESS_SECONDS when stderr
    is not a terminal; on a slow machine that would land in tests that read stderr
    word for word. Tests of the progress lines set it themselves."""
    monkeypatch.setenv("REFERAT_PROGRESS_SECONDS", "3600")
