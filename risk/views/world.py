"""The risk picture: scores, movers, history, evidence and what makes each score, plus the
data version the pages cache on."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from risk import INDICATORS
from risk.settings import Settings
from risk.store import Store
from risk.store import views as sql
from risk.views.labels import indicator_label, is_web_url

__all__ = [
    "data_version", "prepare", "status", "scores", "movers", "top_table", "movers_table", "history",
    "explain", "latest_evidence", "headline", "score_parts", "baseline_sources", "story_evidence",
    "neighbours", "neighbour_scores",
]


def data_version(store: Store) -> str:
    """Changes whenever the database file changes: the pages' cache key, costing one stat."""
    parts = []
    for p in (store.path, Path(str(store.path) + ".wal")):
        try:
            st = p.stat()
            parts.append(f"{st.st_mtime_ns}:{st.st_size}")
        except FileNotFoundError:
            parts.append("-")
    return "|".join(parts)


def prepare(store: Store, settings: Settings) -> dict[str, Any]:
    """Make sure a database exists with reference data; seed samples into an empty one.

    A first-time user then sees the bundled news and the sample supplier list at once.
    """
    from risk import bootstrap

    info = bootstrap.status(store)
    if info["countries"] == 0 or info["scores"] == 0:
        bootstrap.initialise(store, settings, seed=True)
        info = bootstrap.status(store)
    return info


def status(store: Store) -> dict[str, Any]:
    from risk import bootstrap

    return bootstrap.status(store)


def scores(store: Store, as_of: date | None = None) -> pd.DataFrame:
    from risk.scoring import country_scores

    return country_scores(store, as_of)


def movers(store: Store, days: int, now: pd.DataFrame) -> pd.DataFrame:
    """Change of each composite over `days` (as scoring.movers, reusing today's cached scores)."""
    from datetime import timedelta

    from risk.scoring import country_scores, utc_today

    before = country_scores(store, utc_today() - timedelta(days=days))[["iso3", "composite"]]
    out = now[["iso3", "name", "region", "subregion", "composite"]].merge(
        before.rename(columns={"composite": "previous"}), on="iso3", how="left")
    out["change"] = out["composite"] - out["previous"]
    order = out["change"].abs().sort_values(ascending=False, kind="stable").index
    return out.loc[order].reset_index(drop=True)


def top_table(scores_frame: pd.DataFrame, indicator: str, n: int = 8) -> pd.DataFrame:
    """The n countries highest on `indicator`, with the indicator that drives each most."""
    top = scores_frame.sort_values([indicator, "name"], ascending=[False, True]).head(n)
    driver = top[list(INDICATORS)].idxmax(axis=1).map(indicator_label)
    return pd.DataFrame({"country": top["name"], "score": top[indicator], "driver": driver})


def movers_table(moved: pd.DataFrame, n: int = 8) -> pd.DataFrame:
    """The n largest moves (up or down), as the page shows them; unchanged countries dropped."""
    moved = moved[moved["change"].abs() >= 0.05]
    return moved.head(n).rename(columns={"name": "country", "composite": "now"})[["country", "now", "change"]]


def history(store: Store, iso3: str, days: int = 365, end: date | None = None) -> pd.DataFrame:
    """A year (by default) of one country's daily scores, ending at the last scored day."""
    from datetime import timedelta

    from risk.scoring import history as _history
    from risk.scoring import last_scored_day, utc_today

    end = end or last_scored_day(store) or utc_today()
    return _history(store, iso3, end - timedelta(days=days - 1), end)


def explain(store: Store, iso3: str, settings: Settings | None = None) -> Any:
    from risk.explain import explain as _explain

    return _explain(store, iso3, settings=settings)


def latest_evidence(store: Store, *, limit: int = 25, countries: list[str] | None = None) -> pd.DataFrame:
    with store.read() as con:
        frame = sql.latest_evidence(con, limit=limit, countries=countries)
    frame["indicator"] = frame["indicator"].map(indicator_label)
    frame["url"] = frame["url"].where(frame["url"].map(is_web_url), None)
    return frame


def headline(scores_frame: pd.DataFrame, suppliers: pd.DataFrame | None, high_risk: float) -> dict[str, Any]:
    """Countries at high risk, and the suppliers and spend that sit in them."""
    high = scores_frame.loc[scores_frame["composite"] >= high_risk, "iso3"]
    out: dict[str, Any] = {"countries_high": int(len(high)), "suppliers": 0, "suppliers_high": 0,
                           "spend": 0.0, "spend_high": 0.0}
    if suppliers is not None and len(suppliers):
        at_risk = suppliers["country"].isin(set(high))
        spend = pd.to_numeric(suppliers.get("annual_spend", pd.Series(dtype=float)), errors="coerce").fillna(0)
        out.update(suppliers=int(len(suppliers)), suppliers_high=int(at_risk.sum()),
                   spend=float(spend.sum()), spend_high=float(spend[at_risk].sum()))
    return out


def score_parts(explanation: Any) -> pd.DataFrame:
    """Per indicator: the sourced baseline, the points news adds, neighbours' spillover, the score."""
    rows = [{"indicator": p.label, "baseline": p.baseline.value, "news": p.news_points,
             "spillover": p.spillover_points, "score": p.score,
             "spillover from": p.spillover.from_name if p.spillover else ""}
            for p in explanation.indicators]
    return pd.DataFrame(rows, columns=["indicator", "baseline", "news", "spillover", "score", "spillover from"])


def baseline_sources(explanation: Any) -> pd.DataFrame:
    """Where each baseline comes from (source, date, note)."""
    rows = [{"indicator": p.label, "value": p.baseline.value, "source": p.baseline.source or "none",
             "as of": p.baseline.as_of, "note": p.baseline.note or ""}
            for p in explanation.indicators]
    return pd.DataFrame(rows, columns=["indicator", "value", "source", "as of", "note"])


def story_evidence(explanation: Any) -> pd.DataFrame:
    """Each sentence behind the news points, with its story's points, date and source link."""
    rows = []
    for p in explanation.indicators:
        for story in p.stories:
            for ev in story.evidence:
                rows.append({"indicator": p.label, "points": story.points, "date": ev.day,
                             "sentence": ev.sentence, "modality": ev.modality,
                             "source": ev.title or ev.source or "", "url": ev.url if is_web_url(ev.url) else None,
                             "decay": story.decay})
    cols = ["indicator", "points", "date", "sentence", "modality", "source", "url", "decay"]
    return pd.DataFrame(rows, columns=cols)


def neighbours(store: Store) -> dict[str, list[str]]:
    """ISO3 -> land neighbours, as stored with the country reference."""
    from risk.exposure import neighbours_map

    return neighbours_map(store)


def neighbour_scores(scores_frame: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """The given neighbours with their composite, riskiest first."""
    near = scores_frame[scores_frame["iso3"].isin(codes)]
    return near[["name", "iso3", "composite"]].sort_values("composite", ascending=False)
