"""`risk countries` and `risk explain`: thin faces over risk.scoring and risk.explain."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from risk import INDICATORS
from risk.cli import main
from risk.cli.common import db_option, echo_json, echo_table, format_option, open_store, parse_day, write_csv
from risk.errors import InputError


def _round(v: Any) -> Any:
    return round(float(v), 1) if v is not None else None


@main.command()
@db_option
@format_option("table", "json", "csv")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD", help="Scores of this day (default: today, UTC).")
@click.option("--sort", "sort", default="composite", show_default=True,
              type=click.Choice(["composite", "name", "iso3", *INDICATORS]), help="Order of the rows.")
@click.option("--region", "region", default=None, help="Only countries of this region or subregion (e.g. Americas).")
def countries(db: Path | None, fmt: str, as_of: str | None, sort: str, region: str | None) -> None:
    """The scores of every country, with the composite."""
    from risk.scoring import country_scores

    day = parse_day(as_of)
    settings, store = open_store(db)
    frame = country_scores(store, day, settings=settings)
    if region:
        want = region.strip().casefold()
        match = (frame["region"].fillna("").str.casefold() == want) | (
            frame["subregion"].fillna("").str.casefold() == want
        )
        if not match.any():
            known = sorted(set(frame["region"].dropna()) | set(frame["subregion"].dropna()))
            raise InputError(f"no country in region '{region}'", hint="use one of: " + ", ".join(known))
        frame = frame[match]
    if sort in ("name", "iso3"):
        frame = frame.sort_values(sort, key=lambda s: s.str.casefold(), ignore_index=True)
    elif sort != "composite":
        frame = frame.sort_values([sort, "iso3"], ascending=[False, True], ignore_index=True)
    records = frame.to_dict(orient="records")
    if fmt == "json":
        echo_json(
            [
                {
                    "iso3": r["iso3"],
                    "name": r["name"],
                    "region": r["region"],
                    "composite": _round(r["composite"]),
                    "indicators": {i: _round(r[i]) for i in INDICATORS},
                }
                for r in records
            ]
        )
    elif fmt == "csv":
        rows = [{**r, "composite": _round(r["composite"]), **{i: _round(r[i]) for i in INDICATORS}} for r in records]
        write_csv(rows, ["iso3", "name", "region", "subregion", "composite", *INDICATORS])
    else:
        echo_table(records, ["iso3", "name", "composite", *INDICATORS])


@main.command()
@click.argument("iso3")
@db_option
@format_option("table", "json")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD", help="Explain this day (default: today, UTC).")
def explain(iso3: str, db: Path | None, fmt: str, as_of: str | None) -> None:
    """How each of a country's scores is made up, down to the sentences behind it."""
    from risk.explain import explain as build, render_text

    day = parse_day(as_of)
    settings, store = open_store(db)
    result = build(store, iso3, as_of=day, settings=settings)
    if fmt == "json":
        echo_json(result.model_dump(mode="json"))
    else:
        click.echo(render_text(result))
