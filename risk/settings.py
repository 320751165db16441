"""One typed settings object, read once from `risk.toml` and `RISK_*` environment variables.

Precedence (highest first): explicit arguments, RISK_* environment variables
(nested with a double underscore: RISK_SCORING__HALF_LIFE_DAYS=10), risk.toml, defaults.
Unknown keys are refused with a message naming the key.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from risk.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DB = Path("data") / "risk.duckdb"
"""Relative to the working directory, as the contract says; `make run` works from the project root."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScoringSettings(_Section):
    half_life_days: float = Field(default=14.0, gt=0, description="News signal half-life")
    news_scale: float = Field(default=45.0, gt=0, description="Points a saturated news load adds")
    saturation: float = Field(
        default=2.0, gt=0, description="Story weight at which news reaches 63% of news_scale"
    )
    spillover_factor: float = Field(
        default=0.35, ge=0, le=1, description="Share of the worst neighbour's news points a country receives"
    )
    spillover_indicators: list[str] = Field(
        default=["migration_pressure", "trade_disruption"], description="Indicators that spill over to neighbours"
    )
    horizon_days: int = Field(default=120, ge=1, description="Signals older than this add nothing")
    history_days: int = Field(default=365, ge=1, description="Days of daily scores kept in the store")
    weights: dict[str, float] = {
        "migration_pressure": 1.0,
        "airspace_disruption": 1.0,
        "trade_disruption": 1.0,
        "sanctions_exposure": 1.0,
    }
    composite_k: float = Field(
        default=0.5, ge=0, le=1,
        description="Share of the remaining headroom the other indicators' weighted mean may fill",
    )
    high_risk: float = Field(default=60.0, ge=0, le=100, description="Threshold for 'high risk'")
    baselines_file: Path | None = Field(
        default=None, description="Your own baseline overrides (CSV: iso3,indicator,value,source,as_of)"
    )


class FeedSettings(_Section):
    urls: list[str] = Field(default=[], description="RSS/Atom feeds that `risk ingest --feeds` and the scheduler read")
    timeout_seconds: float = Field(default=20.0, gt=0, description="Per-request timeout for feeds")
    user_agent: str = Field(default="regional-risk/0.1 (+feed reader)", description="User-Agent sent to feeds")


class ScheduleSettings(_Section):
    ingest_every_minutes: int = Field(default=60, ge=1, description="How often the scheduler reads the feeds")
    snapshot_cron: str = Field(default="0 7 * * 1", description="When the scheduler writes a snapshot (cron)")
    snapshot_portfolio: str | None = Field(default=None, description="Portfolio included in scheduled snapshots")
    timezone: str = Field(default="UTC", description="Time zone the cron expression is read in")
    deliver_folder: Path | None = Field(default=None, description="Copy each scheduled snapshot here")
    email_to: list[str] = Field(default=[], description="E-mail each scheduled snapshot to these addresses")
    email_from: str = Field(default="risk@localhost", description="Sender of snapshot e-mails")
    smtp_host: str | None = Field(default=None, description="SMTP server for snapshot e-mails")
    smtp_port: int = Field(default=25, description="SMTP port")
    smtp_user: str | None = Field(default=None, description="SMTP user (optional)")
    smtp_password: str | None = Field(
        default=None, description="SMTP password: prefer RISK_SCHEDULE__SMTP_PASSWORD"
    )
    smtp_starttls: bool = Field(default=False, description="Use STARTTLS")


class SnapshotSettings(_Section):
    folder: Path = Field(default=DATA_DIR / "snapshots", description="Where PDF snapshots are written")


class UploadSettings(_Section):
    max_upload_mb: int = Field(default=200, ge=1, description="Largest supplier file accepted")
    max_rows: int = Field(default=2_000_000, ge=1, description="Most supplier rows read from one file")


class ContingencySettings(_Section):
    """Supplier exposure and contingency plans (issue 5)."""

    playbook_file: Path | None = Field(
        default=None, description="Your own action playbook (TOML, same shape as data/playbook.toml)"
    )
    high_exposure: float = Field(
        default=5.0, ge=0, description="Exposure points at or above which a supplier gets a plan"
    )
    default_criticality: int = Field(default=3, ge=1, le=5, description="Criticality when absent")
    min_improvement: float = Field(
        default=10.0, ge=0, description="Composite points an alternative country must be lower by"
    )
    alternatives: int = Field(default=3, ge=1, description="Alternative countries per plan")
    max_plans: int = Field(default=50, ge=1, description="Plans for at most this many suppliers")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RISK_",
        env_nested_delimiter="__",
        extra="forbid",
        toml_file=None,
    )

    db: Path = Field(default=DEFAULT_DB, description="The DuckDB file (also --db, RISK_DB)")
    scoring: ScoringSettings = ScoringSettings()
    feeds: FeedSettings = FeedSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    snapshots: SnapshotSettings = SnapshotSettings()
    upload: UploadSettings = UploadSettings()
    contingency: ContingencySettings = ContingencySettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = _toml_path()
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if toml_path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_path))
        return tuple(sources)


def _toml_path() -> Path | None:
    explicit = os.environ.get("RISK_CONFIG")
    if explicit:
        return Path(explicit)
    candidate = Path.cwd() / "risk.toml"
    return candidate if candidate.exists() else None


def load_settings(**overrides: Any) -> Settings:
    """Read settings once; raise ConfigError naming the bad key and where it came from."""
    toml_path = _toml_path()
    if toml_path is not None and not toml_path.exists():
        raise ConfigError(
            "configuration file not found",
            where=str(toml_path),
            hint="create it or unset RISK_CONFIG",
        )
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as e:
        err = e.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        where = str(toml_path) if toml_path else "environment"
        if err["type"] == "extra_forbidden":
            raise ConfigError(
                f"unknown setting '{key}'",
                where=where,
                hint="remove it or check its spelling against the README's settings table",
            ) from e
        raise ConfigError(
            f"setting '{key}' is invalid: {err['msg']}", where=where, hint="fix the value"
        ) from e
    except Exception as e:  # malformed TOML
        raise ConfigError(f"cannot read settings: {e}", where=str(toml_path)) from e
