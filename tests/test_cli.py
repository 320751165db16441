"""The `risk` command: help everywhere, init idempotent, status per the contract."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from risk.cli import main


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    out = []
    for name, cmd in sorted(group.commands.items()):
        out.append(((*prefix, name), cmd))
        if isinstance(cmd, click.Group):
            out.extend(_commands(cmd, (*prefix, name)))
    return out


ALL_COMMANDS = _commands(main)


def test_contract_commands_exist() -> None:
    names = {" ".join(path) for path, _ in ALL_COMMANDS}
    for required in ("init", "status", "countries", "serve"):
        assert required in names


@pytest.mark.parametrize("path,cmd", ALL_COMMANDS, ids=[" ".join(p) for p, _ in ALL_COMMANDS])
def test_every_command_has_help(path: tuple[str, ...], cmd: click.Command) -> None:
    assert (cmd.help or "").strip(), f"'risk {' '.join(path)}' has no help text"
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    for param in cmd.params:
        if isinstance(param, click.Option) and not param.hidden and param.name not in ("help",):
            assert (param.help or "").strip(), f"option {param.opts} of 'risk {' '.join(path)}' has no help"


def test_every_data_command_takes_db() -> None:
    for path, cmd in ALL_COMMANDS:
        if isinstance(cmd, click.Group):
            continue
        opts = {o for p in cmd.params for o in getattr(p, "opts", [])}
        assert "--db" in opts, f"'risk {' '.join(path)}' lacks --db"


def test_init_twice_changes_nothing(db_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["init", "--db", str(db_path), "--format", "json"])
    assert first.exit_code == 0, first.output
    status1 = json.loads(runner.invoke(main, ["status", "--db", str(db_path), "--format", "json"]).output)
    second = runner.invoke(main, ["init", "--db", str(db_path), "--format", "json"])
    assert second.exit_code == 0, second.output
    assert json.loads(second.output)["migrations"] == []
    status2 = json.loads(runner.invoke(main, ["status", "--db", str(db_path), "--format", "json"]).output)
    assert status1 == status2
    assert status1["countries"] == 249
    for key in ("documents", "signals", "countries", "portfolios", "snapshots"):
        assert isinstance(status1[key], int)
    assert status1["last_ingest"] is None


def test_countries_lists_249_on_a_new_database(db_path: Path) -> None:
    result = CliRunner().invoke(main, ["countries", "--db", str(db_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 249
    assert {r["iso3"] for r in rows} >= {"VEN", "COL", "NER", "USA"}
    for r in rows:
        assert set(r["indicators"]) == {"migration_pressure", "airspace_disruption", "trade_disruption", "sanctions_exposure"}


def test_bad_database_path_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "not-a-db.duckdb"
    target.write_bytes(b"this is not a database" * 100)
    result = CliRunner().invoke(main, ["status", "--db", str(target)])
    assert result.exit_code != 0
    assert "not-a-db.duckdb" in result.output


def test_a_database_made_on_first_use_has_reference_data(db_path: Path) -> None:
    """Skipping `risk init` must not leave every country at 0: first use loads what init loads."""
    result = CliRunner().invoke(main, ["countries", "--db", str(db_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["iso3"]: r for r in json.loads(result.output)}
    assert rows["IRN"]["indicators"]["sanctions_exposure"] > 50  # the bundled OFAC-based baseline
    status = json.loads(CliRunner().invoke(main, ["status", "--db", str(db_path), "--format", "json"]).output)
    assert status["baselines"] > 100 and status["countries"] == 249


def test_a_database_in_a_missing_folder_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "folder" / "risk.duckdb"
    result = CliRunner().invoke(main, ["status", "--db", str(target)])
    assert result.exit_code != 0
    assert "does not exist" in result.output and str(tmp_path / "no") in result.output
    assert not (tmp_path / "no").exists()
