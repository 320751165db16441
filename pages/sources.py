"""Sources: the configured feeds, what each ingest run read, and what went wrong."""

from __future__ import annotations

import streamlit as st

from pages import common

settings, store, version = common.store()
db = str(store.path)

WHEN = "YYYY-MM-DD HH:mm"
st.title("Sources")
common.freshness_caption(db, version)

st.subheader("Configured feeds")
feeds, fed = common.feeds(db, version)
if feeds.empty:
    st.info("No feed URLs are configured. Add them under [feeds] urls in risk.toml; "
            "files and folders can be ingested any time with `risk ingest PATH`.")
else:
    st.dataframe(feeds, hide_index=True, width="stretch",
                 column_config={"url": st.column_config.LinkColumn("Feed")})

st.subheader("Last ingest runs")
runs = common.ingest_runs(db, version)
if runs.empty:
    st.info("Nothing has been ingested yet.")
else:
    st.dataframe(runs.drop(columns=["error_messages"]), hide_index=True, width="stretch",
                 column_config={"id": "Run", "started_at": st.column_config.DatetimeColumn("Started", format=WHEN),
                                "finished_at": st.column_config.DatetimeColumn("Finished", format=WHEN),
                                "status": "Status", "sources": "Sources", "read": "Read", "new": "New",
                                "duplicate": "Duplicates", "signals": "Signals", "errors": "Errors"})
    failed = runs[runs["errors"] > 0]
    for run in failed.head(5).itertuples():
        with st.expander(f"Run {run.id}: {run.errors} error(s)"):
            for message in run.error_messages or []:
                st.text(str(message))

st.subheader("What the database was fed")
st.dataframe(fed, hide_index=True, width="stretch",
             column_config={"source": "Source", "kind": "Kind", "documents": "Documents", "signals": "Signals",
                            "last_ingested": st.column_config.DatetimeColumn("Last ingested", format=WHEN)})
