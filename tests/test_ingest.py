"""The ingest pipeline: idempotent, one story across outlets, transactional batches, errors listed
without stopping, feeds with ETag state, and the CLI faces."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

import risk.ingest as pipeline
from risk.cli import main
from risk.models import Document, Signal
from risk.settings import load_settings
from risk.store import Store
from risk.store import documents as dsql

REPO = Path(__file__).resolve().parents[1]
SAMPLE_NEWS = REPO / "data" / "sample_news"


def _keyword_extract(doc: Document) -> list[Signal]:
    """A stand-in extractor: the pipeline is under test here, not the extraction rules."""
    if "airspace" not in f"{doc.title} {doc.text}".lower():
        return []
    return [Signal(document=doc.source, country="NER", indicator="airspace_disruption", weight=0.8,
                   sentence=doc.title or doc.text[:80], method="test-stub")]


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[Document], list[Signal]]], None]:
    def use(fn: Callable[[Document], list[Signal]]) -> None:
        monkeypatch.setattr(pipeline, "_extractor", lambda: fn)

    use(_keyword_extract)
    return use


def _count(store: Store, table: str) -> int:
    with store.read() as con:
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()  # table names are literals here
    return int(row[0]) if row else 0


def test_ingesting_twice_stores_nothing_new(store: Store, realdata: Path, stub: object) -> None:
    settings = load_settings(db=store.path)
    sources = [realdata / "rss_feed_archive", realdata / "seed_article_venezuela_2025-11.txt", SAMPLE_NEWS]
    first = pipeline.ingest(store, settings, sources, recompute_scores=False)
    assert first.new > 300 and first.signals > 0 and not first.errors
    docs, sigs = _count(store, "documents"), _count(store, "signals")
    second = pipeline.ingest(store, settings, sources, recompute_scores=False)
    assert second.new == 0 and second.signals == 0
    assert second.duplicate == first.new + first.duplicate
    assert (_count(store, "documents"), _count(store, "signals")) == (docs, sigs)
    with store.read() as con:
        runs = con.execute("SELECT read, new, duplicate, signals, status FROM ingest_runs ORDER BY id").fetchall()
    assert runs[0][1] == first.new and runs[1][1] == 0 and runs[1][4] == "ok"


def test_same_story_from_two_outlets_is_one_story(store: Store, tmp_path: Path, stub: object) -> None:
    tmp_path = tmp_path / "news"
    tmp_path.mkdir()
    body = ("Niger's military rulers closed the country's airspace on Sunday, citing the threat of "
            "intervention by neighbouring states, and airlines began rerouting flights between Europe "
            "and southern Africa. The closure will remain until further notice, a spokesman said on "
            "state television, and all commercial flights must request permission in advance.")
    (tmp_path / "outlet_a.txt").write_text(f"Niger closes its airspace\n\n{body}\n", encoding="utf-8")
    (tmp_path / "outlet_b.txt").write_text(
        "Junta shuts Niger airspace amid intervention threat\n\nBy Staff Reporter\n\n"
        + body.replace("on Sunday", "late on Sunday").replace("a spokesman said", "a junta spokesman said")
        + "\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text(
        "Dock strike ends\n\nWorkers at the container terminal returned on Monday after a pay deal "
        "was agreed with the port operator, ending a week of disruption to exports.\n", encoding="utf-8")
    summary = pipeline.ingest(store, load_settings(db=store.path), [tmp_path], recompute_scores=False)
    assert summary.new == 3 and not summary.errors
    with store.read() as con:
        rows = con.execute("SELECT source, story_id FROM documents ORDER BY source").fetchall()
        sig_stories = {r[0] for r in con.execute("SELECT DISTINCT story_id FROM signals").fetchall()}
    story = {Path(src).name: sid for src, sid in rows}
    assert story["outlet_a.txt"] == story["outlet_b.txt"] != story["other.txt"]
    assert sig_stories == {story["outlet_a.txt"]}  # both sources kept, counted as one story


def test_batch_is_all_or_nothing(store: Store, tmp_path: Path, stub: object,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    tmp_path = tmp_path / "news"
    tmp_path.mkdir()
    (tmp_path / "a.txt").write_text("Airspace closed\n\nThe airspace was closed today.\n", encoding="utf-8")

    def boom(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(dsql, "insert_signals", boom)
    with pytest.raises(RuntimeError):
        pipeline.ingest(store, load_settings(db=store.path), [tmp_path], recompute_scores=False)
    assert _count(store, "documents") == 0
    with store.read() as con:
        assert con.execute("SELECT status FROM ingest_runs").fetchall() == [("failed",)]


def test_per_document_errors_do_not_stop_the_run(store: Store, tmp_path: Path, stub: Callable) -> None:
    def flaky(doc: Document) -> list[Signal]:
        if "explode" in doc.text:
            raise ValueError("bad sentence")
        return _keyword_extract(doc)

    stub(flaky)
    tmp_path = tmp_path / "news"
    tmp_path.mkdir()
    (tmp_path / "a.txt").write_text("Fine\n\nAirspace closed over the capital.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Broken\n\nThis one will explode.\n", encoding="utf-8")
    (tmp_path / "c.txt").write_bytes(b"")
    summary = pipeline.ingest(store, load_settings(db=store.path), [tmp_path], recompute_scores=False)
    assert summary.new == 1 and summary.signals == 1 and len(summary.errors) == 2
    assert any("b.txt" in e and "retried" in e for e in summary.errors)
    assert any("c.txt" in e and "empty" in e for e in summary.errors)


class _Feed(BaseHTTPRequestHandler):
    body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>Airspace '
            b"closed over Niger</title><description>Flights diverted.</description><link>https://e/1"
            b"</link></item></channel></rss>")

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/down":
            self.send_response(500)
            self.end_headers()
            return
        if self.headers.get("If-None-Match") == '"e1"':
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", '"e1"')
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()


def test_feeds_from_settings_with_etag_state(store: Store, server: str, stub: object) -> None:
    settings = load_settings(db=store.path, feeds={"urls": [f"{server}/down", f"{server}/rss"]})
    with httpx.Client(timeout=5) as client:
        first = pipeline.ingest(store, settings, [], feeds=True, client=client, recompute_scores=False)
        second = pipeline.ingest(store, settings, [], feeds=True, client=client, recompute_scores=False)
    assert first.new == 1 and first.signals == 1
    assert first.feeds == {f"{server}/down": "error", f"{server}/rss": "ok"}
    assert any("HTTP 500" in e for e in first.errors)
    assert second.feeds[f"{server}/rss"] == "not-modified" and second.new == 0
    with store.read() as con:
        assert con.execute("SELECT etag FROM feed_state WHERE url = ?", [f"{server}/rss"]).fetchone() == ('"e1"',)


def test_cli_ingest_sample_news_and_extract(tmp_path: Path) -> None:
    runner = CliRunner()
    db = tmp_path / "cli.duckdb"
    result = runner.invoke(main, ["ingest", str(SAMPLE_NEWS), "--db", str(db), "--no-scores"])
    assert result.exit_code == 0, result.output
    assert "read 200, new" in result.stdout and "duplicate 0" in result.stdout
    again = runner.invoke(main, ["ingest", str(SAMPLE_NEWS), "--db", str(db), "--no-scores"])
    assert "new 0" in again.stdout and "signals 0" in again.stdout
    out = runner.invoke(main, ["extract", str(SAMPLE_NEWS / "spark-gdelt_gkg.csv"), "--format", "json"])
    assert out.exit_code == 0, out.output
    signals = json.loads(out.stdout)
    assert signals and {"document", "country", "indicator", "weight", "sentence"} <= set(signals[0])
    assert "every row" not in out.stderr and "used" in out.stderr  # per-reason counts printed
