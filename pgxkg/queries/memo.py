"""Answers kept for the next request, beside the reference data they were computed from.

A batch of genotypes repeats itself: the same CYP2D6 *1/*4 item, the same drug verdict for the same
fired rules. What depends only on the reference data and such a key is kept in a plain dict owned by
that snapshot (``ReferenceData``, its ``Vocabulary``, a drug's evidence), so a rebuild, which replaces
the snapshot, drops every kept answer with it. Kept answers are shared between reports: whoever reads
one copies what it changes.
"""

from __future__ import annotations

from typing import Any

LIMIT = 4096  # answers kept per cache before it starts over
KEEP_CHARS = 100  # a genotype item longer than this is not kept: read anew each time (memory stays bounded)


def kept(cache: dict[Any, Any], limit: int = LIMIT) -> dict[Any, Any]:
    """``cache``, emptied first when it holds more than ``limit`` answers (memory stays bounded
    whatever the inputs; a batch that repeats itself fills it again at once)."""
    if len(cache) > limit:
        cache.clear()
    return cache
