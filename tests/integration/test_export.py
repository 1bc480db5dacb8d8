"""Exports round-trip through networkx and say what the graph says (real Neo4j, real data)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pgxkg.api.app import create_app
from pgxkg.cli import app as cli
from pgxkg.export.read import read_export
from pgxkg.export.select import Selection, select
from pgxkg.export.service import export
from pgxkg.graph.connection import Graph
from pgxkg.graph.counts import graph_counts
from pgxkg.graph.schema import NODES_BY_LABEL, RELS_BY_TYPE
from pgxkg.queries.genotype_input import read_genotype

SELECTION = Selection(centers=("CYP2C19", "clopidogrel"), depth=1, limit=60)
OUTPUTS = {"graphml": "view.graphml", "gexf": "view.gexf", "cytoscape": "view.cyjs", "kgx": "view",
           "csv": "view.zip"}


def neo4j_truth(graph: Graph, node_ids: list[str]) -> tuple[dict[str, dict], set[tuple[str, str, str]], dict]:
    """The exported nodes' properties and the relationships among them, read straight from Neo4j."""
    by_label: dict[str, list[str]] = {}
    for ident in node_ids:
        label, key = ident.split(":", 1)
        by_label.setdefault(label, []).append(key)
    nodes, elements = {}, {}
    for label, keys in by_label.items():
        key = NODES_BY_LABEL[label].key  # a schema identifier, not user input
        for row in graph.read(f"MATCH (n:{label}) WHERE toString(n.{key}) IN $keys "
                              f"RETURN toString(n.{key}) AS key, elementId(n) AS element, properties(n) AS p",
                              keys=keys):
            nodes[f"{label}:{row['key']}"] = row["p"]
            elements[row["element"]] = f"{label}:{row['key']}"
    rows = graph.read("MATCH (a)-[r]->(b) WHERE elementId(a) IN $ids AND elementId(b) IN $ids "
                      "RETURN elementId(a) AS a, type(r) AS t, elementId(b) AS b, properties(r) AS p",
                      ids=list(elements))
    edges = {(elements[r["a"]], r["t"], elements[r["b"]]) for r in rows}
    edge_props = {(elements[r["a"]], r["t"], elements[r["b"]]): r["p"] for r in rows}
    return nodes, edges, edge_props


def joined(value) -> str:
    return "|".join(map(str, value)) if isinstance(value, list) else str(value)


@pytest.mark.parametrize("fmt", list(OUTPUTS))
def test_selection_round_trips_with_its_attributes(loaded_graph: Graph, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / OUTPUTS[fmt]
    result = export(loaded_graph, SELECTION, fmt, out)
    assert all(path.is_file() and path.stat().st_size > 0 for path in result.paths)
    back = read_export(fmt, out)
    assert isinstance(back, nx.MultiDiGraph)

    nodes, edges, edge_props = neo4j_truth(loaded_graph, list(back.nodes))
    assert set(back.nodes) == set(nodes), "every exported node exists in Neo4j under its label and key"
    assert {"Gene:CYP2C19", "Drug:clopidogrel"} <= set(back.nodes)
    assert (back.number_of_nodes(), back.number_of_edges()) == (result.nodes, result.edges)
    assert {(u, k, v) for u, v, k in back.edges(keys=True)} == edges, "exactly the relationships among them"

    for ident, data in back.nodes(data=True):
        label, key = ident.split(":", 1)
        props = nodes[ident]
        assert data["type"] == label and str(data["key"]) == key
        assert data["name"] == str(props.get("name") or props.get("symbol") or key)
        assert data["category"] == NODES_BY_LABEL[label].biolink
        assert data["sources"] == joined(props["sources"])
        if "level" in props:
            assert str(data["level"]) == str(props["level"])
        if label == "Recommendation":
            assert data["recommendation_category"] == props["category"]
    for start, end, rel_type, data in back.edges(keys=True, data=True):
        props = edge_props[(start, rel_type, end)]
        assert data["predicate"] == RELS_BY_TYPE[rel_type].biolink
        assert data["sources"] == joined(props["sources"])
        for level in ("cpic_level", "pharmgkb_level"):
            if props.get(level):
                assert data[level] == props[level]
    interaction = back.edges["Gene:CYP2C19", "Drug:clopidogrel", "INTERACTS_WITH"]
    assert interaction["cpic_level"] == "A"


def test_kgx_uses_biolink_categories_and_predicates(loaded_graph: Graph, tmp_path: Path) -> None:
    paths = export(loaded_graph, SELECTION, "kgx", tmp_path / "pgx").paths
    assert [p.name for p in paths] == ["pgx_nodes.tsv", "pgx_edges.tsv"]
    nodes_header, gene = None, None
    for line in paths[0].read_text().splitlines():
        cells = line.split("\t")
        nodes_header = nodes_header or cells
        if cells[0] == "Gene:CYP2C19":
            gene = dict(zip(nodes_header, cells, strict=True))
    assert nodes_header[:5] == ["id", "category", "name", "provided_by", "xref"]
    assert gene["category"] == "biolink:Gene" and "HGNC.SYMBOL:CYP2C19" in gene["xref"].split("|")
    edge_lines = [line.split("\t") for line in paths[1].read_text().splitlines()]
    header = edge_lines[0]
    assert header[:4] == ["id", "subject", "predicate", "object"]
    rows = [dict(zip(header, cells, strict=True)) for cells in edge_lines[1:]]
    assert all(row["predicate"].startswith("biolink:") for row in rows)
    assert {"subject": "Gene:CYP2C19", "predicate": "biolink:interacts_with", "object": "Drug:clopidogrel"}.items() \
        <= next(r for r in rows if r["object"] == "Drug:clopidogrel" and r["subject"] == "Gene:CYP2C19").items()


def test_genotype_export_is_the_patients_risk_subgraph(loaded_graph: Graph) -> None:
    selected = select(loaded_graph, Selection(genotype=tuple(read_genotype("CYP2C19 *2/*2"))))
    roles = {node: data.get("role") for node, data in selected.nodes(data=True)}
    assert roles["Drug:clopidogrel"] == "risk:avoid"
    assert roles["Gene:CYP2C19"] == "genotyped_gene"
    assert roles["Diplotype:CYP2C19*2/*2"] == "patient_diplotype"
    assert roles["Phenotype:CYP2C19:Poor Metabolizer"] == "patient_phenotype"
    assert roles["Drug:prasugrel"] == "alternative"
    recommendations = [n for n in selected.predecessors("Drug:clopidogrel") if n.startswith("Recommendation:")]
    assert recommendations and all(roles[r].startswith("recommendation:") for r in recommendations)
    assert selected.has_edge("Diplotype:CYP2C19*2/*2", "Phenotype:CYP2C19:Poor Metabolizer", "HAS_PHENOTYPE")
    assert not any(n.startswith(("Variant:", "ClinicalAnnotation:")) for n in selected)


def test_full_export_counts_equal_the_graph_stats(loaded_graph: Graph, tmp_path: Path) -> None:
    out = tmp_path / "all.zip"
    result = CliRunner().invoke(cli, ["export", "--format", "csv", "--all", "--out", str(out)])
    assert result.exit_code == 0, result.output
    counts = graph_counts(loaded_graph)
    back = read_export("csv", out)
    assert back.number_of_nodes() == sum(counts["nodes"].values())
    assert back.number_of_edges() == sum(counts["relationships"].values())
    per_label: dict[str, int] = {}
    for _, data in back.nodes(data=True):
        per_label[data["type"]] = per_label.get(data["type"], 0) + 1
    assert per_label == counts["nodes"]
    per_type: dict[str, int] = {}
    for *_, key in back.edges(keys=True):
        per_type[key] = per_type.get(key, 0) + 1
    assert per_type == counts["relationships"]


def test_cli_export_and_figure(loaded_graph: Graph, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "-f", "gexf", "--center", "warfarin", "-o", str(tmp_path / "w.gexf")])
    assert result.exit_code == 0, result.output
    assert "Drug:warfarin" in read_export("gexf", tmp_path / "w.gexf")
    bad = runner.invoke(cli, ["export", "-f", "dot", "--center", "warfarin", "-o", str(tmp_path / "w.dot")])
    assert bad.exit_code == 1 and "no export format 'dot'" in bad.output
    unknown = runner.invoke(cli, ["export", "-f", "csv", "--center", "clopidogrelx", "-o", str(tmp_path / "x")])
    assert unknown.exit_code == 1 and "clopidogrel" in unknown.output  # a suggestion
    svg, png = tmp_path / "fig.svg", tmp_path / "fig.png"
    for out in (svg, png):
        result = runner.invoke(cli, ["figure", "--center", "clopidogrel", "--limit", "25", "--out", str(out)])
        assert result.exit_code == 0, result.output
    text = svg.read_text()
    assert "<svg" in text and "clopidogrel" in text and "node type" in text and "Recommendation" in text
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


def test_export_endpoint(loaded_graph: Graph, settings, tmp_path: Path) -> None:
    with TestClient(create_app(settings)) as client:
        response = client.get("/export/graphml", params={"center": ["CYP2C19"], "depth": 1, "limit": 30})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/graphml+xml")
        (tmp_path / "v.graphml").write_bytes(response.content)
        back = read_export("graphml", tmp_path / "v.graphml")
        assert back.number_of_nodes() == int(response.headers["x-export-nodes"]) == 31
        assert back.nodes["Gene:CYP2C19"]["category"] == "biolink:Gene"

        response = client.get("/export/kgx", params={"genotype": "CYP2C19 *2/*2"})
        assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
        (tmp_path / "r.zip").write_bytes(response.content)
        assert read_export("kgx", tmp_path / "r.zip").nodes["Drug:clopidogrel"]["role"] == "risk:avoid"

        missing = client.get("/export/dot", params={"center": "CYP2C19"})
        assert missing.status_code == 404 and missing.json()["suggestions"]
        empty = client.get("/export/csv")
        assert empty.status_code == 422 and "say what to export" in empty.json()["detail"]
        both = client.get("/export/csv", params={"all": "true", "center": "CYP2C19"})
        assert both.status_code == 422
        bad = client.get("/export/csv", params={"genotype": "CYP2C19 *2"})
        assert bad.status_code == 422 and "single allele" in bad.json()["detail"]
