"""`risk snapshot`, `risk snapshots list` and `risk schedule`: thin faces over risk.report
and risk.scheduler."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import click

from risk.cli import main
from risk.cli.common import db_option, echo_json, echo_table, format_option, open_store
from risk.errors import InputError


def _logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # fpdf2 subsets fonts through fontTools, which logs every table at INFO.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    logging.getLogger("choreographer").setLevel(logging.WARNING)
    logging.getLogger("kaleido").setLevel(logging.WARNING)


@main.command()
@db_option
@click.option("--portfolio", default=None, help="Include this supplier portfolio (exposure, plans, suppliers).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="PDF file to write (default: <snapshots folder>/<UTC timestamp>[_portfolio].pdf).")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD", help="Scores of this day (default: today, UTC).")
@click.option("--no-browser", is_flag=True, help="Draw the map as vectors instead of rendering it in Chromium.")
@format_option("table", "json")
def snapshot(db: Path | None, portfolio: str | None, out: Path | None, as_of: str | None,
             no_browser: bool, fmt: str) -> None:
    """Write a PDF snapshot and record it (path, sha256) in the database."""
    from risk.report import write_snapshot

    day = None
    if as_of:
        try:
            day = date.fromisoformat(as_of.strip())
        except ValueError as e:
            raise InputError(f"--as-of '{as_of}' is not a date", hint="write it as YYYY-MM-DD") from e
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    settings, store = open_store(db)
    res = write_snapshot(store, settings, portfolio=portfolio, out=out, as_of=day, use_browser=not no_browser)
    info = {"id": res.id, "path": str(res.path), "sha256": res.sha256, "pages": res.pages, "bytes": res.bytes,
            "portfolio": res.portfolio, "map": res.map_renderer, "seconds": round(res.seconds, 2)}
    if fmt == "json":
        echo_json(info)
    else:
        click.echo(f"snapshot #{res.id} written: {res.path} ({res.pages} pages, {res.bytes:,} bytes, "
                   f"{res.seconds:.1f} s)")
        click.echo(f"sha256 {res.sha256}")


@main.group()
def snapshots() -> None:
    """Recorded PDF snapshots."""


@snapshots.command("list")
@db_option
@format_option("table", "json")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000), help="Show at most this many, newest first.")
def snapshots_list(db: Path | None, fmt: str, limit: int) -> None:
    """The recorded snapshots, newest first."""
    from risk.store import snapshots as sql

    _, store = open_store(db)
    with store.read() as con:
        recs = sql.list_snapshots(con, limit=limit)
    rows = [{"id": r.id, "created_at": r.created_at.isoformat(timespec="seconds"), "portfolio": r.portfolio,
             "trigger": r.trigger, "pages": r.pages, "bytes": r.bytes, "exists": Path(r.path).is_file(),
             "sha256": r.sha256, "path": r.path} for r in recs]
    if fmt == "json":
        echo_json(rows)
    else:
        echo_table(rows, ["id", "created_at", "portfolio", "trigger", "pages", "exists", "path"])


@main.command()
@db_option
@click.option("--once", is_flag=True, help="Catch up (ingest feeds, write a missed snapshot) and exit.")
@click.option("--verbose", "-v", is_flag=True, help="Log debug messages.")
def schedule(db: Path | None, once: bool, verbose: bool) -> None:
    """Run the scheduler in the foreground: feeds every N minutes, snapshots on a cron (risk.toml [schedule]).

    Stops cleanly on SIGTERM or Ctrl-C. For cron instead of a long-running process, run
    'risk schedule --once' from crontab (see docs/scheduling.md).
    """
    from risk.scheduler import Scheduler

    _logging(verbose)
    settings, store = open_store(db)
    sched = Scheduler(store, settings)
    if once:
        sched.run_ingest()
        sched.catch_up()
        return
    sched.run_forever()
