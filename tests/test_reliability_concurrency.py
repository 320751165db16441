"""Concurrent use: the dashboard keeps answering while ten `risk ingest` processes write.

The real dashboard server runs (its health endpoint is polled throughout), every page is
loaded again and again through Streamlit's AppTest in this process, and ten ingest processes
write to the same DuckDB file at once. No page may show a lock error, every ingest must finish,
and the database must end exactly where a clean sequential run of the same ingests ends.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from reliability_support import REPO, RISK, child_env, counts, free_port, orphans, seeded_template, write_folder
from risk.ingest import ingest
from risk.settings import load_settings
from risk.store import Store

__all__ = ["seeded_template"]  # the session fixture (`risk init --seed`), imported so pytest finds it

PAGES = sorted(p.stem for p in (REPO / "pages").glob("*.py") if p.stem not in ("common", "__init__"))
INGESTS = 10
LOCK_WORDS = re.compile(r"\block(ed|s)?\b|\bbusy\b|conflicting", re.IGNORECASE)
BUDGET_SECONDS = 240  # generous: a loaded 2-core CI machine; typically far less


def _wait_healthy(url: str, server: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the dashboard exited early with code {server.returncode}")
        try:
            if httpx.get(url, timeout=2).text.strip() == "ok":
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the dashboard did not answer {url} within {timeout} s")


def _problems(at: AppTest, page: str) -> list[str]:
    """Anything a user would see as a failure: exceptions, and errors or warnings about locks."""
    found = [f"{page}: exception {e.value}" for e in at.exception]
    for el in [*at.error, *at.warning]:
        text = str(el.value)
        if LOCK_WORDS.search(text):
            found.append(f"{page}: {type(el).__name__} {text}")
    return found


def _scores(db: Path) -> set[tuple[str, str, object, float]]:
    with Store(db).read() as con:
        rows = con.execute(
            "SELECT iso3, indicator, day, round(score, 6) FROM scores WHERE day = (SELECT max(day) FROM scores)"
        ).fetchall()
    return {(r[0], r[1], r[2], float(r[3])) for r in rows}


@pytest.mark.slow
def test_dashboard_answers_while_ten_ingests_write(tmp_path: Path, seeded_template: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "risk.duckdb"
    shutil.copy(seeded_template, db)
    clean = tmp_path / "clean.duckdb"
    shutil.copy(db, clean)
    seeded = counts(clean)
    folders = [write_folder(tmp_path / "news" / f"batch_{i}", i) for i in range(INGESTS)]
    snapshots = tmp_path / "snapshots"

    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.headless=true",
         "--server.address=127.0.0.1", f"--server.port={port}", "--browser.gatherUsageStats=false",
         "--server.fileWatcherType=none"],
        cwd=REPO, env=child_env({"RISK_DB": str(db), "RISK_SNAPSHOTS__FOLDER": str(snapshots)}),
        stdout=log, stderr=subprocess.STDOUT,
    )
    procs: list[subprocess.Popen[str]] = []
    problems: list[str] = []
    load_seconds: list[float] = []
    health = f"http://127.0.0.1:{port}/_stcore/health"
    try:
        _wait_healthy(health, server)
        monkeypatch.setenv("RISK_DB", str(db))
        monkeypatch.setenv("RISK_SNAPSHOTS__FOLDER", str(snapshots))
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90).run()
        problems += _problems(at, "app")

        started = time.monotonic()
        procs = [subprocess.Popen([*RISK, "ingest", str(f), "--db", str(db)], cwd=REPO, env=child_env(),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in folders]
        loads = 0
        finished: dict[int, float] = {}  # ingest -> seconds to finish (seen between page loads)
        # Keep loading pages while any ingest runs (and at least one round of every page).
        while loads < len(PAGES) or any(p.poll() is None for p in procs):
            assert time.monotonic() - started < BUDGET_SECONDS, "ingests did not finish in bounded time"
            page = PAGES[loads % len(PAGES)]
            t0 = time.monotonic()
            at.switch_page(f"pages/{page}.py").run(timeout=90)
            load_seconds.append(time.monotonic() - t0)
            problems += _problems(at, page)
            assert httpx.get(health, timeout=10).text.strip() == "ok", "the dashboard stopped answering"
            loads += 1
            for i, p in enumerate(procs):
                if p.poll() is not None and i not in finished:
                    finished[i] = time.monotonic() - started
        outputs = [p.communicate(timeout=30) for p in procs]
        elapsed = time.monotonic() - started
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()

    print(f"\ningests finished after (s): {sorted(round(v, 1) for v in finished.values())}")
    codes = [p.returncode for p in procs]
    assert codes == [0] * INGESTS, [err for (_, err) in outputs]
    assert not any(LOCK_WORDS.search(err) for _, err in outputs), [err for _, err in outputs]
    assert problems == [], problems
    print(f"\n{INGESTS} ingests in {elapsed:.1f} s; {len(load_seconds)} page loads, "
          f"slowest {max(load_seconds):.2f} s")

    # A clean sequential run of the same ingests ends in exactly the same place.
    settings = load_settings(db=clean)
    for f in folders:
        summary = ingest(Store(clean), settings, [f])
        assert not summary.errors, summary.errors
    got, want = counts(db), counts(clean)
    assert got == want
    assert got["documents"] == seeded["documents"] + INGESTS * 4 + 1  # the shared article once
    assert orphans(db) == {k: 0 for k in orphans(db)}
    assert _scores(db) == _scores(clean)
    with Store(db).read() as con:  # every run recorded as finished; none left 'running'
        runs = dict(con.execute("SELECT status, count(*) FROM ingest_runs GROUP BY 1").fetchall())
    assert runs.get("running", 0) == 0 and runs.get("ok", 0) >= INGESTS, runs
