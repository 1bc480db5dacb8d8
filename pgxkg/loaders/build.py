"""`pgxkg build`: fetch -> parse every source -> resolve -> write, under a lock.

Everything is parsed and validated before the first write, so a corrupt
source stops the build with the graph untouched. Each Source node is marked
``complete`` only after all of its batches are written.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field

from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher
from pgxkg.graph.schema_ops import apply_schema
from pgxkg.loaders import registry
from pgxkg.loaders.collect import Collection
from pgxkg.loaders.fetch import FetchedSource
from pgxkg.loaders.gc_pause import gc_paused
from pgxkg.loaders.lock import build_lock
from pgxkg.loaders.prune import prune, prune_sources
from pgxkg.loaders.records import RowProblems, SourceFileError, skipped_kinds
from pgxkg.loaders.resolve import link_named_alternatives, merge_duplicate_guidelines, resolve_diseases
from pgxkg.loaders.verdicts import categorise_recommendations
from pgxkg.loaders.writer import BATCH_SIZE, Progress, WriteSummary, write_collection
from pgxkg.settings import Settings


@dataclass
class BuildReport:
    sources: list[str]
    written: WriteSummary
    unchanged: bool = False
    pruned: dict[str, int] = field(default_factory=dict)
    problems: list[SourceFileError] = field(default_factory=list)
    resolved_diseases: int = 0
    named_alternatives: int = 0
    implicit_nodes: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def summary(self, max_problems: int = 200) -> BuildSummary:
        """What `pgxkg build` prints and ``POST /admin/build`` answers."""
        written = self.written
        return BuildSummary(
            sources=self.sources, unchanged=self.unchanged, nodes=written.nodes,
            relationships=written.relationships, seconds={k: round(v, 2) for k, v in self.seconds.items()},
            nodes_per_second=round(written.node_total / written.node_seconds) if written.node_seconds else None,
            relationships_per_second=round(written.relationship_total / written.relationship_seconds)
            if written.relationship_seconds else None,
            first_load_groups=len(written.first_load_groups), pruned=self.pruned,
            resolved_diseases=self.resolved_diseases, named_alternatives=self.named_alternatives,
            bad_rows=[p.message for p in self.problems[:max_problems]], bad_row_count=len(self.problems),
        )


class BuildSummary(BaseModel):
    """A build's outcome: what was loaded, how long each phase took (seconds), what was skipped."""

    sources: list[str] = Field(description="Source ids (name@version) this build covered")
    unchanged: bool = Field(description="true when the graph already held these exact files and loaders: "
                                        "nothing was written")
    nodes: dict[str, int] = Field(default_factory=dict, description="nodes written per label")
    relationships: dict[str, int] = Field(default_factory=dict, description="relationships written per type")
    seconds: dict[str, float] = Field(default_factory=dict, description="wall time per phase")
    nodes_per_second: int | None = None
    relationships_per_second: int | None = None
    first_load_groups: int = Field(0, description="groups written with CREATE (nothing of them existed yet)")
    pruned: dict[str, int] = Field(default_factory=dict, description="stale nodes and relationships removed")
    resolved_diseases: int = 0
    named_alternatives: int = 0
    bad_rows: list[str] = Field(default_factory=list, description="file:line: reason, at most 200")
    bad_row_count: int = 0


def fetch_all(settings: Settings, names: list[str] | None = None) -> list[FetchedSource]:
    return registry.for_build(settings.cache, names)


def collect(
    fetched: list[FetchedSource], problems: RowProblems, progress: Progress | None = None
) -> tuple[Collection, dict[str, int]]:
    """Parse every fetched source into one deduplicated collection, plus cross-source steps."""
    collection = Collection()
    for source in fetched:
        adapter = registry.adapter(source.info.name)
        skip = skipped_kinds(source.info, [s.info for s in fetched])
        for count, record in enumerate(adapter.records(source.paths, problems, skip), start=1):
            collection.add(record, source.info.id)
            if progress and count % 50_000 == 0:
                progress(f"parse {source.info.name}", 50_000)
    steps = {"resolved_diseases": 0}
    hpo = next((s for s in fetched if s.info.name == "hpo"), None)
    if hpo is not None:
        from pgxkg.loaders.hpo import disease_names

        steps["resolved_diseases"] = resolve_diseases(collection, disease_names(hpo.paths))
    steps["named_alternatives"] = link_named_alternatives(collection)
    steps["merged_guidelines"] = merge_duplicate_guidelines(collection)
    steps["categorised_recommendations"] = categorise_recommendations(collection)
    collection.close_dangling()
    return collection, steps


def content_digest(source: FetchedSource) -> str:
    """What a load of this source depends on: its files and the loader code that reads them."""
    digest = hashlib.sha256()
    for member in sorted(source.entry.files):
        digest.update(f"{member}={source.entry.files[member]}\n".encode())
    package = Path(__file__).parent.parent
    for code in sorted([*(package / "loaders").rglob("*"), *(package / "vocab").rglob("*")]):
        if code.suffix in (".py", ".cypher"):  # the loaders and the ids and conditions they mint
            digest.update(code.read_bytes())
    return digest.hexdigest()


def loaded_digests(graph: Graph) -> dict[str, str]:
    rows = graph.read(read_cypher("pgxkg.loaders", "loaded_digests"))
    return {row["id"]: row["sha"] for row in rows}


@gc_paused()
def build(
    graph: Graph, settings: Settings, names: list[str] | None = None, strict: bool = False,
    batch_size: int = BATCH_SIZE, progress: Progress | None = None, force: bool = False,
) -> BuildReport:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    fetched = fetch_all(settings, names)
    timings["fetch"] = time.perf_counter() - started
    digests = {source.info.id: content_digest(source) for source in fetched}
    loaded = loaded_digests(graph)
    same = all(loaded.get(i) == d for i, d in digests.items())
    if not force and same and (names or set(loaded) <= set(digests)):  # a full build must also drop sources
        timings["check"] = time.perf_counter() - started - timings["fetch"]
        return BuildReport(sources=list(digests), written=WriteSummary(), unchanged=True, seconds=timings)

    started = time.perf_counter()
    problems = RowProblems(strict=strict)
    collection, steps = collect(fetched, problems, progress)
    timings["parse"] = time.perf_counter() - started

    started = time.perf_counter()
    with build_lock(graph):
        apply_schema(graph)
        for source in fetched:
            _upsert_source(graph, source, complete=False, digest="")
        every_source = not names
        written = write_collection(graph, collection, batch_size, progress, every_source=every_source)
        timings["write"] = time.perf_counter() - started
        started = time.perf_counter()
        # A full build speaks for every registered source, so facts of one no longer in it (an official
        # release removed from the cache) are pruned too, and so are Source nodes it no longer holds.
        pruned = prune(graph, collection, list(registry.ADAPTERS) if every_source else [s.info.name for s in fetched],
                       every_source=every_source)
        for source in fetched:
            _upsert_source(graph, source, complete=True, digest=digests[source.info.id])
        if every_source:
            pruned["nodes"] += prune_sources(graph, list(digests))
    timings["prune"] = time.perf_counter() - started
    return BuildReport(
        sources=[s.info.id for s in fetched], written=written, problems=problems.problems, pruned=pruned,
        resolved_diseases=steps["resolved_diseases"],
        named_alternatives=steps["named_alternatives"],
        implicit_nodes=collection.implicit_nodes, seconds=timings,
    )


def _upsert_source(graph: Graph, source: FetchedSource, complete: bool, digest: str) -> None:
    entry = source.entry
    props = {
        "name": entry.name, "version": entry.version, "package": entry.package,
        "package_version": entry.package_version, "url": entry.url, "license": entry.license,
        "sha256": entry.sha256, "origin": entry.origin, "complete": complete,
        "description": source.info.description, "content_sha256": digest,
        "release": source.info.release, "date": source.info.date,
    }
    if complete:
        props["loaded_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    graph.write(read_cypher("pgxkg.loaders", "upsert_source"), id=source.info.id, props=props)
