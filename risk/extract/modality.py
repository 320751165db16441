"""How sure a statement is: asserted, hedged, negated, counterfactual or lifted.

Cue words are looked for near the trigger (its anchor and cue), within the clause: a negation
must be close ("not closed", "no threat of sanctions"), a hedge may sit a little further
("could further tighten sanctions"); irrealis words such as "demands" cover the whole sentence
(a demanded lifting is not a lifting). The trigger's own cue words never count as modality
("denied" in "airspace denied", "paused" in "paused Red Sea transits").
Returns the modality and the factor applied to the trigger's weight.
"""

from __future__ import annotations

from risk.extract.lexicon import Lexicon, Trigger

_PUNCT = frozenset({",", ";", ":", "–", "—", "(", ")", "-"})
_CLAUSE = frozenset({";", ":", "–", "—"})


def _bounded(toks: list[str], lo: int, hi: int, start: int, end: int, stops: frozenset[str]) -> tuple[int, int]:
    """Grow [lo, hi) towards [start, end) without crossing a stop token."""
    a = lo
    while a > max(start, 0) and toks[a - 1] not in stops:
        a -= 1
    b = hi
    while b < min(end, len(toks)) and toks[b] not in stops:
        b += 1
    return a, b


def judge(
    trig: Trigger, toks: list[str], lo: int, hi: int, own: frozenset[int], lex: Lexicon, question: bool
) -> tuple[str, float]:
    """Modality of the trigger spanning tokens [lo, hi); `own` are its cue token indices."""
    w = lex.modality_weights
    near_lo, near_hi = _bounded(toks, lo, hi, lo - 4, hi + 3, _PUNCT)
    far_lo, far_hi = _bounded(toks, lo, hi, lo - 9, hi + 5, _CLAUSE)
    lift_lo, lift_hi = _bounded(toks, lo, hi, lo - 5, hi + 4, _PUNCT)

    if lex.counterfactual.find(toks, far_lo, hi, own):
        return "counterfactual", w["counterfactual"]
    lifts = [i for i in lex.lifting.find(toks, lift_lo, lift_hi, own)
             if not any(lex.lifting_not.at(toks, j) > i - j for j in range(max(i - 2, 0), i + 1))]
    lifted = trig.modality == "lifted" or bool(lifts)
    if not lifted and trig.measure:
        lifted = bool(lex.lifting_measure.find(toks, lift_lo, lift_hi, own))
    negated = bool(lex.negation.find(toks, near_lo, near_hi, own)) or any(
        t.endswith("n't") for t in toks[near_lo:near_hi]
    ) or bool(lex.negation_far.find(toks, far_lo, hi, own))
    if negated and lex.negated_stop.find(toks, near_lo, near_hi, own):
        negated = False  # "will not cease attacks": the event goes on
    hedged = (
        question
        or bool(lex.hedge.find(toks, far_lo, far_hi, own))
        or bool(lex.sentence_hedge.find(toks, 0, len(toks), own))
    )
    if lifted:
        if negated:  # "sanctions were not lifted": the measure stands
            return ("hedged", w["hedged"]) if hedged else ("asserted", w["asserted"])
        if hedged:  # a lifting only demanded, proposed or possible: the measure is still in force
            return "hedged", w["hedged"] * w["pending_lift"]
        return "lifted", w["lifted"]
    if negated:
        return "negated", w["negated"]
    if hedged:
        return "hedged", w["hedged"]
    return "asserted", w["asserted"]
