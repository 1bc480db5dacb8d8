"""Star-allele matching on hand-made definitions in memory (no database, no VCF file)."""

from __future__ import annotations

from pgxkg.calling.definitions import GeneDefinition, Site
from pgxkg.calling.matcher import Observation, match
from pgxkg.calling.normalize import REF, normalize, token
from pgxkg.calling.report import gene_input


def tpmt_like() -> GeneDefinition:
    """TPMT's shape: *3A carries both variants, *3B and *3C one each."""
    s1, s2 = token(100, "T", "C"), token(200, "C", "T")
    sites = {"rs1": Site("rs1", "rs1", "chr6", 100, None, "T", frozenset({s1}), frozenset({100})),
             "rs2": Site("rs2", "rs2", "chr6", 200, None, "C", frozenset({s2}), frozenset({200}))}
    return GeneDefinition("TPMTX", "*1", sites,
                          {"*3A": {"rs1": s1, "rs2": s2}, "*3B": {"rs2": s2}, "*3C": {"rs1": s1}})


def obs(*alleles: str, phased: bool = False, ps: str | None = None) -> Observation:
    return Observation(tuple(alleles), phased, ps)


C, T = token(100, "T", "C"), token(200, "C", "T")


def test_unphased_double_het_prefers_the_more_specific_diplotype() -> None:
    call = match(tpmt_like(), {"rs1": obs(REF, C), "rs2": obs(REF, T)})
    assert call.status == "called" and call.diplotype == ("*1", "*3A")
    assert [(c.name, c.score) for c in call.candidates] == [("*1/*3A", 4), ("*3B/*3C", 2)]
    assert any("phased data would tell them apart" in line for line in call.explanation)


def test_phase_decides_between_3a_and_3b_3c() -> None:
    same = match(tpmt_like(), {"rs1": obs(REF, C, phased=True, ps="7"), "rs2": obs(REF, T, phased=True, ps="7")})
    assert [c.name for c in same.candidates] == ["*1/*3A"]
    trans = match(tpmt_like(), {"rs1": obs(REF, C, phased=True, ps="7"), "rs2": obs(T, REF, phased=True, ps="7")})
    assert trans.status == "called" and [c.name for c in trans.candidates] == ["*3B/*3C"]
    # Different phase sets say nothing about each other: back to the unphased answer.
    apart = match(tpmt_like(), {"rs1": obs(REF, C, phased=True, ps="1"), "rs2": obs(T, REF, phased=True, ps="2")})
    assert [c.name for c in apart.candidates] == ["*1/*3A", "*3B/*3C"]


def test_homozygous_reference_and_novel() -> None:
    assert match(tpmt_like(), {"rs1": obs(C, C), "rs2": obs(T, T)}).diplotype == ("*3A", "*3A")
    assert match(tpmt_like(), {"rs1": obs(REF, REF), "rs2": obs(REF, REF)}).diplotype == ("*1", "*1")
    novel = match(tpmt_like(), {"rs1": obs(REF, "other:100:T>G"), "rs2": obs(REF, REF)})
    assert novel.status == "no_match" and novel.diplotype is None and novel.candidates == []
    assert novel.unexplained == ["rs1"]


def test_missing_position_makes_the_call_ambiguous_and_says_which() -> None:
    call = match(tpmt_like(), {"rs2": obs(REF, T)}, {"rs1": "no call (./.) in the VCF"})
    assert call.status == "ambiguous" and call.diplotype is None
    assert {c.name for c in call.best} == {"*1/*3A", "*1/*3B"}
    assert call.missing == {"rs1": "no call (./.) in the VCF"}
    assert any("rs1 would tell them apart" in line for line in call.explanation)
    assert match(tpmt_like(), {}).status == "not_called"


def test_haploid_genotypes_call_one_allele_and_are_not_passed_on() -> None:
    call = match(tpmt_like(), {"rs1": obs(C), "rs2": obs(T)})
    assert call.status == "called" and call.haploid and [c.name for c in call.best] == ["*3A"]
    assert gene_input(call) is None
    mixed = match(tpmt_like(), {"rs1": obs(C), "rs2": obs(REF, T)})
    assert mixed.status == "not_called"


def test_indels_compare_in_their_minimal_form() -> None:
    # UGT1A1*28 as PharmCAT writes it (CAT>CATAT) and as the pypgx tables do (C>CAT).
    assert token(233760233, "CAT", "CATAT") == token(233760233, "C", "CAT")
    # NUDT15*6 duplication.
    assert normalize(48037782, "AGGAGTC", "AGGAGTCGGAGTC") == (48037782, "A", "AGGAGTC")
