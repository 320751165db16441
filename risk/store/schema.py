"""Ordered, named migrations. Append only: never edit one that has shipped.

Numbers are reserved by area so parallel work never collides:
1-9 foundation, 10-19 documents/signals, 20-29 scores, 30-39 suppliers, 40-49 snapshots.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

Step = Callable[[duckdb.DuckDBPyConnection], None]


def _001_foundation(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE TABLE countries (
            iso3 VARCHAR PRIMARY KEY,
            iso2 VARCHAR NOT NULL,
            numeric VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            official_name VARCHAR,
            region VARCHAR,
            subregion VARCHAR,
            capital VARCHAR,
            lat DOUBLE,
            lon DOUBLE,
            neighbours VARCHAR[]
        )
        """
    )
    con.execute(
        """
        CREATE TABLE ingest_runs (
            id BIGINT PRIMARY KEY,
            started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP,
            sources VARCHAR[],
            read INTEGER DEFAULT 0,
            new INTEGER DEFAULT 0,
            duplicate INTEGER DEFAULT 0,
            signals INTEGER DEFAULT 0,
            errors INTEGER DEFAULT 0,
            error_messages VARCHAR[],
            status VARCHAR NOT NULL DEFAULT 'running'
        )
        """
    )
    con.execute(
        """
        CREATE TABLE documents (
            id VARCHAR PRIMARY KEY,
            source VARCHAR NOT NULL,
            item VARCHAR,
            url VARCHAR,
            title VARCHAR,
            published TIMESTAMP,
            kind VARCHAR NOT NULL,
            story_id VARCHAR NOT NULL,
            simhash UBIGINT,
            ingest_run BIGINT,
            ingested_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        )
        """
    )
    con.execute(
        """
        CREATE TABLE signals (
            document_id VARCHAR NOT NULL,
            story_id VARCHAR NOT NULL,
            country VARCHAR NOT NULL,
            indicator VARCHAR NOT NULL,
            role VARCHAR NOT NULL,
            weight DOUBLE NOT NULL,
            modality VARCHAR NOT NULL,
            sentence VARCHAR NOT NULL,
            trigger VARCHAR,
            method VARCHAR NOT NULL,
            day DATE NOT NULL
        )
        """
    )
    con.execute("CREATE INDEX signals_country ON signals (country)")
    con.execute(
        """
        CREATE TABLE baselines (
            iso3 VARCHAR NOT NULL,
            indicator VARCHAR NOT NULL,
            value DOUBLE NOT NULL,
            source VARCHAR NOT NULL,
            as_of DATE NOT NULL,
            note VARCHAR,
            PRIMARY KEY (iso3, indicator)
        )
        """
    )
    con.execute(
        """
        CREATE TABLE scores (
            iso3 VARCHAR NOT NULL,
            indicator VARCHAR NOT NULL,
            day DATE NOT NULL,
            baseline DOUBLE NOT NULL,
            news DOUBLE NOT NULL,
            spillover DOUBLE NOT NULL,
            score DOUBLE NOT NULL,
            method_version VARCHAR NOT NULL,
            PRIMARY KEY (iso3, indicator, day)
        )
        """
    )
    con.execute(
        """
        CREATE TABLE portfolios (
            name VARCHAR PRIMARY KEY,
            created_at TIMESTAMP NOT NULL,
            source_file VARCHAR,
            accepted INTEGER NOT NULL,
            rejected INTEGER NOT NULL
        )
        """
    )
    con.execute(
        """
        CREATE TABLE suppliers (
            portfolio VARCHAR NOT NULL,
            line INTEGER NOT NULL,
            name VARCHAR NOT NULL,
            country VARCHAR,
            country_raw VARCHAR,
            address VARCHAR,
            city VARCHAR,
            lat DOUBLE,
            lon DOUBLE,
            annual_spend DOUBLE,
            currency VARCHAR,
            criticality INTEGER,
            category VARCHAR,
            tier INTEGER,
            single_source BOOLEAN,
            location_source VARCHAR,
            flags VARCHAR[],
            PRIMARY KEY (portfolio, line)
        )
        """
    )
    con.execute(
        """
        CREATE TABLE snapshots (
            id BIGINT PRIMARY KEY,
            created_at TIMESTAMP NOT NULL,
            portfolio VARCHAR,
            path VARCHAR NOT NULL,
            sha256 VARCHAR NOT NULL,
            pages INTEGER,
            bytes BIGINT,
            trigger VARCHAR NOT NULL DEFAULT 'manual'
        )
        """
    )
    con.execute(
        """
        CREATE TABLE feed_state (
            url VARCHAR PRIMARY KEY,
            etag VARCHAR,
            last_modified VARCHAR,
            last_fetched TIMESTAMP,
            last_status VARCHAR
        )
        """
    )
    con.execute(
        """
        CREATE TABLE meta (
            key VARCHAR PRIMARY KEY,
            value VARCHAR
        )
        """
    )


def _020_scores_without_key(con: duckdb.DuckDBPyConnection) -> None:
    """Scores are rewritten in bulk (delete a day range, insert it) inside one transaction, so
    the primary-key index buys no safety; maintaining it made a year's rewrite 5x slower."""
    con.execute(
        "CREATE TABLE scores_new (iso3 VARCHAR NOT NULL, indicator VARCHAR NOT NULL,"
        " day DATE NOT NULL, baseline DOUBLE NOT NULL, news DOUBLE NOT NULL,"
        " spillover DOUBLE NOT NULL, score DOUBLE NOT NULL, method_version VARCHAR NOT NULL)"
    )
    con.execute("INSERT INTO scores_new SELECT * FROM scores ORDER BY day, iso3, indicator")
    con.execute("DROP TABLE scores")
    con.execute("ALTER TABLE scores_new RENAME TO scores")


def _040_snapshot_scores(con: duckdb.DuckDBPyConnection) -> None:
    """Per-snapshot top country scores, so the next report can show what changed since."""
    con.execute(
        """
        CREATE TABLE snapshot_scores (
            snapshot_id BIGINT NOT NULL,
            iso3 VARCHAR NOT NULL,
            name VARCHAR,
            composite DOUBLE NOT NULL,
            rank INTEGER NOT NULL,
            PRIMARY KEY (snapshot_id, iso3)
        )
        """
    )
    con.execute("ALTER TABLE snapshots ADD COLUMN as_of DATE")
    con.execute("ALTER TABLE snapshots ADD COLUMN map_renderer VARCHAR")


def _010_document_minhash(con: duckdb.DuckDBPyConnection) -> None:
    """MinHash signatures and LSH band keys: "same story from several outlets" look-ups."""
    con.execute(
        """
        CREATE TABLE document_minhash (
            document_id VARCHAR PRIMARY KEY,
            story_id VARCHAR NOT NULL,
            sig UINTEGER[] NOT NULL
        )
        """
    )
    con.execute(
        "CREATE TABLE document_bands (band SMALLINT NOT NULL, key UBIGINT NOT NULL,"
        " document_id VARCHAR NOT NULL)"
    )
    con.execute("CREATE INDEX document_bands_key ON document_bands (key)")


MIGRATIONS: list[tuple[int, str, Step]] = [
    (1, "foundation", _001_foundation),
    (10, "document_minhash", _010_document_minhash),
    (20, "scores_without_key", _020_scores_without_key),
    (40, "snapshot_scores", _040_snapshot_scores),
]
