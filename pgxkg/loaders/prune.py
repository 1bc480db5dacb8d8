"""Remove what a rebuilt source no longer says.

MERGE only adds and updates, so a node or relationship that an older version of a
source produced would otherwise linger. After a build writes, anything that only
the rebuilt sources vouch for and that this build did not produce is deleted.
Facts another source also vouches for are kept.
"""

from __future__ import annotations

from collections import Counter

from pgxkg.graph.connection import Graph
from pgxkg.graph.counts import graph_counts
from pgxkg.graph.cypher_files import fill, read_cypher
from pgxkg.graph.schema import NODE_TYPES, REL_TYPES
from pgxkg.loaders.collect import Collection
from pgxkg.loaders.writer import batches


def prune(graph: Graph, collection: Collection, source_names: list[str],
          every_source: bool) -> dict[str, int]:
    """Delete stale relationships, then stale nodes; returns how many of each.

    When every source was rebuilt, every fact in the graph came from this build's
    sources, so a type whose count equals what this build produced has nothing
    stale and is not scanned (the count store answers in constant time).
    """
    counts = graph_counts(graph) if every_source else {"nodes": {}, "relationships": {}}
    produced_types = Counter(rel for rel, _, _ in collection.edges)
    produced_labels = Counter(label for label, _ in collection.nodes)
    removed = {"relationships": 0, "nodes": 0}
    produced_edges = set(collection.edges)
    for rel in REL_TYPES:
        if every_source and counts["relationships"].get(rel.type, 0) == produced_types[rel.type]:
            continue
        query = fill(read_cypher("pgxkg.loaders", "stale_edges"), type=rel.type)
        stale = [row["element_id"] for row in graph.read(query, names=source_names)
                 if (rel.type, (row["start_label"], row["start"]), (row["end_label"], row["end"]))
                 not in produced_edges]
        for chunk in batches(stale, 5000):
            graph.write(read_cypher("pgxkg.loaders", "delete_edges"), ids=chunk)
        removed["relationships"] += len(stale)
    for node in NODE_TYPES:
        if node.label in ("Source", "BuildLock") or (
                every_source and counts["nodes"].get(node.label, 0) == produced_labels[node.label]):
            continue
        query = fill(read_cypher("pgxkg.loaders", "stale_nodes"), label=node.label, key=node.key)
        stale_keys = [row["key"] for row in graph.read(query, names=source_names)
                      if (node.label, row["key"]) not in collection.nodes]
        delete = fill(read_cypher("pgxkg.loaders", "delete_nodes"), label=node.label, key=node.key)
        for chunk in batches(stale_keys, 5000):
            graph.write(delete, keys=chunk)
        removed["nodes"] += len(stale_keys)
    return removed


def prune_sources(graph: Graph, source_ids: list[str]) -> int:
    """Delete every Source node but these (``name@version`` ids): other versions of them, and sources
    the build no longer holds (an official release removed from the cache); returns how many. Only
    after a build of every source: by then prune has removed every node and relationship that named
    only such a source, and the writer has replaced the ``sources`` of the rest, so nothing cites
    them and the graph is what a fresh build makes."""
    rows = graph.write(read_cypher("pgxkg.loaders", "stale_sources"), ids=source_ids)
    return rows[0]["removed"] if rows else 0
