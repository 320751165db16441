from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from risk.errors import StoreBusyError
from risk.store import Store
from risk.store.schema import MIGRATIONS


def test_migrations_are_ordered_and_unique() -> None:
    versions = [v for v, _, _ in MIGRATIONS]
    assert versions == sorted(versions)
    assert len(set(versions)) == len(versions)


def test_migrate_is_idempotent(db_path: Path) -> None:
    store = Store(db_path)
    first = store.migrate()
    assert first and first[0].startswith("001_")
    assert store.migrate() == []
    assert store.schema_version() == MIGRATIONS[-1][0]


def test_transaction_rolls_back_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError):
        with store.transaction() as con:
            con.execute("INSERT INTO meta VALUES ('k', 'v')")
            raise RuntimeError("boom")
    with store.read() as con:
        assert con.execute("SELECT count(*) FROM meta").fetchone()[0] == 0


def _hold_lock_script(db: Path, seconds: float) -> str:
    return textwrap.dedent(
        f"""
        import duckdb, time, sys
        con = duckdb.connect({str(db)!r})
        print("locked", flush=True)
        time.sleep({seconds})
        con.close()
        """
    )


def test_waits_for_another_process_then_proceeds(store: Store) -> None:
    holder = subprocess.Popen([sys.executable, "-c", _hold_lock_script(store.path, 1.0)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    with store.transaction() as con:  # retries until the other process lets go
        con.execute("INSERT INTO meta VALUES ('after', 'lock')")
    holder.wait(timeout=10)
    with store.read() as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'after'").fetchone()[0] == "lock"


def test_gives_up_with_a_clear_message(store: Store) -> None:
    holder = subprocess.Popen([sys.executable, "-c", _hold_lock_script(store.path, 5.0)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        impatient = Store(store.path, retry_seconds=0.3)
        impatient._migrated = True
        started = time.monotonic()
        with pytest.raises(StoreBusyError) as e:
            with impatient.read():
                pass
        assert time.monotonic() - started < 3
        assert "locked by another process" in e.value.message
        assert "try again" in e.value.message
    finally:
        holder.kill()
        holder.wait()


def test_a_busy_reader_process_does_not_starve_a_writer(store: Store) -> None:
    """Turns are fair: a process reading back to back still lets another process write."""
    reader = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(
            f"""
            import time
            from risk.store import Store
            s = Store({str(store.path)!r}); s._migrated = True
            end = time.monotonic() + 6
            print("reading", flush=True)
            while time.monotonic() < end:
                with s.read() as con:
                    con.execute("SELECT count(*) FROM meta").fetchall()
                    time.sleep(0.02)
            """
        )],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "reading"
        writer = Store(store.path, retry_seconds=5)  # would raise StoreBusyError if starved
        writer._migrated = True
        for i in range(15):
            with writer.transaction() as con:
                con.execute("INSERT INTO meta VALUES (?, 'x')", [f"k{i}"])
    finally:
        reader.wait(timeout=30)
    with store.read() as con:
        assert con.execute("SELECT count(*) FROM meta").fetchall()[0][0] == 15


def test_connections_nest_within_one_process(store: Store) -> None:
    with store.read() as outer:
        with store.transaction() as inner:  # shares this process's turn: no self-deadlock
            inner.execute("INSERT INTO meta VALUES ('nested', 'ok')")
        assert outer.execute("SELECT value FROM meta WHERE key = 'nested'").fetchall() == [("ok",)]
