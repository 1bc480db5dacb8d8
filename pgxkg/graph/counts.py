"""Nodes per label and relationships per type, from Neo4j's count store."""

from __future__ import annotations

from neo4j.exceptions import ClientError

from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher


def graph_counts(graph: Graph) -> dict[str, dict[str, int]]:
    """``{"nodes": {label: n}, "relationships": {type: n}}``, labels and types sorted, zeros left out.

    Read from the count store in constant time; a server that refuses ``db.stats.retrieve``
    (a locked-down external one) is answered by a scan instead.
    """
    try:
        row = graph.read(read_cypher("pgxkg.graph", "count_store"))[0]
    except ClientError:
        row = graph.read(read_cypher("pgxkg.graph", "count_scan"))[0]
    return {"nodes": dict(sorted((label, n) for label, n in row["nodes"] if n)),
            "relationships": dict(sorted((rel, n) for rel, n in row["relationships"] if n))}
