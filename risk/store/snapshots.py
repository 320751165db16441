"""SQL of the snapshots area: the record of every PDF written, and its top country scores.

A snapshot row says when (UTC, naive), for which portfolio, where the file is, its sha256,
pages, bytes and what triggered it ('manual', 'schedule', 'catch-up'). `snapshot_scores`
keeps the highest-risk countries as they stood in that snapshot, so the next report can
show what changed since without recomputing history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

SCHEDULED_TRIGGERS = ("schedule", "catch-up")


@dataclass(frozen=True)
class SnapshotRecord:
    """One row of the snapshots table."""

    id: int
    created_at: datetime
    portfolio: str | None
    path: str
    sha256: str
    pages: int | None
    bytes: int | None
    trigger: str
    as_of: date | None = None
    map_renderer: str | None = None


_COLUMNS = "id, created_at, portfolio, path, sha256, pages, bytes, trigger, as_of, map_renderer"


def _record(row: tuple[object, ...] | None) -> SnapshotRecord | None:
    if row is None:
        return None
    return SnapshotRecord(*row)  # type: ignore[arg-type]


def record_snapshot(
    con: duckdb.DuckDBPyConnection,
    *,
    created_at: datetime,
    portfolio: str | None,
    path: str,
    sha256: str,
    pages: int,
    size: int,
    trigger: str,
    as_of: date | None,
    map_renderer: str | None,
    top: list[tuple[str, str | None, float]],
) -> int:
    """Insert a snapshot and its top scores (iso3, name, composite, in rank order); its id."""
    row = con.execute("SELECT coalesce(max(id), 0) + 1 FROM snapshots").fetchone()
    new_id = int(row[0]) if row else 1
    con.execute(
        f"INSERT INTO snapshots ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [new_id, created_at, portfolio, path, sha256, pages, size, trigger, as_of, map_renderer],
    )
    for rank, (iso3, name, composite) in enumerate(top, start=1):
        con.execute(
            "INSERT INTO snapshot_scores (snapshot_id, iso3, name, composite, rank)"
            " VALUES (?, ?, ?, ?, ?)",
            [new_id, iso3, name, float(composite), rank],
        )
    return new_id


def list_snapshots(con: duckdb.DuckDBPyConnection, *, limit: int = 100) -> list[SnapshotRecord]:
    """Newest first."""
    rows = con.execute(
        f"SELECT {_COLUMNS} FROM snapshots ORDER BY created_at DESC, id DESC LIMIT ?", [limit]
    ).fetchall()
    return [SnapshotRecord(*r) for r in rows]


def get_snapshot(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> SnapshotRecord | None:
    row = con.execute(f"SELECT {_COLUMNS} FROM snapshots WHERE id = ?", [snapshot_id]).fetchone()
    return _record(row)


def latest_snapshot(
    con: duckdb.DuckDBPyConnection,
    *,
    portfolio: str | None = None,
    any_portfolio: bool = True,
    triggers: tuple[str, ...] | None = None,
    before: datetime | None = None,
) -> SnapshotRecord | None:
    """The newest snapshot, optionally for one portfolio, trigger kinds or before a time."""
    sql = f"SELECT {_COLUMNS} FROM snapshots WHERE 1 = 1"
    params: list[object] = []
    if not any_portfolio:
        sql += " AND portfolio IS NOT DISTINCT FROM ?"
        params.append(portfolio)
    if triggers:
        sql += " AND trigger IN (" + ", ".join("?" for _ in triggers) + ")"
        params.extend(triggers)
    if before is not None:
        sql += " AND created_at < ?"
        params.append(before)
    sql += " ORDER BY created_at DESC, id DESC LIMIT 1"
    return _record(con.execute(sql, params).fetchone())


def last_scheduled_time(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """When the newest scheduled (or caught-up) snapshot was written (UTC, naive)."""
    row = con.execute(
        "SELECT max(created_at) FROM snapshots WHERE trigger IN (?, ?)", list(SCHEDULED_TRIGGERS)
    ).fetchone()
    return row[0] if row else None


def snapshot_scores(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> dict[str, float]:
    """iso3 -> composite as it stood in that snapshot."""
    rows = con.execute(
        "SELECT iso3, composite FROM snapshot_scores WHERE snapshot_id = ?", [snapshot_id]
    ).fetchall()
    return {str(r[0]): float(r[1]) for r in rows}


def count_snapshots(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT count(*) FROM snapshots").fetchone()
    return int(row[0]) if row else 0


def evidence_for(
    con: duckdb.DuckDBPyConnection, countries: list[str], *, per_country: int = 8
) -> list[dict[str, object]]:
    """The strongest raising sentences behind each country's score, with their sources.

    One row per (country, sentence), best weight first, at most `per_country` per country.
    """
    if not countries:
        return []
    marks = ", ".join("?" for _ in countries)
    rows = con.execute(
        f"""
        WITH s AS (
            SELECT s.country, s.indicator, s.sentence, s.weight, s.modality, s.role, s.day,
                   d.title, d.source, d.url, d.published,
                   row_number() OVER (PARTITION BY s.country, s.sentence
                                      ORDER BY s.weight DESC, s.day DESC) AS dup
            FROM signals s LEFT JOIN documents d ON d.id = s.document_id
            WHERE s.country IN ({marks}) AND s.weight > 0
        ), ranked AS (
            SELECT *, row_number() OVER (PARTITION BY country ORDER BY weight DESC, day DESC,
                                         indicator) AS n
            FROM s WHERE dup = 1
        )
        SELECT country, indicator, sentence, weight, modality, role, day, title, source, url,
               published
        FROM ranked WHERE n <= ? ORDER BY country, n
        """,
        [*countries, per_country],
    ).fetchall()
    keys = ("country", "indicator", "sentence", "weight", "modality", "role", "day", "title",
            "source", "url", "published")
    return [dict(zip(keys, r)) for r in rows]
