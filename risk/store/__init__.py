"""The store: the only place with SQL.

DuckDB locks a database file per process (a read-write holder locks out every other
process). So every operation takes a fair turn on the file (`risk.store.turns`), opens a
short-lived connection (retrying briefly on DuckDB's own lock error, for programs that do not
take turns), and closes it again; the dashboard and jobs in other processes share the file.

Area modules (`documents`, `scores`, `suppliers`, `snapshots`, `runs`) hold the SQL of
their noun as small named functions taking a connection and `?` parameters.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from risk.errors import StoreBusyError, StoreError
from risk.store.schema import MIGRATIONS
from risk.store.turns import Turn
from risk.paths import ensure_folder

BATCH_RETRY_SECONDS = 300.0
"""How long command-line jobs wait for their turn (the dashboard waits 30 s, then says so)."""

_LOCK_MARKERS = ("Could not set lock", "Conflicting lock", "database is locked")


def _is_lock_error(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and any(m in str(exc) for m in _LOCK_MARKERS)


class Store:
    """A DuckDB file shared between processes through short-lived connections."""

    def __init__(self, path: str | Path, *, retry_seconds: float = 30.0) -> None:
        self.path = Path(path)
        self.retry_seconds = retry_seconds
        self._migrated = False

    # -- connections --------------------------------------------------------------
    def _open(self, *, read_only: bool, deadline: float) -> duckdb.DuckDBPyConnection:
        delay = 0.005
        while True:
            try:
                if read_only and not self.path.exists():
                    read_only = False
                if not read_only:
                    ensure_folder(self.path.parent, what=str(self.path))
                con = duckdb.connect(str(self.path), read_only=read_only)
                con.execute("SET enable_progress_bar = false")
                return con
            except duckdb.Error as e:
                if not _is_lock_error(e):
                    raise StoreError(
                        f"cannot open the database: {e}",
                        where=str(self.path),
                        hint="check the path and permissions, or run 'risk init' on a new file",
                    ) from e
                if time.monotonic() > deadline:
                    raise self._busy() from e
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 0.05)  # another program holds the file: keep polling briskly

    def _busy(self) -> StoreBusyError:
        return StoreBusyError(
            f"the database stayed locked by another process for {self.retry_seconds:.0f} s",
            where=str(self.path),
            hint="wait for the running ingest or snapshot to finish and try again",
        )

    @contextlib.contextmanager
    def _session(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """Take this process's turn on the file, open a connection, and give both back."""
        deadline = time.monotonic() + self.retry_seconds
        turn = Turn.for_database(self.path)
        if not turn.acquire(deadline):
            raise self._busy()
        try:
            con = self._open(read_only=read_only, deadline=deadline)
            try:
                yield con
            finally:
                con.close()
        finally:
            turn.release()

    @contextlib.contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived connection; migrations are applied on the first write connection."""
        if not self._migrated and not read_only:
            self._migrated = True
            self.migrate()
        with self._session(read_only=read_only) as con:
            yield con

    @contextlib.contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for queries. Read-write under the hood: within one process DuckDB
        refuses mixing modes, and a read-only holder would block writers in other processes
        just the same, so the win is nil and the risk real."""
        self.ensure()
        with self.connect() as con:
            yield con

    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: a crash or an exception inside leaves the database as it was."""
        with self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def ensure(self) -> None:
        if not self._migrated:
            self._migrated = True
            self.migrate()

    # -- migrations ---------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply pending migrations in order, each in its own transaction. Idempotent."""
        self._migrated = True
        applied: list[str] = []
        with self._session() as con:
            con.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
            )
            done = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
            for version, name, step in sorted(MIGRATIONS, key=lambda m: m[0]):
                if version in done:
                    continue
                con.execute("BEGIN TRANSACTION")
                try:
                    step(con)
                    con.execute(
                        "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                        [version, name],
                    )
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
                applied.append(f"{version:03d}_{name}")
        return applied

    def schema_version(self) -> int:
        with self.read() as con:
            row = con.execute("SELECT max(version) FROM schema_migrations").fetchall()[0]
        return int(row[0] or 0)
