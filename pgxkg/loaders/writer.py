"""The one writer: batched ``UNWIND ... MERGE`` on schema keys, one transaction per batch.

A batch either lands whole or not at all (its own transaction, retried on
transient errors); MERGE on the unique keys makes every batch idempotent, so a
build that dies part-way converges when it is run again. A group of rows that
has nothing in the graph yet (a fresh store) is written with CREATE instead,
which skips MERGE's per-row lookups; see ``GroupQueries`` for why that is safe.

In a build of every source each row is the whole of its node or relationship, so
MERGE replaces the properties and ``sources`` (``replace_*.cypher``): whatever an
earlier build left is gone and the result is exactly what CREATE makes on a fresh
store. A build of some sources (``merge_*.cypher``) replaces what only the rebuilt sources
vouch for and adds to what other sources also give.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from neo4j import ManagedTransaction
from neo4j.exceptions import ClientError

from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import fill, read_cypher
from pgxkg.graph.schema import key_of
from pgxkg.loaders.collect import Collection

T = TypeVar("T")
BATCH_SIZE = 10_000
Progress = Callable[[str, int], None]  # (what, rows just written)


@dataclass
class WriteSummary:
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    node_seconds: float = 0.0
    relationship_seconds: float = 0.0
    first_load_groups: list[str] = field(default_factory=list)  # written by CREATE, see GroupQueries

    @property
    def node_total(self) -> int:
        return sum(self.nodes.values())

    @property
    def relationship_total(self) -> int:
        return sum(self.relationships.values())


@dataclass(frozen=True)
class GroupQueries:
    """The queries for one label or one (type, start label, end label) group of rows.

    ``merge`` is always safe (``replace_*.cypher`` in a build of every source, else
    ``merge_*.cypher``). ``create`` is the faster first load, used only when the
    graph has nothing of the group yet (no node of the label; no relationship of the
    type from the start label): the rows are unique keys, so nothing can be created
    twice. A batch that is retried (its first attempt may have committed before the
    connection dropped) uses ``merge``.
    """

    merge: str
    create: str


def batches(rows: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def node_queries(label: str, every_source: bool = False) -> GroupQueries:
    def query(name: str) -> str:
        return fill(read_cypher("pgxkg.loaders", name), label=label, key=key_of(label))

    return GroupQueries(query("replace_nodes" if every_source else "merge_nodes"), query("create_nodes"))


def edge_query(name: str, rel_type: str, start: str, end: str) -> str:
    return fill(read_cypher("pgxkg.loaders", name), type=rel_type, start=start,
                start_key=key_of(start), end=end, end_key=key_of(end))


def edge_queries(rel_type: str, start: str, end: str, every_source: bool = False) -> GroupQueries:
    return GroupQueries(edge_query("replace_edges" if every_source else "merge_edges", rel_type, start, end),
                        edge_query("create_edges", rel_type, start, end))


def stored_count(graph: Graph, label: str, rel_type: str | None = None) -> int | None:
    """Nodes with ``label``, or relationships of ``rel_type`` starting at one, from the counts
    store; None if the server will not tell (then every batch MERGEs)."""
    try:  # sent as a write, so a cluster answers from its leader, never from a lagging reader
        data = graph.write(read_cypher("pgxkg.loaders", "stored_counts"))[0]["data"]
    except ClientError:
        return None
    if rel_type is None:
        return sum(row["count"] for row in data["nodes"] if row.get("label") == label)
    return sum(row["count"] for row in data["relationships"]
               if row.get("startLabel") == label and row.get("relationshipType") == rel_type)


def node_groups(collection: Collection) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (label, key), entry in sorted(collection.nodes.items()):
        groups[label].append({"key": key, "props": entry.props, "sources": entry.sources})
    return groups


def edge_groups(collection: Collection) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for (rel, start, end), entry in sorted(collection.edges.items()):
        row = {"start": start[1], "end": end[1], "props": entry.props, "sources": entry.sources}
        groups[(rel, start[0], end[0])].append(row)
    return groups


def write_collection(
    graph: Graph, collection: Collection, batch_size: int = BATCH_SIZE,
    progress: Progress | None = None, every_source: bool = False, rebuilt: list[str] | None = None,
) -> WriteSummary:
    """Write every node, then every relationship; returns how many of each were written.

    ``every_source``: the collection holds every source, so each row replaces its node's
    or relationship's properties and ``sources`` (see the module docstring).
    ``rebuilt`` (a build of some sources) names the sources this build loads again: what only
    they vouch for is replaced, not added to (see merge_nodes.cypher), so a fact a source
    stopped giving does not linger.
    """
    rebuilt = list(rebuilt or [])
    summary = WriteSummary()
    started = time.perf_counter()
    for label, rows in node_groups(collection).items():
        first_load = stored_count(graph, label) == 0
        _write_batches(graph, node_queries(label, every_source), first_load, rows, batch_size, label,
                       progress, rebuilt)
        if first_load:
            summary.first_load_groups.append(label)
        summary.nodes[label] = len(rows)
    summary.node_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for (rel, start, end), rows in edge_groups(collection).items():
        first_load = stored_count(graph, start, rel) == 0
        _write_batches(graph, edge_queries(rel, start, end, every_source), first_load, rows, batch_size, rel,
                       progress, rebuilt)
        if first_load:
            summary.first_load_groups.append(f"({start})-[{rel}]->({end})")
        summary.relationships[rel] = summary.relationships.get(rel, 0) + len(rows)
    summary.relationship_seconds = time.perf_counter() - started
    return summary


def _write_batches(
    graph: Graph, queries: GroupQueries, first_load: bool, rows: list[dict[str, Any]], size: int,
    what: str, progress: Progress | None, rebuilt: list[str] | None = None,
) -> None:
    for batch in batches(rows, size):
        graph.write_transaction(batch_work(queries, batch, first_load, rebuilt))
        if progress:
            progress(what, len(batch))


def batch_work(
    queries: GroupQueries, batch: list[dict[str, Any]], first_load: bool, rebuilt: list[str] | None = None,
) -> Callable[[ManagedTransaction], None]:
    """The transaction function for one batch: CREATE on its first attempt of a first load,
    MERGE on any retry, since the attempt before may have committed."""
    attempts = 0

    def work(tx: ManagedTransaction) -> None:
        nonlocal attempts
        attempts += 1
        query = queries.create if first_load and attempts == 1 else queries.merge
        tx.run(query, rows=batch, rebuilt=list(rebuilt or [])).consume()

    return work


def write_naively(graph: Graph, collection: Collection, limit: int | None = None,
                  labels: Iterable[str] | None = None) -> int:
    """The benchmark's baseline: one MERGE per row, one transaction each. Returns rows written."""
    written = 0
    for (rel, start, end), rows in edge_groups(collection).items():
        if labels and rel not in labels:
            continue
        query = edge_query("merge_edges_naive", rel, start, end)
        for row in rows[: limit - written if limit else None]:
            graph.write(query, start=row["start"], end=row["end"], props=row["props"],
                        sources=row["sources"])
            written += 1
        if limit and written >= limit:
            break
    return written
