"""Bundled baselines: sourced, dated, overridable, rebuilt from the real lists."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from scoring_support import load_countries

from risk import INDICATORS
from risk.baselines import BUNDLED, load_baselines, read_baselines
from risk.errors import InputError
from risk.settings import ScoringSettings, Settings
from risk.store import Store
from risk.store.scores import baselines_frame

REPO = Path(__file__).resolve().parents[1]


def test_bundled_rows_are_valid_sourced_and_dated() -> None:
    frame = read_baselines(BUNDLED)
    assert set(frame["indicator"]) == set(INDICATORS)
    assert frame["source"].str.len().min() > 5 and frame["value"].between(0, 100).all()
    assert frame.set_index(["iso3", "indicator"]).loc[("VEN", "migration_pressure"), "value"] > 50


def test_load_is_idempotent_and_overrides_replace_bundled_rows(store: Store, tmp_path: Path) -> None:
    load_countries(store)
    n = load_baselines(store, Settings())
    assert load_baselines(store, Settings()) == n
    own = tmp_path / "mine.csv"
    own.write_text("iso3,indicator,value,source,as_of,note\n"
                   "VEN,sanctions_exposure,10,our compliance team,2025-10-01,\n"
                   "ISL,trade_disruption,5,our logistics desk,2025-10-01,ferry strike\n", encoding="utf-8")
    settings = Settings(scoring=ScoringSettings(baselines_file=own))
    assert load_baselines(store, settings) == n + 1
    with store.read() as con:
        rows = baselines_frame(con).set_index(["iso3", "indicator"])
    assert rows.loc[("VEN", "sanctions_exposure"), "source"] == "our compliance team"
    assert rows.loc[("VEN", "sanctions_exposure"), "value"] == 10


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("iso3,indicator,value,source,as_of\nVEN,weather,10,x,2025-01-01\n", "unknown indicator 'weather'"),
        ("iso3,indicator,value,source,as_of\nVEN,trade_disruption,150,x,2025-01-01\n", "not a number from 0 to 100"),
        ("iso3,indicator,value,source,as_of\nVEN,trade_disruption,10,,2025-01-01\n", "the source is empty"),
        ("iso3,indicator,value,source,as_of\nVEN,trade_disruption,10,x,last year\n", "is not a date"),
        ("iso3,value,source,as_of\nVEN,10,x,2025-01-01\n", "missing column"),
    ],
)
def test_bad_override_files_are_refused_with_line_and_fix(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        read_baselines(path)
    assert str(path) in info.value.message


def test_build_script_derives_sanctions_from_the_real_lists(realdata: Path, tmp_path: Path) -> None:
    out = tmp_path / "baselines.csv"
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_baselines.py"), "--realdata", str(realdata),
                    "--out", str(out)], check=True, capture_output=True)
    built = read_baselines(out).set_index(["iso3", "indicator"])
    sanctions = built.xs("sanctions_exposure", level="indicator")["value"]
    # comprehensive embargoes outrank list-based programmes, which outrank no programme at all
    assert min(sanctions[c] for c in ("IRN", "PRK", "CUB")) > sanctions["VEN"] > sanctions["MEX"]
    assert "VENEZUELA-EO13850" in built.loc[("VEN", "sanctions_exposure"), "note"]
    assert "USA" not in sanctions.index  # no sourced exposure: no row, not a zero
    pd.testing.assert_frame_equal(read_baselines(out), read_baselines(BUNDLED))  # bundled file is current
