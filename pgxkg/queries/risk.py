"""Which drugs are risky for this genotype, why, on what evidence, and what instead.

Pipeline: genotype input -> phenotype resolution (``phenotype.py``) -> matching
recommendations (``matching_recommendations.cypher``) -> evidence and
alternatives (``drug_evidence.cypher``) -> a ranked report per drug.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher
from pgxkg.loaders.records import ACTIONABLE, CATEGORIES
from pgxkg.queries.genotype_input import GeneInput
from pgxkg.queries.models import (
    AlternativeModel,
    DrugRiskModel,
    LevelModel,
    RecommendationModel,
    ResolvedGeneModel,
    RiskReportModel,
)
from pgxkg.queries.phenotype import ResolvedGene, resolve_many

SOURCE_ORDER = {"CPIC": 0, "DPWG": 1}
CATEGORY_RANK = {name: rank for rank, name in enumerate((*CATEGORIES, "needs_result"))}
CPIC_LEVEL_RANK = {"A": 0, "A/B": 1, "B": 2, "B/C": 3, "C": 4, "C/D": 5, "D": 6}
PHARMGKB_LEVEL_RANK = {"1A": 0, "1B": 1, "2A": 2, "2B": 3, "3": 4, "4": 5}
MAX_CLASS_ALTERNATIVES = 8


def risk(graph: Graph, items: list[GeneInput]) -> RiskReportModel:
    return risk_many(graph, [items])[0]


def risk_many(graph: Graph, genotypes: list[list[GeneInput]]) -> list[RiskReportModel]:
    """Risk reports for many genotypes with a fixed number of round trips (batch screening)."""
    resolved = resolve_many(graph, genotypes)
    patients = [
        {"id": index, "conditions": sorted({c for gene in genes for c in gene.conditions}),
         "genes": sorted({gene.gene for gene in genes})}
        for index, genes in enumerate(resolved)
    ]
    rows = graph.read(read_cypher("pgxkg.queries", "matching_recommendations"), patients=patients)
    by_patient: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_patient[row["patient"]].append(row)
    evidence = _evidence(graph, rows)
    return [
        _report(genes, by_patient[index], evidence) for index, genes in enumerate(resolved)
    ]


def _evidence(graph: Graph, rows: list[dict]) -> dict[str, dict]:
    drugs = sorted({row["drug"] for row in rows})
    recommendations = sorted({row["recommendation"]["id"] for row in rows})
    if not drugs:
        return {}
    found = graph.read(read_cypher("pgxkg.queries", "drug_evidence"), drugs=drugs,
                       recommendations=recommendations)
    return {row["drug"]: row for row in found}


def _report(genes: list[ResolvedGene], rows: list[dict], evidence: dict[str, dict]) -> RiskReportModel:
    explain = {c: f"{g.gene} {g.input.split(' ', 1)[-1]}" + (f" -> {g.phenotype}" if g.phenotype else "")
               for g in genes for c in g.conditions}
    fired: dict[str, list[dict]] = defaultdict(list)
    needs: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if row["missing"]:
            needs[row["drug"]].update(row["missing"])
        else:
            fired[row["drug"]].append(row)
    drugs = [_drug(drug, fired[drug], evidence.get(drug, {}), explain) for drug in fired]
    drugs += [
        DrugRiskModel(drug=drug, category="needs_result", genes=sorted(missing),
                      needs_results_for=sorted(missing),
                      levels=_levels(evidence.get(drug, {})))
        for drug, missing in needs.items() if drug not in fired
    ]
    categories = {d.drug: d.category for d in drugs}
    for drug in drugs:
        drug.alternatives = _alternatives(drug, evidence.get(drug.drug, {}), categories)
    drugs.sort(key=_rank)
    return RiskReportModel(genotype=[ResolvedGeneModel(**g.as_dict()) for g in genes], drugs=drugs)


def _drug(drug: str, rows: list[dict], evidence: dict, explain: dict[str, str]) -> DrugRiskModel:
    levels = _levels(evidence)
    recommendations = sorted(
        (_recommendation(row, levels, evidence, explain) for row in rows),
        key=lambda r: (SOURCE_ORDER.get(r.source, 9), CATEGORY_RANK[r.category], r.id),
    )
    cpic = [r for r in recommendations if r.source == "CPIC"]
    deciding = cpic or recommendations
    category = min((r.category for r in deciding), key=CATEGORY_RANK.__getitem__)
    genes = sorted({g for r in recommendations for g in r.genes})
    return DrugRiskModel(drug=drug, category=category, genes=genes, recommendations=recommendations,
                         levels=levels)


def _recommendation(row: dict, levels: list[LevelModel], evidence: dict,
                    explain: dict[str, str]) -> RecommendationModel:
    rec: dict[str, Any] = row["recommendation"]
    genes = rec.get("genes") or []
    gene_levels = [level for level in levels if level.gene in genes]
    return RecommendationModel(
        id=rec["id"], source=rec.get("source") or "", category=rec.get("category") or "no_recommendation",
        category_origin=rec.get("category_origin"), text=rec.get("text") or "",
        guideline=row.get("guideline"), genes=genes, phenotypes=rec.get("phenotypes") or [],
        strength=rec.get("strength") or rec.get("classification"),
        triggered_by=sorted({explain.get(c, c) for c in row["matched"]}),
        cpic_level=_best(gene_levels, "cpic_level", CPIC_LEVEL_RANK),
        pharmgkb_level=_best(gene_levels, "pharmgkb_level", PHARMGKB_LEVEL_RANK),
        pmids=[str(p) for p in evidence.get("pmids") or []],
    )


def _levels(evidence: dict) -> list[LevelModel]:
    return [LevelModel(**level) for level in evidence.get("levels") or [] if level.get("gene")]


def _best(levels: list[LevelModel], attribute: str, rank: dict[str, int]) -> str | None:
    values = [getattr(level, attribute) for level in levels if getattr(level, attribute)]
    return min(values, key=lambda v: rank.get(v, 99)) if values else None


def _alternatives(drug: DrugRiskModel, evidence: dict, categories: dict[str, str]) -> list[AlternativeModel]:
    if drug.category not in ACTIONABLE:
        return []
    named = {}
    for item in evidence.get("named") or []:
        if item.get("drug"):
            category = categories.get(item["drug"])
            named[item["drug"]] = AlternativeModel(
                drug=item["drug"], kind="named_in_recommendation",
                risky=category in ACTIONABLE, category=category)
    class_mates: dict[str, AlternativeModel] = {}
    for item in sorted(evidence.get("class_mates") or [], key=lambda i: (i["atc_class"], i["drug"])):
        mate = item.get("drug")
        if mate and mate not in named and mate not in class_mates and categories.get(mate) not in ACTIONABLE:
            class_mates[mate] = AlternativeModel(drug=mate, kind="same_atc_class",
                                                 atc_class=item["atc_class"], category=categories.get(mate))
    return list(named.values()) + list(class_mates.values())[:MAX_CLASS_ALTERNATIVES]


def _rank(drug: DrugRiskModel) -> tuple:
    return (
        CATEGORY_RANK[drug.category],
        min((CPIC_LEVEL_RANK.get(level.cpic_level or "", 99) for level in drug.levels), default=99),
        min((PHARMGKB_LEVEL_RANK.get(level.pharmgkb_level or "", 99) for level in drug.levels), default=99),
        drug.drug,
    )
