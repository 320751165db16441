"""Feeds over HTTP: conditional GET with ETag against a local server, and failing feeds that do
not stop the others (httpx.MockTransport). No network beyond 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from risk.feeds import FeedState, fetch_feed, fetch_feeds
from risk.models import Document

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test wire</title>
<item><title>Port strike halts container traffic in Rotterdam</title>
<description>&lt;p&gt;Dock workers walked out on Monday.&lt;/p&gt;</description>
<link>https://example.org/a</link><pubDate>Mon, 18 Dec 2023 10:00:00 GMT</pubDate></item>
<item><title>Airline suspends flights over airspace closure</title>
<description>Flights were rerouted.</description>
<link>https://example.org/b</link><pubDate>Tue, 19 Dec 2023 11:30:00 +0100</pubDate></item>
</channel></rss>"""
ETAG = '"v1"'


class _Handler(BaseHTTPRequestHandler):
    hits: list[str | None] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        _Handler.hits.append(self.headers.get("If-None-Match"))
        if self.headers.get("If-None-Match") == ETAG:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("ETag", ETAG)
        self.send_header("Content-Length", str(len(RSS)))
        self.end_headers()
        self.wfile.write(RSS)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def feed_url() -> Iterator[str]:
    _Handler.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/rss.xml"
    finally:
        server.shutdown()
        server.server_close()


def test_local_server_etag_then_304(feed_url: str) -> None:
    with httpx.Client(timeout=5) as client:
        first = fetch_feed(feed_url, client)
        assert first.status == "ok" and first.state.etag == ETAG
        assert [d.title for d in first.documents][0].startswith("Port strike")
        assert first.documents[0].text == "Dock workers walked out on Monday."
        assert first.documents[1].published is not None and first.documents[1].published.hour == 10
        second = fetch_feed(feed_url, client, first.state)
    assert second.status == "not-modified" and second.documents == []
    assert _Handler.hits == [None, ETAG]


def _mock(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/down":
        return httpx.Response(500, text="oops")
    if request.url.path == "/slow":
        raise httpx.ReadTimeout("timed out", request=request)
    if request.url.path == "/page":
        return httpx.Response(200, text="<!DOCTYPE html><html><body>home</body></html>")
    return httpx.Response(200, content=RSS, headers={"Last-Modified": "Mon, 18 Dec 2023 12:00:00 GMT"})


def test_failing_feeds_do_not_stop_the_others() -> None:
    urls = ["https://x.test/down", "https://x.test/slow", "https://x.test/page", "https://x.test/rss"]
    with httpx.Client(transport=httpx.MockTransport(_mock)) as client:
        results = {r.url: r for r in fetch_feeds(urls, client)}
    assert results["https://x.test/down"].status == "error"
    assert "HTTP 500" in results["https://x.test/down"].errors[0].message
    assert "did not answer in time" in results["https://x.test/slow"].errors[0].message
    assert "HTML page" in results["https://x.test/page"].errors[0].message
    good = results["https://x.test/rss"]
    assert good.status == "ok" and len(good.documents) == 2
    assert all(isinstance(d, Document) for d in good.documents)
    assert good.state.last_modified == "Mon, 18 Dec 2023 12:00:00 GMT"


def test_conditional_headers_sent() -> None:
    seen: dict[str, str] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(request.headers)
        return httpx.Response(304)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        r = fetch_feed("https://x.test/rss", client, FeedState("abc", "Mon, 18 Dec 2023 12:00:00 GMT"))
    assert r.status == "not-modified"
    assert seen["if-none-match"] == "abc" and seen["if-modified-since"].startswith("Mon")
