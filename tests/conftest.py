"""The test session: two tiers, one real Neo4j, and no unexplained skips in CI.

Tiers, marked by directory (``pytest -m unit`` / ``pytest -m integration``): tests/unit needs
no database and runs first; everything else (tests/integration, tests/reliability) is the
integration tier and talks to a real Neo4j: the embedded server this session starts in its
own temporary home, or NEO4J_URI if set (the tests wipe it).

Tests that need an empty database ask for ``empty_graph``; tests that need the real loaded
data ask for ``loaded_graph``. Collection is ordered so the unit tier runs first, then all
empty-database tests, and the real build happens once, before the loaded-graph tests.

With CI=true an unexpected skip fails the run (tests/skip_guard.py, allow-list in
tests/skip_allowlist.txt).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pgxkg.graph.connection import Graph
from pgxkg.graph.schema_ops import apply_schema
from pgxkg.graph.scratch import free_port, running
from pgxkg.reference import ReferenceData
from pgxkg.settings import Settings
from tests.paths import SHARED_DATA  # noqa: F401 - kept importable from here for older tests

pytest_plugins = ["tests.skip_guard"]

UNIT_DIR = Path(__file__).parent / "unit"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its tier; unit first, then empty-database tests, loaded-graph tests last."""

    def rank(item: pytest.Item) -> int:
        if item.get_closest_marker("unit"):
            return 0
        names = getattr(item, "fixturenames", ())
        if "empty_graph" in names:
            return 1
        if "loaded_graph" in names or "reference" in names:
            return 3
        return 2

    for item in items:
        unit = item.path.is_relative_to(UNIT_DIR)
        item.add_marker(pytest.mark.unit if unit else pytest.mark.integration)
    items.sort(key=rank)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    from tests.official_data import fetch_official_test_data, session_cache

    # The session's own source cache: the user's pinned archives linked in, plus the official files in
    # ../shared/data (tests/official_data.py); official sources fetched for the tests never reach the
    # user's cache.
    cache = session_cache(tmp_path_factory.mktemp("pgxkg-cache"))
    fetch_official_test_data(cache)
    os.environ["PGXKG_CACHE"] = str(cache)
    if os.environ.get("NEO4J_URI"):
        yield Settings.from_env()
        return
    os.environ["PGXKG_HOME"] = str(tmp_path_factory.mktemp("pgxkg-home"))
    os.environ["PGXKG_BOLT_PORT"] = str(free_port())
    os.environ.pop("NEO4J_PASSWORD", None)
    with running(Settings.from_env()) as test_settings:
        yield test_settings


@pytest.fixture(scope="session")
def graph(settings: Settings) -> Iterator[Graph]:
    with Graph.connect(settings) as session_graph:
        yield session_graph


def wipe(graph: Graph) -> None:
    graph.run_implicit("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")


@pytest.fixture()
def empty_graph(graph: Graph) -> Graph:
    """The session database, emptied, with the schema applied."""
    wipe(graph)
    apply_schema(graph)
    return graph


@pytest.fixture(scope="session")
def built_report(graph: Graph, settings: Settings):
    """The real build, from the real fetched sources (pinned and official), run once per session.

    Against a NEO4J_URI that already holds this exact build, the build is a no-op
    (``report.unchanged``) and the loaded graph is used as it is.
    """
    from pgxkg.loaders.build import build

    return build(graph, settings)


@pytest.fixture()
def loaded_graph(graph: Graph, built_report) -> Graph:
    """The session database holding the real graph (built once; tests must not write)."""
    return graph


@pytest.fixture(scope="session")
def reference(graph: Graph, built_report) -> ReferenceData:
    """The real graph's reference data (vocabulary, rules, texts, evidence, allele definitions)."""
    return ReferenceData(graph)
