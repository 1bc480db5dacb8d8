"""Nodes per label and relationships per type, from Neo4j's count store."""

from __future__ import annotations

from pgxkg.graph.connection import Graph


def graph_counts(graph: Graph) -> dict[str, dict[str, int]]:
    """``{"nodes": {label: n}, "relationships": {type: n}}`` from the count store."""
    labels = [r["label"] for r in graph.read("CALL db.labels() YIELD label RETURN label")]
    types = [r["t"] for r in graph.read(
        "CALL db.relationshipTypes() YIELD relationshipType AS t RETURN t")]
    nodes = {}
    for label in sorted(labels):
        count = graph.read(f"MATCH (n:{_quoted(label)}) RETURN count(n) AS n")[0]["n"]
        if count:
            nodes[label] = count
    relationships = {}
    for rel in sorted(types):
        count = graph.read(f"MATCH ()-[r:{_quoted(rel)}]->() RETURN count(r) AS n")[0]["n"]
        if count:
            relationships[rel] = count
    return {"nodes": nodes, "relationships": relationships}


def _quoted(name: str) -> str:
    """A label or type read from the database itself, quoted so it can only be a name."""
    return "`" + name.replace("`", "``") + "`"
