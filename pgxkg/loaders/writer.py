"""The one writer: batched ``UNWIND ... MERGE`` on schema keys, one transaction per batch.

A batch either lands whole or not at all (its own transaction, retried on
transient errors); MERGE on the unique keys makes every batch idempotent, so a
build that dies part-way converges when it is run again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import fill, read_cypher
from pgxkg.graph.schema import key_of
from pgxkg.loaders.collect import Collection, Entry

T = TypeVar("T")
BATCH_SIZE = 10_000
Progress = Callable[[str, int], None]  # (what, rows just written)


@dataclass
class WriteSummary:
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)

    @property
    def node_total(self) -> int:
        return sum(self.nodes.values())

    @property
    def relationship_total(self) -> int:
        return sum(self.relationships.values())


def batches(rows: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def node_query(label: str) -> str:
    return fill(read_cypher("pgxkg.loaders", "merge_nodes"), label=label, key=key_of(label))


def edge_query(rel_type: str, start: str, end: str, naive: bool = False) -> str:
    template = read_cypher("pgxkg.loaders", "merge_edges_naive" if naive else "merge_edges")
    return fill(template, type=rel_type, start=start, start_key=key_of(start), end=end,
                end_key=key_of(end))


def _row(key: Any, entry: Entry, **ends: str) -> dict[str, Any]:
    return {"key": key, **ends, "props": entry.props, "sources": entry.sources}


def node_groups(collection: Collection) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (label, key), entry in sorted(collection.nodes.items()):
        groups[label].append(_row(key, entry))
    return groups


def edge_groups(collection: Collection) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for (rel, start, end), entry in sorted(collection.edges.items()):
        row = {"start": start[1], "end": end[1], "props": entry.props, "sources": entry.sources}
        groups[(rel, start[0], end[0])].append(row)
    return groups


def write_collection(
    graph: Graph, collection: Collection, batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> WriteSummary:
    """Write every node, then every relationship; returns how many of each were written."""
    summary = WriteSummary()
    for label, rows in node_groups(collection).items():
        _write_batches(graph, node_query(label), rows, batch_size, label, progress)
        summary.nodes[label] = len(rows)
    for (rel, start, end), rows in edge_groups(collection).items():
        _write_batches(graph, edge_query(rel, start, end), rows, batch_size, rel, progress)
        summary.relationships[rel] = summary.relationships.get(rel, 0) + len(rows)
    return summary


def _write_batches(
    graph: Graph, query: str, rows: list[dict[str, Any]], size: int, what: str,
    progress: Progress | None,
) -> None:
    for batch in batches(rows, size):
        graph.write_transaction(lambda tx, batch=batch: tx.run(query, rows=batch).consume())
        if progress:
            progress(what, len(batch))


def write_naively(graph: Graph, collection: Collection, limit: int | None = None,
                  labels: Iterable[str] | None = None) -> int:
    """The benchmark's baseline: one MERGE per row, one transaction each. Returns rows written."""
    written = 0
    for (rel, start, end), rows in edge_groups(collection).items():
        if labels and rel not in labels:
            continue
        query = edge_query(rel, start, end, naive=True)
        for row in rows[: limit - written if limit else None]:
            graph.write(query, start=row["start"], end=row["end"], props=row["props"],
                        sources=row["sources"])
            written += 1
        if limit and written >= limit:
            break
    return written
