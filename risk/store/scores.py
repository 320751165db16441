"""SQL of the scores area: baselines, the signals scoring reads, stored daily scores, meta.

Small named functions taking a connection and `?` parameters; bulk frames go in through
DuckDB's replacement scan of a registered pandas DataFrame (no values in SQL text).
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

_BASELINE_COLUMNS = ["iso3", "indicator", "value", "source", "as_of", "note"]


def _one(con: duckdb.DuckDBPyConnection, query: str, params: list[object] | None = None) -> tuple | None:
    """First row or None, with the result fully consumed (DuckDB 2 refuses further work on a
    connection whose last result was only partly fetched)."""
    rows = con.execute(query, params or []).fetchall()
    return rows[0] if rows else None


# -- countries ---------------------------------------------------------------------------
def countries_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """iso3, name, region, subregion, neighbours (list) for every country, ordered by iso3."""
    return con.execute(
        "SELECT iso3, name, region, subregion, coalesce(neighbours, []::VARCHAR[]) AS neighbours"
        " FROM countries ORDER BY iso3"
    ).df()


def count_countries(con: duckdb.DuckDBPyConnection) -> int:
    row = _one(con, "SELECT count(*) FROM countries")
    return int(row[0]) if row else 0


def country_exists(con: duckdb.DuckDBPyConnection, iso3: str) -> bool:
    return _one(con, "SELECT 1 FROM countries WHERE iso3 = ?", [iso3]) is not None


# -- baselines ---------------------------------------------------------------------------
def replace_baselines(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    """Replace the whole baselines table with `frame` (columns as in _BASELINE_COLUMNS)."""
    con.execute("DELETE FROM baselines")
    if frame.empty:
        return
    incoming = frame[_BASELINE_COLUMNS].copy()
    con.register("incoming_baselines", incoming)
    try:
        con.execute(
            "INSERT INTO baselines SELECT iso3, indicator, CAST(value AS DOUBLE), source,"
            " CAST(as_of AS DATE), note FROM incoming_baselines"
        )
    finally:
        con.unregister("incoming_baselines")


def baselines_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT iso3, indicator, value, source, as_of, note FROM baselines ORDER BY iso3, indicator"
    ).df()


# -- signals -----------------------------------------------------------------------------
def signals_frame(
    con: duckdb.DuckDBPyConnection, *, until: date, iso3: str | None = None,
    countries: list[str] | None = None,
) -> pd.DataFrame:
    """Signals up to `until` with their document's outlet, title, url and publication time,
    of one country (`iso3`) or several (`countries`) when given.

    One row per signal; scoring groups them into documents and stories itself.
    """
    sql = (
        "SELECT s.document_id, s.story_id, s.country, s.indicator, s.role, s.weight,"
        " s.modality, s.sentence, s.trigger, s.day,"
        " d.source, d.url, d.title, d.published"
        " FROM signals s LEFT JOIN documents d ON d.id = s.document_id"
        " WHERE s.day <= ?"
    )
    params: list[object] = [until]
    if iso3 is not None:
        sql += " AND s.country = ?"
        params.append(iso3)
    if countries is not None:
        sql += " AND list_contains(?::VARCHAR[], s.country)"
        params.append(list(countries))
    return con.execute(sql + " ORDER BY s.day, s.story_id, s.document_id", params).df()


def signal_day_range(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    row = _one(con, "SELECT min(day), max(day) FROM signals")
    return (row[0], row[1]) if row else (None, None)


# -- scores ------------------------------------------------------------------------------
def replace_scores(
    con: duckdb.DuckDBPyConnection,
    nums: pd.DataFrame,
    lookup: pd.DataFrame,
    *,
    first_day: date,
    since: date | None,
    method_version: str,
) -> int:
    """Delete stored scores from `since` (all when None) and insert the compact grid.

    `nums` holds numbers only (t = days after `first_day`, s = series) and `lookup` maps s to
    (iso3, indicator): a numeric frame loads several times faster than string columns.
    """
    if since is None:
        con.execute("DELETE FROM scores")
    else:
        con.execute("DELETE FROM scores WHERE day >= ?", [since])
    if nums.empty:
        return 0
    con.register("incoming_nums", nums)
    con.register("incoming_series", lookup)
    try:
        con.execute(
            "INSERT INTO scores SELECT l.iso3, l.indicator, CAST(? AS DATE) + n.t, n.baseline,"
            " n.news, n.spillover, n.score, ? FROM incoming_nums n JOIN incoming_series l USING (s)",
            [first_day, method_version],
        )
    finally:
        con.unregister("incoming_nums")
        con.unregister("incoming_series")
    return len(nums)


def delete_scores_before(con: duckdb.DuckDBPyConnection, day: date) -> None:
    con.execute("DELETE FROM scores WHERE day < ?", [day])


def scores_on(con: duckdb.DuckDBPyConnection, day: date, *, version: str) -> pd.DataFrame:
    """Stored indicator rows of one day (current method version only)."""
    return con.execute(
        "SELECT iso3, indicator, baseline, news, spillover, score FROM scores"
        " WHERE day = ? AND method_version = ?",
        [day, version],
    ).df()


def scores_between(
    con: duckdb.DuckDBPyConnection, start: date, end: date, *, version: str, iso3: str | None = None
) -> pd.DataFrame:
    sql = (
        "SELECT iso3, indicator, day, baseline, news, spillover, score FROM scores"
        " WHERE day BETWEEN ? AND ? AND method_version = ?"
    )
    params: list[object] = [start, end, version]
    if iso3 is not None:
        sql += " AND iso3 = ?"
        params.append(iso3)
    return con.execute(sql + " ORDER BY iso3, indicator, day", params).df()


def stored_day_range(con: duckdb.DuckDBPyConnection, *, version: str) -> tuple[date | None, date | None]:
    row = _one(con, "SELECT min(day), max(day) FROM scores WHERE method_version = ?", [version])
    return (row[0], row[1]) if row else (None, None)


def reference_digest(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """md5 of the baselines and of the countries' neighbours, row by row as JSON: a cheap,
    exact stand-in for their content (scoring remembers its fingerprint per digest)."""
    row = _one(
        con,
        "SELECT (SELECT coalesce(md5(string_agg(to_json(b)::VARCHAR, chr(10) ORDER BY iso3, indicator)), '')"
        "        FROM baselines b),"
        " (SELECT coalesce(md5(string_agg(to_json(struct_pack(iso3 := iso3, neighbours := neighbours))::VARCHAR,"
        "        chr(10) ORDER BY iso3)), '') FROM countries)",
    )
    return (str(row[0]), str(row[1])) if row else ("", "")


# -- meta --------------------------------------------------------------------------------
def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = _one(con, "SELECT value FROM meta WHERE key = ?", [key])
    return None if row is None else row[0]


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [key, value])
