"""A content hash of the graph: every node's labels and properties, every relationship's
type, endpoints and properties. Two graphs with the same fingerprint hold the same facts.

Build timestamps (``Source.loaded_at``) and the build lock are left out: they
say when, not what.
"""

from __future__ import annotations

import hashlib
import json

from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher

_VOLATILE = {"loaded_at"}



def _stable(props: dict) -> dict:
    return {k: v for k, v in props.items() if k not in _VOLATILE}


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def canonical_lines(graph: Graph) -> tuple[list[str], list[str]]:
    """One sorted text line per node and per relationship: what the fingerprint hashes."""
    nodes = graph.read(read_cypher("pgxkg.graph", "fingerprint_nodes"))
    node_lines = sorted(_canonical([r["labels"], _stable(r["props"])]) for r in nodes)
    rel_lines = sorted(
        _canonical([r["type"], r["al"], r["ak"], r["bl"], r["bk"],
                    r["props"]])
        for r in graph.read(read_cypher("pgxkg.graph", "fingerprint_relationships"))
    )
    return node_lines, rel_lines


def fingerprint(graph: Graph) -> dict[str, object]:
    """``{"nodes": n, "relationships": m, "sha256": ...}`` over the whole graph."""
    node_lines, rel_lines = canonical_lines(graph)
    digest = hashlib.sha256()
    for line in node_lines + rel_lines:
        digest.update(line.encode())
        digest.update(b"\n")
    return {"nodes": len(node_lines), "relationships": len(rel_lines), "sha256": digest.hexdigest()}
