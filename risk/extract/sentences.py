"""Sentence spans and word tokens, by regex: fast enough to run on every candidate sentence.

Chosen over a library splitter for speed (the whole BBC corpus must extract at >1,000
articles/s); abbreviations, initials and decimals are handled by the rules below.
"""

from __future__ import annotations

import re

# a period, ! or ? (with closing quotes/brackets) followed by space; a line break always ends one
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|\n")
_ABBREV = frozenset(
    "mr mrs ms dr prof st gen col lt sgt capt cmdr adm rev sen rep gov pres jr sr inc ltd co corp "
    "plc vs etc e.g i.e no nos jan feb mar apr jun jul aug sep sept oct nov dec mt ft approx est "
    "dept univ assn bros gov't fig al cf op vol".split()
)
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.']*)$")
_TOKEN = re.compile(r"\w+(?:['’\-]\w+)*|[^\w\s]")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty sentence of `text`, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _END.finditer(text):
        end = m.end()
        if m.group() != "\n":
            nxt = end
            while nxt < n and text[nxt] in " \t\r":
                nxt += 1
            if nxt < n and not (text[nxt].isupper() or text[nxt].isdigit() or text[nxt] in "\"“‘'(\n"):
                continue  # "e.g. the", "3.5 per cent", lower-case follow-on
            if m.group()[0] == ".":
                w = _LAST_WORD.search(text, max(start, m.start() - 20), m.start())
                if w:
                    word = w.group(1).lower().rstrip(".")
                    # initials (J. Smith), U.S., and known abbreviations never end a sentence
                    if word in _ABBREV or len(word) == 1 or "." in word:
                        continue
        _push(text, start, end, spans)
        start = end
    _push(text, start, n, spans)
    return spans


def _push(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def tokens(sentence: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Lower-case word/punctuation tokens of a sentence and their character spans."""
    toks: list[str] = []
    spans: list[tuple[int, int]] = []
    for m in _TOKEN.finditer(sentence):
        toks.append(m.group().lower().replace("’", "'"))
        spans.append(m.span())
    return toks, spans
