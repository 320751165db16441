"""PDF snapshots: content, fonts, map, atomic write, record, safe serving."""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

import pypdf
import pytest

from risk.errors import InputError
from risk.report import snapshot_path, write_snapshot
from risk.report.maps import find_browser
from risk.settings import Settings, load_settings
from risk.store import Store
from risk.store import snapshots as sql


def _seed_reference(store: Store, settings: Settings) -> None:
    """Countries and baselines, through `risk init`'s code when it is importable."""
    try:
        from risk.bootstrap import initialise

        initialise(store, settings)
    except ImportError:
        from scoring_support import load_countries

        from risk.baselines import load_baselines

        load_countries(store)
        load_baselines(store, settings)


@pytest.fixture
def settings(tmp_path: Path, db_path: Path) -> Settings:
    return load_settings(db=db_path, snapshots={"folder": str(tmp_path / "snapshots")})


@pytest.fixture
def seeded(store: Store, settings: Settings) -> Store:
    _seed_reference(store, settings)
    return store


@pytest.fixture
def real_store(seeded: Store, settings: Settings, realdata: Path) -> Store:
    """The seed article and the real factory list 15.csv."""
    from risk.ingest import ingest
    from risk.suppliers import import_suppliers

    summary = ingest(seeded, settings, [realdata / "seed_article_venezuela_2025-11.txt"])
    assert summary.new == 1 and not summary.errors, summary.errors
    import_suppliers(seeded, realdata / "suppliers" / "oar_facility_lists" / "15.csv", portfolio="oar15")
    return seeded


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)


def _map_drawn(page: pypdf.PageObject) -> bool:
    """An image on the page, or many filled paths (the vector map)."""
    xobjects = page.get("/Resources", {}).get("/XObject", {}) or {}
    if any(xobjects[k].get_object().get("/Subtype") == "/Image" for k in xobjects):
        return True
    content = page.get_contents().get_data().decode("latin-1")
    return len(re.findall(r"\bB\n", content)) > 100


def test_snapshot_from_real_data(real_store: Store, settings: Settings, realdata: Path,
                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="fpdf")
    res = write_snapshot(real_store, settings, portfolio="oar15", use_browser=False)

    assert res.path.is_file() and res.path.parent == (Path(settings.snapshots.folder)).resolve()
    assert res.pages >= 2
    assert hashlib.sha256(res.path.read_bytes()).hexdigest() == res.sha256
    assert not list(res.path.parent.glob("*.part")), "the temporary file was left behind"
    text = _text(res.path)
    assert "Pakistan" in text
    with real_store.read() as con:
        ven_signals = con.execute("SELECT count(*) FROM signals WHERE country = 'VEN'").fetchall()[0][0]
    assert ven_signals > 0
    assert "Venezuela" in text

    # Every supplier name renders: no glyph is missing and every character is in the text.
    assert res.missing_glyphs == ()
    assert not [r for r in caplog.records if "missing the following glyphs" in r.getMessage()]
    import csv

    rows = list(csv.DictReader((realdata / "suppliers/oar_facility_lists/15.csv").open(encoding="utf-8-sig")))
    flat = re.sub(r"\s+", "", text)
    chars = set(flat)
    for row in rows:
        name = row["name"].strip()
        assert set(re.sub(r"\s+", "", name)) <= chars, name
    found = sum(re.sub(r"\s+", "", row["name"]) in flat for row in rows)
    assert found >= 0.95 * len(rows)

    pages = pypdf.PdfReader(res.path).pages
    assert _map_drawn(pages[1])

    with real_store.read() as con:
        rec = sql.get_snapshot(con, res.id)
    assert rec is not None and rec.sha256 == res.sha256 and rec.portfolio == "oar15"
    assert rec.pages == len(pages) and rec.bytes == res.path.stat().st_size
    assert snapshot_path(real_store, settings, res.id) == res.path


@pytest.mark.skipif(find_browser() is None, reason="no Chromium on this machine for kaleido")
def test_map_rendered_by_kaleido(seeded: Store, settings: Settings, tmp_path: Path) -> None:
    res = write_snapshot(seeded, settings, out=tmp_path / "snapshots" / "k.pdf")
    assert res.map_renderer == "kaleido"
    page = pypdf.PdfReader(res.path).pages[1]
    xobjects = page["/Resources"]["/XObject"]
    assert any(xobjects[k].get_object()["/Subtype"] == "/Image" for k in xobjects)


def test_second_snapshot_shows_changes_since_the_first(seeded: Store, settings: Settings) -> None:
    first = write_snapshot(seeded, settings, use_browser=False, out=Path(settings.snapshots.folder) / "a.pdf")
    second = write_snapshot(seeded, settings, use_browser=False, out=Path(settings.snapshots.folder) / "b.pdf")
    assert second.id == first.id + 1
    assert f"change since snapshot #{first.id}" in _text(second.path)
    with seeded.read() as con:
        top = sql.snapshot_scores(con, first.id)
    assert len(top) > 0


def test_untrusted_text_is_printed_not_interpreted(seeded: Store, settings: Settings, tmp_path: Path) -> None:
    from risk.suppliers import import_suppliers

    csv_file = tmp_path / "s.csv"
    csv_file.write_text('name,country\n"**Bold** <b>Tag</b> [x](http://e.vil)",Pakistan\n', encoding="utf-8")
    import_suppliers(seeded, csv_file, portfolio="p")
    res = write_snapshot(seeded, settings, portfolio="p", use_browser=False)
    assert "**Bold** <b>Tag</b> [x](http://e.vil)" in _text(res.path)
    assert b"/URI" not in res.path.read_bytes()


def test_snapshot_path_refuses_files_outside_the_folder(seeded: Store, settings: Settings, tmp_path: Path) -> None:
    outside = write_snapshot(seeded, settings, use_browser=False, out=tmp_path / "elsewhere" / "x.pdf")
    with pytest.raises(InputError, match="outside the snapshots folder"):
        snapshot_path(seeded, settings, outside.id)
    with pytest.raises(InputError, match="no snapshot"):
        snapshot_path(seeded, settings, 999)


def test_unknown_portfolio_and_bad_suffix_are_refused(seeded: Store, settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no portfolio named"):
        write_snapshot(seeded, settings, portfolio="nope", use_browser=False)
    with pytest.raises(InputError, match=r"\.pdf"):
        write_snapshot(seeded, settings, out=tmp_path / "x.txt", use_browser=False)
    with seeded.read() as con:
        assert sql.count_snapshots(con) == 0
