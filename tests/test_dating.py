"""Undated articles are dated from their path or URL and the dates they cite, never from mtime."""

from __future__ import annotations

from datetime import date

import pytest

from risk.dating import infer_published


@pytest.mark.parametrize(
    "where,text,expected",
    [
        ("https://news.example/world/2023/08/06/airspace-closed", "", date(2023, 8, 6)),
        ("archive/report_20240131.txt", "", date(2024, 1, 31)),
        ("briefs/2024-02-14-red-sea.md", "", date(2024, 2, 14)),
        # year and month from the path, day from the latest date of that month the text cites
        ("notes/ports_2024-03.txt", "Strikes began on March 3rd and spread on 12 March.", date(2024, 3, 12)),
        ("notes/ports_2024-03.txt", "Nothing cites a day here.", date(2024, 3, 1)),
        ("notes/ports_2024-03.txt", "Talks on April 9 and Feb. 2 are other months.", date(2024, 3, 1)),
        # a dateline in the opening of the text
        ("a.txt", "GENEVA, 29 November 2025 - Flights were suspended.", date(2025, 11, 29)),
        ("a.txt", "Posted Nov. 4, 2025. The border closed.", date(2025, 11, 4)),
    ],
)
def test_dates_are_inferred(where: str, text: str, expected: date) -> None:
    found = infer_published(where, text)
    assert found is not None and found.date() == expected


@pytest.mark.parametrize(
    "where,text",
    [
        ("a.txt", "No date at all, though it may 5 people."),
        ("a.txt", "The 1990s saw 2000 refugees."),
        ("folder/a.txt", "It was on March 3 that the port closed (no year anywhere)."),
        ("ids/20241399.txt", ""),  # not a real date
    ],
)
def test_no_date_when_nothing_says_one(where: str, text: str) -> None:
    assert infer_published(where, text) is None
