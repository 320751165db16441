"""`python -m bench` (what `make bench` runs): every scenario, each in a fresh process.

    python -m bench                       # everything, results in bench/results/latest.{md,json}
    python -m bench --only recompute,pdf  # some scenarios
    python -m bench --quick               # tiny inputs, one run: a smoke test, not a benchmark

Inputs are built first (bench/data.py, cached in bench/.cache/), in their own process, so a
scenario's peak memory is its own. A scenario whose library piece or data is missing prints
"not available: <reason>" and the run goes on.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import REPO, RESULTS_DIR, report
from bench.worker import ALL

ORDER = ["extract", "gdelt", "recompute", "suppliers_100k", "suppliers_1m", "pages", "pdf",
         "peer_countries", "peer_gdelt_agg"]


def _env() -> dict[str, str]:
    """No developer RISK_* settings leak into a benchmark; the repo is importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RISK_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.setdefault("BENCH_CACHE", str(REPO / "bench" / ".cache"))
    return env


def _worker(args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "bench.worker", *args]
    return subprocess.run(cmd, cwd=REPO, env=_env(), capture_output=True, text=True, timeout=timeout)


def _reason(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [ln for ln in (proc.stderr or "").strip().splitlines() if ln.strip() and "remaining" not in ln]
    return lines[-1].strip() if lines else f"exit code {proc.returncode}"


def _missing(name: str, reason: str) -> dict[str, Any]:
    return {"scenario": name, "name": ALL[name].title, "items": 0, "unit": "", "runs": 0, "seconds": [],
            "median_s": None, "throughput": None, "target": "", "met": None, "rss_mb": None,
            "extra": {}, "error": reason}


def run_scenario(name: str, quick: bool, runs: int | None, timeout: float) -> list[dict[str, Any]]:
    flags = ["--quick"] if quick else []
    try:
        prep = _worker([name, "--prepare", *flags], timeout)
        if prep.returncode != 0:
            return [_missing(name, "inputs: " + _reason(prep))]
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "rows.json"
            n = ["--runs", str(runs)] if runs else (["--runs", "1"] if quick else [])
            proc = _worker([name, "--out", str(out), *n, *flags], timeout)
            if proc.returncode != 0 or not out.exists():
                return [_missing(name, _reason(proc))]
            return json.loads(out.read_text())
    except subprocess.TimeoutExpired:
        return [_missing(name, f"timed out after {timeout:.0f} s")]


def _print_row(r: dict[str, Any]) -> None:
    if r.get("error"):
        print(f"  {r['name']}: not available: {r['error']}", flush=True)
        return
    tput = f", {r['throughput']:,.0f} {r['unit']}/s" if r.get("throughput") and r["items"] > 1 else ""
    verdict = "" if r.get("met") is None else f", target {r['target']}: {'pass' if r['met'] else 'FAIL'}"
    print(f"  {r['name']}: median {r['median_s']:.3f} s of {r['runs']}{tput}, peak RSS {r['rss_mb']:,.0f} MB"
          f"{verdict}", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description="Run the benchmarks on real data.")
    ap.add_argument("--only", help="comma-separated scenarios: " + ", ".join(ORDER))
    ap.add_argument("--quick", action="store_true", help="tiny inputs, one run (smoke test)")
    ap.add_argument("--runs", type=int, help="override the number of runs of every scenario")
    ap.add_argument("--results", type=Path, default=RESULTS_DIR, help="where latest.md/json go")
    ap.add_argument("--no-profile", action="store_true", help="skip profiling the slowest scenario")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per scenario process")
    a = ap.parse_args(argv)
    names = [n.strip() for n in a.only.split(",")] if a.only else ORDER
    unknown = [n for n in names if n not in ALL]
    if unknown:
        ap.error(f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(ORDER)}")
    info = report.machine()
    print(f"benchmarks on {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB, Python {info['python']}",
          flush=True)
    rows: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    for name in names:
        print(f"- {name}: {ALL[name].title}", flush=True)
        got = run_scenario(name, a.quick, a.runs, a.timeout)
        for r in got:
            _print_row(r)
        rows += got
    report.add_ratios(rows)
    profile = None
    target = None if a.no_profile else report.worst(rows)
    if target:
        print(f"- profiling {target} (cProfile, one run)", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "profile.txt"
            proc = _worker([target, "--profile", str(out), *(["--quick"] if a.quick else [])], a.timeout)
            profile = out.read_text() if out.exists() else f"profile failed: {_reason(proc)}"
    info["load_average_end"] = round(os.getloadavg()[0], 2)
    path = report.write(a.results, rows, info, profile, a.quick)
    print(f"\ntotal {time.perf_counter() - t0:.0f} s; results in {path} (+ .json)\n", flush=True)
    print(report.markdown(rows, info, None, a.quick))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
