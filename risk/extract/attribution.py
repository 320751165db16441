"""Who a trigger affects: the country acted upon, never the actor.

Each country mention in the sentence is classified against one trigger occurrence, in order:
  1. owners left out: "Swiss-based MSC", "Danish shipping giant", a vessel's flag when the
     sentence names a chokepoint ("Norwegian tanker attacked in the Red Sea");
  2. capitals stand for governments unless a place preposition governs them ("flights to
     Caracas" is the place, "Washington closed ..." is the actor);
  3. "by X" is the actor (passive voice: "closed by Washington");
  4. a governing preposition makes a target ("sanctions on Russia", "airspace of Niger",
     "refugees from Sudan into Chad": origin and destination);
  5. a government/military noun after it makes an actor ("US officials", "Russian forces");
  6. a modifier right before the anchor ("Venezuelan airspace", "Iran's oil exports") is the
     target, except imposer modifiers on measures ("US sanctions", "American tariffs");
  7. a bare subject is affected when passive ("Iran was hit by sanctions") or reflexive
     ("Pakistan closed its airspace"), else only for self-directed triggers with no other
     target ("Niger closes airspace"); an imposing subject is the actor;
  8. the immediate object after the trigger ("deported Venezuelans");
  9. for designations, the entity named between the verb and the label is the target
     ("designated the Venezuelan cartel as a terrorist organisation").
Coordinated mentions ("Colombia and Brazil", "the US and Canada") share their head's context.
"""

from __future__ import annotations

from typing import Any, Protocol

from risk.extract.lexicon import Lexicon, Trigger

_COORD = frozenset({",", "and", "or", "&", "as", "well", "nor", "plus", "the"})
_EXCLUDING = frozenset({"not", "except", "excluding", "nor", "unlike", "besides"})
_TRANSPARENT_SUFFIX = ("-controlled", "-held", "-ruled", "-hit", "-torn", "-stricken", "-wracked")


class MentionLike(Protocol):
    start: int
    end: int
    iso3: str
    kind: str


def _tok_range(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    first = last = -1
    for i, (s, e) in enumerate(spans):
        if e > start and first < 0:
            first = i
        if s < end:
            last = i
        else:
            break
    return first, max(first, last)


def attribute(
    trig: Trigger, sent: str, toks: list[str], spans: list[tuple[int, int]], anchor: tuple[int, int],
    a_lo: int, a_hi: int, mentions: list[Any], has_chokepoint: bool, lex: Lexicon,
    actors: set[str] | None = None,
) -> list[tuple[str, str]]:
    """(iso3, role) of the countries this trigger occurrence affects.

    `anchor` is the anchor's token range [lo, hi); [a_lo, a_hi] spans anchor and cue together.
    Countries named as actors ("Russian forces", "by Washington") are added to `actors`.
    """
    an_lo = anchor[0]
    if not mentions:
        return []
    at = lex.attr
    migration = trig.indicator == "migration_pressure"
    sanctions = trig.indicator == "sanctions_exposure"
    ms = []
    for m in mentions:
        lo, hi = _tok_range(spans, m.start, m.end)
        if lo >= 0:
            ms.append((m, lo, hi))
    ms.sort(key=lambda x: x[1])
    # coordination chains: each mention gets its chain head's governing word
    heads: list[int] = []
    for k, (_m, lo, _hi) in enumerate(ms):
        if k and lo > ms[k - 1][2] and all(t in _COORD for t in toks[ms[k - 1][2] + 1 : lo]):
            heads.append(heads[k - 1])
        else:
            heads.append(k)
    tails = {h: k for k, h in enumerate(heads)}

    def governing(k: int) -> str | None:
        """The word that governs a mention's chain; "-not" when a negation excludes it
        ("applied to China but not to North Korea")."""
        i, skipped = ms[heads[k]][1] - 1, 0
        while i >= 0 and skipped <= 4:
            t = toks[i]
            if at["transparent"].word(t) or t.endswith(_TRANSPARENT_SUFFIX) or t.isdigit():
                i, skipped = i - 1, skipped + 1
                continue
            if i and toks[i - 1] in _EXCLUDING and at["target_preps"].word(t) or t in _EXCLUDING:
                return "-not"
            if i and at["actor_nouns"].word(toks[i - 1]) and (
                t == "of" or (t in ("in", "at") and ms[heads[k]][1] < an_lo)
            ):
                return ""  # "the government of Sri Lanka banned ...", "officials in Chad fear ...": a subject
            return t
        return None

    verdicts: list[tuple[str, str] | None | str] = []  # (iso3, role) | None | "premod" | "subject"
    blocking = False  # a target that owns the anchor ("Venezuelan airspace", "airspace of Niger")
    for k, (m, lo, hi) in enumerate(ms):
        tok = toks[lo]
        force = False
        possessive = sent[m.end : m.end + 2] in ("'s", "’s") or tok.endswith("'s")
        tail_hi = ms[tails[heads[k]]][2]
        after = toks[tail_hi + 1 : tail_hi + 4]
        pre = governing(k)
        object_prep = bool(pre) and at["object_preps"].word(pre)
        head_lo = ms[heads[k]][1]
        prep_ok = bool(pre) and at["target_preps"].word(pre) and (
            lo > an_lo or _opens_clause(toks, head_lo)
            or (migration and at["motion_preps"].word(pre) and an_lo - hi <= 10)
            or (migration and an_lo - hi <= 14 and _cause_before(toks, head_lo, at))
        ) and _near_after(toks, an_lo, head_lo, migration)
        modifier = hi < an_lo and _modifies(m.kind, possessive, toks[hi + 1 : an_lo], at)
        owned = any(at["carrier_nouns"].word(t) for t in after[:1]) or (
            len(after) > 1 and at["carrier_nouns"].word(after[1]) and not _verb_like(after[0], at))
        if pre == "-not" or (lo == hi and any(tok.endswith(s) for s in at["owner_suffixes"].exact)):
            verdicts.append(None)
        elif has_chokepoint and after and at["vessel_nouns"].word(after[0]):
            verdicts.append(None)  # a vessel's flag is incidental at a chokepoint
        elif owned and not (object_prep and prep_ok):
            # "Danish shipping giant", "to French aircraft"; but "Iranian banks were cut off from SWIFT"
            verdicts.append("passive" if sanctions and hi < a_lo else None)
        elif any(at["owner_nouns"].word(t) for t in after[:3]) and not (prep_ok or modifier):
            verdicts.append("passive" if sanctions and hi < a_lo else None)
        elif m.kind == "capital":
            if pre and at["place_preps"].word(pre) and prep_ok:
                verdicts.append((m.iso3, "location"))
            elif object_prep and prep_ok:  # "sanctions against Moscow": the government is the target
                verdicts.append((m.iso3, "affected"))
            elif trig.subject == "self" and hi + 1 == an_lo and not possessive:
                verdicts.append((m.iso3, "location"))  # "Kabul airport", "Beirut port": the place
            elif hi < a_lo and pre is None:
                verdicts.append("passive")  # "Moscow was hit with sanctions": the government
            else:
                verdicts.append(None)
        elif pre is not None and at["actor_preps"].word(pre) and pre in trig.actor_preps and not possessive and not (
            modifier and hi + 1 == an_lo  # "from Indian airspace": the airspace's owner, not an actor
        ):
            verdicts.append(None)  # "closed by Washington", "sanctions from Britain"
            if actors is not None:
                actors.add(m.iso3)
        elif pre and at["with_verbs"].word(pre) and hi < an_lo and "with" in toks[hi + 1 : an_lo][:5]:
            verdicts.append((m.iso3, "affected"))  # "hit Brazil with tariffs", "slapped Iran with sanctions"
        elif trig.designee and a_lo < lo and hi < an_lo:
            verdicts.append((m.iso3, "affected"))  # "listed the Yemeni group as a terrorist entity"
            blocking = True
        elif prep_ok:
            verdicts.append((m.iso3, _prep_role(pre or "", migration, lex)))
            blocking = blocking or pre == "of" or hi < an_lo
        elif pre and at["target_preps"].word(pre) and not modifier:
            verdicts.append(None)  # "killed in Israeli attacks on a refugee camp": not the trigger's phrase
        elif after and not possessive and not migration and (force := at["force_nouns"].word(after[0])) or (
            after and at["actor_nouns"].word(after[0]) and not possessive
            and not (trig.subject == "self" and hi < a_lo)  # "the Chinese government banned exports"
        ):  # armed forces always act: "Russian missiles hit the port", "Russian forces closed the port"
            verdicts.append(None)
            if actors is not None:
                actors.add(m.iso3)
        elif pre is not None and pre != "" and at["other_preps"].word(pre):
            verdicts.append(None)  # "sealed its border with Turkey": not a subject
        elif modifier:
            verdicts.append("premod")
        elif hi < a_lo:
            verdicts.append("subject")
        elif lo > a_hi and all(at["transparent"].word(t) or t.isdigit() for t in toks[a_hi + 1 : lo]):
            verdicts.append((m.iso3, "origin" if migration else "affected"))  # "deported Venezuelans"
        elif lo > a_hi and possessive and lo - a_hi <= 4 and any(at["impact"].word(t) for t in toks[a_hi:lo]):
            verdicts.append((m.iso3, "affected"))  # "sanctions have crippled Iran's economy"
        else:
            verdicts.append(None)

    targets = [v for v in verdicts if isinstance(v, tuple)]
    # a trigger opening a participle clause (", halting ...") has the main clause as its subject
    participle = a_lo > 0 and toks[a_lo - 1] == "," and toks[a_lo].endswith("ing")
    out: list[tuple[str, str]] = []
    for (m, lo, hi), v in zip(ms, verdicts):
        if isinstance(v, tuple):
            out.append(v)
        elif v == "premod":
            possessive = sent[m.end : m.end + 2] in ("'s", "’s") or toks[lo].endswith("'s")
            imposer = m.kind in trig.premod_actor and not possessive
            if trig.subject == "actor" and possessive and targets:
                imposer = True  # "Israel's blockade of Gaza"
            if not imposer:
                out.append((m.iso3, "origin" if migration else "affected"))
                blocking = True
    for (m, lo, hi), v in zip(ms, verdicts):
        if v == "subject" or v == "passive":
            gap = toks[hi + 1 : a_lo]
            if len(gap) > 12 or any(t in (";", ":") for t in gap):
                continue
            if _passive(gap, at):
                out.append((m.iso3, trig.subject_role))  # "Iran was hit by sanctions"
            elif v == "subject" and migration and m.kind == "demonym":
                out.append((m.iso3, "origin"))  # "20,000 Sudanese have crossed into South Sudan"
            elif v == "subject" and trig.subject == "self" and participle:
                continue  # "Israel tightened its blockade, halting deliveries": the blockade halts them
            elif v == "subject" and trig.subject == "self" and not blocking:
                out.append((m.iso3, trig.subject_role))  # "Niger closes (its) airspace"
    if actors is not None:  # "Iran's Revolutionary Guards", "Russian drones": armed forces acting
        for (m, lo, hi), v in zip(ms, verdicts):
            if not isinstance(v, tuple) and hi < a_lo and any(at["force_nouns"].word(t) for t in toks[hi + 1 : hi + 4]):
                actors.add(m.iso3)
    return out


def _passive(gap: list[str], at: dict) -> bool:
    """Does the subject undergo the event? "was hit by", "faces", "is under", "has been"; not an
    active verb after the auxiliary ("is weighing tariffs", "has imposed sanctions")."""
    for j, t in enumerate(gap):
        if at["passive"].word(t):
            return True
        if at["be"].word(t):
            nxt = gap[j + 1] if j + 1 < len(gap) else ""
            if not (nxt.endswith("ing") and nxt != "being"):
                return True
    return False


def _verb_like(tok: str, at: dict) -> bool:
    """A verb between a country and a carrier word ("Poland scrambled jets"): not its carrier."""
    return tok.endswith("ed") or at["be"].word(tok) or tok in ("has", "have", "had", "sends", "sent")


def _cause_before(toks: list[str], head_lo: int, at: dict) -> bool:
    """"fighting in Sudan", "violence in the east of Congo": the place people flee (migration)."""
    for i in range(head_lo - 1, max(head_lo - 7, -1), -1):
        t = toks[i]
        if at["cause_nouns"].word(t):
            return True
        if not (at["transparent"].word(t) or t in ("in", "of", "across")):
            return False
    return False


def _near_after(toks: list[str], an_lo: int, lo: int, migration: bool) -> bool:
    """A prepositional phrase after the anchor belongs to it when close and in the same clause
    ("sanctions on Russia"), not behind a relative clause ("firms that supply parts to Russia").
    `lo` is the coordination head's ("from Mauritania and Senegal"). For migration a "who"
    clause still describes the people ("migrants who had set sail from Libya")."""
    if lo <= an_lo:
        return True
    between = toks[an_lo:lo]
    stops = ("that", "which", "whose", ";", ":") if migration else ("that", "which", "who", "whose", ";", ":")
    return len(between) <= 12 and not any(t in stops for t in between)


def _opens_clause(toks: list[str], head_lo: int) -> bool:
    """Is the preposition governing a mention clause-initial ("In Niger, the junta closed ...")?"""
    i = head_lo - 1
    while i >= 0 and toks[i] in ("the", "a", "an"):
        i -= 1
    return i <= 0 or toks[i - 1] in (",", ";", ":")


def _modifies(kind: str, possessive: bool, gap: list[str], at: dict) -> bool:
    """Does a mention before the anchor modify it? A demonym is an adjective ("Chinese steel
    exports"), a possessive a determiner ("Iran's crude oil exports"); a bare name only when
    adjacent ("Iran sanctions"), else it is a subject ("the US imposed tariffs"). A preposition
    or comma in between breaks the phrase ("Russia's blockade of Ukrainian ports")."""
    if any(t in (",", ";", ":") or at["target_preps"].word(t) for t in gap):
        return False
    if len(gap) > 1 and (at["force_nouns"].word(gap[0]) or at["actor_nouns"].word(gap[0])):
        return False  # "Russia's navy blockaded ...": it modifies the navy, which acts
    if possessive:
        return len(gap) <= 4
    if kind == "demonym":  # a determiner after it starts a new phrase: "the French want the embargo"
        return len(gap) <= 2 and not any(t in ("the", "a", "an", "its", "their", "this", "that") for t in gap)
    return not gap


def _prep_role(pre: str, migration: bool, lex: Lexicon) -> str:
    at = lex.attr
    if migration:
        if at["origin_preps"].word(pre):
            return "origin"
        if at["destination_preps"].word(pre):
            return "destination"
    if at["location_preps"].word(pre):
        return "location"
    return "affected"
