"""Docs that cannot drift: the README's command help and settings table are generated from
the code (cog) and must match it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_readme_is_in_step_with_the_code() -> None:
    cog = Path(sys.executable).parent / "cog"
    result = subprocess.run([str(cog), "--check", "README.md"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, (
        "README.md is out of date with the CLI or settings: run `.venv/bin/cog -r README.md`\n"
        + result.stdout + result.stderr
    )


def test_readme_names_the_two_commands() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
