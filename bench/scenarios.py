"""The timed scenarios, their inputs and targets.

A scenario's `cases(inputs, quick)` yields Cases: `setup()` (untimed: fresh database copies and
the like), `body()` (timed; returns extra facts to report) and the number of items processed.
The worker times `body()` `runs` times in one fresh process, so its peak RSS is the scenario's.
`quick` shrinks every input for the smoke test; the numbers it gives are not benchmarks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import REPO
from bench.data import PAGES_PORTFOLIO, Inputs

PAGES = ("overview", "country", "suppliers", "contingency", "snapshots", "sources")


@dataclass
class Case:
    """One row of the results table."""

    name: str
    items: int
    unit: str
    body: Callable[[], dict[str, Any] | None]
    setup: Callable[[], None] = lambda: None
    target: str = ""
    # (median seconds, items/s) -> met?
    check: Callable[[float, float], bool] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    child_rss: bool = False  # the work runs in a child process: report its peak RSS


@dataclass
class Scenario:
    name: str
    title: str
    runs: int
    prepare: Callable[[Inputs, bool], None]
    cases: Callable[[Inputs, bool], Iterator[Case]]
    note: str = ""


def _settings(db: Path, **extra: Any) -> Any:
    from risk.settings import load_settings

    return load_settings(db=db, **extra)


# -- risk extract over the BBC corpus, as a whole command on one core ---------------------------
def _bbc_dir(inp: Inputs, quick: bool) -> Path:
    full = inp.bbc_dir()
    if not quick:
        return full
    small = inp.root / "bbc_txt_quick"
    if not small.exists():
        files = sorted(full.rglob("*.txt"))[:60]
        small.mkdir(parents=True)
        for f in files:
            shutil.copyfile(f, small / f"{f.parent.name}_{f.name}")
    return small


def extract_cases(inp: Inputs, quick: bool) -> Iterator[Case]:
    folder = _bbc_dir(inp, quick)
    n = sum(1 for _ in folder.rglob("*.txt"))
    risk = Path(sys.executable).with_name("risk")
    cmd = [str(risk), "extract", str(folder), "--format", "json"]
    pinned = shutil.which("taskset") is not None and (os.cpu_count() or 1) > 1
    if pinned:
        cmd = ["taskset", "-c", "0", *cmd]

    def body() -> dict[str, Any]:
        with open(os.devnull, "wb") as null:
            proc = subprocess.run(cmd, stdout=null, stderr=subprocess.PIPE, cwd=REPO)
        if proc.returncode != 0:
            raise RuntimeError(f"risk extract exited {proc.returncode}: {proc.stderr.decode()[-300:]}")
        return {"pinned_to_one_core": pinned}

    yield Case("risk extract, BBC corpus (whole command, 1 core)", n, "articles", body,
               target=">= 1,000 articles/s", check=lambda s, tput: tput >= 1000, child_rss=True)


# -- GDELT events file -> stored signals -----------------------------------------------------
def gdelt_rows(quick: bool) -> int:
    return 10_000 if quick else 1_000_000


def gdelt_cases(inp: Inputs, quick: bool) -> Iterator[Case]:
    from risk.ingest import ingest
    from risk.store import Store

    rows = gdelt_rows(quick)
    path = inp.gdelt_file(rows)
    db = inp.root / "tmp" / "gdelt.duckdb"
    state: dict[str, Any] = {}

    def setup() -> None:
        inp.scratch("gdelt")
        db.unlink(missing_ok=True)
        state["store"] = Store(db)
        state["store"].migrate()

    def body() -> dict[str, Any]:
        s = ingest(state["store"], _settings(db), [path], recompute_scores=False, today=inp.today)
        if s.read != rows:
            raise RuntimeError(f"read {s.read} rows, expected {rows}: {s.errors[:2]}")
        return {"rows_read": s.read, "documents_stored": s.new, "signals_stored": s.signals}

    yield Case(f"GDELT events file ({rows:,} rows) to stored signals", rows, "rows", body, setup,
               target="< 10 s", check=lambda s, tput: s < 10)


# -- full score recompute ----------------------------------------------------------------------
def recompute_cases(inp: Inputs, quick: bool) -> Iterator[Case]:
    from risk.scoring import recompute
    from risk.store import Store

    db = inp.root / "tmp" / "recompute.duckdb"
    inp.copy_db(inp.year_db(), db)
    settings = _settings(db)
    store = Store(db)
    days = settings.scoring.history_days

    def body() -> dict[str, Any]:
        r = recompute(store, settings, since=None, today=inp.today)
        return {"rows_stored": r.rows, "full": r.full}

    yield Case(f"full score recompute (249 x 4 x {days})", 249 * 4 * days, "scores", body,
               target="< 2 s", check=lambda s, tput: s < 2)


# -- suppliers imported and scored -------------------------------------------------------------
def supplier_cases_for(rows: int, limit: float) -> Callable[[Inputs, bool], Iterator[Case]]:
    def cases(inp: Inputs, quick: bool) -> Iterator[Case]:
        from risk.exposure import exposure
        from risk.store import Store
        from risk.suppliers import import_suppliers

        n = 1_000 if quick else rows
        csv_path = inp.suppliers_csv(n)
        db = inp.root / "tmp" / f"suppliers_{n}.duckdb"
        state: dict[str, Any] = {}

        def setup() -> None:
            inp.copy_db(inp.year_db(), db)
            state["store"] = Store(db)
            state["settings"] = _settings(db)

        def body() -> dict[str, Any]:
            res = import_suppliers(state["store"], csv_path, portfolio="bench")
            rep = exposure(state["store"], "bench", settings=state["settings"])
            return {"accepted": res.accepted_count, "rejected": res.rejected_count,
                    "scored": len(rep.suppliers)}

        yield Case(f"{n:,} suppliers imported and scored", n, "suppliers", body, setup,
                   target=f"< {limit:g} s", check=lambda s, tput: s < limit)
    return cases


# -- each dashboard page, server side ----------------------------------------------------------
def pages_cases(inp: Inputs, quick: bool) -> Iterator[Case]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    db = inp.copy_db(inp.pages_db(), inp.root / "tmp" / "pages.duckdb")
    os.environ["RISK_DB"] = str(db)
    os.environ["RISK_SNAPSHOTS__FOLDER"] = str(inp.scratch("pages_snapshots"))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.run()  # opens the store once (st.cache_resource), as a server does at its first request

    def page_case(page: str) -> Case:
        state: dict[str, Any] = {}

        def setup() -> None:
            st.cache_data.clear()  # cold: the first visit after new data arrived

        def body() -> dict[str, Any]:
            out = at.switch_page(f"pages/{page}.py").run()
            if out.exception:
                raise RuntimeError(f"page {page} raised: {out.exception[0].value}")
            state["n"] = state.get("n", 0) + 1
            return {}

        def warm() -> None:
            import time

            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                at.switch_page(f"pages/{page}.py").run()
                times.append(time.perf_counter() - t0)
            case.extra["warm_median_s"] = round(sorted(times)[1], 4)

        case = Case(f"page '{page}' server-side run, cold cache (10k suppliers, 1 year)", 1, "page",
                    body, setup, target="< 1 s", check=lambda s, tput: s < 1)
        case.extra["_after"] = warm
        return case

    for page in PAGES:
        yield page_case(page)


# -- PDF snapshot of a 350-supplier portfolio --------------------------------------------------
def pdf_cases(inp: Inputs, quick: bool) -> Iterator[Case]:
    from risk.report import write_snapshot
    from risk.report.maps import find_browser
    from risk.store import Store
    from risk.suppliers import import_suppliers

    n = 40 if quick else 350
    db = inp.copy_db(inp.year_db(), inp.root / "tmp" / "pdf.duckdb")
    folder = inp.scratch("pdf")
    settings = _settings(db, snapshots={"folder": folder})
    store = Store(db)
    import_suppliers(store, inp.suppliers_csv(n), portfolio="bench-350")
    browser = find_browser() is not None

    def body() -> dict[str, Any]:
        r = write_snapshot(store, settings, portfolio="bench-350", out=folder / "snapshot.pdf",
                           use_browser=browser)
        return {"pages": r.pages, "bytes": r.bytes, "map": r.map_renderer}

    yield Case(f"PDF snapshot, {n} suppliers (map: {'Chromium' if browser else 'vector'})", n,
               "suppliers", body, target="< 15 s", check=lambda s, tput: s < 15, child_rss=False)


def _prep(*steps: Callable[[Inputs, bool], Any]) -> Callable[[Inputs, bool], None]:
    def prepare(inp: Inputs, quick: bool) -> None:
        for step in steps:
            step(inp, quick)
    return prepare


SCENARIOS: dict[str, Scenario] = {s.name: s for s in (
    Scenario("extract", "risk extract over the BBC corpus", 3, _prep(_bbc_dir), extract_cases),
    Scenario("gdelt", "GDELT events to stored signals", 3,
             _prep(lambda i, q: i.gdelt_file(gdelt_rows(q))), gdelt_cases),
    Scenario("recompute", "full score recompute", 5, _prep(lambda i, q: i.year_db()), recompute_cases),
    Scenario("suppliers_100k", "100k suppliers imported and scored", 3,
             _prep(lambda i, q: i.year_db(), lambda i, q: i.suppliers_csv(1_000 if q else 100_000)),
             supplier_cases_for(100_000, 5)),
    Scenario("suppliers_1m", "1M suppliers imported and scored", 1,
             _prep(lambda i, q: i.year_db(), lambda i, q: i.suppliers_csv(1_000 if q else 1_000_000)),
             supplier_cases_for(1_000_000, 60), note="1 run"),
    Scenario("pages", "dashboard pages, server side", 3, _prep(lambda i, q: i.pages_db()), pages_cases),
    Scenario("pdf", "PDF snapshot", 3, _prep(lambda i, q: i.year_db(), lambda i, q: i.suppliers_csv(40 if q else 350)),
             pdf_cases),
)}
