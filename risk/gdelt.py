"""GDELT 2.0 Events exports and GKG 2.1 files -> documents and signals, set-based in DuckDB.

A GDELT file is never walked row by row in Python: DuckDB's CSV reader loads it into a temp
table, joins it with the mapping tables built from data/gdelt_map.toml (CAMEO codes and GKG
themes -> indicators, CAMEO actor codes and FIPS 10-4 geo codes -> ISO3) and produces the
`gd_docs` / `gd_signals` temp tables that the store inserts in one statement each.

Every row is accounted for: `GdeltResult.counts` maps "used" and each skip reason to a row
count, and their sum is the file's row count (malformed lines included).

Weights (parameters in the map file): base weight of the code or theme, times a mentions
factor (log of NumMentions, saturating), times a tone factor (more negative AvgTone, more
weight), times 0.8 for events outside an article's lead (IsRootEvent = 0).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import tomllib
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb

from risk.errors import IngestError
from risk.models import Signal
from risk.store import gdelt as sql

MAP_FILE = Path(__file__).resolve().parent.parent / "data" / "gdelt_map.toml"
METHOD = "gdelt-map/1"
_GKG_ID = re.compile(rb"^\d{14}-T?\d+$")


@dataclass
class GdeltResult:
    path: str
    kind: str
    rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[IngestError] = field(default_factory=list)

    @property
    def used(self) -> int:
        return self.counts.get("used", 0)


@lru_cache(maxsize=1)
def load_map() -> dict[str, Any]:
    """The CAMEO/theme map file, plus FIPS 10-4 -> ISO3 (GDELT's geo codes) from the shared
    country reference (GeoNames' fips column), so both readers agree on every country."""
    from risk.countries import countries

    with MAP_FILE.open("rb") as fh:
        m = tomllib.load(fh)
    m["fips"] = {c.fips: c.iso3 for c in countries() if c.fips}
    return m


def sniff_gdelt(head: bytes) -> str | None:
    """'events', 'gkg' or 'unsupported' for a tab-separated GDELT-like first line, else None."""
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    fields = first.split(b"\t")
    if len(fields) < 10:
        return None
    if len(fields) == 61 and fields[0].isdigit():
        return "events"
    if len(fields) == 27 and _GKG_ID.match(fields[0]):
        return "gkg"
    if fields[0].isdigit() or _GKG_ID.match(fields[0]):
        return "unsupported"
    return None


@contextmanager
def _plain_file(path: Path) -> Iterator[Path]:
    """The CSV itself: zipped exports are unpacked to a temp dir (DuckDB reads gzip, not zip)."""
    if path.suffix.lower() != ".zip":
        yield path
        return
    tmp = Path(tempfile.mkdtemp(prefix="risk-gdelt-"))
    try:
        try:
            with zipfile.ZipFile(path) as zf:
                members = [m for m in zf.infolist() if not m.is_dir()]
                if len(members) != 1:
                    raise IngestError(f"the zip holds {len(members)} files, expected one GDELT CSV",
                                      where=str(path), hint="unzip it and give the CSV itself")
                target = tmp / Path(members[0].filename).name
                with zf.open(members[0]) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
        except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, OSError) as e:
            raise IngestError(f"the zip file is corrupt or truncated ({e})", where=str(path),
                              hint="download it again") from e
        yield target
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def prepare(con: duckdb.DuckDBPyConnection, path: Path, kind: str) -> GdeltResult:
    """Fill temp tables gd_docs and gd_signals on `con` from one file; count every row."""
    result = GdeltResult(path=str(path), kind=kind)
    if kind not in ("events", "gkg"):
        result.errors.append(IngestError(
            "this looks like a GDELT file of a format that is not supported (only 2.0 Events "
            "exports with 61 columns and GKG 2.1 with 27)", where=str(path),
            hint="download the GDELT 2.0 *.export.CSV.zip or *.gkg.csv.zip file"))
        return result
    m = load_map()
    sql.load_maps(con, m, _iso3_codes())
    try:
        with _plain_file(path) as plain:
            columns = m["columns"][kind]
            sql.read_raw(con, str(plain), columns, kind)
    except IngestError as e:
        result.errors.append(e)
        return result
    except duckdb.Error as e:
        result.errors.append(IngestError(f"DuckDB could not read the file: {e}", where=str(path),
                                         hint="check it is a tab-separated GDELT file"))
        return result
    w = m["weights"]
    source = str(path)
    if kind == "events":
        sql.build_events(con, source=source, method=METHOD, weights=w)
    else:
        sql.build_gkg(con, source=source, method=METHOD, weights=w, base=m["gkg"]["base"])
    result.counts = sql.row_counts(con)
    bad_lines = sql.rejected_lines(con)
    if bad_lines:
        result.counts["malformed line (wrong column count or truncated)"] = len(bad_lines)
        shown = ", ".join(str(n) for n in bad_lines[:5]) + (" ..." if len(bad_lines) > 5 else "")
        result.errors.append(IngestError(
            f"{len(bad_lines)} line(s) have the wrong number of columns and were skipped (lines {shown})",
            where=source, hint="the file may be truncated; download it again"))
    result.rows = sum(result.counts.values())
    return result


def extract_file(path: Path, kind: str) -> tuple[list[Signal], GdeltResult]:
    """Signals of one GDELT file without touching the database (for `risk extract`)."""
    con = duckdb.connect()
    try:
        result = prepare(con, path, kind)
        rows = sql.signal_rows(con) if not result.errors or result.counts else []
    finally:
        con.close()
    return [Signal(**r) for r in rows], result


@lru_cache(maxsize=1)
def _iso3_codes() -> tuple[str, ...]:
    from risk.countries import countries

    return tuple(c.iso3 for c in countries())


def describe(result: GdeltResult) -> str:
    """One line: 'file: 100 rows: used 3, event code not mapped 90, ...'."""
    parts = ", ".join(f"{k} {v}" for k, v in sorted(result.counts.items(), key=lambda kv: -kv[1]))
    return f"{result.path}: {result.rows} GDELT {result.kind} rows: {parts}"
