"""`pgxkg simulate` without a database: inputs, the policies and Q-learning on synthetic category tables.

Every run uses a fixed seed, so these are deterministic; the known answers come from the
assumption table (rates), the rules of each policy, and the seed paper's update formula.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pgxkg.errors import InvalidInput
from pgxkg.simulate.answers import CATEGORIES
from pgxkg.simulate.assumptions import SITUATIONS, Assumptions, load_assumptions, parse_assumptions
from pgxkg.simulate.cohorts import (
    GenotypePool,
    drawn_cohort,
    example_frequencies_path,
    read_frequencies,
    read_genotype_table,
)
from pgxkg.simulate.episodes import Rewards, evaluate
from pgxkg.simulate.indications import indication, load_indications
from pgxkg.simulate.policies import Guided, TrialAndError
from pgxkg.simulate.qlearning import QAgent, QLearningParameters
from pgxkg.simulate.report import write_outputs
from pgxkg.simulate.runner import Prepared, Settings, describe, simulate
from pgxkg.simulate.world import Profile, World

DRUGS = ("first", "second", "third")


def table(default: tuple[float, float] = (0.05, 0.1), **rows: tuple[float, float]) -> Assumptions:
    """Every situation at ``default`` unless given."""
    return Assumptions.from_rows({s: rows.get(s, default) for s in SITUATIONS})


def make_world(states: dict[str, tuple[str, ...]], assumptions: Assumptions, drugs: tuple[str, ...] = DRUGS) -> World:
    """One profile per phenotype state, with the given category per drug."""
    return World.build(drugs, [Profile((state,), cats, (False,) * len(drugs)) for state, cats in states.items()],
                       assumptions)


def cohort(world: World, n: int, seed: int, weights: list[float] | None = None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.choice(len(world.profiles), size=n, p=weights)


def runs(world: World, n: int, seeds: int, weights: list[float] | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(cohort(world, n, 100 + k, weights), cohort(world, n, 200 + k, weights)) for k in range(seeds)]


MIXED = {  # a synthetic category table: what pgxkg might say for three phenotypes
    "G:Poor": ("avoid", "standard", "standard"),
    "G:Normal": ("standard", "standard", "standard"),
    "G:Rapid": ("adjust_dose", "alternative", "standard"),
}


# --- the assumption table -------------------------------------------------------------------

def test_packaged_assumption_table_covers_every_category_and_says_it_is_illustrative() -> None:
    assumptions = load_assumptions()
    assert set(assumptions.rows) == set(CATEGORIES) | {"adjust_dose_followed"}
    assert all(0 <= o.p_adverse <= 1 and 0 <= o.p_failure <= 1 for o in assumptions.rows.values())
    header = Path(assumptions.origin).read_text()
    assert "NOT CLINICAL EVIDENCE" in header and "ILLUSTRATIVE" in header
    # the guideline's dose, when followed, is assumed better than the usual dose for that patient
    assert assumptions.rows["adjust_dose_followed"].p_adverse < assumptions.rows["adjust_dose"].p_adverse


def _table_text(**changes: str) -> str:
    rows = {s: f"{s}\t0.1\t0.2\tnote" for s in SITUATIONS}
    rows.update(changes)
    return "# comment\nsituation\tp_adverse\tp_failure\tnote\n" + "\n".join(r for r in rows.values() if r) + "\n"


@pytest.mark.parametrize("value", ["1.2", "-0.1"])
def test_a_probability_outside_0_1_is_an_error_naming_the_line(value: str) -> None:
    with pytest.raises(InvalidInput, match=rf"t.tsv:\d+: p_failure is {value}: a probability must lie between 0 and 1"):
        parse_assumptions(_table_text(avoid=f"avoid\t0.1\t{value}\t"), "t.tsv")


def test_a_missing_category_row_is_an_error() -> None:
    with pytest.raises(InvalidInput, match="no row for caution"):
        parse_assumptions(_table_text(caution=""), "t.tsv")


def test_an_unknown_or_repeated_situation_is_an_error() -> None:
    with pytest.raises(InvalidInput, match="unknown situation 'risky'") as error:
        parse_assumptions(_table_text() + "risky\t0.1\t0.1\t\n", "t.tsv")
    assert "standard" in error.value.suggestions
    with pytest.raises(InvalidInput, match="'avoid' is given twice"):
        parse_assumptions(_table_text() + "avoid\t0.1\t0.1\t\n", "t.tsv")
    with pytest.raises(InvalidInput, match="p_adverse is 'often', not a number"):
        parse_assumptions(_table_text(avoid="avoid\toften\t0.1\t"), "t.tsv")


# --- indications ----------------------------------------------------------------------------

def test_packaged_indications_list_their_drugs_in_first_line_order() -> None:
    known = load_indications()
    assert known["antiplatelet"].drugs == ("clopidogrel", "prasugrel", "ticagrelor")
    assert known["depression"].drugs[:3] == ("citalopram", "escitalopram", "sertraline")
    assert set(known["statins"].drugs) == {"simvastatin", "atorvastatin", "rosuvastatin", "pravastatin"}


def test_an_indication_with_one_drug_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[warfarin_only]\ntitle = "Anticoagulation"\ndrugs = ["warfarin"]\n')
    with pytest.raises(InvalidInput, match=r"has 1 drug.*at least two"):
        load_indications(path)


def test_a_users_indication_is_added_and_replaces_one_of_the_same_name(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[antiplatelet]\ntitle = "Ours"\ndrugs = ["Ticagrelor", "prasugrel"]\n'
                    '[anticoagulation]\ntitle = "VKA or DOAC"\ndrugs = ["warfarin", "apixaban"]\n')
    known = load_indications(path)
    assert known["antiplatelet"].drugs == ("ticagrelor", "prasugrel")
    assert known["anticoagulation"].origin == str(path)
    assert known["statins"].origin == "packaged"


def test_an_unknown_indication_names_the_known_ones() -> None:
    with pytest.raises(InvalidInput, match="unknown indication 'antiplatelets'") as error:
        indication("antiplatelets")
    assert "antiplatelet" in error.value.suggestions


# --- cohorts --------------------------------------------------------------------------------

def test_the_example_frequency_file_is_marked_illustrative_and_sums_to_one() -> None:
    path = example_frequencies_path()
    assert "ILLUSTRATIVE, NOT DATA" in path.read_text()
    for population in ("example_a", "example_b"):
        frequencies = read_frequencies(path, population)
        assert {"CYP2C19", "CYP2D6", "SLCO1B1"} <= set(frequencies.genes)
        assert all(abs(p.sum() - 1) < 1e-9 for _, p in frequencies.genes.values())


def test_frequency_files_that_make_no_sense_are_errors(tmp_path: Path) -> None:
    path = tmp_path / "f.tsv"
    path.write_text("gene\tallele\tfrequency\tpopulation\nCYP2C19\t*1\t0.6\tp\nCYP2C19\t*2\t0.2\tp\n")
    with pytest.raises(InvalidInput, match=r"CYP2C19 frequencies in population 'p' add up to 0\.800"):
        read_frequencies(path)
    path.write_text("gene\tallele\tfrequency\tpopulation\nCYP2C19\t*1\t1.5\tp\n")
    with pytest.raises(InvalidInput, match=r"f\.tsv:2: frequency '1\.5' must lie between 0 and 1"):
        read_frequencies(path)
    with pytest.raises(InvalidInput, match="several populations") as error:
        read_frequencies(example_frequencies_path())
    assert error.value.suggestions == ["example_a", "example_b"]
    with pytest.raises(InvalidInput, match="the cohort is empty"):
        drawn_cohort(example_frequencies_path(), "example_a", patients=0)


def test_drawn_patients_follow_the_allele_frequencies_and_the_seed() -> None:
    drawn = drawn_cohort(example_frequencies_path(), "example_a", patients=20_000)
    pool = GenotypePool()
    split = drawn.split(np.random.default_rng(5), pool, frozenset({"CYP2C19"}), 0.5)
    assert len(split.evaluation) == len(split.training) == 20_000
    genotypes = [pool.genotypes[i] for i in split.evaluation]
    assert all(len(g) == 1 and g[0].gene == "CYP2C19" for g in genotypes)  # projected on the relevant gene
    alleles = [a for g in genotypes for a in g[0].alleles]
    assert alleles.count("*2") / len(alleles) == pytest.approx(0.15, abs=0.01)
    assert alleles.count("*17") / len(alleles) == pytest.approx(0.23, abs=0.01)
    again = drawn.split(np.random.default_rng(5), GenotypePool(), frozenset({"CYP2C19"}), 0.5)
    assert [pool.genotypes[i] for i in again.evaluation] == genotypes  # same seed, same patients


def test_a_genotype_table_gives_patients_and_untested_cells_stay_untested(tmp_path: Path) -> None:
    path = tmp_path / "cohort.tsv"
    path.write_text("# my cohort\npatient\tCYP2C19\tCYP2D6\nP1\t*2/*2\tPM\nP2\t*1/*17\t\nP3\tNA\t*1/*4\n")
    cohort_ = read_genotype_table(path)
    assert [p for p, _ in cohort_.patients] == ["P1", "P2", "P3"]
    assert [item.describe() for item in cohort_.patients[1][1]] == ["CYP2C19 *1/*17"]
    pool = GenotypePool()
    split = cohort_.split(np.random.default_rng(1), pool, frozenset({"CYP2C19"}), 0.5)
    assert len(split.evaluation) + len(split.training) == 3 and len(split.training) >= 1


def test_a_genotype_table_that_makes_no_sense_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "cohort.tsv"
    path.write_text("patient\tCYP2C19\n")
    with pytest.raises(InvalidInput, match="no patients: the cohort is empty"):
        read_genotype_table(path)
    path.write_text("patient\tCYP2C19\nP1\t*2/\n")
    with pytest.raises(InvalidInput, match=r"cohort.tsv:2 \(patient 'P1'\): CYP2C19: '\*2/' is not a diplotype"):
        read_genotype_table(path)
    path.write_text("patient\tCYP2C19\nP1\t*1/*2\nP1\t*2/*2\n")
    with pytest.raises(InvalidInput, match="'P1' is listed twice"):
        read_genotype_table(path)


# --- one course of treatment ----------------------------------------------------------------

def test_outcome_rates_follow_the_assumption_table() -> None:
    world = make_world({"G:Normal": ("standard", "caution", "caution")},
                       table(standard=(0.2, 0.3), caution=(0.0, 0.0)))
    patients = cohort(world, 50_000, 1)
    rng = np.random.default_rng(2)
    courses = evaluate(world, TrialAndError(), patients, rng.random((50_000, 3)), rng.random((50_000, 3)), Rewards())
    rates = courses.per_100()
    assert rates["adverse_reactions"] == pytest.approx(20, abs=0.6)
    assert rates["failures"] == pytest.approx(30, abs=0.6)
    assert rates["switches"] == pytest.approx(100 * (1 - 0.8 * 0.7), abs=0.6)  # reaction or failure, then switch
    assert rates["unresolved"] == 0


def test_when_every_drug_fails_every_patient_tries_every_drug_and_stays_unresolved() -> None:
    world = make_world(MIXED, table(default=(0.0, 1.0)))
    patients = cohort(world, 300, 1)
    uniforms = np.random.default_rng(3).random((300, 3))
    for policy in (TrialAndError(), Guided(world), QAgent(world, QLearningParameters(episodes=10))):
        courses = evaluate(world, policy, patients, uniforms, uniforms, Rewards())
        assert (courses.prescriptions, courses.switches, courses.unresolved) == (900, 600, 300)
        assert courses.adverse_reactions == 0 and courses.failures == 900


def test_trial_and_error_ignores_the_genotype_and_guided_follows_the_categories() -> None:
    world = make_world(MIXED, table())
    guided = Guided(world)
    names = {state[0]: [world.drugs[d] for d in guided.order(p)] for p, state in enumerate(world.states)}
    assert names["G:Poor"] == ["second", "third", "first"]  # avoid: a last resort
    assert names["G:Normal"] == ["first", "second", "third"]  # all standard: the indication's order
    assert names["G:Rapid"] == ["third", "first", "second"]  # standard, then adjust_dose, then alternative
    patients = cohort(world, 1000, 4)
    uniforms = np.random.default_rng(4).random((1000, 3))
    blind = evaluate(world, TrialAndError(), patients, uniforms, uniforms, Rewards())
    assert set(blind.first_choice.tolist()) == {0}


def test_guided_gives_an_adjust_dose_drug_at_the_adjusted_dose() -> None:
    world = make_world({"G:Rapid": ("adjust_dose", "adjust_dose", "adjust_dose")},
                       table(adjust_dose=(1.0, 0.0), adjust_dose_followed=(0.0, 0.0)))
    patients = cohort(world, 500, 5)
    uniforms = np.random.default_rng(5).random((500, 3))
    guided = evaluate(world, Guided(world), patients, uniforms, uniforms, Rewards())
    blind = evaluate(world, TrialAndError(), patients, uniforms, uniforms, Rewards())
    assert guided.adverse_reactions == 0 and guided.prescriptions == 500
    assert blind.adverse_reactions == 1500  # the usual dose: a reaction on every drug


# --- Q-learning -----------------------------------------------------------------------------

def test_the_q_update_is_the_seed_formula() -> None:
    """Q(s,a) <- Q(s,a) + alpha [r + gamma max_a' Q(s',a') - Q(s,a)], by hand for one course."""
    world = make_world({"G:Normal": ("avoid", "standard", "standard")},
                       table(standard=(0.0, 0.0), avoid=(0.0, 1.0)))
    params = QLearningParameters(episodes=1, alpha=0.5, gamma=0.9, epsilon_start=0.0, epsilon_end=0.0)
    agent = QAgent(world, params)
    agent.train(np.array([0]), np.random.default_rng(0))
    # epsilon 0 and all Q = 0: the first drug (fails: r = -0.5), then the second (works: r = +1)
    assert agent.q[(0, 0)] == [0.5 * (-0.5 + 0.9 * 0.0 - 0.0), 0.0, 0.0]
    assert agent.q[(0, 0b001)] == [0.0, 0.5 * (1.0 - 0.0), 0.0]
    agent.train(np.array([0]), np.random.default_rng(0))
    # greedy now avoids the first drug (Q -0.25): the second works at once, a terminal update
    assert agent.q[(0, 0)] == [-0.25, 0.5 * (1.0 - 0.0), 0.0]
    assert agent.visits[(0, 0)] == [1, 1, 0]


def test_the_epsilon_schedule_is_linear_then_constant() -> None:
    params = QLearningParameters(episodes=1000, epsilon_start=1.0, epsilon_end=0.1, epsilon_decay=0.5)
    assert [params.epsilon(e) for e in (0, 250, 500, 999)] == pytest.approx([1.0, 0.55, 0.1, 0.1])
    assert "linear from 1 to 0.1 over the first 50%" in params.as_dict()["epsilon_schedule"]


@pytest.mark.parametrize("bad", [{"alpha": 1.5}, {"alpha": 0.0}, {"gamma": -0.1}, {"episodes": 0},
                                 {"epsilon_start": 0.1, "epsilon_end": 0.5}])
def test_q_learning_parameters_that_make_no_sense_are_errors(bad: dict) -> None:
    with pytest.raises(InvalidInput):
        QLearningParameters(**bad)


def test_q_learning_converges_to_the_guided_choices_when_only_concordant_choices_are_rewarded() -> None:
    states = {  # one guideline-concordant drug per phenotype state, in different positions
        "G:Poor": ("avoid", "alternative", "standard"),
        "G:Intermediate": ("avoid", "standard", "avoid"),
        "G:Normal": ("standard", "alternative", "alternative"),
        "G:Rapid": ("alternative", "adjust_dose", "avoid"),
    }
    world = make_world(states, table(default=(0.5, 0.6), standard=(0.02, 0.03), adjust_dose_followed=(0.02, 0.03)))
    settings = Settings(seed=3, seeds=3, qlearning=QLearningParameters(episodes=8000))
    document = simulate(world, runs(world, 2000, 3), settings)
    guided = {tuple(row["state"]): row["guided_orders"][0][0] for row in document["learned_policy"]}
    learned = {tuple(row["state"]): row["q_learning_first_choice"] for row in document["learned_policy"]}
    assert learned == guided == {("G:Poor",): "third", ("G:Intermediate",): "second", ("G:Normal",): "first",
                                 ("G:Rapid",): "second"}
    assert all(row["first_choice_agreement"] == "3/3 seeds" for row in document["learned_policy"])
    q, g = document["results"]["q_learning"], document["results"]["guided"]
    assert q["adverse_reactions"]["mean"] == pytest.approx(g["adverse_reactions"]["mean"], abs=0.5)
    assert document["results"]["trial_and_error"]["adverse_reactions"]["mean"] > g["adverse_reactions"]["mean"] + 10


def test_when_the_table_makes_genotype_irrelevant_the_three_policies_tie() -> None:
    world = make_world(MIXED, table(default=(0.1, 0.2)))
    settings = Settings(seed=11, seeds=5, qlearning=QLearningParameters(episodes=4000))
    document = simulate(world, runs(world, 5000, 5, [0.3, 0.4, 0.3]), settings)
    for policy, metrics in document["differences_vs_trial_and_error"].items():
        for metric in ("adverse_reactions", "failures", "switches", "unresolved"):
            difference = metrics[metric]
            assert abs(difference["mean"]) < 1.0, (policy, metric, difference)  # per 100 patients
            low, high = difference["ci95"]
            assert low - 0.5 < 0 < high + 0.5, (policy, metric, difference)


def test_genotype_that_matters_separates_the_policies() -> None:
    """The counterpart of the tie: with the packaged table, guided beats trial and error on
    patients whose first-line drug pgxkg flags, and the intervals say so."""
    world = make_world(MIXED, load_assumptions())
    document = simulate(world, runs(world, 3000, 4, [0.4, 0.3, 0.3]), Settings(seed=2, seeds=4))
    difference = document["differences_vs_trial_and_error"]["guided"]["adverse_reactions"]
    assert difference["ci95"][1] < 0


def test_the_simulation_is_deterministic_for_a_seed() -> None:
    world = make_world(MIXED, load_assumptions())
    settings = Settings(seed=7, seeds=2, qlearning=QLearningParameters(episodes=2000))
    first = simulate(world, runs(world, 800, 2), settings)
    second = simulate(world, runs(world, 800, 2), settings)
    del first["timings_s"], second["timings_s"]
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    other = simulate(world, runs(world, 800, 2), Settings(seed=8, seeds=2, qlearning=settings.qlearning))
    assert other["per_seed"][0]["policies"] != first["per_seed"][0]["policies"]


def test_an_empty_cohort_or_a_single_drug_is_an_error() -> None:
    with pytest.raises(InvalidInput, match="the cohort is empty"):
        World.build(DRUGS, [], load_assumptions())
    with pytest.raises(InvalidInput, match="at least two drugs"):
        World.build(("only",), [Profile(("G:Normal",), ("standard",), (False,))], load_assumptions())
    world = make_world(MIXED, load_assumptions())
    with pytest.raises(InvalidInput, match="evaluation cohort is empty"):
        simulate(world, [(np.array([], dtype=np.int64), np.array([0]))], Settings(seeds=1))
    with pytest.raises(InvalidInput, match="seeds is 0"):
        Settings(seeds=0)


# --- outputs --------------------------------------------------------------------------------

def test_outputs_say_simulation_and_carry_the_assumptions(tmp_path: Path) -> None:
    from pgxkg.simulate.cohorts import FixedCohort
    from pgxkg.simulate.indications import Indication

    assumptions = load_assumptions()
    world = make_world(MIXED, assumptions)
    settings = Settings(seed=1, seeds=2, qlearning=QLearningParameters(episodes=500, checkpoints=5))
    document = simulate(world, runs(world, 300, 2), settings)
    prepared = Prepared(world, [], {p: [f"G {p}"] for p in range(3)}, {"first": ["G"]}, {})
    result = describe(document, prepared, Indication("test", "A test indication", DRUGS),
                      FixedCohort([], {"kind": "genotype table", "path": "c.tsv", "patients": 600}),
                      assumptions, settings, [{"source": "cpic-tables@x", "version": "x"}])
    paths = {p.name: p for p in write_outputs(result, tmp_path / "out")}
    assert set(paths) == {"simulation.json", "summary.md", "assumptions.tsv", "learned_policy.tsv", "profiles.tsv",
                          "comparison.svg", "comparison.png", "learning_curve.svg", "learning_curve.png"}
    saved = json.loads(paths["simulation.json"].read_text())
    assert saved["simulation"] is True and "not clinical evidence" in saved["disclaimer"].lower()
    assert saved["assumptions"]["rows"] == assumptions.as_list()
    assert saved["q_learning"]["update_rule"] == "Q(s,a) <- Q(s,a) + alpha [r + gamma max_a' Q(s',a') - Q(s,a)]"
    assert len(saved["learning_curve"]) == 6  # before training, then 5 checkpoints
    summary = paths["summary.md"].read_text()
    assert summary.startswith("# SIMULATION") and "| avoid | 0.2 | 0.35 |" in summary and "cpic-tables@x" in summary
    for chart in ("comparison.svg", "learning_curve.svg"):
        assert "SIMULATION" in paths[chart].read_text()
    assert paths["comparison.png"].read_bytes()[:4] == b"\x89PNG"
