"""Documents to signals: which country an event affects, how strongly, and on what evidence.

    extract(doc) -> [Signal]

1. One Aho-Corasick pass over title + text finds trigger anchors, chokepoints and false
   friends (data/lexicon.toml); a document with no anchor costs nothing more.
2. Documents that read as sport or entertainment are dropped whole; sentences holding a
   false friend ("UEFA sanctions", "bird migration") drop the indicators it names.
3. Each sentence with an anchor is tokenised; a trigger fires when its cue is near
   (sentences.py, lexicon.py), countries come from the shared resolver and are attributed
   to the affected side (attribution.py), and the statement's modality sets the weight
   (modality.py). Chokepoints hand trade disruption to the countries whose trade they carry.
4. A sentence that fires but names no affected country inherits, at half weight, the title's
   countries ("Houthis attacked several vessels" under a Red Sea headline), else the country
   the document is about (named 3+ times, 1.5 times as often as any other).
One signal per (sentence, country, indicator): the strongest.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from risk.extract.attribution import attribute
from risk.extract.lexicon import ANCHOR, CHOKE, FRIEND, FRIEND_DOC, Lexicon, get_lexicon
from risk.extract.modality import judge
from risk.extract.sentences import sentence_spans, tokens
from risk.models import Document, Signal

METHOD_VERSION = "rules-1"
TITLE_FALLBACK = 0.5
__all__ = ["METHOD_VERSION", "extract"]

_resolver: Any = None


def _get_resolver() -> Any:
    global _resolver
    if _resolver is None:
        from risk.countries import get_resolver

        _resolver = get_resolver()
    return _resolver


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) != len(text):  # a few characters lower-case to two; keep offsets aligned
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low


def _scan(lex: Lexicon, low: str) -> list[tuple[int, int, int, int]]:
    """(start, end, kind, ref) of whole-word hits; longest anchor wins where anchors overlap."""
    n = len(low)
    hits = []
    for end, (klen, vals) in lex.automaton.iter(low):
        start = end - klen + 1
        if start and low[start - 1].isalnum():
            continue
        closed = end + 1 >= n or not low[end + 1].isalnum()
        for kind, ref, star in vals:
            if closed or star:
                hits.append((start, end + 1, kind, ref))
    return hits


def extract(doc: Document, *, resolver: Any = None) -> list[Signal]:
    """The signals a document carries, attributed to the countries they affect."""
    lex = get_lexicon()
    title = doc.title.strip()
    full = f"{title}\n{doc.text}" if title else doc.text
    low = _lower(full)
    hits = _scan(lex, low)
    anchors = [h for h in hits if h[2] == ANCHOR]
    if not anchors:
        return []
    blocked = _doc_blocked(lex, hits, low)
    anchors = [h for h in anchors if lex.triggers[h[3]].indicator not in blocked]
    if not anchors:
        return []
    resolver = resolver or _get_resolver()
    spans = sentence_spans(full)
    starts = [s for s, _ in spans]
    by_sent: dict[int, list[tuple[int, int, int, int]]] = {}
    for h in hits:
        if h[2] != FRIEND_DOC:
            k = bisect_right(starts, h[0]) - 1
            if k >= 0 and h[1] <= spans[k][1]:
                by_sent.setdefault(k, []).append(h)
    title_idx = 0 if title and spans and spans[0][1] <= len(title) else -1
    title_fallback: list[tuple[str, str, float]] = []
    title_chokes: list[tuple[str, str, float]] = []
    focus: list[tuple[str, str, float]] | None = None
    best: dict[tuple[int, str, str], Signal] = {}
    document = doc.item or doc.source
    for k in sorted(by_sent):
        sh = by_sent[k]
        if not any(h[2] == ANCHOR and lex.triggers[h[3]].indicator not in blocked for h in sh):
            continue
        s0, s1 = spans[k]
        sent = full[s0:s1]
        found = _sentence(lex, resolver, sent, [(a - s0, b - s0, kind, ref) for a, b, kind, ref in sh], blocked)
        if k == title_idx:
            title_fallback = [(iso, role, 1.0) for _ind, iso, role, _w, _m, _t in found if iso]
            title_chokes = _chokepoint_countries(lex, sh)
        for ind, iso, role, weight, modality, trig in found:
            if iso == "":  # fired but nobody named: the headline's countries, else the document's focus
                if not title_fallback and not title_chokes and focus is None:
                    focus = _focus(resolver, full)
                heirs = title_fallback + (title_chokes if ind == "trade_disruption" else [])
                for fiso, frole, fw in heirs or focus or []:
                    _keep(best, k, Signal(
                        document=document, document_id=doc.id, country=fiso, indicator=ind,
                        weight=round(weight * fw * TITLE_FALLBACK, 4), role=frole, modality=modality,
                        sentence=sent, trigger=trig, method=METHOD_VERSION, published=doc.published))
                continue
            _keep(best, k, Signal(
                document=document, document_id=doc.id, country=iso, indicator=ind, weight=round(weight, 4),
                role=role, modality=modality, sentence=sent, trigger=trig, method=METHOD_VERSION,
                published=doc.published))
    return list(best.values())


def _focus(resolver: Any, text: str) -> list[tuple[str, str, float]]:
    """The country a document is about: named at least 3 times and 1.5 times as often as any other."""
    counts: dict[str, int] = {}
    for m in resolver.scan(text):
        counts[m.iso3] = counts.get(m.iso3, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if ranked and ranked[0][1] >= 3 and (len(ranked) == 1 or ranked[0][1] >= 1.5 * ranked[1][1]):
        return [(ranked[0][0], "affected", 1.0)]
    return []


def _demonym_tokens(mentions: list[Any], tspans: list[tuple[int, int]]) -> list[int]:
    return [i for m in mentions if m.kind == "demonym" for i, (a, b) in enumerate(tspans) if a == m.start]


def _keep(best: dict[tuple[int, str, str], Signal], k: int, sig: Signal) -> None:
    key = (k, sig.country, sig.indicator)
    old = best.get(key)
    if old is None or abs(sig.weight) > abs(old.weight):
        best[key] = sig


def _doc_blocked(lex: Lexicon, hits: list[tuple[int, int, int, int]], low: str) -> set[str]:
    """Indicators dropped for the whole document (it reads as sport, entertainment, ...)."""
    strong: dict[int, set[str]] = {}
    every: dict[int, set[str]] = {}
    for a, b, kind, ref in hits:
        if kind == FRIEND or kind == FRIEND_DOC:
            word = low[a:b]
            every.setdefault(ref, set()).add(word)
            if kind == FRIEND:
                strong.setdefault(ref, set()).add(word)
    blocked: set[str] = set()
    for ref, words in strong.items():
        ff = lex.false_friends[ref]
        if ff.doc_min and (len(words) >= 2 or len(every[ref]) >= ff.doc_min):
            blocked |= ff.indicators
    return blocked


def _chokepoint_countries(lex: Lexicon, hits: list[tuple[int, int, int, int]]) -> list[tuple[str, str, float]]:
    out = []
    for _a, _b, kind, ref in hits:
        if kind == CHOKE:
            countries, weight = lex.chokepoints[ref]
            out += [(c, "location", weight) for c in countries]
    return out


def _sentence(
    lex: Lexicon, resolver: Any, sent: str, hits: list[tuple[int, int, int, int]], blocked: set[str]
) -> list[tuple[str, str, str, float, str, str]]:
    """(indicator, iso3 or "" when unattributed, role, weight, modality, trigger) in one sentence."""
    blocked = set(blocked)
    for _a, _b, kind, ref in hits:
        if kind == FRIEND:
            blocked |= lex.false_friends[ref].indicators
    anchors = [h for h in hits if h[2] == ANCHOR and lex.triggers[h[3]].indicator not in blocked]
    if not anchors:
        return []
    # longest anchor wins where anchors overlap ("refugee camp" over "refugee")
    anchors.sort(key=lambda h: (h[0], -(h[1] - h[0]), h[3]))
    groups: list[tuple[int, int, list[int]]] = []
    for a, b, _kind, ref in anchors:
        if groups and a < groups[-1][1]:
            if (a, b) == groups[-1][:2]:
                groups[-1][2].append(ref)
            continue
        groups.append((a, b, [ref]))
    chokes = _chokepoint_countries(lex, hits)
    toks, tspans = tokens(sent)
    question = sent.rstrip().endswith("?")
    mentions = None
    out = []
    for a, b, refs in groups:
        lo = next((i for i, (s, e) in enumerate(tspans) if e > a), len(toks) - 1)
        hi = next((i for i, (s, e) in enumerate(tspans) if s >= b), len(toks))
        for ref in sorted(refs):
            trig = lex.triggers[ref]
            cue_idx: list[int] = []
            if trig.cues is not None:
                cand = [i for i in trig.cues.find(toks, lo - trig.window, hi + trig.window)
                        if not lo <= i < hi and not lex.cue_not.at(toks, i)]
                if trig.cues.demonym:
                    if mentions is None:
                        mentions = resolver.scan(sent)
                    cand += [i for i in _demonym_tokens(mentions, tspans) if abs(i - lo) <= trig.window]
                if not cand:
                    continue
                # nearest cue; on a tie the one after the anchor ("denied that X airspace was closed")
                near = min(cand, key=lambda i: (abs(i - lo) if i < lo else i - hi + 1, i < lo))
                cue_idx = [near]
            own = frozenset(cue_idx)
            span_lo = min([lo, *cue_idx])
            span_hi = max([hi, *(i + 1 for i in cue_idx)])
            modality, factor = judge(trig, toks, span_lo, span_hi, own, lex, question)
            if mentions is None:
                mentions = resolver.scan(sent)
            actors: set[str] = set()
            who = attribute(
                trig, sent, toks, tspans, (lo, hi), span_lo, span_hi - 1, mentions, bool(chokes), lex, actors
            )
            weight = trig.weight * factor
            for iso, role in who:
                out.append((trig.indicator, iso, role, weight, modality, trig.name))
            if trig.chokepoint or trig.indicator == "trade_disruption":
                for iso, role, cw in chokes:
                    if iso in actors:  # "Russian forces blockaded the Black Sea": not Russia's loss
                        continue
                    out.append((trig.indicator, iso, role, weight * cw, modality, trig.name))
            if not who and not (chokes and trig.indicator == "trade_disruption"):
                out.append((trig.indicator, "", "affected", weight, modality, trig.name))
            break
    return out
