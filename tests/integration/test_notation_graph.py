"""Genotypes as labs, typers and PharmCAT write them, answered on the real graph (issue 14).

Each notation the issue lists is given here with the answer it must lead to. Where the pinned
data does not carry a name yet (PharmCAT's CFTR reference name, VKORC1's legacy ``-1639G>A``),
the name is added as a synonym the way a source will add it (``synonyms`` on the Allele or
Variant), unless the loaded data already has it: the same rule reads it either way.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgxkg.errors import InvalidInput
from pgxkg.queries.genotype_input import read_genotype
from pgxkg.queries.models import DrugRiskModel, RiskReportModel
from pgxkg.queries.pharmcat_input import read_pharmcat
from pgxkg.queries.risk import risk, risk_many
from pgxkg.queries.vocabulary import REFERENCE, Vocabulary
from pgxkg.reference import ReferenceData
from pgxkg.vocab import ACTIONABLE
from tests.api_server import running_api
from tests.paths import SHARED_DATA

PHARMCAT = SHARED_DATA / "pharmcat-examples"
SUITE = SHARED_DATA / "pharmcat-suite-sample"
pharmcat_data = pytest.mark.skipif(not PHARMCAT.exists(), reason="../shared/data/pharmcat-examples is not present")


def report(reference: ReferenceData, genotype: str | dict) -> RiskReportModel:
    return risk(reference, read_genotype(genotype))


def drug(result: RiskReportModel, name: str) -> DrugRiskModel:
    found = [d for d in result.drugs if d.drug == name]
    assert found, f"{name} not in {[d.drug for d in result.drugs]}"
    return found[0]


def answer(result: RiskReportModel) -> tuple:
    """What must not depend on how a name was written: the facts matched and every verdict."""
    return (sorted(c for g in result.genotype for c in g.conditions),
            [(d.drug, d.category, [r.id for r in d.recommendations], d.needs_results_for) for d in result.drugs])


@pytest.fixture(scope="module")
def named(reference: ReferenceData) -> ReferenceData:
    """The real reference data, plus the synonyms sources will add, where the data lack them:
    PharmCAT's name of the CFTR reference, VKORC1's legacy variant name."""
    rows = Vocabulary.rows(reference.graph)
    for row in rows["alleles"]:
        for allele in row["alleles"]:
            if row["gene"] == "CFTR" and (allele.get("reference") or allele["name"] == REFERENCE):
                allele["synonyms"] = list({*(allele.get("synonyms") or []), "ivacaftor non-responsive CFTR sequence"})
    for row in rows["variants"]:
        if row["rsid"] == "rs9923231":
            row["synonyms"] = list({*(row.get("synonyms") or []), "-1639G>A"})
    extended = copy.copy(reference)
    extended.vocabulary = Vocabulary.build(**rows)
    return extended


# --- HLA at any resolution (the critical case) --------------------------------------------------

def test_three_field_hla_alleles_are_read_as_their_groups_and_abacavir_is_avoided(reference: ReferenceData) -> None:
    result = report(reference, "HLA-B *57:01:01/*07:02:01")
    hla = result.genotype[0]
    assert hla.allele_status["HLA-B*57:01"] == "positive"
    assert "negative:HLA-B*57:01" not in hla.conditions and "positive:HLA-B*57:01" in hla.conditions
    assert hla.allele_status["HLA-B*58:01"] == "negative" and hla.determined
    assert drug(result, "abacavir").category == "avoid"
    assert drug(result, "allopurinol").category == "standard"
    assert answer(report(reference, "HLA-B *57:01:01:02/*07:02:01:01"))[1] == answer(result)[1]


def test_hla_written_without_colons_is_read_and_abacavir_is_avoided(reference: ReferenceData) -> None:
    """Labs still report B*5701 (the notation before 2010): it is *57:01, never a different allele
    that would make HLA-B*57:01 negative."""
    for text in ("HLA-B *5701/*0702", "HLA-B *5701 positive", "HLA-B B*570101/B*0702"):
        result = report(reference, text)
        assert result.genotype[0].allele_status["HLA-B*57:01"] == "positive", text
        assert drug(result, "abacavir").category == "avoid", text


def test_a_three_field_positive_fires_the_allopurinol_rule(reference: ReferenceData) -> None:
    result = report(reference, "HLA-B *58:01:01 positive")
    assert drug(result, "allopurinol").category == "avoid"
    assert result.genotype[0].allele_status["HLA-B*57:01"] == "not determined"  # never inferred


def test_an_hla_allele_alone_means_present_and_says_nothing_of_the_others(reference: ReferenceData) -> None:
    for text in ("HLA-B*57:01", "HLA-B *57:01", "HLA-B B*57:01:01", {"HLA-B": "*57:01"}):
        result = report(reference, text)
        assert drug(result, "abacavir").category == "avoid", text
        hla = result.genotype[0]
        assert not hla.determined and hla.allele_status["HLA-B*15:02"] == "not determined", text
        assert not [d for d in result.drugs if d.drug == "allopurinol" and d.category == "standard"]
    assert drug(report(reference, "HLA-B*58:01"), "allopurinol").category == "avoid"


def test_a_negative_at_more_fields_than_the_group_does_not_rule_the_group_out(reference: ReferenceData) -> None:
    finer = report(reference, "HLA-B *57:01:01 negative").genotype[0]
    assert finer.allele_status["HLA-B*57:01"] == "not determined"
    group = report(reference, "HLA-B *57:01 negative")
    assert group.genotype[0].allele_status["HLA-B*57:01"] == "negative"
    assert drug(group, "abacavir").category == "standard"


def test_a_one_field_hla_allele_leaves_its_group_open(reference: ReferenceData) -> None:
    hla = report(reference, "HLA-B *57/*07:02").genotype[0]
    assert hla.allele_status["HLA-B*57:01"] == "not determined"
    assert hla.allele_status["HLA-B*15:02"] == "negative"  # neither copy can be *15:02


def test_hla_contradictions_name_the_gene(reference: ReferenceData) -> None:
    with pytest.raises(InvalidInput, match=r"HLA-B: HLA-B\*57:01 is given as both present"):
        report(reference, {"HLA-B": ["*57:01:01/*07:02", "*57:01 negative"]})
    with pytest.raises(InvalidInput, match="HLA-B is given twice with different diplotypes"):
        report(reference, {"HLA-B": ["*57:01/*07:02", "*58:01/*07:02"]})


# --- names from the data ----------------------------------------------------------------------

def test_gene_and_allele_without_a_space(reference: ReferenceData) -> None:
    result = report(reference, "CYP2C19*2/*2")
    assert result.genotype[0].phenotype == "Poor Metabolizer"
    assert drug(result, "clopidogrel").category in {"avoid", "alternative"}
    assert answer(result) == answer(report(reference, "CYP2C19 CYP2C19*2/CYP2C19*2"))


def test_dpyd_hgvs_with_or_without_the_star_name(reference: ReferenceData) -> None:
    results = [report(reference, f"DPYD {text}") for text in
               ("c.1905+1G>A/c.1905+1G>A", "*2A/*2A", "c.1905+1G>A (*2A)/c.1905+1G>A (*2A)", "1905+1G>A/*2A")]
    assert all(answer(r) == answer(results[0]) for r in results)
    dpyd = results[0].genotype[0]
    assert dpyd.phenotype == "Poor Metabolizer" and dpyd.read_as == "DPYD c.1905+1G>A (*2A)/c.1905+1G>A (*2A)"
    assert drug(results[0], "fluorouracil").category == "avoid"
    assert drug(report(reference, "DPYD *1/*2A"), "fluorouracil").category in ACTIONABLE  # DPYD's legacy *1


def test_one_dpyd_allele_alone_is_read_and_listed_as_not_settling_the_phenotype(reference: ReferenceData) -> None:
    dpyd = report(reference, "DPYD *2A").genotype[0]
    assert dpyd.kind == "allele" and not dpyd.determined and dpyd.phenotype is None
    assert "carrier:DPYD c.1905+1G>A (*2A)" in dpyd.conditions
    assert "only one allele was given" in (dpyd.reason or "")


def test_g6pd_phenotype_without_the_gene_repeated(reference: ReferenceData) -> None:
    short, long = report(reference, "G6PD Deficient"), report(reference, "G6PD G6PD Deficient")
    assert short.genotype[0].phenotype == "G6PD Deficient" and answer(short) == answer(long)
    assert drug(short, "rasburicase").category in ACTIONABLE


def test_phenotype_abbreviations(reference: ReferenceData) -> None:
    assert drug(report(reference, "CYP2D6 PM"), "codeine").category == "avoid"
    assert answer(report(reference, "CYP2D6 UM")) == answer(report(reference, "CYP2D6 Ultrarapid Metabolizer"))
    assert answer(report(reference, "CYP2D6: poor metaboliser")) == answer(report(reference, "CYP2D6 PM"))


def test_activity_score_phrasings(reference: ReferenceData) -> None:
    results = [report(reference, text) for text in
               ("CYP2D6 activity score 1.25", "CYP2D6 AS 1.25", "CYP2D6=1.25", "CYP2D6 score: 1.25")]
    assert results[0].genotype[0].phenotype == "Normal Metabolizer"
    assert all(answer(r) == answer(results[0]) for r in results)


def test_vkorc1_in_the_datas_own_names_informs_warfarin(reference: ReferenceData) -> None:
    """VKORC1 Reference/rs9923231 lost warfarin; now it is the genotype rs9923231 C/T."""
    forms = ["VKORC1 Reference/rs9923231", "rs9923231 C/T", "VKORC1 rs9923231 C/T",
             "VKORC1 rs9923231 reference (C)/rs9923231 variant (T)"]  # the last: PharmCAT's names
    results = [report(reference, text) for text in forms]
    assert "genotype:rs9923231:CT" in results[0].genotype[0].conditions
    assert drug(results[0], "warfarin").category in ACTIONABLE
    assert all(answer(r) == answer(results[0]) for r in results)
    assert len({r.genotype[0].read_as for r in results}) == 1  # in the data's names, whichever source named them


def test_vkorc1_legacy_variant_name(named: ReferenceData) -> None:
    homozygous = [report(named, text) for text in
                  ("VKORC1 -1639G>A/-1639G>A", "VKORC1 -1639 AA", "rs9923231 T/T", "VKORC1 -1639G>A homozygous")]
    assert all(answer(r) == answer(homozygous[0]) for r in homozygous)
    vkorc1 = [r for r in drug(homozygous[0], "warfarin").recommendations if r.genes == ["VKORC1"]]
    assert vkorc1 and vkorc1[0].category == "adjust_dose"
    carrier = report(named, "VKORC1 -1639G>A").genotype[0]  # the variant alone: a carrier
    assert "carrier:rs9923231" in carrier.conditions and not carrier.determined


def test_pharmcat_cftr_reference_name(named: ReferenceData) -> None:
    pharmcat = report(named, "CFTR ivacaftor non-responsive CFTR sequence/ivacaftor non-responsive CFTR sequence")
    plain = report(named, "CFTR Reference/Reference")
    assert answer(pharmcat) == answer(plain) and pharmcat.genotype[0].read_as == plain.genotype[0].read_as


def test_cftr_rs_genotype_fires_its_carrier_rule(reference: ReferenceData) -> None:
    ivacaftor = drug(report(reference, "rs75527207 A/G"), "ivacaftor")
    assert any("carrier:rs75527207" in r.id for r in ivacaftor.recommendations)


# --- CYP2D6 structures ------------------------------------------------------------------------

@pytest.mark.parametrize(("genotype", "score", "phenotype"), [
    ("CYP2D6 *1/*36+*10", 1.25, "Normal Metabolizer"),  # *36 0 + *10 0.25 (CPIC: the tandem's parts add)
    ("CYP2D6 *4/*36+*10", 0.25, "Intermediate Metabolizer"),
    ("CYP2D6 *1/*4+*10", 1.25, "Normal Metabolizer"),
    ("CYP2D6 *4/*68+*4", 0.0, "Poor Metabolizer"),
    ("CYP2D6 *1/*4x2", 1.0, "Intermediate Metabolizer"),  # copies of a no-function allele add nothing
    ("CYP2D6 *1/*2x2", 3.0, "Ultrarapid Metabolizer"),
    ("CYP2D6 *4/*4xN", 0.0, "Poor Metabolizer"),
    ("CYP2D6 *1/*2xN", None, "Ultrarapid Metabolizer"),  # >= 3, whatever N is
])
def test_structural_cyp2d6_alleles_take_their_components_values(reference: ReferenceData, genotype: str,
                                                                 score: float | None, phenotype: str) -> None:
    gene = report(reference, genotype).genotype[0]
    assert (gene.activity_score, gene.phenotype) == (score, phenotype), gene.path


def test_a_cyp2d6_ultrarapid_duplication_avoids_codeine(reference: ReferenceData) -> None:
    assert drug(report(reference, "CYP2D6 *1/*1x2"), "codeine").category == "avoid"
    assert drug(report(reference, "CYP2D6 *2xN/*1"), "codeine").category == "avoid"


def test_an_unknown_copy_number_that_matters_is_not_guessed(reference: ReferenceData) -> None:
    gene = report(reference, "CYP2D6 *10/*10xN").genotype[0]
    assert not gene.determined and gene.phenotype is None and "copy number" in (gene.reason or "")


@pytest.mark.parametrize(("genotype", "message"), [
    ("CYP2D6 *1/*1x", r"cannot read the structure '\*1x'.*copy number"),
    ("CYP2D6 *1/*36++*10", r"cannot read the structure"),
    ("CYP2D6 *1/*36+*999", r"unknown allele '\*999' in the structure '\*36\+\*999'"),
])
def test_an_unknown_structure_is_an_error_that_says_so(reference: ReferenceData, genotype: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        report(reference, genotype)


# --- combinations --------------------------------------------------------------------------------

def test_dpyd_combinations_use_cpics_lowest_activity_rule(reference: ReferenceData) -> None:
    phased = report(reference, "DPYD Reference/[c.1679T>G (*13) + c.1774C>T + c.2657G>A (*9B)]").genotype[0]
    assert phased.diplotype == "DPYD Reference/c.1679T>G (*13)" and phased.activity_score == 1.0
    assert phased.phenotype == "Intermediate Metabolizer"
    for written in ("DPYD Reference/[c.85T>C (*9A) + c.496A>G]", "DPYD [c.85T>C (*9A) + c.496A>G]"):
        assert report(reference, written).genotype[0].phenotype == "Normal Metabolizer", written
    unphased = report(reference, "DPYD [c.1905+1G>A (*2A) + c.2846A>T + c.85T>C (*9A)]")
    assert unphased.genotype[0].activity_score == 0.5  # the two lowest: 0 + 0.5
    assert drug(unphased, "fluorouracil").category in ACTIONABLE


@pytest.mark.skipif(not SUITE.exists(), reason="../shared/data/pharmcat-suite-sample is not present")
def test_dpyd_combinations_look_up_what_pharmcat_looks_up(reference: ReferenceData) -> None:
    """PharmCAT's own tests assert, for phased DPYD calls with combinations, the diplotype it looks
    up; ours must give that diplotype's phenotype."""
    cases = []
    for case in json.loads((SUITE / "e2e_cases.json").read_text()):
        for note in case.get("notes", []):
            if note.startswith("DPYD: lookup diplotype "):
                lookup, calls = note.removeprefix("DPYD: lookup diplotype ").split(" (call asserted: ")
                cases += [(lookup, call) for call in json.loads(calls.rstrip(")").replace("'", '"'))]
    assert len(cases) >= 4
    for lookup, call in cases:
        expected = report(reference, {"DPYD": lookup}).genotype[0]
        ours = report(reference, {"DPYD": call}).genotype[0]
        assert (ours.phenotype, ours.activity_score) == (expected.phenotype, expected.activity_score), call


# --- equivalent names give identical answers ---------------------------------------------------------

def names_of(vocabulary: Vocabulary) -> list[tuple[str, str, list[str]]]:
    """Every allele with more than one name: (gene, data name, every name it answers to)."""
    found = []
    for gene in vocabulary.genes.values():
        by_allele: dict[str, list[str]] = defaultdict(list)
        for alias_of, aliases in gene.aliases.items():
            by_allele[alias_of] += aliases
        for name, aliases in sorted(by_allele.items()):
            found.append((gene.symbol, name, [name, *aliases]))
    return found


def partner(vocabulary: Vocabulary, gene: str) -> str:
    """The gene's reference (``Reference`` or ``*1``), else its first allele with a plain name."""
    alleles = vocabulary.genes[gene].alleles
    plain = sorted(a for a in alleles if "/" not in a and "," not in a)
    return next((a for a in (REFERENCE, "*1") if a in alleles), plain[0])


def plain(names: list[str]) -> list[str]:
    """Names without a slash: a slash inside a name (G6PD's Kobe/Tenri) can split a diplotype in two
    ways when its halves are alleles too, and is then an error listing both readings."""
    return [n for n in names if "/" not in n]


def test_every_allele_with_several_names_gives_one_answer_whichever_is_written(reference: ReferenceData) -> None:
    vocabulary = reference.vocabulary
    alleles = names_of(vocabulary)
    assert len(alleles) > 100 and {g for g, _, _ in alleles} >= {"DPYD", "MT-RNR1", "G6PD"}
    genotypes, keys = [], []
    for gene, name, names in alleles:
        other = partner(vocabulary, gene)
        for written in plain(names):
            genotypes.append(read_genotype({gene: f"{written}/{other}"}))
            keys.append((gene, name))
    answers: dict[tuple[str, str], set] = defaultdict(set)
    for key, result in zip(keys, risk_many(reference, genotypes), strict=True):
        answers[key].add(repr(answer(result)))
    assert {key: len(found) for key, found in answers.items() if len(found) > 1} == {}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_equivalent_names_in_any_spelling_and_company_give_identical_answers(reference: ReferenceData,
                                                                             data: st.DataObject) -> None:
    """Hypothesis draws an allele with several names, two of its names, a partner allele of the same
    gene and a way of writing each (case, spacing, the gene glued on), plus an unrelated gene."""
    vocabulary = reference.vocabulary
    gene, _, names = data.draw(st.sampled_from([a for a in names_of(vocabulary) if len(plain(a[2])) > 1]))
    first, second = data.draw(st.sampled_from(plain(names))), data.draw(st.sampled_from(plain(names)))
    other = data.draw(st.sampled_from(plain(sorted(vocabulary.genes[gene].alleles))))

    def spelled(text: str) -> str:
        style = data.draw(st.sampled_from(["as is", "upper", "lower", "spaced"]))
        return {"as is": text, "upper": text.upper(), "lower": text.lower(), "spaced": f"  {text} "}[style]

    extra = data.draw(st.sampled_from([{}, {"CYP2C19": "*2/*17"}, {"HLA-B": "*57:01:01 positive"}]))
    one = report(reference, {gene: f"{spelled(first)}/{other}", **extra})
    two = report(reference, {gene: f"{other}/{spelled(second)}", **extra})
    assert answer(one) == answer(two), (gene, first, second, other)


# --- contradictions are errors naming the gene ------------------------------------------------------

@pytest.mark.parametrize(("genotype", "message"), [
    ("CYP2C19\t*1/*1\nCYP2D6\t*1/*1\nCYP2C19\t*2/*2\n", r"CYP2C19 is given twice with different diplotypes: "
                                                       r"\*1/\*1 \(genotype:1\) and \*2/\*2 \(genotype:3\)"),
    ("CYP2D6\t*4/*4\tNormal Metabolizer\n", r"CYP2D6: CYP2D6\*4/\*4 is a Poor Metabolizer in the loaded data, "
                                            r"but the phenotype given is Normal Metabolizer"),
    ("CYP2D6\t*1/*4\t\t2.0\n", r"CYP2D6: CYP2D6\*1/\*4 gives activity score 1 but 2 is given"),
    ('{"CYP2C19": "*1/*1", "CYP2C19": "*2/*2"}', "CYP2C19 is given twice with different values"),
    ("CYP2D6 PM; CYP2D6 UM", "CYP2D6 is given twice with different phenotypes"),
    ("rs4244285 A/A; rs4244285 G/A", "rs4244285 is given twice with different genotypes"),
])
def test_contradictions_are_errors_naming_the_gene(reference: ReferenceData, genotype: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        report(reference, genotype)


def test_agreeing_facts_about_one_gene_are_one_answer(reference: ReferenceData) -> None:
    both = report(reference, "CYP2D6\t*4/*4\tPoor Metabolizer\t0\nCYP2D6\t*4/*4\n")
    assert len(both.genotype) == 1 and both.genotype[0].phenotype == "Poor Metabolizer"
    assert answer(both)[1] == answer(report(reference, "CYP2D6 *4/*4"))[1]


def test_an_uncertain_call_or_no_call_is_listed_and_asks_for_the_result(reference: ReferenceData) -> None:
    """PharmCAT's ``*1/*4 or *4/*4`` is an uncertain call: each possibility is tried (queries/uncertainty.py)."""
    result = report(reference, "CYP2D6\t*1/*4 or *4/*4\nCYP2C19\t./.\nCYP2C9\t*1/*3\n")
    genes = {g.gene: g for g in result.genotype}
    assert genes["CYP2D6"].kind == "uncertain" and "*1/*4 and *4/*4" in (genes["CYP2D6"].reason or "")
    assert drug(result, "codeine").category == "needs_result"  # IM or PM: the verdicts differ
    assert "CYP2D6" in drug(result, "codeine").needs_results_for
    assert genes["CYP2C19"].kind == "unused" and "not called" in (genes["CYP2C19"].reason or "")
    assert not genes["CYP2C19"].conditions and not genes["CYP2C19"].determined
    assert not genes["CYP2D6"].determined  # uncertain is never settled
    assert result.data and result.data == report(reference, "CYP2C9 *1/*3").data  # names its data like any answer


@pytest.mark.parametrize(("genotype", "message"), [
    ("CYP2C19 *1/*99 or *2/*99", r"unknown allele '\*99' for CYP2C19"),
    ("CYP2C19 *2/*2 or FOO", "'FOO' in '\\*2/\\*2 or FOO' is not a diplotype"),
    ("CYP2C19 *1/*1 or CYP2D6 *4/*4", "unknown allele 'CYP2D6 \\*4' for CYP2C19"),
])
def test_each_option_of_an_uncertain_call_is_read_as_strictly_as_alone(reference: ReferenceData, genotype: str,
                                                                        message: str) -> None:
    """A typo in one option is an error, never one possibility fewer (an empty answer)."""
    with pytest.raises(InvalidInput, match=message):
        report(reference, genotype)


def test_an_uncertain_call_of_phased_diplotypes_reads(reference: ReferenceData) -> None:
    result = report(reference, "CYP2C19 *1|*2 or *2|*2")
    assert result.genotype[0].kind == "uncertain" and not result.genotype[0].determined


def test_a_batch_error_names_the_genotype_after_uncertain_ones(reference: ReferenceData) -> None:
    """Uncertain calls are tried once per possibility; the error still names the input's own index."""
    from pgxkg.queries.risk import risk_reports

    batch = [read_genotype(text) for text in ("CYP2D6 *1/*4 or *4/*4 or *1/*1", "CYP2C19 *1/*2", "CYP2C19 *1/*99")]
    with pytest.raises(InvalidInput, match=r"^genotype 2: unknown allele '\*99'"):
        risk_reports(reference, batch)


def test_a_phenotype_settles_what_the_data_cannot_type_and_says_so(reference: ReferenceData) -> None:
    gene = report(reference, "CYP2C19\t*1/*999\tNormal Metabolizer\n").genotype[0]
    assert gene.phenotype == "Normal Metabolizer" and gene.determined
    assert gene.unused and "unknown allele '*999'" in gene.unused[0]


# --- unknown input still names it and suggests near matches ------------------------------------------

@pytest.mark.parametrize(("genotype", "message", "suggestion"), [
    ("CYP2C19 *99/*2", r"unknown allele '\*99' for CYP2C19", "CYP2C19*9"),
    ("CYP2C91 *1/*1", "unknown pharmacogene 'CYP2C91'", "CYP2C9"),
    ("CYP2D6 Slow Metabolizer", "unknown phenotype or allele 'Slow Metabolizer' for CYP2D6", "Poor Metabolizer"),
    ("DPYD *2B/*1", r"unknown allele '\*2B' for DPYD", "DPYD c.1905+1G>A (*2A)"),
    ("rs99239231 C/T", "unknown rsID 'rs99239231'", "rs9923231"),
])
def test_unknown_input_names_it_and_suggests_near_matches(reference: ReferenceData, genotype: str, message: str,
                                                          suggestion: str) -> None:
    with pytest.raises(InvalidInput, match=message) as error:
        report(reference, genotype)
    assert suggestion in error.value.suggestions


# --- PharmCAT's results ------------------------------------------------------------------------------

def pharmcat_cpic_verdicts(published: dict) -> dict[str, bool]:
    """PharmCAT's CPIC verdicts as tests/test_risk.py reads them (the gold labels of the texts it matched)."""
    from tests.integration.test_risk import pharmcat_cpic_verdicts as verdicts

    return verdicts(published)


@pharmcat_data
@pytest.mark.parametrize("sample", ["pharmcat.example", "pharmcat.example2"])
def test_pharmcat_report_json_as_input_agrees_with_pharmcat(reference: ReferenceData, sample: str) -> None:
    path = PHARMCAT / f"{sample}.report.json"
    published = json.loads(path.read_text())
    result = risk(reference, read_pharmcat(path.read_text(), path.name))
    genes = {g.gene: g for g in result.genotype}
    for gene, entry in published["genes"].items():  # every gene PharmCAT reports is in the answer
        assert gene in genes, gene
        ours = genes[gene]
        assert ours.origin == f"{path.name}: {gene}"
        if entry["callSource"] == "NONE":
            assert ours.kind == "unused" and not ours.determined and "not called" in (ours.reason or "")
    theirs = pharmcat_cpic_verdicts(published)
    ours_verdicts = {d.drug: d.category in ACTIONABLE for d in result.drugs
                     if any(r.source == "CPIC" for r in d.recommendations)}
    compared = sorted(set(ours_verdicts) & set(theirs))
    assert len(compared) >= 10
    assert {d: (ours_verdicts[d], theirs[d]) for d in compared if ours_verdicts[d] != theirs[d]} == {}


@pharmcat_data
def test_pharmcat_sample_one_reads_hla_mt_rnr1_and_names_what_it_cannot_use(reference: ReferenceData) -> None:
    path = PHARMCAT / "pharmcat.example.report.json"
    result = risk(reference, read_pharmcat(path.read_text(), path.name))
    genes = {g.gene: g for g in result.genotype}
    assert genes["HLA-B"].allele_status == {"HLA-B*15:02": "positive", "HLA-B*15:11": "negative",
                                            "HLA-B*57:01": "positive", "HLA-B*58:01": "negative"}
    assert drug(result, "abacavir").category == "avoid"
    assert genes["MT-RNR1"].read_as == "MT-RNR1 m.1555A>G/m.1555A>G"  # PharmCAT writes '1555A>G'
    assert drug(result, "amikacin").category == "avoid"
    assert "genotype:rs9923231:CC" in genes["VKORC1"].conditions  # 'rs9923231 reference (C)' twice
    assert genes["HLA-A"].kind == "unused" and "not called (Unknown/Unknown)" in genes["HLA-A"].unused[0]


@pharmcat_data
def test_a_pharmcat_call_the_data_cannot_read_falls_back_to_pharmcats_phenotype(reference: ReferenceData) -> None:
    published = json.loads((PHARMCAT / "pharmcat.example2.report.json").read_text())
    published["genes"]["CYP2C19"]["sourceDiplotypes"][0]["label"] = "*2/*999"  # an allele newer than our data
    gene = next(g for g in risk(reference, read_pharmcat(json.dumps(published), "r.json")).genotype
                if g.gene == "CYP2C19")
    assert gene.phenotype == "Poor Metabolizer" and gene.determined  # PharmCAT's phenotype for its call
    assert "unknown allele '*999'" in gene.unused[0] and "own phenotype is used" in gene.notes[-1]


@pharmcat_data
def test_pharmcat_phenotype_json_gives_the_reports_answer(reference: ReferenceData, tmp_path: Path) -> None:
    published = json.loads((PHARMCAT / "pharmcat.example2.report.json").read_text())
    phenotype = tmp_path / "pharmcat.example2.phenotype.json"
    phenotype.write_text(json.dumps({"geneReports": {"CPIC": published["genes"], "DPWG": {}}}))
    from_report = risk(reference, read_pharmcat(json.dumps(published), "x"))
    from_phenotype = risk(reference, read_pharmcat(phenotype.read_text(), "x"))
    assert answer(from_phenotype) == answer(from_report)


OUTSIDE_CALLS = ("\ufeff# outside calls from the lab\r\ngene\tdiplotype\tphenotype\tactivity score\r\n"
                 "CYP2D6\tCYP2D6*1/CYP2D6*4\t\t\r\nHLA-B\t*57:01:01/*07:02:01\t\t\r\n"
                 "G6PD\t\tDeficient\t\r\nCYP2C19\t./.\t\t\r\n")


def test_cli_risk_pharmcat_reads_outside_calls_with_bom_crlf_comments_and_header(reference: ReferenceData,
                                                                                  tmp_path: Path) -> None:
    path = tmp_path / "outside.tsv"
    path.write_bytes(OUTSIDE_CALLS.encode())
    result = subprocess.run([sys.executable, "-m", "pgxkg.cli", "risk", "--pharmcat", str(path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    data = RiskReportModel.model_validate_json(result.stdout)
    genes = {g.gene: g for g in data.genotype}
    assert genes["CYP2D6"].phenotype == "Intermediate Metabolizer" and genes["CYP2D6"].origin == f"{path}:3"
    assert genes["CYP2C19"].kind == "unused" and not genes["CYP2C19"].determined
    assert drug(data, "abacavir").category == "avoid"
    assert drug(data, "rasburicase").category in ACTIONABLE


@pharmcat_data
def test_cli_risk_pharmcat_report_with_an_override(reference: ReferenceData) -> None:
    path = PHARMCAT / "pharmcat.example2.report.json"
    result = subprocess.run([sys.executable, "-m", "pgxkg.cli", "risk", "--pharmcat", str(path),
                             "--genotype", "CYP2D6 *4/*4"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    data = RiskReportModel.model_validate_json(result.stdout)
    assert drug(data, "codeine").category == "avoid"  # PharmCAT had no CYP2D6 call; the override gives one
    assert {g.gene for g in data.genotype} >= {"CYP2C19", "CYP2D6", "HLA-B"}


def test_cli_contradictions_and_bad_files_exit_1_with_one_line(reference: ReferenceData, tmp_path: Path) -> None:
    path = tmp_path / "twice.tsv"
    path.write_text("CYP2C19\t*1/*1\nCYP2C19\t*2/*2\n")
    missing = tmp_path / "nowhere.json"
    for args, message in ((["--pharmcat", str(path)], "CYP2C19 is given twice with different diplotypes"),
                          (["--pharmcat", str(missing)], "cannot be read"),
                          (["--genotype", '{"CYP2C19": "*1/*1", "CYP2C19": "*2/*2"}'], "CYP2C19 is given twice")):
        result = subprocess.run([sys.executable, "-m", "pgxkg.cli", "risk", *args], capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr, args


@pytest.fixture(scope="module")
def api(built_report) -> Iterator[httpx.Client]:
    with running_api() as base, httpx.Client(base_url=base, timeout=60) as client:
        yield client


@pharmcat_data
def test_api_risk_pharmcat_upload_and_the_report_as_a_json_body(reference: ReferenceData,
                                                                 api: httpx.Client) -> None:
    path = PHARMCAT / "pharmcat.example.report.json"
    uploaded = api.post("/risk/pharmcat", files={"file": (path.name, path.read_bytes(), "application/json")})
    assert uploaded.status_code == 200, uploaded.text
    as_body = api.post("/risk", content=path.read_bytes(), headers={"content-type": "application/json"})
    assert as_body.status_code == 200, as_body.text
    for body in (uploaded.json(), as_body.json()):
        assert next(d for d in body["drugs"] if d["drug"] == "abacavir")["category"] == "avoid"
    assert [g["gene"] for g in uploaded.json()["genotype"]] == [g["gene"] for g in as_body.json()["genotype"]]
    cli = json.loads(subprocess.run([sys.executable, "-m", "pgxkg.cli", "risk", "--pharmcat", str(path)],
                                    capture_output=True, text=True, timeout=120).stdout)
    assert cli["drugs"] == uploaded.json()["drugs"]


def test_api_outside_calls_upload_and_refusals(reference: ReferenceData, api: httpx.Client) -> None:
    uploaded = api.post("/risk/pharmcat", files={"file": ("outside.tsv", OUTSIDE_CALLS.encode(), "text/plain")},
                        data={"genotype": "CYP2D6 *4/*4"})
    assert uploaded.status_code == 200, uploaded.text
    genes = {g["gene"]: g for g in uploaded.json()["genotype"]}
    assert genes["CYP2D6"]["phenotype"] == "Poor Metabolizer"  # the override
    assert genes["HLA-B"]["read_as"] == "HLA-B*57:01:01/*07:02:01"
    duplicate = api.post("/risk", content=b'{"CYP2C19": "*1/*1", "CYP2C19": "*2/*2"}',
                         headers={"content-type": "application/json"})
    assert duplicate.status_code == 422 and "CYP2C19 is given twice" in duplicate.json()["detail"]
    batch = api.post("/risk/batch", content=b'[{"CYP2C19": "*1/*1"}, {"HLA-B": "*57:01", "HLA-B": "*58:01"}]',
                     headers={"content-type": "application/json"})
    assert batch.status_code == 422 and "HLA-B is given twice" in batch.json()["detail"]
    other = api.post("/risk/pharmcat", files={"file": ("x.json", b'{"title": "no"}', "application/json")})
    assert other.status_code == 422 and "not a PharmCAT" in other.json()["detail"]
    assert "Traceback" not in other.text
