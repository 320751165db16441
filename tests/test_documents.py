"""Reading sources into Documents: real articles and feed items, and every kind of bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from risk.documents import GdeltFile, iter_sources, read_file
from risk.errors import IngestError
from risk.models import Document
from risk.sourcetext import parse_date, strip_chrome


def _docs(items: list[object]) -> list[Document]:
    return [i for i in items if isinstance(i, Document)]


def _errors(items: list[object]) -> list[IngestError]:
    return [i for i in items if isinstance(i, IngestError)]


def test_seed_article_title_and_chrome(realdata: Path) -> None:
    items = list(iter_sources([realdata / "seed_article_venezuela_2025-11.txt"]))
    (doc,) = _docs(items)
    assert doc.title == "Trump & Maduro: Secret Call, Week to Leave Power Revealed"
    assert "closure of Venezuelan airspace by Washington" in doc.text
    assert "neighboring countries like Colombia and Brazil" in doc.text
    for chrome in ("Home »", "Leave a Comment", "Akismet", "Adblock Detected", "AdBlocker",
                   "You may also like", "Share your thoughts in the comments", "by James Carter"):
        assert chrome not in doc.text, chrome
    # No date line: the file name gives 2025-11 and the latest November day it cites is the 21st.
    assert doc.published is not None and doc.published.date().isoformat() == "2025-11-21"


def test_rss_archive_lists_load_with_dates(realdata: Path) -> None:
    files = sorted((realdata / "rss_feed_archive").glob("*.json"))
    expected = sum(len(json.loads(f.read_text(encoding="utf-8"))) for f in files)
    items = list(iter_sources([realdata / "rss_feed_archive"]))
    docs = _docs(items)
    assert not _errors(items)
    assert len(docs) == expected
    assert all(d.published is not None and d.published.tzinfo is not None for d in docs)
    assert all(d.url and d.url.startswith("http") for d in docs)
    assert not any("<" in d.text and ">" in d.text for d in docs)  # HTML descriptions flattened
    assert not any("&#039;" in d.text for d in docs)
    niger = [d for d in docs if d.title.lower().startswith("niger closes airspace")]
    assert niger and niger[0].published.year == 2023  # type: ignore[union-attr]


def test_chrome_rules_are_general() -> None:
    page = [
        "Skip to content", "World", "Politics » Europe » Elections",
        "Storm closes ports along the coast",
        "By Ana Pereira, Staff Writer",
        "Port authorities suspended operations at three harbours on Tuesday as the storm made landfall.",
        "Ships were diverted to the south, and cargo handlers expect delays of up to a week.",
        "We use cookies to improve your experience. Accept all cookies",
        "Related Posts", "Subscribe", "Contact us",
    ]
    out = strip_chrome(page)
    assert out[0] == "Storm closes ports along the coast"
    assert len(out) == 3
    assert not any(w in " ".join(out) for w in ("cookies", "Related", "Subscribe", "Ana Pereira"))


def test_html_article_through_trafilatura(tmp_path: Path) -> None:
    body = " ".join(["The government closed the border crossing after clashes near the river."] * 6)
    html = (f"<html><head><title>Border closed after clashes</title></head><body><nav><a>Home</a>"
            f"<a>World</a></nav><article><h1>Border closed after clashes</h1><p>{body}</p>"
            f"<p>{body}</p></article><footer>Cookie settings | Privacy policy</footer></body></html>")
    (tmp_path / "a.html").write_text(html, encoding="utf-8")
    (doc,) = _docs(list(iter_sources([tmp_path / "a.html"])))
    assert "Border closed" in doc.title
    assert "closed the border crossing" in doc.text and "Privacy" not in doc.text


def test_jsonl_and_json_items(tmp_path: Path) -> None:
    (tmp_path / "items.jsonl").write_text(
        '{"title": "One", "content": "Body one.", "url": "https://x/1", "published": "Tue, 05 Dec 2023 10:00:00 GMT"}\n'
        "not json\n"
        '{"title": "Two", "summary": "<p>Body &amp; two</p>", "date_published": "2023-12-06T08:00:00Z"}\n',
        encoding="utf-8")
    items = list(iter_sources([tmp_path / "items.jsonl"]))
    docs, errs = _docs(items), _errors(items)
    assert [d.title for d in docs] == ["One", "Two"]
    assert docs[1].text == "Body & two"
    assert docs[0].published == datetime(2023, 12, 5, 10, tzinfo=UTC)
    assert len(errs) == 1 and "line 2" in errs[0].message


def test_folder_recursive_skips_readme(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text("# Title A\n\nSome body text about ports.\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("About this folder\n", encoding="utf-8")
    docs = _docs(list(iter_sources([tmp_path])))
    assert [d.title for d in docs] == ["# Title A"] or [d.title for d in docs] == ["Title A"]


def test_gdelt_sample_sniffed_without_export_name(realdata: Path) -> None:
    items = list(read_file(realdata / "gdelt" / "spark-gdelt_events.csv"))
    assert items == [GdeltFile(realdata / "gdelt" / "spark-gdelt_events.csv", "events")]
    (gkg,) = list(read_file(realdata / "gdelt" / "spark-gdelt_gkg.csv"))
    assert isinstance(gkg, GdeltFile) and gkg.kind == "gkg"


BAD = {
    "empty.txt": (b"", "empty"),
    "blob.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    "broken.json": (b'[{"title": "a",', "not valid JSON"),
    "shape.json": (b'{"foo": 1}', "neither a list"),
    "noitem.json": (b'[{"link": "https://x"}]', "neither a title nor a body"),
    "bad.xml": (b"<?xml version='1.0'?><rss><channel><item><title>x</item></rss", "malformed feed XML"),
    "page.xml": (b"<!DOCTYPE html><html><body>Not a feed</body></html>", "HTML page, not an RSS"),
    "bomb.xml": (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
                 b"<rss><channel><item><title>&lol2;</title></item></channel></rss>", "entities"),
    "table.csv": (b"a,b,c\n1,2,3\n", "not a GDELT"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_reported_and_good_files_kept(tmp_path: Path, name: str) -> None:
    data, words = BAD[name]
    (tmp_path / name).write_bytes(data)
    (tmp_path / "good.txt").write_text("Good headline\n\nA perfectly fine body sentence here.\n",
                                       encoding="utf-8")
    items = list(iter_sources([tmp_path]))
    errs = _errors(items)
    assert len(errs) == 1, [e.message for e in errs]
    assert words in errs[0].message and name in errs[0].message
    assert [d.title for d in _docs(items)] == ["Good headline"]


def test_latin1_is_decoded_and_huge_refused(tmp_path: Path) -> None:
    (tmp_path / "l1.txt").write_bytes("Café news\n\nLe président a fermé la frontière à Genève.\n".encode("latin-1"))
    (doc,) = _docs(list(iter_sources([tmp_path / "l1.txt"])))
    assert doc.title == "Café news" and "président" in doc.text
    (err,) = list(read_file(tmp_path / "l1.txt", max_bytes=10))
    assert isinstance(err, IngestError) and "limit" in err.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2023-12-18T23:31:43+00:00", datetime(2023, 12, 18, 23, 31, 43, tzinfo=UTC)),
     ("Mon, 18 Dec 2023 23:31:43 GMT", datetime(2023, 12, 18, 23, 31, 43, tzinfo=UTC)),
     ("2023-12-18T23:31:43Z", datetime(2023, 12, 18, 23, 31, 43, tzinfo=UTC)),
     ("yesterday-ish", None), (None, None)],
)
def test_parse_date(value: str | None, expected: datetime | None) -> None:
    assert parse_date(value) == expected
