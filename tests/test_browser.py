"""End to end in headless Debian Chromium: the real server on a free port, every page opened,
a real factory list uploaded, its exposure shown and downloaded, the map drawn with no network.

Full-page screenshots go to artifacts/screenshots/ (ignored by git) for a person to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = REPO / "artifacts" / "screenshots"
PAGES = ["overview", "country", "suppliers", "contingency", "snapshots", "sources"]
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium "
                       "(apt-get install -y chromium; `make test` does it)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard served from a seeded database, as `make run` would serve it."""
    from risk import bootstrap
    from risk.settings import load_settings
    from risk.store import Store

    root = tmp_path_factory.mktemp("browser")
    db = root / "risk.duckdb"
    bootstrap.initialise(Store(db), load_settings(db=db), seed=True)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RISK_")}
    env.update(RISK_DB=str(db), RISK_SNAPSHOTS__FOLDER=str(root / "snapshots"))
    log = (root / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
         "--server.address=127.0.0.1", f"--server.port={port}", "--browser.gatherUsageStats=false",
         "--server.fileWatcherType=none"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the dashboard did not start: {(root / 'server.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object, server: str) -> Iterator[object]:
    """A page that may reach only the dashboard: any other host is blocked and recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    outside: list[str] = []

    def guard(route: object) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.outside = outside  # type: ignore[attr-defined]
    yield pg
    context.close()


def _settled(page: object) -> None:
    """Wait until the script run is over and its charts and tables have drawn."""
    page.wait_for_function(
        "() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
        " return app && app.getAttribute('data-test-script-state') === 'notRunning'"
        " && document.querySelector('h1') !== null; }", timeout=60_000)
    charts = page.locator('[data-testid="stPlotlyChart"]')
    for i in range(charts.count()):
        charts.nth(i).locator(".main-svg").first.wait_for(timeout=30_000)
    tables = page.locator('[data-testid="stDataFrame"]')
    for i in range(tables.count()):
        if tables.nth(i).is_visible():  # a table in a closed expander is drawn only when opened
            tables.nth(i).locator("canvas").first.wait_for(state="attached", timeout=15_000)
    page.wait_for_timeout(300)


def _open(page: object, server: str, path: str) -> None:
    page.goto(f"{server}/{path}")
    _settled(page)


def _shot(page: object, name: str) -> None:
    """A full-page picture: Streamlit scrolls inside its main block, so grow the window to fit."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMainBlockContainer\"]').scrollHeight + 160")
    page.set_viewport_size({"width": 1400, "height": max(900, int(height))})
    page.wait_for_timeout(600)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 900})


def _exceptions(page: object) -> list[str]:
    return page.locator('[data-testid="stException"]').all_inner_texts()


TITLES = ["Overview", "Country", "Suppliers", "Contingency", "Snapshots", "Sources"]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_opens(page: object, server: str, name: str) -> None:
    _open(page, server, name)
    assert _exceptions(page) == []
    # Only app.py's navigation, even on a deep link (no auto-listed pages/common.py).
    links = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    assert [text.split("\n")[-1].strip() for text in links] == TITLES  # (icon ligature, then title)
    _shot(page, name)


def test_map_draws_countries_offline(page: object, server: str) -> None:
    _open(page, server, "overview")
    page.wait_for_selector(".js-plotly-plot .geolayer path", timeout=30_000)
    paths = page.locator(".js-plotly-plot .geolayer path").count()
    filled = page.locator(".js-plotly-plot .choroplethlocation").count()
    assert paths > 100 and filled > 100, (paths, filled)
    assert page.outside == [], page.outside  # nothing was fetched from a CDN


def test_upload_real_factory_list(page: object, server: str, realdata: Path, tmp_path: Path) -> None:
    factory_list = realdata / "suppliers" / "oar_facility_lists" / "2.csv"
    _open(page, server, "suppliers")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(factory_list))
    page.get_by_text("Validation report").wait_for(timeout=30_000)
    page.get_by_label("Portfolio name").fill("OAR factories")
    page.get_by_label("Portfolio name").press("Enter")
    page.get_by_role("button", name="Save as portfolio").click()
    page.get_by_text("Saved portfolio").wait_for(timeout=30_000)
    page.get_by_text("Exposure of 'OAR factories'").wait_for(timeout=30_000)
    _settled(page)
    page.wait_for_selector(".js-plotly-plot .scattergeo", timeout=30_000)
    assert _exceptions(page) == []
    _shot(page, "suppliers_uploaded")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download exposure as CSV").click()
    saved = tmp_path / "exposure.csv"
    info.value.save_as(saved)
    text = saved.read_text(encoding="utf-8-sig")
    rows = text.strip().splitlines()
    assert rows[0].startswith("name,") and "exposure" in rows[0]
    assert len(rows) > 10
