"""When an undated article happened: dates in its path or URL, refined by the dates it cites.

A file's mtime says when it was saved, not when the news happened, so it is never used.
In order:
  1. a full date in the path or URL (`.../2025/11/29/...`, `report_2025-11-29.txt`, `20251129`);
  2. a year and month in the path (`..._2025-11.txt`), with the day taken from the latest
     date of that month the text cites ("November 21st", "21 Nov"): news is written after the
     events it reports, so that is the earliest day the article can carry; else the 1st;
  3. a full date in the opening of the text (a dateline: "29 November 2025", "Nov. 29, 2025");
  4. nothing: the caller files the document under the ingest day.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

_MONTHS = {
    m: i
    for i, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")),
        start=1,
    )
    for m in names
}
# Capitalised only: "may 5 people" is not a date
_MONTH = r"(?P<month>" + "|".join(sorted((m.capitalize() for m in _MONTHS), key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

_PATH_FULL = re.compile(r"(?<!\d)" + _YEAR + r"[-_/.]?(?P<m>[01]\d)[-_/.]?(?P<d>[0-3]\d)(?!\d)")
_PATH_MONTH = re.compile(r"(?<!\d)" + _YEAR + r"[-_/.](?P<m>[01]\d)(?![\d])")
_CITED = (  # "November 21st, 2025" and "21 November 2025"
    re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR})?"),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b(?:,?\s+{_YEAR})?"),
)
DATELINE_CHARS = 600


def _date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _cited(text: str) -> list[tuple[int, int, int | None]]:
    """(month, day, year or None) of every date the text cites."""
    out = []
    for mt in (m for pattern in _CITED for m in pattern.finditer(text)):
        month = _MONTHS[mt.group("month").lower().rstrip(".")]
        day = int(mt.group("day"))
        year = mt.group("year")
        out.append((month, day, int(year) if year else None))
    return out


def infer_published(where: str, text: str) -> datetime | None:
    """A UTC datetime for an undated article, or None (see the module docstring)."""
    name = where.replace("\\", "/")
    for mt in _PATH_FULL.finditer(name):
        d = _date(int(mt.group("year")), int(mt.group("m")), int(mt.group("d")))
        if d is not None:
            return datetime(d.year, d.month, d.day, tzinfo=UTC)
    for mt in _PATH_MONTH.finditer(name):
        year, month = int(mt.group("year")), int(mt.group("m"))
        if not 1 <= month <= 12:
            continue
        days = [day for m, day, y in _cited(text) if m == month and y in (None, year) and _date(year, m, day)]
        return datetime(year, month, max(days) if days else 1, tzinfo=UTC)
    for month, day, year in _cited(text[:DATELINE_CHARS]):
        if year is not None and (d := _date(year, month, day)) is not None:
            return datetime(d.year, d.month, d.day, tzinfo=UTC)
    return None
