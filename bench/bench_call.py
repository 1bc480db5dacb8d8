"""Time star-allele calling on a 1000-Genomes-sized cohort: 2,504 samples, every defining position.

The VCF is generated from PharmCAT's allele definitions (../shared/data, read through the PharmCAT
adapter into calling definitions, as the graph holds them): one record per defining position of
every callable gene, and for each sample and gene a random diplotype of two defined alleles
(unphased). The file is bgzipped. Each run is a fresh process (``--worker``) so its peak RSS is its
own; calling streams the file gene by gene and writes one TSV row per sample and gene.

    .venv/bin/python -m bench.bench_call [--samples 2504] [--seed 7]

Prints samples/s, wall time, peak RSS at a tenth and at the full cohort (memory should stay
flat), the share of calls equal to the generated diplotype, and the ratio to PharmCAT's
~3.6 s per sample; writes bench/results/call.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pysam

from pgxkg.calling.definitions import Definitions
from pgxkg.calling.report import call_samples, tsv_rows

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "call.json"
PHARMCAT_SECONDS_PER_SAMPLE = 3.6  # PharmCAT's own per-sample run on this machine, JVM start included


def load_definitions(cache: Path) -> Definitions:
    sys.path.insert(0, str(ROOT))
    from tests.pharmcat_data import definitions

    return definitions(str(cache))


def generate(defs: Definitions, samples: int, path: Path, rng: random.Random) -> Path:
    """A bgzipped VCF; the true diplotypes go to ``path``.truth.tsv. Written row by row."""
    genes = [defs.genes[g] for g in defs.callable_genes]
    truth_rows = []
    # per sample and gene: the two alleles chosen
    chosen = []
    for _ in range(samples):
        picks = {}
        for gene in genes:
            pool = [a for a in gene.alleles if not gene.not_callable.get(a.name)]
            picks[gene.gene] = (rng.choice(pool), rng.choice(pool))
        chosen.append(picks)
        truth_rows.append({g: "/".join(sorted((a.shown, b.shown))) for g, (a, b) in picks.items()})
    plain = path.with_suffix("")
    with plain.open("w") as out:
        out.write("##fileformat=VCFv4.2\n")
        for chrom in sorted({p.chrom for g in genes for p in g.positions}):
            out.write(f"##contig=<ID={chrom}>\n")
        out.write('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n')
        out.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t"
                  + "\t".join(f"S{i:04d}" for i in range(samples)) + "\n")
        rows = sorted(((p.chrom, p.pos, gene, index) for gene in genes for index, p in enumerate(gene.positions)),
                      key=lambda r: (r[0], r[1]))
        for chrom, pos, gene, index in rows:
            position = gene.positions[index]
            filled = gene.filled()
            alleles = list(position.alleles)
            cells = []
            for picks in chosen:
                a, b = picks[gene.gene]
                gt = []
                for allele in (a, b):
                    allowed = sorted(filled[allele.name][index] or {position.ref})
                    base = rng.choice(allowed)
                    gt.append(str(alleles.index(base)) if base in alleles else "0")
                cells.append("/".join(gt))
            out.write(f"{chrom}\t{pos}\t{position.label}\t{position.ref}\t{','.join(position.alts) or '.'}\t.\tPASS"
                      f"\t.\tGT\t" + "\t".join(cells) + "\n")
    pysam.tabix_compress(str(plain), str(path), force=True)
    plain.unlink()
    with open(f"{path}.truth.json", "w") as handle:
        json.dump(truth_rows, handle)
    return path


def worker(vcf: Path, cache: Path, out_tsv: Path) -> dict:
    """One timed run in this process: read, call, write TSV."""
    defs = load_definitions(cache)
    started = time.perf_counter()
    samples = calls = 0
    with out_tsv.open("w", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        for name, results in call_samples(defs, vcf):
            samples += 1
            for row in tsv_rows(name, results):
                writer.writerow(row)
                calls += 1
    seconds = time.perf_counter() - started
    return {"samples": samples, "gene_calls": calls, "seconds": round(seconds, 2),
            "samples_per_second": round(samples / seconds, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def agreement(tsv: Path, truth_file: Path) -> dict:
    truth = json.loads(truth_file.read_text())
    equal = total = 0
    with tsv.open() as handle:
        for row in csv.reader(handle, delimiter="\t"):
            sample, gene, status, diplotype = row[0], row[1], row[2], row[3]
            index = int(sample[1:])
            total += 1
            expected = truth[index].get(gene)
            equal += status == "called" and "/".join(sorted(diplotype.split("/"))) == expected
    return {"gene_calls": total, "equal_to_generated": equal, "share": round(equal / total, 3) if total else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=2504)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--worker", nargs=3, metavar=("VCF", "CACHE", "TSV"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(Path(args.worker[0]), Path(args.worker[1]), Path(args.worker[2]))))
        return
    with tempfile.TemporaryDirectory(prefix="pgxkg-bench-call-") as tmp:
        folder = Path(tmp)
        cache = folder / "cache"
        defs = load_definitions(cache)
        positions = sum(len(defs.genes[g].positions) for g in defs.callable_genes)
        runs = {}
        for count in sorted({max(1, args.samples // 10), args.samples}):
            started = time.perf_counter()
            vcf = generate(defs, count, folder / f"cohort{count}.vcf.gz", random.Random(args.seed))
            generated = time.perf_counter() - started
            tsv = folder / f"calls{count}.tsv"
            run = subprocess.run([sys.executable, "-m", "bench.bench_call", "--worker", str(vcf), str(cache), str(tsv)],
                                 capture_output=True, text=True, cwd=ROOT, check=True)
            result = json.loads(run.stdout.strip().splitlines()[-1])
            result["vcf_mb"] = round(vcf.stat().st_size / 1e6, 1)
            result["generate_seconds"] = round(generated, 1)
            result["agreement_with_generated"] = agreement(tsv, Path(f"{vcf}.truth.json"))
            result["pharmcat_seconds_estimate"] = round(count * PHARMCAT_SECONDS_PER_SAMPLE, 1)
            result["speedup_over_pharmcat"] = round(count * PHARMCAT_SECONDS_PER_SAMPLE / result["seconds"], 1)
            runs[str(count)] = result
            print(f"{count} samples x {positions} defining positions ({len(defs.callable_genes)} genes): "
                  f"{result['seconds']} s, {result['samples_per_second']} samples/s, peak RSS "
                  f"{result['peak_rss_mb']} MB, {result['speedup_over_pharmcat']}x PharmCAT's "
                  f"{PHARMCAT_SECONDS_PER_SAMPLE} s/sample; calls equal to the generated diplotype: "
                  f"{result['agreement_with_generated']['share']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "what": "pgxkg call on a generated cohort VCF (every defining position of PharmCAT's definitions)",
        "definitions": "PharmCAT 3.1.1 data 2025-11-05", "defining_positions": positions,
        "genes": defs.callable_genes, "runs": runs, "machine": platform.platform(),
        "python": platform.python_version(), "when": time.strftime("%Y-%m-%d"),
    }, indent=2) + "\n")


if __name__ == "__main__":
    main()
