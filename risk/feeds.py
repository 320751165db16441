"""RSS and Atom feeds: fetched with httpx (timeouts, ETag/Last-Modified), parsed with feedparser.

The fetcher takes an `httpx.Client` so tests pass one with `httpx.MockTransport` or point it at
a local server. We fetch the bytes ourselves and hand them to feedparser (which would otherwise
do its own, untimed, networking), after refusing XML with entity declarations: feedparser parses
with SAX, which expands internal entities ("billion laughs").

One failing feed never stops the others: `fetch_feeds` returns one FeedResult per URL, each with
either documents or an error message.
"""

from __future__ import annotations

import re
import xml.sax
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import feedparser
import httpx

from risk.errors import IngestError
from risk.models import Document
from risk.sourcetext import html_to_text

MAX_FEED_BYTES = 20 * 1024 * 1024
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)", re.IGNORECASE | re.DOTALL)


@dataclass
class FeedState:
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FeedResult:
    url: str
    status: str  # "ok", "not-modified", "error"
    documents: list[Document] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    state: FeedState = field(default_factory=FeedState)


def parse_feed(raw: bytes, *, source: str) -> Iterator[Document | IngestError]:
    """Documents of an RSS/Atom document given as bytes; raises IngestError if it is no feed."""
    from risk.documents import make_document

    if _ENTITY_DECL.search(raw[:65536]):
        raise IngestError("the feed declares XML entities, which this reader refuses (entity-expansion "
                          "attacks)", where=source, hint="ask the publisher for a plain RSS/Atom feed")
    if _HTML_START.match(raw[:4096]):
        raise IngestError("this is an HTML page, not an RSS/Atom feed", where=source,
                          hint="use the feed's own URL (the page's <link rel=\"alternate\" "
                               "type=\"application/rss+xml\">)")
    parsed = feedparser.parse(raw, sanitize_html=False, resolve_relative_uris=False)
    entries = parsed.get("entries") or []
    exc = parsed.get("bozo_exception") if parsed.get("bozo") else None
    malformed = isinstance(exc, xml.sax.SAXParseException)
    if malformed or (not entries and exc is not None):
        line = exc.getLineNumber() if isinstance(exc, xml.sax.SAXParseException) else None
        error = IngestError(f"malformed feed XML: {exc}", where=f"{source}, line {line}" if line else source,
                            hint="check the file is a complete RSS/Atom document")
        if not entries:
            raise error
        yield error  # what the tolerant parser recovered is still used
    elif not entries and not parsed.get("version"):
        raise IngestError("not an RSS or Atom feed", where=source,
                          hint="give a feed, or save articles as .txt/.html/.json")
    for n, entry in enumerate(entries, start=1):
        item = _entry_document(entry, source, n, make_document)
        if not (malformed and isinstance(item, IngestError)):
            yield item


def _entry_document(entry: Any, source: str, n: int, make: Callable[..., Document]) -> Any:
    title = html_to_text(entry.get("title", "") or "")
    body = ""
    for content in entry.get("content") or []:
        if content.get("value"):
            body = content["value"]
            break
    body = html_to_text(body or entry.get("summary", "") or entry.get("description", "") or "")
    if not title and not body:
        return IngestError("feed entry has neither a title nor a description",
                           where=f"{source}, entry {n}", hint="the entry was skipped")
    link = entry.get("link") or entry.get("id")
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    return make(source=source, item=link or f"entry {n}", url=entry.get("link"), title=title,
                text=body, published=published, kind="feed_item")


def fetch_feed(url: str, client: httpx.Client, state: FeedState | None = None) -> FeedResult:
    """Fetch one feed, conditionally when `state` has an ETag/Last-Modified. Never raises."""
    state = state or FeedState()
    headers = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    result = FeedResult(url=url, status="error", state=state)
    try:
        with client.stream("GET", url, headers=headers, follow_redirects=True) as resp:
            if resp.status_code == 304:
                result.status = "not-modified"
                return result
            if resp.status_code >= 400:
                raise IngestError(f"the server answered HTTP {resp.status_code}", where=url,
                                  hint="check the URL; the feed will be tried again next run")
            chunks, size = [], 0
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > MAX_FEED_BYTES:
                    raise IngestError(f"the feed is larger than {MAX_FEED_BYTES // 2**20} MB",
                                      where=url, hint="this is unlikely to be a feed; check the URL")
                chunks.append(chunk)
            raw = b"".join(chunks)
            new_state = FeedState(resp.headers.get("etag"), resp.headers.get("last-modified"))
        for item in parse_feed(raw, source=url):
            (result.errors if isinstance(item, IngestError) else result.documents).append(item)
        result.status, result.state = "ok", new_state
    except IngestError as e:
        result.errors.append(e)
    except httpx.TimeoutException:
        result.errors.append(IngestError("the feed did not answer in time", where=url,
                                         hint="raise [feeds] timeout_seconds or try later"))
    except httpx.HTTPError as e:
        result.errors.append(IngestError(f"cannot fetch the feed: {e}", where=url,
                                         hint="check the URL and the network"))
    return result


def fetch_feeds(
    urls: Iterable[str], client: httpx.Client, states: dict[str, FeedState] | None = None
) -> Iterator[FeedResult]:
    """Each feed in turn; a failure is reported in its own result and the next feed is fetched."""
    for url in urls:
        yield fetch_feed(url, client, (states or {}).get(url))


def make_client(*, timeout: float = 20.0, user_agent: str = "regional-risk") -> httpx.Client:
    """The production client: bounded connect/read timeouts, a named user agent."""
    return httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
                        headers={"User-Agent": user_agent})
