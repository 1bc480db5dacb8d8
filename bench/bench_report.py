"""Time the patient report: one report warm through the API, and a report per sample of a 100-sample VCF.

Runs against the configured graph (the embedded server, or NEO4J_URI), read-only:

1. the API (uvicorn, 1 worker) on loopback: after a warm-up, sequential ``POST /report`` (HTML),
   ``POST /report/fhir`` and ``POST /report/network`` for a 15-gene genotype: p50, p95, max;
2. a generated bgzipped VCF of 100 samples x every defining position of the callable genes (random
   diplotypes, as ``bench.bench_call`` makes them): ``pgxkg report --vcf ... --out DIR`` end to end
   (a fresh process: start-up, reference data, calling, 100 reports written) for HTML and for FHIR;
   and 10 of the reports printed to PDF by one headless Chromium (seconds per PDF).

    .venv/bin/python -m bench.bench_report [--requests 30] [--samples 100] [--seed 7]

Prints the figures and writes bench/results/report.json.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.bench_call import generate
from bench.scratch_server import save_results
from pgxkg.graph.connection import Graph
from pgxkg.graph.scratch import free_port
from pgxkg.reference import ReferenceData

ROOT = Path(__file__).resolve().parents[1]
FIFTEEN_GENES = {
    "CYP2C19": "*2/*17", "CYP2D6": "*1/*4", "CYP2C9": "*1/*3", "CYP3A5": "*3/*3", "CYP2B6": "*1/*6",
    "TPMT": "*1/*3A", "NUDT15": "*1/*1", "SLCO1B1": "*1/*5", "UGT1A1": "*1/*28", "DPYD": "1.5",
    "HLA-B": "*57:01 negative", "HLA-A": "*31:01 negative", "CYP4F2": "*1/*3", "IFNL3": "Favorable Response",
    "rs9923231": "C/T",
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def api_latencies(requests: int) -> dict:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "pgxkg.api.app:create_app", "--factory",
                               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                              cwd=ROOT, env=dict(os.environ))
    base = f"http://127.0.0.1:{port}"
    results = {}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the API did not start")
            time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=60) as client:
            for path in ("/report", "/report/fhir", "/report/network"):
                for _ in range(5):  # warm: reference data, drug evidence, templates, query plans
                    client.post(path, json=FIFTEEN_GENES).raise_for_status()
                timings, size = [], 0
                for _ in range(requests):
                    started = time.perf_counter()
                    answer = client.post(path, json=FIFTEEN_GENES)
                    timings.append((time.perf_counter() - started) * 1000)
                    answer.raise_for_status()
                    size = len(answer.content)
                results[path] = {"requests": requests, "p50_ms": round(statistics.median(timings), 1),
                                 "p95_ms": round(percentile(timings, 0.95), 1), "max_ms": round(max(timings), 1),
                                 "bytes": size}
                print(f"POST {path}: p50 {results[path]['p50_ms']} ms, p95 {results[path]['p95_ms']} ms, "
                      f"{size:,} bytes", file=sys.stderr)
    finally:
        server.terminate()
        server.wait(timeout=15)
    return results


def cohort(samples: int, seed: int) -> dict:
    from pgxkg.report import inputs, service

    results: dict = {"samples": samples}
    with tempfile.TemporaryDirectory(prefix="pgxkg-bench-report-") as folder, Graph.connect() as graph:
        reference = ReferenceData(graph)
        vcf = generate(reference.definitions, samples, Path(folder) / "cohort.vcf.gz", random.Random(seed))
        results["vcf_mb"] = round(vcf.stat().st_size / 1e6, 2)
        for fmt in ("html", "fhir"):
            out = Path(folder) / fmt
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "pgxkg.cli", "report", "--vcf", str(vcf), "--out", str(out),
                                   "--format", fmt], cwd=ROOT, capture_output=True, text=True)
            seconds = time.perf_counter() - started
            if done.returncode:
                raise SystemExit(done.stderr)
            written = list(out.iterdir())
            results[fmt] = {"seconds": round(seconds, 2), "reports": len(written),
                            "reports_per_second": round(len(written) / seconds, 1),
                            "mb_written": round(sum(p.stat().st_size for p in written) / 1e6, 1)}
            print(f"{samples}-sample VCF -> {len(written)} {fmt} reports in {seconds:.1f} s", file=sys.stderr)
        reports = inputs.vcf_reports(reference, vcf, inputs.context(reference))[:10]
        started = time.perf_counter()
        service.write(reports, Path(folder) / "pdf", "pdf")
        seconds = time.perf_counter() - started
        results["pdf"] = {"reports": len(reports), "seconds": round(seconds, 2),
                          "seconds_per_report": round(seconds / len(reports), 2)}
        print(f"{len(reports)} PDFs in {seconds:.1f} s (one Chromium)", file=sys.stderr)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
               "api": api_latencies(args.requests), "cohort": cohort(args.samples, args.seed)}
    results["load_after"] = round(os.getloadavg()[0], 1)
    save_results("report", results)


if __name__ == "__main__":
    main()
