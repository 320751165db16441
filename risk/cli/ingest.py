"""`risk extract` (read and print signals, write nothing) and `risk ingest` (read and store)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from risk.cli import main
from risk.cli.common import parse_day, db_option, echo_json, echo_table, format_option, open_store
from risk.errors import InputError

SIGNAL_COLUMNS = ("document", "country", "indicator", "weight", "role", "modality", "trigger", "sentence")


@main.command()
@click.argument("paths", nargs=-1, required=True)
@format_option("json", "table", default="json")
@click.option("--db", "db", default=None, envvar="RISK_DB", hidden=False,
              help="Accepted like every command's --db; extract reads and writes no database.")
def extract(paths: tuple[str, ...], fmt: str, db: str | None) -> None:
    """Read documents (files, folders, feed URLs, GDELT files) and print the signals they carry.

    Writes nothing. Problems with single files or items go to stderr; the rest is still read.
    """
    from risk.ingest import extract_sources

    if any(p.startswith(("http://", "https://")) for p in paths):
        from risk.settings import load_settings

        result = extract_sources(paths, timeout=load_settings().feeds.timeout_seconds)
    else:  # only feed URLs need a setting: local files skip pydantic-settings (~0.1 s of start-up)
        result = extract_sources(paths)
    rows = [
        {"document": s.document, "country": s.country, "indicator": s.indicator,
         "weight": round(s.weight, 4), "sentence": s.sentence, "role": s.role,
         "modality": s.modality, "trigger": s.trigger, "method": s.method,
         "document_id": s.document_id,
         "published": s.published.isoformat() if s.published else None}
        for s in result.signals
    ]
    if fmt == "json":
        echo_json(rows)
    else:
        echo_table(rows, SIGNAL_COLUMNS)
    for line in result.gdelt:
        click.echo(line, err=True)
    for msg in result.errors:
        click.echo(f"error: {msg}", err=True)
    if result.documents == 0 and result.errors:
        sys.exit(InputError.exit_code)


@main.command()
@click.argument("sources", nargs=-1)
@click.option("--feeds", "use_feeds", is_flag=True, help="Also fetch the feeds in risk.toml [feeds] urls.")
@click.option("--no-scores", is_flag=True, help="Store documents and signals; skip the score recompute.")
@click.option("--quiet", "-q", is_flag=True, help="No progress lines on stderr.")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help="The ingest day (default: today, UTC): undated documents are filed under it "
                   "and scores are recomputed up to it.")
@db_option
@format_option("table", "json", default="table")
def ingest(sources: tuple[str, ...], use_feeds: bool, no_scores: bool, quiet: bool, as_of: str | None,
           db: Path | None, fmt: str) -> None:
    """Read documents, store the new ones (duplicates skipped) and their signals, recompute scores.

    SOURCE may be a folder, an article (.txt/.md/.html), a .json/.jsonl item list, an RSS/Atom
    file or http(s) URL, or a GDELT 2.0 Events / GKG 2.1 file. Running it twice stores nothing new.
    """
    from risk.ingest import ingest as run_ingest

    if not sources and not use_feeds:
        raise InputError("nothing to ingest", hint="give SOURCE paths or URLs, or --feeds")
    settings, store = open_store(db)
    if use_feeds and not settings.feeds.urls:
        click.echo("warning: --feeds given but risk.toml has no [feeds] urls", err=True)
    progress = None if quiet else (lambda msg: click.echo(msg, err=True))
    summary = run_ingest(store, settings, sources, feeds=use_feeds, progress=progress,
                         recompute_scores=not no_scores, today=parse_day(as_of))
    for msg in summary.errors:
        click.echo(f"error: {msg}", err=True)
    if fmt == "json":
        echo_json(summary.as_dict())
    else:
        click.echo(f"read {summary.read}, new {summary.new}, duplicate {summary.duplicate}, "
                   f"signals {summary.signals}, errors {len(summary.errors)}"
                   + ("; scores recomputed" if summary.recomputed else ""))
    if summary.read == 0 and summary.errors:
        sys.exit(InputError.exit_code)
