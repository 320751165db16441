"""Stored history, incremental recompute, method versions, --as-of on the fly, explanations."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from scoring_support import add_signals, load_countries

from risk import INDICATORS
from risk.errors import InputError
from risk.explain import explain
from risk.scoring import METHOD_VERSION, country_scores, history, last_scored_day, movers, recompute
from risk.settings import ScoringSettings, Settings
from risk.store import Store

TODAY = date(2025, 11, 30)


@pytest.fixture
def settings() -> Settings:
    return Settings(scoring=ScoringSettings(history_days=20))


@pytest.fixture
def seeded(store: Store) -> Store:
    load_countries(store)
    add_signals(store, [
        {"story_id": "a", "country": "VEN", "indicator": "airspace_disruption", "weight": 0.9, "day": date(2025, 11, 22),
         "sentence": "Washington closed Venezuelan airspace.", "url": "https://example.org/a"},
        {"story_id": "a", "document_id": "a2", "country": "VEN", "indicator": "airspace_disruption", "weight": 0.7,
         "day": date(2025, 11, 23), "source": "other-outlet"},
        {"story_id": "m", "country": "VEN", "indicator": "migration_pressure", "weight": 1.2, "day": date(2025, 11, 20)},
        {"story_id": "t", "country": "EGY", "indicator": "trade_disruption", "weight": 2.5, "day": date(2025, 11, 28)},
        {"story_id": "l", "country": "EGY", "indicator": "trade_disruption", "weight": -0.5, "day": date(2025, 11, 29)},
    ])
    return store


def _stored(store: Store) -> pd.DataFrame:
    with store.read() as con:
        return con.execute("SELECT * FROM scores ORDER BY day, iso3, indicator").df()


def test_recompute_stores_every_country_indicator_and_day_with_the_method_version(seeded: Store, settings: Settings) -> None:
    result = recompute(seeded, settings, today=TODAY)
    rows = _stored(seeded)
    with seeded.read() as con:
        n_countries = con.execute("SELECT count(*) FROM countries").fetchall()[0][0]
    assert result.full and len(rows) == n_countries * len(INDICATORS) * 20
    assert set(rows["method_version"]) == {METHOD_VERSION}
    assert last_scored_day(seeded) == TODAY
    assert (rows["score"] - (rows["baseline"] + rows["news"] + rows["spillover"]).clip(upper=100)).abs().max() < 1e-9


def test_incremental_recompute_equals_a_full_one(seeded: Store, settings: Settings) -> None:
    recompute(seeded, settings, today=TODAY)
    add_signals(seeded, [{"story_id": "n", "country": "COL", "indicator": "migration_pressure", "weight": 1.0,
                          "day": date(2025, 11, 27)}])
    part = recompute(seeded, settings, since=date(2025, 11, 27), today=TODAY)
    assert not part.full and part.start == date(2025, 11, 27)
    incremental = _stored(seeded)
    recompute(seeded, settings, today=TODAY)
    pd.testing.assert_frame_equal(incremental, _stored(seeded))


def test_a_changed_method_setting_recomputes_everything(seeded: Store, settings: Settings) -> None:
    recompute(seeded, settings, today=TODAY)
    slower = Settings(scoring=ScoringSettings(history_days=20, half_life_days=28))
    assert recompute(seeded, slower, since=TODAY, today=TODAY).full
    assert recompute(seeded, slower, since=TODAY, today=TODAY).full is False


def test_a_new_day_extends_the_window(seeded: Store, settings: Settings) -> None:
    recompute(seeded, settings, today=TODAY)
    later = recompute(seeded, settings, since=TODAY + timedelta(days=5), today=TODAY + timedelta(days=3))
    assert later.start == TODAY + timedelta(days=1)
    rows = _stored(seeded)
    assert rows["day"].min().date() == TODAY + timedelta(days=3) - timedelta(days=19)


def test_as_of_outside_the_stored_window_is_computed_on_the_fly(seeded: Store, settings: Settings) -> None:
    recompute(seeded, settings, today=date(2026, 6, 1))  # the window no longer holds November 2025
    on_the_fly = country_scores(seeded, date(2025, 11, 25), settings=settings)
    recompute(seeded, settings, today=TODAY)
    stored = country_scores(seeded, date(2025, 11, 25), settings=settings)
    pd.testing.assert_frame_equal(on_the_fly, stored, atol=1e-9, check_exact=False)
    assert on_the_fly.set_index("iso3").loc["VEN", "airspace_disruption"] > 10


def test_history_and_movers(seeded: Store, settings: Settings) -> None:
    recompute(seeded, settings, today=TODAY)
    h = history(seeded, "ven", date(2025, 11, 18), date(2025, 11, 30), settings=settings)
    assert list(h.columns) == ["day", "composite", *INDICATORS] and len(h) == 13
    assert h.iloc[0]["airspace_disruption"] == 0 and h.set_index("day").loc[date(2025, 11, 22), "airspace_disruption"] > 0
    m = movers(seeded, TODAY, 10, settings=settings)
    assert m.iloc[0]["iso3"] in {"VEN", "EGY"} and abs(m.iloc[0]["change"]) > 5
    with pytest.raises(InputError, match="unknown country"):
        history(seeded, "XXX", date(2025, 11, 1), date(2025, 11, 2), settings=settings)


@pytest.mark.parametrize("day", [date(2025, 11, 25), date(2025, 11, 29), date(2026, 1, 10)])
def test_every_explanation_sums_to_its_score(seeded: Store, settings: Settings, day: date) -> None:
    from risk.baselines import load_baselines

    load_baselines(seeded, settings)
    frame = country_scores(seeded, day, settings=settings).set_index("iso3")
    sample = ["VEN", "COL", "BRA", "GUY", "EGY", "SDN", "LBY", "ISR", "USA", "IRN", "PRK", "FRA", "DEU", "NER"]
    for iso3 in sample:
        e = explain(seeded, iso3, as_of=day, settings=settings)
        assert e.composite == pytest.approx(frame.loc[iso3, "composite"], abs=1e-9)
        for part in e.indicators:
            parts = part.baseline.value + sum(s.points for s in part.stories) + part.spillover_points + part.cap_points
            assert parts == pytest.approx(part.score, abs=1e-9)
            assert part.score == pytest.approx(frame.loc[iso3, part.indicator], abs=1e-9)
            if not part.baseline.sourced:
                assert part.baseline.text == "no sourced baseline"


def test_explanation_names_the_story_sources_and_decay(seeded: Store, settings: Settings) -> None:
    e = explain(seeded, "VEN", as_of=date(2025, 11, 25), settings=settings)
    air = next(p for p in e.indicators if p.indicator == "airspace_disruption")
    (story,) = air.stories  # two outlets, one story
    assert story.documents == 2 and story.raw_weight == pytest.approx(0.9)
    assert story.decay == pytest.approx(0.5 ** (3 / 14))
    assert "https://example.org/a" in story.sources and "other-outlet" in story.sources
    assert any("closed Venezuelan airspace" in ev.sentence for ev in story.evidence)
    col = explain(seeded, "COL", as_of=date(2025, 11, 25), settings=settings)
    mig = next(p for p in col.indicators if p.indicator == "migration_pressure")
    assert mig.spillover is not None and mig.spillover.from_iso3 == "VEN" and mig.spillover.points > 0
