"""SQL for ingest runs (what each `risk ingest` read, stored and failed on) and feed fetch state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def start_run(con: duckdb.DuckDBPyConnection, sources: Sequence[str]) -> int:
    row = con.execute("SELECT coalesce(max(id), 0) + 1 FROM ingest_runs").fetchone()
    run_id = int(row[0]) if row else 1
    con.execute(
        "INSERT INTO ingest_runs (id, started_at, sources, status) VALUES (?, ?, ?, 'running')",
        [run_id, _now(), list(sources)],
    )
    return run_id


def finish_run(
    con: duckdb.DuckDBPyConnection, run_id: int, *, read: int, new: int, duplicate: int,
    signals: int, errors: int, messages: Sequence[str], status: str,
) -> None:
    con.execute(
        "UPDATE ingest_runs SET finished_at = ?, read = ?, new = ?, duplicate = ?, signals = ?,"
        " errors = ?, error_messages = ?, status = ? WHERE id = ?",
        [_now(), read, new, duplicate, signals, errors, list(messages)[:1000], status, run_id],
    )


def get_run(con: duckdb.DuckDBPyConnection, run_id: int) -> dict[str, Any] | None:
    cur = con.execute("SELECT * FROM ingest_runs WHERE id = ?", [run_id])
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row))


def feed_states(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, tuple[str | None, str | None]]:
    rows = con.execute(
        "SELECT url, etag, last_modified FROM feed_state WHERE url IN (SELECT unnest(?::VARCHAR[]))",
        [list(urls)],
    ).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def save_feed_state(
    con: duckdb.DuckDBPyConnection, url: str, *, etag: str | None, last_modified: str | None, status: str
) -> None:
    """Record a fetch; a 304 or an error keeps the validators of the last good fetch."""
    con.execute(
        "INSERT INTO feed_state (url, etag, last_modified, last_fetched, last_status)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET"
        " etag = coalesce(excluded.etag, feed_state.etag),"
        " last_modified = coalesce(excluded.last_modified, feed_state.last_modified),"
        " last_fetched = excluded.last_fetched, last_status = excluded.last_status",
        [url, etag, last_modified, _now(), status],
    )
