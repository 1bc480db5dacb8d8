"""Full build into a fresh Neo4j: wall time, nodes/s, relationships/s, a no-op rebuild, a forced
rebuild, the pinned-only build for comparison, and the naive one-MERGE-per-row baseline on a sample.

The full build loads the pinned sources and the official ones, fetched (``--from``) from the real
files in ../shared/data/official-formats into a scratch cache, as the test session does.

    .venv/bin/python -m bench.bench_build     # prints figures, writes bench/results/build.json
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from bench.scratch_server import save_results
from pgxkg.graph.connection import Graph
from pgxkg.graph.schema_ops import apply_schema
from pgxkg.graph.scratch import running, scratch_neo4j, scratch_settings
from pgxkg.loaders.build import build, collect, fetch_all
from pgxkg.loaders.collect import Collection
from pgxkg.loaders.records import RowProblems
from pgxkg.loaders.writer import write_collection, write_naively
from pgxkg.settings import Settings
from tests.official_data import fetch_official_test_data, session_cache

NAIVE_SAMPLE = 3000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-pinned-only", action="store_true", help="skip the pinned-only comparison build")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive baseline")
    args = parser.parse_args()
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="pgxkg-bench-") as tmp:
        cache = session_cache(Path(tmp) / "cache")
        fetched = fetch_official_test_data(cache)
        results["official_sources"] = {name: {"release": s.info.release, "date": s.info.date}
                                       for name, s in fetched.items()}
        with running(scratch_settings(Path(tmp) / "home", cache)) as settings, Graph(settings) as graph:
            results["full_build"] = measured_build(graph, settings)
            started = time.perf_counter()
            assert build(graph, settings).unchanged
            results["noop_rebuild_s"] = round(time.perf_counter() - started, 2)
            started = time.perf_counter()
            build(graph, settings, force=True)
            results["forced_rebuild_s"] = round(time.perf_counter() - started, 1)
        if not args.no_pinned_only:
            with running(scratch_settings(Path(tmp) / "pinned-home", cache)) as settings, Graph(settings) as graph:
                results["pinned_only_build"] = measured_build(graph, settings, pinned_only=True)
    if not args.no_naive:
        results["naive_baseline"] = naive_baseline(results["full_build"]["relationships_per_s"])
    save_results("build", results)


def measured_build(graph: Graph, settings: Settings, pinned_only: bool = False) -> dict[str, object]:
    started = time.perf_counter()
    report = build(graph, settings, pinned_only=pinned_only)
    wall = time.perf_counter() - started
    written = report.written
    return {
        "wall_s": round(wall, 1), "phases_s": {k: round(v, 1) for k, v in report.seconds.items()},
        "sources": report.sources,
        "nodes": written.node_total, "relationships": written.relationship_total,
        "node_writing_s": round(written.node_seconds, 1),
        "relationship_writing_s": round(written.relationship_seconds, 1),
        # each over the time spent writing it: the target's figure
        "nodes_per_s": round(written.node_total / written.node_seconds),
        "relationships_per_s": round(written.relationship_total / written.relationship_seconds),
        # stricter: relationships over the whole write phase, nodes included
        "relationships_per_s_of_write_phase": round(written.relationship_total / report.seconds["write"]),
        "records_per_s_wall": round((written.node_total + written.relationship_total) / wall),
        "first_load_groups": len(written.first_load_groups),
        "bad_rows": len(report.problems),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def naive_baseline(batched_rate: float) -> dict[str, object]:
    """The same first load of relationships, one MERGE per row, into a fresh store holding the nodes."""
    with scratch_neo4j() as settings, Graph(settings) as graph:
        collection, _ = collect(fetch_all(settings), RowProblems())
        apply_schema(graph)
        write_collection(graph, Collection(nodes=collection.nodes))
        started = time.perf_counter()
        written = write_naively(graph, collection, limit=NAIVE_SAMPLE, labels=["HAS_FEATURE"])
        naive_rate = written / (time.perf_counter() - started)
    return {"sample_relationships": written, "relationships_per_s": round(naive_rate),
            "batched_speedup": round(batched_rate / naive_rate, 1)}


if __name__ == "__main__":
    main()
