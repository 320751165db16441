"""Suppliers: upload a list, check it, save it as a portfolio, and see where the exposure sits."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from pages import common
from risk import views
from risk.errors import RiskError

settings, store, version = common.store()
db = str(store.path)

st.title("Suppliers and exposure")

# -- a first-time user can try the bundled sample ---------------------------------------------
sample = views.sample_suppliers_file()
with st.container(border=True):
    st.markdown("**Upload your supplier list** (CSV: a name and a country, city or coordinates per row; "
                "optional spend, criticality, category). Or try the bundled sample first.")
    a, b, _ = st.columns([1, 1, 2])
    if sample is not None:
        a.download_button("Download the sample CSV", sample.read_bytes(), file_name=sample.name,
                          mime="text/csv", key="sample_download")
        if b.button("Load the sample as a portfolio", key="sample_load"):
            try:
                result = views.save_portfolio(store, sample.read_bytes(), views.SAMPLE_PORTFOLIO, sample.name)
                st.session_state["portfolio"] = views.SAMPLE_PORTFOLIO
                st.success(f"Saved '{views.SAMPLE_PORTFOLIO}': {result.accepted_count:,} suppliers.")
            except RiskError as e:
                common.show_error(e)
    upload = st.file_uploader("Supplier CSV", type=["csv", "txt", "tsv"], key="supplier_upload",
                              max_upload_size=settings.upload.max_upload_mb)

# -- validation report and saving ----------------------------------------------------------------
if upload is not None:
    raw = upload.getvalue()
    try:
        result = common.check_suppliers(raw, upload.name, settings.upload.max_rows)
    except RiskError as e:
        common.show_error(e)
        result = None
    if result is not None:
        st.subheader("Validation report")
        flags = result.flag_counts()
        a, b, c = st.columns(3)
        a.metric("Accepted rows", f"{result.accepted_count:,}")
        b.metric("Rejected rows", f"{result.rejected_count:,}")
        c.metric("Flagged (duplicates, conflicts)", f"{sum(flags.values()):,}",
                 help=", ".join(f"{k}: {v}" for k, v in flags.items()) or None)
        st.caption(f"Read as {common.esc(result.encoding)}, separated by "
                   f"{common.esc(views.separator_name(result.separator))}. "
                   + " ".join(common.esc(n) for n in result.notes))
        if result.rejected_count:
            st.markdown("**Rejected rows** (line number and reason)")
            st.dataframe(result.rejects, hide_index=True, width="stretch", height=220)
            st.download_button("Download the rejected rows", views.rejects_csv(result),
                               file_name=f"{Path(upload.name).stem}_rejects.csv", mime="text/csv",
                               key="rejects_download")
        with st.expander(f"Accepted rows ({result.accepted_count:,})"):
            st.dataframe(result.accepted.head(1000), hide_index=True, width="stretch")
        name = st.text_input("Portfolio name", value=Path(upload.name).stem[:80], key="portfolio_name")
        if st.button("Save as portfolio", type="primary", key="portfolio_save",
                     disabled=result.accepted_count == 0 or not name.strip()):
            try:
                saved = views.save_portfolio(store, raw, name.strip(), upload.name, settings.upload.max_rows)
                st.session_state["portfolio"] = name.strip()
                st.success(f"Saved portfolio '{common.esc(name.strip())}' with {saved.accepted_count:,} suppliers.")
            except RiskError as e:
                common.show_error(e)

# -- exposure of the chosen portfolio -----------------------------------------------------------
version = views.data_version(store)  # a save above changed the database
portfolio = common.pick_portfolio(db, version)
if not portfolio:
    st.info("No portfolio yet: load the sample or upload your list above.")
    st.stop()

report = common.exposure(db, version, portfolio)
st.subheader(f"Exposure of '{common.esc(portfolio)}'")
for note in views.assumptions(report):
    st.caption(common.esc(note))

table = common.exposure_table(db, version, portfolio)
st.dataframe(table.dropna(axis=1, how="all"), hide_index=True, width="stretch", height=380,
             column_config=common.exposure_columns(table))
# The formula-safe CSV of 10,000 rows takes ~0.4 s: made on the click (on Streamlit's
# download thread, from the table already at hand), not on every run of the page.
st.download_button("Download exposure as CSV", lambda: views.csv_bytes(table),
                   file_name=f"exposure_{views.file_slug(portfolio)}.csv", mime="text/csv",
                   key="exposure_download", type="primary")

st.subheader("Where the suppliers are")
common.plot_map(common.supplier_map(common.supplier_points(db, version, portfolio)), key="supplier_map")

st.subheader("Concentration")
st.caption(f"Spend concentration across countries (HHI): {report.hhi_countries:,.0f} of 10,000; "
           "above 2,500 counts as highly concentrated.")
left, right = st.columns([3, 2])
left.markdown("**By country**")
by_country, by_region = views.concentration_tables(report)
left.dataframe(by_country, hide_index=True, width="stretch", height=min(400, 38 + 35 * len(by_country)),
               column_config=common.exposure_columns(by_country))
right.markdown("**By region**")
right.dataframe(by_region, hide_index=True, width="stretch", height=min(400, 38 + 35 * len(by_region)),
                column_config=common.exposure_columns(by_region))
