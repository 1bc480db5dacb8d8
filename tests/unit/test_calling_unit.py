"""Star-allele calling on PharmCAT's real definitions, in memory (no database).

Every case of PharmCAT's own test suite sample (../shared/data/pharmcat-suite-sample/nam_cases.json)
runs here; the agreement must stay >= 95% and every disagreement must be the one listed in
tests/data/nam_disagreements.tsv with its cause. Then the semantics one by one, and bad VCFs.
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pysam
import pytest

from pgxkg.calling.matcher import GeneCall
from pgxkg.calling.report import GeneResult, call_samples, gene_input
from pgxkg.errors import InvalidInput
from tests.pharmcat_data import SUITE, allele_synonyms, definitions, nam_cases

DISAGREEMENTS = Path(__file__).resolve().parents[1] / "data" / "nam_disagreements.tsv"
CASES = nam_cases()


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("pharmcat-cache"))


def called(cache_dir: str, vcf: Path, gene: str) -> GeneResult:
    [(_, results)] = list(call_samples(definitions(cache_dir), vcf))
    return next(r for r in results if r.definition.gene == gene)


def reported(call: GeneCall, mode: str) -> list[tuple[str, ...]]:
    """What we report in PharmCAT's terms: the best diplotypes (a tie: all of them), or every
    consistent one; a no-call is []; unphased lowest-function genes: the variants found."""
    if call.status == "variants":
        return [tuple(call.variants_found)]
    if call.status not in ("called", "ambiguous"):
        return []
    return [c.alleles for c in (call.reported if mode == "top" else call.candidates)]


def same(ours: list[tuple[str, ...]], expected: list[str], gene: str, synonyms: dict) -> bool:
    """Order-free diplotypes, allele names mapped through the Allele nodes' synonyms."""
    def names(allele: str) -> set[str]:
        return {allele, *synonyms.get((gene, allele), ())}

    def equal(ours_one: tuple[str, ...], theirs: str) -> bool:
        parts = theirs.split("/") if "/" in theirs and not theirs.startswith("[") else [theirs]
        if len(parts) != len(ours_one):
            return False
        remaining = list(parts)
        for allele in ours_one:
            hit = next((p for p in remaining if p in names(allele)), None)
            if hit is None:
                return False
            remaining.remove(hit)
        return True

    return len(ours) == len(expected) and all(any(equal(o, e) for o in ours) for e in expected)


def known_disagreements() -> dict[str, str]:
    with DISAGREEMENTS.open() as handle:
        return {row["id"]: row["cause"] for row in csv.DictReader(handle, delimiter="\t")}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_pharmcat_suite_case(cache_dir: str, case: dict) -> None:
    result = called(cache_dir, SUITE / case["vcf"], case["gene"])
    ours = reported(result.call, case["expected_mode"])
    agrees = same(ours, case["expected"], case["gene"], allele_synonyms(cache_dir))
    listed = known_disagreements()
    if case["id"] in listed:
        assert not agrees, f"{case['id']} now agrees with PharmCAT: drop it from {DISAGREEMENTS.name}"
    else:
        assert agrees, (case["name"], case["expected"], ours, result.call.explanation)


def test_agreement_with_pharmcat_is_at_least_95_percent(cache_dir: str) -> None:
    agree = sum(same(reported(called(cache_dir, SUITE / c["vcf"], c["gene"]).call, c["expected_mode"]),
                     c["expected"], c["gene"], allele_synonyms(cache_dir)) for c in CASES)
    assert agree / len(CASES) >= 0.95, f"{agree} of {len(CASES)}"
    assert len(CASES) - agree == len(known_disagreements())


def test_a_pharmcat_tie_stays_a_tie_and_is_not_certain(cache_dir: str) -> None:
    case = next(c for c in CASES if c["id"] == "nam-159")  # *4/*4 | *4/*17 | *17/*17
    call = called(cache_dir, SUITE / case["vcf"], "CYP2C19").call
    assert call.status == "ambiguous" and call.diplotype is None and not call.certain
    assert {frozenset(c.alleles) for c in call.reported} == {frozenset({"*4"}), frozenset({"*4", "*17"}),
                                                            frozenset({"*17"})}
    item = gene_input(call)
    assert item is not None and item.uncertain and set(map(frozenset, item.possible)) >= {
        frozenset({"*4"}), frozenset({"*17"}), frozenset({"*4", "*17"})}
    assert "rs28399504" in (item.pending or "")


# --- semantics on hand-written VCFs ----------------------------------------------------------------------


def write_vcf(path: Path, rows: list[tuple], samples: tuple[str, ...] = ("S",), header: tuple[str, ...] = ()) -> Path:
    """rows: (chrom, pos, id, ref, alt, info, genotype per sample); FORMAT is GT, or GT:PS when a
    genotype has a ':'."""
    lines = ["##fileformat=VCFv4.2", *header, '##INFO=<ID=END,Number=1,Type=Integer,Description="End">',
             '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
             '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">',
             "#" + "\t".join(["CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples])]
    for chrom, pos, ident, ref, alt, info, *genotypes in rows:
        fmt = "GT:PS" if any(":" in g for g in genotypes) else "GT"
        lines.append("\t".join([chrom, str(pos), ident, ref, alt, ".", "PASS", info or ".", fmt, *genotypes]))
    path.write_text("\n".join(lines) + "\n")
    return path


def site(cache_dir: str, gene: str, label: str) -> tuple:
    position = next(p for p in definitions(cache_dir).genes[gene].positions if p.label == label)
    return position.chrom, position.pos, position.label, position.ref, ",".join(position.alts)


def row(cache_dir: str, gene: str, label: str, genotype: str, alt: str | None = None) -> tuple:
    chrom, pos, ident, ref, alts = site(cache_dir, gene, label)
    return chrom, pos, ident, ref, alt or alts, None, genotype


def all_reference(cache_dir: str, gene: str, **genotypes: str) -> list[tuple]:
    return [row(cache_dir, gene, p.label, genotypes.get(p.label, "0/0"))
            for p in definitions(cache_dir).genes[gene].positions]


def test_one_cyp2c19_record_is_no_confident_call(cache_dir: str, tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path / "one.vcf", [row(cache_dir, "CYP2C19", "rs3758581", "1/1")])
    call = called(cache_dir, vcf, "CYP2C19").call
    assert not call.certain and gene_input(call).uncertain  # type: ignore[union-attr]
    possible = {frozenset(p) for p in call.possible}
    assert frozenset({"*1"}) in possible and frozenset({"*2"}) in possible  # a poor metabolizer is possible
    assert "rs4244285" in (call.pending or "") or call.possible_truncated


def test_cyp3a5_without_rs776746_keeps_3_possible(cache_dir: str, tmp_path: Path) -> None:
    rows = [r for r in all_reference(cache_dir, "CYP3A5") if r[2] != "rs776746"]
    call = called(cache_dir, write_vcf(tmp_path / "c.vcf", rows), "CYP3A5").call
    assert [c.alleles for c in call.reported] == [("*1", "*1")]  # what PharmCAT reports...
    assert not call.certain  # ...but *3 was never tested
    assert {("*1", "*3"), ("*3", "*3")} <= set(call.possible)
    assert "rs776746" in (call.pending or "") and "*3" in call.untested


def test_a_complete_reference_genotype_is_certain(cache_dir: str, tmp_path: Path) -> None:
    call = called(cache_dir, write_vcf(tmp_path / "r.vcf", all_reference(cache_dir, "CYP3A5")), "CYP3A5").call
    assert call.certain and call.diplotype == ("*1", "*1")


def test_a_half_call_is_no_call_but_constrains(cache_dir: str, tmp_path: Path) -> None:
    rows = all_reference(cache_dir, "CYP2C19", rs3758581="1/1", rs12769205="0/1", rs4244285="./1")
    call = called(cache_dir, write_vcf(tmp_path / "h.vcf", rows), "CYP2C19").call
    assert call.status == "not_called" and call.half_calls and not call.certain
    assert call.possible and all("*2" in p or "*35" in p for p in call.possible)  # one chromosome carries A
    assert gene_input(call) is not None


def test_a_half_reference_call_counts_as_missing(cache_dir: str, tmp_path: Path) -> None:
    rows = all_reference(cache_dir, "CYP3A5", rs776746="0/.")
    call = called(cache_dir, write_vcf(tmp_path / "h.vcf", rows), "CYP3A5").call
    assert "half call" in " ".join(call.missing.values()) and not call.certain


def test_phase_sets_decide_cis_and_trans(cache_dir: str, tmp_path: Path) -> None:
    tpmt = definitions(cache_dir).genes["TPMT"]
    labels = {p.label for p in tpmt.positions}
    assert {"rs1142345", "rs1800460"} <= labels
    cis = all_reference(cache_dir, "TPMT", rs1142345="0|1:7", rs1800460="0|1:7")
    trans = all_reference(cache_dir, "TPMT", rs1142345="0|1:7", rs1800460="1|0:7")
    apart = all_reference(cache_dir, "TPMT", rs1142345="0|1:7", rs1800460="1|0:8")
    assert called(cache_dir, write_vcf(tmp_path / "c.vcf", cis), "TPMT").call.diplotype == ("*1", "*3A")
    assert called(cache_dir, write_vcf(tmp_path / "t.vcf", trans), "TPMT").call.diplotype == ("*3B", "*3C")
    unknown = called(cache_dir, write_vcf(tmp_path / "a.vcf", apart), "TPMT").call  # two phase sets: unknown
    assert {c.name for c in unknown.candidates} >= {"*1/*3A", "*3B/*3C"}


def test_conflicting_duplicate_records_leave_the_position_open(cache_dir: str, tmp_path: Path) -> None:
    rows = all_reference(cache_dir, "CYP2C19", rs3758581="1/1", rs12769205="1/1")
    rows.append(row(cache_dir, "CYP2C19", "rs4244285", "1/1"))  # rs4244285 is also in the list as 0/0
    rows.sort(key=lambda r: r[1])
    call = called(cache_dir, write_vcf(tmp_path / "d.vcf", rows), "CYP2C19").call
    label = [p.label for p in definitions(cache_dir).genes["CYP2C19"].positions]
    assert [label[i] for i in call.conflicts] == ["rs4244285"]
    assert "disagree" in next(iter(call.missing.values())) and not call.certain
    assert ("*2", "*2") in call.possible and len(call.possible) > 1  # *2 (rs4244285 A) or *35 (G)


def test_identical_duplicate_records_are_one(cache_dir: str, tmp_path: Path) -> None:
    rows = all_reference(cache_dir, "CYP3A5")
    rows.append(rows[0])
    rows.sort(key=lambda r: r[1])
    assert called(cache_dir, write_vcf(tmp_path / "d.vcf", rows), "CYP3A5").call.certain


def test_gvcf_reference_blocks_are_read_positions(cache_dir: str, tmp_path: Path) -> None:
    gene = definitions(cache_dir).genes["CYP3A5"]
    first, last = gene.positions[0], gene.positions[-1]
    block = (first.chrom, first.pos, ".", first.ref[0], "<NON_REF>", f"END={last.pos + 5}", "0/0")
    call = called(cache_dir, write_vcf(tmp_path / "g.vcf", [block]), "CYP3A5").call
    assert len(call.read) == len(gene.positions) and call.certain and call.diplotype == ("*1", "*1")
    variant = next(p for p in gene.positions if p.label == "rs776746")
    split = [(first.chrom, first.pos, ".", first.ref[0], "<NON_REF>", f"END={variant.pos - 1}", "0/0"),
             (variant.chrom, variant.pos, "rs776746", variant.ref, f"{variant.alts[0]},<NON_REF>", None, "1/1"),
             (first.chrom, variant.pos + 1, ".", "N", "<NON_REF>", f"END={last.pos}", "0/0")]
    call = called(cache_dir, write_vcf(tmp_path / "s.vcf", split), "CYP3A5").call
    assert call.certain and call.diplotype == ("*3", "*3")


def test_plain_gzip_is_read_like_the_plain_file(cache_dir: str, tmp_path: Path) -> None:
    plain = write_vcf(tmp_path / "p.vcf", all_reference(cache_dir, "CYP3A5", rs776746="0/1"))
    packed = tmp_path / "p.vcf.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert called(cache_dir, packed, "CYP3A5").call.diplotype == ("*1", "*3")
    bgzipped = tmp_path / "b.vcf.gz"
    pysam.tabix_compress(str(plain), str(bgzipped))
    assert called(cache_dir, bgzipped, "CYP3A5").call.diplotype == ("*1", "*3")
    broken = tmp_path / "x.vcf.gz"
    broken.write_bytes(gzip.compress(plain.read_bytes())[:60])
    with pytest.raises(InvalidInput, match="bgzip"):
        called(cache_dir, broken, "CYP3A5")


def test_a_record_is_read_only_for_the_variant_it_spells(cache_dir: str, tmp_path: Path) -> None:
    gene = definitions(cache_dir).genes["DPYD"]
    deletion = next(p for p in gene.positions if not p.snv and len(p.ref) > len(p.alts[0]))
    snv = (deletion.chrom, deletion.pos, ".", deletion.ref[0], "G" if deletion.ref[0] != "G" else "C", None, "0/1")
    rows = [r for r in all_reference(cache_dir, "DPYD") if r[1] != deletion.pos] + [snv]
    rows.sort(key=lambda r: r[1])
    call = called(cache_dir, write_vcf(tmp_path / "s.vcf", rows), "DPYD").call
    index = gene.positions.index(deletion)
    assert index in call.missing  # not read as the deletion
    assert call.diplotype == ("Reference", "Reference") and not call.certain  # the deletion stays untested


def test_an_indel_written_at_a_shifted_place_is_not_a_confident_call(cache_dir: str, tmp_path: Path) -> None:
    gene = definitions(cache_dir).genes["DPYD"]
    deletion = next(p for p in gene.positions if p.label == "rs72549309")  # GATGA>G, a 4-bp repeat
    rows = [r for r in all_reference(cache_dir, "DPYD") if r[1] != deletion.pos]
    rows.append((deletion.chrom, deletion.pos + 4, ".", "AATGA", "A", None, "0/1"))  # the same deletion, shifted
    rows.sort(key=lambda r: r[1])
    call = called(cache_dir, write_vcf(tmp_path / "s.vcf", rows), "DPYD").call
    assert gene.positions.index(deletion) in call.conflicts and not call.certain
    assert any("written differently" in reason for reason in call.missing.values())


def test_undocumented_variant_is_no_call_except_where_pharmcat_reads_reference(cache_dir: str,
                                                                              tmp_path: Path) -> None:
    cyp = all_reference(cache_dir, "CYP3A5")
    chrom, pos, ident, ref, alt, info, _ = cyp[0]
    cyp[0] = (chrom, pos, ident, ref, "A" if ref != "A" and alt != "A" else "T", info, "0/1")
    assert called(cache_dir, write_vcf(tmp_path / "c.vcf", cyp), "CYP3A5").call.status == "no_match"
    tpmt = all_reference(cache_dir, "TPMT")
    chrom, pos, ident, ref, alt, info, _ = tpmt[0]
    other = next(b for b in "ACGT" if b != ref and b not in alt.split(","))
    tpmt[0] = (chrom, pos, ident, ref, other, info, "0/1")
    call = called(cache_dir, write_vcf(tmp_path / "t.vcf", tpmt), "TPMT").call
    assert call.diplotype == ("*1", "*1") and any("read as the reference" in e for e in call.explanation)


def test_unsorted_and_sample_errors_are_clear(cache_dir: str, tmp_path: Path) -> None:
    cyp3a5 = all_reference(cache_dir, "CYP3A5")
    grouped = cyp3a5[::-1] + all_reference(cache_dir, "CYP2C19")[::-1]  # unsorted within genes: fine
    [(_, results)] = list(call_samples(definitions(cache_dir), write_vcf(tmp_path / "g.vcf", grouped)))
    assert next(r for r in results if r.definition.gene == "CYP3A5").call.certain
    rows = cyp3a5[:1] + all_reference(cache_dir, "CYP2C19") + cyp3a5[1:]  # a gene comes back after another
    with pytest.raises(InvalidInput, match="not sorted"):
        list(call_samples(definitions(cache_dir), write_vcf(tmp_path / "u.vcf", rows)))
    with pytest.raises(InvalidInput, match="no sample 'Z'"):
        list(call_samples(definitions(cache_dir), write_vcf(tmp_path / "o.vcf", all_reference(cache_dir, "CYP3A5")),
                          "Z"))
