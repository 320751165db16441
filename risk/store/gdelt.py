"""SQL for GDELT files: read with DuckDB's CSV reader, classify every row, build signals.

Temp tables (per connection): gd_raw (the file, all VARCHAR, with a row id), gd_rejects (lines
DuckDB could not split into the expected columns), gd_status (one reason per row), gd_docs
and gd_signals (what the store inserts). Column names come from data/gdelt_map.toml and are
checked to be plain identifiers before they reach SQL; every value is a `?`/`$name` parameter.
"""

from __future__ import annotations

import re
from typing import Any

import duckdb

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
USED = "used"


def load_maps(con: duckdb.DuckDBPyConnection, m: dict[str, Any], iso3: tuple[str, ...]) -> None:
    """Mapping tables from the map file: cameo_map, theme_map, actor_country, fips_country."""
    ev = m["event"]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cameo_map AS SELECT unnest(?) AS code, unnest(?) AS indicator,"
        " unnest(?)::DOUBLE AS base, unnest(?) AS target, unnest(?) AS modality, unnest(?) AS label",
        [[e["code"] for e in ev], [e["indicator"] for e in ev], [float(e["weight"]) for e in ev],
         [e["target"] for e in ev], [e["modality"] for e in ev], [e["label"] for e in ev]],
    )
    th = m["theme"]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE theme_map AS SELECT unnest(?::VARCHAR[][]) AS themes,"
        " unnest(?) AS indicator, unnest(?)::DOUBLE AS base",
        [[t["all"] for t in th], [t["indicator"] for t in th], [float(t["weight"]) for t in th]],
    )
    actor = {c: c for c in iso3} | dict(m.get("cameo_country", {}))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE actor_country AS SELECT unnest(?) AS code, unnest(?) AS iso3",
        [list(actor), list(actor.values())],
    )
    fips = m["fips"]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE fips_country AS SELECT unnest(?) AS code, unnest(?) AS iso3",
        [list(fips), list(fips.values())],
    )


NEEDED = {
    "events": ("GLOBALEVENTID", "Actor1Name", "Actor2Name", "Actor2CountryCode", "IsRootEvent",
               "EventCode", "NumMentions", "AvgTone", "ActionGeo_FullName", "ActionGeo_CountryCode",
               "DATEADDED", "SOURCEURL"),
    "gkg": ("GKGRECORDID", "DATE", "SourceCommonName", "DocumentIdentifier", "Themes", "Locations",
            "V2Tone"),
}


def read_raw(con: duckdb.DuckDBPyConnection, path: str, columns: list[str], kind: str) -> None:
    """Load the columns the mapping needs (all are parsed, so a short line is still rejected)."""
    for c in columns:
        if not _IDENT.match(c):
            raise ValueError(f"bad GDELT column name in the map file: {c!r}")
    struct = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in columns) + "}"
    con.execute("DROP TABLE IF EXISTS gd_rejects")
    con.execute("DROP TABLE IF EXISTS gd_rejects_scan")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE gd_raw AS SELECT row_number() OVER () AS rid, {', '.join(NEEDED[kind])}"
        " FROM read_csv("
        f"$path, delim='\t', header=false, quote='', escape='', columns={struct},"
        " auto_detect=false, strict_mode=true, max_line_size=50000000, store_rejects=true,"
        " rejects_table='gd_rejects', rejects_scan='gd_rejects_scan')",
        {"path": path},
    )


def rejected_lines(con: duckdb.DuckDBPyConnection) -> list[int]:
    rows = con.execute("SELECT DISTINCT line FROM gd_rejects ORDER BY line").fetchall()
    return [int(r[0]) for r in rows]


_WEIGHT = """
    sign(base) * least($max_weight, abs(base)
      * least(1.0, $mfloor + (1 - $mfloor) * ln(1 + greatest(coalesce(mentions, 1), 1)) / ln(1 + $msat))
      * (1 + least($tcap, greatest(0, -coalesce(tone, 0)) * $tgain))
      * rootf)
"""


def _wparams(w: dict[str, Any]) -> dict[str, Any]:
    return {"max_weight": float(w["max_weight"]), "mfloor": float(w["mentions_floor"]),
            "msat": float(w["mentions_saturation"]), "tcap": float(w["tone_cap"]),
            "tgain": float(w["tone_gain"])}


def build_events(con: duckdb.DuckDBPyConnection, *, source: str, method: str, weights: dict[str, Any]) -> None:
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE gd_cand AS
        SELECT e.rid, e.GLOBALEVENTID AS eid, m.indicator, m.modality, m.code, m.label, m.base,
               CASE WHEN m.target = 'actor2' THEN coalesce(a.iso3, g.iso3) ELSE coalesce(g.iso3, a.iso3) END AS country,
               CASE WHEN m.target = 'actor2' AND a.iso3 IS NOT NULL THEN 'affected' ELSE 'location' END AS role,
               TRY_CAST(e.NumMentions AS DOUBLE) AS mentions, TRY_CAST(e.AvgTone AS DOUBLE) AS tone,
               CASE WHEN e.IsRootEvent = '0' THEN $nonroot ELSE 1.0 END AS rootf,
               try_strptime(e.DATEADDED, '%Y%m%d%H%M%S') AS published,
               e.Actor1Name, e.Actor2Name, e.ActionGeo_FullName, e.SOURCEURL
        FROM gd_raw e JOIN cameo_map m ON e.EventCode = m.code
        LEFT JOIN actor_country a ON e.Actor2CountryCode = a.code
        LEFT JOIN fips_country g ON e.ActionGeo_CountryCode = g.code
        """,
        {"nonroot": float(weights["non_root_factor"])},
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE gd_status AS
        SELECT e.rid, CASE
            WHEN c.rid IS NULL THEN 'event code not mapped to an indicator'
            WHEN c.has_country THEN 'used'
            WHEN coalesce(e.Actor2CountryCode, '') = '' AND coalesce(e.ActionGeo_CountryCode, '') = ''
                THEN 'no affected country (no actor or location country code)'
            ELSE 'country code not recognised (a region, not a country)'
          END AS reason
        FROM gd_raw e
        LEFT JOIN (SELECT rid, bool_or(country IS NOT NULL) AS has_country FROM gd_cand GROUP BY rid) c
          ON c.rid = e.rid
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE gd_signals AS
        SELECT $source || '#event=' || eid AS document,
               sha256('gdelt event ' || lower(eid) || chr(10)) AS document_id,
               country, indicator, role, modality, published, SOURCEURL AS url, eid AS item,
               'GDELT event ' || eid AS title,
               round({_WEIGHT}, 4) AS weight,
               concat_ws(' ', nullif(Actor1Name, ''), lower(label), nullif(Actor2Name, ''))
                 || coalesce(' in ' || nullif(ActionGeo_FullName, ''), '')
                 || printf(' (CAMEO %s; %d mentions, tone %.1f).', code, coalesce(mentions, 0)::BIGINT, coalesce(tone, 0))
                 AS sentence,
               'CAMEO ' || code AS trigger, $method AS method
        FROM gd_cand WHERE country IS NOT NULL
        """,
        {"source": source, "method": method, **_wparams(weights)},
    )


def build_gkg(con: duckdb.DuckDBPyConnection, *, source: str, method: str, weights: dict[str, Any], base: float) -> None:
    # Country of each location: the ADM1 code starts with the FIPS country code (more reliable
    # than the separate country field); the most-named country of a document is the affected one.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE gd_loc AS
        WITH l AS (
            SELECT rid, string_split(loc, '#') AS p
            FROM (SELECT rid, unnest(string_split(coalesce(nullif(Locations, ''), ''), ';')) AS loc FROM gd_raw)
            WHERE loc <> ''
        ), c AS (
            SELECT rid, coalesce(nullif(left(p[4], 2), ''), p[3]) AS fips, count(*) AS n FROM l GROUP BY ALL
        )
        SELECT c.rid, arg_max(f.iso3, c.n) AS iso3, bool_or(c.fips IS NOT NULL) AS any_code
        FROM c LEFT JOIN fips_country f ON f.code = c.fips GROUP BY c.rid
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE gd_cand AS
        SELECT r.rid, r.GKGRECORDID AS eid, t.indicator, t.base * $base AS base, l.iso3 AS country,
               array_to_string(t.themes, '+') AS code,
               TRY_CAST(split_part(r.V2Tone, ',', 1) AS DOUBLE) AS tone, 1e9::DOUBLE AS mentions,
               1.0 AS rootf, try_strptime(r.DATE, '%Y%m%d%H%M%S') AS published,
               r.DocumentIdentifier AS url, r.SourceCommonName AS outlet
        FROM gd_raw r JOIN theme_map t ON list_has_all(string_split(coalesce(r.Themes, ''), ';'), t.themes)
        LEFT JOIN gd_loc l ON l.rid = r.rid
        """,
        {"base": float(base)},
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE gd_status AS
        SELECT r.rid, CASE
            WHEN c.rid IS NULL THEN 'no GKG theme mapped to an indicator'
            WHEN c.has_country THEN 'used'
            WHEN l.rid IS NULL THEN 'no location in the document'
            ELSE 'location country code not recognised'
          END AS reason
        FROM gd_raw r
        LEFT JOIN (SELECT rid, bool_or(country IS NOT NULL) AS has_country FROM gd_cand GROUP BY rid) c ON c.rid = r.rid
        LEFT JOIN gd_loc l ON l.rid = r.rid
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE gd_signals AS
        SELECT $source || '#gkg=' || eid AS document,
               sha256('gdelt gkg ' || lower(replace(eid, '-', ' ')) || chr(10)) AS document_id,
               country, indicator, 'location' AS role, 'asserted' AS modality, published, url,
               eid AS item, 'GDELT GKG ' || eid AS title, round({_WEIGHT}, 4) AS weight,
               printf('%s article tagged %s (GDELT GKG; tone %.1f): %s', coalesce(outlet, 'An'),
                      code, coalesce(tone, 0), coalesce(url, '')) AS sentence,
               'GKG ' || code AS trigger, $method AS method
        FROM gd_cand WHERE country IS NOT NULL
        """,
        {"source": source, "method": method, **_wparams(weights)},
    )


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    rows = con.execute("SELECT reason, count(*) FROM gd_status GROUP BY reason").fetchall()
    return {str(r[0]): int(r[1]) for r in rows}


def signal_rows(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cur = con.execute(
        "SELECT document, document_id, country, indicator, weight, role, modality, sentence,"
        " trigger, method, published FROM gd_signals ORDER BY document, indicator"
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]
