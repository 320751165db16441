"""SQL for documents and their signals: duplicate look-ups, story matching, batch inserts.

Inserts are columnar (`unnest` of one list per column, one statement per table) so a batch of
hundreds of documents costs one round trip, not one per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import duckdb

DOC_COLUMNS = ("id", "source", "item", "url", "title", "published", "kind", "story_id", "simhash",
               "ingest_run")
SIGNAL_COLUMNS = ("document_id", "story_id", "country", "indicator", "role", "weight", "modality",
                  "sentence", "trigger", "method", "day")


def existing_ids(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> set[str]:
    if not ids:
        return set()
    rows = con.execute(
        "SELECT id FROM documents WHERE id IN (SELECT unnest(?::VARCHAR[]))", [list(ids)]
    ).fetchall()
    return {r[0] for r in rows}


def _insert(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str],
            types: Sequence[str], rows: Sequence[dict[str, Any]]) -> int:
    if not rows:
        return 0
    cols = ", ".join(columns)
    select = ", ".join(f"unnest(?::{t}[])" for t in types)
    con.execute(f"INSERT INTO {table} ({cols}) SELECT {select}",
                [[r.get(c) for r in rows] for c in columns])
    return len(rows)


def insert_documents(con: duckdb.DuckDBPyConnection, rows: Sequence[dict[str, Any]]) -> int:
    types = ("VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "TIMESTAMP", "VARCHAR",
             "VARCHAR", "UBIGINT", "BIGINT")
    return _insert(con, "documents", DOC_COLUMNS, types, rows)


def insert_signals(con: duckdb.DuckDBPyConnection, rows: Sequence[dict[str, Any]]) -> int:
    types = ("VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "DOUBLE", "VARCHAR", "VARCHAR",
             "VARCHAR", "VARCHAR", "DATE")
    return _insert(con, "signals", SIGNAL_COLUMNS, types, rows)


def insert_gdelt(
    con: duckdb.DuckDBPyConnection, *, run_id: int, today: date
) -> tuple[int, int, int, date | None]:
    """Store the prepared gd_signals temp table: (new docs, duplicate docs, signals, first day).

    Each used GDELT row is one document (its story is itself: GDELT already merges outlets into
    one event, see NumSources); rows whose document id is already stored are duplicates.
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE gd_new AS SELECT document_id AS id, any_value(document) AS source,"
        " any_value(item) AS item, any_value(url) AS url, any_value(title) AS title,"
        " any_value(published) AS published FROM gd_signals"
        " WHERE document_id NOT IN (SELECT id FROM documents) GROUP BY document_id"
    )
    total = con.execute("SELECT count(DISTINCT document_id) FROM gd_signals").fetchone()
    new = con.execute("SELECT count(*) FROM gd_new").fetchone()
    kind = con.execute("SELECT CASE WHEN any_value(title) LIKE 'GDELT GKG%' THEN 'gdelt_gkg'"
                       " ELSE 'gdelt_event' END FROM gd_signals").fetchone()
    con.execute(
        "INSERT INTO documents (id, source, item, url, title, published, kind, story_id, simhash, ingest_run)"
        " SELECT id, source, item, url, title, published, ?, id, NULL, ? FROM gd_new",
        [kind[0] if kind else "gdelt_event", run_id],
    )
    sig = con.execute(
        "INSERT INTO signals (document_id, story_id, country, indicator, role, weight, modality,"
        " sentence, trigger, method, day)"
        " SELECT s.document_id, s.document_id, s.country, s.indicator, s.role, s.weight, s.modality,"
        " s.sentence, s.trigger, s.method, coalesce(s.published::DATE, ?)"
        " FROM gd_signals s JOIN gd_new n ON n.id = s.document_id",
        [today],
    ).fetchone()
    first = con.execute(
        "SELECT min(coalesce(s.published::DATE, ?)) FROM gd_signals s JOIN gd_new n ON n.id = s.document_id",
        [today],
    ).fetchone()
    n_new = int(new[0]) if new else 0
    n_total = int(total[0]) if total else 0
    return n_new, n_total - n_new, int(sig[0]) if sig else 0, first[0] if first else None


def document_count(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT count(*) FROM documents").fetchone()
    return int(row[0]) if row else 0


def stories(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """(story_id, document id, source) of every stored document, for evidence listings."""
    return [tuple(r) for r in con.execute(  # type: ignore[misc]
        "SELECT story_id, id, source FROM documents ORDER BY story_id, ingested_at").fetchall()]


def naive_utc(dt: datetime | None) -> datetime | None:
    """DuckDB TIMESTAMP holds naive UTC."""
    if dt is None or dt.tzinfo is None:
        return dt
    return dt.astimezone(UTC).replace(tzinfo=None)


def story_candidates(con: duckdb.DuckDBPyConnection, keys: Sequence[int]) -> list[tuple[str, list[int]]]:
    """(story id, MinHash signature) of stored documents sharing an LSH band key with `keys`."""
    if not keys:
        return []
    rows = con.execute(
        "SELECT DISTINCT m.document_id, m.story_id, m.sig FROM document_bands b"
        " JOIN document_minhash m ON m.document_id = b.document_id"
        " WHERE b.key IN (SELECT unnest(?::UBIGINT[]))",
        [list(keys)],
    ).fetchall()
    return [(r[1], r[2]) for r in rows]


def insert_minhash(con: duckdb.DuckDBPyConnection, rows: Sequence[tuple[str, str, list[int], list[int]]]) -> None:
    """Store (document id, story id, signature, band keys) of new documents."""
    if not rows:
        return
    con.execute(
        "INSERT INTO document_minhash (document_id, story_id, sig)"
        " SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::UINTEGER[][])",
        [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
    )
    docs = [r[0] for r in rows for _ in r[3]]
    bands = [b for r in rows for b in range(len(r[3]))]
    keys = [k for r in rows for k in r[3]]
    con.execute(
        "INSERT INTO document_bands (band, key, document_id)"
        " SELECT unnest(?::SMALLINT[]), unnest(?::UBIGINT[]), unnest(?::VARCHAR[])",
        [bands, keys, docs],
    )
