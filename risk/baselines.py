"""Baselines: the dated, sourced structural prior of each country and indicator (0-100).

The bundled `data/baselines.csv` is rebuilt by `scripts/build_baselines.py` from public
sources; a user's own file (`scoring.baselines_file`, same columns) replaces bundled rows
for the same (iso3, indicator). No row means no sourced prior: the score starts at 0 and
`risk explain` says so, rather than inventing a number.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from risk import INDICATORS
from risk.errors import InputError
from risk.settings import DATA_DIR, Settings
from risk.store import Store
from risk.store import scores as sql

BUNDLED = DATA_DIR / "baselines.csv"
COLUMNS = ["iso3", "indicator", "value", "source", "as_of", "note"]
REQUIRED = ["iso3", "indicator", "value", "source", "as_of"]


def read_baselines(path: Path) -> pd.DataFrame:
    """Read and validate a baselines CSV; errors name the file, line and value."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as e:
        raise InputError(f"cannot read baselines: {e}", where=str(path),
                         hint="give a UTF-8 CSV with columns " + ",".join(COLUMNS)) from e
    frame.columns = [c.strip().lower() for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", where=str(path),
                         hint="the header must be " + ",".join(COLUMNS))
    if "note" not in frame.columns:
        frame["note"] = ""
    out = frame[COLUMNS].copy()
    out["iso3"] = out["iso3"].str.strip().str.upper()
    out["indicator"] = out["indicator"].str.strip()
    for pos, row in enumerate(out.itertuples(index=False), start=2):
        where = f"{path}, line {pos}"
        if len(row.iso3) != 3 or not row.iso3.isalpha():
            raise InputError(f"'{row.iso3}' is not an ISO3 country code", where=where,
                             hint="use a code such as VEN")
        if row.indicator not in INDICATORS:
            raise InputError(f"unknown indicator '{row.indicator}'", where=where,
                             hint="use one of " + ", ".join(INDICATORS))
        try:
            value = float(row.value)
        except ValueError:
            value = float("nan")
        if not 0 <= value <= 100:
            raise InputError(f"value '{row.value}' is not a number from 0 to 100", where=where,
                             hint="unknown values get no row at all")
        if not row.source.strip():
            raise InputError("the source is empty", where=where,
                             hint="name the public source the value rests on")
        try:
            pd.Timestamp(row.as_of).date()
        except ValueError as e:
            raise InputError(f"as_of '{row.as_of}' is not a date", where=where,
                             hint="write it as YYYY-MM-DD") from e
    out["value"] = out["value"].astype(float)
    out["as_of"] = pd.to_datetime(out["as_of"]).dt.date
    dup = out.duplicated(["iso3", "indicator"], keep=False)
    if dup.any():
        first = out[dup].iloc[0]
        raise InputError(f"{first.iso3}/{first.indicator} appears more than once", where=str(path),
                         hint="keep one row per country and indicator")
    return out


def merged_baselines(settings: Settings, *, bundled: Path = BUNDLED) -> pd.DataFrame:
    """Bundled rows, with the user's file replacing rows for the same country and indicator."""
    base = read_baselines(bundled) if bundled.exists() else pd.DataFrame(columns=COLUMNS)
    override_path = settings.scoring.baselines_file
    if override_path is None:
        return base.reset_index(drop=True)
    if not Path(override_path).exists():
        raise InputError("baselines file not found", where=str(override_path),
                         hint="fix scoring.baselines_file in risk.toml or remove it")
    own = read_baselines(Path(override_path))
    keys = set(zip(own["iso3"], own["indicator"]))
    keep = [k not in keys for k in zip(base["iso3"], base["indicator"])]
    return pd.concat([base[keep], own], ignore_index=True)


def load_baselines(store: Store, settings: Settings, *, bundled: Path = BUNDLED) -> int:
    """Replace the baselines table with bundled + override rows; idempotent. Returns the count.

    Rows for codes not in the countries table are kept out (they could never be scored).
    """
    frame = merged_baselines(settings, bundled=bundled)
    with store.transaction() as con:
        known = set(sql.countries_frame(con)["iso3"])
        if known:
            frame = frame[frame["iso3"].isin(known)]
        sql.replace_baselines(con, frame)
    return len(frame)
