"""Rebuild data/baselines.csv: dated, sourced structural priors per country and indicator.

    python scripts/build_baselines.py [--realdata ../shared/realdata] [--out data/baselines.csv]

sanctions_exposure is derived from two published lists (beside the repo in ../shared/realdata):
  * OFAC SDN list (sdn.csv, 2024-05-03; US government work): country-named programmes and the
    number of designations under them (or naming the country as nationality/registration).
  * UN Security Council Consolidated List (2018-10-29): country sanctions regimes.
The other indicators are curated facts, each with its named public source and date (below).
A country with no such fact gets no row: unknown stays unknown. The formulas are in
METHODOLOGY.md ("Baselines").
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import re
from collections import Counter, defaultdict
from pathlib import Path

from defusedxml import ElementTree

REPO = Path(__file__).resolve().parents[1]
OFAC_FILE = "sanctions/ofac_sdn_2024-05-03.csv"
UN_FILE = "sanctions/un_sc_consolidated_list_2018.xml"
OFAC_SOURCE = "US Treasury OFAC Specially Designated Nationals list (sdn.csv)"
OFAC_AS_OF = "2024-05-03"
UN_SOURCE = "UN Security Council Consolidated Sanctions List"
UN_AS_OF = "2018-10-29"

COMPREHENSIVE = {"CUB", "IRN", "PRK", "SYR"}
"""Countries under comprehensive OFAC embargoes on the list date (OFAC programme pages)."""

PROGRAMMES: dict[str, str] = {
    "CUBA": "CUB", "IRAN": "IRN", "IFSR": "IRN", "IRGC": "IRN", "IRAN-HR": "IRN", "IRAN-TRA": "IRN",
    "IRAN-EO13846": "IRN", "IRAN-EO13876": "IRN", "IRAN-EO13871": "IRN", "IRAN-EO13902": "IRN",
    "IRAN-CON-ARMS-EO": "IRN", "HRIT-IR": "IRN", "CAATSA - IRAN": "IRN",
    "SYRIA": "SYR", "SYRIA-EO13894": "SYR", "SYRIA-CAESAR": "SYR", "HRIT-SY": "SYR",
    "DPRK": "PRK", "DPRK2": "PRK", "DPRK3": "PRK", "DPRK4": "PRK", "DPRK-NKSPEA": "PRK",
    "RUSSIA-EO14024": "RUS", "BPI-RUSSIA-EO14024": "RUS", "CAATSA - RUSSIA": "RUS",
    "PEESA-EO14039": "RUS", "UKRAINE-EO13660": "RUS", "UKRAINE-EO13661": "RUS",
    "UKRAINE-EO13662": "RUS",  # Ukraine-/Russia-related: designations are overwhelmingly Russian
    "UKRAINE-EO13685": "UKR", "RUSSIA-EO14065": "UKR",  # embargoes on occupied regions of Ukraine
    "VENEZUELA": "VEN", "VENEZUELA-EO13850": "VEN", "VENEZUELA-EO13884": "VEN",
    "BELARUS": "BLR", "BELARUS-EO14038": "BLR", "BURMA-EO14014": "MMR", "DRCONGO": "COD",
    "CAR": "CAF", "SOMALIA": "SOM", "SOUTH SUDAN": "SSD", "SUDAN-EO14098": "SDN", "DARFUR": "SDN",
    "LIBYA2": "LBY", "LIBYA3": "LBY", "YEMEN": "YEM", "IRAQ2": "IRQ", "IRAQ3": "IRQ",
    "LEBANON": "LBN", "NICARAGUA": "NIC", "NICARAGUA-NHRAA": "NIC", "MALI-EO13882": "MLI",
    "ETHIOPIA-EO14046": "ETH", "HK-EO13936": "HKG", "WEST-BANK-EO14115": "PSE",
}
"""OFAC programme tags named for a country -> the country (ISO3)."""

UN_REGIMES = {"DPRK": "PRK", "Iran": "IRN", "Iraq": "IRQ", "Libya": "LBY", "Somalia": "SOM",
              "SouthSudan": "SSD", "Sudan": "SDN", "CAR": "CAF", "DRC": "COD", "Yemen": "YEM",
              "GB": "GNB", "Taliban": "AFG"}

NATIONALITY = re.compile(r"(?:[Nn]ationality|[Cc]itizen|Registration Country)\s+([A-Z][A-Za-z ,.'-]+?)[;.]")

# Curated facts: (iso3, value, source, as_of, note). Values follow the tiers in METHODOLOGY.md.
AIRSPACE_FAA = "FAA Prohibitions, Restrictions and Notices (14 CFR 91 SFARs / flight-prohibition NOTAMs)"
AIRSPACE_EASA = "EASA Conflict Zone Information Bulletin"
AIRSPACE: list[tuple[str, float, str, str, str]] = [
    *[(c, 70.0, AIRSPACE_FAA, "2025-06-30", "US operators prohibited from all or part of the FIR")
      for c in ("AFG", "IRQ", "IRN", "LBY", "SYR", "SOM", "YEM", "PRK", "UKR", "RUS", "BLR", "SDN")],
    ("VEN", 75.0, AIRSPACE_FAA, "2025-11-21",
     "SFAR prohibition below FL260 in the Maiquetia FIR since 2019; FAA NOTAM of 21 Nov 2025 warns of a "
     "potentially hazardous situation in all altitudes"),
    *[(c, 40.0, AIRSPACE_EASA, "2025-06-30", "active conflict-zone bulletin (advisory, no prohibition)")
      for c in ("ISR", "LBN", "MLI", "SSD")],
]

MIGRATION_UNHCR = "UNHCR Global Trends: Forced Displacement in 2024"
MIGRATION_R4V = "R4V Inter-Agency Coordination Platform for Refugees and Migrants from Venezuela"
# people displaced from (origin) or hosted in (host) the country, approximate, in millions
MIGRATION: list[tuple[str, float, str, str, str]] = [
    ("SDN", 14.3, MIGRATION_UNHCR, "2024-12-31", "origin: forcibly displaced inside and outside Sudan"),
    ("SYR", 13.5, MIGRATION_UNHCR, "2024-12-31", "origin: refugees abroad and internally displaced"),
    ("VEN", 7.9, MIGRATION_R4V, "2025-05-31", "origin: refugees and migrants from Venezuela worldwide"),
    ("UKR", 6.9, MIGRATION_UNHCR, "2024-12-31", "origin: refugees from Ukraine recorded globally"),
    ("AFG", 6.4, MIGRATION_UNHCR, "2024-12-31", "origin: Afghan refugees and people in need of protection"),
    ("COD", 7.0, MIGRATION_UNHCR, "2024-12-31", "origin: internally displaced and refugees"),
    ("MMR", 3.5, MIGRATION_UNHCR, "2024-12-31", "origin: internally displaced and refugees"),
    ("SSD", 2.3, MIGRATION_UNHCR, "2024-12-31", "origin: South Sudanese refugees"),
    ("COL", 2.8, MIGRATION_R4V, "2025-05-31", "host: Venezuelan refugees and migrants in Colombia"),
    ("PER", 1.6, MIGRATION_R4V, "2025-05-31", "host: Venezuelan refugees and migrants in Peru"),
    ("BRA", 0.6, MIGRATION_R4V, "2025-05-31", "host: Venezuelan refugees and migrants in Brazil"),
    ("IRN", 3.5, MIGRATION_UNHCR, "2024-12-31", "host: refugees and people in refugee-like situations"),
    ("TUR", 2.9, MIGRATION_UNHCR, "2024-12-31", "host: refugees, mostly Syrian"),
    ("DEU", 2.7, MIGRATION_UNHCR, "2024-12-31", "host: refugees"),
    ("UGA", 1.7, MIGRATION_UNHCR, "2024-12-31", "host: refugees, mostly South Sudanese and Congolese"),
    ("PAK", 1.5, MIGRATION_UNHCR, "2024-12-31", "host: Afghan refugees"),
    ("TCD", 1.3, MIGRATION_UNHCR, "2024-12-31", "host: refugees, mostly Sudanese"),
]

TRADE_UNCTAD = "UNCTAD Review of Maritime Transport 2024 (chokepoint disruptions)"
TRADE: list[tuple[str, float, str, str, str]] = [
    ("YEM", 60.0, TRADE_UNCTAD, "2024-10-22", "Bab el-Mandeb: attacks on shipping since Nov 2023"),
    ("EGY", 45.0, TRADE_UNCTAD, "2024-10-22", "Suez Canal transits fell sharply with Red Sea diversions"),
    ("DJI", 40.0, TRADE_UNCTAD, "2024-10-22", "Bab el-Mandeb gateway port; Red Sea diversions"),
    ("ERI", 30.0, TRADE_UNCTAD, "2024-10-22", "Red Sea coast at Bab el-Mandeb"),
    ("UKR", 50.0, TRADE_UNCTAD, "2024-10-22", "Black Sea ports under war disruption"),
    ("PAN", 25.0, TRADE_UNCTAD, "2024-10-22", "Panama Canal draught and transit restrictions 2023-24"),
    *[(c, 25.0, TRADE_UNCTAD, "2024-10-22", "sea trade depends on the Strait of Hormuz")
      for c in ("IRN", "QAT", "KWT", "BHR", "IRQ")],
    *[(c, 15.0, TRADE_UNCTAD, "2024-10-22", "Strait of Hormuz coast")
      for c in ("OMN", "ARE")],
]


def migration_value(millions: float) -> float:
    """20 * log10(people / 10,000), from 0 at 10k people: 1M -> 40, 10M -> 60."""
    return round(max(0.0, min(100.0, 20.0 * math.log10(millions * 1e6 / 1e4))), 1)


def read_ofac(path: Path) -> tuple[dict[str, Counter[str]], Counter[str]]:
    """Designations per (country, programme) and per nationality/registration country name."""
    raw = path.read_bytes().rstrip(b"\x1a").decode("latin-1")
    by_country: dict[str, Counter[str]] = defaultdict(Counter)
    nationality: Counter[str] = Counter()
    for row in csv.reader(io.StringIO(raw)):
        if len(row) < 12:
            continue
        tags = {t.strip() for t in row[3].replace("] [", "|").strip("[] ").split("|")}
        for iso3 in {PROGRAMMES[t] for t in tags if t in PROGRAMMES}:
            by_country[iso3][",".join(sorted(t for t in tags if PROGRAMMES.get(t) == iso3))] += 1
        names = {m.group(1).strip() for m in NATIONALITY.finditer(row[11])}
        nationality.update(names)
    return by_country, nationality


def read_un(path: Path) -> Counter[str]:
    tree = ElementTree.parse(path)
    regimes: Counter[str] = Counter()
    for el in tree.iter("UN_LIST_TYPE"):
        if el.text and el.text.strip() in UN_REGIMES:
            regimes[UN_REGIMES[el.text.strip()]] += 1
    return regimes


def _iso3(name: str) -> str | None:
    import pycountry

    fixes = {"Korea, North": "PRK", "Burma": "MMR", "Russia": "RUS", "Iran": "IRN", "Syria": "SYR",
             "Turkey": "TUR", "Venezuela": "VEN", "Palestinian": "PSE", "Kosovo": None}
    if name in fixes:
        return fixes[name]
    try:
        return pycountry.countries.lookup(name).alpha_3
    except LookupError:
        try:
            return pycountry.countries.search_fuzzy(name)[0].alpha_3
        except LookupError:
            return None


def sanctions_rows(realdata: Path) -> list[dict[str, object]]:
    by_country, nationality = read_ofac(realdata / OFAC_FILE)
    un = read_un(realdata / UN_FILE)
    nat_iso: Counter[str] = Counter()
    for name, n in nationality.items():
        code = _iso3(name)
        if code:
            nat_iso[code] += n
    rows = []
    for iso3 in sorted(set(by_country) | set(un) | {c for c, n in nat_iso.items() if n >= 10}):
        programmes = by_country.get(iso3, Counter())
        n = max(sum(programmes.values()), nat_iso.get(iso3, 0))
        tier = 60.0 if iso3 in COMPREHENSIVE else 35.0 if programmes else 0.0
        value = min(100.0, tier + 8.0 * math.log10(1 + n) + (10.0 if iso3 in un else 0.0))
        tags = sorted({t for key in programmes for t in key.split(",")})
        note = (f"{'comprehensive embargo; ' if iso3 in COMPREHENSIVE else ''}"
                f"{n} SDN designations; programmes: {' '.join(tags) or 'none named for the country'}")
        source = OFAC_SOURCE
        if iso3 in un:
            note += f"; UN SC regime with {un[iso3]} listings ({UN_SOURCE}, {UN_AS_OF})"
            source += f"; {UN_SOURCE}"
        if iso3 == "SYR":
            note += "; US Syria sanctions programme revoked by EO 14312 effective 2025-07-01 (list predates it)"
        rows.append({"iso3": iso3, "indicator": "sanctions_exposure", "value": round(value, 1),
                     "source": source, "as_of": OFAC_AS_OF, "note": note})
    return rows


def curated_rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for iso3, value, source, as_of, note in AIRSPACE:
        rows.append({"iso3": iso3, "indicator": "airspace_disruption", "value": value,
                     "source": source, "as_of": as_of, "note": note})
    for iso3, millions, source, as_of, note in MIGRATION:
        rows.append({"iso3": iso3, "indicator": "migration_pressure", "value": migration_value(millions),
                     "source": source, "as_of": as_of, "note": f"{note}: about {millions:g} million"})
    for iso3, value, source, as_of, note in TRADE:
        rows.append({"iso3": iso3, "indicator": "trade_disruption", "value": value,
                     "source": source, "as_of": as_of, "note": note})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realdata", type=Path, default=REPO.parent / "shared" / "realdata")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "baselines.csv")
    args = parser.parse_args()
    rows = sanctions_rows(args.realdata) + curated_rows()
    rows.sort(key=lambda r: (str(r["iso3"]), str(r["indicator"])))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["iso3", "indicator", "value", "source", "as_of", "note"],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {args.out}")


if __name__ == "__main__":
    main()
