"""SQL for reference data (countries) and the store's own bookkeeping (meta, counts)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd


def replace_countries(con: duckdb.DuckDBPyConnection, rows: Iterable[dict[str, Any]]) -> int:
    """Make the countries table equal to `rows` (idempotent)."""
    frame = pd.DataFrame(list(rows))
    con.execute("DELETE FROM countries")
    con.register("incoming_countries", frame)
    try:
        con.execute(
            "INSERT INTO countries (iso3, iso2, numeric, name, official_name, region, subregion,"
            " capital, lat, lon, neighbours)"
            " SELECT iso3, iso2, numeric, name, official_name, region, subregion, capital,"
            " lat, lon, neighbours FROM incoming_countries"
        )
    finally:
        con.unregister("incoming_countries")
    return len(frame)


def _scalar(con: duckdb.DuckDBPyConnection, query: str, params: list[Any] | None = None) -> Any:
    """One value, fully fetched: DuckDB 2.0 keeps a half-read result open on the connection."""
    rows = con.execute(query, params or []).fetchall()
    return rows[0][0] if rows else None


def country_count(con: duckdb.DuckDBPyConnection) -> int:
    return int(_scalar(con, "SELECT count(*) FROM countries"))


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    return int(_scalar(con, "SELECT max(version) FROM schema_migrations") or 0)


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = ("countries", "documents", "signals", "portfolios", "suppliers", "snapshots", "baselines", "scores")
    out: dict[str, int] = {}
    for t in tables:  # table names are constants above, never user input
        out[t] = int(_scalar(con, f"SELECT count(*) FROM {t}"))
    return out


def last_ingest(con: duckdb.DuckDBPyConnection) -> datetime | None:
    return _scalar(con, "SELECT max(finished_at) FROM ingest_runs WHERE status <> 'running'")


def last_scored_day(con: duckdb.DuckDBPyConnection) -> Any:
    return _scalar(con, "SELECT max(day) FROM scores")


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    return _scalar(con, "SELECT value FROM meta WHERE key = ?", [key])


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )
