"""Helpers shared by the scoring tests: countries, baselines and signals put straight in a store."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from risk.store import Store


def load_countries(store: Store) -> None:
    """The countries table, as `risk init` fills it."""
    from risk.bootstrap import _country_rows
    from risk.store.reference import country_count, replace_countries

    with store.transaction() as con:
        if country_count(con) == 0:
            replace_countries(con, _country_rows())


def add_signals(store: Store, rows: Iterable[dict[str, Any]]) -> None:
    """Signals (and a document per document_id) as the ingest would store them, in bulk."""
    sigs, docs = [], {}
    for r in rows:
        doc = r.get("document_id", "doc-" + r["story_id"])
        docs.setdefault(doc, {"id": doc, "source": r.get("source", "test-feed"), "item": None,
                              "url": r.get("url"), "title": r.get("title", "A title"),
                              "published": pd.Timestamp(r["day"]), "kind": "article",
                              "story_id": r["story_id"]})
        sigs.append({"document_id": doc, "story_id": r["story_id"], "country": r["country"],
                     "indicator": r["indicator"], "role": r.get("role", "affected"),
                     "weight": float(r["weight"]), "modality": r.get("modality", "asserted"),
                     "sentence": r.get("sentence", "A sentence."), "trigger": r.get("trigger", ""),
                     "method": "test", "day": pd.Timestamp(r["day"])})
    with store.transaction() as con:
        known = {row[0] for row in con.execute("SELECT id FROM documents").fetchall()}
        new_docs = pd.DataFrame([d for k, d in docs.items() if k not in known])
        if not new_docs.empty:
            con.register("new_docs", new_docs)
            con.execute("INSERT INTO documents (id, source, item, url, title, published, kind, story_id)"
                        " SELECT id, source, CAST(item AS VARCHAR), CAST(url AS VARCHAR), title,"
                        " published, kind, story_id FROM new_docs")
            con.unregister("new_docs")
        con.register("new_sigs", pd.DataFrame(sigs))
        con.execute("INSERT INTO signals SELECT document_id, story_id, country, indicator, role, weight,"
                    " modality, sentence, trigger, method, CAST(day AS DATE) FROM new_sigs")
        con.unregister("new_sigs")
