"""Keep the database open while a page computes, so its many short reads open cheaply.

Every library call opens its own short-lived connection (see risk.store). Opening the file
costs ~0.1 s when no connection is open in the process, because DuckDB then loads the
database afresh; while one connection is open, DuckDB reuses the loaded database and a new
connection costs a few milliseconds. A cold dashboard page makes ten or more such calls.

`batch(store)` holds one connection for its duration and `linger` seconds after, so the
loaders a page runs one after the other share the loaded database. Re-entrant and shared by
threads (one holder per database file). The holder is never used for queries; it is closed
on a timer, so another process (an ingest, the scheduler) waits at most `linger` seconds
plus its own retry back-off, which the store's retry already allows for.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from risk.store import Store

__all__ = ["batch"]

_LOCK = threading.Lock()
_HOLDERS: dict[str, _Holder] = {}


class _Holder:
    def __init__(self) -> None:
        self.users = 0
        self.context: Any = None  # the entered store.read() context manager
        self.timer: threading.Timer | None = None


def _close(key: str, holder: _Holder) -> None:
    with _LOCK:
        if holder.users or holder.context is None:
            return
        context, holder.context = holder.context, None
        _HOLDERS.pop(key, None)
    context.__exit__(None, None, None)


@contextlib.contextmanager
def batch(store: Store, *, linger: float = 1.5) -> Iterator[None]:
    """Hold the database open while the body runs (and `linger` seconds after)."""
    key = str(store.path.resolve())
    with _LOCK:
        holder = _HOLDERS.setdefault(key, _Holder())
        holder.users += 1
        if holder.timer is not None:
            holder.timer.cancel()
            holder.timer = None
        opening = holder.context is None
        if opening:
            holder.context = contextlib.nullcontext()  # placeholder: others see "open"
    if opening:
        try:
            context = store.read()
            context.__enter__()
        except BaseException:
            with _LOCK:
                holder.users -= 1
                holder.context = None
                _HOLDERS.pop(key, None)
            raise
        with _LOCK:
            holder.context = context
    try:
        yield
    finally:
        with _LOCK:
            holder.users -= 1
            if holder.users == 0:
                holder.timer = threading.Timer(linger, _close, args=(key, holder))
                holder.timer.daemon = True
                holder.timer.start()
