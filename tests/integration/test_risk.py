"""'Which drugs are risky for this genotype?' against the real graph, with known clinical facts."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pgxkg.errors import InvalidInput
from pgxkg.queries.genotype_input import read_genotype
from pgxkg.queries.models import DrugRiskModel, RiskReportModel
from pgxkg.queries.research import run_named
from pgxkg.queries.risk import risk, risk_many
from pgxkg.reference import ReferenceData
from pgxkg.vocab import ACTIONABLE
from tests.gold import gold_rows, text_hash
from tests.paths import SHARED_DATA

PHARMCAT = SHARED_DATA / "pharmcat-examples"


def report(reference: ReferenceData, genotype: str | dict) -> RiskReportModel:
    return risk(reference, read_genotype(genotype))


def drug(result: RiskReportModel, name: str) -> DrugRiskModel:
    found = [d for d in result.drugs if d.drug == name]
    assert found, f"{name} not in {[d.drug for d in result.drugs]}"
    return found[0]


def test_cyp2c19_poor_metabolizer_clopidogrel_is_not_standard_with_named_alternatives(
        reference: ReferenceData) -> None:
    result = report(reference, "CYP2C19 *2/*2")
    assert result.genotype[0].phenotype == "Poor Metabolizer"
    assert any("HAS_PHENOTYPE" in step for step in result.genotype[0].path)
    clopidogrel = drug(result, "clopidogrel")
    assert clopidogrel.category in {"avoid", "alternative"}
    named = {a.drug for a in clopidogrel.alternatives if a.kind == "named_in_recommendation"}
    assert {"prasugrel", "ticagrelor"} & named
    cpic = [r for r in clopidogrel.recommendations if r.source == "CPIC"]
    assert cpic and cpic[0].cpic_level == "A" and cpic[0].pharmgkb_level == "1A"
    # the CPIC API links each guideline to its ClinPGx page (the pinned table gave cpicpgx.org URLs)
    assert cpic[0].guideline and cpic[0].guideline.name == "CPIC guideline for CYP2C19 and Clopidogrel"
    assert (cpic[0].guideline.url or "").startswith("https://www.clinpgx.org/guideline/")
    assert cpic[0].pmids and cpic[0].triggered_by == ["CYP2C19 *2/*2 -> Poor Metabolizer"]
    assert clopidogrel.recommendations[0].source == "CPIC"  # CPIC first, the others alongside
    assert {"DPWG"} <= {r.source for r in clopidogrel.recommendations}


def test_cyp2c19_normal_metabolizer_clopidogrel_is_standard(reference: ReferenceData) -> None:
    assert drug(report(reference, "CYP2C19 *1/*1"), "clopidogrel").category == "standard"


def test_diplotype_order_does_not_matter(reference: ReferenceData) -> None:
    first = report(reference, "CYP2C19 *17/*2").model_dump()
    second = report(reference, "CYP2C19 *2/*17").model_dump()
    for result in (first, second):
        for gene in result["genotype"]:
            gene["input"] = ""
            gene["path"] = []
    assert first == second
    assert first["genotype"][0]["diplotype"] == "CYP2C19*2/*17"


def test_cyp2d6_ultrarapid_metabolizer_avoids_codeine(reference: ReferenceData) -> None:
    codeine = drug(report(reference, "CYP2D6 Ultrarapid Metabolizer"), "codeine")
    assert codeine.category == "avoid"
    assert {"morphine"} <= {a.drug for a in codeine.alternatives}


def test_hla_b_5701_positive_avoids_abacavir_and_negative_does_not(reference: ReferenceData) -> None:
    positive = drug(report(reference, "HLA-B *57:01 positive"), "abacavir")
    assert positive.category == "avoid"
    assert "HLA-B*57:01 positive" in positive.recommendations[0].triggered_by[0]
    negative = report(reference, "HLA-B *57:01 negative")
    assert drug(negative, "abacavir").category == "standard"
    assert all(d.category not in ACTIONABLE for d in negative.drugs if d.drug == "abacavir")


def test_hla_b_diplotype_means_both_alleles_positive(reference: ReferenceData) -> None:
    result = report(reference, "HLA-B *15:02/*57:01")
    assert drug(result, "abacavir").category == "avoid"
    assert drug(result, "oxcarbazepine").category == "avoid"
    assert drug(result, "allopurinol").category == "standard"  # *58:01 negative


def test_tpmt_poor_metabolizer_changes_thiopurine_dosing(reference: ReferenceData) -> None:
    result = report(reference, "TPMT Poor Metabolizer")
    for thiopurine in ("azathioprine", "mercaptopurine", "thioguanine"):
        found = drug(result, thiopurine)
        assert found.category in ACTIONABLE
        assert any("dose" in r.text.lower() for r in found.recommendations)


def test_cyp2c9_and_vkorc1_both_inform_warfarin(reference: ReferenceData) -> None:
    warfarin = drug(report(reference, "CYP2C9 *3/*3; rs9923231 T/T"), "warfarin")
    assert warfarin.category in ACTIONABLE
    assert {"CYP2C9", "VKORC1"} <= set(warfarin.genes)
    vkorc1 = [r for r in warfarin.recommendations if r.genes == ["VKORC1"]]
    assert vkorc1 and vkorc1[0].category == "adjust_dose"


def test_slco1b1_poor_function_flags_simvastatin(reference: ReferenceData) -> None:
    simvastatin = drug(report(reference, "SLCO1B1 Poor Function"), "simvastatin")
    assert simvastatin.category in ACTIONABLE
    # CPIC 2022 names the alternative statins, and gives each its own SLCO1B1 dose limit for this
    # genotype: none is a plain "instead"; each is listed with what its own rule says
    named = {a.drug: a for a in simvastatin.not_suitable if a.kind == "named_in_recommendation"}
    assert {"pravastatin", "rosuvastatin"} <= set(named) and {a.category for a in named.values()} == {"adjust_dose"}
    assert not {a.drug for a in simvastatin.alternatives if a.suitable} & set(named)


def test_a_multi_gene_rule_uses_the_sources_unknown_gene_rule(reference: ReferenceData) -> None:
    """CPIC's TCA rules are for CYP2D6 + CYP2C19; with CYP2D6 untested the "No Result" rule applies."""
    amitriptyline = drug(report(reference, "CYP2C19 *2/*2"), "amitriptyline")
    assert amitriptyline.category in ACTIONABLE
    assert any("+unknown:CYP2D6" in r.id for r in amitriptyline.recommendations)


def test_cpic_gives_its_own_rule_for_carbamazepine_with_hla_a_untested(reference: ReferenceData) -> None:
    """CPIC's current carbamazepine rows include HLA-A "No Result" (the pinned 2022 table did not, and
    this genotype then needed an HLA-A result): HLA-B*15:02 negative alone -> standard dosing."""
    carbamazepine = drug(report(reference, "HLA-B *15:02 negative"), "carbamazepine")
    assert carbamazepine.category == "standard" and carbamazepine.needs_results_for == []
    assert all("+unknown:HLA-A" in r.id or "unknown:HLA-A+" in r.id
               for r in carbamazepine.recommendations if r.source == "CPIC")


def test_a_multi_gene_rule_without_an_unknown_rule_asks_for_the_missing_result() -> None:
    """Every multi-gene rule in the current data has the source's rule for an untested gene, so this
    is shown on rules of that shape: a rule needing a gene the patient was not tested for, with no
    "unknown" rule for it, comes back with the gene as missing (the risk answer's needs_result)."""
    from pgxkg.queries.rules import Rule, RuleIndex

    rule = Rule("CPIC:carbamazepine:x", "CPIC", "carbamazepine", ("HLA-A", "HLA-B"),
                {"HLA-B": frozenset({"negative:HLA-B*15:02"}), "HLA-A": frozenset({"negative:HLA-A*31:01"})},
                frozenset())
    index = RuleIndex.of([rule])
    (row,) = index.match({"negative:HLA-B*15:02"}, {"HLA-B"})
    assert row["missing"] == ["HLA-A"] and row["matched"] == ["negative:HLA-B*15:02"]
    assert index.match({"negative:HLA-B*15:02", "positive:HLA-A*31:01"}, {"HLA-A", "HLA-B"}) == []


def test_a_gene_given_but_not_settled_lists_its_drugs_as_needing_the_result(reference: ReferenceData) -> None:
    """A copy number not given (CYP2D6 *10/*10xN: intermediate, normal or ultrarapid) decides codeine,
    so codeine asks for it, with why; HLA-B*57:01 positive settles abacavir, not carbamazepine."""
    cyp2d6 = report(reference, "CYP2D6 *10/*10xN")
    assert not cyp2d6.genotype[0].determined
    codeine = drug(cyp2d6, "codeine")
    assert codeine.category == "needs_result" and codeine.needs_results_for == ["CYP2D6"]
    assert "copy number" in (codeine.category_reason or "")
    hla = report(reference, "HLA-B *57:01 positive")
    assert drug(hla, "abacavir").category == "avoid"
    for name in ("carbamazepine", "allopurinol"):
        assert drug(hla, name).category == "needs_result" and "HLA-B" in drug(hla, name).needs_results_for


def test_a_missing_gene_never_makes_a_drug_risky(reference: ReferenceData) -> None:
    result = report(reference, "CYP2C19 *1/*1")
    assert all(set(d.genes) & {"CYP2C19"} or d.category == "needs_result" for d in result.drugs)
    assert not [d for d in result.drugs if "CYP2D6" in d.genes and d.category in ACTIONABLE
                and not any("CYP2C19" in r.genes for r in d.recommendations)]


def test_normal_everything_yields_no_avoid(reference: ReferenceData) -> None:
    result = report(reference, {
        "CYP2C19": "*1/*1", "CYP2D6": "*1/*1", "CYP2C9": "*1/*1", "TPMT": "*1/*1", "NUDT15": "*1/*1",
        "SLCO1B1": "*1/*1", "CYP3A5": "*3/*3", "CYP2B6": "*1/*1", "UGT1A1": "*1/*1", "DPYD": "2",
        "HLA-B": "*07:02/*08:01", "HLA-A": "*02:01/*03:01", "rs9923231": "C/C",
    })
    assert [d.drug for d in result.drugs if d.category == "avoid"] == []
    assert drug(result, "abacavir").category == "standard"


def test_an_uncertain_function_allele_gives_indeterminate_with_a_reason(reference: ReferenceData) -> None:
    gene = report(reference, "CYP2C19 *12/*2").genotype[0]
    assert gene.phenotype == "Indeterminate"
    assert "CYP2C19*12" in (gene.reason or "")


def test_activity_score_maps_to_phenotype(reference: ReferenceData) -> None:
    result = report(reference, "CYP2D6 0")
    assert result.genotype[0].phenotype == "Poor Metabolizer"
    assert drug(result, "codeine").category == "avoid"


def test_unknown_gene_is_a_clear_error_with_near_matches(reference: ReferenceData) -> None:
    with pytest.raises(InvalidInput, match="unknown pharmacogene 'CYP2C91'") as error:
        report(reference, "CYP2C91 *1/*1")
    assert "CYP2C9" in error.value.suggestions


def test_unknown_allele_is_a_clear_error_with_near_matches(reference: ReferenceData) -> None:
    with pytest.raises(InvalidInput, match=r"unknown allele '\*99' for CYP2C19") as error:
        report(reference, "CYP2C19 *99/*2")
    assert "CYP2C19*9" in error.value.suggestions


def test_unknown_phenotype_lists_the_genes_phenotypes(reference: ReferenceData) -> None:
    with pytest.raises(InvalidInput, match="unknown phenotype") as error:
        report(reference, "CYP2D6 Slow Metabolizer")
    assert "Poor Metabolizer" in error.value.suggestions


def test_batch_equals_one_by_one(reference: ReferenceData) -> None:
    genotypes = ["CYP2C19 *2/*2", "HLA-B *57:01 positive", "CYP2D6 Ultrarapid Metabolizer", "CYP2C19 *1/*1"]
    batch = risk_many(reference, [read_genotype(g) for g in genotypes])
    assert [b.model_dump() for b in batch] == [report(reference, g).model_dump() for g in genotypes]


def test_rsid_genotype_finds_its_clinical_annotations(reference: ReferenceData) -> None:
    rows = run_named(reference.graph, "rsid_annotations", {"rsid": "rs75527207", "genotype": "AA"})
    assert any(r["level"] == "1A" and "ivacaftor" in r["drugs"] for r in rows)


def test_risk_cli_prints_the_json_contract(reference: ReferenceData) -> None:
    result = subprocess.run([sys.executable, "-m", "pgxkg.cli", "risk", "-g", "CYP2C19 *2/*2"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"genotype", "drugs", "data"}
    assert {"source", "release", "date"} <= set(data["data"][0])
    clopidogrel = next(d for d in data["drugs"] if d["drug"] == "clopidogrel")
    assert set(clopidogrel) >= {"drug", "category", "genes", "recommendations", "alternatives"}


def test_risk_cli_bad_input_exits_1_with_a_hint(reference: ReferenceData) -> None:
    result = subprocess.run([sys.executable, "-m", "pgxkg.cli", "risk", "-g", "CYP2C19 *99/*2"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "unknown allele" in result.stderr and "did you mean" in result.stderr
    assert "Traceback" not in result.stderr


# --- PharmCAT's two published samples ------------------------------------------------------

# Where we cannot use PharmCAT's diplotype (names the CPIC tables we load do not have),
# we give PharmCAT's phenotype instead; each case is listed with its reason.
PHARMCAT_GENES = ("CYP2B6", "CYP2C19", "CYP2C9", "CYP2D6", "CYP3A5", "DPYD", "HLA-B", "NUDT15", "SLCO1B1",
                  "TPMT", "UGT1A1")
# Drugs whose verdict differs from PharmCAT's, by sample, with why.
# (sample, drug) pairs where we knowingly differ from PharmCAT, each with its cause; a listed pair that
# agrees is a failure too, so the list cannot go stale. None today.
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {}


def pharmcat_genotype(report_json: dict) -> dict[str, str]:
    genotype = {}
    for gene in PHARMCAT_GENES:
        info = report_json["genes"].get(gene, {})
        diplotypes = info.get("recommendationDiplotypes") or []
        if not diplotypes or diplotypes[0]["label"].startswith("Unknown"):
            continue
        genotype[gene] = diplotypes[0]["label"]
    return genotype


def pharmcat_cpic_verdicts(report_json: dict) -> dict[str, bool]:
    """Drug -> whether the CPIC text PharmCAT matched asks for a change, as the hand-labelled gold set
    reads that text (tests/data/gold_categories.tsv; PharmCAT's content flags say what a text contains,
    not whether it departs from standard care). Texts the gold set has no label for are left out."""
    labels = {(g["drug"], g["text_sha256"]): g["category"] for g in gold_rows() if g["source"] == "CPIC"}
    verdicts = {}
    for name, entry in report_json["drugs"]["CPIC Guideline Annotation"].items():
        found = {labels.get((name, text_hash(a["drugRecommendation"]))) for g in entry["guidelines"]
                 for a in g["annotations"] if (a.get("drugRecommendation") or "").strip()} - {None}
        if found:
            verdicts[name] = any(category in ACTIONABLE for category in found)
    return verdicts


@pytest.mark.skipif(not PHARMCAT.exists(), reason="../shared/data/pharmcat-examples is not present")
@pytest.mark.parametrize("sample", ["pharmcat.example", "pharmcat.example2"])
def test_agrees_with_pharmcat_on_its_published_samples(reference: ReferenceData, sample: str) -> None:
    published = json.loads((PHARMCAT / f"{sample}.report.json").read_text())
    genotype = pharmcat_genotype(published)
    resolved_input = {}
    for gene, diplotype in genotype.items():
        try:
            risk(reference, read_genotype({gene: diplotype}))
            resolved_input[gene] = diplotype
        except InvalidInput:
            # e.g. CYP2C19*38 (sample 1): newer than the CPIC tables in pypgx 0.27.0
            phenotypes = published["genes"][gene]["recommendationDiplotypes"][0]["phenotypes"]
            resolved_input[gene] = phenotypes[0]
    ours = risk(reference, read_genotype(resolved_input))
    our_phenotypes = {g.gene: g.phenotype for g in ours.genotype}
    for gene in ("CYP2C19", "CYP2C9", "CYP2B6", "CYP3A5", "TPMT", "NUDT15", "UGT1A1", "SLCO1B1"):
        theirs = published["genes"][gene]["recommendationDiplotypes"][0]["phenotypes"]
        assert our_phenotypes.get(gene) in theirs, (gene, our_phenotypes.get(gene), theirs)

    our_verdicts = {d.drug: d.category in ACTIONABLE for d in ours.drugs
                    if any(r.source == "CPIC" for r in d.recommendations)}
    theirs = pharmcat_cpic_verdicts(published)
    compared = sorted(set(our_verdicts) & set(theirs))
    assert len(compared) >= 10, compared
    disagreements = {d: (our_verdicts[d], theirs[d]) for d in compared if our_verdicts[d] != theirs[d]}
    assert set(disagreements) == {d for s, d in KNOWN_DIFFERENCES if s == sample}, disagreements


def test_in_memory_rule_matching_equals_the_cypher_query(reference: ReferenceData) -> None:
    """rules.py is the in-memory twin of matching_recommendations.cypher; they must agree."""
    from pgxkg.graph.cypher_files import read_cypher
    from pgxkg.queries.phenotype import resolve_many
    from pgxkg.queries.rules import RuleIndex

    genotypes = ["CYP2C19 *2/*2", "HLA-B *15:02/*57:01", "CYP2C9 *3/*3; rs9923231 T/T", "HLA-B *15:02 negative",
                 "TPMT Poor Metabolizer; NUDT15 *1/*1", "CYP2D6 0; CYP2C19 *1/*17", "SLCO1B1 Poor Function",
                 "CYP2C9 *2/*3", "CYP2C9 Poor Metabolizer"]
    resolved = resolve_many(reference, [read_genotype(g) for g in genotypes])
    patients = [{"id": i, "conditions": sorted({c for g in genes for c in g.conditions}),
                 "genes": sorted({g.gene for g in genes}),
                 "diplotype_genes": sorted({g.gene for g in genes if g.kind == "diplotype"})}
                for i, genes in enumerate(resolved)]
    rows = reference.graph.read(read_cypher("pgxkg.queries", "matching_recommendations"), patients=patients)
    index = RuleIndex.load(reference.graph)
    for patient in patients:
        in_cypher = {(r["drug"], r["recommendation"], tuple(sorted(r["missing"])), tuple(sorted(r["matched"])))
                     for r in rows if r["patient"] == patient["id"]}
        in_memory = {(r["drug"], r["recommendation"], tuple(sorted(r["missing"])), tuple(r["matched"]))
                     for r in index.match(set(patient["conditions"]), set(patient["genes"]),
                                          frozenset(patient["diplotype_genes"]))}
        assert in_memory == in_cypher and in_cypher, genotypes[patient["id"]]


def test_answers_kept_for_the_next_genotype_never_leak_into_another(loaded_graph, reference: ReferenceData) -> None:
    """A batch reuses each gene's reading, each rule group's matches (CYP2C19 with and without CYP2D6,
    HLA-B with and without HLA-A), per-drug verdicts and alternative checks between genotypes with
    the same facts: every answer must equal the one a fresh process gives for that genotype alone."""
    from pgxkg.queries.risk import risk_reports

    texts = ["CYP2D6 *4/*4; CYP2C19 *2/*2", "CYP2D6 *1/*1; CYP2C19 *2/*2", "CYP2D6 *4/*4; CYP2C19 *1/*1",
             "CYP2C19 *2/*2", "CYP2D6 *4/*4; CYP2C19 *2/*2; SLCO1B1 *5/*5", "CYP2C19 *17/*17; CYP2D6 *1/*4",
             "CYP2D6 *4/*4; CYP2C19 *2/*2", "HLA-B *57:01 positive; CYP2C9 *2/*3",
             "CYP2C9 *1/*1; HLA-B *57:01 negative", "CYP2C9 *2/*3", "CYP2D6 *4/*4",
             "HLA-B *15:02 negative", "HLA-B *15:02 negative; HLA-A *31:01 negative",
             "CYP2C19 *2/*2; HLA-B *15:02 negative", "SLCO1B1 *26/*36", "SLCO1B1 *36/*26"]
    genotypes = [read_genotype(text) for text in texts]
    batch = risk_reports(reference, genotypes) + risk_reports(reference, list(reversed(genotypes)))
    for text, genotype, answer in zip(texts + texts[::-1], genotypes + genotypes[::-1], batch, strict=True):
        alone = risk_reports(ReferenceData(loaded_graph), [genotype])[0]
        assert answer == alone, text
