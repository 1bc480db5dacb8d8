"""Time star-allele calling: a ~1,200-position pharmacogene VCF, one sample and 100 samples.

The VCFs are generated from our own allele definitions (read from the configured Neo4j,
by default the local dev server with the full graph) into a temp dir: every defining
position of every callable gene, one record per known alt (split multi-allelic sites,
as `bcftools norm -m-` writes them), padded with off-target records to 1,200, and a
random diplotype per gene and sample. Prints wall times and writes bench/results/call.json.

    .venv/bin/python bench/bench_call.py [--samples 100] [--repeat 3] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pysam

from pgxkg.calling import definitions as definitions_module
from pgxkg.calling.definitions import Definitions
from pgxkg.calling.normalize import REF
from pgxkg.calling.report import call_vcf, vcf_risk
from pgxkg.graph.connection import Graph
from pgxkg.reference import ReferenceData

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "call.json"
POSITIONS = 1200


def _records(defs: Definitions) -> list[tuple]:
    """(chrom, pos, id, ref, alt, gene, site key, token) for every known alt of every defining site."""
    rows = []
    for name in defs.callable_genes:
        for site in defs.genes[name].sites.values():
            for value in sorted(site.alleles):
                pos, change = value.split(":", 1)
                ref, alt = change.split(">", 1)
                rows.append((site.chrom, int(pos), site.label, ref, alt, name, site.key, value))
    return rows


def generate(defs: Definitions, samples: int, path: Path, rng: random.Random) -> dict:
    """Write a bgzipped VCF; return the diplotype each sample was given, per gene."""
    rows = _records(defs)
    truth: list[dict[str, tuple[str, str]]] = []
    for _ in range(samples):
        chosen = {}
        for name in defs.callable_genes:
            gene = defs.genes[name]
            pool = [gene.reference, *gene.alleles]
            chosen[name] = (rng.choice(pool), rng.choice(pool))
        truth.append(chosen)

    def carried(sample: dict, gene: str, allele: str, key: str) -> str:
        return REF if allele == defs.genes[gene].reference else defs.genes[gene].alleles[allele].get(key, REF)

    header = ["##fileformat=VCFv4.2", "##reference=GRCh38",
              *(f"##contig=<ID={c}>" for c in sorted({r[0] for r in rows})),
              '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
              "#" + "\t".join(["CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT",
                               *(f"S{i:03d}" for i in range(samples))])]
    lines = []
    for chrom, pos, label, ref, alt, gene, key, value in rows:
        gts = []
        for sample in truth:
            a, b = sample[gene]
            gts.append("/".join("1" if carried(sample, gene, allele, key) == value else "0" for allele in (a, b)))
        lines.append((chrom, pos, "\t".join([chrom, str(pos), label, ref, alt, ".", "PASS", ".", "GT", *gts])))
    filler_sites = [(r[0], r[1]) for r in rows]
    index = 0
    while len(lines) < POSITIONS:  # off-target records near the genes, all reference
        chrom, pos = filler_sites[index % len(filler_sites)]
        index += 1
        pos += 5000 + index
        lines.append((chrom, pos, "\t".join([chrom, str(pos), ".", "A", "G", ".", "PASS", ".", "GT",
                                             *(["0/0"] * samples)])))
    order = {c: i for i, c in enumerate(sorted({c for c, _, _ in lines}, key=lambda c: (len(c), c)))}
    lines.sort(key=lambda item: (order[item[0]], item[1]))
    plain = path.with_suffix("")
    plain.write_text("\n".join(header + [text for _, _, text in lines]) + "\n")
    pysam.tabix_compress(str(plain), str(path), force=True)
    plain.unlink()
    return {"records": len(lines), "truth": truth}


def timed(action, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def cli(*args: str) -> None:
    run = subprocess.run([sys.executable, "-m", "pgxkg.cli", *args], capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"pgxkg {' '.join(args)} failed: {run.stderr}")


def recovered(reference: ReferenceData, path: Path, truth: list[dict]) -> dict:
    """How often the generated diplotype is among the best-scoring candidates (a sanity figure)."""
    hits = total = called = 0
    for (calls, _), given in zip(call_vcf(reference, path), truth, strict=True):
        for gene in calls.genes:
            best = {c.diplotype for c in gene.candidates if c.score == gene.candidates[0].score} \
                if gene.candidates else set()
            a, b = given[gene.gene]
            total += 1
            called += gene.status == "called"
            hits += any(set(d.split("/")) == {a, b} or d in {f"{a}/{b}", f"{b}/{a}"} for d in best)
    return {"gene_calls": total, "truth_among_best": hits, "called": called}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    results: dict = {"machine": {"python": platform.python_version(), "platform": platform.platform()}}
    with Graph.connect() as graph, tempfile.TemporaryDirectory(prefix="pgxkg-bench-call-") as folder:
        start = time.perf_counter()
        defs = definitions_module.load(graph)
        results["definitions_load_s"] = round(time.perf_counter() - start, 3)
        one, many = Path(folder) / "one.vcf.gz", Path(folder) / "many.vcf.gz"
        made_one = generate(defs, 1, one, rng)
        made_many = generate(defs, args.samples, many, rng)
        results["vcf"] = {"records": made_one["records"], "genes": len(defs.callable_genes),
                          "defining_sites": sum(len(defs.genes[g].sites) for g in defs.callable_genes),
                          "samples_many": args.samples}

        cold = timed(lambda: call_vcf(ReferenceData(graph), one), 1)[0]
        reference = ReferenceData(graph)
        warm = timed(lambda: [c.model_dump_json() for c, _ in call_vcf(reference, one)], args.repeat)
        many_warm = timed(lambda: [c.model_dump_json() for c, _ in call_vcf(reference, many)], args.repeat)
        risk_one = timed(lambda: [r.model_dump_json() for r in vcf_risk(reference, one)], args.repeat)
        results["in_process_s"] = {
            "one_sample_cold_definitions": round(cold, 3), "one_sample": round(min(warm), 3),
            f"{args.samples}_samples": round(min(many_warm), 3), "one_sample_call_and_risk": round(min(risk_one), 3),
        }
        results["end_to_end_cli_s"] = {
            "call_one_sample": round(min(timed(lambda: cli("call", str(one)), args.repeat)), 3),
            f"call_{args.samples}_samples": round(min(timed(lambda: cli("call", str(many)), args.repeat)), 3),
            "risk_vcf_one_sample": round(min(timed(lambda: cli("risk", "--vcf", str(one)), args.repeat)), 3),
        }
        results["sanity"] = recovered(reference, many, made_many["truth"])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
