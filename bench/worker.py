"""Run one scenario in this (fresh) process: `python -m bench.worker NAME --out FILE.json`.

The cases of a scenario are run `runs` rounds, interleaved (case A, case B, A, B...), so a peer
and ours see the same machine noise. Peak memory is this process's ru_maxrss (or, for work
done in a child process such as `risk extract`, the child's). `--prepare` only builds the
inputs; `--profile FILE` runs the first case once under cProfile and writes the hot spots.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import resource
import statistics
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from bench.data import Inputs, MissingData
from bench.peers import PEERS
from bench.scenarios import SCENARIOS, Case

ALL = {**SCENARIOS, **PEERS}


def _rss_mb(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # Linux: kilobytes


def _row(case: Case, scenario: str, runs: list[float], facts: dict[str, Any], error: str | None) -> dict[str, Any]:
    median = statistics.median(runs) if runs else None
    tput = case.items / median if median else None
    met = case.check(median, tput) if case.check and median is not None and tput is not None else None
    extra = {k: v for k, v in {**case.extra, **facts}.items() if not k.startswith("_")}
    return {"scenario": scenario, "name": case.name, "items": case.items, "unit": case.unit,
            "runs": len(runs), "seconds": [round(s, 4) for s in runs],
            "median_s": round(median, 4) if median is not None else None,
            "throughput": round(tput, 1) if tput else None, "target": case.target, "met": met,
            "rss_mb": _rss_mb(resource.RUSAGE_CHILDREN if case.child_rss else resource.RUSAGE_SELF),
            "rss_of": "child process" if case.child_rss else "benchmark process",
            "extra": extra, "error": error}


def run(name: str, runs: int, quick: bool) -> list[dict[str, Any]]:
    sc = ALL[name]
    inp = Inputs()
    cases = list(sc.cases(inp, quick))
    times: list[list[float]] = [[] for _ in cases]
    facts: list[dict[str, Any]] = [{} for _ in cases]
    errors: list[str | None] = [None for _ in cases]
    for _ in range(runs):
        for i, case in enumerate(cases):
            if errors[i]:
                continue
            try:
                case.setup()
                t0 = time.perf_counter()
                out = case.body()
                times[i].append(time.perf_counter() - t0)
                facts[i].update(out or {})
            except Exception as e:  # a failing case is reported, the others still run
                errors[i] = f"{type(e).__name__}: {e}"
                traceback.print_exc()
    for case in cases:
        after = case.extra.get("_after")
        if callable(after):
            try:
                after()
            except Exception as e:
                case.extra["warm_error"] = str(e)
    return [_row(c, name, t, f, e) for c, t, f, e in zip(cases, times, facts, errors)]


def profile(name: str, quick: bool, out: Path) -> None:
    """One run of the scenario's first case under cProfile; `risk extract` is profiled in-process."""
    sc = ALL[name]
    inp = Inputs()
    case = next(iter(sc.cases(inp, quick)))
    body = case.body
    if name == "extract":
        from bench.scenarios import _bbc_dir
        from risk.ingest import extract_sources

        folder = _bbc_dir(inp, quick)

        def body() -> None:  # what `risk extract DIR --format json` does, minus process start-up
            res = extract_sources([str(folder)])
            json.dumps([s.model_dump(mode="json") for s in res.signals])
    case.setup()
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.runcall(body)
    wall = time.perf_counter() - t0
    buf = io.StringIO()
    buf.write(f"# cProfile of '{case.name}', one run, {wall:.2f} s under the profiler\n\n")
    for key in ("tottime", "cumulative"):
        buf.write(f"## top 15 by {key}\n")
        pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(key).print_stats(15)
    out.write_text(buf.getvalue(), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.worker")
    ap.add_argument("name", choices=sorted(ALL))
    ap.add_argument("--out", type=Path)
    ap.add_argument("--runs", type=int, default=None)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--prepare", action="store_true")
    ap.add_argument("--profile", type=Path)
    a = ap.parse_args(argv)
    if a.prepare:
        try:
            ALL[a.name].prepare(Inputs(), a.quick)
        except MissingData as e:
            print(e, file=sys.stderr)
            return 3
        return 0
    if a.profile:
        profile(a.name, a.quick, a.profile)
        return 0
    rows = run(a.name, a.runs or ALL[a.name].runs, a.quick)
    text = json.dumps(rows, indent=1, default=str)
    if a.out:
        a.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
