"""Peers doing the same work, run side by side (interleaved) in the same process.

- Country detection over the BBC corpus: our `get_resolver().scan` (Aho-Corasick over folded
  text, plus the capitalisation, person-name and US-context rules) against spaCy's PhraseMatcher
  on a blank English pipeline (tokenizer only, no model) with the same surface forms
  (names, official names, aliases, demonyms, capitals), longest match kept, capitalised only.
- GDELT aggregation over the 1M-row events file: events, mentions and mean tone by action
  country and CAMEO root code, for the roots of the codes data/gdelt_map.toml maps to an
  indicator; DuckDB's CSV reader + GROUP BY against pandas (C parser, and the pyarrow parser).

The first case of each scenario is ours; the report gives peer median / our median.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bench.data import Inputs
from bench.scenarios import Case, Scenario, gdelt_rows


def _texts(inp: Inputs, quick: bool) -> list[str]:
    arts = inp.bbc_articles()
    return [f"{t}\n\n{x}" for _, t, x in (arts[:100] if quick else arts)]


def _surfaces() -> list[str]:
    from risk.countries import countries

    out: set[str] = set()
    for c in countries():
        out.update(s for s in (c.name, c.official_name, *c.aliases, *c.demonyms, c.capital, *c.capital_aliases) if s)
    return sorted(out)


def countries_cases(inp: Inputs, quick: bool) -> Iterator[Case]:
    from risk.countries import get_resolver

    texts = _texts(inp, quick)
    resolver = get_resolver()
    resolver.scan("warm-up: Venezuela")

    def ours() -> dict[str, Any]:
        return {"mentions": sum(len(resolver.scan(t)) for t in texts)}

    yield Case("country detection: risk get_resolver().scan (ours)", len(texts), "articles", ours)
    try:
        import spacy
        from spacy.matcher import PhraseMatcher
        from spacy.util import filter_spans
    except ImportError as e:
        raise RuntimeError(f"spaCy is not installed ({e}); pip install -e '.[bench]'") from e
    nlp = spacy.blank("en")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    surfaces = _surfaces()
    matcher.add("COUNTRY", list(nlp.tokenizer.pipe(surfaces)))

    def peer() -> dict[str, Any]:
        found = 0
        for doc in nlp.pipe(texts, batch_size=256):
            spans = filter_spans(matcher(doc, as_spans=True))
            found += sum(1 for s in spans if s.text[:1].isupper())
        return {"mentions": found}

    yield Case(f"country detection: spaCy {spacy.__version__} PhraseMatcher, blank('en'), "
               f"{len(surfaces):,} phrases (peer)", len(texts), "articles", peer)


def _columns() -> list[str]:
    from risk.gdelt import load_map

    return list(load_map()["columns"]["events"])


def _roots() -> list[str]:
    from risk.gdelt import load_map

    return sorted({e["code"][:2] for e in load_map()["event"]})


def gdelt_agg_cases(inp: Inputs, quick: bool) -> Iterator[Case]:
    import duckdb
    import pandas as pd

    path = str(inp.gdelt_file(gdelt_rows(quick)))
    cols, roots = _columns(), _roots()
    rows = gdelt_rows(quick)
    struct = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in cols) + "}"
    query = (
        "SELECT ActionGeo_CountryCode AS country, EventRootCode AS root, count(*) AS events,"
        " sum(CAST(NumMentions AS BIGINT)) AS mentions, avg(CAST(AvgTone AS DOUBLE)) AS tone"
        f" FROM read_csv($path, delim='\t', header=false, quote='', escape='', columns={struct},"
        " auto_detect=false) WHERE EventRootCode IN (SELECT unnest($roots::VARCHAR[]))"
        " GROUP BY ALL ORDER BY country NULLS FIRST, root"
    )
    use = ["ActionGeo_CountryCode", "EventRootCode", "NumMentions", "AvgTone"]
    results: dict[str, pd.DataFrame] = {}

    def ours() -> dict[str, Any]:
        con = duckdb.connect()
        try:
            con.execute("SET enable_progress_bar = false")
            results["duckdb"] = con.execute(query, {"path": path, "roots": roots}).df()
        finally:
            con.close()
        return {"groups": len(results["duckdb"])}

    def with_pandas(engine: str) -> dict[str, Any]:
        kw: dict[str, Any] = {"quoting": 3} if engine == "c" else {}
        idx = [cols.index(c) for c in use]
        if engine == "c":
            kw["dtype"] = {idx[0]: "string", idx[1]: "string", idx[2]: "int64", idx[3]: "float64"}
        df = pd.read_csv(path, sep="\t", header=None, usecols=sorted(idx), engine=engine, **kw)
        df.columns = [use[idx.index(i)] for i in sorted(idx)]  # both engines keep file order
        if engine == "pyarrow":  # it types columns itself: "04" arrives as 4
            df["EventRootCode"] = df["EventRootCode"].astype("string").str.zfill(2)
        df = df[df["EventRootCode"].isin(roots)]
        out = (df.groupby(["ActionGeo_CountryCode", "EventRootCode"], dropna=False, sort=False)
               .agg(events=("NumMentions", "size"), mentions=("NumMentions", "sum"), tone=("AvgTone", "mean"))
               .reset_index())
        results[engine] = out
        same = len(out) == len(results.get("duckdb", out)) and int(out["events"].sum()) == int(
            results.get("duckdb", out)["events"].sum())
        return {"groups": len(out), "same_result_as_duckdb": bool(same)}

    yield Case(f"GDELT aggregation, {rows:,} rows: DuckDB {duckdb.__version__} (ours)", rows, "rows", ours)
    yield Case(f"GDELT aggregation: pandas {pd.__version__} read_csv C engine (peer)", rows, "rows",
               lambda: with_pandas("c"))
    try:
        import pyarrow  # noqa: F401

        yield Case("GDELT aggregation: pandas read_csv pyarrow engine (peer)", rows, "rows",
                   lambda: with_pandas("pyarrow"))
    except ImportError:
        pass


PEERS: dict[str, Scenario] = {s.name: s for s in (
    Scenario("peer_countries", "country detection: ours vs spaCy PhraseMatcher", 3,
             lambda i, q: i.bbc_articles(), countries_cases),
    Scenario("peer_gdelt_agg", "GDELT aggregation: DuckDB vs pandas", 3,
             lambda i, q: i.gdelt_file(gdelt_rows(q)), gdelt_agg_cases),
)}
