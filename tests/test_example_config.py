"""The example configuration shipped with the product loads as it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from risk.settings import load_settings

REPO = Path(__file__).resolve().parents[1]


def test_example_config_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RISK_CONFIG", str(REPO / "risk.example.toml"))
    s = load_settings()
    assert len(s.feeds.urls) == 3
    assert s.schedule.snapshot_cron == "0 7 * * 1"
