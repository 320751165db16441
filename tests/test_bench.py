"""The benchmark harness runs end to end: one tiny scenario on real data, and a clear
"not available" row (not a crash) when the real data is missing. No timing assertions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _bench(tmp_path: Path, *args: str, realdata: Path | None = None) -> tuple[subprocess.CompletedProcess[str], dict]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RISK_", "BENCH_"))}
    env["BENCH_CACHE"] = str(tmp_path / "cache")
    if realdata is not None:
        env["BENCH_REALDATA"] = str(realdata)
    results = tmp_path / "results"
    proc = subprocess.run([sys.executable, "-m", "bench", "--quick", "--no-profile", "--results", str(results), *args],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = json.loads((results / "quick.json").read_text())
    return proc, data


@pytest.mark.slow
def test_harness_runs_a_tiny_scenario_on_real_data(tmp_path: Path, realdata: Path) -> None:
    proc, data = _bench(tmp_path, "--only", "peer_gdelt_agg", realdata=realdata)
    rows = data["results"]
    assert [r["scenario"] for r in rows][:2] == ["peer_gdelt_agg", "peer_gdelt_agg"]
    ours, pandas_c = rows[0], rows[1]
    assert ours["error"] is None and pandas_c["error"] is None, rows
    # The replicated GDELT file has 10,000 distinct rows and both engines find the same groups.
    assert ours["items"] == 10_000 and ours["runs"] == 1 and ours["median_s"] > 0
    assert ours["extra"]["groups"] == pandas_c["extra"]["groups"] > 0
    assert pandas_c["extra"]["same_result_as_duckdb"] is True
    assert pandas_c["ratio"] > 0 and ours["rss_mb"] > 0
    assert data["machine"]["cores"] == os.cpu_count()
    md = (tmp_path / "results" / "quick.md").read_text()
    assert "| scenario |" in md and "GDELT aggregation" in md
    assert "GDELT aggregation" in proc.stdout
    ids = {ln.split("\t", 1)[0] for ln in next((tmp_path / "cache" / "gdelt").glob("*.CSV")).open()}
    assert len(ids) == 10_000


def test_missing_real_data_is_reported_not_raised(tmp_path: Path) -> None:
    empty = tmp_path / "no-realdata"
    empty.mkdir()
    proc, data = _bench(tmp_path, "--only", "gdelt", realdata=empty)
    (row,) = data["results"]
    assert row["median_s"] is None
    assert "real data not found" in row["error"]
    assert "not available" in proc.stdout
