"""Deduplicate records from every adapter into one set of nodes and edges.

A node or edge met in several sources keeps every source in ``sources``; for a
property given by several sources the last adapter in build order wins, so the
result is the same on every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pgxkg.graph.schema import RELS_BY_TYPE
from pgxkg.loaders.records import EdgeRecord, NodeRecord, Record

NodeKey = tuple[str, str]
EdgeKey = tuple[str, NodeKey, NodeKey]


@dataclass
class Entry:
    props: dict[str, Any] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def merge(self, props: Any, source: str) -> None:
        if props:
            self.props.update({k: v for k, v in props.items() if v is not None})
        if source not in self.sources:
            self.sources.append(source)


@dataclass
class Collection:
    nodes: dict[NodeKey, Entry] = field(default_factory=dict)
    edges: dict[EdgeKey, Entry] = field(default_factory=dict)
    implicit_nodes: int = 0

    def add(self, record: Record, source: str) -> None:
        if isinstance(record, NodeRecord):
            self.nodes.setdefault((record.label, record.key), Entry()).merge(record.props, source)
        else:
            self.add_edge(record, source)

    def add_edge(self, record: EdgeRecord, source: str) -> None:
        key = (record.type, record.start, record.end)
        entry = self.edges.setdefault(key, Entry())
        if record.type == "WHEN":
            # A rule may test several genotypes of one variant (rs9923231 CT or TT): one edge to that
            # variant, listing every condition, so none is lost when the edges merge.
            conditions = sorted({*entry.props.get("conditions", ()), record.props["condition"]})
            entry.merge({**record.props, "conditions": conditions}, source)
            return
        entry.merge(record.props, source)

    def close_dangling(self) -> None:
        """Give every edge endpoint a node (key only) so no relationship is silently dropped."""
        for (_, start, end), entry in self.edges.items():
            for node in (start, end):
                if node not in self.nodes:
                    self.nodes[node] = Entry(sources=list(entry.sources))
                    self.implicit_nodes += 1

    def nodes_of(self, label: str) -> list[tuple[str, Entry]]:
        return [(key, entry) for (lab, key), entry in self.nodes.items() if lab == label]

    def rename_nodes(self, label: str, renames: dict[str, str]) -> None:
        """Move nodes to new keys (entity resolution), merging into nodes already there."""
        if not renames:
            return
        for old, new in renames.items():
            entry = self.nodes.pop((label, old), None)
            if entry is None:
                continue
            target = self.nodes.setdefault((label, new), Entry())
            for source in entry.sources:
                target.merge({k: v for k, v in entry.props.items() if k not in target.props}, source)

        def moved(node: NodeKey) -> NodeKey:
            return (label, renames[node[1]]) if node[0] == label and node[1] in renames else node

        old_nodes = {(label, old) for old in renames}
        touched = [key for key in self.edges if key[1] in old_nodes or key[2] in old_nodes]
        for rel, start, end in touched:  # only the edges that meet a renamed node are rebuilt
            entry = self.edges.pop((rel, start, end))
            target = self.edges.setdefault((rel, moved(start), moved(end)), Entry())
            for source in entry.sources:
                target.merge(entry.props, source)

    def relabel_nodes(self, old_label: str, new_label: str, moves: dict[str, str]) -> int:
        """Move nodes to another label (a drug class named as a drug -> DrugClass): each old key's
        provenance joins the new node; edges follow where the schema lets them end there, the others
        (an alternative, an ATC membership of the class itself) are dropped. Returns edges dropped."""
        if not moves:
            return 0
        for old, new in moves.items():
            entry = self.nodes.pop((old_label, old), None)
            target = self.nodes.setdefault((new_label, new), Entry())
            for source in entry.sources if entry else []:
                target.merge({}, source)

        def moved(node: NodeKey) -> NodeKey:
            return (new_label, moves[node[1]]) if node[0] == old_label and node[1] in moves else node

        dropped = 0
        old_nodes = {(old_label, old) for old in moves}
        touched = [key for key in self.edges if key[1] in old_nodes or key[2] in old_nodes]
        for rel, start, end in touched:
            entry = self.edges.pop((rel, start, end))
            new_start, new_end = moved(start), moved(end)
            schema = RELS_BY_TYPE[rel]
            if new_start[0] not in schema.start or new_end[0] not in schema.end or new_start == new_end:
                dropped += 1
                continue
            target = self.edges.setdefault((rel, new_start, new_end), Entry())
            for source in entry.sources:
                target.merge(entry.props, source)
        return dropped
