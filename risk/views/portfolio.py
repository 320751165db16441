"""Suppliers: uploads checked and saved, exposure tables and maps, and contingency plans
with what-if scenarios."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from risk import INDICATORS
from risk.store import Store
from risk.store import views as sql
from risk.views.labels import indicator_label

__all__ = [
    "portfolio_names", "portfolios", "exposure", "SUPPLIER_COLUMNS", "suppliers_in",
    "SAMPLE_PORTFOLIO", "sample_suppliers_file", "check_suppliers", "save_portfolio", "rejects_csv",
    "separator_name", "assumptions", "EXPOSURE_COLUMNS", "exposure_table", "concentration_tables",
    "supplier_points", "what_if", "plans", "plans_frame", "plans_markdown",
]


def portfolio_names(store: Store) -> list[str]:
    with store.read() as con:
        return [str(n) for n in sql.portfolios(con)["name"]]


def portfolios(store: Store) -> pd.DataFrame:
    with store.read() as con:
        return sql.portfolios(con)


def exposure(store: Store, portfolio: str, scores_frame: pd.DataFrame | None = None) -> Any:
    """Each supplier's exposure; pass the day's scores when the caller already has them."""
    from risk.exposure import exposure as _exposure

    return _cheap_to_cache(_exposure(store, portfolio, scores=scores_frame))


def _cheap_to_cache(report: Any) -> Any:
    """The report with each supplier's flags as a tuple instead of a NumPy array.

    The pages cache reports with st.cache_data, which pickles them on every cold run and
    unpickles them on every warm one: 10,000 small arrays cost ~0.3 s to pickle and ~0.1 s to
    load, tuples a few milliseconds. Same values; `exposure_table` joins either into text.
    """
    frame = report.suppliers
    if "flags" in frame and len(frame) and not isinstance(frame["flags"].iloc[0], tuple):
        array, plain = np.ndarray, list
        flags = [tuple(f) if type(f) is array or type(f) is plain else f for f in frame["flags"]]
        report.suppliers = frame.assign(flags=pd.Series(flags, index=frame.index, dtype=object))
    return report


SUPPLIER_COLUMNS = ("name", "city", "category", "spend", "criticality", "risk", "dominant_risk", "exposure")


def suppliers_in(report: Any, iso3: str) -> pd.DataFrame:
    """The portfolio's suppliers located in one country, most exposed first."""
    frame = report.suppliers
    here = frame[frame["country"] == iso3]
    cols = [c for c in SUPPLIER_COLUMNS if c in here.columns]
    here = here.sort_values("exposure", ascending=False)[cols]
    return here.assign(dominant_risk=_labels(here["dominant_risk"])) if "dominant_risk" in here else here


def _labels(column: pd.Series) -> pd.Series:
    """Indicator names as labels: one look-up per distinct value, not per supplier."""
    names = {v: indicator_label(v) for v in column.dropna().unique()}
    return column.map(lambda v: names.get(v, ""))


SAMPLE_PORTFOLIO = "Sample portfolio"


def sample_suppliers_file() -> Path | None:
    """The bundled sample supplier list a first-time user can download or load."""
    from risk.settings import DATA_DIR

    path = DATA_DIR / "sample_suppliers.csv"
    return path if path.is_file() else None


def check_suppliers(raw: bytes, filename: str, max_rows: int | None = None) -> Any:
    """Validate an uploaded file without storing it: accepted rows, rejects with reasons."""
    from risk.suppliers import read_suppliers

    return read_suppliers(raw, name=filename, max_rows=max_rows)


def save_portfolio(store: Store, raw: bytes, portfolio: str, filename: str, max_rows: int | None = None) -> Any:
    """Store an uploaded file as a named portfolio (replacing one of the same name)."""
    from risk.suppliers import import_suppliers

    return import_suppliers(store, raw, portfolio=portfolio, name=filename, max_rows=max_rows)


def rejects_csv(result: Any) -> bytes:
    from risk.suppliers import rejects_csv as _rejects_csv

    return _rejects_csv(result)


def separator_name(sep: str) -> str:
    return {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes"}.get(sep, repr(sep))


def assumptions(report: Any) -> list[str]:
    raw = getattr(report, "assumptions", None) or []
    if isinstance(raw, dict):
        return [f"{k}: {v}" for k, v in raw.items()]
    return [str(a) for a in raw]


EXPOSURE_COLUMNS = ("name", "country_name", "country", "city", "category", "spend", "currency", "criticality",
                    "single_source", "risk", "dominant_risk", "exposure", "spend_at_risk", "high_exposure",
                    *INDICATORS, "flags")


def _joined(value: Any) -> Any:
    """A list of flags as one readable cell."""
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        return "; ".join(map(str, list(value)))
    return value


def exposure_table(report: Any) -> pd.DataFrame:
    """The per-supplier exposure table, most exposed first, in the columns a manager reads."""
    frame = report.suppliers
    cols = [c for c in EXPOSURE_COLUMNS if c in frame.columns]
    out = frame[cols]
    if "exposure" in out:
        out = out.sort_values(["exposure", "name"], ascending=[False, True])
    if "dominant_risk" in out:
        out = out.assign(dominant_risk=_labels(out["dominant_risk"]))
    if "flags" in out:
        out = out.assign(flags=out["flags"].map(_joined))
    return out.reset_index(drop=True)


def concentration_tables(report: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """By-country and by-region tables; spend columns dropped when the list gave no spend."""
    no_spend = report.suppliers["annual_spend"].isna().all() if "annual_spend" in report.suppliers else False
    drop = ["spend", "spend_at_risk"] if no_spend else []
    return (report.by_country.drop(columns=drop, errors="ignore"),
            report.by_region.drop(columns=drop, errors="ignore"))


def supplier_points(report: Any) -> pd.DataFrame:
    """Map points: suppliers with coordinates where they are; the rest grouped at their
    country's centre, so a list of names and countries still shows where the spend sits."""
    from risk.countries import countries

    centre = {c.iso3: (c.lat, c.lon) for c in countries()}
    f = report.suppliers
    known = f["lat"].notna() & f["lon"].notna()
    exact = pd.DataFrame({"label": f.loc[known, "name"].astype(str), "lat": f.loc[known, "lat"],
                          "lon": f.loc[known, "lon"], "suppliers": 1, "spend": f.loc[known, "spend"],
                          "risk": f.loc[known, "risk"], "country": f.loc[known, "country_name"]})
    rest = f[~known & f["country"].notna()]
    grouped = rest.groupby("country").agg(country_name=("country_name", "first"), suppliers=("name", "size"),
                                         spend=("spend", "sum"), risk=("risk", "first")).reset_index()
    grouped["lat"] = grouped["country"].map(lambda c: centre.get(c, (None, None))[0])
    grouped["lon"] = grouped["country"].map(lambda c: centre.get(c, (None, None))[1])
    grouped["label"] = grouped.apply(
        lambda r: f"{r.suppliers:,} supplier(s) in {r.country_name or r.country} (placed at the country centre)",
        axis=1)
    grouped = grouped.rename(columns={"country_name": "country_label"}).drop(columns="country")
    grouped = grouped.rename(columns={"country_label": "country"})
    cols = ["label", "lat", "lon", "suppliers", "spend", "risk", "country"]
    return pd.concat([exact[cols], grouped[cols]], ignore_index=True).dropna(subset=["lat", "lon"])


def what_if(country: str | None, indicator: str, points: float, neighbours: bool) -> Any:
    """The scenario the page's controls describe, or None when it changes nothing."""
    from risk.exposure import WhatIf

    if not country or not points:
        return None
    return WhatIf(country=country, indicator=indicator, delta=float(points), neighbours=neighbours)


def plans(store: Store, portfolio: str, scenario: Any = None, scores_frame: pd.DataFrame | None = None) -> Any:
    from risk.contingency import plans as _plans

    report = _plans(store, portfolio, what_if=scenario, scores=scores_frame)
    _cheap_to_cache(report.exposure)
    return report


def plans_frame(report: Any) -> pd.DataFrame:
    """One row per plan, alternatives and actions joined into text, for a table or a CSV."""
    rows = [{
        "supplier": p.supplier, "country": p.country_name or p.country, "iso3": p.country,
        "category": p.category or "", "risk": round(p.risk, 1), "exposure": round(p.exposure, 2),
        "dominant risk": indicator_label(p.dominant_risk),
        "alternative countries": "; ".join(a["reason"] for a in p.alternatives),
        "same-category suppliers": "; ".join(a["reason"] for a in p.peers),
        "actions": "; ".join(map(str, p.playbook.get("actions", []))),
    } for p in report.plans]
    cols = ["supplier", "country", "iso3", "category", "risk", "exposure", "dominant risk",
            "alternative countries", "same-category suppliers", "actions"]
    return pd.DataFrame(rows, columns=cols)


def plans_markdown(report: Any, scenario: Any = None) -> str:
    """The plan as a Markdown document to share (a file, never rendered by the dashboard)."""
    lines = [f"# Contingency plan: {report.portfolio}", ""]
    if scenario is not None:
        lines += [f"Scenario: {scenario.describe()}", ""]
    lines += [f"{report.high_exposure} high-exposure supplier(s); {len(report.plans)} plan(s) below.", ""]
    for p in report.plans:
        lines += [f"## {p.supplier} ({p.country_name or p.country})", "",
                   f"Risk {p.risk:.0f}, exposure {p.exposure:.2f}, "
                   f"dominant risk: {indicator_label(p.dominant_risk)}.", ""]
        if p.alternatives:
            lines += ["Alternative countries:", *[f"- {a['reason']}" for a in p.alternatives], ""]
        if p.peers:
            lines += ["Same-category suppliers in lower-risk countries:", *[f"- {a['reason']}" for a in p.peers], ""]
        title = p.playbook.get("title") or "Actions"
        lines += [f"{title}:", *[f"- [ ] {a}" for a in p.playbook.get("actions", [])], ""]
    return "\n".join(lines)
