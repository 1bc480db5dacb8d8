"""Selectors: which part of the graph to export, as a networkx graph or (for --all) as row streams."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from pgxkg.errors import InvalidInput
from pgxkg.export import model
from pgxkg.export.identifiers import ID_PROPERTIES, check_unique
from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher
from pgxkg.queries import research
from pgxkg.queries.genotype_input import GeneInput
from pgxkg.queries.models import RiskReportModel
from pgxkg.queries.risk import risk
from pgxkg.reference import ReferenceData

MAX_DEPTH = 3
MAX_NODES = 20_000  # per center; --all has no cap
DEFAULT_LIMIT = 500


@dataclass(frozen=True)
class Selection:
    """Centers (each with ``depth`` rings of at most ``limit`` nodes), a genotype, or everything.

    Centers and a genotype may be combined (their union is exported); ``everything`` stands alone.
    """

    centers: tuple[str, ...] = ()
    depth: int = 1
    limit: int = DEFAULT_LIMIT
    genotype: tuple[GeneInput, ...] = ()
    everything: bool = False
    roles: dict[str, str] = field(default_factory=dict, compare=False)

    def check(self) -> Selection:
        if self.everything and (self.centers or self.genotype):
            raise InvalidInput("all exports the whole graph: give it without a center or a genotype")
        if not (self.everything or self.centers or self.genotype):
            raise InvalidInput("say what to export: a center (--center, ?center=), a genotype "
                               "(--genotype, ?genotype=) or everything (--all, ?all=true)")
        if not 1 <= self.depth <= MAX_DEPTH:
            raise InvalidInput(f"depth must be between 1 and {MAX_DEPTH}, not {self.depth}")
        if not 1 <= self.limit <= MAX_NODES:
            raise InvalidInput(f"limit must be between 1 and {MAX_NODES}, not {self.limit}")
        return self


def select(graph: Graph, selection: Selection, reference: ReferenceData | None = None) -> nx.MultiDiGraph:
    """The selected nodes and every relationship among them, with export attributes.

    A genotype selection answers the risk query from ``reference`` (the running app's snapshot),
    or from a fresh load of the graph's reference data when none is given.
    """
    selection.check()
    if selection.everything:
        return graph_from_rows(*stream_all(graph))
    elements: dict[str, None] = {}
    for center in selection.centers:
        elements.update(dict.fromkeys(_around(graph, center, selection.depth, selection.limit)))
    roles: dict[str, str] = {}
    if selection.genotype:
        members, roles = _risk_members(graph, risk(reference or ReferenceData(graph), list(selection.genotype)))
        elements.update(dict.fromkeys(members))
    ids = list(elements)
    nodes = (model.node_from_record(r) for r in graph.read(read_cypher("pgxkg.export", "members"), elements=ids))
    edges = (model.edge_from_record(r)
             for r in graph.read(read_cypher("pgxkg.export", "member_relationships"), elements=ids,
                                 id_keys=list(ID_PROPERTIES)))
    result = graph_from_rows(nodes, edges)
    by_pgxkg_id = {data["pgxkg_id"]: node for node, data in result.nodes(data=True)}
    for name, role in roles.items():
        if name in by_pgxkg_id:
            result.nodes[by_pgxkg_id[name]]["role"] = role
    return result


def graph_from_rows(nodes: Iterator[model.NodeRow], edges: Iterator[model.EdgeRow]) -> nx.MultiDiGraph:
    result = nx.MultiDiGraph()
    for ident, attrs in check_unique(nodes):
        result.add_node(ident, **attrs)
    for start, end, key, attrs in edges:
        result.add_edge(start, end, key=key, **attrs)
    return result


def stream_all(graph: Graph) -> tuple[Iterator[model.NodeRow], Iterator[model.EdgeRow]]:
    """Every node, then every relationship, pulled from Neo4j in batches as they are consumed."""
    nodes = check_unique(model.node_from_record(r) for r in graph.stream(read_cypher("pgxkg.export", "all_nodes")))
    edges = (model.edge_from_record(r)
             for r in graph.stream(read_cypher("pgxkg.export", "all_relationships"), id_keys=list(ID_PROPERTIES)))
    return nodes, edges


def all_columns(graph: Graph) -> tuple[list[str], list[str]]:
    """Table columns for a full export, from the property names the database holds."""
    names: dict[str, dict[str, list[str]]] = {"node": {}, "edge": {}}
    for row in graph.read(read_cypher("pgxkg.export", "property_keys")):
        names[row["scope"]][row["name"]] = row["keys"]
    return model.columns_for("node", names["node"]), model.columns_for("edge", names["edge"])


def _around(graph: Graph, center: str, depth: int, limit: int) -> list[str]:
    """The center and up to ``limit`` nodes in ``depth`` rings around it, balanced across labels."""
    return research.neighbourhood_elements(graph, center, depth, limit)


def _risk_members(graph: Graph, report: RiskReportModel) -> tuple[list[str], dict[str, str]]:
    """A patient's risk subgraph: genes, diplotypes, phenotypes, recommendations, risky drugs, alternatives."""
    keys: dict[str, set[str]] = {k: set() for k in
                                 ("genes", "diplotypes", "phenotypes", "recommendations", "drugs", "classes")}
    roles: dict[str, str] = {}
    for gene in report.genotype:
        if not gene.gene.lower().startswith("rs"):
            keys["genes"].add(gene.gene)
            roles[model.pgxkg_id("Gene", gene.gene)] = "genotyped_gene"
        if gene.diplotype:
            keys["diplotypes"].add(gene.diplotype)
            roles[model.pgxkg_id("Diplotype", gene.diplotype)] = "patient_diplotype"
        if gene.phenotype:
            phenotype = f"{gene.gene}:{gene.phenotype}"
            keys["phenotypes"].add(phenotype)
            roles[model.pgxkg_id("Phenotype", phenotype)] = "patient_phenotype"
    for drug in report.drugs:
        for alternative in drug.alternatives:
            keys["drugs"].add(alternative.drug)
            ident = model.pgxkg_id("Drug", alternative.drug)
            if alternative.suitable or ident not in roles:  # suitable instead of one drug is what it is
                roles[ident] = "alternative" if alternative.suitable else "alternative:check_first"
            if alternative.atc_class:
                keys["classes"].add(alternative.atc_class)
    for drug in report.drugs:
        keys["genes"].update(drug.genes)
        if drug.drug_class:  # a rule about a class of drugs
            keys["classes"].add(drug.drug_class)
            roles[model.pgxkg_id("DrugClass", drug.drug_class)] = f"risk:{drug.category}"
        else:
            keys["drugs"].add(drug.drug)
            roles[model.pgxkg_id("Drug", drug.drug)] = f"risk:{drug.category}"
        for recommendation in drug.recommendations:
            keys["recommendations"].add(recommendation.id)
            roles[model.pgxkg_id("Recommendation", recommendation.id)] = f"recommendation:{recommendation.category}"
    params: dict[str, Any] = {name: sorted(values) for name, values in keys.items()}
    rows = graph.read(read_cypher("pgxkg.export", "risk_members"), **params)
    return [row["element_id"] for row in rows], roles
