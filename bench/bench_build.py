"""Full build from the cached sources into a fresh Neo4j: wall time, nodes/s, relationships/s,
a no-op rebuild, a forced rebuild, and the naive one-MERGE-per-row baseline on a sample.

    .venv/bin/python -m bench.bench_build     # prints figures, writes bench/results/build.json
"""

from __future__ import annotations

import time

from bench.scratch_server import save_results, scratch_neo4j
from pgxkg.graph.connection import Graph
from pgxkg.loaders.build import build, collect, fetch_all
from pgxkg.loaders.records import RowProblems
from pgxkg.loaders.writer import write_naively

NAIVE_SAMPLE = 3000


def main() -> None:
    results: dict[str, object] = {}
    with scratch_neo4j() as settings, Graph(settings) as graph:
        started = time.perf_counter()
        report = build(graph, settings)
        wall = time.perf_counter() - started
        write_s = report.seconds["write"]
        results["full_build"] = {
            "wall_s": round(wall, 1), "phases_s": {k: round(v, 1) for k, v in report.seconds.items()},
            "nodes": report.written.node_total, "relationships": report.written.relationship_total,
            "nodes_per_s_of_write": round(report.written.node_total / write_s),
            "relationships_per_s_of_write": round(report.written.relationship_total / write_s),
            "records_per_s_wall": round((report.written.node_total + report.written.relationship_total) / wall),
        }
        started = time.perf_counter()
        assert build(graph, settings).unchanged
        results["noop_rebuild_s"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        build(graph, settings, force=True)
        results["forced_rebuild_s"] = round(time.perf_counter() - started, 1)

        collection, _ = collect(fetch_all(settings), RowProblems())
        started = time.perf_counter()
        written = write_naively(graph, collection, limit=NAIVE_SAMPLE, labels=["HAS_FEATURE"])
        naive_rate = written / (time.perf_counter() - started)
        batched_rate = results["full_build"]["relationships_per_s_of_write"]
        results["naive_baseline"] = {
            "sample_relationships": written, "relationships_per_s": round(naive_rate),
            "batched_speedup": round(batched_rate / naive_rate, 1),
        }
    save_results("build", results)


if __name__ == "__main__":
    main()
