"""Words and shapes every page shares: map regions (Latin America first), indicator labels,
numbers at a glance, and safe exports (formula-neutral CSV, only http(s) links)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from risk import INDICATOR_LABELS, INDICATORS
from risk.exports import csv_bytes, safe_cell

__all__ = [
    "Focus", "FOCUSES", "FOCUS_BY_NAME", "in_focus", "compact", "indicator_label",
    "indicator_choices", "safe_cell", "csv_bytes", "is_web_url", "file_slug", "rows_frame",
]


@dataclass(frozen=True)
class Focus:
    """A map region: the box the map zooms to and its countries (UN M49 regions/subregions)."""

    name: str
    lon: tuple[float, float]
    lat: tuple[float, float]
    regions: frozenset[str] = frozenset()
    subregions: frozenset[str] = frozenset()
    except_subregions: frozenset[str] = frozenset()


def _f(*names: str) -> frozenset[str]:
    return frozenset(names)


FOCUSES: tuple[Focus, ...] = (
    Focus("Latin America & Caribbean", (-118, -33), (-56, 33),
          subregions=_f("South America", "Central America", "Caribbean")),
    Focus("World", (-180, 180), (-58, 84)),
    Focus("North America", (-170, -50), (14, 75), subregions=_f("Northern America")),
    Focus("Europe", (-25, 45), (34, 71), regions=_f("Europe")),
    Focus("Middle East & North Africa", (-18, 63), (12, 43), subregions=_f("Western Asia", "Northern Africa")),
    Focus("Sub-Saharan Africa", (-20, 52), (-36, 22), regions=_f("Africa"),
          except_subregions=_f("Northern Africa")),
    Focus("Asia & Pacific", (60, 180), (-48, 55), regions=_f("Asia", "Oceania"),
          except_subregions=_f("Western Asia")),
)


FOCUS_BY_NAME = {f.name: f for f in FOCUSES}


def in_focus(frame: pd.DataFrame, focus: str) -> pd.Series:
    """Boolean mask of rows (with region and subregion columns) inside a focus region."""
    f = FOCUS_BY_NAME.get(focus)
    if f is None or not (f.regions or f.subregions):
        return pd.Series(True, index=frame.index)
    region, sub = frame["region"].fillna(""), frame["subregion"].fillna("")
    mask = region.isin(f.regions) | sub.isin(f.subregions)
    return mask & ~sub.isin(f.except_subregions)


def compact(value: float) -> str:
    """1234567 -> '1.2 M': headline figures stay readable at a glance."""
    for size, unit in ((1e9, " bn"), (1e6, " M"), (1e3, " k")):
        if abs(value) >= size:
            return f"{value / size:,.1f}{unit}"
    return f"{value:,.0f}"


def indicator_label(name: str | None) -> str:
    if not isinstance(name, str):
        return ""
    if name == "composite":
        return "Composite"
    return INDICATOR_LABELS.get(name, name.replace("_", " ").capitalize())


def indicator_choices() -> list[str]:
    return ["composite", *INDICATORS]


def is_web_url(value: Any) -> bool:
    """Only http(s) links are offered as links; anything else (javascript:, file:) is not."""
    return isinstance(value, str) and value.lower().startswith(("http://", "https://")) and " " not in value


def file_slug(name: str) -> str:
    """A file-name-safe version of a portfolio name."""

    return re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_")[:60] or "portfolio"


def rows_frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows).reindex(columns=columns)
