"""The issue's done-when checks, end to end through risk.ingest on the real seed article and feeds."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from risk.settings import Settings
from risk.store import Store

ingest_mod = pytest.importorskip("risk.ingest", reason="risk.ingest not built yet")
pytest.importorskip("risk.extract", reason="risk.extract not built yet")
bootstrap = pytest.importorskip("risk.bootstrap", reason="risk.bootstrap not built yet")

SEED_DAY = date(2025, 11, 25)
IND = ["migration_pressure", "airspace_disruption", "trade_disruption", "sanctions_exposure"]


@pytest.fixture
def initialised(store: Store) -> tuple[Store, Settings]:
    settings = Settings()
    bootstrap.initialise(store, settings)
    return store, settings


def _scores(store: Store, settings: Settings, day: date) -> dict[str, dict[str, float]]:
    from risk.scoring import country_scores

    frame = country_scores(store, day, settings=settings)
    return frame.set_index("iso3")[["composite", *IND]].to_dict(orient="index")


def test_seed_article_moves_venezuela_and_neighbours_not_the_united_states(
    initialised: tuple[Store, Settings], realdata: Path
) -> None:
    store, settings = initialised
    seed = realdata / "seed_article_venezuela_2025-11.txt"
    before = _scores(store, settings, SEED_DAY)
    first = ingest_mod.ingest(store, settings, [seed], today=SEED_DAY)
    assert first.signals > 0
    after = _scores(store, settings, SEED_DAY)
    assert after["VEN"]["airspace_disruption"] - before["VEN"]["airspace_disruption"] >= 10
    assert after["COL"]["migration_pressure"] > before["COL"]["migration_pressure"]
    for ind in ("airspace_disruption", "sanctions_exposure"):
        assert abs(after["USA"][ind] - before["USA"][ind]) <= 1
    top10 = sorted(after, key=lambda c: -after[c]["composite"])[:10]
    assert "VEN" in top10
    second = ingest_mod.ingest(store, settings, [seed], today=SEED_DAY)
    assert second.new == 0 and _scores(store, settings, SEED_DAY) == after


def test_niger_airspace_rises_in_august_2023_and_fades_at_the_half_life(
    initialised: tuple[Store, Settings], realdata: Path
) -> None:
    from risk.explain import explain

    store, settings = initialised
    feeds = sorted((realdata / "rss_feed_archive").glob("2023-08-*.json"))
    assert feeds
    before = _scores(store, settings, date(2023, 8, 1))["NER"]["airspace_disruption"]
    ingest_mod.ingest(store, settings, feeds, today=date(2023, 8, 8))
    day = date(2023, 8, 8)
    raised = explain(store, "NER", as_of=day, settings=settings)
    air = next(p for p in raised.indicators if p.indicator == "airspace_disruption")
    assert air.score > before and air.stories
    half = settings.scoring.half_life_days
    loads = []
    for k in (0, 1, 2):
        later = explain(store, "NER", as_of=day + timedelta(days=round(k * half)), settings=settings)
        loads.append(next(p for p in later.indicators if p.indicator == "airspace_disruption").load)
    # no Niger stories after 8 August in these feeds: the load halves every half-life exactly
    assert loads[1] == pytest.approx(loads[0] / 2, rel=1e-9)
    assert loads[2] == pytest.approx(loads[0] / 4, rel=1e-9)
    week_scores = [_scores(store, settings, day + timedelta(days=7 * w))["NER"]["airspace_disruption"] for w in range(4)]
    assert week_scores == sorted(week_scores, reverse=True) and week_scores[-1] < week_scores[0]


def test_risk_countries_json_follows_the_contract(initialised: tuple[Store, Settings], db_path: Path) -> None:
    from risk.cli import main

    result = CliRunner().invoke(main, ["countries", "--db", str(db_path), "--format", "json", "--as-of", "2025-11-25"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 249
    assert {"iso3", "name", "composite", "indicators"} <= set(rows[0])
    assert set(rows[0]["indicators"]) == set(IND)
    assert rows == sorted(rows, key=lambda r: -r["composite"])
    bad = CliRunner().invoke(main, ["countries", "--db", str(db_path), "--as-of", "25/11/2025"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
    unknown = CliRunner().invoke(main, ["explain", "ZZZ", "--db", str(db_path)])
    assert unknown.exit_code != 0 and "unknown country" in unknown.output
    explained = CliRunner().invoke(main, ["explain", "VEN", "--db", str(db_path), "--format", "json",
                                          "--as-of", "2025-11-25"])
    assert explained.exit_code == 0 and json.loads(explained.output)["iso3"] == "VEN"
    csv_out = CliRunner().invoke(main, ["countries", "--db", str(db_path), "--format", "csv", "--sort", "name",
                                        "--region", "Americas"])
    assert csv_out.exit_code == 0 and csv_out.output.splitlines()[0].startswith("iso3,name")
