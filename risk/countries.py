"""Country reference data (all 249 ISO 3166-1 countries) and the resolver used everywhere.

`countries()` / `country(iso3)` read data/countries.json (built by scripts/build_countries.py).
`get_resolver().resolve(text)` maps a whole string (name, alias, former name, demonym, capital,
ISO2/ISO3/numeric) to ISO3; `.scan(text)` finds country mentions in free text with their offsets.

Matching works on a same-length "fold" of the text: lower case, accents stripped, every
non-alphanumeric character turned into a space. Offsets in the fold are offsets in the original,
so mentions point into the text as given. Free-text rules (see data/country_aliases.toml):
- whole words only, longest match wins ("Nigeria" not "Niger", "South Korea" not "Korea");
- codes (US, U.S., UK, UAE, DRC...) only in capitals; bare ISO2/ISO3 codes never (IN, IT, TO...);
- names, aliases, demonyms and capitals must be capitalised ("turkey", "china plates" are not);
- blocked phrases ("Indian Ocean", "New Guinea", "New Jersey") swallow their words and yield nothing;
- words that are also people's names ("Jordan", "Chad", "Washington", "Paris", "Sofia"...) are dropped
  next to another capitalised word ("Michael Jordan", "Chad Johnson", "Sofia Coppola");
- "Georgia" is dropped in US context ("Atlanta, Georgia", "Georgia state", "Georgia, USA").
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

import ahocorasick

from risk.errors import InputError

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "countries.json"

Kind = Literal["name", "alias", "demonym", "capital", "code"]
_KIND_RANK = {"name": 0, "alias": 1, "code": 1, "capital": 2, "demonym": 3}


@dataclass(frozen=True, slots=True)
class Country:
    iso2: str
    iso3: str
    numeric: str
    name: str
    official_name: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    capital: str
    capital_aliases: tuple[str, ...]
    region: str
    subregion: str
    lat: float
    lon: float
    neighbours: tuple[str, ...]
    fips: str
    population: int
    other_names: tuple[str, ...] = ()
    """Names in other languages (CLDR): whole-string look-ups only, never scanned in news."""


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    surface: str
    iso3: str
    kind: Kind


@cache
def _raw() -> dict:
    try:
        return json.loads(DATA_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(
            f"cannot read country reference data ({e})", where=str(DATA_FILE),
            hint="regenerate it with: .venv/bin/python scripts/build_countries.py",
        ) from e


@cache
def countries() -> tuple[Country, ...]:
    """All 249 ISO 3166-1 countries, sorted by ISO3."""
    tuple_fields = ("aliases", "demonyms", "capital_aliases", "neighbours", "other_names")
    return tuple(
        Country(**{k: tuple(v) if k in tuple_fields else v for k, v in rec.items()})
        for rec in _raw()["countries"]
    )


@cache
def _by_iso3() -> dict[str, Country]:
    return {c.iso3: c for c in countries()}


@cache
def _fips_map() -> dict[str, str]:
    return {c.fips: c.iso3 for c in countries() if c.fips}


def country(iso3: str) -> Country:
    """The country with this ISO3 code; InputError (with a suggestion) for anything else."""
    found = _by_iso3().get(str(iso3).strip().upper())
    if found is not None:
        return found
    guess = get_resolver().resolve(str(iso3))
    hint = f"did you mean {guess} ({_by_iso3()[guess].name})?" if guess else (
        "use an ISO 3166-1 alpha-3 code such as VEN, or resolve a name with get_resolver().resolve()")
    raise InputError(f"unknown country code {iso3!r}", hint=hint)


def by_fips(code: str) -> str | None:
    """ISO3 for a FIPS 10-4 country code (GDELT geo fields), e.g. 'UP' -> 'UKR'."""
    return _fips_map().get(code.strip().upper()) if code else None


def neighbours(iso3: str) -> tuple[str, ...]:
    """ISO3 codes of the countries sharing a land border (GeoNames)."""
    return country(iso3).neighbours


class _Fold(dict[int, str]):
    """str.translate table built lazily: one output char per input char (offsets stay valid)."""

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if len(base) == 1 and base.isalnum():
            ch = base
        out = ch.lower() if ch.isalnum() else " "
        self[cp] = out if len(out) == 1 else ch
        return self[cp]


_FOLD = _Fold()
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ASCII_FOLD = bytes(ord(_FOLD[b]) for b in range(128)) + b" " * 128  # fast path for ASCII text


def fold(text: str) -> str:
    """Same-length normal form: lower case, no accents, punctuation and whitespace as spaces."""
    if not text.isascii():  # fold the few non-ASCII characters one by one, then take the fast path
        text = _NON_ASCII.sub(lambda m: _FOLD[ord(m.group())], text)
        if not text.isascii():  # non-Latin letters remain
            return text.translate(_FOLD)
    return text.encode("ascii").translate(_ASCII_FOLD).decode("ascii")


@lru_cache(maxsize=65536)
def _key(text: str) -> str:
    """resolve() key: the fold with all spaces removed, so 'U.S.' == 'US' and "Côte d'Ivoire" matches."""
    return fold(text).replace(" ", "")


_FUNCTION_WORDS = frozenset(
    "a an and as at by for from in into of on or the to with both neighbouring neighboring "
    "king queen kingdom president republic government state says said while after before "
    "north south east west central northern southern eastern western greater mainland".split()
)
_PREV_WORD = re.compile(r"\b([A-Z][a-z]*)[ \t]+$")  # "Michael ", "Mr ", "B "; not "UN ", "said. "
_NEXT_WORD = re.compile(r"^[ \t]+([A-Z][\w'’-]*)")
_US_BEFORE = re.compile(r"([A-Z][\w.-]*), ?$")
_US_AFTER = re.compile(r"^(,? ?(USA|U\.S\.A?\.?|US)\b|,? (Ga|GA)\b|[ -]([Ss]tate|Tech|Bulldogs|Senate)\b)")
_SENTENCE_START = re.compile(r"(^|[.!?:;\n\"'“‘(]\s*)$")
_US_NEAR = re.compile(r"\b(Atlanta|Savannah|Augusta|Alabama|Florida|Tennessee|Carolina)\b")


class Resolver:
    """Whole-string look-up (`resolve`) and free-text scanning (`scan`) over one vocabulary."""

    def __init__(self, data: dict, table: tuple[Country, ...]) -> None:
        scan_rules = data["scan"]
        excluded = {_key(c) for c in scan_rules["excluded_capitals"]}
        pop = {c.iso3: c.population for c in table}
        self._person = {fold(n).strip() for n in scan_rules["person_names"]}
        self._us_state = {fold(n).strip() for n in scan_rules["us_state_names"]}
        entries: list[tuple[str, str, Kind]] = []  # (surface, iso3, kind), all also used by scan()
        codes: list[tuple[str, str]] = []
        for c in table:
            entries.append((c.name, c.iso3, "name"))
            entries += [(a, c.iso3, "code" if _is_code(a) else "alias") for a in (c.official_name, *c.aliases)]
            entries += [(d, c.iso3, "demonym") for d in c.demonyms]
            entries += [(k, c.iso3, "capital") for k in (c.capital, *c.capital_aliases)
                        if k and _key(k) not in excluded]
            codes += [(c.iso2, c.iso3), (c.iso3, c.iso3), (c.numeric, c.iso3), (str(int(c.numeric)), c.iso3)]
        for iso3, words in scan_rules["places"].items():
            entries += [(w, iso3, "alias") for w in words]
        whole_only = [(w, iso3, "alias") for iso3, words in data["resolve_only"].items() for w in words]

        def better(new: tuple[str, Kind], old: tuple[str, Kind] | None) -> bool:
            # same key for two countries: the stronger kind wins, then the more populous country
            return old is None or (_KIND_RANK[new[1]], -pop[new[0]]) < (_KIND_RANK[old[1]], -pop[old[0]])

        index: dict[str, tuple[str, Kind]] = {}
        for surface, iso3, kind in entries + whole_only:
            k = _key(surface)
            if k and better((iso3, kind), index.get(k)):
                index[k] = (iso3, kind)
        self._index = {k: v[0] for k, v in index.items()}
        foreign: dict[str, set[str]] = {}
        for c in table:
            for n in c.other_names:
                foreign.setdefault(_key(n), set()).add(c.iso3)
        for k, owners in foreign.items():  # other languages fill gaps only, and only unambiguously
            if k and k not in self._index and len(owners) == 1:
                self._index[k] = next(iter(owners))
        for code, iso3 in codes:  # codes last: an exact code always means its country
            self._index[_key(code)] = iso3

        scan_best: dict[str, tuple[str, Kind]] = {}
        for surface, iso3, kind in entries:
            phrase = " ".join(fold(surface).split())
            if not phrase or phrase.startswith("the "):
                continue
            if better((iso3, kind), scan_best.get(phrase)):
                scan_best[phrase] = (iso3, kind)
        self._automaton = ahocorasick.Automaton()
        for phrase, (iso3, kind) in scan_best.items():
            self._automaton.add_word(f" {phrase} ", (len(phrase), iso3, kind))
        for phrase in scan_rules["blocked"]:
            p = " ".join(fold(phrase).split())
            self._automaton.add_word(f" {p} ", (len(p), None, "alias"))
        self._automaton.make_automaton()

    def resolve(self, text: str) -> str | None:
        """ISO3 for a whole string, or None. Case, accents, punctuation and spacing do not matter."""
        if not text:
            return None
        k = _key(text)
        if k.isdigit() and not text.strip().isdigit():
            return None  # "=1+2" folds to "12": a numeric code must be written as digits alone
        found = self._index.get(k)
        if found is None and k.startswith("the"):
            found = self._index.get(k[3:])
        return found

    def scan(self, text: str) -> list[Mention]:
        """Country mentions in free text, in order, with offsets into `text`."""
        if not text:
            return []
        padded = f" {fold(text)} "
        found = []
        for end, (length, iso3, kind) in self._automaton.iter(padded):
            start = end - length - 1  # offset in `text`: padded has one extra char in front
            found.append((start, start + length, iso3, kind))
        if not found:
            return []
        found.sort(key=lambda m: (m[0], m[0] - m[1]))  # leftmost, then longest
        taken: list[tuple[int, int, str | None, Kind]] = []
        for m in found:  # longest match wins: a later, longer overlapping phrase replaces the last one
            if not taken or m[0] >= taken[-1][1]:
                taken.append(m)
            elif m[1] - m[0] > taken[-1][1] - taken[-1][0]:
                taken[-1] = m
        out = []
        for start, end, iso3, kind in taken:
            if iso3 is None:
                continue  # a blocked phrase ("Indian Ocean")
            if kind == "code" and "." in text[start:end] and text[end:end + 1] == ".":
                end += 1  # "U.S." keeps its final dot
            surface = text[start:end]
            if self._accept(text, start, end, surface, padded[start + 1:end + 1].strip(), kind):
                out.append(Mention(start, end, surface, iso3, kind))
        return out

    def _accept(self, text: str, start: int, end: int, surface: str, word: str, kind: Kind) -> bool:
        if kind == "code":
            return surface.upper() == surface
        if not (surface[0].isupper() if " " not in surface else any(ch.isupper() for ch in surface)):
            return False
        if word in self._person and self._looks_like_person(text, start, end):
            return False
        if word in self._us_state and self._us_context(text, start, end):
            return False
        return True

    @staticmethod
    def _looks_like_person(text: str, start: int, end: int) -> bool:
        before = _PREV_WORD.search(text[max(0, start - 30):start])
        if before and before.group(1).lower().rstrip(".") not in _FUNCTION_WORDS:
            return True
        after = _NEXT_WORD.match(text[end:end + 30])
        return bool(after and after.group(1).lower() not in _FUNCTION_WORDS)

    def _us_context(self, text: str, start: int, end: int) -> bool:
        lo = max(0, start - 30)
        before = _US_BEFORE.search(text[lo:start])
        # "in Atlanta, Georgia" is the state, "Tbilisi, Georgia" the country; "However, Georgia" neither
        if before and not _SENTENCE_START.search(text[max(0, lo - 5):lo + before.start()]):
            return self.resolve(before.group(1)) is None
        if _US_AFTER.match(text[end:end + 20]):
            return True
        lo, hi = max(0, start - 150), end + 150
        lo = max(lo, text.rfind(". ", lo, start) + 1)  # same sentence only
        cut = text.find(". ", end, hi)
        return bool(_US_NEAR.search(text, lo, cut if cut >= 0 else hi))


def _is_code(alias: str) -> bool:
    """Abbreviations written in capitals: US, U.S., UAE, DRC, DPRK (matched in free text only in capitals)."""
    letters = alias.replace(".", "")
    return letters.isalpha() and letters.isupper() and len(letters) <= 5


@cache
def get_resolver() -> Resolver:
    """The shared resolver (built once per process, ~50 ms)."""
    return Resolver(_raw(), countries())
