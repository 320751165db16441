"""Helpers for the reliability tests: the real `risk` command, news written for the tests, counts.

The news is written for these tests (templates in our own words, varied by country, day and
figures), so every generated document is distinct and carries real signals for the extractor.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from risk.store import Store

REPO = Path(__file__).resolve().parents[1]
RISK = [sys.executable, "-c", "from risk.cli import main; main()"]
"""The `risk` console script, run by this interpreter (same venv, no PATH assumptions)."""

PLACES = [("Niger", "Niamey"), ("Peru", "Lima"), ("Chile", "Santiago"), ("Kenya", "Nairobi"),
          ("Poland", "Warsaw"), ("Vietnam", "Hanoi"), ("Morocco", "Rabat"), ("Ecuador", "Quito"),
          ("Ghana", "Accra"), ("Mongolia", "Ulaanbaatar"), ("Bolivia", "La Paz"), ("Senegal", "Dakar")]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
GOODS = ["copper", "coffee", "textiles", "fish meal", "cocoa", "timber", "cement"]
EVENTS = [
    ("{country} shuts its airspace after drone sightings",
     "Aviation authorities in {country} closed the national airspace to civilian flights on {day}, and "
     "carriers cancelled every departure from {capital}. Officials said the closure would last at least "
     "{n} days."),
    ("Thousands leave {country} as the crisis deepens",
     "Aid agencies said more than {n}00 people fled {country} this week, crowding reception centres near "
     "the frontier. Officials in {capital} called it the largest exodus in a decade."),
    ("Port strike halts exports from {country}",
     "Dock workers in {country} walked out on {day}, halting container traffic at the main port. Exporters "
     "said {n} shipments of {good} were stuck and trade through the terminal was suspended."),
    ("New sanctions hit state banks in {country}",
     "The European Union imposed sanctions on {n} state banks in {country} on {day}, freezing their assets "
     "and banning transactions with them. The government in {capital} condemned the measures."),
]
SHARED = ("Border crossings reopen after a week of closures",
          "Trucks queued for hours on Friday as the crossings between Peru and Bolivia reopened, "
          "drivers said. Customs officers inspected every cargo of copper and grain.")


def article(i: int, n: int) -> tuple[str, str]:
    """The i-th article of the family `n` (a different figure makes a different document)."""
    country, capital = PLACES[i % len(PLACES)]
    title, body = EVENTS[(i // len(PLACES)) % len(EVENTS)]
    values = {"country": country, "capital": capital, "day": DAYS[(i + n) % 7], "n": n + 2,
              "good": GOODS[(i + n) % len(GOODS)]}
    return title.format(**values), body.format(**values)


def write_folder(folder: Path, index: int, per_folder: int = 4) -> Path:
    """A folder of .txt articles: `per_folder` of its own plus one shared with every other folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(per_folder):
        title, body = article(index * per_folder + k, index)
        (folder / f"article_{k}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    (folder / "shared.txt").write_text(f"{SHARED[0]}\n\n{SHARED[1]}\n", encoding="utf-8")
    return folder


def write_jsonl(path: Path, count: int) -> Path:
    """`count` distinct news items as a JSONL stream (one document each)."""
    with path.open("w", encoding="utf-8") as fh:
        for i in range(count):
            title, body = article(i, i // (len(PLACES) * len(EVENTS)))
            fh.write(json.dumps({"title": title, "text": body, "link": f"https://news.example/{i}"}) + "\n")
    return path


def run_risk(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*RISK, *args], capture_output=True, text=True, timeout=timeout,
                          env=child_env(env), cwd=REPO)


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RISK_")}
    env.update(extra or {})
    return env


def seed_db(path: Path) -> Path:
    """A database made the way `make run` makes it: `risk init --seed`."""
    done = run_risk("init", "--seed", "--db", str(path), timeout=180)
    assert done.returncode == 0, done.stderr
    return path


def counts(db: Path) -> dict[str, Any]:
    with Store(db).read() as con:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731 - literal SQL, no values
        return {
            "documents": one("SELECT count(*) FROM documents"),
            "signals": one("SELECT count(*) FROM signals"),
            "doc_ids": {r[0] for r in con.execute("SELECT id FROM documents").fetchall()},
            "signals_per_doc": dict(con.execute("SELECT document_id, count(*) FROM signals GROUP BY 1").fetchall()),
        }


def orphans(db: Path) -> dict[str, int]:
    """Rows that only a half-written batch would leave: signals without their document,
    suppliers without their portfolio, portfolios whose row count disagrees with `accepted`."""
    with Store(db).read() as con:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "signals_without_document": one(
                "SELECT count(*) FROM signals s WHERE s.document_id IS NOT NULL "
                "AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = s.document_id)"),
            "suppliers_without_portfolio": one(
                "SELECT count(*) FROM suppliers s WHERE NOT EXISTS "
                "(SELECT 1 FROM portfolios p WHERE p.name = s.portfolio)"),
            "portfolios_with_wrong_count": one(
                "SELECT count(*) FROM portfolios p WHERE p.accepted <> "
                "(SELECT count(*) FROM suppliers s WHERE s.portfolio = p.name)"),
        }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `risk init --seed` database per test session; tests copy it (shutil.copy) before use."""
    return seed_db(tmp_path_factory.mktemp("seeded") / "template.duckdb")


def wait_for(predicate: Any, proc: subprocess.Popen[Any], timeout: float, poll: float = 0.005) -> bool:
    """Poll `predicate` until it holds (True), the process ends or time runs out (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if predicate():
            return True
        time.sleep(poll)
    return False


def kill9(proc: subprocess.Popen[Any]) -> bool:
    """SIGKILL (no clean-up runs); True when the process was still running."""
    alive = proc.poll() is None
    if alive:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return alive
