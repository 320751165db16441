"""Benchmark inputs: real data from ../shared/realdata, replicated into bench/.cache/.

The real data is read-only and some of it may not be copied into the project, so everything
generated here lives in the git-ignored cache dir and is rebuilt when missing:

- the BBC corpus (2,225 articles) as one .txt per article (title on the first line);
- the GDELT 2.0 events sample (100 rows) replicated to N rows: GLOBALEVENTID made unique and
  DATEADDED spread over the last 365 days, so the file is also a year of history;
- the factory lists (~950 real rows) replicated to N rows: replica k > 0 gets " #k" after the
  name (so rows are distinct); a seeded `annual_spend` and `criticality` column is added so
  exposure runs its spend-weighted path;
- the GKG 2.1 sample (100 rows), one copy per day of the last year (unique record ids);
- a news stream (.jsonl): the BBC articles and the real feed items, dated over the last year;
- databases: `year` (reference data, a year of news, GDELT events and GKG signals, scores stored) and
  `pages` (the same plus a 10,000-supplier portfolio).

Files that depend on today's date carry it in their name, so a new day rebuilds them.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench import cache_dir, realdata_dir

PAGES_PORTFOLIO = "bench-10k"
DAYS = 365
MAPPED_EVERY = 33
"""One replicated GDELT row in this many carries a mapped CAMEO code (about 3%)."""
MAPPED_CODES = ("163", "191", "0233", "1312", "174", "085", "1381", "0872")
"""Codes mapped in data/gdelt_map.toml: sanctions, blockade, humanitarian aid appeals, ..."""


class MissingData(RuntimeError):
    """The real data this input needs is not there; the scenario reports 'not available'."""


class Inputs:
    """Builds (once) and locates every benchmark input under one cache dir."""

    def __init__(self, root: Path | None = None, realdata: Path | None = None, today: date | None = None) -> None:
        self.root = Path(root or cache_dir())
        self.real = Path(realdata or realdata_dir())
        self.today = today or datetime.now(UTC).date()
        self.root.mkdir(parents=True, exist_ok=True)

    def _real(self, rel: str) -> Path:
        path = self.real / rel
        if not path.exists():
            raise MissingData(f"real data not found: {path}")
        return path

    # -- BBC corpus -------------------------------------------------------------------
    def bbc_articles(self) -> list[tuple[str, str, str]]:
        """(category/file, title, text) of every BBC article."""
        src = self._real("news_corpus/bbc_fulltext_2225_assembled.csv.gz")
        with gzip.open(src, "rt", encoding="utf-8", newline="") as fh:
            return [(f"{r['category']}/{r['file']}", r["title"].strip(), r["text"].strip())
                    for r in csv.DictReader(fh)]

    def bbc_dir(self) -> Path:
        """A folder of 2,225 .txt articles (first line the title) for `risk extract DIR`."""
        out = self.root / "bbc_txt"
        done = out / ".complete"
        if done.exists():
            return out
        articles = self.bbc_articles()
        for key, title, text in articles:
            path = out / (key if key.endswith(".txt") else key + ".txt")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"{title}\n\n{text}\n", encoding="utf-8")
        done.write_text(str(len(articles)))
        return out

    # -- GDELT ------------------------------------------------------------------------
    def gdelt_file(self, rows: int = 1_000_000) -> Path:
        """The 100-row events sample replicated to `rows` rows (unique ids, a year of dates).

        The sample carries none of the CAMEO codes mapped to an indicator, so one replicated row in
        MAPPED_EVERY gets one of the mapped codes (sanctions, blockade, refugees, ...) instead of
        its own: about the share such events have in a real day of GDELT, so the benchmark
        stores signals and times the whole path, not only the skipping.
        """
        out = self.root / "gdelt" / f"bench_{rows}_{self.today:%Y%m%d}_mapped.export.CSV"
        if out.exists():
            return out
        src = self._real("gdelt/spark-gdelt_events.csv")
        lines = [ln for ln in src.read_text(encoding="utf-8").splitlines() if ln.strip()]
        parts = []
        for ln in lines:
            f = ln.split("\t")
            if len(f) != 61:
                raise MissingData(f"{src}: expected 61 tab-separated columns, found {len(f)}")
            parts.append(("\t".join(f[1:59]), f[59][8:] or "000000", f[60]))
        mapped = []
        for k, (mid, hms, url) in enumerate(parts):
            f = mid.split("\t")  # f[25:28] = EventCode, EventBaseCode, EventRootCode
            code = MAPPED_CODES[k % len(MAPPED_CODES)]
            f[25], f[26], f[27] = code, code[:3], code[:2]
            mapped.append(("\t".join(f), hms, url))
        days = [(self.today - timedelta(days=d)).strftime("%Y%m%d") for d in range(DAYS)]
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".part")
        n = len(parts)
        with tmp.open("w", encoding="utf-8", newline="\n") as fh:
            for k in range((rows + n - 1) // n):
                day = days[k % DAYS]
                base = 600_000_000 + k * n
                chunk = [f"{base + i}\t{mid}\t{day}{hms}\t{url}\n" for i, (mid, hms, url) in
                         enumerate(mapped[j] if (base + j) % MAPPED_EVERY == 0 else parts[j] for j in range(n))]
                fh.write("".join(chunk[: rows - k * n]))
        tmp.replace(out)
        return out

    def gkg_file(self, copies: int = DAYS) -> Path:
        """The 100-row GKG 2.1 sample, one copy per day of the last year (unique record ids).

        The events sample carries none of the CAMEO codes mapped to an indicator (all its rows
        are skipped as 'not mapped'), so the year of GDELT signals comes from the GKG themes.
        """
        out = self.root / "gdelt" / f"bench_gkg_{copies}_{self.today:%Y%m%d}.gkg.csv"
        if out.exists():
            return out
        src = self._real("gdelt/spark-gdelt_gkg.csv")
        rows = [ln.split("\t", 2) for ln in src.read_text(encoding="utf-8").splitlines() if ln.strip()]
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".part")
        with tmp.open("w", encoding="utf-8", newline="\n") as fh:
            for k in range(copies):
                day = (self.today - timedelta(days=k % DAYS)).strftime("%Y%m%d")
                fh.write("".join(f"{day}000000-{k * len(rows) + i}\t{day}{r[1][8:14]}\t{r[2]}\n"
                                 for i, r in enumerate(rows)))
        tmp.replace(out)
        return out

    # -- suppliers --------------------------------------------------------------------
    def supplier_rows(self) -> list[dict[str, str]]:
        """The real factory lists' rows (country, name, address) in file order."""
        folder = self._real("suppliers/oar_facility_lists")
        files = sorted(folder.glob("*.csv"), key=lambda p: (len(p.stem), p.stem))
        if not files:
            raise MissingData(f"no factory lists in {folder}")
        rows: list[dict[str, str]] = []
        for path in files:
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("cp1252", errors="replace")
            for r in csv.DictReader(io.StringIO(text, newline="")):
                r = {(k or "").strip().lower(): (v or "") for k, v in r.items()}
                if r.get("name", "").strip():
                    rows.append({"country": r.get("country", ""), "name": r["name"], "address": r.get("address", "")})
        return rows

    def suppliers_csv(self, rows: int) -> Path:
        """The factory lists replicated to `rows` rows, with seeded spend and criticality."""
        out = self.root / "suppliers" / f"suppliers_{rows}.csv"
        if out.exists():
            return out
        real = self.supplier_rows()
        rng = random.Random(20251126)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".part")
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["country", "name", "address", "annual_spend", "criticality"])
            for i in range(rows):
                k, r = divmod(i, len(real))
                src = real[r]
                name = src["name"] if k == 0 else f"{src['name']} #{k}"
                w.writerow([src["country"], name, src["address"],
                            round(rng.lognormvariate(12, 1.2)), rng.choice("12333345")])
        tmp.replace(out)
        return out

    # -- news stream over a year --------------------------------------------------------
    def feed_items(self) -> list[dict[str, str]]:
        folder = self._real("rss_feed_archive")
        items = []
        for path in sorted(folder.glob("*.json")):
            for it in json.loads(path.read_text(encoding="utf-8")):
                if isinstance(it, dict) and it.get("title"):
                    items.append({"title": it["title"], "description": it.get("description") or "",
                                  "link": it.get("link") or ""})
        return items

    def news_jsonl(self) -> Path:
        """BBC articles and real feed items as one .jsonl stream, dated over the last year."""
        out = self.root / "news" / f"year_news_{self.today:%Y%m%d}.jsonl"
        if out.exists():
            return out
        docs = [{"title": t, "text": x} for _, t, x in self.bbc_articles()]
        docs += [{"title": it["title"], "description": it["description"], "link": it["link"]}
                 for it in self.feed_items()]
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as fh:
            for i, d in enumerate(docs):
                day = self.today - timedelta(days=(i * 7) % DAYS)
                d["published"] = f"{day.isoformat()}T12:00:00Z"
                fh.write(json.dumps(d) + "\n")
        return out

    # -- databases ----------------------------------------------------------------------
    def year_db(self) -> Path:
        """Reference data, a year of news and GDELT signals, scores stored (full window)."""
        out = self.root / "db" / f"year_{self.today:%Y%m%d}.duckdb"
        if out.exists():
            return out
        from risk import bootstrap
        from risk.ingest import ingest
        from risk.scoring import recompute
        from risk.settings import load_settings
        from risk.store import Store

        news, gdelt, gkg = self.news_jsonl(), self.gdelt_file(), self.gkg_file()
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.stem + ".part.duckdb")
        tmp.unlink(missing_ok=True)
        settings = load_settings(db=tmp)
        store = Store(tmp)
        bootstrap.initialise(store, settings, seed=False)
        ingest(store, settings, [news, gdelt, gkg], recompute_scores=False, today=self.today)
        recompute(store, settings, since=None, today=self.today)
        tmp.replace(out)
        return out

    def pages_db(self) -> Path:
        """The year database plus a 10,000-supplier portfolio (the only one)."""
        out = self.root / "db" / f"pages_{self.today:%Y%m%d}.duckdb"
        if out.exists():
            return out
        from risk.store import Store
        from risk.suppliers import import_suppliers

        tmp = self.copy_db(self.year_db(), out.with_name(out.stem + ".part.duckdb"))
        import_suppliers(Store(tmp), self.suppliers_csv(10_000), portfolio=PAGES_PORTFOLIO)
        tmp.replace(out)
        return out

    def copy_db(self, src: Path, dst: Path) -> Path:
        dst.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", ".wal"):
            target = Path(str(dst) + suffix)
            target.unlink(missing_ok=True)
            if Path(str(src) + suffix).exists():
                shutil.copyfile(str(src) + suffix, target)
        return dst

    def scratch(self, name: str) -> Path:
        """A fresh scratch folder under the cache (emptied first)."""
        path = self.root / "tmp" / name
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path
