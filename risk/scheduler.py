"""`risk schedule`: ingest the configured feeds every N minutes, write snapshots on a cron.

The core is `Scheduler`, driven by a clock callable so tests move time by hand and call
`tick()` / `catch_up()` with no real waiting. `run_forever()` hands the same two jobs to an
APScheduler 3 BlockingScheduler in this process (never inside the dashboard).

Rules it keeps:
- Catch-up: APScheduler forgets runs missed while the process was down (re-adding a job
  resets its next run time). So at start the newest scheduled snapshot in the database is
  compared with the newest cron slot: if that slot has none, ONE snapshot is written, however
  many slots were missed.
- Never two at once: max_instances=1 inside the process, and a non-blocking file lock
  (flock) across processes; after taking it the due-check runs again, so a second attempt
  for the same slot writes nothing.
- A failing feed is logged and the snapshot still runs; a failed delivery is logged and the
  snapshot stays recorded.
- SIGTERM/SIGINT stop it cleanly: no new jobs start, a running snapshot finishes.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import signal
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from croniter import croniter

from risk.errors import ConfigError, RiskError
from risk.settings import Settings
from risk.store import Store
from risk.store import snapshots as sql

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[bool]:
    """Try to take an exclusive lock on `path` without waiting; yields whether it was taken.

    flock locks belong to the open file, so two threads, or two processes, exclude each other,
    and the kernel drops the lock when a crashed process dies (no stale lock to clean up).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class Scheduler:
    """Feed ingestion and scheduled snapshots, testable with a controllable clock."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        now: Clock = utc_now,
        ingest_fn: Callable[[], Any] | None = None,
        snapshot_fn: Callable[..., Any] | None = None,
        deliver_fn: Callable[[Path], Any] | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.now = now
        self.cfg = settings.schedule
        try:
            self.tz = ZoneInfo(self.cfg.timezone)
        except Exception as e:
            raise ConfigError(f"unknown time zone '{self.cfg.timezone}'", where="schedule.timezone",
                              hint="use an IANA name such as UTC or Europe/Berlin") from e
        if not croniter.is_valid(self.cfg.snapshot_cron):
            raise ConfigError(f"invalid cron expression '{self.cfg.snapshot_cron}'", where="schedule.snapshot_cron",
                              hint="five fields: minute hour day-of-month month day-of-week, e.g. '0 7 * * 1'")
        self._ingest_fn = ingest_fn or self._ingest_feeds
        self._snapshot_fn = snapshot_fn or self._write_snapshot
        self._deliver_fn = deliver_fn or self._deliver
        from risk.report import snapshots_folder

        self.lock_path = snapshots_folder(settings) / ".snapshot.lock"
        self.last_ingest: datetime | None = None

    # -- the schedule --------------------------------------------------------------------
    def latest_slot(self, at: datetime) -> datetime:
        """The newest cron slot at or before `at` (UTC-aware), in the schedule's time zone."""
        local = at.astimezone(self.tz) + timedelta(seconds=1)
        prev = croniter(self.cfg.snapshot_cron, local).get_prev(datetime)
        return prev.astimezone(timezone.utc)

    def next_slot(self, at: datetime) -> datetime:
        local = at.astimezone(self.tz)
        return croniter(self.cfg.snapshot_cron, local).get_next(datetime).astimezone(timezone.utc)

    def snapshot_due(self, at: datetime | None = None) -> datetime | None:
        """The slot whose snapshot is still missing, or None when the newest one was written."""
        at = at or self.now()
        slot = self.latest_slot(at)
        with self.store.read() as con:
            last = sql.last_scheduled_time(con)
        if last is not None and last.replace(tzinfo=timezone.utc) >= slot:
            return None
        return slot

    # -- the jobs ------------------------------------------------------------------------
    def run_snapshot(self, trigger: str = "schedule") -> Any:
        """Write the due snapshot unless one is running or the slot is already covered."""
        with file_lock(self.lock_path) as taken:
            if not taken:
                log.info("snapshot skipped: another snapshot is being written (%s)", self.lock_path)
                return None
            slot = self.snapshot_due()
            if slot is None:
                log.info("snapshot skipped: the newest slot already has its snapshot")
                return None
            log.info("snapshot for slot %s starting (%s)", slot.isoformat(), trigger)
            try:
                result = self._snapshot_fn(trigger=trigger)
            except RiskError as e:
                log.error("snapshot failed: %s", e.message)
                return None
            except Exception:
                log.exception("snapshot failed")
                return None
        path = getattr(result, "path", None)
        if path is not None:
            try:
                self._deliver_fn(Path(path))
            except RiskError as e:
                log.error("snapshot %s written, but %s", path, e.message)
            except Exception:
                log.exception("snapshot %s written, but its delivery failed", path)
        return result

    def catch_up(self) -> Any:
        """At start: write ONE snapshot if the newest slot was missed while we were down."""
        slot = self.snapshot_due()
        if slot is None:
            log.info("no snapshot missed (next at %s)", self.next_slot(self.now()).isoformat())
            return None
        log.info("snapshot slot %s was missed: writing it now", slot.isoformat())
        return self.run_snapshot(trigger="catch-up")

    def run_ingest(self) -> Any:
        """Ingest the configured feeds; any failure is logged and swallowed."""
        self.last_ingest = self.now()
        try:
            summary = self._ingest_fn()
        except RiskError as e:
            log.error("feed ingestion failed: %s", e.message)
            return None
        except Exception:
            log.exception("feed ingestion failed")
            return None
        info = summary.as_dict() if hasattr(summary, "as_dict") else summary
        log.info("feeds ingested: %s", info)
        return summary

    def tick(self) -> None:
        """One pass as the running scheduler would make it at `now()`: ingest, then snapshot."""
        at = self.now()
        every = timedelta(minutes=self.cfg.ingest_every_minutes)
        if self.last_ingest is None or at - self.last_ingest >= every:
            self.run_ingest()
        if self.snapshot_due(at) is not None:
            self.run_snapshot()

    # -- real implementations ------------------------------------------------------------
    def _ingest_feeds(self) -> Any:
        if not self.settings.feeds.urls:
            log.info("no feeds configured (feeds.urls): nothing to ingest")
            return None
        from risk.ingest import ingest

        return ingest(self.store, self.settings, [], feeds=True)

    def _write_snapshot(self, *, trigger: str) -> Any:
        from risk.report import write_snapshot

        return write_snapshot(self.store, self.settings, portfolio=self.cfg.snapshot_portfolio,
                              trigger=trigger, now=self.now)

    def _deliver(self, path: Path) -> Any:
        from risk.delivery import deliver

        return deliver(path, self.cfg)

    # -- the real loop -------------------------------------------------------------------
    def run_forever(self) -> None:
        """Run in the foreground until SIGTERM/SIGINT (see module docstring)."""
        from apscheduler.schedulers.blocking import BlockingScheduler
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        sched = BlockingScheduler(timezone=self.tz)
        sched.add_job(self.run_ingest, IntervalTrigger(minutes=self.cfg.ingest_every_minutes, timezone=self.tz),
                      id="ingest", max_instances=1, coalesce=True, next_run_time=datetime.now(self.tz))
        sched.add_job(self.run_snapshot, CronTrigger.from_crontab(self.cfg.snapshot_cron, timezone=self.tz),
                      id="snapshot", max_instances=1, coalesce=True, misfire_grace_time=3600)
        # The catch-up runs as a one-off job so SIGTERM during it still stops cleanly.
        sched.add_job(self.catch_up, id="catch-up", max_instances=1)

        def stop(signum: int, _frame: Any) -> None:
            log.info("received %s: stopping after running jobs finish", signal.Signals(signum).name)
            sched.shutdown(wait=False)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        log.info("scheduler started: feeds every %d min, snapshots on '%s' (%s)",
                 self.cfg.ingest_every_minutes, self.cfg.snapshot_cron, self.cfg.timezone)
        sched.start()
        log.info("scheduler stopped")
