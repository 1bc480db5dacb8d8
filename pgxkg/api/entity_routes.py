"""Entities and their neighbourhoods: genes, drugs, diseases, variants, alleles."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query

from pgxkg.api.deps import get_graph
from pgxkg.graph.connection import Graph
from pgxkg.queries import research

router = APIRouter(tags=["entities"])
KEY = Path(..., min_length=1, max_length=200)


def page(rows: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    return {"items": rows[offset: offset + limit], "total": len(rows), "limit": limit, "offset": offset}


Limit = Query(50, ge=1, le=500, description="page size")
Offset = Query(0, ge=0, le=100_000, description="items to skip")


@router.get("/genes/{symbol}", summary="A gene, its neighbours by type, evidence counts")
def get_gene(symbol: str = KEY, graph: Graph = Depends(get_graph)) -> dict[str, Any]:
    return research.entity_summary(graph, symbol, "Gene")


@router.get("/drugs/{name}", summary="A drug by name, synonym, RxNorm or PharmGKB id")
def get_drug(name: str = KEY, graph: Graph = Depends(get_graph)) -> dict[str, Any]:
    return research.entity_summary(graph, name, "Drug")


@router.get("/diseases/{disease_id}", summary="A disease by id (OMIM:..., ORPHA:..., PharmGKB:...)")
def get_disease(disease_id: str = KEY, graph: Graph = Depends(get_graph)) -> dict[str, Any]:
    return research.entity_summary(graph, disease_id, "Disease")


@router.get("/variants/{variant_id}", summary="A variant by rsID or chr-pos-ref-alt")
def get_variant(variant_id: str = KEY, graph: Graph = Depends(get_graph)) -> dict[str, Any]:
    return research.entity_summary(graph, variant_id, "Variant")


@router.get("/alleles/{allele_id}", summary="A star allele, e.g. CYP2C19*2")
def get_allele(allele_id: str = KEY, graph: Graph = Depends(get_graph)) -> dict[str, Any]:
    return research.entity_summary(graph, allele_id, "Allele")


@router.get("/drugs/{name}/genes", summary="Genes to test before prescribing a drug")
def get_drug_genes(name: str = KEY, limit: int = Limit, offset: int = Offset,
                   graph: Graph = Depends(get_graph)) -> dict[str, Any]:
    research.entity_summary(graph, name, "Drug", sample=0)  # 404 with near matches on a miss
    drug = research.resolve_drug_id(graph, name)
    return page(research.run_named(graph, "drug_genes", {"drug": drug}), limit, offset)


@router.get("/genes/{symbol}/drugs", summary="Drugs with pharmacogenomic evidence for a gene")
def get_gene_drugs(symbol: str = KEY, limit: int = Limit, offset: int = Offset,
                   graph: Graph = Depends(get_graph)) -> dict[str, Any]:
    research.entity_summary(graph, symbol, "Gene", sample=0)
    return page(research.run_named(graph, "gene_drugs", {"gene": symbol}), limit, offset)


@router.get("/diseases/{disease_id}/drugs", summary="Drugs linked to a disease")
def get_disease_drugs(disease_id: str = KEY, limit: int = Limit, offset: int = Offset,
                      graph: Graph = Depends(get_graph)) -> dict[str, Any]:
    research.entity_summary(graph, disease_id, "Disease", sample=0)
    return page(research.run_named(graph, "disease_drugs", {"disease": disease_id}), limit, offset)
