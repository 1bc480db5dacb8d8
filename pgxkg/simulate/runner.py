"""Run a simulation: cohort -> the graph's categories -> World -> policies over repeated seeds.

``run`` is the whole job against a graph (what `pgxkg simulate` calls). ``simulate`` is the
part after the graph has answered: pure, deterministic for a given seed, and what the unit
tests drive with a synthetic World.

Seeds: run ``k`` (0-based) of ``seeds`` uses ``numpy.random.SeedSequence([seed, k])``, split
into independent streams for the cohort (drawing or splitting patients), the outcomes of the
evaluation patients (shared by all policies) and the Q-learning agent's training.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from pgxkg import __version__
from pgxkg.errors import InvalidInput
from pgxkg.graph.connection import Graph
from pgxkg.reference import ReferenceData
from pgxkg.simulate.answers import NOT_TESTED, GenotypeAnswer, categories_for, data_sources, indication_genes
from pgxkg.simulate.assumptions import Assumptions
from pgxkg.simulate.cohorts import DrawnCohort, FixedCohort, GenotypePool, Split
from pgxkg.simulate.episodes import Courses, evaluate
from pgxkg.simulate.indications import Indication
from pgxkg.simulate.policies import GUIDED_TIERS, Guided, TrialAndError
from pgxkg.simulate.qlearning import QAgent, QLearningParameters
from pgxkg.simulate.summary import summarise
from pgxkg.simulate.world import Profile, World

DISCLAIMER = (
    "SIMULATION, not clinical evidence: outcomes are drawn from the assumption table printed with "
    "these results, not observed in patients; pgxkg's categories decide only which row of that "
    "table applies."
)
MAX_SEEDS = 1000


@dataclass(frozen=True)
class Settings:
    """How the simulation is repeated and split (recorded in the output)."""

    seed: int = 1
    seeds: int = 5
    holdout: float = 0.5  # share of a given cohort (table, VCF) held out for evaluation
    qlearning: QLearningParameters = field(default_factory=QLearningParameters)

    def __post_init__(self) -> None:
        if not 1 <= self.seeds <= MAX_SEEDS:
            raise InvalidInput(f"seeds is {self.seeds}; give 1 to {MAX_SEEDS} (2 or more for confidence intervals)")
        if self.seed < 0:
            raise InvalidInput(f"seed is {self.seed}; a seed is a whole number >= 0")
        if not 0.0 < self.holdout < 1.0:
            raise InvalidInput(f"holdout is {self.holdout:g}; it must lie strictly between 0 and 1")

    def streams(self, k: int) -> tuple[np.random.Generator, np.random.Generator, np.random.Generator]:
        """(cohort, outcomes, training) generators of run ``k``."""
        cohort, outcomes, training = np.random.SeedSequence([self.seed, k]).spawn(3)
        return np.random.default_rng(cohort), np.random.default_rng(outcomes), np.random.default_rng(training)


@dataclass(frozen=True)
class Prepared:
    """What the graph said about the cohort: the World and, per seed, the patients' profiles."""

    world: World
    runs: list[tuple[np.ndarray, np.ndarray]]  # per seed: (evaluation profiles, training profiles)
    examples: dict[int, list[str]]  # profile -> a few genotypes that have it
    relevant_genes: dict[str, list[str]]  # drug -> genes its rules test
    seconds: dict[str, float]
    distinct_genotypes: int = 0  # answered by the graph, once each
    patient_draws: int = 0  # evaluation + training patients over all seeds


def run(graph: Graph, indication: Indication, cohort: FixedCohort | DrawnCohort, assumptions: Assumptions,
        settings: Settings, progress: Callable[[str], None] | None = None) -> dict:
    """The whole simulation against the graph; returns the JSON-ready result (see ``summary``)."""
    say = progress or (lambda _message: None)
    say("asking the graph which genes the indication's rules test")
    prepared = prepare(graph, indication, cohort, assumptions, settings, say)
    say(f"simulating {settings.seeds} seed(s) x 3 policies")
    document = simulate(prepared.world, prepared.runs, settings, say)
    document["timings_s"] = {**prepared.seconds, **document["timings_s"]}
    return describe(document, prepared, indication, cohort, assumptions, settings, data_sources(graph))


def prepare(graph: Graph, indication: Indication, cohort: FixedCohort | DrawnCohort, assumptions: Assumptions,
            settings: Settings, say: Callable[[str], None]) -> Prepared:
    """Split or draw the cohort for every seed, answer each distinct genotype once, build the World."""
    started = time.perf_counter()
    genes_by_drug = indication_genes(graph, indication.drugs)
    relevant = frozenset(g.upper() for genes in genes_by_drug.values() for g in genes)
    pool = GenotypePool()
    splits: list[Split] = [cohort.split(settings.streams(k)[0], pool, relevant, settings.holdout)
                           for k in range(settings.seeds)]
    cohort_s = time.perf_counter() - started
    say(f"{sum(len(s.evaluation) + len(s.training) for s in splits):,} patient draws, "
        f"{len(pool.genotypes):,} distinct genotypes for genes {', '.join(sorted(relevant)) or '(none)'}")
    started = time.perf_counter()
    answers = categories_for(ReferenceData(graph), pool.genotypes, indication.drugs)
    answers_s = time.perf_counter() - started
    started = time.perf_counter()
    profile_of, profiles, examples = _profiles(pool, answers, sorted(relevant), indication.drugs)
    world = World.build(indication.drugs, profiles, assumptions)
    runs = [(profile_of[s.evaluation], profile_of[s.training]) for s in splits]
    return Prepared(world, runs, examples, genes_by_drug,
                    {"cohort": cohort_s, "graph_answers": answers_s, "world": time.perf_counter() - started},
                    len(pool.genotypes), sum(len(s.evaluation) + len(s.training) for s in splits))


def _profiles(pool: GenotypePool, answers: Sequence[GenotypeAnswer], genes: Sequence[str],
              drugs: Sequence[str]) -> tuple[np.ndarray, list[Profile], dict[int, list[str]]]:
    index: dict[Profile, int] = {}
    examples: dict[int, list[str]] = {}
    profile_of = np.empty(len(answers), dtype=np.int64)
    for g, (genotype, answer) in enumerate(zip(pool.genotypes, answers, strict=True)):
        phenotypes = {gene.upper(): value for gene, value in answer.phenotypes.items()}
        profile = Profile(
            state=tuple(f"{gene}:{phenotypes.get(gene, NOT_TESTED)}" for gene in genes),
            categories=tuple(answer.categories[d] for d in drugs),
            no_rule=tuple(d in answer.no_rule for d in drugs),
        )
        p = index.setdefault(profile, len(index))
        profile_of[g] = p
        shown = examples.setdefault(p, [])
        if len(shown) < 3:
            shown.append("; ".join(item.describe() for item in genotype) or "(no tested gene)")
    return profile_of, list(index), examples


def simulate(world: World, runs: Sequence[tuple[np.ndarray, np.ndarray]], settings: Settings,
             say: Callable[[str], None] | None = None) -> dict:
    """The three policies on every seed's evaluation patients; the agent trained on its training patients.

    ``runs[k] = (evaluation profiles, training profiles)`` (profile indices into ``world``).
    Returns the per-seed results, their summary with confidence intervals, the learned policy
    and the learning curves (JSON-ready; see ``summary.summarise``).
    """
    if len(runs) != settings.seeds:
        raise InvalidInput(f"{len(runs)} cohort runs for {settings.seeds} seeds")
    say = say or (lambda _message: None)
    seconds = {"q_training": 0.0, "evaluation": 0.0}
    per_seed, agents = [], []
    guided = Guided(world)
    for k, (evaluation, training) in enumerate(runs):
        record, agent = _run_seed(world, k, evaluation, training, settings, guided, seconds)
        per_seed.append(record)
        agents.append(agent)
        say(f"seed {k + 1}/{settings.seeds}: " + ", ".join(
            f"{name} {values['adverse_reactions']:.1f} reactions/100" for name, values in record["policies"].items()))
    document = summarise(world, per_seed, agents, guided)
    document["timings_s"] = seconds
    return document


def _run_seed(world: World, k: int, evaluation: np.ndarray, training: np.ndarray, settings: Settings,
              guided: Guided, seconds: dict[str, float]) -> tuple[dict, QAgent]:
    """Train the agent on ``training``, then run the three policies on ``evaluation`` (same outcome draws)."""
    if len(evaluation) == 0:
        raise InvalidInput("the evaluation cohort is empty: no patient to simulate")
    _, outcomes, training_rng = settings.streams(k)
    u_adverse = outcomes.random((len(evaluation), world.n_drugs))
    u_failure = outcomes.random((len(evaluation), world.n_drugs))
    rewards = settings.qlearning.rewards
    agent = QAgent(world, settings.qlearning)
    curve: list[dict] = []

    def checkpoint(done: int, training_return: float | None, epsilon: float) -> None:
        held_out = evaluate(world, agent, evaluation, u_adverse, u_failure, rewards)
        rates = held_out.per_100()
        curve.append({"episodes": done, "epsilon": round(epsilon, 4),
                      "training_mean_return": training_return, "held_out_mean_return": held_out.mean_return,
                      "held_out_harms_per_100": rates["adverse_reactions"] + rates["failures"]})

    started = time.perf_counter()
    agent.train(training, training_rng, checkpoint)
    seconds["q_training"] += time.perf_counter() - started
    started = time.perf_counter()
    courses = {policy.name: evaluate(world, policy, evaluation, u_adverse, u_failure, rewards)
               for policy in (TrialAndError(), guided, agent)}
    seconds["evaluation"] += time.perf_counter() - started
    trained_states = sorted({s for s, _ in agent.q})
    unseen = int(np.sum(~np.isin(world.state_of[evaluation], trained_states)))
    return _seed_record(k, settings.seed, evaluation, training, courses, curve, unseen, world), agent


def _seed_record(k: int, seed: int, evaluation: np.ndarray, training: np.ndarray, courses: dict[str, Courses],
                 curve: list[dict], unseen: int, world: World) -> dict:
    return {
        "run": k, "seed_sequence": [seed, k], "patients": len(evaluation), "training_patients": len(training),
        "held_out_patients_in_states_unseen_in_training": unseen,
        "evaluation_profiles": np.bincount(evaluation, minlength=len(world.profiles)).tolist(),
        "policies": {name: {**c.per_100(), "mean_return": c.mean_return,
                            "counts": {"patients": c.patients, "prescriptions": c.prescriptions,
                                       "adverse_reactions": c.adverse_reactions, "failures": c.failures,
                                       "switches": c.switches, "unresolved": c.unresolved},
                            "prescriptions_by_drug": dict(zip(world.drugs, c.drug_prescriptions.tolist(),
                                                              strict=True)),
                            "first_choice_by_drug": dict(zip(world.drugs, np.bincount(
                                c.first_choice[c.first_choice >= 0], minlength=world.n_drugs).tolist(), strict=True))}
                     for name, c in courses.items()},
        "learning_curve": curve,
    }


def describe(document: dict, prepared: Prepared, indication: Indication, cohort: FixedCohort | DrawnCohort,
             assumptions: Assumptions, settings: Settings, sources: list[dict]) -> dict:
    """Put every assumption, parameter and data source beside the results."""
    world = prepared.world
    evaluated = np.sum([r["evaluation_profiles"] for r in document["per_seed"]], axis=0)
    untested: dict[str, int] = {}
    for p, profile in enumerate(world.profiles):
        for entry in profile.state:
            gene, _, value = entry.partition(":")
            if value == NOT_TESTED and evaluated[p]:
                untested[gene] = untested.get(gene, 0) + int(evaluated[p])
    for row in document["profiles"]:
        row["genotype_examples"] = prepared.examples[row["profile"]]
    return {
        "simulation": True,
        "disclaimer": DISCLAIMER,
        "pgxkg_version": __version__,
        "indication": indication.as_dict(),
        "cohort": {**cohort.description, "genes_tested_by_rules": prepared.relevant_genes,
                   "evaluated_patients_with_untested_gene": untested,
                   "patient_draws": prepared.patient_draws, "distinct_genotypes_answered": prepared.distinct_genotypes},
        "assumptions": {"origin": assumptions.origin, "rows": assumptions.as_list()},
        "policies": {
            "trial_and_error": "the indication's drugs in first-line order, next after each "
                               "failure or adverse reaction, usual dose",
            "guided": f"drugs ordered by pgxkg's category for the patient, tiers {GUIDED_TIERS} (lower first, "
                      "the indication's order within a tier: what pgxkg advises against is a last resort), "
                      "adjust_dose at the adjusted dose",
            "q_learning": "tabular Q-learning on (phenotype state, drugs tried); greedy on held-out patients, "
                          "adjust_dose at the adjusted dose",
        },
        "q_learning": settings.qlearning.as_dict(),
        "settings": {"seed": settings.seed, "seeds": settings.seeds, "holdout": settings.holdout},
        "data_sources": sources,
        **document,
    }
