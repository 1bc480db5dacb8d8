"""Response models of the routes that are not the risk contract (that one is pgxkg.queries.models):
so OpenAPI shows every answer's shape, and FastAPI checks each answer against it."""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from pgxkg.graph.status import LoadState, ServerInfo, SourceStatus

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list: ``items`` from ``offset``, the ``total`` count, and the offset of the
    next page (null on the last)."""

    items: list[T]
    total: int
    limit: int
    offset: int
    next_offset: int | None = None

    @classmethod
    def of(cls, rows: list[Any], limit: int, offset: int) -> Page[T]:
        following = offset + limit
        return cls(items=rows[offset:following], total=len(rows), limit=limit, offset=offset,
                   next_offset=following if following < len(rows) else None)


class NeighbourGroup(BaseModel):
    type: str = Field(description="relationship type")
    direction: Literal["out", "in"]
    label: str = Field(description="the neighbours' label")
    count: int
    sample: list[str] = Field(description="the first keys, in key order")


class EntitySummary(BaseModel):
    """A node, its properties, and its neighbours grouped by relationship, direction and label."""

    label: str
    properties: dict[str, Any]
    neighbours: list[NeighbourGroup]
    evidence: dict[str, int] = Field(description="neighbour counts by 'TYPE:Label' ('TYPE<-:Label' for incoming)")


class DrugGene(BaseModel):
    """A gene to test before prescribing a drug."""

    gene: str
    cpic_level: str | None = None
    pharmgkb_level: str | None = None
    fda_label: str | None = None
    guideline_sources: list[str] = Field(default_factory=list)
    recommendations: int = 0


class GeneDrug(BaseModel):
    """A drug with pharmacogenomic evidence for a gene."""

    drug: str
    cpic_level: str | None = None
    cpic_status: str | None = None
    pharmgkb_level: str | None = None
    fda_label: str | None = None
    recommendations: int = 0
    guideline: str | None = Field(None, description="guideline URL")


class DiseaseDrug(BaseModel):
    """A drug linked to a disease by clinical annotations or through the disease's genes."""

    drug: str
    best_level: str | None = None
    annotations: int
    via: Literal["clinical_annotation", "associated_gene"]
    genes: list[str] = Field(default_factory=list)


class PathNode(BaseModel):
    element_id: str
    label: str
    key: Any = None
    name: Any = None


class PathRelationship(BaseModel):
    type: str
    start: str
    end: str


class GraphPath(BaseModel):
    hops: int
    nodes: list[PathNode]
    relationships: list[PathRelationship]


class PathsAnswer(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    source: str = Field(alias="from")
    target: str = Field(alias="to")
    max_hops: int
    paths: list[GraphPath]


class SubgraphNode(PathNode):
    properties: dict[str, Any] = Field(default_factory=dict)


class SubgraphRelationship(PathRelationship):
    element_id: str
    properties: dict[str, Any] = Field(default_factory=dict)


class SubgraphAnswer(BaseModel):
    center: str = Field(description="the center's element id")
    truncated: bool = Field(description="whether the node cap cut the neighbourhood")
    nodes: list[SubgraphNode]
    relationships: list[SubgraphRelationship]


class SearchHit(BaseModel):
    label: str
    key: Any
    name: Any = None
    score: float


class SearchAnswer(BaseModel):
    q: str
    limit: int
    offset: int
    items: list[SearchHit]


class StatsAnswer(BaseModel):
    nodes: dict[str, int] = Field(description="nodes per label")
    relationships: dict[str, int] = Field(description="relationships per type")
    sources: list[SourceStatus]


class HealthAnswer(BaseModel):
    status: Literal["ok", "degraded"] = Field(description="degraded while no complete build is loaded")
    neo4j: ServerInfo
    data: LoadState
    pgxkg: str = Field(description="pgxkg version")


class CypherAnswer(BaseModel):
    rows: list[dict[str, Any]]
    truncated: bool = Field(description="whether the row cap cut the result")
    max_rows: int
