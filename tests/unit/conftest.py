"""Unit tier: no database at all. A unit test that asks for a Neo4j fixture is a collection error."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent
# The session fixtures of tests/conftest.py that start or need Neo4j.
DATABASE_FIXTURES = frozenset({"settings", "graph", "empty_graph", "loaded_graph", "built_report", "reference"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    wrong = [f"{item.nodeid} uses {sorted(DATABASE_FIXTURES & set(item.fixturenames))}"
             for item in items
             if item.path.is_relative_to(HERE) and DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))]
    if wrong:
        raise pytest.UsageError("unit tests must not use the database; move them to tests/integration:\n  "
                                + "\n  ".join(wrong))
