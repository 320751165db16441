"""Country reference data and the resolver: completeness, collisions, free-text scanning, real lists."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pycountry
import pytest

from risk.countries import DATA_FILE, by_fips, countries, country, fold, get_resolver, neighbours
from risk.errors import InputError

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def resolver():
    return get_resolver()


def test_all_249_iso_countries_with_complete_records() -> None:
    table = countries()
    assert len(table) == 249 == len(pycountry.countries)
    assert {c.iso3 for c in table} == {c.alpha_3 for c in pycountry.countries}
    assert len({c.iso2 for c in table}) == len({c.numeric for c in table}) == 249
    for c in table:
        assert len(c.iso2) == 2 and len(c.iso3) == 3 and len(c.numeric) == 3 and c.numeric.isdigit()
        assert c.name and c.official_name and c.region and c.subregion, c
        assert -90 <= c.lat <= 90 and -180 <= c.lon <= 180, c
        assert all(len(n) == 3 and n != c.iso3 for n in c.neighbours), c


@pytest.mark.parametrize(("iso3", "name", "region", "subregion"), [
    ("VEN", "Venezuela", "Americas", "South America"),
    ("RUS", "Russia", "Europe", "Eastern Europe"),
    ("IRN", "Iran", "Asia", "Southern Asia"),
    ("KOR", "South Korea", "Asia", "Eastern Asia"),
    ("CZE", "Czechia", "Europe", "Eastern Europe"),
    ("NGA", "Nigeria", "Africa", "Western Africa"),
])
def test_common_english_names_and_m49_regions(iso3: str, name: str, region: str, subregion: str) -> None:
    c = country(iso3)
    assert (c.name, c.region, c.subregion) == (name, region, subregion)


def test_country_accepts_lower_case_and_explains_unknown_codes() -> None:
    assert country("ven").name == "Venezuela"
    with pytest.raises(InputError, match="did you mean VEN"):
        country("Venezuela")
    with pytest.raises(InputError, match="unknown country code 'XYZ'"):
        country("XYZ")


@pytest.mark.parametrize(("fips", "iso3"), [
    ("VE", "VEN"), ("UP", "UKR"), ("RS", "RUS"), ("GM", "DEU"), ("CH", "CHN"), ("CG", "COD"), ("CF", "COG"),
    ("KS", "KOR"), ("KN", "PRK"), ("UK", "GBR"), ("SG", "SEN"),
])
def test_fips_codes_used_by_gdelt_map_to_iso3(fips: str, iso3: str) -> None:
    assert by_fips(fips) == iso3
    assert by_fips(fips.lower()) == iso3


def test_unknown_fips_is_none() -> None:
    assert by_fips("QQ") is None and by_fips("") is None


def test_neighbours() -> None:
    assert {"COL", "BRA", "GUY"} <= set(neighbours("VEN"))
    assert "KOR" in neighbours("PRK") and neighbours("ISL") == ()


def test_every_country_round_trips_by_name_codes_and_official_name(resolver) -> None:
    for c in countries():
        for text in (c.name, c.iso2, c.iso3, c.numeric, c.official_name, c.name.upper(), c.iso3.lower()):
            assert resolver.resolve(text) == c.iso3, (text, c.iso3)


def test_every_alias_and_demonym_resolves_to_its_own_country(resolver) -> None:
    for c in countries():
        for text in (*c.aliases, *c.demonyms):
            assert resolver.resolve(text) == c.iso3, (text, c.iso3)


@pytest.mark.parametrize(("text", "iso3"), [
    ("Niger", "NER"), ("Nigeria", "NGA"), ("Nigerien", "NER"), ("Nigerian", "NGA"),
    ("South Korea", "KOR"), ("Republic of Korea", "KOR"), ("Korea, Republic of", "KOR"), ("ROK", "KOR"),
    ("North Korea", "PRK"), ("DPRK", "PRK"), ("Korea, Democratic People's Republic of", "PRK"),
    ("Georgia", "GEO"), ("Tbilisi", "GEO"),
    ("DRC", "COD"), ("DR Congo", "COD"), ("Democratic Republic of the Congo", "COD"), ("Zaire", "COD"),
    ("Congo", "COG"), ("Republic of the Congo", "COG"), ("Congo-Brazzaville", "COG"),
    ("U.S.", "USA"), ("US", "USA"), ("usa", "USA"), ("u.s.a.", "USA"),
    ("United States of America", "USA"),
    ("Turkey", "TUR"), ("Türkiye", "TUR"), ("TURKIYE", "TUR"),
    ("Côte d'Ivoire", "CIV"), ("Côte d’Ivoire", "CIV"), ("COTE D'IVOIRE", "CIV"), ("Ivory Coast", "CIV"),
    ("Czechia", "CZE"), ("Czech Republic", "CZE"), ("Burma", "MMR"), ("Myanmar", "MMR"),
    ("Swaziland", "SWZ"), ("Eswatini", "SWZ"), ("UAE", "ARE"), ("U.A.E.", "ARE"), ("Emirati", "ARE"),
    ("Slovak Republic", "SVK"), ("Taiwan", "TWN"), ("Taiwan, Province of China", "TWN"),
    ("  united   kingdom ", "GBR"), ("UK", "GBR"), ("Great Britain", "GBR"), ("Holland", "NLD"),
    ("Persia", "IRN"), ("Venezuelan", "VEN"), ("Caracas", "VEN"), ("Kiev", "UKR"), ("Kyiv", "UKR"),
    ("The Gambia", "GMB"), ("862", "VEN"), ("4", "AFG"),
])
def test_resolve_collisions_and_spellings(resolver, text: str, iso3: str) -> None:
    assert resolver.resolve(text) == iso3


@pytest.mark.parametrize("text", ["", "   ", "Atlantis", "Male", "Victoria", "Korean", "Europe"])
def test_resolve_unknown_or_ambiguous_is_none(resolver, text: str) -> None:
    assert resolver.resolve(text) is None


def test_fold_keeps_length_so_offsets_stay_valid() -> None:
    samples = ["Côte d’Ivoire", "İstanbul straße", "São Tomé — Ελλάδα", "U.S.-led", "🇻🇪 Venezuela"]
    for text in samples:
        assert len(fold(text)) == len(text)
    assert fold("Côte d'Ivoire") == "cote d ivoire"


def scan(resolver, text: str) -> list[tuple[str, str, str]]:
    mentions = resolver.scan(text)
    for m in mentions:
        assert text[m.start:m.end] == m.surface
    return [(m.surface, m.iso3, m.kind) for m in mentions]


@pytest.mark.parametrize(("text", "expected"), [
    ("Flights between Nigeria and Niger resumed.", [("Nigeria", "NGA", "name"), ("Niger", "NER", "name")]),
    ("Oil spills in the Niger Delta continued.", [("Niger Delta", "NGA", "alias")]),
    ("Talks between North Korea and South Korea stalled.", [("North Korea", "PRK", "name"),
                                                            ("South Korea", "KOR", "name")]),
    ("Refugees crossed from the Democratic Republic of the Congo into the Republic of the Congo.",
     [("Democratic Republic of the Congo", "COD", "alias"), ("Republic of the Congo", "COG", "name")]),
    ("Miners in the DRC and traders in Congo-Brazzaville.", [("DRC", "COD", "code"),
                                                             ("Congo-Brazzaville", "COG", "alias")]),
    ("Papua New Guinea, Equatorial Guinea and Guinea-Bissau, unlike Guinea.",
     [("Papua New Guinea", "PNG", "name"), ("Equatorial Guinea", "GNQ", "name"),
      ("Guinea-Bissau", "GNB", "name"), ("Guinea", "GIN", "name")]),
    ("South Sudan split from Sudan.", [("South Sudan", "SSD", "name"), ("Sudan", "SDN", "name")]),
    ("The U.S. said US troops would stay; it is up to us.", [("U.S.", "USA", "code"), ("US", "USA", "code")]),
    ("The UK and the UAE signed; the uk page was blank.", [("UK", "GBR", "code"), ("UAE", "ARE", "code")]),
    ("Venezuelan airspace was closed and Iranian oil rerouted.", [("Venezuelan", "VEN", "demonym"),
                                                                  ("Iranian", "IRN", "demonym")]),
    ("Officials in Washington and Kiev blamed Moscow.", [("Washington", "USA", "capital"),
                                                         ("Kiev", "UKR", "capital"),
                                                         ("Moscow", "RUS", "capital")]),
    ("We roasted a turkey, then flew to Turkey, also called Türkiye.", [("Turkey", "TUR", "name"),
                                                                        ("Türkiye", "TUR", "alias")]),
    ("A guinea pig sat on china plates.", []),
    ("Michael Jordan met Jordan's king.", [("Jordan", "JOR", "name")]),
    ("Chad Johnson never visited Chad.", [("Chad", "TCD", "name")]),
    ("She moved to Atlanta, Georgia, while her brother stayed in Tbilisi, Georgia.",
     [("Tbilisi", "GEO", "capital"), ("Georgia", "GEO", "name")]),
    ("Ships crossed the Indian Ocean to reach Indian ports.", [("Indian", "IND", "demonym")]),
    ("Côte d'Ivoire, formerly the Ivory Coast, exports cocoa.", [("Côte d'Ivoire", "CIV", "alias"),
                                                                 ("Ivory Coast", "CIV", "name")]),
    ("Burma is now Myanmar and Swaziland is Eswatini.", [("Burma", "MMR", "alias"), ("Myanmar", "MMR", "name"),
                                                         ("Swaziland", "SWZ", "alias"),
                                                         ("Eswatini", "SWZ", "name")]),
    ("Czech Republic or Czechia; the Slovak Republic; Taiwan.", [("Czech Republic", "CZE", "alias"),
                                                                 ("Czechia", "CZE", "name"),
                                                                 ("Slovak Republic", "SVK", "alias"),
                                                                 ("Taiwan", "TWN", "name")]),
    ("IN IT TO AM: codes are not words here.", []),
])
def test_scan_free_text(resolver, text: str, expected: list[tuple[str, str, str]]) -> None:
    assert scan(resolver, text) == expected


def test_scan_offsets_on_real_news(resolver, realdata: Path) -> None:
    path = realdata / "news_corpus" / "bbc_sample_60_per_category.csv"
    with path.open(encoding="utf-8") as fh:
        articles = list(csv.DictReader(fh))
    found = 0
    for row in articles:
        for m in resolver.scan(row["text"]):
            assert row["text"][m.start:m.end] == m.surface
            assert resolver.resolve(m.surface) == m.iso3 or m.kind == "alias", m
            found += 1
    assert found > len(articles)  # world news names countries


def test_every_country_in_real_supplier_lists_resolves(resolver, realdata: Path) -> None:
    files = sorted((realdata / "suppliers" / "oar_facility_lists").glob("*.csv"))
    assert files
    seen = set()
    for f in files:
        with f.open(encoding="utf-8-sig", newline="") as fh:
            seen |= {row["country"] for row in csv.DictReader(fh) if row["country"].strip()}
    unresolved = sorted(v for v in seen if resolver.resolve(v) is None)
    assert not unresolved
    assert resolver.resolve("CHINA") == resolver.resolve("CN") == "CHN"


@pytest.mark.slow
def test_bundled_file_is_what_the_build_script_makes(realdata: Path) -> None:
    spec = importlib.util.spec_from_file_location("build_countries", REPO / "scripts" / "build_countries.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build(realdata, REPO / "data" / "country_aliases.toml")
    assert built == json.loads(DATA_FILE.read_text(encoding="utf-8"))


def test_numeric_codes_only_when_written_as_digits() -> None:
    r = get_resolver()
    assert r.resolve("862") == "VEN"
    assert r.resolve("=1+2") is None  # a spreadsheet formula is not Algeria's code 012
    assert r.resolve("1-2") is None


@pytest.mark.parametrize(
    "text,iso3",
    [("Deutschland", "DEU"), ("Österreich", "AUT"), ("Alemania", "DEU"), ("Estados Unidos", "USA"),
     ("Türkei", "TUR"), ("中国", "CHN"), ("Россия", "RUS"), ("Tchéquie", "CZE"), ("México", "MEX")],
)
def test_country_names_in_other_languages_resolve(text: str, iso3: str) -> None:
    assert get_resolver().resolve(text) == iso3


def test_other_language_names_are_never_scanned_in_news() -> None:
    # "Chine" and "Inde" are French names; in English text they are not mentions.
    assert get_resolver().scan("Chine and Inde appear here, and so does Deutschland.") == []
