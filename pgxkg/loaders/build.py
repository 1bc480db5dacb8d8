"""`pgxkg build`: fetch -> parse every source -> resolve -> write, under a lock.

Everything is parsed and validated before the first write, so a corrupt
source stops the build with the graph untouched. Each Source node is marked
``complete`` only after all of its batches are written.

The pinned sources are always in a build; an official source is when it has been fetched (see
``pgxkg.loaders.official``), unless the build is ``pinned_only``. What each pinned source leaves
out (``skipped_kinds``) is decided against every official source available, so ``--source
cpic-tables`` alone skips the same facts a full build does. A build drops a source the graph holds
when a full build no longer includes it, and an official source whenever it is no longer available
(removed with ``pgxkg fetch NAME --forget``, or a ``--pinned-only`` build): its facts that no source
of this build gives are pruned and its Source node is deleted, so the pinned facts it superseded are
never next to stale ones.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field

from pgxkg.errors import PgxkgError
from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher
from pgxkg.graph.schema_ops import apply_schema
from pgxkg.loaders import registry
from pgxkg.loaders.collect import Collection
from pgxkg.loaders.fetch import FetchedSource
from pgxkg.loaders.gc_pause import gc_paused
from pgxkg.loaders.lock import build_lock
from pgxkg.loaders.prune import prune, prune_sources
from pgxkg.loaders.records import RowProblems, SourceFileError, SourceInfo, skipped_kinds
from pgxkg.loaders.resolve import (
    link_named_alternatives,
    merge_duplicate_guidelines,
    phenotype_only_conditions,
    resolve_diseases,
    resolve_drug_classes,
    resolve_drugs,
    unshare_rxnorm,
)
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
    data: list[SourceData] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    steps: dict[str, int] = field(default_factory=dict)

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
            data=self.data, dropped=self.dropped, resolution=self.steps,
        )


class SourceData(BaseModel):
    """Which release of a source a build loaded and how old its data is."""

    source: str = Field(description="Source id, name@version")
    release: str = Field("", description="the upstream release the files belong to")
    date: str = Field("", description="the date of the data (ISO 8601)")
    official: bool = Field(False, description="an official upstream release (else the pinned PyPI snapshot)")
    skipped: list[str] = Field(default_factory=list,
                               description="kinds of facts left out because an official source gives them")


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
    data: list[SourceData] = Field(default_factory=list, description="release and date of every source built")
    dropped: list[str] = Field(default_factory=list, description="sources the graph held that this build "
                                                                 "no longer includes, and removed")
    resolution: dict[str, int] = Field(default_factory=dict, description="cross-source steps: how many "
                                                                         "entities each one merged or moved")


def official_sources(settings: Settings) -> list[FetchedSource]:
    """The official sources fetched into the cache (intact), in build order."""
    found = []
    for name in registry.OFFICIAL:
        hit = registry.cached_source(registry.adapter(name), settings.cache)
        if hit is not None:
            found.append(hit)
    return found


def fetch_all(settings: Settings, names: list[str] | None = None, pinned_only: bool = False) -> list[FetchedSource]:
    """The sources of a build: every pinned one (fetched now when the cache lacks it) and every official
    one that has been fetched (unless ``pinned_only``); only ``names`` when given. Naming an official
    source that has not been fetched is an error saying how to fetch it."""
    official = {} if pinned_only else {s.info.name: s for s in official_sources(settings)}
    found = []
    for adapter in registry.selected(names):
        name = adapter.source.name
        if not adapter.source.official:
            found.append(registry.fetch_source(adapter, settings.cache))
        elif name in official:
            found.append(official[name])
        elif names:
            raise PgxkgError(f"{name} is an official source and has not been fetched"
                             + (" (--pinned-only leaves it out)" if pinned_only else ""),
                             f"run `pgxkg fetch {name} --upstream`, or `pgxkg fetch {name} --from PATH` "
                             "with files you have")
    return found


def skip_sets(fetched: list[FetchedSource], available: list[SourceInfo]) -> dict[str, frozenset[str]]:
    """What each source of the build leaves out, against every official source ``available``."""
    infos = [*available, *(s.info for s in fetched if s.info not in available)]
    return {s.info.id: skipped_kinds(s.info, infos) for s in fetched}


def collect(
    fetched: list[FetchedSource], problems: RowProblems, progress: Progress | None = None,
    skips: dict[str, frozenset[str]] | None = None,
) -> tuple[Collection, dict[str, int]]:
    """Parse every fetched source into one deduplicated collection, plus cross-source steps."""
    skips = skips if skips is not None else skip_sets(fetched, [])
    collection = Collection()
    for source in fetched:
        adapter = registry.adapter(source.info.name)
        skip = skips.get(source.info.id, frozenset())
        for count, record in enumerate(adapter.records(source.paths, problems, skip), start=1):
            collection.add(record, source.info.id)
            if progress and count % 50_000 == 0:
                progress(f"parse {source.info.name}", 50_000)
    steps = {"resolved_diseases": 0}
    hpo = next((s for s in fetched if s.info.name == "hpo"), None)
    if hpo is not None:
        from pgxkg.loaders.hpo import disease_names

        steps["resolved_diseases"] = resolve_diseases(collection, disease_names(hpo.paths))
    steps["resolved_drugs"] = resolve_drugs(collection)
    steps["drug_classes"], steps["class_edges_dropped"] = resolve_drug_classes(collection)
    steps["shared_rxnorm"] = unshare_rxnorm(collection)
    steps["named_alternatives"] = link_named_alternatives(collection)
    steps["merged_guidelines"] = merge_duplicate_guidelines(collection)
    steps["phenotype_only_conditions"] = phenotype_only_conditions(collection)
    steps["categorised_recommendations"] = categorise_recommendations(collection)
    collection.close_dangling()
    return collection, steps


def content_digest(source: FetchedSource, skip: frozenset[str] = frozenset()) -> str:
    """What a load of this source depends on: its files, what it leaves out, and the loader code."""
    digest = hashlib.sha256()
    for member in sorted(source.entry.files):
        digest.update(f"{member}={source.entry.files[member]}\n".encode())
    digest.update(f"release={source.info.release};date={source.info.date};skip={sorted(skip)}\n".encode())
    package = Path(__file__).parent.parent
    for code in sorted([*(package / "loaders").rglob("*"), *(package / "vocab").rglob("*")]):
        if code.suffix in (".py", ".cypher"):  # the loaders and the ids and conditions they mint
            digest.update(code.read_bytes())
    return digest.hexdigest()


def loaded_digests(graph: Graph) -> dict[str, str]:
    """Source id -> content digest of every Source node ("" for one whose load did not complete)."""
    rows = graph.read(read_cypher("pgxkg.loaders", "loaded_digests"))
    return {row["id"]: row["sha"] if row["complete"] else "" for row in rows}


def dropped_sources(loaded: dict[str, str], built: dict[str, str], names: list[str] | None,
                    official: list[FetchedSource]) -> list[str]:
    """Sources the graph holds that this build removes: any not in a full build, and in any build an
    official source that is no longer available (removed from the cache, or a ``--pinned-only``
    build), since the pinned sources no longer leave its facts out."""
    available = {s.info.name for s in official}
    return sorted(i for i in set(loaded) - set(built)
                  if not names or (i.split("@")[0] in registry.OFFICIAL and i.split("@")[0] not in available))


def source_data(fetched: list[FetchedSource], skips: dict[str, frozenset[str]]) -> list[SourceData]:
    return [SourceData(source=s.info.id, release=s.info.release, date=s.info.date, official=s.info.official,
                       skipped=sorted(skips.get(s.info.id, frozenset()))) for s in fetched]


@gc_paused()
def build(
    graph: Graph, settings: Settings, names: list[str] | None = None, strict: bool = False,
    batch_size: int = BATCH_SIZE, progress: Progress | None = None, force: bool = False,
    pinned_only: bool = False,
) -> BuildReport:
    """Build ``names`` (every available source when None; see the module doc) into the graph."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    fetched = fetch_all(settings, names, pinned_only)
    skips = skip_sets(fetched, [] if pinned_only else [s.info for s in official_sources(settings)])
    timings["fetch"] = time.perf_counter() - started
    digests = {source.info.id: content_digest(source, skips[source.info.id]) for source in fetched}
    loaded = loaded_digests(graph)
    dropped = dropped_sources(loaded, digests, names, [] if pinned_only else official_sources(settings))
    data = source_data(fetched, skips)
    if not force and not dropped and all(loaded.get(i) == d for i, d in digests.items()):
        timings["check"] = time.perf_counter() - started - timings["fetch"]
        return BuildReport(sources=list(digests), written=WriteSummary(), unchanged=True, seconds=timings,
                           data=data)

    started = time.perf_counter()
    problems = RowProblems(strict=strict)
    collection, steps = collect(fetched, problems, progress, skips)
    timings["parse"] = time.perf_counter() - started

    started = time.perf_counter()
    with build_lock(graph):
        apply_schema(graph)
        for source in fetched:
            _upsert_source(graph, source, complete=False, digest="")
        every_source = not names
        rebuilt = [s.info.name for s in fetched] + [i.split("@")[0] for i in dropped]
        written = write_collection(graph, collection, batch_size, progress, every_source=every_source,
                                   rebuilt=rebuilt)
        timings["write"] = time.perf_counter() - started
        started = time.perf_counter()
        # A full build speaks for every registered source (the counts shortcut of prune holds only then),
        # so facts of one no longer in it are pruned too, and so are Source nodes it no longer holds.
        pruned = prune(graph, collection, list(registry.ADAPTERS) if every_source else rebuilt,
                       every_source=every_source)
        for source in fetched:
            _upsert_source(graph, source, complete=True, digest=digests[source.info.id])
        if every_source:  # every Source node but this build's: dropped sources, other versions
            pruned["nodes"] += prune_sources(graph, list(digests))
        elif dropped:
            graph.write(read_cypher("pgxkg.loaders", "delete_sources"), ids=dropped)
    timings["prune"] = time.perf_counter() - started
    return BuildReport(
        sources=[s.info.id for s in fetched], written=written, problems=problems.problems, pruned=pruned,
        resolved_diseases=steps["resolved_diseases"],
        named_alternatives=steps["named_alternatives"],
        implicit_nodes=collection.implicit_nodes, seconds=timings, data=data, dropped=dropped, steps=steps,
    )


def _upsert_source(graph: Graph, source: FetchedSource, complete: bool, digest: str) -> None:
    entry = source.entry
    props = {
        "name": entry.name, "version": entry.version, "package": entry.package,
        "package_version": entry.package_version, "url": entry.url, "license": entry.license,
        "sha256": entry.sha256, "origin": entry.origin, "complete": complete,
        "description": source.info.description, "content_sha256": digest,
        "release": source.info.release, "date": source.info.date, "official": source.info.official,
    }
    if complete:
        props["loaded_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    graph.write(read_cypher("pgxkg.loaders", "upsert_source"), id=source.info.id, props=props)
