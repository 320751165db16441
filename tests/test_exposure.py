"""Exposure: spend- and criticality-weighted country risk, concentration, what-if scenarios."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from risk import INDICATORS
from risk.cli import main
from risk.errors import InputError
from risk.exposure import WhatIf, apply_what_if, exposure
from risk.settings import load_settings
from risk.store import Store
from risk.suppliers import import_suppliers

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_suppliers.csv"


def scores_frame() -> pd.DataFrame:
    """A small, explicit score table (the scoring engine is tested elsewhere)."""
    rows = [  # iso3, name, region, subregion, migration, airspace, trade, sanctions
        ("VEN", "Venezuela", "Americas", "South America", 60, 90, 40, 55),
        ("COL", "Colombia", "Americas", "South America", 45, 10, 20, 5),
        ("BRA", "Brazil", "Americas", "South America", 10, 5, 10, 5),
        ("MEX", "Mexico", "Americas", "Central America", 30, 5, 15, 5),
        ("CHN", "China", "Asia", "Eastern Asia", 5, 10, 50, 30),
        ("PAK", "Pakistan", "Asia", "Southern Asia", 40, 30, 35, 20),
    ]
    frame = pd.DataFrame(rows, columns=["iso3", "name", "region", "subregion", *INDICATORS]).astype(
        {i: float for i in INDICATORS})
    from risk.score_engine import composite

    frame["composite"] = composite(frame, list(INDICATORS), load_settings().scoring)
    return frame


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "suppliers.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def portfolio(store: Store, tmp_path: Path) -> Store:
    import_suppliers(store, write(tmp_path, (
        "name,country,spend,criticality,category,single_source\n"
        "Caracas Air Parts,VEN,500000,5,avionics,\n"
        "Bogota Fabrics,Colombia,300000,3,textiles,no\n"
        "Shenzhen Boards,CN,150000,,electronics,yes\n"
        "Karachi Knits,PK,50000,2,textiles,\n")), portfolio="p")
    return store


def test_exposure_follows_the_documented_formula(portfolio: Store) -> None:
    sc = scores_frame()
    report = exposure(portfolio, "p", scores=sc)
    rows = report.suppliers.set_index("name")
    risk = sc.set_index("iso3")["composite"]
    share = 500000 / 1_000_000
    assert rows.loc["Caracas Air Parts", "risk"] == pytest.approx(risk["VEN"])
    assert rows.loc["Caracas Air Parts", "exposure"] == pytest.approx(risk["VEN"] / 100 * share * 5 / 3 * 100)
    assert rows.loc["Shenzhen Boards", "criticality"] == 3  # default, stated
    assert any("without criticality count as 3" in a for a in report.assumptions)
    assert rows.loc["Caracas Air Parts", "spend_at_risk"] == pytest.approx(500000 * risk["VEN"] / 100)
    assert rows.loc["Caracas Air Parts", "dominant_risk"] == "airspace_disruption"
    assert rows["high_exposure"]["Caracas Air Parts"]
    # single source: given where given, inferred (only one in its category) elsewhere
    assert rows.loc["Shenzhen Boards", "single_source"] and not rows.loc["Bogota Fabrics", "single_source"]
    assert rows.loc["Caracas Air Parts", "single_source"]  # only avionics supplier
    assert not rows.loc["Karachi Knits", "single_source"]  # textiles has two


def test_country_and_region_aggregates_and_hhi(portfolio: Store) -> None:
    report = exposure(portfolio, "p", scores=scores_frame())
    by_country = report.by_country.set_index("country")
    assert by_country.loc["VEN", "spend"] == 500000 and by_country.loc["VEN", "suppliers"] == 1
    assert by_country.loc["VEN", "hhi_suppliers"] == pytest.approx(10_000)
    assert report.hhi_countries == pytest.approx((0.5**2 + 0.3**2 + 0.15**2 + 0.05**2) * 10_000)
    by_region = report.by_region.set_index("region")
    assert by_region.loc["Americas", "suppliers"] == 2
    assert by_region.loc["Americas", "hhi_countries"] == pytest.approx(((5 / 8) ** 2 + (3 / 8) ** 2) * 10_000)
    assert report.total_exposure == pytest.approx(report.suppliers["exposure"].sum())


def test_no_spend_means_equal_shares_and_says_so(store: Store, tmp_path: Path) -> None:
    import_suppliers(store, write(tmp_path, "name,country\nA,VEN\nB,BRA\n"), portfolio="q")
    report = exposure(store, "q", scores=scores_frame())
    assert list(report.suppliers["spend_share"]) == [0.5, 0.5]
    assert any("equal share" in a for a in report.assumptions)
    # with every criticality at 3 the exposures add up to the mean risk
    assert report.total_exposure == pytest.approx(report.suppliers["risk"].mean())


def test_what_if_raises_exposure_and_spreads_to_neighbours(portfolio: Store) -> None:
    sc = scores_frame()
    base = exposure(portfolio, "p", scores=sc).suppliers.set_index("name")
    scenario = WhatIf.parse("COL:airspace_disruption:+60")
    hit = exposure(portfolio, "p", scores=sc, what_if=scenario)
    after = hit.suppliers.set_index("name")
    assert after.loc["Bogota Fabrics", "exposure"] > base.loc["Bogota Fabrics", "exposure"]
    assert after.loc["Bogota Fabrics", "airspace_disruption"] == 70
    assert after.loc["Caracas Air Parts", "exposure"] == pytest.approx(base.loc["Caracas Air Parts", "exposure"])
    assert "what-if" in hit.assumptions[0]
    spread = apply_what_if(sc, [WhatIf.parse("COL:trade_disruption:+40:neighbours")],
                           {"COL": ["VEN", "BRA"]}, load_settings()).set_index("iso3")
    factor = load_settings().scoring.spillover_factor
    assert spread.loc["BRA", "trade_disruption"] == pytest.approx(10 + 40 * factor)
    assert spread.loc["COL", "trade_disruption"] == 60
    assert spread.loc["CHN", "trade_disruption"] == 50


@pytest.mark.parametrize("text", ["VEN:airspace:+30", "VENEZUELA:airspace_disruption:+30", "VEN:trade_disruption"])
def test_bad_what_if_is_refused_with_the_format(text: str) -> None:
    with pytest.raises(InputError, match="ISO3:INDICATOR"):
        WhatIf.parse(text)


def test_unknown_portfolio_names_the_known_ones(portfolio: Store) -> None:
    with pytest.raises(InputError, match="known portfolios: p"):
        exposure(portfolio, "nope", scores=scores_frame())


def test_cli_exposure_json_matches_the_contract_and_country_scores(tmp_path: Path) -> None:
    db = str(tmp_path / "r.duckdb")
    run = CliRunner()
    assert run.invoke(main, ["init", "--db", db]).exit_code == 0
    assert run.invoke(main, ["suppliers", "import", str(SAMPLE), "--portfolio", "s", "--db", db]).exit_code == 0
    res = run.invoke(main, ["exposure", "--portfolio", "s", "--format", "json", "--db", db])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) == 153
    assert {"supplier", "country", "risk", "exposure"} <= set(rows[0])
    countries = json.loads(run.invoke(main, ["countries", "--format", "json", "--db", db]).stdout)
    composite = {c["iso3"]: c["composite"] for c in countries}
    for row in rows:
        assert row["risk"] == pytest.approx(composite[row["country"]] or 0.0, abs=0.1)
    raised = json.loads(run.invoke(main, ["exposure", "--portfolio", "s", "--format", "json", "--db", db,
                                          "--what-if", "PAK:trade_disruption:+40"]).stdout)
    pak = [(a["exposure"], b["exposure"]) for a, b in zip(rows, raised) if a["country"] == "PAK"]
    assert pak and all(after > before for before, after in pak)
    csv_out = run.invoke(main, ["exposure", "--portfolio", "s", "--format", "csv", "--db", db]).stdout
    assert csv_out.splitlines()[0].startswith("supplier,country,risk,exposure")
