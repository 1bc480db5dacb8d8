"""Read an export back into networkx (round trips, and for users of the table formats)."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import networkx as nx
import pandas as pd

from pgxkg.export.writers import FORMATS, table_paths


def read_export(format_name: str, out: Path) -> nx.MultiDiGraph:
    """The graph an export to ``out`` wrote, as a MultiDiGraph keyed like the exported one."""
    fmt = FORMATS[format_name]
    if fmt.name == "graphml":
        return nx.read_graphml(out, force_multigraph=True)
    if fmt.name == "gexf":
        return _from_gexf(nx.read_gexf(out))
    if fmt.name == "cytoscape":
        return nx.cytoscape_graph(json.loads(out.read_text(encoding="utf-8")))
    options = ({"sep": "\t", "quoting": csv.QUOTE_NONE} if fmt.name == "kgx" else {})
    if out.suffix == ".zip":
        with zipfile.ZipFile(out) as archive:
            nodes, edges = (pd.read_csv(archive.open(f"{t}{fmt.extension}"), dtype=str, keep_default_na=False,
                                        **options) for t in ("nodes", "edges"))
    else:
        nodes, edges = (pd.read_csv(p, dtype=str, keep_default_na=False, **options)
                        for p in table_paths(fmt, out))
    if fmt.name == "kgx":  # undo KGX's names: subject, object, original_predicate "pgxkg:TYPE", the edge category
        edges = edges.rename(columns={"subject": "source", "object": "target", "original_predicate": "key"})
        edges["key"] = edges["key"].str.removeprefix("pgxkg:")
        edges = edges.drop(columns="category").assign(label=edges["key"])
    graph = nx.MultiDiGraph()
    for row in nodes.to_dict("records"):
        graph.add_node(row["id"], **{k: v for k, v in row.items() if v != ""})
    for row in edges.to_dict("records"):
        graph.add_edge(row.pop("source"), row.pop("target"), key=row.pop("key"),
                       **{k: v for k, v in row.items() if v != ""})
    return graph


def _from_gexf(read: nx.Graph) -> nx.MultiDiGraph:
    """Undo GEXF's renames: node ``key`` is stored as ``networkx_key``; a graph without parallel
    edges comes back simple, keyed by nothing (the edge label is the relationship type)."""
    graph = nx.MultiDiGraph()
    for node, data in read.nodes(data=True):
        data = dict(data)
        if "networkx_key" in data:
            data["key"] = data.pop("networkx_key")
        graph.add_node(node, id=node, **data)
    if read.is_multigraph():
        for start, end, key, data in read.edges(keys=True, data=True):
            graph.add_edge(start, end, key=key, **data)
    else:
        for start, end, data in read.edges(data=True):
            graph.add_edge(start, end, key=data["label"], **data)
    return graph
