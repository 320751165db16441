"""Exports that open safely in a spreadsheet.

A cell starting with = + - @ (or a tab or carriage return) is run as a formula by Excel,
LibreOffice and Google Sheets (CSV injection, OWASP); such cells get a leading apostrophe.
Every CSV the product writes goes through here.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, with text that a spreadsheet would run as a formula made inert."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells (and column names) are safe to open in a spreadsheet."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].astype(object).map(safe_cell)
    out.columns = [safe_cell(str(c)) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM, so spreadsheets pick the encoding) of a safe copy of `frame`."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")
