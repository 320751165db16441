"""GDELT Events and GKG files: every row used or skipped with a reason; codes mapped to the
affected country; bad files reported with where and what to do."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from risk.gdelt import extract_file, sniff_gdelt

EVENTS_COLS = 61


def _rows(path: Path) -> list[list[str]]:
    return [ln.split("\t") for ln in path.read_text(encoding="utf-8").splitlines() if ln]


def _write(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "kind"), [("spark-gdelt_events.csv", "events"),
                                            ("spark-gdelt_eventsT.csv", "events"),
                                            ("spark-gdelt_gkg.csv", "gkg")])
def test_every_real_row_is_accounted_for(realdata: Path, name: str, kind: str) -> None:
    path = realdata / "gdelt" / name
    n_lines = len(path.read_bytes().splitlines())
    signals, result = extract_file(path, kind)
    assert not result.errors
    assert result.rows == n_lines == sum(result.counts.values())
    assert all(reason for reason in result.counts)
    assert result.used == len({s.document for s in signals})
    assert all(len(s.country) == 3 and s.sentence for s in signals)


def test_gkg_themes_give_signals_on_real_sample(realdata: Path) -> None:
    signals, result = extract_file(realdata / "gdelt" / "spark-gdelt_gkg.csv", "gkg")
    assert result.used > 0
    indicators = {s.indicator for s in signals}
    assert {"migration_pressure", "sanctions_exposure"} <= indicators


def _event(base: list[str], *, code: str, actor2: str = "", geo: str = "", mentions: str = "10",
           tone: str = "-5", eid: str = "1") -> list[str]:
    row = list(base)
    row[0], row[26], row[27], row[28] = eid, code, code[:3], code[:2]
    row[15], row[16], row[17] = actor2, actor2, actor2
    row[31], row[34] = mentions, tone
    row[53] = geo
    return row


def test_cameo_codes_attributed_to_affected_country(realdata: Path, tmp_path: Path) -> None:
    base = _rows(realdata / "gdelt" / "spark-gdelt_events.csv")[0]
    rows = [
        _event(base, code="163", actor2="VEN", geo="US", eid="1"),    # sanctions on Venezuela
        _event(base, code="191", actor2="", geo="YM", eid="2"),       # blockade in Yemen
        _event(base, code="085", actor2="IRN", geo="", eid="3"),      # sanctions eased: negative
        _event(base, code="042", actor2="FRA", geo="FR", eid="4"),    # a visit: not mapped
        _event(base, code="163", actor2="AFR", geo="", eid="5"),      # a region, not a country
        _event(base, code="163", actor2="", geo="", eid="6"),         # no country at all
    ]
    signals, result = extract_file(_write(tmp_path / "ev.csv", rows), "events")
    got = {(s.document.rsplit("=", 1)[1], s.country, s.indicator): s.weight for s in signals}
    assert got[("1", "VEN", "sanctions_exposure")] > 0
    assert ("1", "USA", "sanctions_exposure") not in got
    assert got[("2", "YEM", "trade_disruption")] > 0
    assert got[("3", "IRN", "sanctions_exposure")] < 0
    assert result.counts["used"] == 3
    assert result.counts["event code not mapped to an indicator"] == 1
    assert result.counts["country code not recognised (a region, not a country)"] == 1
    assert result.counts["no affected country (no actor or location country code)"] == 1


def test_more_mentions_weigh_more(realdata: Path, tmp_path: Path) -> None:
    base = _rows(realdata / "gdelt" / "spark-gdelt_events.csv")[0]
    rows = [_event(base, code="163", actor2="RUS", mentions="1", eid="1"),
            _event(base, code="163", actor2="RUS", mentions="40", eid="2")]
    signals, _ = extract_file(_write(tmp_path / "ev.csv", rows), "events")
    w = {s.document.rsplit("=", 1)[1]: s.weight for s in signals if s.indicator == "sanctions_exposure"}
    assert 0 < w["1"] < w["2"]


def test_truncated_line_and_wrong_columns_are_counted(realdata: Path, tmp_path: Path) -> None:
    rows = _rows(realdata / "gdelt" / "spark-gdelt_events.csv")[:10]
    rows[3] = rows[3][:20]             # truncated line
    rows[6] = rows[6] + ["extra"]      # one column too many
    signals, result = extract_file(_write(tmp_path / "ev.csv", rows), "events")
    assert sum(result.counts.values()) == 10
    assert result.counts["malformed line (wrong column count or truncated)"] == 2
    (err,) = result.errors
    assert "lines 4, 7" in err.message and "ev.csv" in err.message and "download it again" in err.message


def test_zipped_export_and_corrupt_zip(realdata: Path, tmp_path: Path) -> None:
    src = realdata / "gdelt" / "spark-gdelt_events.csv"
    good = tmp_path / "20150218230000.export.CSV.zip"
    with zipfile.ZipFile(good, "w") as zf:
        zf.write(src, "20150218230000.export.CSV")
    _, result = extract_file(good, "events")
    assert result.rows == 100 and not result.errors
    bad = tmp_path / "broken.export.CSV.zip"
    bad.write_bytes(good.read_bytes()[:200])
    _, result = extract_file(bad, "events")
    assert result.rows == 0 and "corrupt" in result.errors[0].message


def test_sniffing() -> None:
    assert sniff_gdelt(b"\t".join([b"123"] + [b"x"] * 60) + b"\n") == "events"
    assert sniff_gdelt(b"\t".join([b"20150218230000-7"] + [b"x"] * 26) + b"\n") == "gkg"
    assert sniff_gdelt(b"\t".join([b"123"] + [b"x"] * 56) + b"\n") == "unsupported"
    assert sniff_gdelt(b"Just an article title\n") is None
