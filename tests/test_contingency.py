"""Contingency plans: alternatives near the supplier, peers in the portfolio, a playbook by dominant risk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from risk.cli import main
from risk.contingency import load_playbook, plans
from risk.errors import ConfigError
from risk.exposure import WhatIf
from risk.settings import load_settings
from risk.store import Store
from risk.suppliers import import_suppliers
from test_exposure import scores_frame

CSV = (
    "name,country,spend,criticality,category\n"
    "Caracas Air Parts,VEN,500000,5,avionics\n"
    "Bogota Fabrics,Colombia,300000,3,textiles\n"
    "Sao Paulo Textil,Brazil,100000,3,textiles\n"
    "Caracas Weaving,VEN,80000,3,textiles\n"
    "Karachi Knits,PK,50000,2,textiles\n"
)


@pytest.fixture
def portfolio(store: Store, tmp_path: Path) -> Store:
    path = tmp_path / "s.csv"
    path.write_text(CSV, encoding="utf-8")
    import_suppliers(store, path, portfolio="p")
    return store


def test_high_exposure_supplier_gets_alternatives_peers_and_playbook(portfolio: Store) -> None:
    sc = scores_frame()
    report = plans(portfolio, "p", scores=sc)
    by_name = {p.supplier: p for p in report.plans}
    # Venezuela is above the high-risk line; Bogota Fabrics is big enough (29% of spend) to pass 5 points
    assert set(by_name) == {"Caracas Air Parts", "Caracas Weaving", "Bogota Fabrics"}
    assert by_name["Bogota Fabrics"].exposure >= load_settings().contingency.high_exposure
    plan = by_name["Caracas Weaving"]
    assert report.plans[0].supplier == "Caracas Air Parts"  # most exposed first
    # same subregion (South America) first, lowest composite first, each with its reason
    assert [a["iso3"] for a in plan.alternatives] == ["BRA", "COL", "MEX"]
    assert [a["scope"] for a in plan.alternatives] == ["subregion", "subregion", "region"]
    ven = sc.set_index("iso3").loc["VEN", "composite"]
    assert plan.alternatives[1]["reason"].startswith(f"Colombia: composite {sc.set_index('iso3').loc['COL', 'composite']:.0f} vs {ven:.0f}")
    assert "lower airspace disruption (10 vs 90)" in plan.alternatives[1]["reason"]
    # peers: same category, lower-risk countries, lowest risk first
    assert [q["supplier"] for q in plan.peers] == ["Sao Paulo Textil", "Bogota Fabrics", "Karachi Knits"]
    assert by_name["Caracas Air Parts"].peers == []  # only avionics supplier
    assert plan.playbook["risk"] == "airspace_disruption"
    assert any("air freight" in a for a in plan.playbook["actions"])


def test_what_if_changes_the_plans(portfolio: Store) -> None:
    sc = scores_frame()
    before = {p.supplier for p in plans(portfolio, "p", scores=sc).plans}
    after = plans(portfolio, "p", scores=sc, what_if=[WhatIf.parse("PAK:sanctions_exposure:+70")])
    names = {p.supplier: p for p in after.plans}
    assert "Karachi Knits" not in before and "Karachi Knits" in names
    assert names["Karachi Knits"].playbook["risk"] == "sanctions_exposure"
    assert any("sanctions lists" in a for a in names["Karachi Knits"].playbook["actions"])


def test_playbook_is_user_editable_data(portfolio: Store, tmp_path: Path) -> None:
    book = load_playbook()
    assert {"airspace_disruption", "trade_disruption", "sanctions_exposure", "migration_pressure"} <= set(book)
    own = tmp_path / "mine.toml"
    own.write_text('[airspace_disruption]\ntitle = "Ours"\nactions = ["Call Maria in logistics"]\n', encoding="utf-8")
    settings = load_settings(contingency={"playbook_file": own})
    report = plans(portfolio, "p", scores=scores_frame(), settings=settings)
    assert report.plans[0].playbook["actions"] == ["Call Maria in logistics"]
    (tmp_path / "broken.toml").write_text("[x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_playbook(tmp_path / "broken.toml")


def test_cli_plan_json(tmp_path: Path) -> None:
    db = str(tmp_path / "r.duckdb")
    path = tmp_path / "s.csv"
    path.write_text(CSV.replace("Karachi Knits,PK", "Tehran Knits,IRN"), encoding="utf-8")
    run = CliRunner()
    assert run.invoke(main, ["init", "--db", db]).exit_code == 0
    assert run.invoke(main, ["suppliers", "import", str(path), "--portfolio", "p", "--db", db]).exit_code == 0
    res = run.invoke(main, ["plan", "--portfolio", "p", "--format", "json", "--db", db])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out and {"supplier", "country", "alternatives", "peers", "playbook"} <= set(out[0])
    assert all(p["risk"] >= load_settings().scoring.high_risk or p["exposure"] >= 5 for p in out)
    text = run.invoke(main, ["plan", "--portfolio", "p", "--db", db]).output
    assert "playbook:" in text and "high-exposure supplier(s)" in text
