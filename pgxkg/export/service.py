"""`pgxkg export` and `GET /export/{format}`: pick the rows, pick the writer, report what was written."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pgxkg.errors import NotFound
from pgxkg.export.select import Selection, all_columns, select, stream_all
from pgxkg.export.writers import FORMATS, Format, write_cytoscape, write_graph, write_tables
from pgxkg.graph.connection import Graph
from pgxkg.graph.status import data_sources
from pgxkg.reference import ReferenceData

T = TypeVar("T")


@dataclass
class ExportResult:
    paths: list[Path]
    nodes: int
    edges: int


def get_format(name: str) -> Format:
    if name not in FORMATS:
        raise NotFound(f"no export format {name!r}",
                           difflib.get_close_matches(name, list(FORMATS), n=2) or list(FORMATS))
    return FORMATS[name]


class _Counted:
    def __init__(self, rows: Iterator[T]) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[T]:
        for row in self.rows:
            self.count += 1
            yield row


def data_sources_text(graph: Graph) -> str:
    """The graph's sources with release and date, one line each (GraphML, GEXF and Cytoscape.js exports carry
    it as the graph attribute ``data_sources``)."""
    return "\n".join(f"{s.source}: {s.release or 'release not recorded'} ({s.date or 'no date'})"
                     for s in data_sources(graph))


def export(graph: Graph, selection: Selection, format_name: str, out: Path,
           reference: ReferenceData | None = None) -> ExportResult:
    """Write the selection to ``out``; a full export in a row format streams without holding the graph.

    ``reference`` answers a genotype selection (see ``select``)."""
    fmt = get_format(format_name)
    selection.check()
    out.parent.mkdir(parents=True, exist_ok=True)
    data = {"data_sources": data_sources_text(graph)}
    if selection.everything and not fmt.in_memory:
        node_rows, edge_rows = stream_all(graph)
        nodes, edges = _Counted(node_rows), _Counted(edge_rows)
        if fmt.name == "cytoscape":
            paths = write_cytoscape(iter(nodes), iter(edges), out, data)
        else:
            node_columns, edge_columns = all_columns(graph)
            paths = write_tables(fmt, iter(nodes), iter(edges), node_columns, edge_columns, out)
        return ExportResult(paths, nodes.count, edges.count)
    selected = select(graph, selection, reference)
    selected.graph.update(data)
    paths = write_graph(selected, fmt, out)
    return ExportResult(paths, selected.number_of_nodes(), selected.number_of_edges())
