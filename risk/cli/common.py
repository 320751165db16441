"""What every command shares: the --db option, settings, output formats, error handling."""

from __future__ import annotations

from datetime import date

import csv
import io
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from risk.errors import RiskError

if TYPE_CHECKING:
    from risk.settings import Settings
    from risk.store import Store

# Start-up time matters (`risk extract` is timed as a whole command, `risk --help` should be
# instant): command modules import only click, this module and risk.errors at top level.
# pydantic-settings (risk.settings), duckdb (risk.store) and pandas (risk.exports) are
# imported by the functions that use them.


class RiskGroup(click.Group):
    """Turns a RiskError anywhere below into a one-line message and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RiskError as e:
            click.echo(f"error: {e.message}", err=True)
            sys.exit(e.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted; nothing half-written was kept", err=True)
            sys.exit(130)


def db_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        "db",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        envvar="RISK_DB",
        help="DuckDB file (default: $RISK_DB, else data/risk.duckdb). Created on first use.",
    )(f)


def format_option(*choices: str, default: str = "table") -> Callable[..., Any]:
    def deco(f: Callable[..., Any]) -> Callable[..., Any]:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(list(choices)),
            default=default,
            show_default=True,
            help="Output format.",
        )(f)

    return deco


def open_store(db: Path | None) -> tuple[Settings, Store]:
    """Settings and a migrated store for a command."""
    from risk.settings import load_settings
    from risk.store import BATCH_RETRY_SECONDS, Store

    settings = load_settings(db=db)
    store = Store(settings.db, retry_seconds=BATCH_RETRY_SECONDS)
    store.ensure()
    from risk.bootstrap import ensure_reference

    ensure_reference(store, settings)  # a database made on first use scores like an initialised one
    return settings, store


def write_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str], out: io.TextIOBase | None = None) -> None:
    from risk.exports import safe_cell

    stream = out or sys.stdout
    writer = csv.DictWriter(stream, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: safe_cell(_cell(row.get(k))) for k in columns})


def _cell(value: Any) -> Any:
    """Lists (flags, programmes) as 'a; b' rather than Python's repr."""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return value


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def echo_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    """A plain fixed-width table: readable in a terminal and in a log."""
    def fmt(v: Any) -> str:
        if v is None or (isinstance(v, float) and v != v):  # None or NaN: nothing known
            return "-"
        if isinstance(v, float):
            return f"{v:.1f}"
        if isinstance(v, (list, tuple)):
            return "; ".join(str(x) for x in v)
        return str(v).replace("\n", " ")

    cells = [[fmt(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    widths = [min(w, 60) for w in widths]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo("  ".join(v[:w].ljust(w) for v, w in zip(row, widths)))


def parse_day(value: str | None, *, option: str = "--as-of") -> date | None:
    """YYYY-MM-DD, or an InputError that shows the expected form."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as e:
        from risk.errors import InputError

        raise InputError(
            f"{option} '{value}' is not a date", hint="write it as YYYY-MM-DD, e.g. 2025-11-25"
        ) from e
