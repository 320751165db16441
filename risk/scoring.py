"""Daily per-country indicator scores: stored history, on-the-fly past days, composites, movers.

    signals + baselines --(score_engine)--> scores table --(country_scores/history/movers)--> pages

Stored rows carry METHOD_VERSION; a fingerprint of the method, the scoring settings, the
baselines and the country list sits in `meta`, and when it differs the next `recompute`
rebuilds everything. Days outside the stored window are computed on demand, never guessed.
The clock is a parameter (`today`); `utc_today()` is the only place that reads it.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pandas as pd

from risk import INDICATORS
from risk.errors import InputError
from risk.score_engine import compute_grid, composite
from risk.settings import Settings, load_settings
from risk.store import Store
from risk.store import scores as sql

METHOD_VERSION = "scores-1"
_FP_KEY = "scores.fingerprint"
_VERSION_KEY = "scores.method_version"


def utc_today() -> date:
    """Today in UTC: the default clock of every function taking `today`."""
    return datetime.now(timezone.utc).date()


@dataclass
class RecomputeResult:
    start: date | None
    end: date
    rows: int
    full: bool
    seconds: float


def _settings(settings: Settings | None) -> Settings:
    return settings if settings is not None else load_settings()


def _ensure_countries(con) -> None:  # type: ignore[no-untyped-def]
    """Scores need the country list; fill it from risk.countries if `risk init` has not."""
    if sql.count_countries(con) > 0:
        return
    from risk.bootstrap import _country_rows
    from risk.store.reference import replace_countries

    replace_countries(con, _country_rows())


def _fingerprint(con, settings: Settings) -> str:  # type: ignore[no-untyped-def]
    """What the stored scores depend on, other than the signals themselves."""
    sc = settings.scoring
    scoring = json.dumps(sc.model_dump(
        mode="json", include={"half_life_days", "news_scale", "saturation", "spillover_factor",
                              "spillover_indicators", "horizon_days", "history_days"}
    ), sort_keys=True)
    # Every dashboard read checks the fingerprint, and loading and rendering the tables as
    # text is most of its cost: remember it per digest of their content (one small query).
    key = (scoring, *sql.reference_digest(con))
    found = _FP_MEMO.get(key)
    if found is None:
        parts = {
            "method": METHOD_VERSION,
            "scoring": json.loads(scoring),
            "baselines": sql.baselines_frame(con).astype(str).to_csv(index=False),
            "countries": sql.countries_frame(con)[["iso3", "neighbours"]].astype(str).to_csv(index=False),
        }
        found = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
        if len(_FP_MEMO) > 16:
            _FP_MEMO.clear()
        _FP_MEMO[key] = found
    return found


_FP_MEMO: dict[tuple[str, str, str], str] = {}


def _grid(con, settings: Settings, start: date, end: date):  # type: ignore[no-untyped-def]
    return compute_grid(
        countries=sql.countries_frame(con),
        indicators=list(INDICATORS),
        baselines=sql.baselines_frame(con),
        signals=sql.signals_frame(con, until=end),
        start=start,
        end=end,
        settings=settings.scoring,
    )


def recompute(
    store: Store,
    settings: Settings,
    *,
    since: date | None = None,
    as_of: date | None = None,
    today: date | None = None,
) -> RecomputeResult:
    """Store scores of every country for days >= `since` (None: the whole history window).

    The window is the `history_days` ending at `as_of` (default: today, UTC). A changed method,
    scoring setting, baseline or country list recomputes everything; older rows are dropped.
    """
    t0 = time.perf_counter()
    end = as_of or today or utc_today()
    start = end - timedelta(days=settings.scoring.history_days - 1)
    with store.transaction() as con:
        _ensure_countries(con)
        fp = _fingerprint(con, settings)
        lo, hi = sql.stored_day_range(con, version=METHOD_VERSION)
        full = since is None or sql.get_meta(con, _FP_KEY) != fp or lo is None or hi is None
        first = start
        if not full:
            assert since is not None and hi is not None
            first = max(since, start)
            if hi < end:
                first = min(first, hi + timedelta(days=1))
        rows = 0
        if full:
            sql.replace_scores(con, pd.DataFrame(), pd.DataFrame(), first_day=first, since=None,
                               method_version=METHOD_VERSION)
        if first <= end:
            nums, lookup = _grid(con, settings, first, end).compact()
            rows = sql.replace_scores(con, nums, lookup, first_day=first, since=None if full else first,
                                      method_version=METHOD_VERSION)
        sql.delete_scores_before(con, start)
        sql.set_meta(con, _FP_KEY, fp)
        sql.set_meta(con, _VERSION_KEY, METHOD_VERSION)
    return RecomputeResult(first if first <= end else None, end, rows, full, time.perf_counter() - t0)


def _indicator_rows_con(  # type: ignore[no-untyped-def]
    con, settings: Settings, start: date, end: date, *, iso3: str | None = None
) -> pd.DataFrame:
    """Long indicator rows for [start, end] (one country's when `iso3` is given): stored when
    complete and current, else computed. Filtering in SQL matters: a year of every country is
    ~360k rows, one country's ~1.5k. Takes the caller's connection: opening one costs more
    than these queries."""
    _ensure_countries(con)
    if sql.get_meta(con, _FP_KEY) == _fingerprint(con, settings):
        stored = sql.scores_between(con, start, end, version=METHOD_VERSION, iso3=iso3)
        n_countries = 1 if iso3 is not None else sql.count_countries(con)
        expected = ((end - start).days + 1) * n_countries * len(INDICATORS)
        if len(stored) == expected:
            stored["day"] = pd.to_datetime(stored["day"]).dt.date
            return stored
    grid = _grid(con, settings, start, end)
    frame = grid.long(METHOD_VERSION).drop(columns="method_version")
    if iso3 is not None:
        frame = frame[frame["iso3"] == iso3].reset_index(drop=True)
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    return frame


def _wide(rows: pd.DataFrame, settings: Settings, index: list[str]) -> pd.DataFrame:
    wide = rows.pivot_table(index=index, columns="indicator", values="score", aggfunc="first")
    wide = wide.reindex(columns=list(INDICATORS)).fillna(0.0).reset_index()
    wide.columns.name = None
    wide["composite"] = composite(wide, list(INDICATORS), settings.scoring)
    return wide


def country_scores(
    store: Store,
    as_of: date | None = None,
    *,
    settings: Settings | None = None,
    today: date | None = None,
) -> pd.DataFrame:
    """Every country's scores on one day: iso3, name, region, subregion, composite, <indicators>.

    Sorted by composite, highest first. A day outside the stored history is computed on the fly.
    """
    s = _settings(settings)
    day = as_of or today or utc_today()
    with store.read() as con:  # one connection: opening one costs more than both queries
        rows = _indicator_rows_con(con, s, day, day)
        names = sql.countries_frame(con)[["iso3", "name", "region", "subregion"]]
    wide = _wide(rows, s, ["iso3"])
    out = names.merge(wide, on="iso3", how="left")
    out = out[["iso3", "name", "region", "subregion", "composite", *INDICATORS]]
    return out.sort_values(["composite", "iso3"], ascending=[False, True], ignore_index=True)


def history(
    store: Store, iso3: str, start: date, end: date, *, settings: Settings | None = None
) -> pd.DataFrame:
    """One country's daily scores: day, composite, <indicators>, oldest first."""
    if end < start:
        raise InputError(f"the history ends ({end}) before it starts ({start})", hint="swap the dates")
    s = _settings(settings)
    with store.read() as con:
        code = _require_country_con(con, iso3)
        rows = _indicator_rows_con(con, s, start, end, iso3=code)
    wide = _wide(rows, s, ["day"])
    return wide[["day", "composite", *INDICATORS]].sort_values("day", ignore_index=True)


def movers(
    store: Store,
    as_of: date | None = None,
    days: int = 7,
    *,
    settings: Settings | None = None,
    today: date | None = None,
) -> pd.DataFrame:
    """Change of each country's composite over `days`: iso3, name, composite, previous, change.

    Sorted by the size of the change, largest first.
    """
    if days < 1:
        raise InputError(f"days must be at least 1, not {days}", hint="pass a positive number of days")
    s = _settings(settings)
    day = as_of or today or utc_today()
    now = country_scores(store, day, settings=s)[["iso3", "name", "composite"]]
    before = country_scores(store, day - timedelta(days=days), settings=s)[["iso3", "composite"]]
    out = now.merge(before.rename(columns={"composite": "previous"}), on="iso3", how="left")
    out["change"] = out["composite"] - out["previous"]
    order = out["change"].abs().sort_values(ascending=False, kind="stable").index
    return out.loc[order].reset_index(drop=True)


def last_scored_day(store: Store) -> date | None:
    """The newest stored day of the current method, or None when nothing is stored."""
    with store.read() as con:
        return sql.stored_day_range(con, version=METHOD_VERSION)[1]


def require_country(store: Store, iso3: str) -> str:
    """The upper-cased code, or an InputError saying how to find the right one."""
    with store.read() as con:
        return _require_country_con(con, iso3)


def _require_country_con(con, iso3: str) -> str:  # type: ignore[no-untyped-def]
    code = (iso3 or "").strip().upper()
    _ensure_countries(con)
    if not sql.country_exists(con, code):
        raise InputError(
            f"unknown country '{iso3}'",
            hint="use an ISO 3166-1 alpha-3 code such as VEN or COL ('risk countries' lists them)",
        )
    return code
