"""Operations: ingest runs, configured feeds, PDF snapshots and the schedule in force."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from risk.settings import Settings
from risk.store import Store
from risk.store import views as sql

__all__ = [
    "ingest_runs", "feeds", "snapshots", "read_snapshot", "create_snapshot", "schedule_lines",
]


def ingest_runs(store: Store, limit: int = 20) -> pd.DataFrame:
    with store.read() as con:
        frame = sql.ingest_runs(con, limit=limit)
    frame["sources"] = frame["sources"].map(lambda v: ", ".join(map(str, v)) if v is not None else "")
    return frame


def feeds(store: Store, settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Configured feed URLs beside what the reader last saw of each; documents per source."""
    with store.read() as con:
        state = sql.feed_state(con)
        summary = sql.sources_summary(con)
    configured = pd.DataFrame({"url": [str(u) for u in settings.feeds.urls]}, dtype=object)
    return configured.merge(state, on="url", how="left"), summary


def snapshots(store: Store, limit: int = 200) -> pd.DataFrame:
    """Recorded snapshots, newest first, with whether the PDF is still on disk."""
    from dataclasses import asdict

    from risk.store.snapshots import list_snapshots

    with store.read() as con:
        records = list_snapshots(con, limit=limit)
    frame = pd.DataFrame([asdict(r) for r in records],
                         columns=["id", "created_at", "portfolio", "path", "pages", "bytes", "trigger"])
    frame["file"] = frame["path"].map(lambda p: Path(p).name)
    frame["exists"] = frame["path"].map(lambda p: Path(p).is_file())
    frame["size"] = frame["bytes"].map(lambda b: f"{b / 1024:,.0f} KB" if pd.notna(b) else "")
    return frame


def read_snapshot(store: Store, settings: Settings, snapshot_id: int) -> tuple[str, bytes]:
    """(file name, PDF bytes) of a recorded snapshot. Only files inside the snapshots folder are
    served: a record pointing anywhere else is refused (risk.report.snapshot_path)."""
    from risk.report import snapshot_path

    path = snapshot_path(store, settings, snapshot_id)
    return path.name, path.read_bytes()


def create_snapshot(store: Store, settings: Settings, portfolio: str | None) -> Any:
    from risk.report import write_snapshot

    return write_snapshot(store, settings, portfolio=portfolio)


def schedule_lines(settings: Settings, now: Any = None) -> list[str]:
    """The schedule in force, in words, with the next snapshot time."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from croniter import croniter

    sch = settings.schedule
    tz = ZoneInfo(sch.timezone)
    now = now or datetime.now(tz)
    lines = [f"Feeds are read every {sch.ingest_every_minutes} minutes "
             f"({len(settings.feeds.urls)} feed URL(s) configured)."]
    try:
        nxt = croniter(sch.snapshot_cron, now).get_next(datetime)
        lines.append(f"Snapshots on cron '{sch.snapshot_cron}' ({sch.timezone}); next: {nxt:%a %Y-%m-%d %H:%M}.")
    except (ValueError, KeyError) as e:
        lines.append(f"The snapshot cron '{sch.snapshot_cron}' is not valid ({e}); no snapshots are scheduled.")
    lines.append(f"Scheduled snapshots cover portfolio: {sch.snapshot_portfolio or 'none (risk only)'}.")
    if sch.deliver_folder:
        lines.append(f"Copies go to the folder {sch.deliver_folder}.")
    if sch.email_to:
        lines.append(f"Copies are e-mailed to {', '.join(sch.email_to)}.")
    lines.append(f"PDFs are kept in {settings.snapshots.folder}.")
    return lines
