"""Neo4j stopped (or killed) and restarted under a steady API load, and the CLI while it is down.

During the outage every request must answer 503 problem+json with Retry-After before the
client's timeout; afterwards the same API process answers 200 again by itself.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

from pgxkg.graph import embedded
from pgxkg.graph.connection import Graph
from pgxkg.settings import Settings
from tests.api_server import running_api
from tests.reliability.context import (
    Context,
    ScenarioResult,
    ensure_loaded,
    env_for,
    known_state,
    lost_between,
    pgxkg,
    remember,
    state,
)

LOAD: list[tuple[str, str, Any]] = [
    ("GET", "/genes/CYP2C19", None),
    ("GET", "/health", None),
    ("POST", "/risk", {"CYP2C19": "*2/*2"}),
    ("GET", "/search?q=clopidogrel", None),
    ("GET", "/drugs/clopidogrel", None),
    ("GET", "/stats", None),
]
WORKERS = 4


@dataclass
class Answer:
    started: float
    seconds: float
    path: str
    status: int | None  # None: no answer (timeout, connection error)
    problem: bool
    retry_after: bool
    error: str = ""


def _worker(base: str, timeout: float, stop: threading.Event, answers: list[Answer], offset: int) -> None:
    with httpx.Client(base_url=base, timeout=timeout) as client:
        index = offset
        while not stop.is_set():
            method, path, body = LOAD[index % len(LOAD)]
            index += 1
            started = time.monotonic()
            try:
                response = client.request(method, path, json=body)
                answers.append(Answer(started, time.monotonic() - started, path, response.status_code,
                                      response.headers.get("content-type", "").startswith(
                                          "application/problem+json"),
                                      bool(response.headers.get("retry-after"))))
            except httpx.HTTPError as error:
                answers.append(Answer(started, time.monotonic() - started, path, None, False, False,
                                      f"{type(error).__name__}: {error}"))
            time.sleep(0.05)


def _crash(settings: Settings) -> None:
    """SIGKILL the server process we started (a crash, not a clean shutdown)."""
    server = embedded.running_state(settings)
    if server is None:
        return
    os.kill(server.pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if os.waitpid(server.pid, os.WNOHANG)[0]:
                break
        except ChildProcessError:  # not our child: poll until it is gone
            try:
                os.kill(server.pid, 0)
            except ProcessLookupError:
                break
        time.sleep(0.1)


def outage_once(ctx: Context, mode: str, run: int) -> tuple[bool, float | None, list[str], str]:
    answers: list[Answer] = []
    stop = threading.Event()
    log = ctx.work / f"outage-{run}-uvicorn.log"
    with running_api(env_for(ctx.scratch), log) as base:
        threads = [threading.Thread(target=_worker, args=(base, ctx.request_timeout_s, stop, answers, i),
                                    daemon=True) for i in range(WORKERS)]
        for thread in threads:
            thread.start()
        time.sleep(3)
        down_at = time.monotonic()
        if mode == "stop":
            embedded.stop(ctx.scratch)
        else:
            _crash(ctx.scratch)
        time.sleep(ctx.outage_s)
        embedded.start(ctx.scratch)  # same home, port and password; the API keeps running
        up_at = time.monotonic()
        recovered_at = None
        deadline = up_at + 120
        while time.monotonic() < deadline:
            recent = [a for a in answers if a.started >= up_at]
            if {a.path for a in recent if a.status == 200} >= {path for _, path, _ in LOAD}:
                recovered_at = max(a.started + a.seconds for a in recent if a.status == 200)
                break
            time.sleep(0.2)
        time.sleep(2)
        stop.set()
        for thread in threads:
            thread.join(ctx.request_timeout_s + 5)
    failures = []
    for answer in answers:
        where = f"{answer.path} at +{answer.started - down_at:.1f} s"
        if answer.status is None:
            failures.append(f"{where}: no answer after {answer.seconds:.1f} s ({answer.error})")
        elif answer.status == 503 and not (answer.problem and answer.retry_after):
            failures.append(f"{where}: 503 without problem+json and Retry-After")
        elif answer.status not in (200, 503):
            failures.append(f"{where}: {answer.status}")
        elif answer.status == 503 and answer.started + answer.seconds < down_at:
            # answered 503 while Neo4j was still up; a request still running when it stopped
            # may rightly get 503 however early it started (on a loaded machine they take seconds)
            failures.append(f"{where}: 503 {answer.seconds:.1f} s later, before the outage")
    outage_503 = sum(1 for a in answers if a.status == 503)
    if not outage_503:
        failures.append("no request saw the outage (no 503)")
    if recovered_at is None:
        failures.append("the API did not answer 200 on every endpoint within 120 s of Neo4j's return")
    slowest = max((a.seconds for a in answers), default=0.0)
    recovery = None if recovered_at is None else recovered_at - up_at
    note = (f"{mode}: {len(answers)} requests, {outage_503} x 503 during a {up_at - down_at:.0f} s outage, "
            f"slowest {slowest:.1f} s")
    return not failures, recovery, failures, note


def neo4j_outage(ctx: Context) -> ScenarioResult:
    ensure_loaded(ctx.scratch)
    with Graph(ctx.scratch) as graph:
        before = known_state(ctx, ctx.scratch, graph)
    passed, worst, failures, notes = 0, 0.0, [], []
    for run in range(ctx.outage_runs):
        mode = "stop" if run % 2 == 0 else "SIGKILL"
        ok, recovery, problems, note = outage_once(ctx, mode, run)
        passed += ok
        worst = max(worst, recovery or 0.0)
        failures += [f"run {run + 1}: {p}" for p in problems[:20]]
        notes.append(note)
    with Graph(ctx.scratch) as graph:
        lost, what = lost_between(before, remember(ctx, ctx.scratch, state(graph)))
    if lost:
        failures.append(f"the graph changed across the restarts: {what}")
    return ScenarioResult("Neo4j outage under API load", ctx.outage_runs, passed, lost, round(worst, 1),
                          "; ".join(notes), failures)


CLI_DOWN = [
    ("stats",),
    ("risk", "-g", "CYP2C19 *2/*2"),
    ("build",),
    ("query", "gene_drugs", "-p", "gene=CYP2C19"),
]
CLI_BOUND_S = 60.0


def cli_database_down(ctx: Context) -> ScenarioResult:
    """With the database stopped, each verb exits 1 with one clear message and no traceback."""
    embedded.stop(ctx.scratch)
    failures, notes, passed = [], [], 0
    try:
        for args in CLI_DOWN:
            run = pgxkg(ctx.scratch, *args, timeout=CLI_BOUND_S * 2, extra_env={"COLUMNS": "400"})
            lines = [line for line in run.stderr.splitlines() if line.strip()]
            error_lines = [line for line in lines if line.startswith("error:")]
            hint_at = next((i for i, line in enumerate(lines) if line.startswith("hint:")), len(lines))
            message = lines[:hint_at]
            problems = []
            if run.returncode != 1:
                problems.append(f"exit {run.returncode}")
            if "Traceback" in run.stderr:
                problems.append("traceback on stderr")
            if len(error_lines) != 1 or "not reachable" not in error_lines[0] or len(message) != 1:
                problems.append(f"no one-line 'not reachable' error: {lines[:4]}")
            if run.seconds > CLI_BOUND_S:
                problems.append(f"took {run.seconds:.0f} s")
            passed += not problems
            notes.append(f"{args[0]} {run.seconds:.1f} s")
            failures += [f"pgxkg {' '.join(args)}: {p}" for p in problems]
    finally:
        started = time.monotonic()
        embedded.start(ctx.scratch)
        back = time.monotonic() - started
    return ScenarioResult("CLI with Neo4j down", len(CLI_DOWN), passed, 0, round(back, 1),
                          "exit 1, one line; " + ", ".join(notes) + f"; server back in {back:.0f} s",
                          failures)
