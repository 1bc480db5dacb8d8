"""`pgxkg simulate`: how much trial and error does genotype-guided prescribing save? A simulation.

For one indication (``indications.toml`` or a user's file), a cohort (allele frequencies, a
genotype table or a multi-sample VCF) and an editable assumption table (category ->
P(adverse reaction), P(failure)), three policies are compared on the same simulated
patients over repeated seeds: genotype-blind trial and error, prescribing guided by pgxkg's
risk answer, and a tabular Q-learning agent. Nothing it produces is clinical evidence.

From a notebook::

    from pgxkg.graph.connection import Graph
    from pgxkg.simulate import run_simulation, write_outputs

    with Graph.connect() as graph:
        result = run_simulation(graph, "antiplatelet", cohort_frequencies="example",
                                population="example_a", patients=2000, seeds=5)
    result["results"]["guided"]["adverse_reactions"]   # {"mean", "sd", "ci95", "seeds"}

Modules: indications, assumptions, cohorts, answers (the graph: categories via the risk
layer), world (profiles -> outcome probabilities), policies, qlearning, episodes, runner,
summary, report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pgxkg.errors import InvalidInput
from pgxkg.graph.connection import Graph
from pgxkg.simulate.assumptions import Assumptions, load_assumptions
from pgxkg.simulate.cohorts import (
    EXAMPLE,
    DrawnCohort,
    FixedCohort,
    drawn_cohort,
    example_frequencies_path,
    read_genotype_table,
    vcf_cohort,
)
from pgxkg.simulate.indications import Indication, indication, load_indications
from pgxkg.simulate.qlearning import QLearningParameters
from pgxkg.simulate.report import markdown, write_outputs
from pgxkg.simulate.runner import Settings, run

__all__ = [
    "Assumptions", "Indication", "QLearningParameters", "Settings", "load_assumptions", "load_cohort",
    "load_indications", "markdown", "run_simulation", "write_outputs",
]


def load_cohort(graph: Graph, *, cohort_frequencies: str | Path | None = None, population: str | None = None,
                cohort_vcf: str | Path | None = None, cohort_table: str | Path | None = None,
                patients: int | None = None, training_patients: int | None = None) -> FixedCohort | DrawnCohort:
    """Exactly one cohort source. ``cohort_frequencies="example"`` is the packaged illustrative file;
    ``patients`` (default 1,000) applies to drawn cohorts only."""
    given = [name for name, value in (("--cohort-frequencies", cohort_frequencies), ("--cohort-vcf", cohort_vcf),
                                      ("--cohort-table", cohort_table)) if value]
    if len(given) != 1:
        raise InvalidInput(f"give exactly one cohort source, not {len(given)}"
                           + (f" ({', '.join(given)})" if given else "") + ": --cohort-frequencies FILE "
                           "(or 'example'), --cohort-table FILE or --cohort-vcf FILE")
    if cohort_frequencies:
        path = example_frequencies_path() if str(cohort_frequencies) == EXAMPLE else Path(cohort_frequencies)
        return drawn_cohort(path, population, 1000 if patients is None else patients, training_patients)
    if patients is not None or training_patients is not None or population is not None:
        raise InvalidInput("--patients, --training-patients and --population apply to --cohort-frequencies; "
                           "a table or VCF cohort is used as it is (see --holdout)")
    if cohort_table:
        return read_genotype_table(Path(cohort_table))
    return vcf_cohort(graph, Path(str(cohort_vcf)))


def run_simulation(graph: Graph, indication_name: str, *, indications_file: str | Path | None = None,
                   assumptions: str | Path | Assumptions | None = None, seed: int = 1, seeds: int = 5,
                   holdout: float = 0.5, qlearning: QLearningParameters | None = None,
                   progress: Callable[[str], None] | None = None, **cohort: object) -> dict:
    """Load the indication, the assumption table and the cohort (``load_cohort`` keywords), run.

    Returns the JSON-ready result (see ``pgxkg.simulate.runner.describe``). Raises InvalidInput
    for anything that makes no sense (unknown indication or drug, bad probabilities, an empty
    cohort, ...).
    """
    chosen = indication(indication_name, Path(indications_file) if indications_file else None)
    table = assumptions if isinstance(assumptions, Assumptions) else load_assumptions(
        Path(assumptions) if assumptions else None)
    settings = Settings(seed=seed, seeds=seeds, holdout=holdout, qlearning=qlearning or QLearningParameters())
    loaded = load_cohort(graph, **cohort)  # type: ignore[arg-type]
    return run(graph, chosen, loaded, table, settings, progress)
