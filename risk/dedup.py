"""Duplicates: the same document twice is stored once; the same story from several outlets
counts once as a story, with every copy kept as evidence.

- Document id: sha256 of the normalised title and text (NFKC, case-folded, punctuation and
  whitespace collapsed), so a re-fetched or re-saved copy has the same id.
- Story id: MinHash (datasketch, 64 permutations) over word 3-shingles of title + text,
  indexed by LSH in 16 bands of 4 rows (a pair at Jaccard 0.5 shares a band with p ~ 0.65,
  at 0.7 with p ~ 0.99). A candidate sharing a band joins the story when its estimated
  Jaccard similarity is at least `STORY_JACCARD` (rewritten wire copies: a new headline,
  byline, a sentence edited). The story id is the id of the first document of the story.
  Band keys live in the document_bands table, so the look-up is one indexed SQL join.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

# numpy and datasketch (which pulls in scipy: ~1 s of start-up) are imported by the functions
# that use them: `document_id` is needed by every command that reads a document, MinHash only
# by ingest.

NUM_PERM = 64
BANDS, ROWS = 16, 4
STORY_JACCARD = 0.5
"""Estimated Jaccard (3-shingles) at or above which two documents are one story."""

MIN_SHINGLES = 8
"""Below this many shingles (a headline-only item) similarity is too coarse to call two items
one story; such documents get their own story unless their text is identical (same id)."""

_WORD = re.compile(r"\w+", re.UNICODE)
_SEED = 20251126  # fixed: stored signatures must stay comparable across runs


_ASCII_NON_WORD = str.maketrans({c: " " for c in map(chr, range(128)) if not (c.isalnum() or c == "_")})
"""ASCII characters outside \\w, mapped to a space."""


def normalise(text: str) -> str:
    """Case-folded words joined by single spaces: the form ids and hashes are computed on."""
    if text.isascii():
        # The same result, twice as fast (this is most of reading an article): NFKC leaves ASCII
        # alone, casefold() is lower() on it, and splitting at the non-word characters gives
        # exactly the \w+ runs.
        return " ".join(text.lower().translate(_ASCII_NON_WORD).split())
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(text))


def document_id(title: str, text: str) -> str:
    """Stable id of a document: sha256 of its normalised title and text."""
    key = normalise(title) + "\n" + normalise(text)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _shingles(words: list[str], k: int = 3) -> set[bytes]:
    return {" ".join(words[i : i + k]).encode("utf-8") for i in range(len(words) - k + 1)}


@lru_cache(maxsize=1)
def _template() -> Any:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=_SEED)


def signature(title: str, text: str) -> np.ndarray | None:
    """MinHash signature (uint32[NUM_PERM]) of a document, or None when it is too short."""
    import numpy as np
    from datasketch import MinHash

    shingles = _shingles(normalise(f"{title} {text}").split())
    if len(shingles) < MIN_SHINGLES:
        return None
    template = _template()
    m = MinHash(num_perm=NUM_PERM, seed=_SEED, permutations=template.permutations,
                scheme=template.scheme)
    m.update_batch(list(shingles))
    return np.asarray(m.hashvalues, dtype=np.uint32)


def band_keys(sig: np.ndarray) -> list[int]:
    """One 64-bit key per LSH band: documents sharing a key are candidates for one story."""
    keys = []
    for b in range(BANDS):
        chunk = sig[b * ROWS : (b + 1) * ROWS].astype("<u4").tobytes()
        digest = hashlib.blake2b(bytes([b]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little"))
    return keys


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    import numpy as np

    return float(np.mean(np.asarray(a) == np.asarray(b)))


def assign_stories(
    items: Iterable[tuple[str, np.ndarray | None]],
    known: Iterable[tuple[str, np.ndarray]] = (),
    *,
    threshold: float = STORY_JACCARD,
) -> dict[str, str]:
    """Story id for each (document id, signature), in order.

    `known` holds (story id, signature) of stored candidates (those sharing an LSH band with
    this batch). A document joins the most similar known or earlier-in-batch story at or above
    `threshold`; otherwise it starts its own story (its own id).
    """
    import numpy as np

    index: dict[int, list[tuple[str, np.ndarray]]] = {}

    def add(story_id: str, sig: np.ndarray) -> None:
        for key in band_keys(sig):
            index.setdefault(key, []).append((story_id, sig))

    for story_id, sig in known:
        add(story_id, np.asarray(sig, dtype=np.uint32))
    out: dict[str, str] = {}
    for doc_id, sig in items:
        story = doc_id
        if sig is not None:
            best = threshold
            for key in band_keys(sig):
                for story_id, other in index.get(key, ()):
                    sim = similarity(sig, other)
                    if sim >= best:
                        story, best = story_id, sim
            add(story, sig)
        out[doc_id] = story
    return out
