"""Traversals for explorers and researchers: paths, subgraphs, search, stats, health, Cypher."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from neo4j.exceptions import Neo4jError
from pydantic import BaseModel, Field

from pgxkg import __version__
from pgxkg.api.deps import ApiSettingsDep, GraphDep
from pgxkg.api.models import CypherAnswer, HealthAnswer, PathsAnswer, SearchAnswer, StatsAnswer, SubgraphAnswer
from pgxkg.api.problems import responses
from pgxkg.errors import GraphUnavailable, NotFound
from pgxkg.graph.counts import graph_counts
from pgxkg.graph.status import data_sources, load_state, server_info
from pgxkg.loaders.registry import REQUIRED
from pgxkg.queries import research
from pgxkg.queries.user_cypher import run_read_only

router = APIRouter(tags=["graph"])
HEALTH_TIMEOUT_S = 3

PATHS_EXAMPLE = {"from": "CYP2C19", "to": "prasugrel", "max_hops": 4, "paths": [{
    "hops": 2,
    "nodes": [{"element_id": "4:...:1", "label": "Gene", "key": "CYP2C19", "name": "CYP2C19"},
              {"element_id": "4:...:2", "label": "ClinicalAnnotation", "key": "PharmGKB:982040598:rs4244285:GG",
               "name": "PharmGKB:982040598:rs4244285:GG"},
              {"element_id": "4:...:3", "label": "Drug", "key": "prasugrel", "name": "prasugrel"}],
    "relationships": [{"type": "ABOUT", "start": "4:...:2", "end": "4:...:1"},
                      {"type": "FOR_DRUG", "start": "4:...:2", "end": "4:...:3"}]}]}
SUBGRAPH_EXAMPLE = {
    "center": "4:...:1", "truncated": True,
    "nodes": [{"element_id": "4:...:1", "label": "Drug", "key": "clopidogrel", "name": "clopidogrel",
               "properties": {"id": "clopidogrel", "rxnorm": "32968"}}],
    "relationships": [{"element_id": "5:...:9", "type": "INTERACTS_WITH", "start": "4:...:7", "end": "4:...:1",
                       "properties": {"cpic_level": "A"}}],
}
SEARCH_EXAMPLE = {"q": "clopidogrel", "limit": 20, "offset": 0,
                  "items": [{"label": "Drug", "key": "clopidogrel", "name": "clopidogrel", "score": 13.2}]}
HEALTH_EXAMPLE = {"status": "ok", "pgxkg": __version__,
                  "neo4j": {"reachable": True, "version": "5.26.30", "edition": "community", "latency_ms": 3.1},
                  "data": {"loaded": True, "sources": [{"source": "cpic-tables@pypgx-0.27.0", "complete": True}]}}
CYPHER_EXAMPLE = {"rows": [{"drug": "clopidogrel", "cpic_level": "A"}], "truncated": False, "max_rows": 1000}


@router.get("/paths", summary="Shortest paths between two entities", responses=responses(404, 422, ok=PATHS_EXAMPLE))
def get_paths(
    graph: GraphDep,
    source: Annotated[str, Query(alias="from", min_length=1, max_length=200, examples=["CYP2C19"],
                                 description="key of the start: gene symbol, drug, disease, variant, allele id")],
    target: Annotated[str, Query(alias="to", min_length=1, max_length=200, examples=["prasugrel"])],
    max_hops: Annotated[int, Query(ge=1, le=research.MAX_HOPS)] = 4,
    limit: Annotated[int, Query(ge=1, le=50, description="at most this many paths")] = 5,
) -> PathsAnswer:
    paths = research.shortest_paths(graph, source, target, max_hops, limit)
    return PathsAnswer(source=source, target=target, max_hops=max_hops, paths=paths)


@router.get("/subgraph", summary="The neighbourhood of an entity, bounded in size",
            responses=responses(404, 422, ok=SUBGRAPH_EXAMPLE))
def get_subgraph(
    graph: GraphDep,
    center: Annotated[str, Query(min_length=1, max_length=200, examples=["clopidogrel"])],
    depth: Annotated[int, Query(ge=1, le=research.MAX_DEPTH, description="rings around the center")] = 1,
    limit: Annotated[int, Query(ge=1, le=research.MAX_SUBGRAPH_NODES,
                                description=f"node cap (at most {research.MAX_SUBGRAPH_NODES})")] = 100,
) -> SubgraphAnswer:
    return research.subgraph(graph, center, depth, limit)


@router.get("/search", summary="Full-text search over genes, drugs, diseases and variants",
            responses=responses(422, ok=SEARCH_EXAMPLE))
def get_search(
    graph: GraphDep,
    q: Annotated[str, Query(min_length=1, max_length=200, examples=["clopidogrel"],
                            description="words; each matches as a word or a prefix")],
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> SearchAnswer:
    return SearchAnswer(q=q, limit=limit, offset=offset, items=research.search(graph, q, limit, offset))


@router.get("/stats", summary="Nodes per label, relationships per type, loaded sources", responses=responses())
def get_stats(graph: GraphDep) -> StatsAnswer:
    return StatsAnswer(**graph_counts(graph), sources=data_sources(graph))


@router.get("/health", summary="Neo4j reachable, data loaded, versions", responses=responses(ok=HEALTH_EXAMPLE))
def get_health(graph: GraphDep) -> HealthAnswer:
    """200 when Neo4j answers ("degraded" while no complete build is loaded); 503 when it does not."""
    try:
        server = server_info(graph, timeout=HEALTH_TIMEOUT_S)
    except Neo4jError as error:  # a server too busy (e.g. still starting) to answer is unhealthy, not 422
        if "TimedOut" in (error.code or ""):
            raise GraphUnavailable(f"Neo4j did not answer the health check within {HEALTH_TIMEOUT_S} s.",
                                   "retry shortly") from None
        raise
    state = load_state(graph, expected=REQUIRED)
    return HealthAnswer(status="ok" if state.loaded else "degraded", neo4j=server, data=state, pgxkg=__version__)


class CypherRequest(BaseModel):
    query: str = Field(..., min_length=1, max_length=20_000,
                       examples=["MATCH (g:Gene {symbol: $gene})-[i:INTERACTS_WITH]->(d) RETURN d.id AS drug, "
                                 "i.cpic_level AS cpic_level LIMIT 5"])
    params: dict[str, Any] = Field(default_factory=dict, examples=[{"gene": "CYP2C19"}])


@router.post("/cypher", summary="Read-only Cypher for researchers (disabled unless configured)",
             responses=responses(403, 404, 422, ok=CYPHER_EXAMPLE))
def post_cypher(
    graph: GraphDep,
    api: ApiSettingsDep,
    request: Annotated[CypherRequest, Body()],
) -> CypherAnswer:
    """Refuses write clauses and procedures not known to read; runs in a READ transaction with the
    server-side timeout PGXKG_CYPHER_TIMEOUT and returns at most PGXKG_CYPHER_MAX_ROWS rows."""
    if not api.enable_cypher:
        raise NotFound("the Cypher endpoint is disabled; set PGXKG_ENABLE_CYPHER=1 to enable it")
    return run_read_only(graph, request.query, request.params, api.cypher_timeout_s, api.cypher_max_rows)
