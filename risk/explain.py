"""Why a score is what it is: baseline + each story + spillover (+ cap) = score, exactly.

News saturates, so a story's points are not its own curve: the news points of an indicator
are shared out across its stories in proportion to their decayed weights (a lifted measure's
negative weight takes points away). The parts then sum to the score by construction, and the
score equals the one `country_scores` reports (same formulas, see METHODOLOGY.md).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from pydantic import BaseModel

from risk import INDICATOR_LABELS, INDICATORS
from risk.score_engine import compute_grid, composite, decay_factor, document_weights, news_points
from risk.scoring import METHOD_VERSION, _ensure_countries, _settings, require_country, utc_today
from risk.settings import Settings
from risk.store import Store
from risk.store import scores as sql

_SNAP = 1e-9


class BaselinePart(BaseModel):
    value: float
    sourced: bool
    source: str | None = None
    as_of: date | None = None
    note: str | None = None
    text: str


class Evidence(BaseModel):
    sentence: str
    weight: float
    modality: str
    day: date
    source: str | None = None
    url: str | None = None
    title: str | None = None


class StoryPart(BaseModel):
    story_id: str
    title: str | None
    first_day: date
    age_days: int
    documents: int
    raw_weight: float
    decay: float
    decayed_weight: float
    points: float
    sources: list[str]
    evidence: list[Evidence]


class SpilloverPart(BaseModel):
    from_iso3: str
    from_name: str
    neighbour_news: float
    factor: float
    points: float


class IndicatorExplanation(BaseModel):
    indicator: str
    label: str
    score: float
    baseline: BaselinePart
    load: float
    news_points: float
    stories: list[StoryPart]
    spillover_points: float
    spillover: SpilloverPart | None
    cap_points: float


class Explanation(BaseModel):
    iso3: str
    name: str
    as_of: date
    method_version: str
    composite: float
    indicators: list[IndicatorExplanation]


def _stories(signals: pd.DataFrame, indicator: str, as_of: date, settings: Settings) -> list[StoryPart]:
    sig = signals[signals["indicator"] == indicator]
    docs = document_weights(sig)
    rows_of: dict[object, list[Any]] = {}  # each story's signal rows, in one pass (not one scan per story)
    for r in sig.itertuples(index=False):
        rows_of.setdefault(r.story_id, []).append(r)
    out: list[StoryPart] = []
    for story_id, group in docs.groupby("story_id", sort=True):
        top = group["weight"].max()
        weight = float(top if top > 0 else group["weight"].min())
        first = min(group["day"])
        age = (as_of - first).days
        decay = float(decay_factor(age, settings.scoring))
        if weight == 0 or decay == 0:
            continue
        evidence = [
            Evidence(sentence=r.sentence, weight=float(r.weight), modality=r.modality,
                     day=pd.Timestamp(r.day).date(), source=_text(r.source), url=_text(r.url),
                     title=_text(r.title))
            for r in rows_of.get(story_id, [])
        ]
        sources = sorted({e.url or e.source or "" for e in evidence} - {""})
        title = next((e.title for e in evidence if e.title), None)
        out.append(StoryPart(story_id=str(story_id), title=title, first_day=first, age_days=age,
                             documents=len(group), raw_weight=weight, decay=decay,
                             decayed_weight=weight * decay, points=0.0, sources=sources,
                             evidence=evidence))
    return out


def _text(v: object) -> str | None:
    return None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)


def explain(
    store: Store,
    iso3: str,
    as_of: date | None = None,
    settings: Settings | None = None,
    *,
    today: date | None = None,
) -> Explanation:
    """Every indicator of one country on one day, broken into parts that sum to its score."""
    s = _settings(settings)
    code = require_country(store, iso3)
    day = as_of or today or utc_today()
    with store.read() as con:
        _ensure_countries(con)
        countries = sql.countries_frame(con)
        baselines = sql.baselines_frame(con)
        signals = sql.signals_frame(con, until=day, iso3=code)
        # Spillover into `code` comes from its neighbours' news, which depends on their own
        # signals only: the grid needs just these countries' signals to give the same numbers.
        near = list(countries.loc[countries["iso3"] == code, "neighbours"].iloc[0])
        grid = compute_grid(countries=countries, indicators=list(INDICATORS), baselines=baselines,
                            signals=sql.signals_frame(con, until=day, countries=[code, *near]),
                            start=day, end=day, settings=s.scoring)
    names = dict(zip(countries["iso3"], countries["name"]))
    c = grid.iso3.index(code)
    parts: list[IndicatorExplanation] = []
    for k, ind in enumerate(INDICATORS):
        b = baselines[(baselines["iso3"] == code) & (baselines["indicator"] == ind)]
        if b.empty:
            base = BaselinePart(value=0.0, sourced=False, text="no sourced baseline")
        else:
            r = b.iloc[0]
            as_of_b = pd.Timestamp(r["as_of"]).date()
            base = BaselinePart(value=float(r["value"]), sourced=True, source=r["source"],
                                as_of=as_of_b, note=_text(r["note"]) or None,
                                text=f"{float(r['value']):.1f} from {r['source']} (as of {as_of_b})")
        stories = _stories(signals, ind, day, s)
        load = sum(st.decayed_weight for st in stories)
        load = 0.0 if abs(load) < _SNAP else load
        news = float(news_points(load, s.scoring))
        for st in stories:
            st.points = news * st.decayed_weight / load if load > 0 else 0.0
        stories.sort(key=lambda st: -abs(st.points))
        spill = float(grid.spillover[0, c, k])
        src = int(grid.spill_from[0, c, k])
        spill_part = None
        if spill > 0 and src >= 0:
            spill_part = SpilloverPart(from_iso3=grid.iso3[src], from_name=names[grid.iso3[src]],
                                       neighbour_news=float(grid.news[0, src, k]),
                                       factor=s.scoring.spillover_factor, points=spill)
        raw = base.value + sum(st.points for st in stories) + spill
        score = min(100.0, raw)
        parts.append(IndicatorExplanation(indicator=ind, label=INDICATOR_LABELS.get(ind, ind),
                                          score=score, baseline=base, load=load, news_points=news,
                                          stories=stories, spillover_points=spill,
                                          spillover=spill_part, cap_points=score - raw))
    comp = composite(pd.DataFrame([{p.indicator: p.score for p in parts}]), list(INDICATORS), s.scoring)
    return Explanation(iso3=code, name=names[code], as_of=day, method_version=METHOD_VERSION,
                       composite=float(comp.iloc[0]), indicators=parts)


def render_text(e: Explanation) -> str:
    """A plain-text account for a terminal or a log."""
    lines = [f"{e.name} ({e.iso3}) on {e.as_of}: composite {e.composite:.1f}  [{e.method_version}]", ""]
    for p in e.indicators:
        lines.append(f"{p.label}: {p.score:.1f}")
        lines.append(f"  baseline   {p.baseline.value:6.1f}  {p.baseline.text}")
        for st in p.stories:
            lines.append(
                f"  story      {st.points:6.1f}  first {st.first_day} ({st.age_days} d, weight "
                f"{st.raw_weight:.2f} x decay {st.decay:.2f}, {st.documents} doc(s))"
            )
            for ev in st.evidence[:3]:
                where = ev.url or ev.source or ""
                lines.append(f"               \"{ev.sentence[:140]}\" {where}")
        if p.spillover is not None:
            sp = p.spillover
            lines.append(
                f"  spillover  {sp.points:6.1f}  {sp.factor:.2f} x news {sp.neighbour_news:.1f} "
                f"of neighbour {sp.from_name} ({sp.from_iso3})"
            )
        if p.cap_points:
            lines.append(f"  cap        {p.cap_points:6.1f}  scores stop at 100")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
