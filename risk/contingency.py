"""Contingency plans for high-exposure suppliers: where else to buy, whom else to use, what to do.

For each high-exposure supplier (see risk.exposure), most exposed first:
- alternative countries in the same subregion, then region, whose composite is lower by
  at least `min_improvement` points, ranked by composite, each with its reason;
- other suppliers of the same category in this portfolio, in lower-risk countries;
- the playbook of its dominant risk (data/playbook.toml, or the user's own file).
Countries under 1 million people are not offered as sourcing alternatives (territories,
micro-states: rarely a realistic place to move production), nor countries with no score at
all (every indicator 0: no baseline and no news, so "low risk" would be a guess).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from risk import INDICATOR_LABELS, INDICATORS
from risk.errors import ConfigError
from risk.exposure import ExposureReport, WhatIf, exposure
from risk.settings import DATA_DIR, Settings, load_settings
from risk.store import Store

DEFAULT_PLAYBOOK = DATA_DIR / "playbook.toml"
MIN_POPULATION = 1_000_000


@dataclass
class Plan:
    line: int
    supplier: str
    country: str
    country_name: str | None
    risk: float
    exposure: float
    dominant_risk: str
    category: str | None
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    peers: list[dict[str, Any]] = field(default_factory=list)
    playbook: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


@dataclass
class ContingencyReport:
    portfolio: str
    plans: list[Plan]
    exposure: ExposureReport
    high_exposure: int  # suppliers flagged high exposure (plans may be capped below this)
    playbook_source: str


def load_playbook(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """{indicator or 'default': {'title': str, 'actions': [str, ...]}} from a TOML file."""
    file = path or DEFAULT_PLAYBOOK
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ConfigError("playbook file not found", where=str(file),
                          hint="fix [contingency] playbook_file in risk.toml or remove it to use the bundled one") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"playbook is not valid TOML: {e}", where=str(file), hint="fix the syntax") from e
    for key, section in data.items():
        if not isinstance(section, dict) or not isinstance(section.get("actions"), list):
            raise ConfigError(f"playbook section [{key}] needs an 'actions' list", where=str(file),
                              hint="see data/playbook.toml for the shape")
    return data


@lru_cache(maxsize=1)
def _populations() -> dict[str, int]:
    from risk.countries import countries

    return {c.iso3: c.population for c in countries()}


def alternatives(scores: pd.DataFrame, iso3: str, *, n: int, min_improvement: float) -> list[dict[str, Any]]:
    """Lower-risk countries near `iso3`: same subregion first, then same region."""
    me = scores.loc[scores["iso3"] == iso3]
    if me.empty:
        return []
    row = me.iloc[0]
    dominant = max(INDICATORS, key=lambda i: float(row[i]))
    pops = _populations()
    scored = scores[list(INDICATORS)].fillna(0).gt(0).any(axis=1)  # all zeros: no baseline, no news: unknown
    pool = scores[(scores["iso3"] != iso3) & (scores["composite"] <= float(row["composite"]) - min_improvement)
                  & scored & scores["iso3"].map(lambda c: pops.get(c, 0) >= MIN_POPULATION)]
    out: list[dict[str, Any]] = []
    for scope in ("subregion", "region"):
        if pd.isna(row[scope]):
            continue
        near = pool[(pool[scope] == row[scope]) & ~pool["iso3"].isin([a["iso3"] for a in out])]
        for alt in near.sort_values(["composite", "iso3"]).itertuples():
            out.append(_alternative(alt, row, dominant, scope))
            if len(out) >= n:
                return out
    return out


def _alternative(alt: Any, row: pd.Series, dominant: str, scope: str) -> dict[str, Any]:
    reason = f"{alt.name}: composite {alt.composite:.0f} vs {row['composite']:.0f}"
    mine, theirs = float(row[dominant]), float(getattr(alt, dominant))
    if theirs < mine:
        reason += f", lower {INDICATOR_LABELS[dominant].lower()} ({theirs:.0f} vs {mine:.0f})"
    return {"iso3": alt.iso3, "name": alt.name, "composite": round(float(alt.composite), 1),
            "scope": scope, "reason": reason}


def peers(frame: pd.DataFrame, supplier: pd.Series, *, n: int, min_improvement: float) -> list[dict[str, Any]]:
    """Other suppliers of the same category in this portfolio, in countries lower in risk."""
    if pd.isna(supplier["category"]):
        return []
    same = frame[(frame["category"] == supplier["category"]) & (frame["line"] != supplier["line"])
                 & (frame["risk"] <= supplier["risk"] - min_improvement)]
    best = same.sort_values(["risk", "line"]).drop_duplicates("country").head(n)
    return [{"line": int(p.line), "supplier": p.name, "country": p.country, "risk": round(float(p.risk), 1),
             "reason": f"{p.name} ({p.country_name or p.country}): same category, risk "
                       + (f"{p.risk:.0f}" if p.risk > 0 else "0 (country not scored yet)")
                       + f" vs {supplier['risk']:.0f}"} for p in best.itertuples()]


def plans(store: Store, portfolio: str, as_of: date | None = None, what_if: list[WhatIf] | WhatIf | None = None,
          *, settings: Settings | None = None, scores: pd.DataFrame | None = None) -> ContingencyReport:
    """A plan for each high-exposure supplier of `portfolio`, most exposed first."""
    s = settings or load_settings()
    c = s.contingency
    report = exposure(store, portfolio, as_of, what_if, settings=s, scores=scores)
    book = load_playbook(c.playbook_file)
    frame = report.suppliers
    high = frame[frame["high_exposure"]].sort_values(["exposure", "line"], ascending=[False, True])
    out: list[Plan] = []
    nearby: dict[str, list[dict[str, Any]]] = {}  # plans cluster in few countries: one search each
    for _, sup in high.head(c.max_plans).iterrows():
        iso3 = str(sup["country"])
        if iso3 not in nearby:
            nearby[iso3] = alternatives(report.scores, iso3, n=c.alternatives, min_improvement=c.min_improvement)
        dominant = sup["dominant_risk"] if isinstance(sup["dominant_risk"], str) else "default"
        entry = book.get(dominant) or book.get("default") or {"title": "", "actions": []}
        out.append(Plan(
            line=int(sup["line"]), supplier=str(sup["name"]), country=str(sup["country"]),
            country_name=None if pd.isna(sup["country_name"]) else str(sup["country_name"]),
            risk=float(sup["risk"]), exposure=float(sup["exposure"]), dominant_risk=dominant,
            category=None if pd.isna(sup["category"]) else str(sup["category"]),
            alternatives=[dict(a) for a in nearby[iso3]],
            peers=peers(frame, sup, n=c.alternatives, min_improvement=c.min_improvement),
            playbook={"risk": dominant, "title": entry.get("title", ""),
                      "actions": list(entry.get("actions", []))},
        ))
    return ContingencyReport(portfolio=portfolio, plans=out, exposure=report, high_exposure=len(high),
                             playbook_source=str(c.playbook_file or DEFAULT_PLAYBOOK))
