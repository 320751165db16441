"""Turning raw source bytes into clean article text: decoding, HTML snippets, page chrome, dates.

Page chrome is removed with general rules, not one site's strings:
- a boilerplate phrase list (data/boilerplate.txt): "Leave a Comment", cookie notices, ad-block
  pleas, share buttons...;
- breadcrumbs ("Home » News » ...": segments joined by », ›, > or |, led by Home/News);
- bylines ("By Jane Doe, Senior Editor": a short line starting "by" without sentence punctuation);
- in the head and tail of the page (before the first and after the last paragraph-like line),
  short lines without sentence punctuation: menus, section names, "You may also like".
"""

from __future__ import annotations

import email.utils
import html
import re
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from risk.errors import IngestError

DATA = Path(__file__).resolve().parent.parent / "data"

_BREADCRUMB_SEP = re.compile(r"\s(?:»|›|>|\||/|→)\s")
_BYLINE = re.compile(r"^\s*(?:by|written by|posted by|author:)\s+\S", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…:;\"”’)]\s*$")
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t\u00a0]+")


@lru_cache(maxsize=1)
def boilerplate_phrases() -> tuple[str, ...]:
    path = DATA / "boilerplate.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(ln.strip().lower() for ln in lines if ln.strip() and not ln.startswith("#"))


def decode_bytes(raw: bytes, *, where: str) -> str:
    """UTF-8 (with or without BOM) or, failing that, the encoding charset-normalizer detects."""
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("this is a binary file, not text", where=where,
                          hint="give .txt, .md, .html, .json, .jsonl, feed or GDELT files")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:1_000_000]).best()
    if best is None:
        raise IngestError("the text is not UTF-8 and its encoding could not be recognised",
                          where=where, hint="re-save the file as UTF-8")
    return raw.decode(best.encoding, errors="replace")


def html_to_text(snippet: str) -> str:
    """Plain text of a short HTML fragment (feed descriptions): tags dropped, entities decoded."""
    if "<" in snippet:
        snippet = re.sub(r"(?i)<br\s*/?>|</p>|</li>|</div>", "\n", snippet)
        snippet = _TAG.sub(" ", snippet)
    text = html.unescape(snippet)
    lines = (_SPACE.sub(" ", ln).strip() for ln in text.splitlines())
    return "\n".join(ln for ln in lines if ln)


_SENTENCE_END_CHARS = frozenset(".!?…:;\"”’)")
"""What _SENTENCE_END matches, tested on the last non-space character: a regex search ending
in `$` tries every position of the line, and this runs on every line of every article."""


def _is_sentence(line: str) -> bool:
    end = line.rstrip()[-1:]
    return end != "" and end in _SENTENCE_END_CHARS and len(line.split(None, 4)) >= 4


def _is_paragraph(line: str) -> bool:
    """Body text: a long line, or a sentence of some length."""
    words = len(line.split(None, 25))  # min(words, 26): splitting a long line whole is wasted
    return words >= 25 or (words >= 8 and _is_sentence(line))


@lru_cache(maxsize=1)
def _boilerplate_matchers() -> tuple[tuple[str, ...], Any]:
    """The phrases as one prefix tuple, and as one Aho-Corasick automaton (value: word count).

    One C-level scan per line instead of ~50 Python-level `in`/startswith tests (that was a
    quarter of `risk extract`'s time; a regex alternation of the phrases is slower still).
    """
    import ahocorasick  # also what risk.extract scans with

    phrases = boilerplate_phrases()
    automaton = ahocorasick.Automaton()
    for phrase in phrases:
        automaton.add_word(phrase, len(phrase.split()))
    if phrases:
        automaton.make_automaton()
    return phrases, automaton


def _is_boilerplate(line: str) -> bool:
    """A line that starts with a boilerplate phrase, or holds one and is short: up to 12
    words, or up to 40 words when the phrase has 3+ words (specific enough not to be news)."""
    low = line.lower().strip(" \t*#-_•|“”\"'")
    prefixes, automaton = _boilerplate_matchers()
    if not prefixes:
        return False
    if low.startswith(prefixes):
        return True
    words = len(low.split(None, 41))  # min(words, 42)
    if words <= 12:
        return next(automaton.iter(low), None) is not None
    if words <= 40:
        return any(n >= 3 for _end, n in automaton.iter(low))
    return False


def _is_breadcrumb(line: str) -> bool:
    if not ("»" in line or "›" in line or ">" in line or "|" in line or "/" in line or "→" in line):
        return False  # no separator, no breadcrumb: a quick test before the regex split
    parts = _BREADCRUMB_SEP.split(line.strip())
    return len(parts) >= 3 or (len(parts) == 2 and parts[0].strip().lower() in {"home", "news"})


def _is_byline(line: str) -> bool:
    return bool(_BYLINE.match(line)) and len(line.split()) <= 10 and not _is_sentence(line)


def strip_chrome(lines: list[str]) -> list[str]:
    """The article lines without page chrome (see the module docstring for the rules)."""
    kept = [ln.rstrip() for ln in lines]
    kept = [
        ln for ln in kept
        if not ln.strip() or not (_is_boilerplate(ln) or _is_breadcrumb(ln) or _is_byline(ln))
    ]
    body_idx = [i for i, ln in enumerate(kept) if _is_paragraph(ln.strip())]
    if not body_idx:
        return [ln for ln in kept if ln.strip()]
    first, last = body_idx[0], body_idx[-1]
    # The headline: the last head line of 3+ words that is not a sentence (menus are 1-2 words).
    head = [i for i in range(first) if kept[i].strip() and not _is_sentence(kept[i].strip())]
    titled = [i for i in head if len(kept[i].split()) >= 3]
    title_idx = titled[-1] if titled else (max(head, key=lambda i: len(kept[i])) if head else None)
    out: list[str] = []
    for i, ln in enumerate(kept):
        s = ln.strip()
        if s and (first <= i <= last or i == title_idx or _is_sentence(s)):
            out.append(s)
    if title_idx is not None and out and out[0] != kept[title_idx].strip():
        out.remove(kept[title_idx].strip())
        out.insert(0, kept[title_idx].strip())  # "first non-empty line is the title"
    return out


def parse_date(value: Any) -> datetime | None:
    """A timezone-aware UTC datetime from feed/ISO/RFC 822 dates; None when absent or unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    elif isinstance(value, (tuple, list)) and len(value) >= 6:  # time.struct_time from feedparser
        dt = datetime(*value[:6], tzinfo=UTC)
    elif isinstance(value, str):
        dt = _parse_date_str(value.strip())  # type: ignore[assignment]
        if dt is None:
            return None
    else:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def _parse_date_str(s: str) -> datetime | None:
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        pass
    import feedparser.datetimes

    parsed = feedparser.datetimes._parse_date(s)  # the many formats feeds use in the wild
    return datetime(*parsed[:6], tzinfo=UTC) if parsed else None
