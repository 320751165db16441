"""Reading sources into Documents: folders, articles, JSON/JSONL item lists, feed files.

`iter_sources(sources)` walks what it is given and yields, in order:

    Document     an article or item ready for extraction
    IngestError  a file or item that could not be used (what, where, what to do); reading goes on
    GdeltFile    a GDELT Events/GKG file, read set-based by risk.gdelt (never row by row here)
    FeedUrl      an http(s) feed, fetched by risk.feeds with the caller's httpx.Client

Dates: `published` comes from the item (feed dates, ISO 8601, RFC 822); an undated article is
dated from its path or URL and the dates it cites (`risk.dating`). A file's mtime says when it
was saved, not when the news happened, so a document with no date anywhere gets
`published=None` and the pipeline files its signals under the ingest date.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from risk.dedup import document_id
from risk.errors import IngestError
from risk.models import Document
from risk.dating import infer_published
from risk.sourcetext import decode_bytes, html_to_text, parse_date, strip_chrome

MAX_BYTES = 50 * 1024 * 1024
"""Largest file read whole. GDELT files are streamed by DuckDB and not held to this cap."""

ARTICLE_EXT = {".txt", ".md", ".markdown"}
HTML_EXT = {".html", ".htm", ".xhtml"}
FEED_EXT = {".xml", ".rss", ".atom", ".rdf"}
SKIP_IN_FOLDERS = {"readme", "license", "licence", "notice", "copying", "changelog"}
SKIP_EXT_IN_FOLDERS = (".duckdb", ".wal", ".tmp", ".lock", ".pyc")
"""Names skipped when walking a folder (a bundled folder's README is not news); named
explicitly, such a file is still read."""

BODY_KEYS = ("text", "content", "description", "summary", "body")
DATE_KEYS = ("published", "date_published", "pubDate", "pubdate", "date", "updated")


@dataclass(frozen=True)
class GdeltFile:
    path: Path
    kind: str  # "events" or "gkg"


@dataclass(frozen=True)
class FeedUrl:
    url: str


def make_document(
    *, source: str, title: str, text: str, item: str | None = None, url: str | None = None,
    published: Any = None, kind: str = "article",
) -> Document:
    title, text = title.strip(), text.strip()
    return Document(
        id=document_id(title, text), source=source, item=item, url=url, title=title,
        text=text, published=parse_date(published), kind=kind,  # type: ignore[arg-type]
    )


def iter_sources(sources: Iterable[str | Path], *, max_bytes: int = MAX_BYTES) -> Iterator[Any]:
    """Yield Documents, IngestErrors, GdeltFiles and FeedUrls for every source given."""
    for source in sources:
        s = str(source)
        if s.startswith(("http://", "https://")):
            yield FeedUrl(s)
            continue
        path = Path(s)
        if path.is_dir():
            for sub in _walk(path):
                yield from read_file(sub, max_bytes=max_bytes)
        elif path.exists():
            yield from read_file(path, max_bytes=max_bytes)
        else:
            yield IngestError("no such file, folder or URL", where=s,
                              hint="check the path; URLs must start with http:// or https://")


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if (name.startswith(".") or Path(name).stem.lower() in SKIP_IN_FOLDERS
                    or name.lower().endswith(SKIP_EXT_IN_FOLDERS)):
                continue
            yield Path(root) / name


def sniff(path: Path, head: bytes) -> str:
    """The kind of a file: by name first, then by its first bytes."""
    name = path.name.lower()
    if name.endswith((".export.csv", ".export.csv.zip", ".mentions.csv")) or ".export." in name:
        return "gdelt_events"
    if name.endswith((".gkg.csv", ".gkg.csv.zip")):
        return "gdelt_gkg"
    ext = path.suffix.lower()
    if ext in (".json", ".jsonl", ".ndjson"):
        return "jsonl" if ext != ".json" else "json"
    if ext in HTML_EXT:
        return "html"
    if ext in FEED_EXT:
        return "feed"
    # A GDELT first line has 10+ tab-separated fields; checking that first spares an article
    # the import of risk.gdelt (duckdb), which costs more than reading hundreds of articles.
    if head.split(b"\n", 1)[0].count(b"\t") >= 9:
        from risk.gdelt import sniff_gdelt

        gd = sniff_gdelt(head)
        if gd:
            return f"gdelt_{gd}"
    lead = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lead.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf")):
        return "feed"
    if lead.startswith((b"<!doctype html", b"<html")):
        return "html"
    if ext in ARTICLE_EXT:
        return "article"
    if ext in (".csv", ".tsv"):
        return "table"
    if lead.startswith((b"[", b"{")):
        return "json"
    return "article"


def read_file(path: Path, *, max_bytes: int = MAX_BYTES) -> Iterator[Any]:
    """Everything one file holds; errors are yielded, never raised."""
    where = str(path)
    raw: bytes | None = None
    kind = ""
    try:
        with path.open("rb") as fh:  # one open per file: the head decides, the rest follows
            size = os.fstat(fh.fileno()).st_size
            head = fh.read(8192)
            if b"\t" in head and b"\n" not in head:  # a long tab-separated line: GDELT GKG?
                head += fh.read(1 << 20)
            if size:
                kind = sniff(path, head)
                if kind != "table" and not kind.startswith("gdelt_") and size <= max_bytes:
                    raw = head + fh.read()
    except OSError as e:
        yield IngestError(f"cannot read the file: {e.strerror or e}", where=where,
                          hint="check that it exists and is readable")
        return
    if size == 0:
        yield IngestError("the file is empty", where=where, hint="remove it or fill it in")
        return
    if kind == "table":
        yield IngestError("a CSV/TSV file that is not a GDELT 2.0 Events or GKG 2.1 file", where=where,
                          hint="news goes in as .txt/.md/.html articles, .json/.jsonl items, feeds, "
                               "or GDELT files (61 or 27 tab-separated columns)")
        return
    if kind.startswith("gdelt_"):
        yield GdeltFile(path, kind.removeprefix("gdelt_"))
        return
    if raw is None:
        yield IngestError(
            f"the file is {size / 1e6:.0f} MB, over the {max_bytes / 1e6:.0f} MB limit", where=where,
            hint="split it into smaller files (a JSONL stream splits cleanly by lines)")
        return
    if kind == "feed":
        from risk.feeds import parse_feed  # feeds parse bytes, whatever transport fetched them

        try:
            yield from parse_feed(raw, source=where)
        except IngestError as e:
            yield e
        return
    try:
        text = decode_bytes(raw, where=where)
    except IngestError as e:
        yield e
        return
    if kind == "html":
        yield from _read_html(text, where)
    elif kind == "json":
        yield from _read_json(text, where)
    elif kind == "jsonl":
        yield from _read_jsonl(text, where)
    else:
        yield from _read_article(text, where)


def _read_article(text: str, where: str) -> Iterator[Any]:
    lines = strip_chrome(text.splitlines())
    body = [ln for ln in lines if ln.strip()]
    if not body:
        yield IngestError("no article text left after removing page menus and notices",
                          where=where, hint="check that the file holds an article")
        return
    title, rest = body[0].strip(), "\n\n".join(ln.strip() for ln in body[1:])
    yield make_document(source=where, title=title, text=rest, published=infer_published(where, rest))


def _read_html(html: str, where: str) -> Iterator[Any]:
    import trafilatura  # heavy import: only when an HTML page is read

    result = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    text = (getattr(result, "text", None) or "") if result is not None else ""
    if not text.strip():
        yield IngestError("no article text found in the HTML page", where=where,
                          hint="save the article page itself, not an index or a login page")
        return
    title = getattr(result, "title", None) or ""
    lines = strip_chrome(text.splitlines())
    if not title and lines:
        title, lines = lines[0], lines[1:]
    elif lines and lines[0].strip() == title.strip():
        lines = lines[1:]  # the page's <h1> repeats its <title>: one headline, counted once
    body = "\n\n".join(lines)
    url = getattr(result, "url", None)
    published = getattr(result, "date", None) or infer_published(url or where, body)
    yield make_document(source=where, title=title, text=body, url=url, published=published)


def _items(data: Any) -> list[Any] | None:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in ("items", "entries", "articles", "data"):
            if isinstance(data.get(key), list):
                return data[key]
        if "title" in data:
            return [data]
    return None


def _read_json(text: str, where: str) -> Iterator[Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        yield IngestError(f"not valid JSON: {e.msg}", where=f"{where}, line {e.lineno}",
                          hint="fix the JSON, or use .jsonl with one item per line")
        return
    items = _items(data)
    if items is None:
        yield IngestError("JSON is neither a list of items nor an object with 'items'", where=where,
                          hint="give a list of objects with 'title' and 'text'/'description'")
        return
    for n, obj in enumerate(items, start=1):
        yield _item_document(obj, where, f"item {n}")


def _read_jsonl(text: str, where: str) -> Iterator[Any]:
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield IngestError(f"not valid JSON ({e.msg})", where=f"{where}, line {n}",
                              hint="each line must be one JSON object")
            continue
        yield _item_document(obj, where, f"line {n}")


def _item_document(obj: Any, where: str, pos: str) -> Document | IngestError:
    if not isinstance(obj, dict):
        return IngestError("item is not an object", where=f"{where}, {pos}",
                           hint="each item must be an object with 'title' and a body")
    title = obj.get("title") if isinstance(obj.get("title"), str) else ""
    body = next((obj[k] for k in BODY_KEYS if isinstance(obj.get(k), str) and obj[k].strip()), "")
    title, body = html_to_text(title or ""), html_to_text(body)
    if not title and not body:
        return IngestError("item has neither a title nor a body", where=f"{where}, {pos}",
                           hint=f"give 'title' and one of {', '.join(BODY_KEYS)}")
    link = next((obj[k] for k in ("link", "url") if isinstance(obj.get(k), str)), None)
    published = next((obj[k] for k in DATE_KEYS if obj.get(k)), None)
    if published is None and link:
        published = infer_published(link, "")  # a news URL usually carries its date
    return make_document(source=where, item=link or f"{where}#{pos}", url=link, title=title, text=body,
                         published=published, kind="feed_item")
