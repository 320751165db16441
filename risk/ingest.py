"""The ingest pipeline: sources -> documents -> duplicates dropped -> signals -> store -> scores.

    read (risk.documents, risk.feeds, risk.gdelt)
      -> drop documents already stored or repeated in the batch (risk.dedup: same id)
      -> extract signals of the new ones (risk.extract.extract; a failing document is listed
         and left unstored so a later run retries it)
      -> assign stories (SimHash against stored and batch documents)
      -> store documents + signals of a batch in ONE transaction (all or nothing)
      -> record the run in ingest_runs, then recompute scores from the earliest new day

Running it twice stores nothing the second time. Errors of single files, items and feeds are
collected and reported; they never stop the run. An undated document's signals are filed
under the ingest day.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from risk.documents import FeedUrl, GdeltFile, iter_sources
from risk.errors import IngestError, RiskError
from risk.models import Document, Signal

if TYPE_CHECKING:
    import httpx

    from risk.feeds import FeedResult
    from risk.settings import Settings
    from risk.store import Store

# Heavy modules are imported where they are used: `risk extract` over plain articles needs
# neither duckdb (risk.store, risk.gdelt), nor datasketch/numpy (risk.dedup), nor httpx and
# feedparser (risk.feeds); importing them all costs more than extracting a thousand articles.

Progress = Callable[[str], None]
PROGRESS_EVERY = 500


def _extractor() -> Callable[[Document], list[Signal]]:
    try:
        from risk.extract import extract
    except ImportError as e:
        raise IngestError("the signal extractor (risk.extract) cannot be imported: " + str(e),
                          hint="reinstall the package") from e
    return extract


@dataclass
class IngestSummary:
    run_id: int = 0
    read: int = 0
    new: int = 0
    duplicate: int = 0
    signals: int = 0
    errors: list[str] = field(default_factory=list)
    gdelt: list[str] = field(default_factory=list)
    feeds: dict[str, str] = field(default_factory=dict)
    recomputed: bool = False
    seconds: float = 0.0
    first_day: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"run": self.run_id, "read": self.read, "new": self.new, "duplicate": self.duplicate,
                "signals": self.signals, "errors": len(self.errors), "error_messages": self.errors,
                "gdelt": self.gdelt, "feeds": self.feeds, "scores_recomputed": self.recomputed,
                "seconds": round(self.seconds, 2)}


class _Run:
    def __init__(self, store: Store, summary: IngestSummary, today: date, progress: Progress | None,
                 batch_size: int) -> None:
        self.store, self.s, self.today, self.progress = store, summary, today, progress
        self.batch: list[Document] = []
        self.batch_size = batch_size
        self._extract: Callable[[Document], list[Signal]] | None = None
        self._next_report = PROGRESS_EVERY

    def add(self, doc: Document) -> None:
        self.s.read += 1
        self.batch.append(doc)
        if len(self.batch) >= self.batch_size:
            self.flush()
        if self.progress and self.s.read >= self._next_report:
            self._next_report += PROGRESS_EVERY
            self.progress(f"read {self.s.read}: {self.s.new} new, {self.s.duplicate} duplicate, "
                          f"{self.s.signals} signals, {len(self.s.errors)} errors")

    def flush(self, feed: FeedResult | None = None) -> None:
        from risk import dedup
        from risk.store import documents as dsql
        from risk.store import runs as rsql

        docs, self.batch = self.batch, []
        unique: dict[str, Document] = {}
        for d in docs:
            if d.id in unique:
                self.s.duplicate += 1
            else:
                unique[d.id] = d
        with self.store.read() as con:
            stored = dsql.existing_ids(con, list(unique))
        self.s.duplicate += len(stored)
        fresh = [d for i, d in unique.items() if i not in stored]
        signals: dict[str, list[Signal]] = {}
        if fresh and self._extract is None:
            self._extract = _extractor()
        for d in fresh:
            try:
                signals[d.id] = self._extract(d)  # type: ignore[misc]
            except Exception as e:  # one bad document never stops the run
                self.s.errors.append(f"{d.item or d.source}: extraction failed ({type(e).__name__}: {e}); "
                                     "it was not stored and will be retried next run")
        fresh = [d for d in fresh if d.id in signals]
        sigs = {d.id: dedup.signature(d.title, d.text) for d in fresh}
        keys = {i: dedup.band_keys(g) for i, g in sigs.items() if g is not None}
        with self.store.transaction() as con:
            again = dsql.existing_ids(con, [d.id for d in fresh])  # another process may have won
            fresh = [d for d in fresh if d.id not in again]
            self.s.duplicate += len(again)
            known = dsql.story_candidates(con, [k for ks in keys.values() for k in ks])
            story = dedup.assign_stories(((d.id, sigs[d.id]) for d in fresh), known)
            doc_rows, sig_rows = [], []
            for d in fresh:
                published = dsql.naive_utc(d.published)
                day = published.date() if published else self.today
                doc_rows.append({"id": d.id, "source": d.source, "item": d.item, "url": d.url,
                                 "title": d.title[:1000], "published": published, "kind": d.kind,
                                 "story_id": story[d.id], "simhash": None,
                                 "ingest_run": self.s.run_id})
                for sg in signals[d.id]:
                    sig_rows.append({"document_id": d.id, "story_id": story[d.id], "country": sg.country,
                                     "indicator": sg.indicator, "role": sg.role, "weight": sg.weight,
                                     "modality": sg.modality, "sentence": sg.sentence, "trigger": sg.trigger,
                                     "method": sg.method or "unknown", "day": day})
                    self.s.first_day = min(self.s.first_day or day, day)
            self.s.new += dsql.insert_documents(con, doc_rows)
            self.s.signals += dsql.insert_signals(con, sig_rows)
            dsql.insert_minhash(con, [(d.id, story[d.id], sigs[d.id].tolist(), keys[d.id])  # type: ignore[union-attr]
                                      for d in fresh if d.id in keys])
            if feed is not None:
                rsql.save_feed_state(con, feed.url, etag=feed.state.etag,
                                     last_modified=feed.state.last_modified, status=feed.status)

    def gdelt_file(self, item: GdeltFile) -> None:
        from risk import gdelt
        from risk.store import documents as dsql

        self.flush()
        with self.store.transaction() as con:
            result = gdelt.prepare(con, item.path, item.kind)
            new, dup, sigs, first = dsql.insert_gdelt(con, run_id=self.s.run_id, today=self.today) \
                if result.counts else (0, 0, 0, None)
        self.s.read += result.rows
        self.s.new, self.s.duplicate, self.s.signals = self.s.new + new, self.s.duplicate + dup, self.s.signals + sigs
        if first is not None:
            self.s.first_day = min(self.s.first_day or first, first)
        self.s.errors.extend(e.message for e in result.errors)
        if result.counts:
            line = gdelt.describe(result)
            self.s.gdelt.append(line)
            if self.progress:
                self.progress(line)

    def feed(self, url: str, client: httpx.Client) -> None:
        from risk.feeds import FeedState, fetch_feed
        from risk.store import runs as rsql

        self.flush()
        with self.store.read() as con:
            etag, modified = rsql.feed_states(con, [url]).get(url, (None, None))
        result = fetch_feed(url, client, FeedState(etag, modified))
        self.s.feeds[url] = result.status
        self.s.errors.extend(e.message for e in result.errors)
        for d in result.documents:
            self.s.read += 1
            self.batch.append(d)
        self.flush(feed=result)
        if self.progress:
            self.progress(f"{url}: {result.status}, {len(result.documents)} items")


def ingest(
    store: Store, settings: Settings, sources: Iterable[str | Path], *, feeds: bool = False,
    client: httpx.Client | None = None, progress: Progress | None = None,
    recompute_scores: bool = True, batch_size: int = 500, today: date | None = None,
) -> IngestSummary:
    """Read every source, store what is new, recompute scores. See the module docstring."""
    from risk.feeds import make_client
    from risk.store import runs as rsql

    t0 = time.perf_counter()
    srcs = [str(s) for s in sources] + (list(settings.feeds.urls) if feeds else [])
    summary = IngestSummary()
    with store.transaction() as con:
        summary.run_id = rsql.start_run(con, srcs)
    run = _Run(store, summary, today or datetime.now(UTC).date(), progress, batch_size)
    own_client = None
    status = "failed"
    try:
        for item in iter_sources(srcs):
            if isinstance(item, Document):
                run.add(item)
            elif isinstance(item, RiskError):
                summary.errors.append(item.message)
            elif isinstance(item, GdeltFile):
                run.gdelt_file(item)
            elif isinstance(item, FeedUrl):
                if client is None and own_client is None:
                    own_client = make_client(timeout=settings.feeds.timeout_seconds,
                                             user_agent=settings.feeds.user_agent)
                run.feed(item.url, client or own_client)  # type: ignore[arg-type]
        run.flush()
        status = "errors" if summary.errors else "ok"
    finally:
        if own_client is not None:
            own_client.close()
        summary.seconds = time.perf_counter() - t0
        with store.transaction() as con:
            rsql.finish_run(con, summary.run_id, read=summary.read, new=summary.new,
                            duplicate=summary.duplicate, signals=summary.signals,
                            errors=len(summary.errors), messages=summary.errors, status=status)
    if recompute_scores and summary.signals:
        try:
            summary.recomputed = _recompute(store, settings, summary.first_day)
        except RiskError as e:  # documents and signals are stored; scores catch up next time
            summary.errors.append(f"scores were not recomputed: {e.message}")
    summary.seconds = time.perf_counter() - t0
    return summary


def _recompute(store: Store, settings: Settings, since: date | None) -> bool:
    try:
        from risk.scoring import recompute
    except ImportError:
        return False
    recompute(store, settings, since=since)
    return True


@dataclass
class Extraction:
    signals: list[Signal] = field(default_factory=list)
    documents: int = 0
    errors: list[str] = field(default_factory=list)
    gdelt: list[str] = field(default_factory=list)


def extract_sources(sources: Sequence[str | Path], *, client: httpx.Client | None = None,
                    timeout: float = 20.0) -> Extraction:
    """Signals of every source without writing anything (for `risk extract`)."""
    out = Extraction()
    extract: Callable[[Document], list[Signal]] | None = None
    own = None
    try:
        for item in iter_sources(sources):
            if isinstance(item, Document):
                out.documents += 1
                extract = extract or _extractor()
                try:
                    out.signals.extend(s.model_copy(update={"document": item.item or item.source,
                                                            "document_id": item.id})
                                       if not s.document else s for s in extract(item))
                except Exception as e:
                    out.errors.append(f"{item.item or item.source}: extraction failed ({e})")
            elif isinstance(item, RiskError):
                out.errors.append(item.message)
            elif isinstance(item, GdeltFile):
                from risk import gdelt

                sigs, result = gdelt.extract_file(item.path, item.kind)
                out.documents += result.rows
                out.signals.extend(sigs)
                out.errors.extend(e.message for e in result.errors)
                if result.counts:
                    out.gdelt.append(gdelt.describe(result))
            elif isinstance(item, FeedUrl):
                from risk.feeds import fetch_feed, make_client

                own = own or (client is None and make_client(timeout=timeout)) or None
                res = fetch_feed(item.url, client or own)  # type: ignore[arg-type]
                out.errors.extend(e.message for e in res.errors)
                for d in res.documents:
                    out.documents += 1
                    extract = extract or _extractor()
                    out.signals.extend(extract(d))
    finally:
        if own is not None:
            own.close()
    return out
