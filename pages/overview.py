"""Overview: where is risk rising, and how much of my supply sits there?"""

from __future__ import annotations

import streamlit as st

from pages import common
from risk import views

settings, store, version = common.store()
db = str(store.path)

st.title("Regional risk overview")
common.freshness_caption(db, version)

scores = common.scores(db, version)
portfolio = common.pick_portfolio(db, version)

focus = st.segmented_control(
    "Region", [f.name for f in views.FOCUSES], default=views.FOCUSES[0].name, key="overview_focus"
) or views.FOCUSES[0].name
in_focus = scores[views.in_focus(scores, focus)]

MOVER_COLUMNS = {
    "country": "Country",
    "now": st.column_config.NumberColumn("Now", format="%.1f"),
    "change": st.column_config.NumberColumn("Change", format="%+.1f"),
}

# -- headline figures ------------------------------------------------------------------------
report = common.exposure(db, version, portfolio) if portfolio else None
suppliers = report.suppliers if report is not None else None
figures = views.headline(in_focus, suppliers, settings.scoring.high_risk)
a, b, c, d = st.columns(4)
a.metric("Countries at high risk", figures["countries_high"],
         help=f"Composite score at or above {settings.scoring.high_risk:.0f} in {focus}")
top = in_focus.iloc[0] if len(in_focus) else None  # scores come sorted, riskiest first
b.metric("Highest composite", f"{top['composite']:.0f} ({top['iso3']})" if top is not None else "-",
         help=str(top["name"]) if top is not None else None)
if portfolio:
    c.metric("Suppliers exposed", f"{figures['suppliers_high']:,} of {figures['suppliers']:,}",
             help=f"Suppliers of '{common.esc(portfolio)}' in the high-risk countries above")
    d.metric("Spend exposed", views.compact(figures["spend_high"]) if figures["spend"] else "-",
             help=f"Annual spend of '{common.esc(portfolio)}' in high-risk countries, of {figures['spend']:,.0f} in total")
    st.caption(f"Suppliers and spend counted in the high-risk countries of {focus}; pick World for the "
               "whole portfolio, or see every supplier's exposure on the Suppliers page.")
else:
    c.metric("Suppliers exposed", "-", help="Upload a supplier list on the Suppliers page")
    d.metric("Spend exposed", "-")

# -- the map beside the movers -----------------------------------------------------------------
left, right = st.columns([3, 2], gap="medium")
with right:
    indicator = st.selectbox("Colour the map by", views.indicator_choices(), format_func=views.indicator_label,
                             key="overview_indicator")
    st.markdown("**Biggest movers** (composite points)")
    for days in (7, 30):
        moved = common.movers(db, version, days)
        table = views.movers_table(moved[views.in_focus(moved, focus)])
        st.caption(f"Last {days} days")
        if table.empty:
            st.caption("No country moved in this region.")
        else:
            st.dataframe(table, hide_index=True, width="stretch", column_config=MOVER_COLUMNS)
    st.markdown("**Highest risk now**")
    st.dataframe(views.top_table(in_focus, indicator), hide_index=True, width="stretch",
                 column_config={"country": "Country", "score": st.column_config.ProgressColumn(
                     views.indicator_label(indicator), min_value=0, max_value=100, format="%.0f"),
                     "driver": "Main driver"})
with left:
    common.plot_map(common.choropleth(scores, indicator, focus), key="overview_map")

# -- evidence ---------------------------------------------------------------------------------
st.subheader("Latest evidence")
focus_codes = None if focus == "World" else tuple(in_focus["iso3"])
evidence = common.evidence(db, version, 30, focus_codes)
if evidence.empty:
    st.info("No news evidence yet for this region. Ingest feeds or files with `risk ingest`.")
else:
    st.dataframe(
        evidence[["date", "country", "indicator", "sentence", "source", "url"]],
        hide_index=True, width="stretch",
        column_config={
            "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"), "country": "Country",
            "indicator": "Indicator", "sentence": st.column_config.TextColumn("Sentence", width="large"),
            "source": "Source", "url": st.column_config.LinkColumn("Link", display_text="open"),
        },
    )

with st.expander("All countries in this region"):
    table = in_focus[["name", "iso3", "subregion", "composite", *views.indicator_choices()[1:]]]
    st.dataframe(table.sort_values("composite", ascending=False), hide_index=True, width="stretch")
