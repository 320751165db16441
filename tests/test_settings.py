from __future__ import annotations

from pathlib import Path

import pytest

from risk.errors import ConfigError
from risk.settings import load_settings


def test_defaults_without_a_file() -> None:
    s = load_settings()
    assert s.scoring.half_life_days == 14
    assert s.db.name == "risk.duckdb"


def test_toml_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "risk.toml").write_text('[scoring]\nhalf_life_days = 10\n[feeds]\nurls = ["http://127.0.0.1/feed.xml"]\n')
    monkeypatch.setenv("RISK_SCORING__SPILLOVER_FACTOR", "0.2")
    s = load_settings()
    assert s.scoring.half_life_days == 10
    assert s.scoring.spillover_factor == 0.2
    assert s.feeds.urls == ["http://127.0.0.1/feed.xml"]


def test_unknown_key_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "risk.toml").write_text("[scoring]\nhalf_lif_days = 10\n")
    with pytest.raises(ConfigError) as e:
        load_settings()
    assert "half_lif_days" in e.value.message
    assert "risk.toml" in e.value.message


def test_unknown_section_is_refused(tmp_path: Path) -> None:
    (tmp_path / "risk.toml").write_text("[scorng]\nx = 1\n")
    with pytest.raises(ConfigError, match="scorng"):
        load_settings()


def test_bad_value_names_the_key(tmp_path: Path) -> None:
    (tmp_path / "risk.toml").write_text("[scoring]\nhalf_life_days = -3\n")
    with pytest.raises(ConfigError, match="scoring.half_life_days"):
        load_settings()


def test_malformed_toml(tmp_path: Path) -> None:
    (tmp_path / "risk.toml").write_text("[scoring\n")
    with pytest.raises(ConfigError, match="risk.toml"):
        load_settings()
