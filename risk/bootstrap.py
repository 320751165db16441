"""Setting up a database: migrations, reference data, baselines, scores, and first-run samples.

`risk init`, `make run` and the dashboard's start-up all go through `initialise`, so a new
file and an old one end up with the same schema and reference data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from risk.settings import DATA_DIR, Settings
from risk.store import Store
from risk.store import reference as sql

SAMPLE_NEWS = DATA_DIR / "sample_news"
SAMPLE_SUPPLIERS = DATA_DIR / "sample_suppliers.csv"
SAMPLE_PORTFOLIO = "Sample portfolio"


@dataclass
class InitReport:
    migrations: list[str]
    countries: int
    baselines: int
    scores_recomputed: bool
    seeded: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _country_rows() -> list[dict[str, Any]]:
    from risk.countries import countries

    return [
        {
            "iso3": c.iso3,
            "iso2": c.iso2,
            "numeric": c.numeric,
            "name": c.name,
            "official_name": c.official_name,
            "region": c.region,
            "subregion": c.subregion,
            "capital": c.capital,
            "lat": c.lat,
            "lon": c.lon,
            "neighbours": list(c.neighbours),
        }
        for c in countries()
    ]


def initialise(store: Store, settings: Settings, *, seed: bool = False) -> InitReport:
    """Create or migrate the database and load reference data; idempotent.

    With `seed`, a database holding no documents and no portfolios also gets the bundled
    sample news and sample supplier list, so a first-time user sees real data.
    """
    from risk.baselines import load_baselines
    from risk.scoring import recompute

    migrations = store.migrate()
    rows = _country_rows()
    with store.transaction() as con:
        if sql.country_count(con) != len(rows):
            sql.replace_countries(con, rows)
    n_baselines = load_baselines(store, settings)
    seeded = seed_samples(store, settings) if seed else []
    recompute(store, settings)
    return InitReport(migrations, len(rows), n_baselines, True, seeded)


def ensure_reference(store: Store, settings: Settings) -> bool:
    """Countries and baselines in a database that was created on first use, without `risk init`:
    without them every country would score 0 with no warning. True when something was loaded."""
    with store.read() as con:
        c = sql.counts(con)
    if c["countries"] and c["baselines"]:
        return False
    from risk.baselines import load_baselines

    if not c["countries"]:
        with store.transaction() as con:
            sql.replace_countries(con, _country_rows())
    load_baselines(store, settings)
    return True


def seed_samples(store: Store, settings: Settings) -> list[str]:
    """Load the bundled samples into an empty database (no documents, no portfolios)."""
    done: list[str] = []
    with store.read() as con:
        c = sql.counts(con)
    if c["documents"] == 0 and SAMPLE_NEWS.is_dir():
        from risk.ingest import ingest

        ingest(store, settings, [SAMPLE_NEWS], recompute_scores=False)
        done.append(f"sample news from {SAMPLE_NEWS.name}/")
    if c["portfolios"] == 0 and SAMPLE_SUPPLIERS.exists():
        from risk.suppliers import import_suppliers

        import_suppliers(store, SAMPLE_SUPPLIERS, portfolio=SAMPLE_PORTFOLIO)
        done.append(f"sample suppliers as '{SAMPLE_PORTFOLIO}'")
    return done


def status(store: Store) -> dict[str, Any]:
    """What the database holds and how fresh it is (the contract's `risk status` JSON)."""
    with store.read() as con:
        c = sql.counts(con)
        last = sql.last_ingest(con)
        day = sql.last_scored_day(con)
        version = sql.schema_version(con)
    return {
        "database": str(store.path),
        "schema_version": int(version or 0),
        "countries": c["countries"],
        "documents": c["documents"],
        "signals": c["signals"],
        "portfolios": c["portfolios"],
        "suppliers": c["suppliers"],
        "snapshots": c["snapshots"],
        "baselines": c["baselines"],
        "scores": c["scores"],
        "last_ingest": last.isoformat() if isinstance(last, datetime) else None,
        "last_scored_day": day.isoformat() if day is not None else None,
    }


def database_file(path: Path | None, settings: Settings) -> Path:
    return path or settings.db
