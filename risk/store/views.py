"""Read-only SQL behind the dashboard's lists: evidence, portfolios, runs, snapshots, feeds.

Small named queries with `?` parameters, each returning a DataFrame the pages show as is.
Scores, exposure and plans come from their own modules; this file only lists what is stored.
"""

from __future__ import annotations

import duckdb
import pandas as pd


def latest_evidence(
    con: duckdb.DuckDBPyConnection, *, limit: int, countries: list[str] | None = None
) -> pd.DataFrame:
    """The newest sentences that raised an indicator, newest first, with their source."""
    where = "s.weight > 0"
    params: list[object] = []
    if countries:
        where += " AND s.country IN (SELECT unnest(?::VARCHAR[]))"
        params.append(list(countries))
    params.append(int(limit))
    return con.execute(
        f"""
        SELECT coalesce(CAST(d.published AS DATE), s.day) AS date,
               s.country AS iso3, c.name AS country, s.indicator, s.sentence,
               coalesce(nullif(d.title, ''), d.source) AS source,
               coalesce(d.url, CASE WHEN d.item LIKE 'http%' THEN d.item END) AS url,
               s.weight, s.modality
        FROM signals s
        LEFT JOIN documents d ON d.id = s.document_id
        LEFT JOIN countries c ON c.iso3 = s.country
        WHERE {where}
        ORDER BY date DESC NULLS LAST, s.weight DESC
        LIMIT ?
        """,
        params,
    ).df()


def portfolios(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Stored portfolios, newest first."""
    return con.execute(
        "SELECT name, created_at, source_file, accepted, rejected"
        " FROM portfolios ORDER BY created_at DESC, name"
    ).df()


def ingest_runs(con: duckdb.DuckDBPyConnection, *, limit: int) -> pd.DataFrame:
    """The last ingest runs with their counts and error messages."""
    return con.execute(
        "SELECT id, started_at, finished_at, status, sources, read, new, duplicate,"
        " signals, errors, error_messages"
        " FROM ingest_runs ORDER BY started_at DESC LIMIT ?",
        [int(limit)],
    ).df()


def snapshots(con: duckdb.DuckDBPyConnection, *, limit: int) -> pd.DataFrame:
    """Recorded PDF snapshots, newest first."""
    return con.execute(
        "SELECT id, created_at, portfolio, path, pages, bytes, trigger, sha256"
        " FROM snapshots ORDER BY created_at DESC LIMIT ?",
        [int(limit)],
    ).df()


def feed_state(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """What the feed reader last saw per URL (status, time)."""
    return con.execute(
        "SELECT url, last_fetched, last_status, etag, last_modified FROM feed_state ORDER BY url"
    ).df()


def sources_summary(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Documents and signals per source, to show what the database was fed with."""
    return con.execute(
        """
        SELECT split_part(d.source, '#', 1) AS source, d.kind, count(DISTINCT d.id) AS documents,
               count(s.document_id) AS signals, max(d.ingested_at) AS last_ingested
        FROM documents d LEFT JOIN signals s ON s.document_id = d.id
        GROUP BY split_part(d.source, '#', 1), d.kind
        ORDER BY last_ingested DESC, source
        """
    ).df()
