"""Fuzzing: the supplier CSV importer, the signal extractor and the document/feed readers never
crash with anything but the library's own errors (RiskError), and never hang (a hypothesis
deadline bounds the time per input). Inputs mix random bytes with near-valid files built from
the real vocabulary (header variants, country names, trigger words), so the deep paths run too.
"""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from risk import INDICATORS
from risk.documents import make_document, read_file
from risk.errors import IngestError, RiskError
from risk.extract import extract
from risk.feeds import parse_feed
from risk.models import Document, Signal
from risk.suppliers import HEADER_ALIASES, read_suppliers

# Bounded time per input: generous, because CI machines here are small and shared.
FUZZ = settings(max_examples=60, deadline=timedelta(seconds=5),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

COUNTRY_WORDS = ["Venezuela", "Colombia", "Niger", "Nigeria", "Chile", "DE", "FRA", "Viet Nam", "Korea", "Georgia",
                 "Turkey", "Chad", "Jordan", "Congo", "U.S.", "UK", "Atlantis", "", " ", "=1+2", "Côte d'Ivoire"]
NEWS_WORDS = ["airspace", "closed", "flights", "suspended", "reopened", "sanctions", "imposed", "lifted", "fled",
              "migrants", "border", "port", "strike", "blocked", "tariffs", "not", "may", "could", "if", "no",
              "Red Sea", "Suez Canal", "Houthis", "refugees", "exports", "banned", "UEFA", "bird migration",
              "the", "government", "of", "in", "on", "said", ".", ",", ";", "\n", "\n\n", "!", "?", "«", "—"]


def _cell() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=30),
        st.sampled_from(COUNTRY_WORDS),
        st.from_regex(r"-?\d{1,7}([.,]\d{1,3})?", fullmatch=True),
        st.sampled_from(["=SUM(A1)", "+1", "-1", "@x", '"quoted, with comma"', '"multi\nline"', "NaN", "1e999",
                         "yes", "no", "high", "91.5", "-181", "\x00", "\ufeff", "\r"]),
    )


@st.composite
def supplier_csvs(draw: st.DrawFn) -> bytes:
    """A CSV that may well be valid: header variants, any separator, odd cells, any encoding."""
    aliases = [variants[draw(st.integers(0, len(variants) - 1))] for variants in HEADER_ALIASES.values()]
    header = draw(st.lists(st.sampled_from(aliases + ["notes", "", "name"]), min_size=1, max_size=7))
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    rows = draw(st.lists(st.lists(_cell(), min_size=0, max_size=len(header) + 2), max_size=25))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(sep.join(r) for r in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
    return text.encode(encoding, errors="replace")


def _check_import(raw: bytes) -> None:
    try:
        result = read_suppliers(raw, name="fuzz.csv")
    except RiskError as e:
        assert e.message and "fuzz.csv" in e.message  # says where
        return
    assert len(result.accepted) + len(result.rejects) >= 1
    assert (result.accepted["line"] >= 2).all() and (result.rejects["line"] >= 1).all()
    assert result.accepted["name"].map(lambda n: isinstance(n, str) and n.strip() != "").all()
    assert result.rejects["reason"].map(lambda r: isinstance(r, str) and len(r) > 0).all()


@FUZZ
@given(supplier_csvs())
def test_csv_importer_never_crashes_on_near_valid_files(raw: bytes) -> None:
    _check_import(raw)


@FUZZ
@example(b"name,country\n=1+2,Chile\n" + b"x" * 5000 + b",Peru\n")
@given(st.binary(max_size=3000))
def test_csv_importer_never_crashes_on_random_bytes(raw: bytes) -> None:
    _check_import(raw)


@st.composite
def news_texts(draw: st.DrawFn) -> str:
    words = st.one_of(st.sampled_from(NEWS_WORDS), st.sampled_from(COUNTRY_WORDS), st.text(max_size=12))
    return " ".join(draw(st.lists(words, max_size=120)))


def _check_signals(doc: Document, signals: list[Signal]) -> None:
    for s in signals:
        assert isinstance(s, Signal)
        assert s.indicator in INDICATORS and len(s.country) == 3 and s.country.isupper()
        assert math.isfinite(s.weight) and -5 <= s.weight <= 5
        assert s.sentence.strip()


@FUZZ
@given(title=st.one_of(news_texts(), st.text(max_size=80)), text=st.one_of(news_texts(), st.text(max_size=2000)))
def test_extractor_never_crashes(title: str, text: str) -> None:
    doc = make_document(source="fuzz", title=title, text=text)
    _check_signals(doc, extract(doc))


@FUZZ
@given(raw=st.binary(max_size=4000), ext=st.sampled_from([".txt", ".md", ".html", ".json", ".jsonl", ".xml",
                                                            ".csv", ".export.CSV", ".gkg.csv", ""]))
def test_document_reader_yields_documents_or_errors(raw: bytes, ext: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"input{ext}"
    path.write_bytes(raw)
    for item in read_file(path):
        assert isinstance(item, (Document, RiskError)) or type(item).__name__ == "GdeltFile"
        if isinstance(item, RiskError):
            assert str(path) in item.message


@FUZZ
@given(st.one_of(st.binary(max_size=3000), st.text(max_size=2000).map(lambda t: (
    '<?xml version="1.0"?><rss version="2.0"><channel><item><title>' + t + "</title></item></channel></rss>"
).encode("utf-8", errors="replace"))))
def test_feed_parser_raises_only_ingest_errors(raw: bytes) -> None:
    try:
        for item in parse_feed(raw, source="fuzz-feed"):
            assert isinstance(item, (Document, IngestError))
    except IngestError as e:
        assert "fuzz-feed" in e.message



@settings(max_examples=5, deadline=timedelta(seconds=30), suppress_health_check=[HealthCheck.too_slow])
@given(sentence=news_texts(), repeat=st.integers(min_value=100, max_value=800))
def test_extractor_is_not_slow_on_long_documents(sentence: str, repeat: int) -> None:
    """Long documents (hundreds of sentences, up to about a megabyte) finish within the deadline: no blow-up."""
    text = " ".join(f"{sentence} {i}." for i in range(repeat))
    doc = make_document(source="fuzz-long", title=sentence[:80], text=text)
    _check_signals(doc, extract(doc))
