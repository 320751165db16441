"""Duplicate documents and stories: ids stable under formatting, SimHash close for wire copies."""

from __future__ import annotations

from pathlib import Path

from risk.dedup import STORY_JACCARD, assign_stories, document_id, signature, similarity

WIRE = (
    "Authorities closed the main border crossing on Thursday after armed clashes broke out near the "
    "river, stranding hundreds of lorries carrying grain and fuel. Officials said the closure would "
    "last at least three days while troops secured the area. Traders warned that prices in the "
    "capital could rise sharply if the crossing stays shut, and aid agencies said families fleeing "
    "the fighting had begun to gather at the fence. The ministry of transport advised hauliers to "
    "use the northern route, which adds about two hundred kilometres to the journey."
)


def test_document_id_ignores_case_space_and_punctuation() -> None:
    assert document_id("Border closed", WIRE) == document_id("  BORDER  closed!", WIRE.replace(" ", "  "))
    assert document_id("Border closed", WIRE) != document_id("Border reopened", WIRE)


def test_wire_copies_are_one_story_and_other_news_is_not() -> None:
    copy = ("(Agency) - " + WIRE.replace("on Thursday", "on Thursday morning")
            .replace(" The ministry of transport", " The transport ministry") + " Reporting by staff.")
    other = (
        "The central bank raised its main interest rate by half a percentage point on Thursday, "
        "citing stubborn inflation in services and a weaker currency. Economists had expected a "
        "smaller move, and bond yields rose after the announcement. The governor said further "
        "increases were possible if wage growth did not slow in the coming months."
    )
    a = signature("Border crossing closed", WIRE)
    b = signature("Clashes shut border", copy)
    c = signature("Rates up", other)
    assert a is not None and b is not None and c is not None
    assert similarity(a, b) >= STORY_JACCARD > similarity(a, c)
    stories = assign_stories([("a", a), ("b", b), ("c", c)])
    assert stories == {"a": "a", "b": "a", "c": "c"}


def test_headline_only_items_get_no_signature() -> None:
    assert signature("Niger closes airspace", "") is None
    assert assign_stories([("x", None), ("y", None)]) == {"x": "x", "y": "y"}


def test_known_stories_from_the_store_are_joined() -> None:
    h = signature("t", WIRE)
    assert h is not None
    near = h.copy()
    near[:5] += 1  # a few differing hash values: still the same story
    assert assign_stories([("new", near)], [("old-story", h)]) == {"new": "old-story"}


def test_real_feed_items_are_not_merged_wrongly(realdata: Path) -> None:
    from risk.documents import iter_sources
    from risk.models import Document

    docs = [d for d in iter_sources([realdata / "rss_feed_archive"]) if isinstance(d, Document)]
    unique = {d.id: d for d in docs}
    stories = assign_stories((i, signature(d.title, d.text)) for i, d in unique.items())
    merged = [(i, s) for i, s in stories.items() if i != s]
    # Distinct headlines about distinct events must not collapse into one story.
    for i, s in merged:
        assert unique[i].title.split()[:2] == unique[s].title.split()[:2] or unique[i].text == unique[s].text
