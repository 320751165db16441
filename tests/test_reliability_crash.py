"""Crash safety: `kill -9` during an ingest, a supplier import and a snapshot.

Real `risk` processes are killed at their most dangerous moment (after a first batch is stored,
while a million-row portfolio is being written, while the PDF is written). Afterwards the
database opens, holds no half-written batch, and running the same work again ends with exactly
the counts a clean run gives: no lost and no doubled documents, signals or suppliers.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from reliability_support import (
    REPO, RISK, child_env, counts, kill9, orphans, run_risk, seeded_template, wait_for, write_jsonl,
)
from risk.ingest import ingest
from risk.settings import load_settings
from risk.store import Store
from risk.suppliers import import_suppliers

__all__ = ["seeded_template"]  # the session fixture, imported so pytest finds it here

BATCH = 500  # risk.ingest's default batch size, and its progress interval
ITEMS = 2 * BATCH + 200  # the kill lands while the second batch is read


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([*RISK, *args], cwd=REPO, env=child_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_kill_during_ingest_then_rerun_gives_clean_counts(tmp_path: Path, seeded_template: Path) -> None:
    news = write_jsonl(tmp_path / "wire.jsonl", ITEMS)
    db, clean = tmp_path / "risk.duckdb", tmp_path / "clean.duckdb"
    shutil.copy(seeded_template, db)
    shutil.copy(seeded_template, clean)
    before = counts(clean)
    summary = ingest(Store(clean), load_settings(db=clean), [news])
    assert summary.new == ITEMS and not summary.errors
    want = counts(clean)

    proc = _start("ingest", str(news), "--db", str(db))
    assert proc.stderr is not None
    line = "start"
    while line and not line.startswith("read "):  # the first progress line follows the first stored batch
        line = proc.stderr.readline()
    assert line.startswith("read "), "the ingest ended without a progress line"
    assert kill9(proc), "the ingest finished before it could be killed"

    assert orphans(db) == {k: 0 for k in orphans(db)}
    got = counts(db)
    new_docs = got["doc_ids"] - before["doc_ids"]
    assert len(new_docs) % BATCH == 0 and 0 < len(new_docs) < ITEMS, "a half-written batch"
    for doc in new_docs:  # every stored document has all its signals, no more and no fewer
        assert got["signals_per_doc"].get(doc, 0) == want["signals_per_doc"].get(doc, 0)

    again = run_risk("ingest", str(news), "--db", str(db))
    assert again.returncode == 0, again.stderr
    assert counts(db) == want


def _million_rows(path: Path) -> tuple[Path, int]:
    """A million supplier rows, one in a thousand with a negative spend (rejected)."""
    countries = ("Chile", "Peru", "DE", "FRA", "Viet Nam")
    with path.open("w", encoding="utf-8") as fh:
        fh.write("name,country,annual_spend\n")
        fh.writelines(f"Supplier {i},{countries[i % 5]},{-1 if i % 1000 == 999 else i % 997}\n"
                      for i in range(1_000_000))
    return path, 1_000_000 - 1000


@pytest.mark.slow
def test_kill_during_million_row_import_keeps_old_or_new_portfolio(tmp_path: Path, seeded_template: Path) -> None:
    db = tmp_path / "risk.duckdb"
    shutil.copy(seeded_template, db)
    small = tmp_path / "small.csv"
    small.write_text("name,country\nNordic Bearings AB,Sweden\nAndes Copper SA,Chile\n", encoding="utf-8")
    import_suppliers(Store(db), small, portfolio="big")
    csv_path, expected = _million_rows(tmp_path / "million.csv")

    size0 = db.stat().st_size
    wal = Path(f"{db}.wal")
    proc = _start("suppliers", "import", str(csv_path), "--portfolio", "big", "--db", str(db))
    # Kill inside the write: the file grows by row groups written ahead of the commit, or the WAL appears.
    hit = wait_for(lambda: wal.exists() or db.stat().st_size > size0 + (1 << 20), proc, timeout=240, poll=0.002)
    killed = kill9(proc)
    assert hit and killed, "the import finished before it could be killed"
    print(f"\nimport killed: WAL {wal.exists()}, file grew by {db.stat().st_size - size0:,} bytes")

    assert orphans(db) == {k: 0 for k in orphans(db)}
    with Store(db).read() as con:
        stored = con.execute("SELECT count(*) FROM suppliers WHERE portfolio = 'big'").fetchone()[0]
    assert stored in (2, expected), f"{stored} rows: neither the old portfolio nor the new one"

    result = import_suppliers(Store(db), csv_path, portfolio="big")  # the same work again
    assert (result.accepted_count, result.rejected_count) == (expected, 1000)
    with Store(db).read() as con:
        row = con.execute("SELECT accepted, rejected, (SELECT count(*) FROM suppliers WHERE portfolio = 'big') "
                          "FROM portfolios WHERE name = 'big'").fetchone()
    assert row == (expected, 1000, expected)
    assert orphans(db) == {k: 0 for k in orphans(db)}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_kill_during_snapshot_leaves_no_half_pdf_or_record(tmp_path: Path, seeded_template: Path) -> None:
    from pypdf import PdfReader

    db = tmp_path / "risk.duckdb"
    shutil.copy(seeded_template, db)
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "weekly.pdf"
    args = ("snapshot", "--no-browser", "--portfolio", "Sample portfolio", "--out", str(target), "--db", str(db))

    def part_file() -> bool:
        return any(p.name.endswith(".part") for p in folder.iterdir())

    killed = False
    delay = None
    for _ in range(3):  # first at the temp-file write; if that is missed, at 80% of the last run's time
        started = time.monotonic()
        proc = _start(*args)
        if delay is None:
            wait_for(part_file, proc, timeout=180, poll=0.001)
        else:
            wait_for(lambda: time.monotonic() - started > delay, proc, timeout=180, poll=0.01)
        killed = kill9(proc)
        if killed:
            print(f"\nsnapshot killed {time.monotonic() - started:.2f} s in "
                  f"({'at the temp-file write' if delay is None else f'after {delay:.1f} s'})")
            break
        delay = 0.8 * (time.monotonic() - started)
    assert killed, "every snapshot finished before it could be killed"

    with Store(db).read() as con:
        records = con.execute("SELECT path, sha256, pages FROM snapshots ORDER BY id").fetchall()
    for path, sha, pages in records:  # a record always points at its complete file
        assert Path(path).is_file() and _sha(Path(path)) == sha and len(PdfReader(path).pages) == pages
    if target.exists():  # the final name never holds a half-written PDF
        assert len(PdfReader(target).pages) > 0

    again = run_risk(*args, "--format", "json")
    assert again.returncode == 0, again.stderr
    with Store(db).read() as con:
        after = con.execute("SELECT path, sha256, pages FROM snapshots ORDER BY id").fetchall()
    assert len(after) == len(records) + 1
    path, sha, pages = after[-1]
    assert Path(path) == target.resolve() and _sha(target) == sha and len(PdfReader(target).pages) == pages
