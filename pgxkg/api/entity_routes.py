"""Entities and their neighbourhoods: genes, drugs, diseases, variants, alleles."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from pgxkg.api.deps import GraphDep
from pgxkg.api.models import DiseaseDrug, DrugGene, EntitySummary, GeneDrug, Page
from pgxkg.api.problems import responses
from pgxkg.queries import research

router = APIRouter(tags=["entities"])


def key(example: str, description: str) -> Any:
    """A path key: 1-200 characters, with an OpenAPI example (a fresh Path object per route)."""
    return Path(min_length=1, max_length=200, description=description, examples=[example])


Limit = Annotated[int, Query(ge=1, le=500, description="page size")]
Offset = Annotated[int, Query(ge=0, le=100_000, description="items to skip")]

ENTITY_EXAMPLE = {
    "label": "Gene",
    "properties": {"symbol": "CYP2C19", "sources": ["cpic-tables@pypgx-0.27.0"]},
    "neighbours": [{"type": "HAS_ALLELE", "direction": "out", "label": "Allele", "count": 36,
                    "sample": ["CYP2C19*1", "CYP2C19*10"]},
                   {"type": "INTERACTS_WITH", "direction": "out", "label": "Drug", "count": 27,
                    "sample": ["amitriptyline", "citalopram"]}],
    "evidence": {"HAS_ALLELE:Allele": 36, "INTERACTS_WITH:Drug": 27, "ABOUT<-:ClinicalAnnotation": 268},
}
PAGE_EXAMPLE = {"items": [{"gene": "CYP2C19", "cpic_level": "A", "pharmgkb_level": "1A", "fda_label": None,
                           "guideline_sources": ["CPIC", "DPWG"], "recommendations": 13}],
                "total": 2, "limit": 50, "offset": 0, "next_offset": None}


ENTITY_RESPONSES = responses(404, 422, ok=ENTITY_EXAMPLE)


@router.get("/genes/{symbol}", summary="A gene, its neighbours by type, evidence counts",
            responses=ENTITY_RESPONSES)
def get_gene(graph: GraphDep,
             symbol: Annotated[str, key("CYP2C19", "HGNC symbol (case-insensitive)")]) -> EntitySummary:
    return research.entity_summary(graph, symbol, "Gene")


@router.get("/drugs/{name}", summary="A drug by name, synonym, RxNorm or PharmGKB id",
            responses=ENTITY_RESPONSES)
def get_drug(graph: GraphDep, name: Annotated[str, key(
        "clopidogrel", "generic name, synonym, RxNorm CUI (e.g. 32968) or PharmGKB id")]) -> EntitySummary:
    return research.entity_summary(graph, name, "Drug")


@router.get("/diseases/{disease_id}", summary="A disease by id (OMIM:..., ORPHA:..., PharmGKB:...)",
            responses=ENTITY_RESPONSES)
def get_disease(graph: GraphDep,
                disease_id: Annotated[str, key("OMIM:219700", "disease id")]) -> EntitySummary:
    return research.entity_summary(graph, disease_id, "Disease")


@router.get("/variants/{variant_id}", summary="A variant by rsID or GRCh38 chr-pos-ref-alt",
            responses=ENTITY_RESPONSES)
def get_variant(graph: GraphDep, variant_id: Annotated[str, key(
        "rs4244285", "rsID, or chr-pos-ref-alt on GRCh38 (10-94781859-G-A)")]) -> EntitySummary:
    return research.entity_summary(graph, variant_id, "Variant")


@router.get("/alleles/{allele_id}", summary="A star allele or HLA allele, e.g. CYP2C19*2",
            responses=ENTITY_RESPONSES)
def get_allele(graph: GraphDep,
               allele_id: Annotated[str, key("CYP2C19*2", "gene symbol plus allele name")]) -> EntitySummary:
    return research.entity_summary(graph, allele_id, "Allele")


@router.get("/drugs/{name}/genes", summary="Genes to test before prescribing a drug",
            responses=responses(404, 422, ok=PAGE_EXAMPLE))
def get_drug_genes(graph: GraphDep, name: Annotated[str, key("clopidogrel", "drug name or id")],
                   limit: Limit = 50, offset: Offset = 0) -> Page[DrugGene]:
    drug = research.resolve_drug_id(graph, name)  # 404 with near matches on a miss
    return Page[DrugGene].of(research.run_named(graph, "drug_genes", {"drug": drug}), limit, offset)


@router.get("/genes/{symbol}/drugs", summary="Drugs with pharmacogenomic evidence for a gene",
            responses=responses(404, 422))
def get_gene_drugs(graph: GraphDep, symbol: Annotated[str, key("CYP2C19", "HGNC symbol")],
                   limit: Limit = 50, offset: Offset = 0) -> Page[GeneDrug]:
    gene = research.find_entity(graph, symbol, "Gene")["properties"]["symbol"]
    return Page[GeneDrug].of(research.run_named(graph, "gene_drugs", {"gene": gene}), limit, offset)


@router.get("/diseases/{disease_id}/drugs", summary="Drugs linked to a disease",
            responses=responses(404, 422))
def get_disease_drugs(graph: GraphDep, disease_id: Annotated[str, key("OMIM:219700", "disease id")],
                      limit: Limit = 50, offset: Offset = 0) -> Page[DiseaseDrug]:
    disease = research.find_entity(graph, disease_id, "Disease")["properties"]["id"]
    return Page[DiseaseDrug].of(research.run_named(graph, "disease_drugs", {"disease": disease}), limit, offset)
