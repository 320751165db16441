"""What a snapshot says, gathered from the library before any drawing starts.

Scores come from `risk.scoring`, exposure from `risk.exposure`, plans from
`risk.contingency`, evidence sentences and the previous snapshot from the store. Keeping
this apart from the layout lets tests check the content without reading a PDF.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from risk import INDICATOR_LABELS, INDICATORS
from risk.errors import InputError, RiskError
from risk.settings import Settings
from risk.store import Store
from risk.store import snapshots as sql
from risk.store.snapshots import SnapshotRecord

log = logging.getLogger(__name__)

TOP_COUNTRIES = 15
TOP_EXPOSURES = 15


@dataclass
class ReportData:
    """Everything the PDF shows, as plain frames and lists."""

    as_of: date
    generated_at: datetime
    portfolio: str | None
    high_risk: float
    scores: pd.DataFrame
    top: pd.DataFrame
    previous: SnapshotRecord | None
    suppliers: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_country: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_region: pd.DataFrame = field(default_factory=pd.DataFrame)
    assumptions: list[str] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    plans_note: str = ""


def _top(scores: pd.DataFrame, previous: dict[str, float]) -> pd.DataFrame:
    top = scores.dropna(subset=["composite"]).head(TOP_COUNTRIES).copy()
    top["previous"] = top["iso3"].map(previous) if previous else float("nan")
    top["change"] = top["composite"] - top["previous"]
    present = [c for c in INDICATORS if c in top.columns]

    def lead(row: pd.Series) -> str:
        vals = {c: row[c] for c in present if pd.notna(row[c])}
        if not vals:
            return ""
        best = max(vals, key=lambda c: vals[c])
        return f"{INDICATOR_LABELS.get(best, best)} {vals[best]:.0f}"

    top["driver"] = top.apply(lead, axis=1) if len(top) else []
    return top.reset_index(drop=True)


def _first(frame: pd.DataFrame, *names: str) -> str | None:
    for n in names:
        if n in frame.columns:
            return n
    return None


def _plan_dict(plan: Any) -> dict[str, Any]:
    """A contingency Plan flattened to what the page prints: who, where, why, what to do."""
    playbook = getattr(plan, "playbook", {}) or {}
    dominant = INDICATOR_LABELS.get(getattr(plan, "dominant_risk", ""), getattr(plan, "dominant_risk", ""))
    reason = f"Country risk {plan.risk:.0f}, driven by {str(dominant).lower()}"
    if playbook.get("title"):
        reason += f". Playbook: {playbook['title']}"
    actions = [str(a) for a in playbook.get("actions", [])]
    alts = getattr(plan, "alternatives", []) or []
    if alts:
        actions.append("Alternative countries: " + "; ".join(str(a.get("reason") or a.get("name")) for a in alts))
    peers = getattr(plan, "peers", []) or []
    if peers:
        actions.append("Other suppliers to shift to: " + "; ".join(str(p.get("reason") or p.get("supplier")) for p in peers))
    return {
        "title": plan.supplier,
        "country": plan.country_name or plan.country,
        "exposure": plan.exposure,
        "reason": reason,
        "actions": actions,
    }


def _portfolio(store: Store, settings: Settings, data: ReportData, scores: pd.DataFrame) -> None:
    """Exposure and contingency plans for the portfolio, from the scores already computed."""
    try:
        from risk.contingency import plans
    except ImportError:
        plans = None  # type: ignore[assignment]
    if plans is not None:
        crep = plans(store, str(data.portfolio), data.as_of, settings=settings, scores=scores)
        report = crep.exposure
        data.plans = [_plan_dict(p) for p in crep.plans]
        if crep.high_exposure > len(crep.plans):
            data.plans_note = (f"{crep.high_exposure} suppliers have high exposure; plans are shown for "
                               f"the {len(crep.plans)} most exposed.")
    else:
        from risk.exposure import exposure

        report = exposure(store, str(data.portfolio), data.as_of, settings=settings, scores=scores)
    data.suppliers = report.suppliers
    data.by_country = report.by_country
    data.by_region = report.by_region
    data.assumptions = [str(a) for a in report.assumptions]


def gather(
    store: Store,
    settings: Settings,
    *,
    portfolio: str | None,
    as_of: date,
    generated_at: datetime,
) -> ReportData:
    """Collect the snapshot's content; raises InputError for an unknown portfolio."""
    from risk.scoring import country_scores

    with store.read() as con:
        previous = sql.latest_snapshot(con)
        prev_scores = sql.snapshot_scores(con, previous.id) if previous else {}
    scores = country_scores(store, as_of, settings=settings)
    data = ReportData(
        as_of=as_of,
        generated_at=generated_at,
        portfolio=portfolio,
        high_risk=settings.scoring.high_risk,
        scores=scores,
        top=_top(scores, prev_scores),
        previous=previous,
    )
    if portfolio:
        from risk.store import suppliers as supplier_sql

        with store.read() as con:
            if not supplier_sql.portfolio_exists(con, portfolio):
                raise InputError(
                    f"no portfolio named '{portfolio}'",
                    hint="import one with 'risk suppliers import CSV --portfolio NAME'",
                )
        try:
            _portfolio(store, settings, data, scores)
        except RiskError:
            raise
        except Exception as e:  # a broken section must not cost the whole report
            log.exception("exposure for the snapshot failed")
            data.notes.append(f"Exposure could not be computed: {e}")
    countries = list(data.top["iso3"].head(8))
    with store.read() as con:
        data.evidence = sql.evidence_for(con, countries, per_country=6)
    return data


def supplier_columns(frame: pd.DataFrame) -> dict[str, str | None]:
    """Map the exposure frame's columns to the roles the layout needs."""
    return {
        "name": _first(frame, "supplier", "name"),
        "country": _first(frame, "country_name", "country"),
        "iso3": _first(frame, "country", "iso3"),
        "risk": _first(frame, "risk", "composite"),
        "exposure": _first(frame, "exposure", "score"),
        "spend": _first(frame, "annual_spend", "spend"),
    }
