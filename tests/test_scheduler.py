"""The scheduler with a hand-driven clock: catch-up, no double run, failing feeds, locks."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from risk.errors import ConfigError, IngestError
from risk.scheduler import Scheduler, file_lock
from risk.settings import Settings, load_settings
from risk.store import Store
from risk.store import snapshots as sql

UTC = timezone.utc


class Clock:
    def __init__(self, start: datetime) -> None:
        self.t = start

    def __call__(self) -> datetime:
        return self.t

    def advance(self, **kw: float) -> None:
        self.t += timedelta(**kw)


@pytest.fixture
def settings(tmp_path: Path, db_path: Path) -> Settings:
    # Mondays 07:00 UTC; feeds every 30 minutes.
    return load_settings(db=db_path, snapshots={"folder": str(tmp_path / "snapshots")},
                         schedule={"snapshot_cron": "0 7 * * 1", "ingest_every_minutes": 30})


class FakeSnapshots:
    """Records a snapshot row stamped with the clock, as write_snapshot does; can be slowed."""

    def __init__(self, store: Store, clock: Clock, delay: float = 0.0) -> None:
        self.store, self.clock, self.delay, self.calls = store, clock, delay, 0

    def __call__(self, *, trigger: str) -> Any:
        self.calls += 1
        time.sleep(self.delay)
        with self.store.transaction() as con:
            new_id = sql.record_snapshot(
                con, created_at=self.clock().astimezone(UTC).replace(tzinfo=None), portfolio=None,
                path=f"/tmp/x{self.calls}.pdf", sha256="0" * 64, pages=2, size=10, trigger=trigger,
                as_of=None, map_renderer="vector", top=[])
        return SimpleNamespace(id=new_id, path=None)


def _count(store: Store) -> int:
    with store.read() as con:
        return sql.count_snapshots(con)


def make(store: Store, settings: Settings, clock: Clock, **kw: Any) -> tuple[Scheduler, FakeSnapshots]:
    snaps = FakeSnapshots(store, clock, kw.pop("delay", 0.0))
    sched = Scheduler(store, settings, now=clock, snapshot_fn=snaps, ingest_fn=kw.pop("ingest_fn", lambda: None),
                      deliver_fn=lambda p: None)
    return sched, snaps


def test_one_missed_slot_gives_exactly_one_snapshot_at_start(store: Store, settings: Settings) -> None:
    clock = Clock(datetime(2026, 11, 2, 7, 5, tzinfo=UTC))  # a Monday, just after the slot
    sched, _ = make(store, settings, clock)
    sched.catch_up()
    assert _count(store) == 1
    # Down for a week and a bit: the 9 Nov slot was missed; start again on 10 Nov.
    clock.t = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
    sched2, _ = make(store, settings, clock)
    sched2.catch_up()
    sched2.catch_up()
    assert _count(store) == 2
    with store.read() as con:
        assert sql.latest_snapshot(con).trigger == "catch-up"  # type: ignore[union-attr]


def test_several_missed_slots_still_give_one(store: Store, settings: Settings) -> None:
    clock = Clock(datetime(2026, 11, 2, 7, 0, tzinfo=UTC))
    sched, _ = make(store, settings, clock)
    sched.catch_up()
    clock.advance(days=35)  # five Mondays missed
    sched, _ = make(store, settings, clock)
    sched.catch_up()
    sched.tick()
    assert _count(store) == 2


def test_nothing_missed_means_no_snapshot_until_the_next_slot(store: Store, settings: Settings) -> None:
    clock = Clock(datetime(2026, 11, 2, 7, 0, tzinfo=UTC))
    sched, snaps = make(store, settings, clock)
    sched.tick()
    assert _count(store) == 1
    for _ in range(20):  # Monday 07:00 -> Monday 05:20 the next week
        clock.advance(hours=8)
        sched.tick()
    assert _count(store) == 1
    clock.t = datetime(2026, 11, 9, 7, 0, tzinfo=UTC)
    sched.tick()
    assert _count(store) == 2 and snaps.calls == 2


def test_two_concurrent_attempts_write_one_snapshot(store: Store, settings: Settings) -> None:
    clock = Clock(datetime(2026, 11, 2, 7, 0, tzinfo=UTC))
    sched_a, snaps_a = make(store, settings, clock, delay=0.5)
    sched_b, snaps_b = make(store, settings, clock, delay=0.5)
    threads = [threading.Thread(target=s.run_snapshot) for s in (sched_a, sched_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert _count(store) == 1
    assert snaps_a.calls + snaps_b.calls == 1
    # A later attempt for the same slot finds it done and writes nothing either.
    sched_b.run_snapshot()
    assert _count(store) == 1


def test_a_failing_feed_does_not_stop_the_snapshot(store: Store, settings: Settings) -> None:
    def broken() -> None:
        raise IngestError("feed http://127.0.0.1:9/feed.xml refused the connection")

    clock = Clock(datetime(2026, 11, 2, 7, 1, tzinfo=UTC))
    sched, _ = make(store, settings, clock, ingest_fn=broken)
    sched.tick()
    assert _count(store) == 1


def test_real_ingest_of_an_unreachable_feed_is_logged_not_raised(store: Store, tmp_path: Path,
                                                                  db_path: Path) -> None:
    pytest.importorskip("risk.ingest")
    settings = load_settings(db=db_path, snapshots={"folder": str(tmp_path / "s")},
                             feeds={"urls": ["http://127.0.0.1:9/feed.xml"], "timeout_seconds": 2})
    clock = Clock(datetime(2026, 11, 2, 7, 1, tzinfo=UTC))
    snaps = FakeSnapshots(store, clock)
    sched = Scheduler(store, settings, now=clock, snapshot_fn=snaps, deliver_fn=lambda p: None)
    sched.tick()
    assert _count(store) == 1


def test_ingest_runs_every_n_minutes(store: Store, settings: Settings) -> None:
    runs: list[datetime] = []
    clock = Clock(datetime(2026, 11, 3, 0, 0, tzinfo=UTC))
    sched, _ = make(store, settings, clock, ingest_fn=lambda: runs.append(clock()))
    for _ in range(12):  # two hours in 10-minute steps
        sched.tick()
        clock.advance(minutes=10)
    assert len(runs) == 4


def test_cron_slots_follow_the_time_zone(store: Store, tmp_path: Path, db_path: Path) -> None:
    s = load_settings(db=db_path, snapshots={"folder": str(tmp_path)},
                      schedule={"snapshot_cron": "0 7 * * *", "timezone": "Europe/Berlin"})
    sched = Scheduler(store, s, snapshot_fn=lambda **k: None)
    slot = sched.latest_slot(datetime(2026, 7, 1, 12, 0, tzinfo=UTC))
    assert slot == datetime(2026, 7, 1, 5, 0, tzinfo=UTC)  # 07:00 CEST


def test_bad_cron_or_zone_is_a_config_error(store: Store, tmp_path: Path, db_path: Path) -> None:
    with pytest.raises(ConfigError, match="cron"):
        Scheduler(store, load_settings(db=db_path, schedule={"snapshot_cron": "every monday"}))
    with pytest.raises(ConfigError, match="time zone"):
        Scheduler(store, load_settings(db=db_path, schedule={"timezone": "Mars/Olympus"}))


def test_file_lock_excludes_a_second_holder(tmp_path: Path) -> None:
    lock = tmp_path / "l.lock"
    with file_lock(lock) as first:
        with file_lock(lock) as second:
            assert first and not second
    with file_lock(lock) as again:
        assert again
