"""The dashboard: page set-up and navigation. Each page lives in pages/; data comes from `risk`."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

# A local favicon: a Material icon here would be fetched from Google's servers.
st.set_page_config(page_title="Regional risk", page_icon=str(Path(__file__).parent / "static" / "favicon.png"),
                   layout="wide")


def _login_required() -> bool:
    """Sign-in is on when an [auth] section is configured in .streamlit/secrets.toml (OIDC)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


if _login_required():
    if not st.user.is_logged_in:
        st.title("Regional risk")
        st.write("Sign in with your organisation's account to see the dashboard.")
        st.button("Sign in", on_click=st.login, type="primary")
        st.stop()
    st.sidebar.caption(f"Signed in as {st.user.get('email') or st.user.get('name') or 'user'}")
    st.sidebar.button("Sign out", on_click=st.logout)

st.navigation(
    [
        st.Page("pages/overview.py", title="Overview", icon=":material/public:", url_path="overview", default=True),
        st.Page("pages/country.py", title="Country", icon=":material/flag:", url_path="country"),
        st.Page("pages/suppliers.py", title="Suppliers", icon=":material/factory:", url_path="suppliers"),
        st.Page("pages/contingency.py", title="Contingency", icon=":material/alt_route:", url_path="contingency"),
        st.Page("pages/snapshots.py", title="Snapshots", icon=":material/picture_as_pdf:", url_path="snapshots"),
        st.Page("pages/sources.py", title="Sources", icon=":material/rss_feed:", url_path="sources"),
    ]
).run()
