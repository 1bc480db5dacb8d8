"""Traversals for explorers and researchers: paths, subgraphs, search, stats, health, Cypher."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, Field

from pgxkg import __version__
from pgxkg.api.deps import ApiSettings, get_api_settings, get_graph
from pgxkg.errors import GraphUnavailable, NotFound
from pgxkg.graph.connection import Graph
from pgxkg.graph.counts import graph_counts
from pgxkg.queries import research
from pgxkg.queries.user_cypher import run_read_only

router = APIRouter(tags=["graph"])


@router.get("/paths", summary="Shortest paths between two entities")
def get_paths(
    source: str = Query(..., alias="from", min_length=1, max_length=200, examples=["CYP2C19"]),
    target: str = Query(..., alias="to", min_length=1, max_length=200, examples=["prasugrel"]),
    max_hops: int = Query(4, ge=1, le=research.MAX_HOPS),
    limit: int = Query(5, ge=1, le=50),
    graph: Graph = Depends(get_graph),
) -> dict[str, Any]:
    paths = research.shortest_paths(graph, source, target, max_hops, limit)
    return {"from": source, "to": target, "max_hops": max_hops, "paths": paths}


@router.get("/subgraph", summary="The neighbourhood of an entity, bounded in size")
def get_subgraph(
    center: str = Query(..., min_length=1, max_length=200, examples=["clopidogrel"]),
    depth: int = Query(1, ge=1, le=research.MAX_DEPTH),
    limit: int = Query(100, ge=1, le=research.MAX_SUBGRAPH_NODES,
                       description="node cap; the server's cap is the maximum"),
    graph: Graph = Depends(get_graph),
) -> dict[str, Any]:
    return research.subgraph(graph, center, depth, limit)


@router.get("/search", summary="Full-text search over genes, drugs, diseases and variants")
def get_search(
    q: str = Query(..., min_length=1, max_length=200, examples=["clopidogrel"]),
    limit: int = Query(20, ge=1, le=200),
    graph: Graph = Depends(get_graph),
) -> dict[str, Any]:
    return {"q": q, "items": research.search(graph, q, limit)}


@router.get("/stats", summary="Nodes per label, relationships per type, loaded sources")
def get_stats(graph: Graph = Depends(get_graph)) -> dict[str, Any]:
    return {**graph_counts(graph), "sources": research.run_named(graph, "graph_stats", {})}


@router.get("/health", summary="Neo4j reachable, data loaded, versions")
def get_health(graph: Graph = Depends(get_graph)) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        component = graph.read("CALL dbms.components() YIELD versions, edition RETURN *", timeout=3)[0]
        sources = research.run_named(graph, "graph_stats", {})
    except GraphUnavailable:
        raise
    loaded = bool(sources) and all(s.get("complete") for s in sources)
    return {
        "status": "ok" if loaded else "degraded",
        "neo4j": {"reachable": True, "version": component["versions"][0], "edition": component["edition"],
                  "latency_ms": round((time.perf_counter() - started) * 1000, 1)},
        "data": {"loaded": loaded, "sources": sources},
        "pgxkg": __version__,
    }


class CypherRequest(BaseModel):
    query: str = Field(..., min_length=1, max_length=20_000,
                       examples=["MATCH (g:Gene {symbol: $gene})-[i:INTERACTS_WITH]->(d) RETURN d.id, "
                                 "i.cpic_level LIMIT 5"])
    params: dict[str, Any] = Field(default_factory=dict, examples=[{"gene": "CYP2C19"}])


@router.post("/cypher", summary="Read-only Cypher for researchers (disabled unless configured)")
def post_cypher(
    request: CypherRequest = Body(...),
    graph: Graph = Depends(get_graph),
    api: ApiSettings = Depends(get_api_settings),
) -> dict[str, Any]:
    if not api.enable_cypher:
        raise NotFound("the Cypher endpoint is disabled; set PGXKG_ENABLE_CYPHER=1 to enable it")
    return run_read_only(graph, request.query, request.params, api.cypher_timeout_s, api.cypher_max_rows)
