"""Load-test the API on loopback: GET /genes/{symbol} and POST /risk.

Starts uvicorn against the configured Neo4j (by default the local dev server with the
full graph), warms it up, then drives it with `wrk` (a Lua script rotates real genes and
genotypes) or, where wrk is not installed, with a Python asyncio generator in a separate
process. Prints req/s, latency percentiles, errors and the API's peak RSS, and writes
bench/results/api.json.

    .venv/bin/python bench/bench_api.py [--duration 20] [--connections 2] [--workers 1]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from pgxkg.graph.scratch import free_port

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "api.json"
GENOTYPES = [
    {"CYP2C19": "*2/*2"}, {"CYP2C19": "*1/*17"}, {"CYP2C19": "*1/*2"}, {"CYP2C19": "*17/*17"},
    {"CYP2D6": "*4/*4"}, {"CYP2D6": "*1/*4"}, {"CYP2C9": "*3/*3"}, {"CYP2C9": "*1/*2"},
    {"CYP2C19": "*2/*17", "CYP2D6": "*1/*1", "CYP2C9": "*1/*3"},
    {"TPMT": "*1/*3A", "NUDT15": "*1/*1"}, {"DPYD": "Intermediate Metabolizer"},
    {"HLA-B": "*57:01 positive"}, {"SLCO1B1": "Poor Function"}, {"CYP3A5": "*3/*3"},
    {"CYP2B6": "*6/*6"}, {"UGT1A1": "*28/*28"},
]
WRK_SCRIPT = """
local items = {%(items)s}
local method = "%(method)s"
local counter = 0
request = function()
  counter = counter + 1
  local item = items[(counter %% #items) + 1]
  if method == "GET" then
    return wrk.format("GET", item)
  end
  return wrk.format("POST", "/risk", {["Content-Type"] = "application/json"}, item)
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'RESULT {"requests": %%d, "seconds": %%.3f, "errors": %%d, "non_2xx": %%d, ' ..
    '"p50_ms": %%.2f, "p95_ms": %%.2f, "p99_ms": %%.2f, "max_ms": %%.2f}\\n',
    summary.requests, summary.duration / 1e6, errors, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
"""


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal for this ASCII text


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (uvicorn workers), in MB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


class RssSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.2)


def run_wrk(base: str, method: str, items: list[str], duration: int, connections: int) -> dict:
    script = WRK_SCRIPT % {"items": ", ".join(lua_string(i) for i in items), "method": method}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "5s",
                              "-s", handle.name, base], capture_output=True, text=True,
                             timeout=duration + 60)
    finally:
        os.unlink(handle.name)
    line = next((li for li in out.stdout.splitlines() if li.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result: {out.stdout}\n{out.stderr}")
    result = json.loads(line[len("RESULT "):])
    result["generator"] = "wrk"
    return result


PY_GENERATOR = r"""
import asyncio, json, sys, time
import httpx

async def main(base, method, items, duration, connections):
    latencies, errors, non2xx, counter = [], 0, 0, 0
    stop = time.perf_counter() + duration
    async with httpx.AsyncClient(base_url=base, timeout=5,
                                 limits=httpx.Limits(max_connections=connections)) as client:
        async def worker():
            nonlocal errors, non2xx, counter
            while time.perf_counter() < stop:
                item = items[counter % len(items)]
                counter += 1
                started = time.perf_counter()
                try:
                    if method == "GET":
                        response = await client.get(item)
                    else:
                        response = await client.post("/risk", content=item,
                                                     headers={"content-type": "application/json"})
                    if response.status_code >= 300:
                        non2xx += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - started)
        begun = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        seconds = time.perf_counter() - begun
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
    print("RESULT " + json.dumps({"requests": len(latencies), "seconds": seconds, "errors": errors,
                                  "non_2xx": non2xx, "p50_ms": pick(0.5), "p95_ms": pick(0.95),
                                  "p99_ms": pick(0.99), "max_ms": latencies[-1] * 1000}))

asyncio.run(main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])))
"""


def run_python(base: str, method: str, items: list[str], duration: int, connections: int) -> dict:
    out = subprocess.run([sys.executable, "-c", PY_GENERATOR, base, method, json.dumps(items), str(duration),
                          str(connections)], capture_output=True, text=True, timeout=duration + 60)
    line = next(li for li in out.stdout.splitlines() if li.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])
    result["generator"] = "python-httpx-asyncio"
    return result


def real_genes(base: str) -> list[str]:
    """Genes with guideline-level evidence, read through the API itself."""
    genes = []
    for drug in ("clopidogrel", "warfarin", "codeine", "abacavir", "fluorouracil", "simvastatin",
                 "tacrolimus", "efavirenz", "irinotecan", "mercaptopurine"):
        response = httpx.get(f"{base}/drugs/{drug}/genes", timeout=30)
        if response.status_code == 200:
            genes += [item["gene"] for item in response.json()["items"]]
    return sorted(g for g in set(genes) if httpx.get(f"{base}/genes/{g}", timeout=60).status_code == 200)


def start_api(port: int, workers: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "uvicorn", "pgxkg.api.app:create_app", "--factory", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    return subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())


def wait_ready(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the API exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("the API did not become healthy within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=2, help="concurrent connections of the load")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    generator = args.generator if args.generator != "auto" else ("wrk" if shutil.which("wrk") else "python")
    drive = run_wrk if generator == "wrk" else run_python

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start_api(port, args.workers)
    try:
        wait_ready(base, process)
        genes = real_genes(base)
        bodies = [json.dumps(g) for g in GENOTYPES]
        for _ in range(3):  # warm-up: vocabulary, query plans, connection pool (every worker)
            for gene in genes:
                assert httpx.get(f"{base}/genes/{gene}", timeout=60).status_code == 200, gene
            for body in bodies:
                response = httpx.post(f"{base}/risk", content=body, timeout=60,
                                      headers={"content-type": "application/json"})
                assert response.status_code == 200, (body, response.text)
        sampler = RssSampler(process.pid)
        sampler.start()
        scenarios = {}
        for name, method, items in (("GET /genes/{symbol}", "GET", [f"/genes/{g}" for g in genes]),
                                    ("POST /risk", "POST", bodies)):
            result = drive(base, method, items, args.duration, args.connections)
            result["req_per_s"] = round(result["requests"] / result["seconds"], 1)
            result["rotating"] = len(items)
            scenarios[name] = result
            print(f"{name:22} {result['req_per_s']:8.1f} req/s  p50 {result['p50_ms']:6.1f} ms  "
                  f"p95 {result['p95_ms']:6.1f} ms  p99 {result['p99_ms']:6.1f} ms  "
                  f"errors {result['errors']}  non-2xx {result['non_2xx']}  ({result['requests']} requests)")
        sampler.running = False
        sampler.join()
        peak = round(max(sampler.peak, rss_mb(process.pid)), 1)
        print(f"API peak RSS: {peak} MB ({args.workers} worker(s)); generator: {generator}; "
              f"{args.connections} connections, {args.duration} s per scenario")
        report = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "workers": args.workers, "connections": args.connections, "duration_s": args.duration,
            "generator": generator, "api_peak_rss_mb": peak, "genes": genes, "genotypes": GENOTYPES,
            "scenarios": scenarios, "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(report, indent=2) + "\n")
        print(f"wrote {args.output}")
    finally:
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
