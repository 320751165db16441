"""The extractor on real, third-party news (../shared/realdata; read in place, never copied)."""

from __future__ import annotations

import csv
import gzip
import json
from collections import defaultdict
from pathlib import Path

import pytest

from risk.extract import extract
from risk.models import Document, Signal

pytestmark = pytest.mark.realdata


def totals(sigs: list[Signal]) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = defaultdict(float)
    for s in sigs:
        out[(s.country, s.indicator)] += s.weight
    return out


def raised_countries(sigs: list[Signal]) -> set[str]:
    return {c for (c, _i), w in totals(sigs).items() if w > 0}


def test_seed_article(realdata: Path) -> None:
    path = realdata / "seed_article_venezuela_2025-11.txt"
    text = path.read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    sigs = extract(Document(id="seed", source=str(path), title=title, text=body))
    t = totals(sigs)
    for key in [("VEN", "airspace_disruption"), ("VEN", "sanctions_exposure"), ("VEN", "migration_pressure"),
                ("COL", "migration_pressure"), ("BRA", "migration_pressure")]:
        assert t.get(key, 0) > 0, key
    assert not raised_countries(sigs) & {"USA", "CHN", "RUS", "CUB", "ARG", "MEX"}
    chrome = ("Leave a Comment", "Adblock Detected", "You may also like", "Akismet", "AdBlocker")
    assert not any(c in s.sentence for s in sigs for c in chrome)


def _feed_items(realdata: Path) -> list[tuple[str, Document]]:
    out = []
    for f in sorted((realdata / "rss_feed_archive").glob("*.json")):
        for n, it in enumerate(json.loads(f.read_text(encoding="utf-8"))):
            out.append((it["title"], Document(id=f"{f.name}#{n}", source=str(f), item=it.get("link"),
                                              title=it["title"], text=it.get("description") or "")))
    return out


def test_feed_niger_airspace(realdata: Path) -> None:
    docs = [d for title, d in _feed_items(realdata) if title.startswith("Niger closes airspace")]
    assert docs
    assert totals(extract(docs[0])).get(("NER", "airspace_disruption"), 0) > 0


def test_feed_red_sea_hits_trade_not_shipping_lines_home(realdata: Path) -> None:
    red_sea = [d for title, d in _feed_items(realdata) if "Red Sea" in title + d.text]
    assert len(red_sea) >= 4
    trade = defaultdict(float)
    for d in red_sea:
        for (c, i), w in totals(extract(d)).items():
            if i == "trade_disruption":
                trade[c] += w
    hit = {c for c, w in trade.items() if w > 0}
    assert {"EGY", "YEM"} <= hit
    assert not hit & {"DNK", "CHE", "ITA", "FRA", "DEU", "NOR", "GBR", "USA"}


def test_bbc_sport_and_entertainment_raise_almost_nothing(realdata: Path) -> None:
    path = realdata / "news_corpus" / "bbc_fulltext_2225_assembled.csv.gz"
    if not path.exists():
        pytest.skip(f"{path} not found")
    n = fired = 0
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["category"] not in ("sport", "entertainment"):
                continue
            n += 1
            doc = Document(id=row["file"], source=row["file"], title=row["title"], text=row["text"])
            fired += bool(raised_countries(extract(doc)))
    assert n > 800
    assert fired <= n / 100
