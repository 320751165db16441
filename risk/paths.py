"""Folders the product writes into: created when only the last level is missing.

`data/` or `data/snapshots/` may be missing on first use and are made; a path several levels
deep that does not exist is almost always a typo (`--db /srv/risk/dta/risk.duckdb`), so it is
refused with the first missing folder named, instead of silently creating an empty database.
"""

from __future__ import annotations

from pathlib import Path

from risk.errors import InputError


def ensure_folder(folder: Path, *, what: str) -> None:
    """Make `folder` exist, creating at most its last level; InputError otherwise."""
    if folder.is_dir():
        return
    missing = folder
    while not missing.parent.exists() and missing.parent != missing:
        missing = missing.parent
    if missing != folder or folder.exists():
        raise InputError(
            f"the folder {missing} does not exist",
            where=what,
            hint="check the path for a typo, or create the folder first",
        )
    try:
        folder.mkdir()
    except OSError as e:
        raise InputError(f"cannot create the folder {folder}: {e.strerror or e}", where=what,
                         hint="check permissions, or choose another path") from e
