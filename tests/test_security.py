"""Safe by construction: untrusted text (supplier names, portfolio names, news) never becomes
HTML, markdown, SQL, a spreadsheet formula or PDF markup; uploads are bounded; snapshot files
are only served from the snapshots folder."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from reliability_support import REPO, seeded_template
from risk.cli import main
from risk.errors import InputError
from risk.settings import load_settings
from risk.store import Store

__all__ = ["seeded_template"]

INJECTIONS = [
    "Robert'); DROP TABLE suppliers;--",
    'Acme" OR 1=1 --',
    "x'; DELETE FROM portfolios WHERE '1'='1",
    "Tab\\Slash; SELECT * FROM documents",
]
FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+2", "-3+4", "@SUM(A1:A9)"]
HOSTILE = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) **bold**"


@pytest.fixture
def db(tmp_path: Path, seeded_template: Path) -> Path:
    path = tmp_path / "risk.duckdb"
    shutil.copy(seeded_template, path)
    return path


def _csv(path: Path, names: list[str], country: str = "Chile") -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "country", "annual_spend"])
        for n in names:
            w.writerow([n, country, 1000])
    return path


def _cli(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    if r.exception and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r.exit_code, r.stdout, r.stderr


# -- untrusted text never becomes HTML --------------------------------------------------------
def test_no_page_allows_raw_html() -> None:
    files = [REPO / "app.py", *sorted((REPO / "pages").glob("*.py"))]
    pattern = re.compile(r"unsafe_allow_html\s*=\s*True|st\.html\(|components\.(v1|html)|\.markdown\([^)]*html")
    offenders = [f"{f.name}:{n}: {line.strip()}" for f in files
                 for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert offenders == []


def test_hostile_names_are_shown_as_text(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = _cli("suppliers", "import", str(_csv(tmp_path / "s.csv", [HOSTILE, "Plain Ltd"])),
                          "--portfolio", HOSTILE, "--db", str(db))
    assert code == 0, err
    monkeypatch.setenv("RISK_DB", str(db))
    monkeypatch.setenv("RISK_SNAPSHOTS__FOLDER", str(tmp_path / "snapshots"))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90).run()
    at.session_state["portfolio"] = HOSTILE
    for page in ("suppliers", "contingency", "overview", "snapshots"):
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        texts = [str(el.value) for kind in ("markdown", "caption", "title", "subheader", "header", "success",
                                            "info", "warning", "error") for el in at.get(kind)]
        for t in texts:
            # escaped (\<img, \*\*bold\*\*) is fine: markdown shows it as the literal text
            assert not re.search(r"(?<!\\)<img|(?<!\\)\]\(javascript|\*\*bold\*\*", t), (page, t)


# -- SQL values are parameters ----------------------------------------------------------------
def test_injection_looking_names_round_trip_and_tables_survive(db: Path, tmp_path: Path) -> None:
    portfolio = "O'Brien's; DROP TABLE portfolios;--"
    code, out, err = _cli("suppliers", "import", str(_csv(tmp_path / "s.csv", INJECTIONS)), "--portfolio", portfolio,
                          "--db", str(db))
    assert code == 0, err
    code, out, err = _cli("exposure", "--portfolio", portfolio, "--format", "json", "--db", str(db))
    assert code == 0, err
    assert sorted(r["supplier"] for r in json.loads(out)) == sorted(INJECTIONS)
    code, out, _ = _cli("suppliers", "delete", "nothing' OR '1'='1", "--db", str(db))
    assert code != 0  # no such portfolio: nothing else deleted
    with Store(db).read() as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        kept = con.execute("SELECT count(*) FROM suppliers WHERE portfolio = ?", [portfolio]).fetchone()[0]
        others = con.execute("SELECT count(*) FROM portfolios").fetchone()[0]
    assert {"suppliers", "portfolios", "documents", "signals"} <= tables
    assert kept == len(INJECTIONS) and others == 2  # the seeded sample portfolio and this one


def test_injection_looking_news_round_trips(db: Path, tmp_path: Path) -> None:
    title = "Robert'); DROP TABLE documents;-- closes airspace"
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text(f"{title}\n\nNiger closed its airspace to all flights on Sunday.\n",
                                             encoding="utf-8")
    code, _, err = _cli("ingest", "--no-scores", str(tmp_path / "news"), "--db", str(db))
    assert code == 0, err
    with Store(db).read() as con:
        assert con.execute("SELECT count(*) FROM documents WHERE title = ?", [title]).fetchone()[0] == 1


# -- spreadsheet exports neutralise formulas --------------------------------------------------
def _cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


def test_exposure_csv_neutralises_formulas(db: Path, tmp_path: Path) -> None:
    code, _, err = _cli("suppliers", "import", str(_csv(tmp_path / "f.csv", FORMULAS)), "--portfolio", "f",
                        "--db", str(db))
    assert code == 0, err
    code, out, err = _cli("exposure", "--portfolio", "f", "--format", "csv", "--db", str(db))
    assert code == 0, err
    cells = _cells(out)
    for f in FORMULAS:
        assert "'" + f in cells, f
    assert not [c for c in cells if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not _number(c))]


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_rejects_file_and_dashboard_download_neutralise_formulas(db: Path, tmp_path: Path) -> None:
    from risk import views

    rejects = tmp_path / "rejects.csv"
    code, _, err = _cli("suppliers", "import", str(_csv(tmp_path / "r.csv", FORMULAS, country="Atlantis")),
                        "--rejects", str(rejects), "--db", str(db))
    assert code == 0, err
    cells = _cells(rejects.read_text(encoding="utf-8-sig"))
    for f in FORMULAS:
        assert "'" + f in cells and f not in cells
    report = views.exposure(Store(db), "Sample portfolio")
    import pandas as pd

    table = views.exposure_table(report)
    table.loc[table.index[0], "name"] = FORMULAS[0]
    assert "'" + FORMULAS[0] in _cells(views.csv_bytes(pd.DataFrame(table)).decode("utf-8-sig"))


# -- bounded uploads --------------------------------------------------------------------------
def test_upload_limits_are_honoured(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RISK_DB", str(db))
    monkeypatch.setenv("RISK_UPLOAD__MAX_UPLOAD_MB", "3")
    monkeypatch.setenv("RISK_UPLOAD__MAX_ROWS", "2")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90).run()
    at.switch_page("pages/suppliers.py").run()
    uploader = at.get("file_uploader")[0]
    assert uploader.proto.max_upload_size_mb == 3  # the browser refuses bigger files
    raw = _csv(tmp_path / "three.csv", ["A Ltd", "B Ltd", "C Ltd"]).read_bytes()
    uploader.set_value(("three.csv", raw, "text/csv"))
    at.run()
    errors = [str(e.value) for e in at.error]
    assert any("3 rows" in e and "limit of 2" in e for e in errors), errors  # rows beyond the limit refused
    server = (REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert re.search(r"maxUploadSize\s*=\s*(\d+)", server), "the server has no global upload cap"


# -- snapshot files: no path traversal --------------------------------------------------------
def _record(db: Path, path: str) -> int:
    from datetime import datetime

    from risk.store import snapshots as sql

    with Store(db).transaction() as con:
        return sql.record_snapshot(con, created_at=datetime(2026, 1, 1), portfolio=None, path=path, sha256="0" * 64,
                                   pages=1, size=1, trigger="manual", as_of=None, map_renderer=None, top=[])


def test_snapshot_path_refuses_files_outside_the_folder(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from risk.report import snapshot_path

    folder = tmp_path / "snapshots"
    folder.mkdir()
    monkeypatch.setenv("RISK_SNAPSHOTS__FOLDER", str(folder))
    settings = load_settings(db=db)
    inside = folder / "ok.pdf"
    inside.write_bytes(b"%PDF-1.4\n")
    good = _record(db, str(inside))
    assert snapshot_path(Store(db), settings, good) == inside.resolve()
    for evil in (str(folder / ".." / ".." / ".." / ".." / "etc" / "passwd"), "/etc/passwd", "../../etc/passwd"):
        with pytest.raises(InputError, match="outside the snapshots folder"):
            snapshot_path(Store(db), settings, _record(db, evil))
    link = folder / "link.pdf"
    link.symlink_to("/etc/passwd")
    with pytest.raises(InputError):
        snapshot_path(Store(db), settings, _record(db, str(link)))


def test_snapshots_page_does_not_serve_files_outside_the_folder(db: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "snapshots"
    folder.mkdir()
    _record(db, "/etc/passwd")
    monkeypatch.setenv("RISK_DB", str(db))
    monkeypatch.setenv("RISK_SNAPSHOTS__FOLDER", str(folder))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90).run()
    at.switch_page("pages/snapshots.py").run()
    assert not at.exception
    assert not at.get("download_button"), "a file outside the snapshots folder is offered for download"


# -- PDF text cannot inject markup ------------------------------------------------------------
def test_pdf_shows_markup_literally(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PdfReader

    from risk.report import write_snapshot

    name = "**bold** <b>x</b> __u__ [l](http://e.x)"
    code, _, err = _cli("suppliers", "import", str(_csv(tmp_path / "m.csv", [name, "Plain Ltd"], country="Venezuela")),
                        "--portfolio", "markup", "--db", str(db))
    assert code == 0, err
    monkeypatch.setenv("RISK_SNAPSHOTS__FOLDER", str(tmp_path / "snapshots"))
    settings = load_settings(db=db)
    res = write_snapshot(Store(db), settings, portfolio="markup", out=tmp_path / "m.pdf", use_browser=False)
    text = " ".join("".join(p.extract_text() for p in PdfReader(res.path).pages).split())
    assert "**bold** <b>x</b> __u__ [l](http://e.x)" in text
