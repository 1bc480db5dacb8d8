"""`pgxkg simulate` at 10,000 patients x 3 policies: wall time end to end and per phase.

Runs against the configured graph (the embedded server, or NEO4J_URI), read-only:

    .venv/bin/python -m bench.bench_simulate      # prints figures, writes bench/results/simulate.json

1. End to end, one process per run (`pgxkg simulate ... --out DIR`: process start, the graph's
   answers from a cold cache, 20,000 Q-learning episodes, the three policies, JSON, TSVs and
   four charts): each packaged indication, 10,000 evaluated + 10,000 training patients drawn
   from the illustrative frequency file, one seed.
2. In process, per phase, for the same runs with 5 seeds (warm vocabulary cache).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.scratch_server import save_results
from pgxkg.graph.connection import Graph
from pgxkg.simulate import run_simulation, write_outputs

INDICATIONS = ("antiplatelet", "depression", "statins")
PATIENTS = 10_000
POPULATION = "example_a"


def end_to_end(indication: str, out: Path) -> dict:
    command = [sys.executable, "-m", "pgxkg.cli", "simulate", "--indication", indication, "--cohort-frequencies",
               "example", "--population", POPULATION, "--patients", str(PATIENTS), "--seeds", "1",
               "--out", str(out)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=os.environ, timeout=600)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{indication}: exit {result.returncode}\n{result.stderr}")
    return {"indication": indication, "patients": PATIENTS, "policies": 3, "seeds": 1,
            "wall_s": round(seconds, 2), "command": " ".join(command[1:])}


def phases(graph: Graph, indication: str, seeds: int, out: Path) -> dict:
    started = time.perf_counter()
    result = run_simulation(graph, indication, cohort_frequencies="example", population=POPULATION,
                            patients=PATIENTS, seeds=seeds)
    simulated = time.perf_counter() - started
    written = time.perf_counter()
    write_outputs(result, out)
    outputs_s = time.perf_counter() - written
    timings = {k: round(v, 3) for k, v in result["timings_s"].items()}
    return {
        "indication": indication, "patients_per_seed": PATIENTS, "seeds": seeds,
        "patient_draws": result["cohort"]["patient_draws"],
        "distinct_genotypes_answered": result["cohort"]["distinct_genotypes_answered"],
        "distinct_profiles": len(result["profiles"]), "phenotype_states": len(result["learned_policy"]),
        "phases_s": {**timings, "outputs": round(outputs_s, 3)},
        "total_s": round(simulated + outputs_s, 2),
        "adverse_reactions_per_100": {p: round(r["adverse_reactions"]["mean"], 2)
                                      for p, r in result["results"].items()},
    }


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pgxkg-bench-sim-") as tmp:
        runs = [end_to_end(indication, Path(tmp) / f"e2e-{indication}") for indication in INDICATIONS]
        with Graph.connect() as graph:
            breakdown = [phases(graph, indication, 5, Path(tmp) / f"phases-{indication}") for indication in INDICATIONS]
    save_results("simulate", {
        "what": "pgxkg simulate, 10,000 patients x 3 policies (simulation; illustrative inputs)",
        "machine": f"{os.cpu_count()} cores",
        "end_to_end_one_seed": runs,
        "in_process_five_seeds": breakdown,
        "target": "10,000 patients x 3 policies in under 30 s",
    })


if __name__ == "__main__":
    main()
