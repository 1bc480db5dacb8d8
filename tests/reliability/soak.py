"""A soak of mixed endpoints on loopback: no 5xx, no hangs, the API's memory reported."""

from __future__ import annotations

import itertools
import statistics
import threading
import time
from typing import Any

import httpx

from pgxkg.graph.connection import Graph
from pgxkg.graph.counts import graph_counts
from tests.api_server import running_api
from tests.reliability.context import Context, ScenarioResult, child_pid, env_for, rss_mb

# (method, path, body, expected status): real questions, plus a few a user gets wrong
MIX: list[tuple[str, str, Any, int]] = [
    ("GET", "/genes/CYP2C19", None, 200),
    ("GET", "/drugs/clopidogrel", None, 200),
    ("GET", "/alleles/CYP2C19*2", None, 200),
    ("GET", "/variants/rs4244285", None, 200),
    ("GET", "/drugs/clopidogrel/genes", None, 200),
    ("GET", "/genes/CYP2D6/drugs?limit=20", None, 200),
    ("POST", "/risk", {"CYP2C19": "*2/*2"}, 200),
    ("POST", "/risk", {"CYP2D6": "Ultrarapid Metabolizer", "HLA-B": "*57:01 positive"}, 200),
    ("POST", "/risk", {"CYP2C9": "*1/*3", "rs9923231": "C/T", "SLCO1B1": "*5/*5"}, 200),
    ("POST", "/risk/batch", [{"CYP2C19": "*1/*1"}, {"TPMT": "*3A/*3A"}], 200),
    ("GET", "/search?q=clopidogrel", None, 200),
    ("GET", "/search?q=cyp2", None, 200),
    ("GET", "/subgraph?center=CYP2C19&depth=1&limit=100", None, 200),
    ("GET", "/paths?from=CYP2C19&to=clopidogrel&max_hops=3", None, 200),
    ("GET", "/stats", None, 200),
    ("GET", "/health", None, 200),
    ("GET", "/genes/CYP2C91", None, 404),
    ("POST", "/risk", {"CYP2C19": "*99/*2"}, 422),
    ("GET", "/export/cytoscape?center=clopidogrel&limit=50", None, 200),
]
RSS_EVERY_S = 2.0


def soak(ctx: Context) -> ScenarioResult:
    with Graph(ctx.served) as graph:
        before = graph_counts(graph)
    counter = itertools.count()
    stop = threading.Event()
    results: list[tuple[int, int | None, float, str]] = []  # (mix index, status, seconds, error)
    rss: list[tuple[float, float]] = []

    def worker(base: str) -> None:
        with httpx.Client(base_url=base, timeout=ctx.request_timeout_s * 3) as client:
            while not stop.is_set():
                number = next(counter)
                if number >= ctx.soak_max_requests:
                    return
                method, path, body, _ = MIX[number % len(MIX)]
                started = time.monotonic()
                try:
                    status: int | None = client.request(method, path, json=body).status_code
                    error = ""
                except httpx.HTTPError as exc:
                    status, error = None, f"{type(exc).__name__}: {exc}"
                results.append((number % len(MIX), status, time.monotonic() - started, error))

    with running_api(env_for(ctx.served), ctx.work / "soak-uvicorn.log") as base:
        pid = child_pid(int(base.rsplit(":", 1)[1]))
        threads = [threading.Thread(target=worker, args=(base,), daemon=True)
                   for _ in range(ctx.soak_workers)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        while time.monotonic() - started < ctx.soak_s and any(t.is_alive() for t in threads):
            if pid and (mb := rss_mb(pid)) is not None:
                rss.append((time.monotonic() - started, mb))
            time.sleep(RSS_EVERY_S)
        stop.set()
        for thread in threads:
            thread.join(ctx.request_timeout_s * 3 + 5)
        elapsed = time.monotonic() - started
        if pid and (mb := rss_mb(pid)) is not None:
            rss.append((elapsed, mb))
    with Graph(ctx.served) as graph:
        after = graph_counts(graph)
    failures = []
    for index, status, seconds, error in results:
        expected = MIX[index][3]
        if status != expected and len(failures) < 30:
            failures.append(f"{MIX[index][0]} {MIX[index][1]}: {status or error} after {seconds:.1f} s "
                            f"(expected {expected})")
    passed = sum(1 for index, status, _, _ in results if status == MIX[index][3])
    five_xx = sum(1 for _, status, _, _ in results if status and status >= 500)
    latencies = sorted(seconds for _, _, seconds, _ in results)
    p50 = statistics.median(latencies) if latencies else 0.0
    p99 = latencies[int(len(latencies) * 0.99) - 1] if len(latencies) > 100 else max(latencies, default=0.0)
    warm = [mb for t, mb in rss if t >= elapsed * 0.2]  # after the warm-up: caches filled, pools open
    growth = (warm[-1] - warm[0]) if len(warm) >= 2 else 0.0
    lost = sum(max(0, before[k].get(n, 0) - after[k].get(n, 0)) for k in before for n in before[k])
    if before != after:
        failures.append("the graph's counts changed")
    notes = (f"{len(results)} requests in {elapsed:.0f} s ({len(results) / max(elapsed, 1e-9):.0f}/s, "
             f"{ctx.soak_workers} clients), {five_xx} x 5xx, p50 {p50 * 1000:.0f} ms, "
             f"p99 {p99 * 1000:.0f} ms; "
             f"API RSS {warm[0] if warm else 0:.0f} -> {warm[-1] if warm else 0:.0f} MB after warm-up "
             f"({growth:+.0f} MB), peak {max((mb for _, mb in rss), default=0):.0f} MB")
    return ScenarioResult(f"soak ({elapsed / 60:.1f} min mixed load)", len(results), passed, lost, None,
                          notes, failures, {"rss_growth_mb": round(growth, 1), "p50_ms": round(p50 * 1000, 1),
                                            "p99_ms": round(p99 * 1000, 1), "five_xx": five_xx})
