"""Exports round-trip through networkx and say what the graph says (real Neo4j, real data)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pgxkg.api.app import create_app
from pgxkg.cli import app as cli
from pgxkg.export.identifiers import CURIE_MAP
from pgxkg.export.knowledge_sources import INFORES
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


def by_pgxkg_id(graph: nx.MultiDiGraph) -> dict[str, str]:
    """The exported id (a CURIE) of each node, by the graph's own ``Label:key``."""
    return {data["pgxkg_id"]: node for node, data in graph.nodes(data=True)}


def known_infores(value: str) -> bool:
    return all(ident in INFORES for ident in value.split("|"))


@pytest.mark.parametrize("fmt", list(OUTPUTS))
def test_selection_round_trips_with_its_attributes(loaded_graph: Graph, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / OUTPUTS[fmt]
    result = export(loaded_graph, SELECTION, fmt, out)
    assert all(path.is_file() and path.stat().st_size > 0 for path in result.paths)
    back = read_export(fmt, out)
    assert isinstance(back, nx.MultiDiGraph)

    ids = by_pgxkg_id(back)
    assert len(ids) == back.number_of_nodes(), "one exported id per graph node"
    nodes, edges, edge_props = neo4j_truth(loaded_graph, list(ids))
    assert set(ids) == set(nodes), "every exported node exists in Neo4j under its label and key"
    assert (back.number_of_nodes(), back.number_of_edges()) == (result.nodes, result.edges)
    assert {(back.nodes[u]["pgxkg_id"], k, back.nodes[v]["pgxkg_id"]) for u, v, k in back.edges(keys=True)} \
        == edges, "exactly the relationships among them"

    # Known ids: clopidogrel's RxNorm CUI; CYP2C19 by HGNC id once the data carries one, else its declared fallback
    assert ids["Drug:clopidogrel"] == "RXNORM:32968"
    cyp2c19 = nodes["Gene:CYP2C19"]
    assert ids["Gene:CYP2C19"] == ("HGNC:2621" if cyp2c19.get("hgnc") else
                                   "NCBIGene:1557" if cyp2c19.get("ncbi_gene_id") else "pgxkg:Gene/CYP2C19")
    for pgxkg_id, ident in ids.items():
        data = back.nodes[ident]
        label, key = pgxkg_id.split(":", 1)
        props = nodes[pgxkg_id]
        assert data["id"] == ident and ident.split(":", 1)[0] in CURIE_MAP, ident
        assert data["type"] == label and str(data["key"]) == key
        assert data["name"] == str(props.get("name") or props.get("symbol") or key)
        assert data["category"] == NODES_BY_LABEL[label].biolink
        assert data["sources"] == joined(props["sources"])
        assert known_infores(data["provided_by"]), data["provided_by"]
        if "level" in props:
            assert str(data["level"]) == str(props["level"])
        if label == "Recommendation":
            assert data["recommendation_category"] == props["category"]
    for start, end, rel_type, data in back.edges(keys=True, data=True):
        props = edge_props[(back.nodes[start]["pgxkg_id"], rel_type, back.nodes[end]["pgxkg_id"])]
        rel = RELS_BY_TYPE[rel_type]
        assert data["predicate"] == rel.biolink
        assert (data["knowledge_level"], data["agent_type"]) == (rel.knowledge_level, rel.agent_type)
        assert data["sources"] == joined(props["sources"])
        assert known_infores(data["primary_knowledge_source"]) and "|" not in data["primary_knowledge_source"]
        if "aggregator_knowledge_source" in data:
            assert known_infores(data["aggregator_knowledge_source"])
        for level in ("cpic_level", "pharmgkb_level"):
            if props.get(level):
                assert data[level] == props[level]
    interaction = back.edges[ids["Gene:CYP2C19"], ids["Drug:clopidogrel"], "INTERACTS_WITH"]
    assert interaction["cpic_level"] == "A"
    assert interaction["primary_knowledge_source"] == "infores:cpic"  # CPIC's table of gene-drug pairs


def biolink_valid(model, row: dict[str, str], fields: dict[str, bool]) -> None:
    """Each Biolink field of a KGX row, validated by the ``biolink-model`` package's pydantic class
    (``fields``: name -> multivalued; other columns are KGX's non-Biolink properties)."""
    instance = model.model_construct()
    for name, multivalued in fields.items():
        if row.get(name):
            setattr(instance, name, row[name].split("|") if multivalued else row[name])  # validates


def test_kgx_is_biolink_with_curies_and_knowledge_sources(loaded_graph: Graph, tmp_path: Path) -> None:
    from biolink_model.datamodel import pydanticmodel_v2 as biolink

    paths = export(loaded_graph, SELECTION, "kgx", tmp_path / "pgx").paths
    assert [p.name for p in paths] == ["pgx_nodes.tsv", "pgx_edges.tsv", "pgx_metadata.json"]
    nodes, edges = ([*csv.DictReader(p.open(), delimiter="\t", quoting=csv.QUOTE_NONE)] for p in paths[:2])
    metadata = json.loads(paths[2].read_text())
    assert list(nodes[0])[:5] == ["id", "category", "name", "provided_by", "xref"]
    assert list(edges[0])[:4] == ["id", "subject", "predicate", "object"]
    assert (metadata["nodes"], metadata["edges"]) == (len(nodes), len(edges))

    by_id = {row["id"]: row for row in nodes}
    assert len(by_id) == len(nodes)
    gene = next(row for row in nodes if row["pgxkg_id"] == "Gene:CYP2C19")
    assert gene["category"] == "biolink:Gene" and "HGNC.SYMBOL:CYP2C19" in gene["xref"].split("|")
    assert by_id["RXNORM:32968"]["pgxkg_id"] == "Drug:clopidogrel"
    prefixes = {ident.split(":", 1)[0] for ident in by_id}
    assert {"RXNORM", "pgxkg"} <= prefixes <= set(metadata["curie_map"]), "every prefix is declared"
    for row in nodes:
        biolink_valid(getattr(biolink, row["category"].removeprefix("biolink:")), row,
                      {"id": False, "category": True, "name": False, "provided_by": True, "xref": True})
        assert set(row["provided_by"].split("|")) <= set(metadata["knowledge_sources"])

    for row in edges:
        assert row["subject"] in by_id and row["object"] in by_id
        biolink_valid(biolink.Association, row, {
            "id": False, "subject": False, "predicate": False, "object": False, "category": True,
            "original_predicate": False, "primary_knowledge_source": False, "aggregator_knowledge_source": True,
            "knowledge_level": False, "agent_type": False})
        assert row["primary_knowledge_source"] in metadata["knowledge_sources"]
        assert row["original_predicate"].removeprefix("pgxkg:") in RELS_BY_TYPE
    interaction = next(r for r in edges if r["subject"] == gene["id"] and r["object"] == "RXNORM:32968")
    assert {"predicate": "biolink:associated_with_response_to", "original_predicate": "pgxkg:INTERACTS_WITH",
            "primary_knowledge_source": "infores:cpic", "knowledge_level": "knowledge_assertion",
            "agent_type": "manual_agent"}.items() <= interaction.items()
    assert not metadata["knowledge_sources"]["infores:cpic"]["in_infores_catalog"]


def test_genotype_export_is_the_patients_risk_subgraph(loaded_graph: Graph) -> None:
    selected = select(loaded_graph, Selection(genotype=tuple(read_genotype("CYP2C19 *2/*2"))))
    ids = by_pgxkg_id(selected)
    roles = {name: selected.nodes[ident].get("role") for name, ident in ids.items()}
    assert roles["Drug:clopidogrel"] == "risk:alternative"  # CPIC: avoid *if possible*, use prasugrel
    assert roles["Gene:CYP2C19"] == "genotyped_gene"
    assert roles["Diplotype:CYP2C19*2/*2"] == "patient_diplotype"
    assert roles["Phenotype:CYP2C19:Poor Metabolizer"] == "patient_phenotype"
    assert roles["Drug:prasugrel"] == "alternative"
    recommendations = [selected.nodes[n]["pgxkg_id"] for n in selected.predecessors(ids["Drug:clopidogrel"])
                       if selected.nodes[n]["type"] == "Recommendation"]
    assert recommendations and all(roles[r].startswith("recommendation:") for r in recommendations)
    assert selected.has_edge(ids["Diplotype:CYP2C19*2/*2"], ids["Phenotype:CYP2C19:Poor Metabolizer"], "HAS_PHENOTYPE")
    assert not {"Variant", "ClinicalAnnotation"} & {data["type"] for _, data in selected.nodes(data=True)}


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
    primaries = {data["primary_knowledge_source"] for *_, data in back.edges(data=True)}
    assert primaries == {"infores:cpic", "infores:pharmgkb", "infores:hpo", "infores:hpo-annotations",
                         "infores:pharmcat", "infores:dpwg"} <= set(INFORES)
    assert all(known_infores(data["provided_by"]) for _, data in back.nodes(data=True) if "provided_by" in data)


def test_cli_export_and_figure(loaded_graph: Graph, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "-f", "gexf", "--center", "warfarin", "-o", str(tmp_path / "w.gexf")])
    assert result.exit_code == 0, result.output
    assert "Drug:warfarin" in by_pgxkg_id(read_export("gexf", tmp_path / "w.gexf"))
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
        assert back.nodes[by_pgxkg_id(back)["Gene:CYP2C19"]]["category"] == "biolink:Gene"

        response = client.get("/export/kgx", params={"genotype": "CYP2C19 *2/*2"})
        assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
        (tmp_path / "r.zip").write_bytes(response.content)
        assert read_export("kgx", tmp_path / "r.zip").nodes["RXNORM:32968"]["role"] == "risk:alternative"

        missing = client.get("/export/dot", params={"center": "CYP2C19"})
        assert missing.status_code == 404 and missing.json()["suggestions"]
        empty = client.get("/export/csv")
        assert empty.status_code == 422 and "say what to export" in empty.json()["detail"]
        both = client.get("/export/csv", params={"all": "true", "center": "CYP2C19"})
        assert both.status_code == 422
        bad = client.get("/export/csv", params={"genotype": "CYP2C19 *2/"})
        assert bad.status_code == 422 and "an allele is missing" in bad.json()["detail"]
