"""The arithmetic of scores, vectorised over countries x indicators x days (see METHODOLOGY.md).

    document weight  w_doc   = clip(sum of the document's signal weights for (country, indicator), -1.5, 3)
    story weight     W_s(D)  = max w_doc over the story's documents dated <= D (min when none is > 0)
    decay            f_s(D)  = 0.5 ** ((D - first day of story) / half_life), 0 beyond horizon_days
    load             L(D)    = max(0, sum_s W_s(D) * f_s(D))
    news             N(D)    = news_scale * (1 - exp(-L / saturation))
    spillover        S(D)    = spillover_factor * max over neighbours n of N_n(D)  (spillover indicators)
    score                    = min(100, baseline + N + S)

The load is computed as a first-order recursive filter over days (L[t] = r L[t-1] + impulses),
so a full year for 249 countries costs a few hundred vector operations, whatever the volume.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from risk.settings import ScoringSettings

DOC_MIN, DOC_MAX = -1.5, 3.0
"""One document cannot lift a score by more than a few asserted statements, nor undo more."""

_SNAP = 1e-9
"""Loads this close to zero are zero: the filter's cancellations leave ~1e-16 residue."""


def document_weights(signals: pd.DataFrame) -> pd.DataFrame:
    """One row per (story, country, indicator, document): clipped weight sum and its day."""
    cols = ["story_id", "country", "indicator", "document_id", "weight", "day"]
    if signals.empty:
        return pd.DataFrame(columns=cols)
    docs = (
        signals.groupby(["story_id", "country", "indicator", "document_id"], as_index=False)
        .agg(weight=("weight", "sum"), day=("day", "min"))
    )
    docs["weight"] = docs["weight"].clip(DOC_MIN, DOC_MAX)
    docs["day"] = pd.to_datetime(docs["day"]).dt.date
    return docs[cols]


def story_steps(docs: pd.DataFrame) -> pd.DataFrame:
    """Changes of each story's weight, by day: (story_id, country, indicator, first, day, step).

    A story counts once however many outlets carry it: its weight is the strongest document
    (the max; the most negative when none is positive), so echoes add nothing.
    """
    cols = ["story_id", "country", "indicator", "first", "day", "step", "weight"]
    if docs.empty:
        return pd.DataFrame(columns=cols)
    keys = ["story_id", "country", "indicator"]
    d = docs.sort_values(keys + ["day"], kind="stable").reset_index(drop=True)
    g = d.groupby(keys, sort=False)["weight"]
    cmax, cmin = g.cummax(), g.cummin()
    d["agg"] = np.where(cmax > 0, cmax, cmin)
    per_day = d.groupby(keys + ["day"], as_index=False, sort=False)["agg"].last()
    # `d` is sorted by key then day and the groupby keeps that order, so each story's first
    # row holds its earliest day: "first" is "min" without a Python loop over date objects.
    per_day["first"] = per_day.groupby(keys, sort=False)["day"].transform("first")
    per_day["step"] = per_day.groupby(keys, sort=False)["agg"].diff().fillna(per_day["agg"])
    per_day = per_day.rename(columns={"agg": "weight"})
    return per_day[cols]


def decay_factor(age_days: int | np.ndarray, settings: ScoringSettings) -> np.ndarray:
    """0.5 ** (age / half_life) for 0 <= age <= horizon, else 0."""
    age = np.asarray(age_days, dtype=float)
    f = np.power(0.5, age / settings.half_life_days)
    return np.where((age >= 0) & (age <= settings.horizon_days), f, 0.0)


def news_points(load: np.ndarray | float, settings: ScoringSettings) -> np.ndarray:
    """Saturating: the first stories count most, a flood approaches news_scale, never beyond."""
    l_arr = np.maximum(np.asarray(load, dtype=float), 0.0)
    return settings.news_scale * (1.0 - np.exp(-l_arr / settings.saturation))


@dataclass
class Grid:
    """Scores for days [start, end] of every country (rows of `countries`) and indicator."""

    days: list[date]
    iso3: list[str]
    indicators: list[str]
    baseline: np.ndarray  # (C, I)
    news: np.ndarray  # (T, C, I)
    spillover: np.ndarray  # (T, C, I)
    score: np.ndarray  # (T, C, I)
    spill_from: np.ndarray  # (T, C, I) index of the neighbour the spillover came from, -1 none

    def long(self, method_version: str) -> pd.DataFrame:
        """Long rows: iso3, indicator, day, baseline, news, spillover, score, method_version."""
        nums, lookup = self.compact()
        out = nums.merge(lookup, on="s")
        out["day"] = [self.days[k] for k in out["t"]]
        out["method_version"] = method_version
        return out[["iso3", "indicator", "day", "baseline", "news", "spillover", "score", "method_version"]]

    def compact(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Numbers only (s = series, t = day offset) plus a series lookup: cheap to bulk-load."""
        t, c, i = self.score.shape
        nums = pd.DataFrame(
            {
                "t": np.repeat(np.arange(t, dtype=np.int32), c * i),
                "s": np.tile(np.arange(c * i, dtype=np.int32), t),
                "baseline": np.broadcast_to(self.baseline, (t, c, i)).ravel(),
                "news": self.news.ravel(),
                "spillover": self.spillover.ravel(),
                "score": self.score.ravel(),
            }
        )
        lookup = pd.DataFrame(
            {
                "s": np.arange(c * i, dtype=np.int32),
                "iso3": np.repeat(np.array(self.iso3, dtype=object), i),
                "indicator": np.tile(np.array(self.indicators, dtype=object), c),
            }
        )
        return nums, lookup


def compute_grid(
    *,
    countries: pd.DataFrame,
    indicators: list[str],
    baselines: pd.DataFrame,
    signals: pd.DataFrame,
    start: date,
    end: date,
    settings: ScoringSettings,
) -> Grid:
    """Scores for every country and indicator on every day in [start, end]."""
    iso3 = list(countries["iso3"])
    c_idx = {c: k for k, c in enumerate(iso3)}
    i_idx = {ind: k for k, ind in enumerate(indicators)}
    n_c, n_i = len(iso3), len(indicators)
    horizon = settings.horizon_days
    g0 = start - timedelta(days=horizon + 1)
    n_t = (end - g0).days + 1
    r = 0.5 ** (1.0 / settings.half_life_days)

    base = np.zeros((n_c, n_i))
    for row in baselines.itertuples(index=False):
        if row.iso3 in c_idx and row.indicator in i_idx:
            base[c_idx[row.iso3], i_idx[row.indicator]] = float(row.value)

    impulses = np.zeros((n_t, n_c * n_i))
    steps = story_steps(document_weights(signals))
    if not steps.empty:
        ci = steps["country"].map(c_idx)
        ii = steps["indicator"].map(i_idx)
        ok = ci.notna() & ii.notna()
        s = steps[ok]
        series = (ci[ok].astype(int) * n_i + ii[ok].astype(int)).to_numpy()
        day_n = np.array([(d - g0).days for d in s["day"]])
        first_n = np.array([(d - g0).days for d in s["first"]])
        step = s["step"].to_numpy(dtype=float)
        end_n = first_n + horizon + 1  # first day the story no longer counts
        keep = (day_n >= 0) & (day_n < end_n) & (day_n < n_t)
        series, day_n, first_n, step, end_n = (a[keep] for a in (series, day_n, first_n, step, end_n))
        amp = step * r ** (day_n - first_n).astype(float)
        np.add.at(impulses, (day_n, series), amp)
        late = end_n < n_t
        np.add.at(impulses, (end_n[late], series[late]), -amp[late] * r ** (end_n[late] - day_n[late]))

    load = np.empty_like(impulses)
    acc = np.zeros(n_c * n_i)
    for t in range(n_t):
        acc = acc * r + impulses[t]
        load[t] = acc
    first_out = (start - g0).days
    load = load[first_out:].reshape(-1, n_c, n_i)
    load[np.abs(load) < _SNAP] = 0.0
    news = news_points(load, settings)

    spill = np.zeros_like(news)
    spill_from = np.full(news.shape, -1, dtype=np.int64)
    nbs = [[c_idx[n] for n in (nb if nb is not None else []) if n in c_idx] for nb in countries["neighbours"]]
    width = max((len(n) for n in nbs), default=0)
    spill_ind = [i_idx[i] for i in settings.spillover_indicators if i in i_idx]
    if width and spill_ind:
        nb = np.full((n_c, width), n_c, dtype=np.int64)  # n_c = a zero column for padding
        for k, row in enumerate(nbs):
            nb[k, : len(row)] = row
        for i in spill_ind:
            padded = np.concatenate([news[:, :, i], np.zeros((news.shape[0], 1))], axis=1)
            gathered = padded[:, nb]  # (T, C, width)
            best = gathered.argmax(axis=2)
            top = np.take_along_axis(gathered, best[..., None], axis=2)[..., 0]
            spill[:, :, i] = settings.spillover_factor * top
            src = np.take_along_axis(np.broadcast_to(nb, gathered.shape), best[..., None], axis=2)[..., 0]
            spill_from[:, :, i] = np.where(top > 0, src, -1)

    score = np.minimum(100.0, base[None, :, :] + news + spill)
    days = [start + timedelta(days=k) for k in range((end - start).days + 1)]
    return Grid(days, iso3, list(indicators), base, news, spill, score, spill_from)


def composite(scores: pd.DataFrame, indicators: list[str], settings: ScoringSettings) -> pd.Series:
    """Composite of indicator columns: the worst (weighted) indicator plus a share of the headroom
    filled by the weighted mean of the others, so one calm indicator cannot hide a severe one.

        e_i = s_i * w_i / max(w);  M = max e_i;  R = weighted mean of the other e_i
        composite = M + k * (100 - M) * R / 100
    """
    cols = [c for c in indicators if c in scores.columns]
    w = np.array([settings.weights.get(c, 1.0) for c in cols], dtype=float)
    if len(cols) == 0 or w.max() <= 0:
        return pd.Series(0.0, index=scores.index)
    e = scores[cols].to_numpy(dtype=float) * (w / w.max())
    top = e.argmax(axis=1)
    m = e[np.arange(len(e)), top]
    mask = np.ones_like(e, dtype=bool)
    mask[np.arange(len(e)), top] = False
    ww = np.broadcast_to(w, e.shape) * mask
    denom = ww.sum(axis=1)
    rest = np.divide((e * ww).sum(axis=1), denom, out=np.zeros(len(e)), where=denom > 0)
    return pd.Series(m + settings.composite_k * (100.0 - m) * rest / 100.0, index=scores.index)

