"""Star-allele calling from VCFs on the real graph: clinical cases, PharmCAT's samples, CLI and HTTP.

The matcher on hand-made definitions is in tests/unit/test_matcher.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pysam
import pytest

from pgxkg.calling.definitions import definitions
from pgxkg.calling.matcher import Observation, match
from pgxkg.calling.normalize import REF
from pgxkg.calling.report import call_vcf, gene_input, vcf_risk
from pgxkg.errors import InvalidInput
from pgxkg.graph.connection import Graph
from tests.api_server import running_api
from tests.paths import SHARED_DATA
from tests.readme import readme_says

PHARMCAT = SHARED_DATA / "pharmcat-examples"
GRCH38_CONTIGS = {"chr6": 170805979, "chr10": 133797422}

# GRCh38 positions of the variants the clinical cases use (rsID: chrom, pos, ref, alt).
CYP2C19 = {"rs12248560": ("chr10", 94761900, "C", "T"), "rs12769205": ("chr10", 94775367, "A", "G"),
           "rs4244285": ("chr10", 94781859, "G", "A"), "rs3758581": ("chr10", 94842866, "A", "G")}
TPMT = {"rs1142345": ("chr6", 18130687, "T", "C"), "rs1800460": ("chr6", 18138997, "C", "T")}


def write_vcf(path: Path, samples: list[str], rows: list[tuple], *, header: list[str] | None = None,
              contigs: dict[str, int] | None = None, bgzip: bool = False) -> Path:
    """A VCF 4.2 with a GT (and PS when given as 'GT:PS') column per sample."""
    lines = ["##fileformat=VCFv4.2"]
    lines += header or []
    for name, length in (GRCH38_CONTIGS if contigs is None else contigs).items():
        lines.append(f"##contig=<ID={name},length={length}>")
    lines += ['##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
              '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">',
              "#" + "\t".join(["CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples])]
    for chrom, pos, ident, ref, alt, genotypes in sorted(rows, key=lambda r: (r[0], r[1])):
        fmt = "GT:PS" if any(":" in g for g in genotypes) else "GT"
        lines.append("\t".join([chrom, str(pos), ident, ref, alt, ".", "PASS", ".", fmt, *genotypes]))
    text = "\n".join(lines) + "\n"
    if not bgzip:
        path.write_text(text)
        return path
    plain = path.with_suffix("")
    plain.write_text(text)
    pysam.tabix_compress(str(plain), str(path), force=True)
    plain.unlink()
    return path


def rows_for(variants: dict[str, tuple], genotypes: dict[str, list[str]]) -> list[tuple]:
    """One row per variant; a sample's genotype defaults to 0/0."""
    count = len(next(iter(genotypes.values())))
    return [(c, p, rs, r, a, genotypes.get(rs, ["0/0"] * count)) for rs, (c, p, r, a) in variants.items()]


# --- clinical cases on the real graph -------------------------------------------------------------


def call_one(graph: Graph, path: Path, gene: str, sample: str | None = None) -> dict:
    calls, _ = call_vcf(graph, path, sample)[0]
    return next(g for g in calls.genes if g.gene == gene).model_dump()


@pytest.mark.parametrize(("genotypes", "expected"), [
    ({"rs12248560": "0/1", "rs12769205": "0/1", "rs4244285": "0/1", "rs3758581": "1/1"}, "*2/*17"),
    ({"rs12769205": "1/1", "rs4244285": "1/1", "rs3758581": "1/1"}, "*2/*2"),
    ({"rs3758581": "1/1"}, "*1/*1"),
    ({}, "*38/*38"),  # GRCh38 itself carries CYP2C19*38
])
def test_cyp2c19_clear_cases(loaded_graph: Graph, tmp_path: Path, genotypes: dict, expected: str) -> None:
    path = write_vcf(tmp_path / "s.vcf", ["S"], rows_for(CYP2C19, {k: [v] for k, v in genotypes.items()}
                                                         or {"rs3758581": ["0/0"]}))
    gene = call_one(loaded_graph, path, "CYP2C19")
    assert gene["status"] == "called" and gene["diplotype"] == expected
    assert {p["variant"] for p in gene["positions_read"]} == set(CYP2C19)
    assert "rs4986893" in {p["variant"] for p in gene["positions_missing"]}  # *3's position is not in the file
    assert any("*3" in line and "could not be tested" in line for line in gene["explanation"])


def test_cyp2c19_call_feeds_the_risk_query(loaded_graph: Graph, tmp_path: Path) -> None:
    genotypes = {"rs12248560": ["0/1"], "rs12769205": ["0/1"], "rs4244285": ["0/1"], "rs3758581": ["1/1"]}
    path = write_vcf(tmp_path / "s.vcf", ["S"], rows_for(CYP2C19, genotypes))
    [report] = vcf_risk(loaded_graph, path)
    resolved = next(g for g in report.risk.genotype if g.gene == "CYP2C19")
    assert resolved.diplotype == "CYP2C19*2/*17" and resolved.phenotype == "Intermediate Metabolizer"
    clopidogrel = next(d for d in report.risk.drugs if d.drug == "clopidogrel")
    assert clopidogrel.category not in {"standard", "no_recommendation"}


def test_missing_cyp2c19_position_is_reported_and_makes_the_call_ambiguous(loaded_graph: Graph,
                                                                          tmp_path: Path) -> None:
    variants = {k: v for k, v in CYP2C19.items() if k != "rs4244285"}
    genotypes = {"rs12248560": ["0/1"], "rs12769205": ["0/1"], "rs3758581": ["1/1"]}
    gene = call_one(loaded_graph, write_vcf(tmp_path / "s.vcf", ["S"], rows_for(variants, genotypes)), "CYP2C19")
    assert gene["status"] == "ambiguous" and gene["diplotype"] is None and gene["passed_to_risk"] is False
    best = {c["diplotype"] for c in gene["candidates"] if c["score"] == gene["candidates"][0]["score"]}
    assert best == {"*2/*17", "*17/*35"}  # *35 is *2 without rs4244285
    assert "rs4244285" in {p["variant"] for p in gene["positions_missing"]}
    assert any("rs4244285" in line and "tell them apart" in line for line in gene["explanation"])


def test_tpmt_3a_versus_3b_3c(loaded_graph: Graph, tmp_path: Path) -> None:
    unphased = call_one(loaded_graph, write_vcf(tmp_path / "u.vcf", ["S"], rows_for(
        TPMT, {"rs1142345": ["0/1"], "rs1800460": ["0/1"]})), "TPMT")
    assert unphased["diplotype"] == "*1/*3A"
    assert [c["diplotype"] for c in unphased["candidates"]] == ["*1/*3A", "*3B/*3C"]
    trans = call_one(loaded_graph, write_vcf(tmp_path / "t.vcf", ["S"], rows_for(
        TPMT, {"rs1142345": ["0|1:5"], "rs1800460": ["1|0:5"]})), "TPMT")
    assert trans["diplotype"] == "*3B/*3C" and [c["diplotype"] for c in trans["candidates"]] == ["*3B/*3C"]
    assert {p["genotype"] for p in trans["positions_read"]} == {"T|C"}
    cis = call_one(loaded_graph, write_vcf(tmp_path / "c.vcf", ["S"], rows_for(
        TPMT, {"rs1142345": ["0|1:5"], "rs1800460": ["0|1:5"]})), "TPMT")
    assert cis["diplotype"] == "*1/*3A" and len(cis["candidates"]) == 1


def test_bgzipped_multi_sample_file(loaded_graph: Graph, tmp_path: Path) -> None:
    genotypes = {"rs12248560": ["0/0", "0/0", "0/1"], "rs12769205": ["0/0", "1/1", "0/1"],
                 "rs4244285": ["0/0", "1/1", "0/1"], "rs3758581": ["1/1", "1/1", "1/1"]}
    path = write_vcf(tmp_path / "many.vcf.gz", ["A", "B", "C"], rows_for(CYP2C19, genotypes), bgzip=True)
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    calls = {c.sample: next(g for g in c.genes if g.gene == "CYP2C19").diplotype
             for c, _ in call_vcf(loaded_graph, path)}
    assert calls == {"A": "*1/*1", "B": "*2/*2", "C": "*2/*17"}
    [(only, items)] = call_vcf(loaded_graph, path, "B")
    assert only.sample == "B" and [i.value for i in items if i.gene == "CYP2C19"] == ["*2/*2"]
    with pytest.raises(InvalidInput, match="no sample 'D'"):
        call_vcf(loaded_graph, path, "D")


def test_grch37_and_mixed_contigs_are_refused(loaded_graph: Graph, tmp_path: Path) -> None:
    rows = rows_for(CYP2C19, {"rs3758581": ["1/1"]})
    by_header = write_vcf(tmp_path / "h.vcf", ["S"], rows, header=["##reference=file:///ref/hs37d5.fa"])
    with pytest.raises(InvalidInput, match="GRCh37"):
        call_vcf(loaded_graph, by_header)
    by_length = write_vcf(tmp_path / "l.vcf", ["S"], rows, contigs={"chr10": 135534747})
    with pytest.raises(InvalidInput, match="GRCh37 length"):
        call_vcf(loaded_graph, by_length)
    # No header hint at all: the records sit where our variants are on GRCh37.
    grch37 = [("10", 96521657, "rs12248560", "C", "T", ["0/1"]), ("10", 96535124, "rs12769205", "A", "G", ["0/1"]),
              ("10", 96541616, "rs4244285", "G", "A", ["0/1"]), ("10", 96602623, "rs3758581", "G", "A", ["0/0"])]
    with pytest.raises(InvalidInput, match="GRCh37 positions"):
        call_vcf(loaded_graph, write_vcf(tmp_path / "p.vcf", ["S"], grch37, contigs={}))
    mixed = [("chr10", 94842866, "rs3758581", "A", "G", ["1/1"]), ("6", 18130687, "rs1142345", "T", "C", ["0/1"])]
    with pytest.raises(InvalidInput, match="mixes contig names"):
        call_vcf(loaded_graph, write_vcf(tmp_path / "m.vcf", ["S"], mixed, contigs={}))
    # `1`-style names alone are fine.
    plain = [("10", 94842866, "rs3758581", "A", "G", ["1/1"])]
    calls, _ = call_vcf(loaded_graph, write_vcf(tmp_path / "n.vcf", ["S"], plain, contigs={}))[0]
    assert next(g for g in calls.genes if g.gene == "CYP2C19").diplotype == "*1/*1"
    with pytest.raises(InvalidInput, match="not a readable VCF"):
        (tmp_path / "bad.vcf").write_text("hello\n")
        call_vcf(loaded_graph, tmp_path / "bad.vcf")


def test_genes_a_vcf_cannot_type_are_said_so(loaded_graph: Graph, tmp_path: Path) -> None:
    calls, items = call_vcf(loaded_graph, write_vcf(tmp_path / "s.vcf", ["S"], rows_for(
        CYP2C19, {"rs3758581": ["1/1"]})))[0]
    assert "CYP2D6" in calls.genes_not_callable and "outside call" in calls.genes_not_callable["CYP2D6"]
    assert "TPMT" in calls.genes_not_in_vcf  # no TPMT position in the file: no *1/*1 made up
    assert [i.gene for i in items] == ["CYP2C19"]


# --- PharmCAT's published samples ------------------------------------------------------------------

REQUIRED = ["CYP2C19", "CYP2C9", "CYP2B6", "CYP3A5", "TPMT", "NUDT15", "UGT1A1", "SLCO1B1", "DPYD"]
# Where our answer differs, why (checked below to still differ, so this table cannot go stale).
NAMING = {
    "ABCG2": "PharmCAT names the reference 'rs2231142 reference (G)'; the pypgx tables call it 'Reference'",
    "IFNL3": "PharmCAT names the reference 'rs12979860 reference (C)'; the pypgx tables call it 'Reference'",
    "VKORC1": "PharmCAT names the reference 'rs9923231 reference (C)'; the pypgx tables call it 'Reference'",
    "CFTR": "PharmCAT names the reference 'ivacaftor non-responsive CFTR sequence'; pypgx calls it 'Reference'",
    "NAT2": "pypgx names the GRCh38 sequence NAT2*12 (its GRCh38Default; RefAllele *4); PharmCAT names the "
            "reference *1 (its own NAT2 table)",
}


def pharmcat_samples() -> list[tuple[Path, dict]]:
    if not PHARMCAT.is_dir():
        pytest.skip(f"PharmCAT examples not present at {PHARMCAT}")
    return [(PHARMCAT / f"{stem}.vcf", json.loads((PHARMCAT / f"{stem}.calls.json").read_text()))
            for stem in ("pharmcat.example", "pharmcat.example2")]


def test_calls_equal_pharmcat_on_its_published_samples(loaded_graph: Graph) -> None:
    for vcf, expected in pharmcat_samples():
        calls, _ = call_vcf(loaded_graph, vcf)[0]
        ours = {g.gene: g for g in calls.genes}
        for gene in REQUIRED:
            assert ours[gene].status == "called", (vcf.name, gene, ours[gene].explanation)
            assert [ours[gene].diplotype] == expected[gene], (vcf.name, gene)
        for gene, theirs in expected.items():
            if gene in REQUIRED or gene not in ours:
                continue
            if gene in NAMING:
                assert [ours[gene].diplotype] != theirs, f"{gene} now agrees: drop it from NAMING"
            else:
                assert [ours[gene].diplotype] == theirs, (vcf.name, gene)
    assert calls.sample == "Sample_2"


def test_pharmcat_sample_positions_read_and_missing(loaded_graph: Graph) -> None:
    vcf, _ = pharmcat_samples()[1]
    calls, _ = call_vcf(loaded_graph, vcf)[0]
    ours = {g.gene: g for g in calls.genes}
    cyp2c19 = ours["CYP2C19"]
    assert {p.variant: p.genotype for p in cyp2c19.positions_read}["rs4244285"] == "A/A"
    assert cyp2c19.positions_missing == []
    # CYP2C9's 10-bp deletion sits 5 bp apart in the two tables (a repeat, no left-alignment here): it is
    # reported missing rather than guessed.
    assert [p.variant for p in ours["CYP2C9"].positions_missing] == ["rs1304490498"]
    assert ours["CYP2B6"].candidates[0].diplotype == "*1/*6"
    assert "*4/*9" in [c.diplotype for c in ours["CYP2B6"].candidates]


# --- CLI and HTTP ------------------------------------------------------------------------------------


def test_cli_call_json_and_tsv(loaded_graph: Graph, tmp_path: Path) -> None:
    path = write_vcf(tmp_path / "s.vcf.gz", ["A", "B"], rows_for(CYP2C19, {
        "rs12769205": ["1/1", "0/0"], "rs4244285": ["1/1", "0/0"], "rs3758581": ["1/1", "1/1"]}), bgzip=True)
    run = subprocess.run([sys.executable, "-m", "pgxkg.cli", "call", str(path), "--sample", "A"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    [sample] = json.loads(run.stdout)
    assert sample["sample"] == "A"
    assert next(g for g in sample["genes"] if g["gene"] == "CYP2C19")["diplotype"] == "*2/*2"
    tsv = subprocess.run([sys.executable, "-m", "pgxkg.cli", "call", str(path), "--format", "tsv"],
                         capture_output=True, text=True, timeout=300)
    assert tsv.returncode == 0, tsv.stderr
    rows = [line.split("\t") for line in tsv.stdout.splitlines()]
    assert rows[0][:4] == ["sample", "gene", "status", "diplotype"]
    assert {(r[0], r[3]) for r in rows[1:] if r[1] == "CYP2C19"} == {("A", "*2/*2"), ("B", "*1/*1")}
    refused = subprocess.run([sys.executable, "-m", "pgxkg.cli", "call", str(path), "--sample", "Z"],
                             capture_output=True, text=True, timeout=300)
    assert refused.returncode == 1 and "no sample 'Z'" in refused.stderr and "Traceback" not in refused.stderr
    risk = subprocess.run([sys.executable, "-m", "pgxkg.cli", "risk", "--vcf", str(path), "--sample", "A",
                           "-g", "CYP2D6 *4/*4"], capture_output=True, text=True, timeout=300)
    assert risk.returncode == 0, risk.stderr
    [report] = json.loads(risk.stdout)
    phenotypes = {g["gene"]: g.get("phenotype") for g in report["risk"]["genotype"]}
    assert phenotypes["CYP2C19"] == "Poor Metabolizer" and phenotypes["CYP2D6"] == "Poor Metabolizer"


def test_http_vcf_upload(loaded_graph: Graph, tmp_path: Path) -> None:
    path = write_vcf(tmp_path / "up.vcf.gz", ["A", "B"], rows_for(CYP2C19, {
        "rs12769205": ["1/1", "0/1"], "rs4244285": ["1/1", "0/1"], "rs12248560": ["0/0", "0/1"],
        "rs3758581": ["1/1", "1/1"]}), bgzip=True)
    with running_api() as base, httpx.Client(base_url=base, timeout=120) as http:
        response = http.post("/risk/vcf", files={"vcf": (path.name, path.read_bytes())})
        assert response.status_code == 200, response.text
        reports = {r["sample"]: r for r in response.json()}
        assert set(reports) == {"A", "B"}
        b = reports["B"]
        assert next(g for g in b["calls"]["genes"] if g["gene"] == "CYP2C19")["diplotype"] == "*2/*17"
        assert next(g for g in b["risk"]["genotype"] if g["gene"] == "CYP2C19")["phenotype"] == \
            "Intermediate Metabolizer"
        one = http.post("/risk/vcf", files={"vcf": (path.name, path.read_bytes())},
                        data={"sample": "A", "outside_calls": "CYP2D6\t*1/*1"}).json()
        assert [r["sample"] for r in one] == ["A"]
        assert {g["gene"] for g in one[0]["risk"]["genotype"]} >= {"CYP2C19", "CYP2D6"}
        # The same report as the risk query given the called diplotype directly.
        direct = http.post("/risk", json={"CYP2C19": "*2/*2", "CYP2D6": "*1/*1"}).json()
        assert {d["drug"]: d["category"] for d in one[0]["risk"]["drugs"]} == \
            {d["drug"]: d["category"] for d in direct["drugs"]}
        bad = http.post("/risk/vcf", files={"vcf": ("x.vcf", b"not a vcf")})
        assert bad.status_code == 422 and "not a readable VCF" in bad.json()["detail"]


def test_definitions_cover_the_genes_and_positions_the_readme_quotes(loaded_graph: Graph) -> None:
    defs = definitions(loaded_graph)
    genes = defs.callable_genes
    sites = sum(len(defs.genes[gene].sites) for gene in genes)
    assert "CYP2D6" not in genes and {"CYP2C19", "TPMT", "DPYD"} <= set(genes)
    readme_says(f"({len(genes)} genes, {sites:,} defining positions)")


def test_gene_input_is_what_the_risk_query_reads(loaded_graph: Graph) -> None:
    defs = definitions(loaded_graph)
    call = match(defs.genes["TPMT"], {k: Observation((REF, REF), False, None) for k in defs.genes["TPMT"].sites})
    item = gene_input(call)
    assert item is not None and (item.kind, item.gene, item.alleles) == ("diplotype", "TPMT", ("*1", "*1"))
