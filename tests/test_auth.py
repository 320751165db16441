"""Optional sign-in: with an [auth] section, nothing but the sign-in screen shows until the
user is logged in; without one, the dashboard is open (AppTest's simulated user)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from risk import bootstrap
from risk.settings import load_settings
from risk.store import Store

REPO = Path(__file__).resolve().parents[1]
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-test-secret",
    "client_id": "regional-risk",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("auth") / "risk.duckdb"
    bootstrap.initialise(Store(path), load_settings(db=path))
    return path


def _app(db: Path, monkeypatch: pytest.MonkeyPatch, *, auth: bool, user: dict) -> AppTest:
    monkeypatch.setenv("RISK_DB", str(db))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    if auth:
        at.secrets["auth"] = AUTH
    at.user = user
    return at.run()


def test_signed_out_user_sees_only_the_sign_in_screen(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(db, monkeypatch, auth=True, user={"is_logged_in": False})
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert "Regional risk overview" not in [t.value for t in at.title]


def test_signed_in_user_sees_the_dashboard(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(db, monkeypatch, auth=True, user={"is_logged_in": True, "email": "ops@example.com", "name": "Ops"})
    assert not at.exception, [e.value for e in at.exception]
    assert any("overview" in t.value.lower() for t in at.title)
    assert any("ops@example.com" in c.value for c in at.sidebar.caption)


def test_without_auth_section_the_dashboard_is_open(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(db, monkeypatch, auth=False, user={"is_logged_in": False})
    assert not at.exception, [e.value for e in at.exception]
    assert any("overview" in t.value.lower() for t in at.title)
    assert "Sign in" not in [b.label for b in at.button]
