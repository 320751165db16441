"""Supplier CSV import: one fixture file per kind of bad input, each with a clear outcome."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from risk.errors import SupplierFileError
from risk.suppliers import read_suppliers, rejects_csv

BAD = Path(__file__).parent / "data" / "bad_suppliers"
GOOD_NAMES = {"Shantou Union Textiles Ltd", "Sialkot Gloves Works", "Dhaka Knit Composite Ltd",
              "Café Textil Medellín S.A.S.", "Colombia"}


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ("empty.csv", "the file is empty"),
        ("blank_lines.csv", "the file is empty"),
        ("header_only.csv", "header but no supplier rows"),
        ("no_name_column.csv", "Did you mean 'supplir'?"),
        ("no_location_column.csv", "no location column"),
        ("binary.csv", "binary"),
        ("workbook.xlsx", "Excel workbook"),
    ],
)
def test_unusable_files_are_refused_whole_with_what_where_and_what_next(file: str, message: str) -> None:
    with pytest.raises(SupplierFileError) as err:
        read_suppliers(BAD / file)
    text = err.value.message
    assert message in text
    assert file in text  # where
    assert err.value.hint  # what to do next


@pytest.mark.parametrize(
    ("file", "encoding", "separator"),
    [
        ("enc_utf8.csv", "utf-8", ","),
        ("enc_utf8_bom.csv", "utf-8-sig", ","),
        ("enc_utf16.csv", "utf-16", "\t"),
        ("enc_utf16be.csv", "utf-16", ","),
        ("enc_cp1252.csv", "cp1252", ";"),
        ("enc_latin1.csv", "cp1252", ","),
        ("sep_semicolon.csv", "utf-8", ";"),
        ("sep_tab.tsv", "utf-8", "\t"),
        ("sep_comma_quoted.csv", "utf-8", ","),
    ],
)
def test_every_encoding_and_separator_keeps_every_row(file: str, encoding: str, separator: str) -> None:
    result = read_suppliers(BAD / file)
    assert (result.encoding, result.separator) == (encoding, separator)
    assert result.rejected_count == 0
    rows = result.accepted
    assert list(rows["country"]) == ["CHN", "PAK", "BGD", "TUR", "COL"]
    assert list(rows["line"]) == [2, 3, 4, 5, 6]
    assert rows["name"].str.contains("Medell", regex=False).sum() == 1
    assert any("é" in n for n in rows["name"])  # accents decoded, not mojibake
    assert rows["annual_spend"].iloc[0] in (120000.0, 120000.5)  # '120.000,50' in the ; files
    assert list(rows["criticality"]) == [4, 3, 5, 2, 3]


def test_unknown_country_rejected_with_line_and_suggestion_good_rows_kept() -> None:
    result = read_suppliers(BAD / "unknown_country.csv")
    assert list(result.accepted["country"]) == ["PAK", "PER"]
    reasons = dict(zip(result.rejects["line"], result.rejects["reason"]))
    assert set(reasons) == {3, 5}
    assert "'Atlantis' is not recognised" in reasons[3]
    assert "did you mean 'Colombia'" in reasons[5]


def test_negative_and_unreadable_spend_rejected_thousands_separator_read() -> None:
    result = read_suppliers(BAD / "negative_spend.csv")
    assert list(result.accepted["annual_spend"]) == [85000.0, 1200.5]
    reasons = dict(zip(result.rejects["line"], result.rejects["reason"]))
    assert "must not be negative" in reasons[3]
    assert "'lots' is not a number" in reasons[5]


def test_formula_in_a_name_is_kept_as_text_flagged_and_neutralised_on_export(tmp_path: Path) -> None:
    result = read_suppliers(BAD / "formula_name.csv")
    assert result.accepted_count == 3
    assert result.accepted["name"].iloc[0].startswith("=HYPERLINK")
    assert result.flag_counts() == {"formula_like_name": 2}
    # a rejects file built from these rows must not carry live formulas
    result.rejects = result.accepted[["line", "name"]].assign(reason="test")
    cells = list(csv.reader(io.StringIO(rejects_csv(result).decode("utf-8-sig"))))
    assert all(not c[1].startswith(("=", "+", "-", "@")) for c in cells[1:])


def test_duplicates_are_flagged_not_dropped() -> None:
    result = read_suppliers(BAD / "duplicates.csv")
    assert result.accepted_count == 4
    flags = dict(zip(result.accepted["line"], result.accepted["flags"]))
    assert flags[3] == ["duplicate_of:2"]  # same name modulo case/punctuation, CN == China, same address
    assert flags[2] == [] and flags[4] == []  # India is another country: not a duplicate


def test_multiline_quoted_fields_keep_physical_line_numbers() -> None:
    result = read_suppliers(BAD / "multiline_quoted.csv")
    assert list(result.accepted["line"]) == [2, 7, 10]
    assert list(result.accepted["name"]) == ["Alpha Garments Ltd", "Beta Shoes", "Delta Ltd"]
    assert result.accepted["address"].iloc[0] == "Building 3\nRoad 1\nShenzhen"
    reasons = dict(zip(result.rejects["line"], result.rejects["reason"]))
    assert reasons[5] == "supplier name is empty"
    assert "'Nowhere' is not recognised" in reasons[8]


def test_ragged_rows_trailing_empty_fields_ok_extra_values_rejected() -> None:
    result = read_suppliers(BAD / "ragged.csv")
    assert list(result.accepted["line"]) == [2, 4]
    assert "more fields than the 3 in the header" in result.rejects["reason"].iloc[0]
    assert result.rejects["line"].iloc[0] == 3


def test_location_from_city_and_coordinates_and_contradiction_flagged() -> None:
    result = read_suppliers(BAD / "city_and_coordinates.csv")
    rows = result.accepted.set_index("name")
    assert rows.loc["Alpha Garments", ["country", "location_source"]].tolist() == ["CHN", "city"]
    assert rows.loc["Beta Shoes", ["country", "location_source"]].tolist() == ["VNM", "coordinates"]
    assert rows.loc["Beta Shoes", "lat"] == pytest.approx(10.8231)  # decimal comma in a ; file
    assert rows.loc["Epsilon", "country"] == "PAK"
    # declared India, but the point is in Karachi: kept under India, flagged
    assert rows.loc["Delta Denim", "country"] == "IND"
    assert rows.loc["Delta Denim", "flags"] == ["coordinates_disagree:PAK"]
    reasons = dict(zip(result.rejects["line"], result.rejects["reason"]))
    assert "no location" in reasons[4]
    assert "latitude '95' must be 90" in reasons[7]


def test_rejects_csv_carries_line_reason_and_raw_fields() -> None:
    result = read_suppliers(BAD / "unknown_country.csv")
    rows = list(csv.DictReader(io.StringIO(rejects_csv(result).decode("utf-8-sig"))))
    assert [r["line"] for r in rows] == ["3", "5"]
    assert rows[0]["name"] == "Atlantis Weaving" and rows[0]["country"] == "Atlantis"
    assert "not recognised" in rows[0]["reason"]


def test_header_variants_are_matched_case_insensitively() -> None:
    data = "Vendor Name;ISO;Annual Spend;Criticality;Sole Source\nAcme;de;1.000,00;High;yes\n".encode()
    result = read_suppliers(data, name="upload.csv")
    row = result.accepted.iloc[0]
    assert (row["name"], row["country"], row["annual_spend"], row["criticality"], row["single_source"]) == (
        "Acme", "DEU", 1000.0, 4, True)


def test_max_rows_refuses_oversized_file() -> None:
    with pytest.raises(SupplierFileError, match="more than the limit"):
        read_suppliers(BAD / "enc_utf8.csv", max_rows=2)


def test_zero_zero_coordinates_are_ignored_and_flagged() -> None:
    result = read_suppliers(b"name,country,lat,lon\nA,Chile,0,0\nB,,0,0\nC,Chile,-33.4,-70.6\n", name="z.csv")
    accepted = result.accepted.set_index("name")
    assert accepted.loc["A", "country"] == "CHL" and "coordinates_zero_ignored" in list(accepted.loc["A", "flags"])
    assert accepted.loc["C", "lat"] == -33.4
    assert list(result.rejects["line"]) == [3]  # B has no place left once (0, 0) is set aside
