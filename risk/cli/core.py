"""`risk init`, `risk status`, `risk serve`: the database and the dashboard."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from risk.cli import main
from risk.cli.common import db_option, echo_json, echo_table, format_option, open_store

# risk.bootstrap (pandas), risk.store (duckdb) and risk.settings (pydantic-settings) are imported
# inside the commands: every `risk` command imports this module, and start-up time counts.


@main.command()
@db_option
@click.option("--seed/--no-seed", default=False, help="Load the bundled sample news and supplier list into an empty database.")
@format_option("table", "json")
def init(db: Path | None, seed: bool, fmt: str) -> None:
    """Create or migrate the database and load reference data and baselines (idempotent)."""
    from risk import bootstrap
    from risk.settings import load_settings
    from risk.store import BATCH_RETRY_SECONDS, Store

    settings = load_settings(db=db)
    store = Store(settings.db, retry_seconds=BATCH_RETRY_SECONDS)
    report = bootstrap.initialise(store, settings, seed=seed)
    if fmt == "json":
        echo_json(report.as_dict())
        return
    click.echo(f"database: {store.path}")
    click.echo(f"migrations applied: {', '.join(report.migrations) or 'none (up to date)'}")
    click.echo(f"countries: {report.countries}  baselines: {report.baselines}")
    for item in report.seeded:
        click.echo(f"seeded: {item}")


@main.command()
@db_option
@format_option("table", "json")
def status(db: Path | None, fmt: str) -> None:
    """What the database holds and how fresh it is."""
    from risk import bootstrap

    _, store = open_store(db)
    info = bootstrap.status(store)
    if fmt == "json":
        echo_json(info)
        return
    echo_table([{"item": k, "value": v} for k, v in info.items()], ["item", "value"])


@main.command()
@db_option
@click.option("--port", type=int, default=8501, show_default=True, help="Port to serve on.")
@click.option("--address", default="0.0.0.0", show_default=True, help="Address to bind.")
def serve(db: Path | None, port: int, address: str) -> None:
    """Serve the dashboard (Streamlit) on http://localhost:PORT."""
    from risk.settings import PROJECT_ROOT

    settings, store = open_store(db)
    env = dict(os.environ, RISK_DB=str(store.path.resolve()))
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app.py"),
        f"--server.port={port}", f"--server.address={address}",
        "--server.headless=true", "--browser.gatherUsageStats=false",
    ]
    click.echo(f"serving the dashboard on http://localhost:{port} (database {store.path})")
    raise SystemExit(subprocess.call(cmd, env=env, cwd=PROJECT_ROOT))
