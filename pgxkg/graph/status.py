"""What the server is and what data it holds: shared by `pgxkg up`, `stats`, `neo4j status`,
``/health`` and ``/stats``, so the CLI and the API answer alike."""

from __future__ import annotations

import time
from collections.abc import Iterable

from pydantic import BaseModel, Field

from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher


class ServerInfo(BaseModel):
    """The Neo4j server that answered, and how long it took (milliseconds)."""

    reachable: bool = True
    version: str
    edition: str
    latency_ms: float


class SourceStatus(BaseModel):
    """One loaded source (a ``Source`` node): its release, the date of its data, whether its load completed."""

    source: str = Field(description="Source id, name@version")
    name: str | None = None
    version: str | None = None
    release: str | None = Field(None, description="the upstream release the files belong to")
    date: str | None = Field(None, description="the date of the data (ISO 8601), as the release states it")
    license: str | None = None
    url: str | None = None
    complete: bool = False
    loaded_at: str | None = Field(None, description="when this graph finished loading it (UTC)")


class LoadState(BaseModel):
    """Whether the graph holds a complete build of every expected source."""

    loaded: bool
    sources: list[SourceStatus]
    missing: list[str] = Field(default_factory=list, description="expected sources not completely loaded")


def server_info(graph: Graph, timeout: float | None = None) -> ServerInfo:
    """Version and edition from ``dbms.components()``; raises GraphUnavailable when unreachable."""
    started = time.perf_counter()
    row = graph.read(read_cypher("pgxkg.graph", "server_components"), timeout=timeout)[0]
    return ServerInfo(version=row["version"], edition=row["edition"],
                      latency_ms=round((time.perf_counter() - started) * 1000, 1))


def data_sources(graph: Graph) -> list[SourceStatus]:
    """Every Source node, sorted by id."""
    return [SourceStatus(**row) for row in graph.read(read_cypher("pgxkg.graph", "loaded_sources"))]


def load_state(graph: Graph, expected: Iterable[str] | None = None) -> LoadState:
    """``loaded`` when every ``expected`` source name (all present ones when None) is completely loaded."""
    sources = data_sources(graph)
    complete = {s.name or s.source.split("@")[0] for s in sources if s.complete}
    wanted = set(expected) if expected is not None else {s.name or s.source.split("@")[0] for s in sources}
    missing = sorted(wanted - complete)
    return LoadState(loaded=bool(wanted) and not missing, sources=sources, missing=missing)
