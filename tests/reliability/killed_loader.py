"""SIGKILL `pgxkg build` at random points; the plain re-run must converge to the graph an
uninterrupted build makes (counts per label and type, and pgxkg.graph.fingerprint)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from typing import Any

from pgxkg.graph.connection import Graph
from pgxkg.loaders.build import build
from pgxkg.settings import Settings
from tests.reliability.context import (
    ROOT,
    Context,
    ScenarioResult,
    env_for,
    lost_between,
    pgxkg,
    remember,
    state,
)

POLL_S = 0.2
DEFAULT_SECONDS = {"parse": 25.0, "write": 30.0, "prune": 5.0}


def wipe(graph: Graph) -> None:
    graph.run_implicit("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")


def _source_args(source: str | None) -> list[str]:
    return ["--source", source] if source else []


def kill_build_once(settings: Settings, source: str | None, during_write: bool, rng: random.Random,
                    seconds: dict[str, float]) -> dict[str, Any]:
    """Start a forced build, SIGKILL it at a random moment, say what it was doing then."""
    command = [sys.executable, "-m", "pgxkg.cli", "build", "--force", "--quiet", *_source_args(source)]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env_for(settings)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    with Graph(settings) as graph:
        locked_at = None
        if during_write:  # the first kill of a plan lands while batches are being written
            delay = rng.uniform(0.1, 0.8) * seconds.get("write", DEFAULT_SECONDS["write"])
        else:  # later kills anywhere in the run: parsing, writing or pruning
            delay = rng.uniform(0.5, 0.9 * sum(seconds.get(k, v) for k, v in DEFAULT_SECONDS.items()))
        while process.poll() is None:
            if locked_at is None and graph.read("MATCH (l:BuildLock) RETURN count(l) AS n")[0]["n"]:
                locked_at = time.monotonic()
            now = time.monotonic()
            anchor = locked_at if during_write else started  # None until the build holds the lock
            if anchor is not None and now >= anchor + delay:
                os.kill(process.pid, signal.SIGKILL)
                break
            if now - started > 900:
                os.kill(process.pid, signal.SIGKILL)
                break
            time.sleep(POLL_S)
        process.wait()
        incomplete = graph.read("MATCH (s:Source) WHERE NOT s.complete RETURN count(s) AS n")[0]["n"]
    killed = process.returncode == -signal.SIGKILL
    phase = ("after it finished" if not killed else
             "while writing" if incomplete else "before writing" if locked_at is None else "at the end")
    return {"killed": killed, "phase": phase, "at_s": round(time.monotonic() - started, 1)}


def fresh_reference(ctx: Context, source: str | None) -> dict[str, Any]:
    """state() of an uninterrupted build into the emptied scratch store, in a new process so it
    runs the code now on disk (this process still holds the modules it imported)."""
    with Graph(ctx.scratch) as graph:
        wipe(graph)
    run = pgxkg(ctx.scratch, "build", "--force", "--quiet", *_source_args(source))
    if run.returncode != 0:
        raise RuntimeError(f"the reference build failed: {run.stderr[-2000:]}")
    with Graph(ctx.scratch) as graph:
        return remember(ctx, ctx.scratch, state(graph))


def killed_loader(ctx: Context) -> ScenarioResult:
    rng = random.Random(ctx.seed)
    plan: list[str | None] = [None if i == 0 or not ctx.kill_subset else ctx.kill_subset
                              for i in range(ctx.kill_runs)]
    plan.sort(key=lambda s: s is not None)  # full builds first; subset runs wipe the database
    references: dict[str | None, dict[str, Any]] = {}
    if ctx.reference is not None:
        references[None] = ctx.reference
    seconds: dict[str | None, dict[str, float]] = {None: dict(ctx.build_seconds or DEFAULT_SECONDS)}
    passed, lost, worst, notes, failures = 0, 0, 0.0, [], []
    for index, source in enumerate(plan):
        if source not in references:  # an uninterrupted build of the same selection is the reference
            with Graph(ctx.scratch) as graph:
                if source is not None:
                    wipe(graph)
                report = build(graph, ctx.scratch, [source] if source else None, force=True)
                seconds[source] = report.seconds
                references[source] = state(graph)
        first_of_plan = plan.index(source) == index
        kill = kill_build_once(ctx.scratch, source, first_of_plan, rng, seconds[source])
        if not kill["killed"]:  # the random moment fell after the build ended: kill the next one mid-write
            notes.append(f"run {index + 1}: build ended at {kill['at_s']} s, before its kill; killed again")
            kill = kill_build_once(ctx.scratch, source, True, rng, seconds[source])
        rerun = pgxkg(ctx.scratch, "build", "--quiet", *_source_args(source))
        # a rebuild over a loaded graph is quicker than the first load: later random kills aim inside it
        seconds[source] = {k: v * min(1.0, rerun.seconds / max(sum(seconds[source].values()), 1.0))
                           for k, v in seconds[source].items()}
        with Graph(ctx.scratch) as graph:
            after = remember(ctx, ctx.scratch, state(graph))
        if rerun.returncode == 0 and after["built_by"] != references[source].get("built_by"):
            # the loader code changed on disk since the reference was built (someone editing the
            # checkout while the suite runs): only a build by the same code is a fair reference
            notes.append(f"run {index + 1}: loader code changed since the reference; rebuilt it")
            references[source] = fresh_reference(ctx, source)
        missing, what = lost_between(references[source], after)
        label = f"run {index + 1} ({source or 'full build'}): killed {kill['phase']} at {kill['at_s']} s"
        ok = rerun.returncode == 0 and missing == 0 and kill["killed"]
        passed += ok
        lost += missing
        worst = max(worst, rerun.seconds)
        notes.append(f"{label}, re-run {rerun.seconds:.0f} s")
        if not ok:
            failures.append(f"{label}: re-run exit {rerun.returncode} {rerun.stderr[-300:]} differs: {what}")
    full = sum(1 for s in plan if s is None)
    subset = f", {len(plan) - full} of --source {ctx.kill_subset}" if full < len(plan) else ""
    return ScenarioResult(
        "killed loader (SIGKILL build)", len(plan), passed, lost, round(worst, 1),
        f"{full} full build(s){subset}; " + "; ".join(notes),
        failures)
