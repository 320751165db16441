"""The scoring arithmetic on signals put straight into a store (no extractor needed)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from scoring_support import add_signals, load_countries

from risk import INDICATORS
from risk.score_engine import composite, decay_factor, news_points
from risk.scoring import country_scores
from risk.settings import ScoringSettings, Settings
from risk.store import Store

D0 = date(2025, 11, 22)


@pytest.fixture
def settings() -> Settings:
    return Settings(scoring=ScoringSettings(history_days=30))


@pytest.fixture
def scored(store: Store) -> Store:
    load_countries(store)
    return store


def _score(store: Store, settings: Settings, iso3: str, indicator: str, day: date) -> float:
    frame = country_scores(store, day, settings=settings)
    return float(frame.set_index("iso3").loc[iso3, indicator])


def sig(story: str, iso3: str, indicator: str, weight: float, day: date = D0, **kw: object) -> dict:
    return {"story_id": story, "country": iso3, "indicator": indicator, "weight": weight, "day": day, **kw}


def test_decay_formula_halves_load_every_half_life(scored: Store, settings: Settings) -> None:
    add_signals(scored, [sig("s1", "NER", "airspace_disruption", 0.1)])
    sc = settings.scoring
    for k in (0, 7, 14, 28, 42):
        expected = float(news_points(0.1 * 0.5 ** (k / sc.half_life_days), sc))
        got = _score(scored, settings, "NER", "airspace_disruption", D0 + timedelta(days=k))
        assert got == pytest.approx(expected, abs=1e-9)
    # in the near-linear regime of small loads, the news points themselves halve per half-life
    p0 = _score(scored, settings, "NER", "airspace_disruption", D0)
    p14 = _score(scored, settings, "NER", "airspace_disruption", D0 + timedelta(days=14))
    assert p14 / p0 == pytest.approx(0.5, rel=0.03)


def test_decay_factor_is_zero_before_the_day_and_beyond_the_horizon() -> None:
    sc = ScoringSettings(horizon_days=30)
    f = decay_factor([-1, 0, 14, 30, 31], sc)
    assert list(f) == [0.0, 1.0, 0.5, pytest.approx(0.5 ** (30 / 14)), 0.0]


def test_nothing_before_the_first_signal_and_nothing_after_the_horizon(scored: Store, settings: Settings) -> None:
    add_signals(scored, [sig("s1", "NER", "airspace_disruption", 1.0)])
    horizon = settings.scoring.horizon_days
    assert _score(scored, settings, "NER", "airspace_disruption", D0 - timedelta(days=1)) == 0.0
    assert _score(scored, settings, "NER", "airspace_disruption", D0 + timedelta(days=horizon)) > 0.0
    assert _score(scored, settings, "NER", "airspace_disruption", D0 + timedelta(days=horizon + 1)) == 0.0


def test_a_story_counts_once_however_many_outlets_carry_it(scored: Store, settings: Settings) -> None:
    add_signals(scored, [sig("one", "VEN", "airspace_disruption", 0.8, document_id=f"d{k}", source=f"outlet{k}")
                         for k in range(5)])
    add_signals(scored, [sig("single", "CUB", "airspace_disruption", 0.8)])
    add_signals(scored, [sig(f"story{k}", "HTI", "airspace_disruption", 0.8) for k in range(5)])
    ven = _score(scored, settings, "VEN", "airspace_disruption", D0)
    assert ven == pytest.approx(_score(scored, settings, "CUB", "airspace_disruption", D0), abs=1e-9)
    assert _score(scored, settings, "HTI", "airspace_disruption", D0) > ven


def test_news_grows_sub_linearly_and_never_beyond_news_scale(scored: Store, settings: Settings) -> None:
    add_signals(scored, [sig("a", "JPN", "trade_disruption", 1.0)])
    add_signals(scored, [sig(f"b{k}", "NZL", "trade_disruption", 1.0) for k in range(2)])
    add_signals(scored, [sig(f"c{k}", "ISL", "trade_disruption", 1.0) for k in range(200)])
    one = _score(scored, settings, "JPN", "trade_disruption", D0)
    two = _score(scored, settings, "NZL", "trade_disruption", D0)
    flood = _score(scored, settings, "ISL", "trade_disruption", D0)
    assert one < two < 2 * one
    assert flood <= settings.scoring.news_scale + 1e-9


def test_a_lifted_measure_takes_points_away_but_never_below_zero(scored: Store, settings: Settings) -> None:
    add_signals(scored, [sig("ban", "QAT", "airspace_disruption", 1.0),
                         sig("lift", "QAT", "airspace_disruption", -0.6, day=D0 + timedelta(days=2), modality="lifted"),
                         sig("lift-only", "OMN", "airspace_disruption", -1.0)])
    day = D0 + timedelta(days=3)
    with_lift = _score(scored, settings, "QAT", "airspace_disruption", day)
    expected = float(news_points(1.0 * 0.5 ** (3 / 14) - 0.6 * 0.5 ** (1 / 14), settings.scoring))
    assert with_lift == pytest.approx(expected, abs=1e-9)
    assert _score(scored, settings, "OMN", "airspace_disruption", day) == 0.0


def test_spillover_reaches_neighbours_for_migration_not_airspace(scored: Store, settings: Settings) -> None:
    add_signals(scored, [sig("m", "VEN", "migration_pressure", 1.0), sig("a", "VEN", "airspace_disruption", 1.0)])
    frame = country_scores(scored, D0, settings=settings).set_index("iso3")
    factor = settings.scoring.spillover_factor
    assert frame.loc["COL", "migration_pressure"] == pytest.approx(factor * frame.loc["VEN", "migration_pressure"])
    assert frame.loc["BRA", "migration_pressure"] > 0
    assert frame.loc["COL", "airspace_disruption"] == 0.0
    assert frame.loc["USA", list(INDICATORS)].abs().max() == 0.0


def test_composite_lets_no_calm_indicator_hide_a_severe_one() -> None:
    sc = ScoringSettings()
    frame = pd.DataFrame([
        {"migration_pressure": 90.0, "airspace_disruption": 0.0, "trade_disruption": 0.0, "sanctions_exposure": 0.0},
        {"migration_pressure": 30.0, "airspace_disruption": 30.0, "trade_disruption": 30.0, "sanctions_exposure": 30.0},
        {"migration_pressure": 90.0, "airspace_disruption": 50.0, "trade_disruption": 0.0, "sanctions_exposure": 0.0},
        {"migration_pressure": 100.0, "airspace_disruption": 100.0, "trade_disruption": 100.0, "sanctions_exposure": 100.0},
    ])
    c = composite(frame, list(INDICATORS), sc)
    assert c[0] == pytest.approx(90.0)  # the severe indicator shows through untouched
    assert c[0] > c[1]  # one severe outranks several mild
    assert c[2] > c[0]  # a second bad indicator adds, and never subtracts
    assert c[3] == pytest.approx(100.0)
    assert (c <= 100).all()


def test_composite_weights_discount_an_indicator() -> None:
    row = pd.DataFrame([{"migration_pressure": 0.0, "airspace_disruption": 80.0, "trade_disruption": 0.0,
                         "sanctions_exposure": 0.0}])
    full = composite(row, list(INDICATORS), ScoringSettings())[0]
    half = composite(row, list(INDICATORS), ScoringSettings(weights={**ScoringSettings().weights,
                                                                      "airspace_disruption": 0.5}))[0]
    assert half == pytest.approx(full / 2)


def test_scores_cap_at_100(scored: Store, settings: Settings) -> None:
    from risk.store.scores import replace_baselines

    with scored.transaction() as con:
        replace_baselines(con, pd.DataFrame([{"iso3": "PRK", "indicator": "sanctions_exposure", "value": 95.0,
                                              "source": "test", "as_of": D0, "note": ""}]))
    add_signals(scored, [sig(f"s{k}", "PRK", "sanctions_exposure", 2.0) for k in range(3)])
    assert _score(scored, settings, "PRK", "sanctions_exposure", D0) == 100.0
