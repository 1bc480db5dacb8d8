"""Writers: GraphML and GEXF through networkx; Cytoscape.js JSON, KGX TSV and CSV written row by row.

The row writers take iterators, so a full export streams from Neo4j to disk
without a graph in memory; for a selection they are fed from the networkx graph.
KGX and CSV are two tables (nodes, edges): written as ``PREFIX_nodes.tsv`` and
``PREFIX_edges.tsv`` beside each other, or as one ``.zip`` holding ``nodes.tsv``
and ``edges.tsv`` when the path ends in ``.zip``.
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
    stem = out.with_suffix("") if out.suffix == fmt.extension else out
    return [stem.with_name(f"{stem.name}_{table}{fmt.extension}") for table in ("nodes", "edges")]


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
    if out.suffix == ".zip":  # one member at a time: a zip takes one open writer
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, (header, rows) in zip(("nodes", "edges"), tables, strict=True):
                with io.TextIOWrapper(archive.open(f"{name}{fmt.extension}", "w", force_zip64=True),
                                      encoding="utf-8", newline="") as handle:
                    _write_rows(handle, header, rows, kgx)
    else:
        for path, (header, rows) in zip(output_paths(fmt, out), tables, strict=True):
            with open(path, "w", encoding="utf-8", newline="") as handle:
                _write_rows(handle, header, rows, kgx)
    return output_paths(fmt, out)


def _write_rows(handle: IO[str], header: list[str], rows: Iterable[dict], kgx: bool) -> None:
    if kgx:  # KGX TSV is line-based: no quoting, so tabs and line breaks inside values become spaces
        writer = csv.DictWriter(handle, header, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar=None,
                                quotechar=None, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _CONTROL.sub(" ", v) if isinstance(v, str) else v for k, v in row.items()})
    else:
        writer = csv.DictWriter(handle, header, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


# KGX: https://github.com/biolink/kgx/blob/master/specification/kgx-format.md
KGX_NODE = ["id", "category", "name", "provided_by", "xref"]
KGX_EDGE = ["id", "subject", "predicate", "object", "category", "original_predicate",
            "knowledge_level", "agent_type", "provided_by"]


def kgx_node_columns(columns: list[str]) -> list[str]:
    return KGX_NODE + [c for c in columns if c not in {"id", "category", "name", "label", "sources"}]


def kgx_edge_columns(columns: list[str]) -> list[str]:
    return KGX_EDGE + [c for c in columns if c not in {"id", "label", "predicate", "sources"}]


def _kgx_node(row: model.NodeRow) -> dict:
    _ident, attrs = row
    cells = {k: v for k, v in attrs.items() if k not in {"label", "sources"}}
    cells["provided_by"] = attrs.get("sources", "")
    cells["xref"] = _xref(attrs)
    return cells


def _kgx_edge(row: model.EdgeRow) -> dict:
    start, end, key, attrs = row
    cells = {k: v for k, v in attrs.items() if k not in {"label", "predicate", "sources"}}
    cells.update(subject=start, object=end, predicate=attrs["predicate"], category="biolink:Association",
                 original_predicate=key, knowledge_level="not_provided", agent_type="not_provided",
                 provided_by=attrs.get("sources", ""))
    return cells


def _xref(attrs: dict) -> str:
    """CURIEs other resources use for this node, where its key or properties give one."""
    kind, key = attrs["type"], attrs["key"]
    refs = []
    if kind in {"Disease", "PhenotypicFeature"} and ":" in key:
        refs.append(key)
    elif kind == "Variant" and attrs.get("rsid"):
        refs.append(f"DBSNP:{attrs['rsid']}")
    elif kind == "Publication":
        refs.append(f"PMID:{key}")
    elif kind == "Gene":
        refs.append(f"HGNC.SYMBOL:{key}")
        if attrs.get("ncbi_gene_id"):
            refs.append(f"NCBIGene:{attrs['ncbi_gene_id']}")
    elif kind == "Drug" and attrs.get("rxnorm"):
        refs.append(f"RXCUI:{attrs['rxnorm']}")
    elif kind == "DrugClass":
        refs.append(f"ATC:{key}")
    return model.LIST_SEPARATOR.join(refs)
