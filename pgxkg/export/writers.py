"""Writers: GraphML and GEXF through networkx; Cytoscape.js JSON, KGX TSV and CSV written row by row.

The row writers take iterators, so a full export streams from Neo4j to disk
without a graph in memory; for a selection they are fed from the networkx graph.
KGX and CSV are two tables (nodes, edges): written as ``PREFIX_nodes.tsv`` and
``PREFIX_edges.tsv`` beside each other, or as one ``.zip`` holding ``nodes.tsv``
and ``edges.tsv`` when the path ends in ``.zip``. KGX adds ``PREFIX_metadata.json``
(``metadata.json`` in a zip): the prefix map of every CURIE in the tables and the
knowledge sources behind the ``infores:`` ids.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import networkx as nx

from pgxkg.export import model
from pgxkg.export.identifiers import CURIE_MAP
from pgxkg.export.knowledge_sources import INFORES, SOURCES
from pgxkg.graph.schema import BIOLINK_VERSION

_CONTROL = re.compile(r"[\t\r\n]+")


@dataclass(frozen=True)
class Format:
    name: str
    extension: str  # of the single file, or of each table
    media_type: str
    tables: bool = False  # nodes + edges tables
    in_memory: bool = False  # networkx must hold the graph to write it


FORMATS: dict[str, Format] = {
    "graphml": Format("graphml", ".graphml", "application/graphml+xml", in_memory=True),
    "gexf": Format("gexf", ".gexf", "application/gexf+xml", in_memory=True),
    "cytoscape": Format("cytoscape", ".cyjs", "application/json"),
    "kgx": Format("kgx", ".tsv", "text/tab-separated-values", tables=True),
    "csv": Format("csv", ".csv", "text/csv", tables=True),
}


def output_paths(fmt: Format, out: Path) -> list[Path]:
    """The files an export to ``out`` writes."""
    if not fmt.tables or out.suffix == ".zip":
        return [out]
    return table_paths(fmt, out) + ([metadata_path(out)] if fmt.name == "kgx" else [])


def table_paths(fmt: Format, out: Path) -> list[Path]:
    """The nodes and edges tables of a table export to ``out`` (not a zip)."""
    stem = out.with_suffix("") if out.suffix == fmt.extension else out
    return [stem.with_name(f"{stem.name}_{table}{fmt.extension}") for table in ("nodes", "edges")]


def metadata_path(out: Path) -> Path:
    stem = out.with_suffix("") if out.suffix == ".tsv" else out
    return stem.with_name(f"{stem.name}_metadata.json")


def write_graph(graph: nx.MultiDiGraph, fmt: Format, out: Path) -> list[Path]:
    """Write a selection held in a networkx graph."""
    if fmt.name == "graphml":
        nx.write_graphml(graph, out)  # lxml: written incrementally
        return [out]
    if fmt.name == "gexf":
        model.uniform_types(attrs for _, attrs in graph.nodes(data=True))
        model.uniform_types(attrs for *_, attrs in graph.edges(keys=True, data=True))
        nx.write_gexf(graph, out)
        return [out]
    nodes, edges = graph.nodes(data=True), graph.edges(keys=True, data=True)
    if fmt.name == "cytoscape":
        return write_cytoscape(iter(nodes), iter(edges), out, dict(graph.graph))
    node_columns = model.columns_for("node", {}) + _extra(attrs for _, attrs in nodes)
    edge_columns = model.columns_for("edge", {}) + _extra(attrs for *_, attrs in edges)
    return write_tables(fmt, iter(nodes), iter(edges), node_columns, edge_columns, out)


def _extra(rows: Iterable[dict]) -> list[str]:
    names: dict[str, None] = {}
    for attrs in rows:
        names.update(dict.fromkeys(attrs))
    return sorted(set(names) - set(model.NODE_FIELDS) - set(model.EDGE_FIELDS))


def write_cytoscape(nodes: Iterator[model.NodeRow], edges: Iterator[model.EdgeRow], out: Path,
                    graph_data: dict | None = None) -> list[Path]:
    """Cytoscape.js JSON in networkx's ``cytoscape_data`` layout (read back with ``cytoscape_graph``);
    ``graph_data`` (e.g. ``data_sources``) becomes the graph's attributes."""
    with open(out, "w", encoding="utf-8") as handle:
        handle.write('{"data": ' + json.dumps([list(item) for item in (graph_data or {}).items()], ensure_ascii=False)
                     + ', "directed": true, "multigraph": true, "elements": {"nodes": [\n')
        for index, (ident, attrs) in enumerate(nodes):
            data = {**attrs, "id": ident, "value": ident, "name": attrs.get("name", ident)}
            handle.write(("," if index else "") + json.dumps({"data": data}, ensure_ascii=False) + "\n")
        handle.write('], "edges": [\n')
        for index, (start, end, key, attrs) in enumerate(edges):
            data = {**attrs, "source": start, "target": end, "key": key}
            handle.write(("," if index else "") + json.dumps({"data": data}, ensure_ascii=False) + "\n")
        handle.write("]}}\n")
    return [out]


def write_tables(fmt: Format, nodes: Iterator[model.NodeRow], edges: Iterator[model.EdgeRow],
                 node_columns: list[str], edge_columns: list[str], out: Path) -> list[Path]:
    kgx = fmt.name == "kgx"
    node_header = kgx_node_columns(node_columns) if kgx else node_columns
    edge_header = kgx_edge_columns(edge_columns) if kgx else ["source", "target", "key", *edge_columns]
    node_cells: Callable = _kgx_node if kgx else (lambda row: row[1])
    edge_cells: Callable = _kgx_edge if kgx else (
        lambda row: {**row[3], "source": row[0], "target": row[1], "key": row[2]})
    tables = [(node_header, map(node_cells, nodes)), (edge_header, map(edge_cells, edges))]
    counts: list[int] = []
    if out.suffix == ".zip":  # one member at a time: a zip takes one open writer
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, (header, rows) in zip(("nodes", "edges"), tables, strict=True):
                with io.TextIOWrapper(archive.open(f"{name}{fmt.extension}", "w", force_zip64=True),
                                      encoding="utf-8", newline="") as handle:
                    counts.append(_write_rows(handle, header, rows, kgx))
            if kgx:
                archive.writestr("metadata.json", kgx_metadata(*counts))
    else:
        for path, (header, rows) in zip(table_paths(fmt, out), tables, strict=True):
            with open(path, "w", encoding="utf-8", newline="") as handle:
                counts.append(_write_rows(handle, header, rows, kgx))
        if kgx:
            metadata_path(out).write_text(kgx_metadata(*counts), encoding="utf-8")
    return output_paths(fmt, out)


def _write_rows(handle: IO[str], header: list[str], rows: Iterable[dict], kgx: bool) -> int:
    """Write the header and the rows; the number of rows."""
    if kgx:  # KGX TSV is line-based: no quoting, so tabs and line breaks inside values become spaces
        writer = csv.DictWriter(handle, header, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar=None,
                                quotechar=None, lineterminator="\n", extrasaction="ignore")
        rows = ({k: _CONTROL.sub(" ", v) if isinstance(v, str) else v for k, v in row.items()} for row in rows)
    else:
        writer = csv.DictWriter(handle, header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


# KGX: https://github.com/biolink/kgx/blob/master/docs/kgx_format.md
KGX_NODE = ["id", "category", "name", "provided_by", "xref"]
KGX_EDGE = ["id", "subject", "predicate", "object", "category", "original_predicate", "primary_knowledge_source",
            "aggregator_knowledge_source", "knowledge_level", "agent_type"]
_NOT_KGX = {"label"}  # display text for network tools only


def kgx_node_columns(columns: list[str]) -> list[str]:
    return KGX_NODE + [c for c in columns if c not in {*KGX_NODE, *_NOT_KGX}]


def kgx_edge_columns(columns: list[str]) -> list[str]:
    return KGX_EDGE + [c for c in columns if c not in {*KGX_EDGE, *_NOT_KGX, "predicate"}]


def _kgx_node(row: model.NodeRow) -> dict:
    return {k: v for k, v in row[1].items() if k not in _NOT_KGX}


def _kgx_edge(row: model.EdgeRow) -> dict:
    start, end, key, attrs = row
    cells = {k: v for k, v in attrs.items() if k not in _NOT_KGX}
    cells.update(subject=start, object=end, category="biolink:Association", original_predicate=f"pgxkg:{key}")
    return cells


def kgx_metadata(nodes: int, edges: int) -> str:
    """The JSON written beside KGX tables: counts, the Biolink release, the prefix map of every
    CURIE in them, the infores ids and which loaded source each stands for."""
    return json.dumps({
        "name": "pgxkg", "format": "KGX TSV", "biolink_version": BIOLINK_VERSION, "nodes": nodes, "edges": edges,
        "curie_map": CURIE_MAP,
        "knowledge_sources": {i.id: {"name": i.name, "url": i.url, "in_infores_catalog": i.registered}
                              for i in INFORES.values()},
        "sources": {name: {"primary_knowledge_source": ks.primary, "aggregator_knowledge_source": list(ks.aggregators),
                           "by_kind": ks.by_kind} for name, ks in SOURCES.items()},
    }, indent=2) + "\n"
