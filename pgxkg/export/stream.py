"""Stream a read query's rows: the driver pulls them from Neo4j in batches, never all at once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import neo4j

from pgxkg.graph.connection import Graph, translate

BATCH = 5_000


def stream(graph: Graph, query: str, batch: int = BATCH, **params: Any) -> Iterator[dict[str, Any]]:
    """Rows of ``query`` one by one; the server sends ``batch`` records per round trip."""
    try:
        with graph.driver.session(database=graph.settings.database, fetch_size=batch,
                                  default_access_mode=neo4j.READ_ACCESS) as session:
            for record in session.run(query, params):
                yield record.data()
    except Exception as error:  # unreachable server or bad credentials become a clear error
        mapped = translate(graph.settings, error)
        if mapped is error:
            raise
        raise mapped from error
