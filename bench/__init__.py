"""Benchmarks: `python -m bench` (or `make bench`) measures speed and memory on real data.

    bench/data.py       replicates ../shared/realdata into bench/.cache/ (never into the repo)
    bench/scenarios.py  the timed scenarios and their targets
    bench/peers.py      the same work done by a peer library (spaCy, pandas), for ratios
    bench/worker.py     runs one scenario in a fresh process and reports its peak RSS
    bench/report.py     machine facts, the Markdown table, bench/results/latest.{md,json}
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH_DIR = REPO / "bench"
RESULTS_DIR = BENCH_DIR / "results"


def realdata_dir() -> Path:
    """../shared/realdata beside the repo, or $BENCH_REALDATA."""
    return Path(os.environ.get("BENCH_REALDATA") or REPO.parent / "shared" / "realdata")


def cache_dir() -> Path:
    """Where generated inputs live: bench/.cache (git-ignored), or $BENCH_CACHE."""
    return Path(os.environ.get("BENCH_CACHE") or BENCH_DIR / ".cache")
