"""`risk suppliers import|list|delete`, `risk exposure`, `risk plan`: thin faces over the library."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from risk.cli import main
from risk.cli.common import db_option, echo_json, echo_table, format_option, open_store, write_csv

DEFAULT_PORTFOLIO = "default"
SHOW_REASONS = 10


@click.group("suppliers")
def suppliers_group() -> None:
    """Supplier portfolios: import a CSV, list or delete portfolios."""


@suppliers_group.command("import")
@click.argument("csv_file", metavar="CSV", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--portfolio", default=DEFAULT_PORTFOLIO, show_default=True,
              help="Portfolio name; an existing portfolio of that name is replaced.")
@click.option("--rejects", "rejects_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write rejected rows (line, reason, fields) to this CSV file.")
@db_option
def import_cmd(csv_file: Path, portfolio: str, rejects_path: Path | None, db: Path | None) -> None:
    """Validate, resolve and store a supplier list; print accepted/rejected counts and why."""
    from risk.suppliers import import_suppliers, rejects_csv

    settings, store = open_store(db)
    result = import_suppliers(store, csv_file, portfolio=portfolio, max_rows=settings.upload.max_rows)
    sep = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}[result.separator]
    click.echo(f"portfolio '{portfolio}': {result.accepted_count} accepted, {result.rejected_count} rejected "
               f"({result.encoding}, {sep}-separated)")
    click.echo("columns: " + ", ".join(f"{k}<-'{v}'" for k, v in result.columns.items()))
    for note in result.notes:
        click.echo(note)
    flags = result.flag_counts()
    if flags:
        click.echo("flagged (kept): " + ", ".join(f"{k} {v}" for k, v in sorted(flags.items())))
    if result.rejected_count:
        click.echo("rejected rows:")
        for row in result.rejects.head(SHOW_REASONS).itertuples():
            click.echo(f"  line {row.line}: {row.reason}")
        if result.rejected_count > SHOW_REASONS:
            click.echo(f"  ... and {result.rejected_count - SHOW_REASONS} more")
        if rejects_path is not None:
            rejects_path.write_bytes(rejects_csv(result))
            click.echo(f"rejected rows written to {rejects_path}")
        else:
            click.echo("write them all to a file with --rejects FILE.csv")


@suppliers_group.command("list")
@format_option("table", "json", "csv")
@db_option
def list_cmd(fmt: str, db: Path | None) -> None:
    """The stored portfolios: name, when, source file, accepted/rejected rows."""
    from risk.store.suppliers import list_portfolios

    _, store = open_store(db)
    with store.read() as con:
        frame = list_portfolios(con)
    _emit(frame.to_dict("records"), list(frame.columns), fmt)


@suppliers_group.command("delete")
@click.argument("portfolio")
@db_option
def delete_cmd(portfolio: str, db: Path | None) -> None:
    """Delete a portfolio and its suppliers."""
    from risk.errors import InputError
    from risk.store.suppliers import delete_portfolio

    _, store = open_store(db)
    with store.transaction() as con:
        existed = delete_portfolio(con, portfolio)
    if not existed:
        raise InputError(f"no portfolio named '{portfolio}'", hint="see 'risk suppliers list'")
    click.echo(f"deleted portfolio '{portfolio}'")


def _emit(rows: list[dict[str, Any]], columns: list[str], fmt: str) -> None:
    if fmt == "json":
        echo_json(rows)
    elif fmt == "csv":
        write_csv(rows, columns)
    else:
        echo_table(rows, columns)


def _what_ifs(values: tuple[str, ...]) -> list[Any]:
    from risk.exposure import WhatIf

    return [WhatIf.parse(v) for v in values]


def _scenario_options(f: Any) -> Any:
    f = click.option("--what-if", "what_if", multiple=True, metavar="ISO3:INDICATOR:+N[:neighbours]",
                     help="Raise an indicator in a country by N points (repeatable), e.g. "
                          "VEN:airspace_disruption:+30:neighbours.")(f)
    f = click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
                     help="Scores of this day (default: today, UTC).")(f)
    return click.option("--portfolio", default=DEFAULT_PORTFOLIO, show_default=True, help="Portfolio name.")(f)


EXPOSURE_COLUMNS = ["supplier", "country", "risk", "exposure", "spend_share", "criticality", "dominant_risk",
                    "single_source", "high_exposure"]


@main.command("exposure")
@_scenario_options
@format_option("table", "json", "csv")
@db_option
def exposure_cmd(portfolio: str, as_of: str | None, what_if: tuple[str, ...], fmt: str, db: Path | None) -> None:
    """Each supplier's exposure: its country's risk weighted by spend share and criticality."""
    from risk.cli.scores import parse_day
    from risk.exposure import exposure

    settings, store = open_store(db)
    report = exposure(store, portfolio, parse_day(as_of), _what_ifs(what_if), settings=settings)
    rows = report.records()
    if fmt == "table":
        rows.sort(key=lambda r: -(r["exposure"] or 0))
        shown = [{**r, "exposure": f"{r['exposure']:.2f}", "spend_share": f"{r['spend_share']:.1%}"} for r in rows]
        echo_table(shown, EXPOSURE_COLUMNS)
        click.echo(f"\n{len(rows)} suppliers; total exposure {report.total_exposure:.1f}; "
                   f"country concentration (HHI) {report.hhi_countries:,.0f}")
        for a in report.assumptions:
            click.echo(f"note: {a}")
    else:
        _emit(rows, list(rows[0]) if rows else EXPOSURE_COLUMNS, fmt)


@main.command("plan")
@_scenario_options
@format_option("table", "json")
@db_option
def plan_cmd(portfolio: str, as_of: str | None, what_if: tuple[str, ...], fmt: str, db: Path | None) -> None:
    """Contingency plans for high-exposure suppliers: alternative countries, peers, playbook."""
    from risk.cli.scores import parse_day
    from risk.contingency import plans

    settings, store = open_store(db)
    report = plans(store, portfolio, parse_day(as_of), _what_ifs(what_if), settings=settings)
    if fmt == "json":
        echo_json([p.as_dict() for p in report.plans])
        return
    click.echo(f"{report.high_exposure} high-exposure supplier(s) in '{portfolio}'; "
               f"{len(report.plans)} plan(s); playbook: {report.playbook_source}")
    for p in report.plans:
        click.echo(f"\nline {p.line}: {p.supplier} ({p.country_name or p.country}) risk {p.risk:.0f}, "
                   f"exposure {p.exposure:.2f}, dominant risk {p.dominant_risk}")
        for a in p.alternatives:
            click.echo(f"  alternative ({a['scope']}): {a['reason']}")
        for q in p.peers:
            click.echo(f"  peer: line {q['line']} {q['reason']}")
        click.echo(f"  playbook: {p.playbook['title']}")
        for action in p.playbook["actions"]:
            click.echo(f"    - {action}")
    for a in report.exposure.assumptions:
        click.echo(f"note: {a}")


main.add_command(suppliers_group)
