"""Regional-risk library: sources -> documents -> signals -> scores -> exposure -> pages / PDF.

The library never imports streamlit; the dashboard pages call it and nothing else.
"""

from __future__ import annotations

__version__ = "0.1.0"

INDICATORS: tuple[str, ...] = (
    "migration_pressure",
    "airspace_disruption",
    "trade_disruption",
    "sanctions_exposure",
)
"""Indicator names, in display order. Scores run from 0 (no risk) to 100."""

INDICATOR_LABELS: dict[str, str] = {
    "migration_pressure": "Migration pressure",
    "airspace_disruption": "Airspace disruption",
    "trade_disruption": "Trade disruption",
    "sanctions_exposure": "Sanctions exposure",
}
