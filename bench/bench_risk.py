"""Risky drugs for a 15-gene genotype, warm (p50/p99 latency, typed result), and batch throughput
(``risk_reports``: the JSON-ready path the batch API serves), warm and for the first batch after a
fresh load of the reference data (nothing kept yet: drug evidence and texts read from the graph,
every gene reading, rule match and verdict computed anew).

Runs against the configured graph (the embedded server, or NEO4J_URI), read-only:

    .venv/bin/python -m bench.bench_risk      # prints figures, writes bench/results/risk.json
"""

from __future__ import annotations

import random
import statistics
import time

from bench.scratch_server import save_results
from pgxkg.graph.connection import Graph
from pgxkg.queries.genotype_input import read_genotype
from pgxkg.queries.risk import risk, risk_reports
from pgxkg.reference import ReferenceData

FIFTEEN_GENES = {
    "CYP2C19": "*2/*17", "CYP2D6": "*1/*4", "CYP2C9": "*1/*3", "CYP3A5": "*3/*3", "CYP2B6": "*1/*6",
    "TPMT": "*1/*3A", "NUDT15": "*1/*1", "SLCO1B1": "*1/*5", "UGT1A1": "*1/*28", "DPYD": "1.5",
    "HLA-B": "*57:01 negative", "HLA-A": "*31:01 negative", "CYP4F2": "*1/*3", "IFNL3": "Favorable Response",
    "rs9923231": "C/T",
}
SINGLE_RUNS = 300
BATCH_GENOTYPES = 2000
BATCH_SIZE = 250
VARIANTS = {"CYP2C19": ["*1/*1", "*1/*2", "*2/*2", "*1/*17", "*17/*17", "*2/*17", "*3/*17"],
            "CYP2D6": ["*1/*1", "*1/*4", "*4/*4", "*1/*2", "*2/*41", "*4/*10"],
            "CYP2C9": ["*1/*1", "*1/*2", "*1/*3", "*2/*3", "*3/*3"],
            "TPMT": ["*1/*1", "*1/*3A", "*3A/*3A", "*1/*3C"],
            "SLCO1B1": ["*1/*1", "*1/*5", "*5/*5", "*1/*15"]}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    items = read_genotype(dict(FIFTEEN_GENES))
    with Graph.connect() as graph:
        reference = ReferenceData(graph)
        for _ in range(20):  # warm: vocabulary cache, query plans, page cache
            risk(reference, items)
        latencies = []
        for _ in range(SINGLE_RUNS):
            started = time.perf_counter()
            result = risk(reference, items)
            latencies.append((time.perf_counter() - started) * 1000)
        random.seed(7)
        population = []
        for _ in range(BATCH_GENOTYPES):
            genotype = dict(FIFTEEN_GENES)
            genotype.update({gene: random.choice(options) for gene, options in VARIANTS.items()})
            population.append(read_genotype(genotype))
        started = time.perf_counter()
        for start in range(0, len(population), BATCH_SIZE):
            risk_reports(reference, population[start:start + BATCH_SIZE])
        batch_s = time.perf_counter() - started
        fresh = ReferenceData(graph)  # nothing kept yet: every reading, match and verdict computed anew
        started = time.perf_counter()
        risk_reports(fresh, population[:BATCH_SIZE])
        cold_s = time.perf_counter() - started
    results = {
        "single_15_gene_genotype": {
            "runs": SINGLE_RUNS, "p50_ms": round(statistics.median(latencies), 2),
            "p99_ms": round(percentile(latencies, 0.99), 2), "max_ms": round(max(latencies), 2),
            "drugs_in_report": len(result.drugs),
        },
        "batch": {"genotypes": BATCH_GENOTYPES, "batch_size": BATCH_SIZE, "seconds": round(batch_s, 2),
                  "genotypes_per_s": round(BATCH_GENOTYPES / batch_s)},
        "first_batch_of_a_fresh_load": {"genotypes": BATCH_SIZE, "seconds": round(cold_s, 2),
                                        "genotypes_per_s": round(BATCH_SIZE / cold_s)},
    }
    save_results("risk", results)


if __name__ == "__main__":
    main()
