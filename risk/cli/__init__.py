"""The `risk` command: thin faces over the library.

Each submodule of this package registers its commands on `main`; a command parses
options, calls one library function and prints what came back. Library errors
(`RiskError`) become one message on stderr and a non-zero exit code.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click

from risk.cli.common import RiskGroup


@click.group(cls=RiskGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="regional-risk")
def main() -> None:
    """Regional-risk: per-country risk from news, supplier exposure and contingency plans."""


for _mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _mod.name != "common":
        importlib.import_module(f"{__name__}.{_mod.name}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
