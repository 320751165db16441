"""The extractor on our own labelled sentences (tests/data/labelled_sentences.jsonl, own wording)
and on the rules one by one: attribution to the affected country, modality, false friends."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from risk import INDICATORS
from risk.extract import METHOD_VERSION, extract
from risk.extract.lexicon import load
from risk.extract.sentences import sentence_spans
from risk.models import Document

LABELLED = Path(__file__).parent / "data" / "labelled_sentences.jsonl"


def _doc(text: str, title: str = "") -> Document:
    return Document(id="t1", source="test.txt", title=title, text=text)


def raised(text: str, title: str = "") -> set[str]:
    """'ISO3 indicator sign' for each (country, indicator) whose weights sum to non-zero."""
    total: dict[tuple[str, str], float] = defaultdict(float)
    for s in extract(_doc(text, title)):
        total[(s.country, s.indicator)] += s.weight
    return {f"{c} {i} {'+' if w > 0 else '-'}" for (c, i), w in total.items() if abs(w) > 1e-9}


def _cases() -> list[dict]:
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_labelled_set_is_big_and_varied() -> None:
    cases = _cases()
    assert len(cases) >= 120
    rules = {c["rule"] for c in cases}
    for rule in ("possessive", "preposition", "capital", "actor", "chokepoint", "migration", "hedge",
                 "negation", "counterfactual", "lifted", "sport", "animals", "film", "chrome"):
        assert rule in rules


def test_labelled_accuracy_and_no_false_friend_fires() -> None:
    cases = _cases()
    misses = [(c["text"], sorted(c["expect"]), sorted(raised(c["text"]))) for c in cases
              if raised(c["text"]) != set(c["expect"])]
    accuracy = 1 - len(misses) / len(cases)
    assert accuracy >= 0.9, f"accuracy {accuracy:.2%}; misses: {misses}"
    false_friends = [c["text"] for c in cases if c["false_friend"] and raised(c["text"])]
    assert false_friends == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Washington closed Venezuelan airspace.", {"VEN airspace_disruption +"}),
        ("The closure of Venezuelan airspace by Washington angered Caracas.", {"VEN airspace_disruption +"}),
        ("The US and the EU imposed sanctions on Iran.", {"IRN sanctions_exposure +"}),
        ("Pakistan closed its airspace.", {"PAK airspace_disruption +"}),
        ("Refugees from Sudan crossed into Chad.", {"SDN migration_pressure +", "TCD migration_pressure +"}),
        ("Flights to Caracas were suspended.", {"VEN airspace_disruption +"}),
        ("Moscow suspended flights.", set()),
    ],
)
def test_attribution_goes_to_the_affected_country(text: str, expected: set[str]) -> None:
    assert raised(text) == expected


def test_shipping_line_home_countries_are_left_out() -> None:
    got = raised("Danish shipping giant Maersk paused Red Sea transits.")
    assert "EGY trade_disruption +" in got and "YEM trade_disruption +" in got
    assert not any(g.startswith("DNK") for g in got)


@pytest.mark.parametrize(
    ("text", "modality", "sign"),
    [
        ("Turkey closed its airspace.", "asserted", 1),
        ("Turkey may close its airspace.", "hedged", 1),
        ("Turkey has not closed its airspace.", "negated", 0),
        ("Turkey would have closed its airspace.", "counterfactual", 1),
        ("Turkey reopened its airspace.", "lifted", -1),
        ("Sanctions on Cuba were lifted.", "lifted", -1),
        ("Will Turkey close its airspace?", "hedged", 1),
    ],
)
def test_modality_sets_the_weight(text: str, modality: str, sign: int) -> None:
    sigs = extract(_doc(text))
    assert len(sigs) == 1
    s = sigs[0]
    assert s.modality == modality
    assert (s.weight > 0) - (s.weight < 0) == sign
    asserted = extract(_doc("Turkey closed its airspace."))[0].weight
    assert abs(s.weight) <= asserted


def test_signal_fields_are_complete() -> None:
    doc = Document(id="abc", source="feed.json", item="item-7", title="Niger closes airspace",
                   text="Nothing else happened.")
    [s] = extract(doc)
    assert (s.document, s.document_id, s.country, s.indicator) == ("item-7", "abc", "NER", "airspace_disruption")
    assert s.method == METHOD_VERSION and s.trigger and s.sentence == "Niger closes airspace"
    assert s.role == "affected" and s.modality == "asserted"


def test_sport_document_raises_nothing() -> None:
    text = ("The striker was sent off with a red card in the Premier League match. "
            "The FA imposed sanctions on the club and the midfielder faces a ban. "
            "Refugees from the club's academy played in the World Cup tournament.")
    assert raised(text, "Chelsea sanctioned after brawl") == set()


def test_lexicon_loads_and_names_only_known_indicators() -> None:
    lex = load()
    assert lex.triggers and {t.indicator for t in lex.triggers} <= set(INDICATORS)


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("Mr. Smith met Dr. Jones in the U.S. on Friday. They talked.", 2),
        ("Prices rose 3.5 per cent. Then they fell.", 2),
        ("J. R. Smith arrived. He left.", 2),
        ("Title line\nBody sentence one. Body two!", 3),
    ],
)
def test_sentence_splitter(text: str, n: int) -> None:
    assert len(sentence_spans(text)) == n


HELDOUT = Path(__file__).parent / "data" / "heldout_sentences.jsonl"


def test_heldout_accuracy_and_no_false_friend_fires() -> None:
    """Sentences written apart from the labelled set, in varied wire/trade-press styles; the rules
    were not tuned to them one by one, so the floor sits a few points below the measured 94%."""
    cases = [json.loads(line) for line in HELDOUT.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(cases) >= 80
    assert sum(c["false_friend"] or not c["expect"] for c in cases) >= len(cases) // 6
    misses = [(c["text"], sorted(c["expect"]), sorted(raised(c["text"]))) for c in cases
              if raised(c["text"]) != set(c["expect"])]
    accuracy = 1 - len(misses) / len(cases)
    assert accuracy >= 0.88, f"accuracy {accuracy:.2%}; misses: {misses}"
    assert [c["text"] for c in cases if c["false_friend"] and raised(c["text"])] == []
