"""SQL for supplier portfolios: replace (one transaction), list, load, delete.

Rows go in as one Arrow table (DuckDB scans it directly): a million rows insert in about a
second, where executemany row by row would take minutes.
"""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

COLUMNS = ("line", "name", "country", "country_raw", "address", "city", "lat", "lon", "annual_spend",
           "currency", "criticality", "category", "tier", "single_source", "location_source", "flags")

_ARROW_SCHEMA = pa.schema([
    ("portfolio", pa.string()), ("line", pa.int32()), ("name", pa.string()), ("country", pa.string()),
    ("country_raw", pa.string()), ("address", pa.string()), ("city", pa.string()), ("lat", pa.float64()),
    ("lon", pa.float64()), ("annual_spend", pa.float64()), ("currency", pa.string()),
    ("criticality", pa.int32()), ("category", pa.string()), ("tier", pa.int32()),
    ("single_source", pa.bool_()), ("location_source", pa.string()), ("flags", pa.list_(pa.string())),
])


def replace_portfolio(con: duckdb.DuckDBPyConnection, portfolio: str, rows: pd.DataFrame, *,
                      source_file: str | None, rejected: int) -> None:
    """Delete the portfolio's old rows and insert the new ones. Call inside store.transaction()."""
    con.execute("DELETE FROM suppliers WHERE portfolio = ?", [portfolio])
    con.execute("DELETE FROM portfolios WHERE name = ?", [portfolio])
    con.execute(
        "INSERT INTO portfolios (name, created_at, source_file, accepted, rejected) VALUES (?, ?, ?, ?, ?)",
        [portfolio, datetime.now(timezone.utc).replace(tzinfo=None), source_file, len(rows), rejected],
    )
    if len(rows) == 0:
        return
    # column by column (no copy of the frame, no portfolio column repeated n times: it is a parameter)
    table = pa.table({c: pa.array(rows[c], type=_ARROW_SCHEMA.field(c).type, from_pandas=True) for c in COLUMNS})
    con.register("_new_suppliers", table)
    try:
        con.execute(f"INSERT INTO suppliers ({', '.join(_ARROW_SCHEMA.names)}) "
                    f"SELECT ?, {', '.join(COLUMNS)} FROM _new_suppliers", [portfolio])
    finally:
        con.unregister("_new_suppliers")


def list_portfolios(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """name, created_at, source_file, accepted, rejected, countries, spend: newest first."""
    return con.execute(
        """
        SELECT p.name, p.created_at, p.source_file, p.accepted, p.rejected,
               count(DISTINCT s.country) AS countries, sum(s.annual_spend) AS spend
        FROM portfolios p LEFT JOIN suppliers s ON s.portfolio = p.name
        GROUP BY ALL ORDER BY p.created_at DESC, p.name
        """
    ).df()


def portfolio_exists(con: duckdb.DuckDBPyConnection, portfolio: str) -> bool:
    return con.execute("SELECT count(*) FROM portfolios WHERE name = ?", [portfolio]).fetchone()[0] > 0  # type: ignore[index]


def load_suppliers(con: duckdb.DuckDBPyConnection, portfolio: str) -> pd.DataFrame:
    """The stored rows of one portfolio, in file order. `flags` holds an array per row; most
    are empty, and converting a million empty lists costs more than the other columns together,
    so only the non-empty ones are fetched and the rest filled with empty arrays."""
    rows = con.execute(
        f"SELECT {', '.join(COLUMNS[:-1])} FROM suppliers WHERE portfolio = ? ORDER BY line", [portfolio]
    ).df()
    some = con.execute(
        "SELECT line, flags FROM suppliers WHERE portfolio = ? AND len(flags) > 0 ORDER BY line", [portfolio]
    ).df()
    column = np.empty(len(rows), dtype=object)
    empty = np.empty(0, dtype=object)
    for i in range(len(rows)):
        column[i] = empty.copy()
    if len(some):
        at = np.searchsorted(rows["line"].to_numpy(), some["line"].to_numpy())
        for i, value in zip(at.tolist(), some["flags"].tolist()):
            column[i] = value
    rows["flags"] = column
    return rows


def delete_portfolio(con: duckdb.DuckDBPyConnection, portfolio: str) -> bool:
    """True when a portfolio of that name existed."""
    existed = portfolio_exists(con, portfolio)
    con.execute("DELETE FROM suppliers WHERE portfolio = ?", [portfolio])
    con.execute("DELETE FROM portfolios WHERE name = ?", [portfolio])
    return existed

