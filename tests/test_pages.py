"""Every dashboard page runs on a seeded database, the upload flow stores a portfolio, and no
page renders text as HTML. Streamlit's AppTest runs the real scripts in-process."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from risk import views
from risk.settings import load_settings
from risk.store import Store

REPO = Path(__file__).resolve().parents[1]
PAGES = ["overview", "country", "suppliers", "contingency", "snapshots", "sources"]


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database made the way `make run` makes it: reference data, sample news, sample suppliers."""
    from risk import bootstrap

    path = tmp_path_factory.mktemp("pages") / "risk.duckdb"
    settings = load_settings(db=path)
    bootstrap.initialise(Store(path), settings, seed=True)
    return path


@pytest.fixture
def app(seeded_db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AppTest:
    monkeypatch.setenv("RISK_DB", str(seeded_db))
    monkeypatch.setenv("RISK_SNAPSHOTS__FOLDER", str(tmp_path / "snapshots"))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    return at.run()


def _open(at: AppTest, page: str) -> AppTest:
    return at.switch_page(f"pages/{page}.py").run()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs(app: AppTest, page: str) -> None:
    at = _open(app, page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, f"{page} shows no title"


def test_overview_map_colours_every_country(app: AppTest, seeded_db: Path) -> None:
    at = _open(app, "overview")
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    choropleths = [t for s in specs for t in s["data"] if t.get("type") == "choropleth"]
    assert choropleths, "no choropleth on the overview"
    locations = choropleths[0]["locations"]
    stored = views.scores(Store(seeded_db))
    assert len(locations) == len(stored) > 200
    # The offline map reads topojson from the app's own static folder.
    assert all(json.loads(c.proto.config or "{}").get("topojsonURL", "/app/static/topojson/")
               for c in at.get("plotly_chart"))
    assert (REPO / "static" / "topojson" / "world_110m.json").stat().st_size > 100_000


def test_overview_headline_counts_high_risk_countries(app: AppTest, seeded_db: Path) -> None:
    at = _open(app, "overview")
    metric = next(m for m in at.metric if m.label == "Countries at high risk")
    scores = views.scores(Store(seeded_db))
    focus = scores[views.in_focus(scores, views.FOCUSES[0].name)]
    assert int(metric.value) == int((focus["composite"] >= load_settings().scoring.high_risk).sum())


def test_country_page_follows_the_link(app: AppTest) -> None:
    app.query_params["iso3"] = "VEN"
    at = _open(app, "country")
    assert not at.exception
    assert at.title[0].value == "Venezuela"


def test_upload_flow_stores_a_portfolio(app: AppTest, seeded_db: Path, realdata: Path) -> None:
    factory_list = realdata / "suppliers" / "oar_facility_lists" / "2.csv"
    at = _open(app, "suppliers")
    at.file_uploader(key="supplier_upload").set_value(("factories.csv", factory_list.read_bytes(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    accepted = next(m for m in at.metric if m.label == "Accepted rows")
    assert int(accepted.value.replace(",", "")) > 0
    at.text_input(key="portfolio_name").set_value("Factories from OAR").run()
    at.button(key="portfolio_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Factories from OAR" in views.portfolio_names(Store(seeded_db))
    report = views.exposure(Store(seeded_db), "Factories from OAR")
    assert len(report.suppliers) == int(accepted.value.replace(",", ""))


def test_sample_button_loads_the_sample(app: AppTest, seeded_db: Path) -> None:
    if views.sample_suppliers_file() is None:
        pytest.skip("data/sample_suppliers.csv is not bundled yet")
    at = _open(app, "suppliers")
    assert any(d.proto.label == "Download the sample CSV" for d in at.get("download_button"))
    at.button(key="sample_load").click().run()
    assert not at.exception
    assert views.SAMPLE_PORTFOLIO in views.portfolio_names(Store(seeded_db))


def test_exposure_csv_neutralises_formulas() -> None:
    import pandas as pd

    frame = pd.DataFrame({"name": ["=HYPERLINK(\"http://x\")", "+1", "Acme"], "risk": [1.0, 2.0, 3.0]})
    text = views.csv_bytes(frame).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1" in text and "\nAcme," in text


def test_no_page_renders_html() -> None:
    """Untrusted text (news, CSV cells) is never rendered as HTML anywhere in the dashboard."""
    files = [REPO / "app.py", *sorted((REPO / "pages").glob("*.py"))]
    pattern = re.compile(r"unsafe_allow_html|st\.html\(|components\.v1|components\.html")
    offenders = [f"{f.name}:{n}" for f in files
                 for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert offenders == []


def test_markdown_escaping_defuses_untrusted_text() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("pages_common", REPO / "pages" / "common.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    hostile = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) **bold** :red[x] $x$"
    escaped = module.esc(hostile)
    # Every markdown/HTML special character is backslash-escaped (CommonMark renders it literally).
    assert re.findall(r"(?<!\\)[<>\[\]()*:$`_#|~]", escaped) == []
    assert escaped.replace("\\", "") == hostile
    assert not views.is_web_url("javascript:alert(1)") and views.is_web_url("https://example.org/a")


def test_what_if_raises_exposure_and_exports_the_plan(app: AppTest, seeded_db: Path) -> None:
    at = _open(app, "contingency")
    if at.info and not at.metric:
        pytest.skip("the seeded database has no portfolio")
    before = float(next(m for m in at.metric if m.label == "Portfolio exposure").value)
    portfolio = at.session_state["portfolio"]
    report = views.exposure(Store(seeded_db), portfolio)
    country = str(report.by_country.iloc[0]["country"])  # where most of the exposure sits
    at.selectbox(key="whatif_country").set_value(country)
    at.selectbox(key="whatif_indicator").set_value("trade_disruption")
    at.slider(key="whatif_points").set_value(40).run()
    assert not at.exception, [e.value for e in at.exception]
    after = float(next(m for m in at.metric if m.label == "Portfolio exposure").value)
    assert after > before
    assert any(d.proto.label.startswith("Export the plan") for d in at.get("download_button"))


def test_snapshot_made_from_the_page_can_be_downloaded(app: AppTest) -> None:
    at = _open(app, "snapshots")
    at.button(key="snapshot_create").click().run(timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.success and "Snapshot written" in at.success[0].value
    at.run()
    pdf = next(d for d in at.get("download_button") if d.proto.label == "Download PDF")
    assert pdf.proto.url  # the PDF is served for download
