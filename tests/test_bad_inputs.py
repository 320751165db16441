"""The bad-input corpus: every kind of broken file, feed or CSV the product meets in the wild,
fed through the real CLI. Each must be answered with a message that says what went wrong,
where (file, line, URL) and what to do, and the good input of the same run must be kept.

The cases live in tests/badinput/cases.toml (one fixture file per kind); large inputs (a 10 MB
line, a million rows, a 50 MB article, an entity bomb, a 25 MB feed) are generated here into
tmp_path, and feeds that fail over HTTP come from a local server on 127.0.0.1.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from risk.cli import main
from risk.store import Store

HERE = Path(__file__).resolve().parent / "badinput"
CASES: list[dict[str, Any]] = tomllib.loads((HERE / "cases.toml").read_text(encoding="utf-8"))["case"]
GOOD_ARTICLE = HERE / "good" / "article_good.txt"
GOOD_SUPPLIERS = HERE / "good" / "suppliers_good.csv"
PORTFOLIO = "corpus"

# Known bugs in other modules, reported to the lead: (case kind, check) -> reason.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


# -- generated inputs -----------------------------------------------------------------------
def _csv_10mb_line(tmp: Path) -> Path:
    path = tmp / "ten_mb_line.csv"
    path.write_text("name,country\nGood One,Chile\n" + "X" * 10_000_000 + ",Peru\nGood Two,Peru\n", encoding="utf-8")
    return path


def _csv_1m_rows(tmp: Path) -> Path:
    path = tmp / "million_rows.csv"
    countries = ("Chile", "Peru", "DE", "FRA", "Viet Nam")
    with path.open("w", encoding="utf-8") as fh:
        fh.write("name,country,annual_spend\n")
        fh.writelines(f"Supplier {i},{countries[i % 5]},{i % 997}\n" for i in range(1_000_000))
    return path


def _article_huge(tmp: Path) -> Path:
    path = tmp / "huge_article.txt"
    line = ("Port workers extended the strike for another week, the union said. " * 8 + "\n").encode()
    with path.open("wb") as fh:
        fh.write(b"A very long article\n\n")
        for _ in range((51 << 20) // len(line) + 1):
            fh.write(line)
    return path


def _feed_entity_bomb(tmp: Path) -> Path:
    """Billion laughs: ten levels of ten-fold expansion of a tiny entity."""
    path = tmp / "entity_bomb.xml"
    levels = "".join(f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">\n' for i in range(1, 10))
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 "lol">\n' + levels + "]>\n"
                    '<rss version="2.0"><channel><title>t</title><item><title>&lol9;</title>'
                    "<description>boom</description></item></channel></rss>\n", encoding="utf-8")
    return path


GENERATORS: dict[str, Callable[[Path], Path]] = {
    "csv_10mb_line": _csv_10mb_line, "csv_1m_rows": _csv_1m_rows,
    "article_huge": _article_huge, "feed_entity_bomb": _feed_entity_bomb,
}


# -- a local feed server: errors, slowness and size on 127.0.0.1 ------------------------------
class _FeedHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path == "/error.xml":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"internal error")
        elif self.path == "/slow.xml":
            time.sleep(2.5)
            self._send(b'<rss version="2.0"><channel><title>late</title></channel></rss>')
        elif self.path == "/huge.xml":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            item = b"<item><title>Filler</title><description>" + b"x" * 4000 + b"</description></item>\n"
            try:
                self.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>\n')
                for _ in range((25 << 20) // len(item)):
                    self.wfile.write(item)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the reader hung up at its size limit, as it should
        else:
            self.send_response(404)
            self.end_headers()

    def _send(self, body: bytes) -> None:
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture(scope="module")
def feed_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FeedHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.xml"


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database already holding a good portfolio, which refused files must leave intact."""
    from risk.suppliers import import_suppliers

    path = tmp_path_factory.mktemp("corpus") / "template.duckdb"
    store = Store(path)
    store.migrate()
    assert import_suppliers(store, GOOD_SUPPLIERS, portfolio=PORTFOLIO).accepted_count == 3
    return path


# -- the one parametrised test -----------------------------------------------------------------
def _input_for(case: dict[str, Any], tmp: Path, feed_server: str) -> tuple[str, str]:
    """(argument given to the CLI, the name a message must mention)."""
    if "generate" in case:
        path = GENERATORS[case["generate"]](tmp)
        return str(path), path.name
    if "url" in case:
        url = _closed_port_url() if case["url"] == "closed" else feed_server + case["url"]
        return url, url
    path = HERE / case["file"]
    assert case.get("missing") or path.is_file(), f"fixture {path} is missing"
    return str(path), path.name


def _check(case: dict[str, Any], check: str, ok: bool, detail: str) -> None:
    reason = KNOWN_BUGS.get((case["kind"], check))
    if reason and not ok:
        pytest.xfail(reason)
    if reason and ok:
        pytest.fail(f"known bug now fixed, drop it from KNOWN_BUGS: {reason}")
    assert ok, detail


@pytest.mark.parametrize("case", CASES, ids=[c["kind"] for c in CASES])
def test_bad_input_is_explained_and_good_input_kept(
    case: dict[str, Any], tmp_path: Path, template_db: Path, feed_server: str
) -> None:
    db = tmp_path / "risk.duckdb"
    shutil.copy(template_db, db)
    arg, name = _input_for(case, tmp_path, feed_server)
    runner = CliRunner()
    env = dict(case.get("env", {}))
    extra_text = ""
    if case["command"] == "suppliers":
        rejects = tmp_path / "rejects.csv"
        result = runner.invoke(main, ["suppliers", "import", arg, "--portfolio", PORTFOLIO, "--rejects",
                                      str(rejects), "--db", str(db)], env=env)
        if rejects.exists():
            extra_text = rejects.read_text(encoding="utf-8-sig")
    else:
        result = runner.invoke(main, ["ingest", "--no-scores", arg, str(GOOD_ARTICLE), "--db", str(db)], env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        _check(case, "crash", False, "")
        raise result.exception  # a traceback is never an answer
    assert result.exit_code == case["exit"], result.output
    shown = result.stdout + result.stderr

    deferred: list[tuple[str, bool, str]] = []  # checks that known bugs fail: run last, after all others
    store = Store(db)
    with store.read() as con:
        if case["command"] == "suppliers":
            stored = con.execute("SELECT count(*) FROM suppliers WHERE portfolio = ?", [PORTFOLIO]).fetchone()[0]
            accepted = con.execute("SELECT accepted FROM portfolios WHERE name = ?", [PORTFOLIO]).fetchone()[0]
            flags = con.execute("SELECT flags FROM suppliers WHERE portfolio = ?", [PORTFOLIO]).fetchall()
            extra_text += " ".join(str(f) for row in flags for f in (row[0] or []))
            # a refused file keeps the earlier good portfolio; a partly bad one keeps its good rows
            assert stored == accepted, shown[:2000]
            deferred.append(("accepted", stored == case.get("accepted", 3),
                             f"{stored} rows kept, expected {case.get('accepted', 3)}: {shown[:2000]}"))
        else:
            titles = [r[0] for r in con.execute("SELECT title FROM documents").fetchall()]
            good = con.execute("SELECT count(*) FROM documents WHERE source = ?", [str(GOOD_ARTICLE)]).fetchone()[0]
            assert good == 1, f"the good article of the same run was not kept: {shown[:2000]}"
            assert len(titles) == 1 + case.get("extra", 0), titles
            for title in case.get("titles", []):
                assert title in titles
            sentences = [r[0] for r in con.execute("SELECT sentence FROM signals").fetchall()]
            for bad in case.get("forbidden", []):
                assert not any(bad in t for t in titles + sentences), bad

    text = (shown + " " + extra_text).lower()
    missing = [f"{part}: {fragment!r}" for part in ("what", "where", "do") for fragment in
               (f.replace("{file}", name).lower() for f in case.get(part, [])) if fragment not in text]
    missing += [f"neutralised: {cell!r}" for cell in case.get("neutralised", [])
                if cell not in extra_text or f",{cell[1:]}" in extra_text]
    deferred.append(("message", not missing, f"{missing} not in the message:\n{shown[:3000]}"))
    if "max_output" in case:
        deferred.append(("max_output", len(shown) <= case["max_output"],
                         f"{len(shown):,} characters of output for one bad row"))
    if case.get("clean_reason"):
        deferred.append(("clean_reason", "nan" not in shown.lower(), f"reason shows 'nan': {shown}"))
    for check, ok, detail in deferred:
        _check(case, check, ok, detail)


def test_corpus_is_big_enough() -> None:
    kinds = {c["kind"] for c in CASES}
    assert len(kinds) == len(CASES) >= 30
    committed = {c["file"] for c in CASES if "file" in c and not c.get("missing")}
    assert committed <= {p.name for p in HERE.iterdir() if p.is_file()}
