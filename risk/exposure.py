"""Supplier exposure: each supplier's country risk, weighted by spend and criticality.

    exposure = risk / 100 * spend_share * criticality / 3 * 100      (points)

With every criticality at the default 3, the exposures of a portfolio add up to its
spend-weighted mean country risk (0-100); a critical supplier (5) counts 5/3 as much.
spend_at_risk = spend * risk / 100. Concentration is the Herfindahl-Hirschman index of
spend shares (0-10,000; above 2,500 counts as highly concentrated, US DoJ/FTC guidelines).
What-if scenarios raise one indicator in one country (optionally its neighbours, times
the scoring spillover factor) and recompute the composite with the scoring formula.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from risk import INDICATORS
from risk.errors import InputError
from risk.settings import Settings, load_settings
from risk.store import Store
from risk.store import suppliers as sql


@dataclass(frozen=True)
class WhatIf:
    """Raise `indicator` in `country` by `delta` points (clipped to 0-100)."""

    country: str
    indicator: str
    delta: float
    neighbours: bool = False

    @classmethod
    def parse(cls, text: str) -> WhatIf:
        """'VEN:airspace_disruption:+30' or 'VEN:airspace_disruption:+30:neighbours'."""
        m = re.fullmatch(r"\s*([A-Za-z]{3}):([a-z_]+):([+-]?\d+(?:\.\d+)?)(:neighbou?rs)?\s*", text or "")
        if not m or m.group(2) not in INDICATORS:
            raise InputError(f"cannot read the what-if {text!r}",
                             hint="write ISO3:INDICATOR:+POINTS[:neighbours], e.g. VEN:airspace_disruption:+30; "
                             f"indicators: {', '.join(INDICATORS)}")
        return cls(m.group(1).upper(), m.group(2), float(m.group(3)), bool(m.group(4)))

    def describe(self) -> str:
        spread = " and its neighbours" if self.neighbours else ""
        return f"what-if: {self.indicator} in {self.country}{spread} {self.delta:+g} points"


@dataclass
class ExposureReport:
    portfolio: str
    as_of: date | None
    suppliers: pd.DataFrame  # one row per supplier: exposure, risk, spend_share, dominant_risk, ...
    by_country: pd.DataFrame
    by_region: pd.DataFrame
    scores: pd.DataFrame  # country scores used (what-ifs applied)
    assumptions: list[str] = field(default_factory=list)
    what_if: list[WhatIf] = field(default_factory=list)
    hhi_countries: float = 0.0
    total_exposure: float = 0.0

    def records(self) -> list[dict[str, Any]]:
        """The contract rows: supplier, country, risk, exposure, then the rest."""
        cols = ["supplier", "country", "risk", "exposure", "line", "country_name", "region", "spend",
                "spend_share", "spend_at_risk", "criticality", "category", "single_source", "dominant_risk",
                "high_exposure", "flags", *INDICATORS]
        frame = self.suppliers.rename(columns={"name": "supplier"})[cols]
        out = frame.astype(object).where(frame.notna(), None).to_dict("records")
        for row in out:
            for key in ("risk", "exposure", "spend_share", "spend_at_risk", *INDICATORS):
                if row[key] is not None:
                    row[key] = round(float(row[key]), 4 if key in ("exposure", "spend_share") else 2)
            row["flags"] = list(row["flags"]) if row["flags"] is not None else []
        return out


def neighbours_map(store: Store) -> dict[str, list[str]]:
    """ISO3 -> neighbouring ISO3s (GeoNames, through the shared country reference)."""
    from risk.countries import countries

    return {c.iso3: list(c.neighbours) for c in countries()}


def apply_what_if(scores: pd.DataFrame, scenarios: list[WhatIf], neighbours: dict[str, list[str]],
                  settings: Settings) -> pd.DataFrame:
    """A copy of `scores` with the scenarios applied and the composite recomputed."""
    from risk.score_engine import composite

    out = scores.copy()
    for w in scenarios:
        if w.country not in set(out["iso3"]):
            raise InputError(f"what-if country '{w.country}' has no scores",
                             hint="use an ISO3 code such as VEN ('risk countries' lists them)")
        targets = {w.country: w.delta}
        if w.neighbours:
            for n in neighbours.get(w.country, []):
                targets.setdefault(n, w.delta * settings.scoring.spillover_factor)
        hit = out["iso3"].isin(list(targets))
        out.loc[hit, w.indicator] = (out.loc[hit, w.indicator] + out.loc[hit, "iso3"].map(targets)).clip(0, 100)
    if scenarios:
        out["composite"] = composite(out, list(INDICATORS), settings.scoring)
    return out


def _hhi(shares: pd.Series) -> float:
    return float((shares.pow(2)).sum() * 10_000)


def exposure(store: Store, portfolio: str, as_of: date | None = None, what_if: list[WhatIf] | WhatIf | None = None,
             *, settings: Settings | None = None, scores: pd.DataFrame | None = None) -> ExposureReport:
    """Exposure of every supplier in `portfolio` to its country's risk on `as_of` (default today)."""
    s = settings or load_settings()
    scenarios = [what_if] if isinstance(what_if, WhatIf) else list(what_if or [])
    with store.read() as con:
        if not sql.portfolio_exists(con, portfolio):
            names = sql.list_portfolios(con)["name"].tolist()
            raise InputError(f"no portfolio named '{portfolio}'", hint=(
                f"known portfolios: {', '.join(names)}" if names else "import one with 'risk suppliers import CSV'"))
        sup = sql.load_suppliers(con, portfolio)
    if scores is None:
        from risk.scoring import country_scores

        scores = country_scores(store, as_of, settings=s)
    scores = apply_what_if(scores, scenarios, neighbours_map(store) if scenarios else {}, s)
    assumptions: list[str] = [w.describe() for w in scenarios]
    cols = ["iso3", "name", "region", "subregion", "composite", *INDICATORS]
    frame = sup.merge(scores[cols].rename(columns={"iso3": "country", "name": "country_name", "composite": "risk"}),
                      on="country", how="left")
    missing = frame["risk"].isna()
    if missing.any():
        lost = ", ".join(sorted(frame.loc[missing, "country"].dropna().unique())[:10])
        assumptions.append(f"{int(missing.sum())} supplier(s) in countries without scores ({lost}) count as risk 0")
        frame[["risk", *INDICATORS]] = frame[["risk", *INDICATORS]].fillna(0.0)
    frame["spend"] = frame["annual_spend"]
    if frame["spend"].isna().all():
        frame["spend_share"] = 1.0 / max(len(frame), 1)
        assumptions.append("no spend given: every supplier weighs the same (equal share of the portfolio)")
    else:
        if frame["spend"].isna().any():
            median = float(frame["spend"].median())
            assumptions.append(f"{int(frame['spend'].isna().sum())} supplier(s) without spend count at the "
                               f"median spend ({median:,.0f})")
            frame["spend"] = frame["spend"].fillna(median)
        total = float(frame["spend"].sum())
        frame["spend_share"] = frame["spend"] / total if total > 0 else 1.0 / len(frame)
    crit_default = s.contingency.default_criticality
    if frame["criticality"].isna().any():
        assumptions.append(f"{int(frame['criticality'].isna().sum())} supplier(s) without criticality count as "
                           f"{crit_default} on the 1-5 scale")
    frame["criticality"] = frame["criticality"].fillna(crit_default).astype(int)
    frame["exposure"] = frame["risk"] / 100 * frame["spend_share"] * frame["criticality"] / 3 * 100
    frame["spend_at_risk"] = frame["spend"] * frame["risk"] / 100 if frame["spend"].notna().any() else np.nan
    top = frame[list(INDICATORS)].to_numpy(dtype=float)
    frame["dominant_risk"] = pd.Series(np.array(INDICATORS, dtype=object)[top.argmax(axis=1)] if len(frame) else [],
                                       index=frame.index, dtype=object).where(top.max(axis=1, initial=0) > 0, None)
    frame["single_source"] = _single_source(frame, assumptions)
    frame["high_exposure"] = (frame["exposure"] >= s.contingency.high_exposure) | (frame["risk"] >= s.scoring.high_risk)
    assumptions.append("exposure = risk/100 x spend share x criticality/3 x 100; high exposure: exposure >= "
                       f"{s.contingency.high_exposure:g} or country risk >= {s.scoring.high_risk:g}")
    by_country = _by_country(frame)
    return ExposureReport(portfolio=portfolio, as_of=as_of, suppliers=frame, by_country=by_country,
                          by_region=_by_region(frame), scores=scores, assumptions=assumptions, what_if=scenarios,
                          hhi_countries=_hhi(by_country["spend_share"]), total_exposure=float(frame["exposure"].sum()))


def _single_source(frame: pd.DataFrame, assumptions: list[str]) -> pd.Series:
    """As given; where not given and categories exist, the only supplier of its category."""
    given = frame["single_source"].astype("boolean")
    if given.notna().all() or frame["category"].isna().all():
        return given.fillna(False).astype(bool)
    alone = frame.groupby(frame["category"].fillna("\x00"))["name"].transform("size").eq(1) & frame["category"].notna()
    if given.isna().any():
        assumptions.append("single-source where not given: the only supplier of its category in this portfolio")
    return given.fillna(alone).astype(bool)


def _by_country(frame: pd.DataFrame) -> pd.DataFrame:
    g = frame.groupby("country", dropna=False)
    out = g.agg(country_name=("country_name", "first"), region=("region", "first"), subregion=("subregion", "first"),
                suppliers=("name", "size"), spend=("spend", "sum"), spend_share=("spend_share", "sum"),
                spend_at_risk=("spend_at_risk", "sum"), risk=("risk", "first"), exposure=("exposure", "sum"),
                single_source=("single_source", "sum")).reset_index()
    within = frame["spend_share"] / frame.groupby("country", dropna=False)["spend_share"].transform("sum")
    out["hhi_suppliers"] = out["country"].map(within.pow(2).groupby(frame["country"], dropna=False).sum() * 10_000)
    return out.sort_values("exposure", ascending=False, ignore_index=True)


def _by_region(frame: pd.DataFrame) -> pd.DataFrame:
    f = frame.assign(region=frame["region"].fillna("Unknown"), weighted=frame["risk"] * frame["spend_share"])
    per_country = f.groupby(["region", "country"], dropna=False)["spend_share"].sum()
    shares = per_country / per_country.groupby(level=0).transform("sum")
    out = f.groupby("region").agg(countries=("country", "nunique"), suppliers=("name", "size"), spend=("spend", "sum"),
                                  spend_share=("spend_share", "sum"), spend_at_risk=("spend_at_risk", "sum"),
                                  exposure=("exposure", "sum"), weighted=("weighted", "sum")).reset_index()
    out["risk"] = out["weighted"] / out["spend_share"]
    out["hhi_countries"] = out["region"].map(shares.pow(2).groupby(level=0).sum() * 10_000)
    return out.drop(columns="weighted").sort_values("exposure", ascending=False, ignore_index=True)
