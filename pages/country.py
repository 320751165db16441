"""Country: every indicator's history, what makes each score, the evidence, neighbours, suppliers."""

from __future__ import annotations

import streamlit as st

from pages import common
from risk import views

settings, store, version = common.store()
db = str(store.path)
scores = common.scores(db, version)
portfolio = common.pick_portfolio(db, version)

# The country comes from the link (?iso3=VEN) or the picker; by default the riskiest country
# of the region chosen on the overview (Latin America first).
names = dict(zip(scores["iso3"], scores["name"]))
codes = list(scores.sort_values("name")["iso3"])
wanted = str(st.query_params.get("iso3", "")).upper()
region = scores[views.in_focus(scores, st.session_state.get("overview_focus") or views.FOCUSES[0].name)]
default = wanted if wanted in names else str((region if len(region) else scores).iloc[0]["iso3"])
iso3 = st.sidebar.selectbox("Country", codes, index=codes.index(default), format_func=lambda c: f"{names[c]} ({c})",
                    key="country_pick")
st.query_params["iso3"] = iso3
row = scores.set_index("iso3").loc[iso3]

st.title(f"{row['name']}")
st.caption(f"{common.esc(row['subregion'] or row['region'] or '')} · ISO {iso3}")
common.freshness_caption(db, version)

cols = st.columns(1 + len(views.indicator_choices()) - 1)
for col, ind in zip(cols, views.indicator_choices()):
    col.metric(views.indicator_label(ind), f"{row[ind]:.0f}")

# -- history ----------------------------------------------------------------------------------
st.subheader("History (last 12 months)")
hist = common.history(db, version, iso3)
st.plotly_chart(common.history_figure(hist), key="country_history", width="stretch")

# -- what makes each score --------------------------------------------------------------------
st.subheader("Baseline, news and spillover")
explanation = common.explanation(db, version, iso3)
parts = views.score_parts(explanation)
if parts.empty:
    st.info("No breakdown is available for this country yet.")
else:
    st.plotly_chart(common.parts_figure(parts), key="country_parts", width="stretch")
    st.dataframe(parts, hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="%.1f")
                                for c in ("baseline", "news", "spillover", "score")})

# -- evidence ---------------------------------------------------------------------------------
st.subheader("Evidence")
evidence = views.story_evidence(explanation)
if evidence.empty:
    st.info("No current news raises an indicator here; the scores are the sourced baselines.")
else:
    st.dataframe(
        evidence, hide_index=True, width="stretch",
        column_config={
            "points": st.column_config.NumberColumn("Story points", format="%.1f"),
            "sentence": st.column_config.TextColumn("Sentence", width="large"),
            "url": st.column_config.LinkColumn("Link", display_text="open source"),
            "decay": st.column_config.NumberColumn("Decay", format="%.2f"),
        },
    )
with st.expander("Baseline sources"):
    st.dataframe(views.baseline_sources(explanation), hide_index=True, width="stretch")

# -- neighbours and suppliers -----------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader("Neighbours")
    near = views.neighbour_scores(scores, common.neighbours(db, version).get(iso3, []))
    if near.empty:
        st.caption("No land neighbours.")
    else:
        st.dataframe(near, hide_index=True, width="stretch",
                     column_config={"name": "Country", "iso3": "ISO3", "composite": st.column_config.ProgressColumn(
                         "Composite", min_value=0, max_value=100, format="%.0f")})
with right:
    st.subheader("Your suppliers here")
    if not portfolio:
        st.caption("No portfolio yet: upload a supplier list on the Suppliers page.")
    else:
        report = common.exposure(db, version, portfolio)
        here = views.suppliers_in(report, iso3)
        st.caption(f"{len(here):,} supplier(s) of portfolio '{common.esc(portfolio)}' in {common.esc(row['name'])}.")
        if len(here):
            st.dataframe(here.dropna(axis=1, how="all"), hide_index=True, width="stretch",
                         column_config=common.exposure_columns(here))
