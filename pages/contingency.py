"""Contingency: what to do about the most exposed suppliers, and what if risk rises further."""

from __future__ import annotations

import streamlit as st

from pages import common
from risk import views
from risk.errors import RiskError

settings, store, version = common.store()
db = str(store.path)

st.title("Contingency plans")
portfolio = common.pick_portfolio(db, version)
if not portfolio:
    st.info("No portfolio yet: load the sample or upload your supplier list on the Suppliers page.")
    st.stop()
scores = common.scores(db, version)

# -- what-if controls ---------------------------------------------------------------------------
with st.expander("What if risk rises?", expanded=True):
    names = dict(zip(scores["iso3"], scores["name"]))
    codes = sorted(names, key=names.get)
    a, b, c, d = st.columns(4)
    country = a.selectbox("Country", codes, index=codes.index("VEN") if "VEN" in codes else 0,
                          format_func=lambda code: f"{names[code]} ({code})", key="whatif_country")
    indicator = b.selectbox("Indicator", views.indicator_choices()[1:], format_func=views.indicator_label,
                            key="whatif_indicator")
    points = c.slider("Points", -50, 50, 0, step=5, key="whatif_points")
    d.write("")  # aligns the box with the other controls
    spread = d.checkbox("Spread to neighbours", key="whatif_spread",
                        help=f"Neighbours get {settings.scoring.spillover_factor:.0%} of the rise")
scenario = (country, indicator, float(points), spread) if points else None

try:
    base = common.plans(db, version, portfolio, None)
    report = common.plans(db, version, portfolio, scenario) if scenario else base
except RiskError as e:
    common.show_error(e)
    st.stop()

a, b, c = st.columns(3)
a.metric("High-exposure suppliers", report.high_exposure,
         delta=report.high_exposure - base.high_exposure if scenario else None, delta_color="inverse")
b.metric("Portfolio exposure", f"{report.exposure.total_exposure:.1f}",
         delta=f"{report.exposure.total_exposure - base.exposure.total_exposure:+.1f}" if scenario else None,
         delta_color="inverse", help="Spend-weighted risk of the portfolio, 0-100, weighted by criticality")
c.metric("Plans", len(report.plans), help=f"At most {settings.contingency.max_plans}, most exposed first")
if scenario:
    st.caption(common.esc(views.what_if(*scenario).describe()))
for note in views.assumptions(report.exposure):
    st.caption(common.esc(note))

# -- export ---------------------------------------------------------------------------------------
table = views.plans_frame(report)
what_if = views.what_if(*scenario) if scenario else None
x, y, _ = st.columns([1, 1, 2])
x.download_button("Export the plan (CSV)", views.csv_bytes(table), key="plan_csv", mime="text/csv",
                  file_name=f"contingency_{views.file_slug(portfolio)}.csv")
y.download_button("Export the plan (Markdown)", views.plans_markdown(report, what_if).encode("utf-8"),
                  key="plan_md", mime="text/markdown", file_name=f"contingency_{views.file_slug(portfolio)}.md")

# -- the plans ------------------------------------------------------------------------------------
if not report.plans:
    st.success("No supplier is exposed enough to need a plan.")
    st.stop()
st.subheader("Suppliers that need a plan")
st.dataframe(table[["supplier", "country", "category", "risk", "exposure", "dominant risk"]],
             hide_index=True, width="stretch", height=min(420, 38 + 35 * len(table)),
             column_config={"supplier": "Supplier", "country": "Country", "category": "Category",
                            "risk": st.column_config.NumberColumn("Country risk", format="%.0f"),
                            "exposure": st.column_config.NumberColumn("Exposure", format="%.2f"),
                            "dominant risk": "Dominant risk"})

labels = {i: f"{p.supplier} · {p.country_name or p.country} · exposure {p.exposure:.1f}"
          for i, p in enumerate(report.plans)}
plan = report.plans[st.selectbox("Plan for", list(labels), format_func=labels.get, key="plan_pick")]
with st.container(border=True):
    st.markdown(f"**{common.esc(plan.supplier)}** in {common.esc(plan.country_name or plan.country)}: "
                f"country risk {plan.risk:.0f}, exposure {plan.exposure:.1f}, "
                f"dominant risk {views.indicator_label(plan.dominant_risk).lower()}.")
    left, right = st.columns(2)
    left.markdown("**Alternative countries**")
    if plan.alternatives:
        left.dataframe(views.rows_frame(plan.alternatives, ["name", "composite", "scope", "reason"]),
                       hide_index=True, width="stretch",
                       column_config={"name": "Country",
                                      "composite": st.column_config.NumberColumn("Composite", format="%.0f"),
                                      "scope": "Same", "reason": st.column_config.TextColumn("Why", width="large")})
    else:
        left.caption("No nearby country is lower in risk by enough.")
    right.markdown("**Same-category suppliers in lower-risk countries**")
    if plan.peers:
        right.dataframe(views.rows_frame(plan.peers, ["supplier", "country", "risk", "reason"]),
                        hide_index=True, width="stretch",
                        column_config={"supplier": "Supplier", "country": "Country",
                                       "risk": st.column_config.NumberColumn("Risk", format="%.0f"),
                                       "reason": st.column_config.TextColumn("Why", width="large")})
    else:
        right.caption("None in this portfolio.")
    st.markdown(f"**{common.esc(plan.playbook.get('title') or 'Actions')}**")
    for action in plan.playbook.get("actions", []):
        st.markdown(f"- {common.esc(action)}")
