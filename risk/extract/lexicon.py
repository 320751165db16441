"""The extraction lexicon (data/lexicon.toml) compiled for speed.

One Aho-Corasick automaton holds every anchor, chokepoint name and false-friend word, so a
document is scanned once; everything else (cues, modality, attribution words) is matched on
the few sentences that hold an anchor, as token sets.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ahocorasick

from risk import INDICATORS
from risk.errors import ConfigError

LEXICON_PATH = Path(__file__).resolve().parents[2] / "data" / "lexicon.toml"


class TermSet:
    """Words and phrases; a trailing * allows any ending ("clos*" ~ closed, closure)."""

    def __init__(self, terms: list[str] | tuple[str, ...] = ()) -> None:
        self.exact: set[str] = set()
        self.prefixes: list[str] = []
        self.phrases: list[tuple[tuple[str, ...], bool]] = []
        self.demonym = False  # "<demonym>": any demonym mention counts (cues only)
        for raw in terms:
            term = raw.lower().strip()
            if term == "<demonym>":
                self.demonym = True
                continue
            star = term.endswith("*")
            term = term.rstrip("*")
            words = tuple(term.split())
            if len(words) > 1:
                self.phrases.append((words, star))
            elif star:
                self.prefixes.append(term)
            else:
                self.exact.add(term)
        self._prefix_tuple = tuple(self.prefixes)
        # Phrases by first word, in list order: `at` runs for every token of every candidate
        # sentence, and only phrases starting with that token can match there.
        self._by_first: dict[str, list[tuple[tuple[str, ...], bool]]] = {}
        for words, star in self.phrases:
            self._by_first.setdefault(words[0], []).append((words, star))

    def word(self, tok: str) -> bool:
        """Does one token match a single-word term?"""
        return tok in self.exact or (bool(self._prefix_tuple) and tok.startswith(self._prefix_tuple))

    def at(self, toks: list[str], i: int) -> int:
        """Length in tokens of a term starting at toks[i] (0 when none)."""
        tok = toks[i]
        if tok in self.exact or (self._prefix_tuple and tok.startswith(self._prefix_tuple)):
            return 1
        for words, star in self._by_first.get(tok, ()):
            n = len(words)
            if i + n <= len(toks) and toks[i : i + n - 1] == list(words[:-1]):
                last = toks[i + n - 1]
                if last == words[-1] or (star and last.startswith(words[-1])):
                    return n
        return 0

    def find(self, toks: list[str], lo: int, hi: int, skip: frozenset[int] = frozenset()) -> list[int]:
        """Token indices in [lo, hi) where a term starts, ignoring indices in `skip`."""
        lo, hi = max(lo, 0), min(hi, len(toks))
        return [i for i in range(lo, hi) if i not in skip and self.at(toks, i)]


@dataclass(frozen=True)
class Trigger:
    indicator: str
    name: str
    weight: float
    cues: TermSet | None
    window: int
    subject: str
    subject_role: str
    premod_actor: frozenset[str]
    measure: bool
    modality: str | None
    chokepoint: bool
    actor_preps: frozenset[str]
    designee: bool = False


@dataclass(frozen=True)
class FalseFriend:
    name: str
    indicators: frozenset[str]
    doc_min: int | None


@dataclass
class Lexicon:
    version: str
    triggers: list[Trigger]
    automaton: ahocorasick.Automaton
    modality_weights: dict[str, float]
    negation: TermSet
    negation_far: TermSet
    negated_stop: TermSet
    hedge: TermSet
    sentence_hedge: TermSet
    counterfactual: TermSet
    lifting: TermSet
    lifting_not: TermSet
    cue_not: TermSet
    lifting_measure: TermSet
    attr: dict[str, TermSet]
    chokepoints: list[tuple[tuple[str, ...], float]]
    false_friends: list[FalseFriend] = field(default_factory=list)


# automaton payload kinds
ANCHOR, CHOKE, FRIEND, FRIEND_DOC = 0, 1, 2, 3


def _key(term: str) -> tuple[str, bool]:
    term = term.lower().strip()
    return term.rstrip("*"), term.endswith("*")


def load(path: Path = LEXICON_PATH) -> Lexicon:
    """Read and compile the lexicon; a broken file is a ConfigError that names it."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"cannot read the extraction lexicon {path}: {e}; restore it from git") from e
    entries: dict[str, list[tuple[int, int, bool]]] = {}

    def add(term: str, kind: int, ref: int) -> None:
        key, star = _key(term)
        entries.setdefault(key, []).append((kind, ref, star))

    triggers: list[Trigger] = []
    for n, t in enumerate(data.get("trigger", [])):
        if t["indicator"] not in INDICATORS:
            raise ConfigError(f"{path}: trigger {t.get('name')!r} has unknown indicator {t['indicator']!r}")
        triggers.append(Trigger(
            indicator=t["indicator"], name=t["name"], weight=float(t["weight"]),
            cues=TermSet(t["cues"]) if t.get("cues") else None, window=int(t.get("window", 6)),
            subject=t.get("subject", "self"), subject_role=t.get("subject_role", "affected"),
            premod_actor=frozenset(t.get("premod_actor", [])), measure=bool(t.get("measure")),
            modality=t.get("modality"), chokepoint=bool(t.get("chokepoint")),
            actor_preps=frozenset(t.get("actor_preps", ["by"])), designee=bool(t.get("designee")),
        ))
        for a in t["anchors"]:
            add(a, ANCHOR, n)
    chokepoints = []
    for n, c in enumerate(data.get("chokepoint", [])):
        chokepoints.append((tuple(c["countries"]), float(c.get("weight", 0.6))))
        for name in c["names"]:
            add(name, CHOKE, n)
    friends = []
    for n, f in enumerate(data.get("false_friend", [])):
        friends.append(FalseFriend(f["name"], frozenset(f["indicators"]), f.get("doc_min")))
        for w in f["words"]:
            add(w, FRIEND, n)
        for w in f.get("doc_words", []):
            add(w, FRIEND_DOC, n)
    auto = ahocorasick.Automaton()
    for key, vals in entries.items():
        auto.add_word(key, (len(key), tuple(vals)))
    auto.make_automaton()
    mod = {k: TermSet(v) for k, v in data["modality"].items()}
    empty = TermSet()
    return Lexicon(
        version=data.get("version", "rules-1"), triggers=triggers, automaton=auto,
        modality_weights={k: float(v) for k, v in data["modality_weights"].items()},
        negation=mod["negation"], negation_far=mod.get("negation_far", empty), negated_stop=mod.get("negated_stop", empty), hedge=mod["hedge"],
        sentence_hedge=mod["sentence_hedge"], counterfactual=mod["counterfactual"],
        lifting=mod["lifting"], lifting_not=mod.get("lifting_not", empty),
        cue_not=TermSet(data.get("cue_not", {}).get("phrases", [])),
        lifting_measure=mod["lifting_measure"],
        attr={k: TermSet(v) for k, v in data["attribution"].items()},
        chokepoints=chokepoints, false_friends=friends,
    )


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    return load()
