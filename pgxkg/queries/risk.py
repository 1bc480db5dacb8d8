"""Which drugs are risky for this genotype, why, on what evidence, and what instead.

Pipeline: genotype input -> phenotype resolution (``phenotype.py``) -> matching
recommendations (``rules.py``, the in-memory twin of ``matching_recommendations.cypher``) -> evidence and
alternatives (``drug_evidence.cypher``) -> a ranked report per drug.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from pgxkg.queries import uncertainty
from pgxkg.queries.genotype_input import GeneInput
from pgxkg.queries.models import (
    LevelModel,
    RecommendationModel,
    RiskReportModel,
)
from pgxkg.queries.phenotype import ResolvedGene, resolve_many
from pgxkg.vocab import ACTIONABLE, CATEGORY_RANK, ClinPGxLevel, CpicLevel, level_rank, source_rank

MAX_CLASS_ALTERNATIVES = 8

if TYPE_CHECKING:
    from pgxkg.reference import ReferenceData


def risk(reference: ReferenceData, items: list[GeneInput]) -> RiskReportModel:
    """The risk report for one genotype; raises InvalidInput for unknown genes, alleles or phenotypes."""
    return RiskReportModel.model_validate(risk_reports(reference, [items], indexed=False)[0])


def risk_many(reference: ReferenceData, genotypes: list[list[GeneInput]],
              indexed: bool = True) -> list[RiskReportModel]:
    """Typed risk reports for many genotypes (see ``risk_reports``)."""
    return [RiskReportModel.model_validate(r) for r in risk_reports(reference, genotypes, indexed)]


def risk_reports(reference: ReferenceData, genotypes: list[list[GeneInput]], indexed: bool = True) -> list[dict]:
    """Risk reports as plain JSON-ready dicts in the RiskReportModel shape, for batch screening.

    Rules, recommendation texts and drug evidence come from the reference data, so a batch
    costs at most one diplotype lookup round trip; validation is left to the caller's edge (``risk``,
    the API's response model). A genotype the vocabulary rejects raises InvalidInput naming
    its index (unless not ``indexed``). Items carrying ``possible`` diplotypes (an uncertain VCF
    call) are evaluated once per possibility (``uncertainty.py``).
    """
    if uncertainty.has_uncertain(genotypes):
        return uncertainty.risk_reports(reference, genotypes, indexed, _reports, _rank)
    return _reports(reference, genotypes, indexed)


def _reports(reference: ReferenceData, genotypes: list[list[GeneInput]], indexed: bool) -> list[dict]:
    resolved = resolve_many(reference, genotypes, indexed)
    index = reference.rules
    rows_by_patient = [
        index.match({c for gene in genes for c in gene.conditions}, {gene.gene for gene in genes})
        for genes in resolved
    ]
    all_rows = [row for rows in rows_by_patient for row in rows]
    details = reference.recommendations({row["recommendation"] for row in all_rows})
    evidence = reference.drug_evidence(sorted({row["drug"] for row in all_rows}))
    return [_report(genes, rows, details, evidence) for genes, rows in zip(resolved, rows_by_patient, strict=True)]


def _report(genes: list[ResolvedGene], rows: list[dict], details: dict[str, tuple[dict, dict | None]],
            evidence: dict[str, dict]) -> dict:
    explain = {c: _fact(g) for g in genes for c in g.conditions}
    fired: dict[str, list[dict]] = defaultdict(list)
    needs: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if row["missing"]:
            needs[row["drug"]].update(row["missing"])
        else:
            fired[row["drug"]].append(row)
    drugs = [_drug(drug, fired[drug], details, evidence.get(drug, {}), explain) for drug in fired]
    drugs += [
        {"drug": drug, "category": "needs_result", "genes": sorted(missing), "recommendations": [],
         "needs_results_for": sorted(missing), "levels": _levels(evidence.get(drug, {}))}
        for drug, missing in needs.items() if drug not in fired
    ]
    categories = {d["drug"]: d["category"] for d in drugs}
    for drug in drugs:
        fired_ids = {r["id"] for r in drug["recommendations"]}
        drug["alternatives"] = _alternatives(drug, evidence.get(drug["drug"], {}), categories, fired_ids)
    drugs.sort(key=_rank)
    return {"genotype": [g.as_dict() for g in genes], "drugs": drugs}


def _fact(gene: ResolvedGene) -> str:
    """The genotype fact in words, e.g. ``CYP2C19 *2/*2 -> Poor Metabolizer`` (order-free)."""
    given = gene.diplotype[len(gene.gene):].strip() if gene.diplotype else gene.input.split(" ", 1)[-1]
    return f"{gene.gene} {given}" + (f" -> {gene.phenotype}" if gene.phenotype else "")


def _drug(drug: str, rows: list[dict], details: dict[str, tuple[dict, dict | None]], evidence: dict,
          explain: dict[str, str]) -> dict:
    levels = _levels(evidence)
    recommendations = sorted(
        (_recommendation(row, details, levels, evidence, explain) for row in rows),
        key=lambda r: (source_rank(r["source"]), CATEGORY_RANK[r["category"]], r["id"]),
    )
    cpic = [r for r in recommendations if r["source"] == "CPIC"]
    category = min((r["category"] for r in cpic or recommendations), key=CATEGORY_RANK.__getitem__)
    genes = sorted({g for r in recommendations for g in r["genes"]})
    return {"drug": drug, "category": category, "genes": genes, "recommendations": recommendations,
            "levels": levels, "needs_results_for": []}


def _recommendation(row: dict, details: dict[str, tuple[dict, dict | None]], levels: list[dict],
                    evidence: dict, explain: dict[str, str]) -> dict:
    """The recommendation as this patient sees it: its static part (validated once against
    the model and cached beside the drug's evidence) plus the facts that triggered it."""
    static = evidence.setdefault("_recommendations", {})
    rec_id = row["recommendation"]
    if rec_id not in static:
        rec, guideline = details[rec_id]
        genes = rec.get("genes") or []
        gene_levels = [level for level in levels if level["gene"] in genes]
        static[rec_id] = RecommendationModel(
            id=rec_id, source=rec.get("source") or "",
            category=rec.get("category") or "no_recommendation",
            category_origin=rec.get("category_origin"), text=rec.get("text") or "",
            guideline=guideline, genes=genes, phenotypes=rec.get("phenotypes") or [],
            strength=rec.get("strength") or rec.get("classification"),
            cpic_level=_best(gene_levels, "cpic_level", CpicLevel),
            pharmgkb_level=_best(gene_levels, "pharmgkb_level", ClinPGxLevel),
            pmids=[str(p) for p in evidence.get("pmids") or []],
        ).model_dump(exclude_none=True)
    return {**static[rec_id], "triggered_by": sorted({explain.get(c, c) for c in row["matched"]})}


def _levels(evidence: dict) -> list[dict]:
    """The drug's gene levels, validated once and cached beside its evidence."""
    if "_levels" not in evidence:
        evidence["_levels"] = [LevelModel(**level).model_dump(exclude_none=True)
                               for level in evidence.get("levels") or [] if level.get("gene")]
    return evidence["_levels"]


def _best(levels: list[dict], attribute: str, enum: type[CpicLevel] | type[ClinPGxLevel]) -> str | None:
    values = [level[attribute] for level in levels if level.get(attribute)]
    return min(values, key=lambda v: level_rank(enum, v)) if values else None


def _alternatives(drug: dict, evidence: dict, categories: dict[str, str], fired: set[str]) -> list[dict]:
    """Drugs the fired recommendations name, then untroubled drugs of the same ATC class."""
    if drug["category"] not in ACTIONABLE:
        return []
    if "_sorted" not in evidence:  # static per drug: sort once
        evidence["_sorted"] = (
            sorted(evidence.get("named") or [], key=lambda i: (i.get("drug") or "", i.get("via") or "")),
            sorted(evidence.get("class_mates") or [], key=lambda i: (i["atc_class"], i["drug"])),
        )
    named_items, class_items = evidence["_sorted"]
    named: dict[str, dict] = {}
    for item in named_items:
        if item.get("drug") and item.get("via") in fired:
            category = categories.get(item["drug"])
            named[item["drug"]] = {"drug": item["drug"], "kind": "named_in_recommendation",
                                   "risky": category in ACTIONABLE}
            if category:
                named[item["drug"]]["category"] = category
    class_mates: dict[str, dict] = {}
    for item in class_items:
        mate = item.get("drug")
        if mate and mate not in named and mate not in class_mates and categories.get(mate) not in ACTIONABLE:
            class_mates[mate] = {"drug": mate, "kind": "same_atc_class", "risky": False,
                                 "atc_class": item["atc_class"]}
            if categories.get(mate):
                class_mates[mate]["category"] = categories[mate]
    return list(named.values()) + list(class_mates.values())[:MAX_CLASS_ALTERNATIVES]


def _rank(drug: dict) -> tuple:
    """Severity, then the drug's best CPIC level, then its best PharmGKB level, then name."""
    return (CATEGORY_RANK[drug["category"]], *_level_ranks(drug["levels"]), drug["drug"])


def _level_ranks(levels: list[dict]) -> tuple[int, int]:
    return (
        min((level_rank(CpicLevel, level.get("cpic_level")) for level in levels), default=99),
        min((level_rank(ClinPGxLevel, level.get("pharmgkb_level")) for level in levels), default=99),
    )
