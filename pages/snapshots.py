"""Snapshots: the PDF reports written so far, one made on demand, and the schedule in force."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from pages import common
from risk import views
from risk.errors import RiskError

settings, store, version = common.store()
db = str(store.path)

st.title("PDF snapshots")
st.caption("A snapshot is a dated PDF of the risk picture and your exposure, to share or file.")

# -- create one now ---------------------------------------------------------------------------
portfolio = common.pick_portfolio(db, version)
with st.container(border=True):
    st.markdown("**Create a snapshot now**"
                + (f" for portfolio '{common.esc(portfolio)}'" if portfolio else " (no portfolio yet: risk only)"))
    if st.button("Create snapshot", type="primary", key="snapshot_create"):
        try:
            with st.spinner("Writing the PDF..."):
                made = views.create_snapshot(store, settings, portfolio)
            st.success(f"Snapshot written: {common.esc(Path(made.path).name)}")
            version = views.data_version(store)
        except RiskError as e:
            common.show_error(e)

# -- past snapshots ---------------------------------------------------------------------------
st.subheader("Past snapshots")
past = common.snapshots(db, version)
if past.empty:
    st.info("No snapshots yet. Create one above, or let the scheduler write them.")
else:
    st.dataframe(past[["created_at", "portfolio", "trigger", "pages", "size", "file", "exists"]],
                 hide_index=True, width="stretch")
    present = past[past["exists"]]
    if len(present):
        labels = {int(r.id): f"{r.created_at:%Y-%m-%d %H:%M} · {r.file}" for r in present.itertuples()}
        chosen = st.selectbox("Snapshot to download", list(labels), format_func=labels.get, key="snapshot_pick")
        try:
            name, pdf = views.read_snapshot(store, settings, chosen)
            st.download_button("Download PDF", pdf, file_name=name, mime="application/pdf",
                               key="snapshot_download")
        except RiskError as e:
            common.show_error(e)
    else:
        st.warning("The recorded PDF files are no longer in the snapshot folder.")

# -- the schedule in force --------------------------------------------------------------------
st.subheader("Schedule")
for line in views.schedule_lines(settings):
    st.markdown(f"- {common.esc(line)}")
st.caption("Scheduled runs happen in the `risk schedule` process, not in the dashboard.")
