"""Star-allele calling on the real graph (the session build holds PharmCAT's definitions): the graph
gives the same definitions as the files, PharmCAT's suite agrees through the graph, uncertain calls
reach the drug as needing a result, the CLI and HTTP never trace back, and the pinned pypgx tables
remain the fallback when PharmCAT is not loaded."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from pgxkg.calling.report import call_vcf, vcf_risk
from pgxkg.errors import InvalidInput
from pgxkg.graph.connection import Graph
from pgxkg.loaders.build import build
from pgxkg.reference import ReferenceData
from pgxkg.settings import Settings
from tests.api_server import running_api
from tests.pharmcat_data import SUITE, allele_synonyms, definitions, nam_cases
from tests.unit.test_calling_unit import same, write_vcf


def rows(reference: ReferenceData, gene: str, **genotypes: str) -> list[tuple]:
    """Every defining position of ``gene``, 0/0 unless given."""
    return [(p.chrom, p.pos, p.label, p.ref, ",".join(p.alts), None, genotypes.get(p.label, "0/0"))
            for p in reference.definitions.genes[gene].positions]


def gene_call(reference: ReferenceData, path: Path, gene: str) -> dict:
    calls, _ = call_vcf(reference, path)[0]
    return next(g for g in calls.genes if g.gene == gene).model_dump()


def drug(report, name: str):
    return next((d for d in report.risk.drugs if d.drug == name), None)


def test_the_graph_gives_pharmcat_definitions_as_the_files(reference: ReferenceData, tmp_path: Path) -> None:
    ours, files = reference.definitions, definitions(str(tmp_path / "cache"))
    for gene, expected in files.genes.items():
        got = ours.genes[gene]
        assert got.source.startswith("PharmCAT") and got.reference == expected.reference, gene
        assert [(p.pos, p.ref, p.alts) for p in got.positions] == [(p.pos, p.ref, p.alts) for p in expected.positions]
        assert {a.name: a.codes for a in got.alleles} == {a.name: a.codes for a in expected.alleles}, gene
    assert "CYP2D6" in ours.genes and not ours.genes["CYP2D6"].callable  # an outside call, as in PharmCAT


def test_pharmcat_suite_agrees_through_the_graph(reference: ReferenceData, tmp_path: Path) -> None:
    synonyms = allele_synonyms(str(tmp_path / "cache"))
    agree = 0
    for case in nam_cases():
        gene = gene_call(reference, SUITE / case["vcf"], case["gene"])
        if case["expected_mode"] == "all":
            ours = [tuple(c["diplotype"].split("/")) for c in gene["candidates"]] \
                if gene["status"] in ("called", "ambiguous") else []
        elif gene["status"] == "variants":
            ours = [tuple(gene["variants_found"])]
        else:
            ours = [tuple(d.split("/")) for d in gene["diplotypes"]] if gene["status"] in ("called", "ambiguous") \
                else []
        agree += same(ours, case["expected"], case["gene"], synonyms)
    assert agree / len(nam_cases()) >= 0.95


def test_one_cyp2c19_record_makes_clopidogrel_need_a_result(reference: ReferenceData, tmp_path: Path) -> None:
    one = [r for r in rows(reference, "CYP2C19", rs3758581="1/1") if r[2] == "rs3758581"]
    [report] = vcf_risk(reference, write_vcf(tmp_path / "one.vcf", one))
    cyp = next(g for g in report.calls.genes if g.gene == "CYP2C19")
    assert not cyp.certain and cyp.passed_to_risk and cyp.diplotype != "*1/*1"
    clopidogrel = drug(report, "clopidogrel")
    assert clopidogrel is not None and clopidogrel.category == "needs_result"
    assert "CYP2C19" in clopidogrel.needs_results_for and "would settle it" in (clopidogrel.uncertainty or "")
    assert "standard if" in clopidogrel.uncertainty and "alternative if" in clopidogrel.uncertainty
    assert next(g for g in report.risk.genotype if g.gene == "CYP2C19").kind == "uncertain"


def test_cyp3a5_without_rs776746_gives_no_tacrolimus_dose_change(reference: ReferenceData, tmp_path: Path) -> None:
    without = [r for r in rows(reference, "CYP3A5") if r[2] != "rs776746"]
    [report] = vcf_risk(reference, write_vcf(tmp_path / "c.vcf", without))
    tacrolimus = drug(report, "tacrolimus")
    assert tacrolimus is not None and tacrolimus.category == "needs_result"
    assert "rs776746" in (tacrolimus.uncertainty or "")
    # With rs776746 read as *1/*1 (an expresser), CPIC's increased starting dose is the answer.
    [known] = vcf_risk(reference, write_vcf(tmp_path / "k.vcf", rows(reference, "CYP3A5")))
    assert next(g for g in known.calls.genes if g.gene == "CYP3A5").certain
    assert drug(known, "tacrolimus").category == "adjust_dose"


def test_a_tie_reaches_the_drug_as_needing_a_result(reference: ReferenceData) -> None:
    case = next(c for c in nam_cases() if c["id"] == "nam-159")  # *4/*4 | *4/*17 | *17/*17
    [report] = vcf_risk(reference, SUITE / case["vcf"])
    cyp = next(g for g in report.calls.genes if g.gene == "CYP2C19")
    assert cyp.status == "ambiguous" and len(cyp.diplotypes) == 3 and cyp.quality.tie
    clopidogrel = drug(report, "clopidogrel")
    assert clopidogrel.category == "needs_result" and "rs28399504" in clopidogrel.uncertainty


def test_a_certain_poor_metabolizer_avoids_clopidogrel(reference: ReferenceData, tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path / "pm.vcf", rows(reference, "CYP2C19", rs3758581="1/1", rs12769205="1/1",
                                              rs4244285="1/1"))
    [report] = vcf_risk(reference, vcf)
    cyp = next(g for g in report.calls.genes if g.gene == "CYP2C19")
    assert cyp.certain and cyp.diplotype == "*2/*2" and "PharmCAT" in cyp.definitions
    resolved = next(g for g in report.risk.genotype if g.gene == "CYP2C19")
    assert resolved.phenotype == "Poor Metabolizer"
    assert drug(report, "clopidogrel").category in {"avoid", "alternative"}


def test_same_verdict_for_every_possibility_is_kept_with_a_note(reference: ReferenceData, tmp_path: Path) -> None:
    # rs12248560 missing, the rest reference: *1/*1, *1/*17 or *17/*17; clopidogrel is standard for all.
    kept = [r for r in rows(reference, "CYP2C19", rs3758581="1/1") if r[2] != "rs12248560"]
    vcf = write_vcf(tmp_path / "n.vcf", kept)
    [report] = vcf_risk(reference, vcf)
    clopidogrel = drug(report, "clopidogrel")
    # Either every possibility gives the same verdict (kept, with the note) or they differ (needs the result):
    # never a bare confident answer.
    if clopidogrel.category == "needs_result":
        assert "rs12248560" in clopidogrel.uncertainty and "if CYP2C19" in clopidogrel.uncertainty
    else:
        assert "the same for every possible CYP2C19" in clopidogrel.uncertainty


def test_grch37_and_mixed_contigs_are_refused(reference: ReferenceData, tmp_path: Path) -> None:
    cyp = rows(reference, "CYP2C19", rs3758581="1/1")
    with pytest.raises(InvalidInput, match="GRCh37"):
        call_vcf(reference, write_vcf(tmp_path / "h.vcf", cyp, header=("##reference=file:///ref/hs37d5.fa",)))
    grch37 = [("10", 96521657, "rs12248560", "C", "T", None, "0/1"),
              ("10", 96535124, "rs12769205", "A", "G", None, "0/1"),
              ("10", 96541616, "rs4244285", "G", "A", None, "0/1"),
              ("10", 96602623, "rs3758581", "G", "A", None, "0/0")]
    with pytest.raises(InvalidInput, match="GRCh37 positions"):
        call_vcf(reference, write_vcf(tmp_path / "p.vcf", grch37))
    mixed = [cyp[0], ("6", 18130687, "rs1142345", "T", "C", None, "0/1")]
    with pytest.raises(InvalidInput, match="mixes contig names"):
        call_vcf(reference, write_vcf(tmp_path / "m.vcf", mixed))
    with pytest.raises(InvalidInput, match="not a readable VCF"):
        (tmp_path / "bad.vcf").write_text("hello\n")
        call_vcf(reference, tmp_path / "bad.vcf")


def test_cli_reads_plain_gzip_and_never_traces_back(reference: ReferenceData, tmp_path: Path) -> None:
    plain = write_vcf(tmp_path / "s.vcf", rows(reference, "CYP2C19", rs3758581="1/1", rs12769205="1/1",
                                               rs4244285="1/1"), samples=("A",))
    packed = tmp_path / "s.vcf.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    run = subprocess.run([sys.executable, "-m", "pgxkg.cli", "call", str(packed)], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    [sample] = json.loads(run.stdout)
    assert next(g for g in sample["genes"] if g["gene"] == "CYP2C19")["diplotype"] == "*2/*2"
    tsv = subprocess.run([sys.executable, "-m", "pgxkg.cli", "call", str(packed), "--format", "tsv"],
                         capture_output=True, text=True, timeout=300)
    header, *lines = [line.split("\t") for line in tsv.stdout.splitlines()]
    assert header[:5] == ["sample", "gene", "status", "diplotype", "certain"]
    assert ["A", "CYP2C19", "called", "*2/*2", "yes"] in [line[:5] for line in lines]
    broken = tmp_path / "broken.vcf.gz"
    broken.write_bytes(packed.read_bytes()[:40])
    refused = subprocess.run([sys.executable, "-m", "pgxkg.cli", "call", str(broken)], capture_output=True,
                             text=True, timeout=300)
    assert refused.returncode == 1 and "bgzip" in refused.stderr and "Traceback" not in refused.stderr


def test_http_vcf_upload_plain_gzip_and_bad_input(reference: ReferenceData, tmp_path: Path) -> None:
    plain = write_vcf(tmp_path / "u.vcf", [r for r in rows(reference, "CYP3A5") if r[2] != "rs776746"])
    packed = gzip.compress(plain.read_bytes())
    with running_api() as base, httpx.Client(base_url=base, timeout=120) as http:
        response = http.post("/risk/vcf", files={"vcf": ("u.vcf.gz", packed)})
        assert response.status_code == 200, response.text
        [report] = response.json()
        tacrolimus = next(d for d in report["risk"]["drugs"] if d["drug"] == "tacrolimus")
        assert tacrolimus["category"] == "needs_result" and "rs776746" in tacrolimus["uncertainty"]
        bad = http.post("/risk/vcf", files={"vcf": ("x.vcf.gz", packed[:30])})
        assert bad.status_code == 422 and "bgzip" in bad.json()["detail"]


def test_pinned_tables_are_the_fallback_without_pharmcat(empty_graph: Graph, settings: Settings,
                                                         tmp_path: Path) -> None:
    build(empty_graph, settings, ["cpic-tables"], pinned_only=True)  # PharmCAT left out
    fallback = ReferenceData(empty_graph)
    cyp = fallback.definitions.genes["CYP2C19"]
    assert cyp.source.startswith("pypgx") and cyp.reference == "*38"
    vcf = write_vcf(tmp_path / "f.vcf", rows(fallback, "CYP2C19", rs3758581="1/1", rs12769205="1/1",
                                             rs4244285="1/1"))
    gene = gene_call(fallback, vcf, "CYP2C19")
    assert gene["diplotype"] == "*2/*2" and gene["definitions"].startswith("pypgx")
