"""What every page shares: the store, cached loaders, safe text, and offline maps.

Not a page itself (app.py lists the pages). Loaders are cached with st.cache_data and keyed on
`views.data_version`, which changes with the database file, so fresh data shows on the next
run while repeated runs cost one stat call.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from risk import views
from risk.errors import RiskError
from risk.settings import Settings, load_settings
from risk.store import Store


def use_explicit_navigation() -> None:
    """Show app.py's navigation even when a server's very first request is a deep link.

    Streamlit treats a folder named pages/ as legacy auto-discovery (listing every file, this
    one included) until st.navigation first runs in the process, so a first visit to
    /suppliers would skip app.py. Clearing the flag and re-running once per session fixes it.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if getattr(PagesManager, "uses_pages_directory", False) and not st.session_state.get("_navigation_fixed"):
        st.session_state["_navigation_fixed"] = True
        PagesManager.uses_pages_directory = False
        st.rerun()


MAP_CONFIG = {"topojsonURL": "/app/static/topojson/", "displaylogo": False}
SCALE = [[0.0, "#f2f0e6"], [0.3, "#f6d37a"], [0.6, "#e8743b"], [1.0, "#8e1b1b"]]


@st.cache_resource(show_spinner="Opening the database...")
def _open(db: str) -> tuple[Settings, Store]:
    settings = load_settings(db=db)
    store = Store(settings.db)
    views.prepare(store, settings)
    return settings, store


def store() -> tuple[Settings, Store, str]:
    """Settings, the store and the current data version (the cache key)."""
    use_explicit_navigation()
    try:
        settings = load_settings()
        settings, s = _open(str(settings.db))
    except RiskError as e:
        st.error(e.message)
        st.stop()
    return settings, s, views.data_version(s)


# -- cached loaders: every argument is part of the key ----------------------------------
def _holding(loader: Callable[..., Any]) -> Callable[..., Any]:
    """Run a loader (on a cache miss) with the database held open, so the several loaders of
    a cold page share one loaded database instead of opening it each (risk/views/batch.py)."""

    @functools.wraps(loader)
    def run(db: str, *args: Any, **kwargs: Any) -> Any:
        with views.batch(_open(db)[1]):
            return loader(db, *args, **kwargs)

    return run


@st.cache_data(max_entries=64, show_spinner=False)
@_holding
def scores(db: str, version: str) -> pd.DataFrame:
    return views.scores(_open(db)[1])


@st.cache_data(max_entries=64, show_spinner=False)
@_holding
def movers(db: str, version: str, days: int) -> pd.DataFrame:
    return views.movers(_open(db)[1], days, scores(db, version))


@st.cache_data(max_entries=64, show_spinner=False)
@_holding
def evidence(db: str, version: str, limit: int, countries: tuple[str, ...] | None = None) -> pd.DataFrame:
    return views.latest_evidence(_open(db)[1], limit=limit, countries=list(countries) if countries else None)


@st.cache_data(max_entries=256, show_spinner=False)
@_holding
def history(db: str, version: str, iso3: str) -> pd.DataFrame:
    return views.history(_open(db)[1], iso3)


@st.cache_data(max_entries=256, show_spinner=False)
@_holding
def explanation(db: str, version: str, iso3: str) -> Any:
    settings, s = _open(db)
    return views.explain(s, iso3, settings)


@st.cache_data(max_entries=16, show_spinner=False)
@_holding
def portfolio_names(db: str, version: str) -> list[str]:
    return views.portfolio_names(_open(db)[1])


@st.cache_data(max_entries=32, show_spinner="Computing exposure...")
@_holding
def exposure(db: str, version: str, portfolio: str) -> Any:
    return views.exposure(_open(db)[1], portfolio, scores(db, version))


@st.cache_data(max_entries=16, show_spinner=False)
def exposure_table(db: str, version: str, portfolio: str) -> pd.DataFrame:
    """The table a manager reads, built once per data version."""
    return views.exposure_table(exposure(db, version, portfolio))


@st.cache_data(max_entries=16, show_spinner=False)
def supplier_points(db: str, version: str, portfolio: str) -> pd.DataFrame:
    return views.supplier_points(exposure(db, version, portfolio))


@st.cache_data(max_entries=32, show_spinner="Preparing plans...")
@_holding
def plans(db: str, version: str, portfolio: str, scenario: tuple[str, str, float, bool] | None) -> Any:
    what_if = views.what_if(*scenario) if scenario else None
    return views.plans(_open(db)[1], portfolio, what_if, scores(db, version))


@st.cache_data(max_entries=8, show_spinner="Checking the file...")
def check_suppliers(raw: bytes, filename: str, max_rows: int | None) -> Any:
    return views.check_suppliers(raw, filename, max_rows)


@st.cache_data(max_entries=8, show_spinner=False)
@_holding
def neighbours(db: str, version: str) -> dict[str, list[str]]:
    return views.neighbours(_open(db)[1])


@st.cache_data(max_entries=8, show_spinner=False)
@_holding
def snapshots(db: str, version: str) -> pd.DataFrame:
    return views.snapshots(_open(db)[1])


@st.cache_data(max_entries=8, show_spinner=False)
@_holding
def ingest_runs(db: str, version: str) -> pd.DataFrame:
    return views.ingest_runs(_open(db)[1])


@st.cache_data(max_entries=8, show_spinner=False)
@_holding
def feeds(db: str, version: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    settings, s = _open(db)
    return views.feeds(s, settings)


@st.cache_data(max_entries=16, show_spinner=False)
@_holding
def status(db: str, version: str) -> dict[str, Any]:
    return views.status(_open(db)[1])


def pick_portfolio(db: str, version: str, *, where: Any = None) -> str | None:
    """One portfolio choice shared by every page (kept in the session, set by a save too)."""
    names = portfolio_names(db, version)
    if not names:
        return None
    wanted = st.session_state.get("portfolio")
    if wanted not in names:
        wanted = names[0]
    st.session_state["portfolio_picker"] = wanted  # before the widget exists: allowed, and wins

    def _picked() -> None:
        st.session_state["portfolio"] = st.session_state["portfolio_picker"]

    choice = (where or st.sidebar).selectbox("Portfolio", names, key="portfolio_picker", on_change=_picked)
    st.session_state["portfolio"] = choice
    return choice


def freshness_caption(db: str, version: str) -> None:
    info = status(db, version)
    last = info.get("last_ingest") or "never"
    st.caption(
        f"Data last refreshed: {esc(str(last).replace('T', ' ')[:16])} · scores up to "
        f"{esc(str(info.get('last_scored_day') or '-'))} · {info.get('documents', 0):,} documents, "
        f"{info.get('signals', 0):,} signals"
    )


def exposure_columns(table: pd.DataFrame) -> dict[str, Any]:
    """Readable headers and formats for the exposure table (the CSV keeps the plain names)."""
    top = float(table["exposure"].max()) if "exposure" in table and len(table) else 1.0
    top = top if top > 0 else 1.0
    cc = st.column_config
    config: dict[str, Any] = {
        "name": cc.TextColumn("Supplier", width="medium"), "country_name": "Country", "country": "ISO3",
        "city": "City", "category": "Category", "spend": cc.NumberColumn("Spend", format="localized"),
        "currency": "Currency", "criticality": cc.NumberColumn("Criticality", format="%d"),
        "single_source": "Single source", "risk": cc.NumberColumn("Country risk", format="%.1f"),
        "dominant_risk": "Dominant risk",
        "exposure": cc.ProgressColumn("Exposure", min_value=0.0, max_value=top, format="%.2f"),
        "spend_at_risk": cc.NumberColumn("Spend at risk", format="compact",
                                         help="Spend x country risk / 100"),
        "high_exposure": "High exposure", "flags": "Flags",
    }
    config.update({
        "suppliers": cc.NumberColumn("Suppliers", format="%d"), "countries": cc.NumberColumn("Countries", format="%d"),
        "spend_share": cc.NumberColumn("Share of spend", format="percent"), "region": "Region",
        "subregion": None,
        "hhi_suppliers": cc.NumberColumn("HHI within", format="%.0f",
                                         help="Concentration of spend among its suppliers, 0-10,000"),
        "hhi_countries": cc.NumberColumn("HHI of countries", format="%.0f",
                                         help="Concentration of spend among its countries, 0-10,000"),
    })
    for ind in views.indicator_choices()[1:]:
        config[ind] = cc.NumberColumn(views.indicator_label(ind), format="%.0f")
    return config


# -- safe text --------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&])")


def esc(text: Any) -> str:
    """Escape markdown (and Streamlit's :colour[] / $latex$ / html) in untrusted text."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def show_error(e: RiskError) -> None:
    st.error(e.message)


# -- maps -------------------------------------------------------------------------------
def geo_layout(fig: go.Figure, focus: str, height: int = 520) -> go.Figure:
    f = views.FOCUS_BY_NAME.get(focus, views.FOCUSES[1])
    fig.update_geos(
        projection_type="natural earth" if f.name == "World" else "mercator",
        lonaxis_range=list(f.lon), lataxis_range=list(f.lat),
        showcountries=True, countrycolor="#9aa0a6", showcoastlines=True, coastlinecolor="#9aa0a6",
        showland=True, landcolor="#f7f7f7", showocean=True, oceancolor="#eef3f8",
        showframe=False, resolution=110,
    )
    fig.update_layout(height=height, margin=dict(l=0, r=0, t=10, b=60))
    return fig


def choropleth(frame: pd.DataFrame, column: str, focus: str) -> go.Figure:
    """Countries coloured by a 0-100 score."""
    text = frame["name"].astype(str)
    fig = go.Figure(
        go.Choropleth(
            locations=frame["iso3"], z=frame[column].round(1), text=text,
            locationmode="ISO-3", colorscale=SCALE, zmin=0, zmax=100,
            marker_line_color="#ffffff", marker_line_width=0.4,
            colorbar=dict(title=dict(text=views.indicator_label(column), side="top"), orientation="h",
                          thickness=10, len=0.5, y=-0.02, yanchor="top"),
            hovertemplate="%{text}<br>%{z:.1f}<extra></extra>",
        )
    )
    return geo_layout(fig, focus, height=620)


def supplier_map(points: pd.DataFrame, focus: str = "World") -> go.Figure:
    """Suppliers (or country groups of them) as bubbles sized by spend, coloured by country risk."""
    spend = pd.to_numeric(points["spend"], errors="coerce").fillna(0)
    weight = spend if spend.max() > 0 else points["suppliers"].astype(float)
    size = 6 + 30 * (weight / weight.max()).pow(0.5) if len(points) and weight.max() > 0 else 8
    fig = go.Figure(
        go.Scattergeo(
            lat=points["lat"], lon=points["lon"], text=points["label"],
            customdata=points[["country", "risk", "spend"]].fillna(0).values,
            marker=dict(size=size, color=points["risk"], colorscale=SCALE, cmin=0, cmax=100,
                        line=dict(width=0.6, color="#333"), opacity=0.85,
                        colorbar=dict(title=dict(text="Country risk", side="top"), orientation="h",
                                      thickness=10, len=0.5, y=-0.02, yanchor="top")),
            hovertemplate="%{text}<br>%{customdata[0]} · risk %{customdata[1]:.0f}"
                          "<br>spend %{customdata[2]:,.0f}<extra></extra>",
        )
    )
    return geo_layout(fig, focus, height=480)


def plot_map(fig: go.Figure, key: str) -> None:
    st.plotly_chart(fig, config=MAP_CONFIG, key=key, width="stretch")


# -- charts -----------------------------------------------------------------------------
COLOURS = {"composite": "#1f2328", "migration_pressure": "#7b3294", "airspace_disruption": "#0571b0",
           "trade_disruption": "#e66101", "sanctions_exposure": "#b2182b"}


def history_figure(hist: pd.DataFrame) -> go.Figure:
    """One line per indicator and the composite, 0-100."""
    fig = go.Figure()
    for col in views.indicator_choices():
        if col in hist:
            fig.add_trace(go.Scatter(
                x=hist["day"], y=hist[col], name=views.indicator_label(col), mode="lines",
                line=dict(color=COLOURS.get(col), width=3 if col == "composite" else 1.6)))
    fig.update_layout(height=340, margin=dict(l=0, r=0, t=10, b=0), yaxis=dict(range=[0, 100], title="score"),
                      legend=dict(orientation="h", y=-0.15), hovermode="x unified")
    return fig


def parts_figure(parts: pd.DataFrame) -> go.Figure:
    """Stacked bars: baseline, news and spillover make each indicator's score."""
    fig = go.Figure()
    for col, colour in (("baseline", "#9aa0a6"), ("news", "#e8743b"), ("spillover", "#f6d37a")):
        fig.add_trace(go.Bar(y=parts["indicator"], x=parts[col], name=col.capitalize(),
                             orientation="h", marker_color=colour))
    fig.update_layout(barmode="stack", height=90 + 45 * len(parts), margin=dict(l=0, r=0, t=10, b=0),
                      yaxis=dict(autorange="reversed"), legend_traceorder="normal",
                      xaxis=dict(range=[0, 100], title="points"), legend=dict(orientation="h", y=-0.3))
    return fig
