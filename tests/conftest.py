"""Shared fixtures: a fresh store, a seeded store, and the real third-party data beside the repo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from risk.store import Store

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's risk.toml or RISK_* variables by accident."""
    for key in list(os.environ):
        if key.startswith("RISK_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def realdata() -> Path:
    """The real third-party data in ../shared/realdata; skipped where it is absent."""
    if not REALDATA.is_dir():
        pytest.skip(f"real data not found at {REALDATA} (it ships beside the repo in CI)")
    return REALDATA


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "risk.duckdb"


@pytest.fixture
def store(db_path: Path) -> Store:
    """A fresh, migrated store in a temporary file."""
    s = Store(db_path)
    s.migrate()
    return s
