"""One error tree for the whole library.

    RiskError                 anything the product reports to a user
     +-- ConfigError          risk.toml / RISK_* settings are wrong
     +-- StoreError           the database cannot be opened, migrated or written
     |    +-- StoreBusyError  another process held the file for longer than the retry budget
     +-- InputError           a file, feed, CSV row or argument cannot be used
     |    +-- SupplierFileError   a supplier CSV that cannot be used at all
     +-- IngestError          a source failed while being read or fetched
     +-- ReportError          a PDF snapshot could not be produced or delivered

Every message says what went wrong, where (file, line, key, value) and what to do next.
CLI and pages turn these into a one-line message; nothing else should reach a user.
"""

from __future__ import annotations


class RiskError(Exception):
    """Base of every error the product reports to a user."""

    exit_code: int = 1

    def __init__(self, what: str, *, where: str | None = None, hint: str | None = None) -> None:
        self.what = what
        self.where = where
        self.hint = hint
        super().__init__(self.message)

    @property
    def message(self) -> str:
        parts = []
        if self.where:
            parts.append(f"{self.where}: {self.what}")
        else:
            parts.append(self.what)
        if self.hint:
            parts.append(self.hint)
        return ". ".join(p.rstrip(".") for p in parts) + "."


class ConfigError(RiskError):
    exit_code = 2


class StoreError(RiskError):
    exit_code = 3


class StoreBusyError(StoreError):
    exit_code = 4


class InputError(RiskError):
    exit_code = 2


class SupplierFileError(InputError):
    pass


class IngestError(RiskError):
    exit_code = 5


class ReportError(RiskError):
    exit_code = 6
