"""Portfolios in DuckDB (replace, list, delete) and the `risk suppliers` commands."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from risk.cli import main
from risk.errors import SupplierFileError
from risk.store import Store
from risk.store import suppliers as sql
from risk.suppliers import import_suppliers

BAD = Path(__file__).parent / "data" / "bad_suppliers"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_suppliers.csv"


def test_import_stores_rows_and_replaces_a_portfolio_in_one_go(store: Store) -> None:
    import_suppliers(store, BAD / "enc_utf8.csv", portfolio="acme")
    import_suppliers(store, BAD / "unknown_country.csv", portfolio="other")
    with store.read() as con:
        first = sql.load_suppliers(con, "acme")
    assert list(first["country"]) == ["CHN", "PAK", "BGD", "TUR", "COL"]
    assert first["annual_spend"].iloc[0] == 120000.0

    import_suppliers(store, BAD / "duplicates.csv", portfolio="acme")  # replace
    with store.read() as con:
        again = sql.load_suppliers(con, "acme")
        listing = sql.list_portfolios(con).set_index("name")
    assert len(again) == 4 and "Alpha Garments Ltd" in set(again["name"])
    assert list(again.loc[again["line"] == 3, "flags"].iloc[0]) == ["duplicate_of:2"]
    assert listing.loc["acme", "accepted"] == 4
    assert listing.loc["other", ["accepted", "rejected"]].tolist() == [2, 2]


def test_a_refused_file_leaves_the_old_portfolio_untouched(store: Store) -> None:
    import_suppliers(store, BAD / "enc_utf8.csv", portfolio="acme")
    with pytest.raises(SupplierFileError):
        import_suppliers(store, BAD / "header_only.csv", portfolio="acme")
    with store.read() as con:
        assert len(sql.load_suppliers(con, "acme")) == 5


def test_delete_portfolio(store: Store) -> None:
    import_suppliers(store, BAD / "enc_utf8.csv", portfolio="gone")
    with store.transaction() as con:
        assert sql.delete_portfolio(con, "gone") is True
        assert sql.delete_portfolio(con, "gone") is False
    with store.read() as con:
        assert sql.load_suppliers(con, "gone").empty


def test_cli_import_prints_counts_reasons_and_writes_rejects(tmp_path: Path) -> None:
    db, rejects = tmp_path / "r.duckdb", tmp_path / "rejects.csv"
    res = CliRunner().invoke(main, ["suppliers", "import", str(BAD / "unknown_country.csv"), "--portfolio", "p",
                                    "--rejects", str(rejects), "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "2 accepted, 2 rejected" in res.output
    assert "line 3: country 'Atlantis' is not recognised" in res.output
    assert f"written to {rejects}" in res.output
    with rejects.open(encoding="utf-8-sig") as f:
        assert [r["line"] for r in csv.DictReader(f)] == ["3", "5"]
    listed = CliRunner().invoke(main, ["suppliers", "list", "--format", "json", "--db", str(db)])
    assert '"name": "p"' in listed.output


def test_cli_refuses_an_unusable_file_with_a_message_and_exit_code(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["suppliers", "import", str(BAD / "no_name_column.csv"),
                                    "--db", str(tmp_path / "r.duckdb")])
    assert res.exit_code == 2
    assert "no supplier name column" in res.output and "Did you mean 'supplir'?" in res.output


def test_bundled_sample_imports_cleanly(store: Store) -> None:
    result = import_suppliers(store, SAMPLE, portfolio="sample")
    assert result.rejected_count == 0
    assert 60 <= result.accepted_count <= 200
    countries = set(result.accepted["country"])
    assert {"CHN", "PAK", "BGD", "IND", "VNM", "MMR", "TUR"} <= countries
    assert result.accepted["annual_spend"].notna().all()
