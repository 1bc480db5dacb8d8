"""What a scenario gets (a Context) and gives back (a ScenarioResult), plus the plumbing
they share: a scratch Neo4j's environment, CLI runs, a uvicorn API and its memory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pgxkg.graph.connection import Graph
from pgxkg.graph.counts import graph_counts
from pgxkg.graph.fingerprint import fingerprint
from pgxkg.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class ScenarioResult:
    name: str
    runs: int
    passed: int
    data_lost: int  # facts (nodes + relationships) missing or changed afterwards; must be 0
    recovery_s: float | None  # worst time back to the right state/answers; None where nothing breaks
    notes: str = ""
    failures: list[str] = field(default_factory=list)  # what went wrong, for the test's message
    metrics: dict[str, float] = field(default_factory=dict)  # e.g. the soak's RSS growth

    @property
    def ok(self) -> bool:
        return self.passed == self.runs and self.data_lost == 0 and self.runs > 0


@dataclass
class Context:
    """Sizes, durations and the two databases a scenario may use.

    ``scratch`` is a Neo4j the suite owns: scenarios stop, wipe and rebuild it.
    ``served`` holds the loaded real graph and is only read (hostile requests, soak).
    """

    scratch: Settings
    served: Settings
    work: Path
    kill_runs: int = 2
    kill_subset: str | None = "cpic-tables"  # runs after the first kill a build of only this source
    outage_runs: int = 1
    outage_s: float = 10.0
    request_timeout_s: float = 20.0
    soak_s: float = 45.0
    soak_workers: int = 4
    soak_max_requests: int = 50_000
    seed: int = 8
    reference: dict[str, Any] | None = None  # state() of an uninterrupted full build, when known
    known: dict[str, dict[str, Any]] = field(default_factory=dict)  # uri -> state() last seen there
    build_seconds: dict[str, float] | None = None  # phase timings of an uninterrupted full build


BUILT_BY = "MATCH (s:Source) RETURN s.id AS id, s.content_sha256 AS sha"


def state(graph: Graph) -> dict[str, Any]:
    """Counts per label and type plus the content fingerprint: what "the same graph" means; and
    ``built_by``, each Source's content_sha256 (its files and the loader code that read them):
    two graphs are only comparable when the same code built them."""
    built_by = {row["id"]: row["sha"] for row in graph.read(BUILT_BY)}
    return {"counts": graph_counts(graph), "fingerprint": fingerprint(graph), "built_by": built_by}


def known_state(ctx: Context, settings: Settings, graph: Graph) -> dict[str, Any]:
    """The graph's state as last measured by a scenario (nothing else writes), else measured now."""
    return ctx.known.get(settings.effective_uri) or remember(ctx, settings, state(graph))


def remember(ctx: Context, settings: Settings, measured: dict[str, Any]) -> dict[str, Any]:
    ctx.known[settings.effective_uri] = measured
    return measured


def lost_between(before: dict[str, Any], after: dict[str, Any]) -> tuple[int, str]:
    """(facts lost or changed, what differs); 0 only when the fingerprints are equal."""
    if before["fingerprint"] == after["fingerprint"]:
        return 0, ""
    diffs, missing = [], 0
    for kind in ("nodes", "relationships"):
        names = set(before["counts"][kind]) | set(after["counts"][kind])
        for name in sorted(names):
            old, new = before["counts"][kind].get(name, 0), after["counts"][kind].get(name, 0)
            if old != new:
                diffs.append(f"{name} {old}->{new}")
                missing += max(0, old - new)
    if before.get("built_by") != after.get("built_by"):
        diffs.append("built by other loader code or source files (Source.content_sha256 differs)")
    # equal counts but a different hash: at least one fact changed
    return max(missing, 1), ", ".join(diffs[:8]) or "same counts, different content hash"


def env_for(settings: Settings) -> dict[str, str]:
    """Environment that points pgxkg (CLI, API) at ``settings``' database."""
    env = {"PGXKG_CACHE": str(settings.cache), "NEO4J_USER": settings.user,
           "NEO4J_DATABASE": settings.database}
    if settings.embedded:
        env.update({"NEO4J_URI": "", "NEO4J_PASSWORD": "", "PGXKG_HOME": str(settings.home),
                    "PGXKG_BOLT_HOST": settings.bolt_host, "PGXKG_BOLT_PORT": str(settings.bolt_port)})
    else:
        env.update({"NEO4J_URI": settings.uri or "", "NEO4J_PASSWORD": settings.password or ""})
    return env


@dataclass
class CliRun:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def pgxkg(settings: Settings, *args: str, timeout: float = 900,
          extra_env: dict[str, str] | None = None) -> CliRun:
    """Run ``pgxkg ARGS`` in a subprocess against ``settings``' database."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pgxkg.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT,
                          env={**os.environ, **env_for(settings), **(extra_env or {})})
    return CliRun(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


def child_pid(port: int) -> int | None:
    """The pid of our uvicorn child serving ``port`` (api_server.running_api does not expose it)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and b"uvicorn" in b" ".join(args) and str(port).encode() in args:
            return int(entry.name)
    return None


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def has_complete_source(settings: Settings) -> bool:
    with Graph(settings) as graph:
        rows = graph.read("MATCH (s:Source) WHERE s.complete RETURN count(s) AS n")
    return rows[0]["n"] > 0


def ensure_loaded(settings: Settings, sources: tuple[str, ...] = ("cpic-tables",)) -> None:
    """Give an empty scratch database some real data (a subset build) so its answers are real."""
    if not has_complete_source(settings):
        # --pinned-only: alone, the pinned tables keep the drugs and rules an official source in the cache
        # would otherwise stand in for
        run = pgxkg(settings, "build", "--quiet", "--pinned-only", *[a for s in sources for a in ("--source", s)])
        if run.returncode != 0:
            raise RuntimeError(f"could not load the scratch database: {run.stderr[-2000:]}")


def with_cache(settings: Settings, cache: Path) -> Settings:
    return settings.model_copy(update={"cache": cache})
