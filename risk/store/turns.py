"""Fair turn-taking between processes that share one DuckDB file.

DuckDB lets one process at a time hold the file. Retrying on its lock error alone is unfair:
a reader that starts polling afresh every few milliseconds keeps beating a writer whose
back-off has grown, so a busy dashboard can starve an ingest. Each connection therefore first
takes a turn: an exclusive `flock` on `<db>.lock`, polled at a short, constant, jittered
interval by every contender alike, and held for the connection's life. Within one process the
turn is shared by all threads (DuckDB itself serves them from one database instance), so nested
or concurrent connections in one process never wait on each other.
"""

from __future__ import annotations

import os
import random
import threading
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: fall back to DuckDB's own lock and retry
    fcntl = None  # type: ignore[assignment]

POLL_SECONDS = 0.003


class Turn:
    """A re-entrant, process-wide turn on one database file."""

    _all: dict[str, Turn] = {}
    _all_guard = threading.Lock()

    def __init__(self, lock_path: Path) -> None:
        self.lock_path = lock_path
        self._fd: int | None = None
        self._holders = 0
        self._mutex = threading.Lock()

    @classmethod
    def for_database(cls, db: Path) -> Turn:
        key = str(db.resolve())
        with cls._all_guard:
            turn = cls._all.get(key)
            if turn is None:
                turn = cls._all[key] = cls(db.with_name(db.name + ".lock"))
            return turn

    def acquire(self, deadline: float) -> bool:
        """Take the turn before `deadline` (time.monotonic); False when it did not come."""
        if fcntl is None:
            return True
        while True:
            with self._mutex:
                if self._holders:
                    self._holders += 1
                    return True
                if self._fd is None:
                    try:
                        self._fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
                    except OSError:
                        return True  # a read-only folder: no turn-taking, DuckDB's retry remains
                try:
                    fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    pass
                else:
                    self._holders = 1
                    return True
            if time.monotonic() > deadline:
                return False
            time.sleep(POLL_SECONDS * (0.5 + random.random()))

    def release(self) -> None:
        if fcntl is None:
            return
        with self._mutex:
            if self._holders == 0:
                return
            self._holders -= 1
            if self._holders == 0 and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
