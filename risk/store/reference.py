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


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = ("countries", "documents", "signals", "portfolios", "suppliers", "snapshots", "baselines", "scores")
    out: dict[str, int] = {}
    for t in tables:  # table names are constants above, never user input
        out[t] = int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
    return out


def last_ingest(con: duckdb.DuckDBPyConnection) -> datetime | None:
    row = con.execute(
        "SELECT max(finished_at) FROM ingest_runs WHERE status <> 'running'"
    ).fetchone()
    return row[0] if row else None


def last_scored_day(con: duckdb.DuckDBPyConnection) -> Any:
    row = con.execute("SELECT max(day) FROM scores").fetchone()
    return row[0] if row else None


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )
