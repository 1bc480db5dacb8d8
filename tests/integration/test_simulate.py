"""`pgxkg simulate` on the real graph: categories from the real risk answer, known clinical facts
(CYP2C19 poor metabolizers and clopidogrel), a VCF cohort through the caller, and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pgxkg.errors import InvalidInput
from pgxkg.graph.connection import Graph
from pgxkg.queries.genotype_input import read_genotype
from pgxkg.queries.risk import risk_reports
from pgxkg.reference import ReferenceData
from pgxkg.simulate import QLearningParameters, run_simulation
from pgxkg.simulate.answers import categories_for, indication_genes
from pgxkg.simulate.assumptions import SITUATIONS, Assumptions
from tests.unit.test_calling_unit import write_vcf

ANTIPLATELET = ("clopidogrel", "prasugrel", "ticagrelor")
POOR_METABOLIZERS = ["*2/*2", "*2/*3", "*3/*3", "*2/*2", "*3/*2", "*2/*2", "*2/*3", "*3/*3"]
FAST = QLearningParameters(episodes=3000, checkpoints=5)


def genotype_table(tmp_path: Path, diplotypes: list[str], gene: str = "CYP2C19") -> Path:
    path = tmp_path / "cohort.tsv"
    path.write_text(f"patient\t{gene}\n" + "".join(f"P{i}\t{d}\n" for i, d in enumerate(diplotypes)))
    return path


def concordant_only(good: tuple[float, float] = (0.0, 0.0), bad: tuple[float, float] = (0.5, 0.6)) -> Assumptions:
    """Guideline-concordant prescriptions (what pgxkg does not flag, or its dose followed) go ``good``."""
    concordant = {"standard", "no_recommendation", "adjust_dose_followed"}
    return Assumptions.from_rows({s: good if s in concordant else bad for s in SITUATIONS}, "concordant-only")


def test_categories_are_the_real_risk_answers(loaded_graph: Graph) -> None:
    genotypes = [read_genotype("CYP2C19 *2/*2"), read_genotype("CYP2C19 *1/*1"), []]
    answers = categories_for(ReferenceData(loaded_graph), genotypes, ANTIPLATELET)
    direct = {d["drug"]: d["category"] for d in risk_reports(ReferenceData(loaded_graph), [genotypes[0]])[0]["drugs"]}
    poor, normal, untested = answers
    assert poor.categories["clopidogrel"] == direct["clopidogrel"] and direct["clopidogrel"] in {"avoid", "alternative"}
    assert poor.phenotypes == {"CYP2C19": "Poor Metabolizer"}
    # prasugrel and ticagrelor have no CYP2C19 rule: no rule fires, so they are standard, and said so
    assert poor.no_rule == {"prasugrel", "ticagrelor"} and poor.categories["prasugrel"] == "standard"
    assert normal.categories["clopidogrel"] == "standard" and "clopidogrel" not in normal.no_rule
    assert untested.no_rule == set(ANTIPLATELET)


def test_the_genes_an_indication_needs_come_from_its_rules(loaded_graph: Graph) -> None:
    genes = indication_genes(loaded_graph, ("clopidogrel", "prasugrel", "simvastatin"))
    assert genes["clopidogrel"] == ["CYP2C19"] and genes["prasugrel"] == []
    assert "SLCO1B1" in genes["simvastatin"]
    with pytest.raises(InvalidInput, match="the graph has no drug 'clopidogrl'") as error:
        indication_genes(loaded_graph, ("clopidogrl", "prasugrel"))
    assert "clopidogrel" in error.value.suggestions


def test_guided_never_starts_cyp2c19_poor_metabolizers_on_clopidogrel(loaded_graph: Graph, tmp_path: Path) -> None:
    result = run_simulation(loaded_graph, "antiplatelet", cohort_table=genotype_table(tmp_path, POOR_METABOLIZERS),
                            seeds=3, seed=4, qlearning=FAST)
    assert result["simulation"] is True
    assert {p["state"][0] for p in result["profiles"]} == {"CYP2C19:Poor Metabolizer"}
    assert all(p["categories"]["clopidogrel"] in {"avoid", "alternative"} for p in result["profiles"])
    assert all(p["guided_order"][-1] == "clopidogrel" for p in result["profiles"])  # a last resort only
    for run in result["per_seed"]:
        assert run["policies"]["guided"]["first_choice_by_drug"]["clopidogrel"] == 0
        assert run["policies"]["trial_and_error"]["first_choice_by_drug"]["clopidogrel"] == run["patients"]
    sources = {s["source"].split("@")[0] for s in result["data_sources"]}
    assert {"cpic-tables", "pharmgkb-annotations"} <= sources


def test_guided_avoids_clopidogrel_for_every_poor_metabolizer_when_the_alternatives_work(
        loaded_graph: Graph, tmp_path: Path) -> None:
    result = run_simulation(loaded_graph, "antiplatelet", cohort_table=genotype_table(tmp_path, POOR_METABOLIZERS),
                            assumptions=concordant_only(), seeds=2, qlearning=FAST)
    for run in result["per_seed"]:
        guided, blind = run["policies"]["guided"], run["policies"]["trial_and_error"]
        assert guided["prescriptions_by_drug"]["clopidogrel"] == 0
        assert guided["adverse_reactions"] == 0 and guided["failures"] == 0
        assert blind["prescriptions_by_drug"]["clopidogrel"] == run["patients"]


def test_q_learning_learns_the_guideline_concordant_drug_on_the_real_graph(loaded_graph: Graph) -> None:
    result = run_simulation(loaded_graph, "antiplatelet", cohort_frequencies="example", population="example_b",
                            patients=1500, assumptions=concordant_only((0.02, 0.03)), seeds=2, seed=9,
                            qlearning=QLearningParameters(episodes=6000, checkpoints=4))
    states = {row["state"][0]: row for row in result["learned_policy"]}
    assert {"CYP2C19:Poor Metabolizer", "CYP2C19:Intermediate Metabolizer", "CYP2C19:Normal Metabolizer"} <= set(states)
    rewarded = {"standard", "no_recommendation", "adjust_dose"}  # adjust_dose: at the dose the guideline gives
    for row in result["learned_policy"]:
        for categories in row["categories"]:
            # the agent starts with a drug the guided policy would accept first too (equally rewarded here)
            assert categories[row["q_learning_first_choice"]] in rewarded, row
            assert categories[row["guided_orders"][0][0]] in rewarded
    for state in ("CYP2C19:Poor Metabolizer", "CYP2C19:Intermediate Metabolizer"):
        assert states[state]["q_learning_first_choice"] != "clopidogrel"
    q, guided = result["results"]["q_learning"], result["results"]["guided"]
    assert abs(q["adverse_reactions"]["mean"] - guided["adverse_reactions"]["mean"]) < 1.0
    assert result["results"]["trial_and_error"]["adverse_reactions"]["mean"] > guided["adverse_reactions"]["mean"] + 5


def test_a_multi_sample_vcf_is_a_cohort_through_the_caller(loaded_graph: Graph, tmp_path: Path) -> None:
    """Six samples with every CYP2C19 defining position read (no missing position leaves a call open)."""
    samples = {"rs12248560": ["0/0", "0/0", "0/1", "0/0", "0/0", "1/1"],
               "rs12769205": ["0/0", "1/1", "0/1", "1/1", "0/1", "0/0"],
               "rs4244285": ["0/0", "1/1", "0/1", "1/1", "0/1", "0/0"],
               "rs3758581": ["1/1"] * 6}  # GRCh38 carries *38 here; every other allele is defined on *1's base
    positions = ReferenceData(loaded_graph).definitions.genes["CYP2C19"].positions
    rows = [(p.chrom, p.pos, p.label, p.ref, ",".join(p.alts), None, *samples.get(p.label, ["0/0"] * 6))
            for p in positions]
    path = write_vcf(tmp_path / "cohort.vcf", rows, ("A", "B", "C", "D", "E", "F"))
    result = run_simulation(loaded_graph, "antiplatelet", cohort_vcf=path, seeds=2, qlearning=FAST)
    assert result["cohort"]["kind"] == "VCF" and result["cohort"]["patients"] == 6
    examples = {e for p in result["profiles"] for e in p["genotype_examples"]}
    assert {"CYP2C19 *1/*1", "CYP2C19 *2/*2", "CYP2C19 *2/*17", "CYP2C19 *17/*17"} <= examples, examples
    assert all(run["patients"] == 3 and run["training_patients"] == 3 for run in result["per_seed"])


def test_inputs_that_make_no_sense_are_clear_errors(loaded_graph: Graph, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="exactly one cohort source"):
        run_simulation(loaded_graph, "antiplatelet", cohort_frequencies="example",
                       cohort_table=genotype_table(tmp_path, ["*1/*1"]))
    with pytest.raises(InvalidInput, match="needs at least two"):
        run_simulation(loaded_graph, "antiplatelet", cohort_table=genotype_table(tmp_path, ["*1/*1"]))
    with pytest.raises(InvalidInput, match="unknown allele"):
        run_simulation(loaded_graph, "antiplatelet", cohort_table=genotype_table(tmp_path, ["*1/*99", "*1/*1"]))


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pgxkg.cli", "simulate", *args], capture_output=True, text=True,
                          timeout=300)


def test_simulate_cli_writes_every_output_and_prints_the_assumptions(loaded_graph: Graph, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("--indication", "statins", "--cohort-frequencies", "example", "--population", "example_a",
                     "--patients", "400", "--seeds", "2", "--episodes", "1500", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# SIMULATION: Statin")
    assert "| adjust_dose_followed |" in result.stdout and "cpic-tables@" in result.stdout
    saved = json.loads((out / "simulation.json").read_text())
    assert saved["indication"]["name"] == "statins" and saved["settings"] == {"seed": 1, "seeds": 2, "holdout": 0.5}
    assert set(saved["cohort"]["genes_tested_by_rules"]["rosuvastatin"]) >= {"ABCG2", "SLCO1B1"}
    assert {"comparison.svg", "learning_curve.png", "learned_policy.tsv"} <= {p.name for p in out.iterdir()}


@pytest.mark.parametrize(("args", "message"), [
    (["--indication", "antiplatelet", "--cohort-frequencies", "example", "--population", "example_a",
      "--assumptions", "BAD"], "p_failure is 1.5: a probability must lie between 0 and 1"),
    (["--indication", "solo", "--indications", "ONE", "--cohort-frequencies", "example"],
     "a choice needs at least two"),
    (["--indication", "antiplatelet", "--cohort-table", "EMPTY"], "the cohort is empty"),
    (["--indication", "antiplatelet", "--cohort-frequencies", "example", "--population", "example_a",
      "--patients", "0"], "the cohort is empty"),
])
def test_simulate_cli_bad_input_exits_1_with_one_clear_line(loaded_graph: Graph, tmp_path: Path, args: list[str],
                                                             message: str) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("situation\tp_adverse\tp_failure\n" + "".join(
        f"{s}\t0.1\t{1.5 if s == 'avoid' else 0.1}\n" for s in SITUATIONS))
    one = tmp_path / "one.toml"
    one.write_text('[solo]\ntitle = "One drug"\ndrugs = ["clopidogrel"]\n')
    empty = tmp_path / "empty.tsv"
    empty.write_text("patient\tCYP2C19\n")
    files = {"BAD": str(bad), "ONE": str(one), "EMPTY": str(empty)}
    result = run_cli(*(files.get(a, a) for a in args))
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.startswith("error:")
