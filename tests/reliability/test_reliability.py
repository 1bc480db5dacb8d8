"""The reliability scenarios at CI size: real Neo4j servers, real uvicorn, real HTTP, real
SIGKILLs. `python -m tests.reliability` runs the same scenarios at full size.

The killed-build, outage, CLI and corrupt-input scenarios use their own scratch Neo4j (own
home and port) because they stop, wipe and rebuild it; the hostile-request and soak
scenarios read the session's loaded graph and check it is unchanged afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pgxkg.graph.connection import Graph
from pgxkg.graph.scratch import running, scratch_settings
from pgxkg.settings import Settings
from tests.reliability.context import Context, ScenarioResult, state
from tests.reliability.scenarios import (
    cli_database_down,
    corrupt_inputs,
    hostile_requests,
    killed_loader,
    neo4j_outage,
    soak,
)

CI_SIZES: dict[str, Any] = {"kill_runs": 2, "kill_subset": "cpic-tables", "outage_runs": 1, "outage_s": 10.0,
                            "soak_s": 45.0}


@pytest.fixture(scope="session")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A second embedded Neo4j these tests may stop, kill, wipe and rebuild."""
    with running(scratch_settings(tmp_path_factory.mktemp("reliability-home"))) as settings:
        yield settings


@pytest.fixture(scope="session")
def session_state(graph: Graph, built_report) -> dict[str, Any]:
    """Counts and fingerprint of the session's graph right after its uninterrupted real build."""
    return state(graph)


def context(scratch: Settings, served: Settings, work: Path, known: dict[str, Any] | None = None,
            built_report=None) -> Context:
    ctx = Context(scratch=scratch, served=served, work=work, **CI_SIZES)
    if known is not None:
        ctx.reference = known
        ctx.known[served.effective_uri] = known
    if built_report is not None and not built_report.unchanged:
        ctx.build_seconds = built_report.seconds
    return ctx


def check(result: ScenarioResult) -> None:
    print(f"{result.name}: {result.passed}/{result.runs}, data lost {result.data_lost}, "
          f"recovery {result.recovery_s} s; {result.notes}")
    assert result.ok, "\n".join([f"{result.name}: {result.passed}/{result.runs} passed, "
                                 f"data lost {result.data_lost}", *result.failures])


def test_a_killed_build_converges_to_the_uninterrupted_graph(
        scratch: Settings, settings: Settings, loaded_graph: Graph, session_state: dict, built_report,
        tmp_path: Path) -> None:
    """Run 1 kills a full build mid-write and compares with the session's own full build;
    run 2 kills a `--source cpic-tables` build (CI time) and compares with an uninterrupted one."""
    check(killed_loader(context(scratch, settings, tmp_path, session_state, built_report)))


def test_neo4j_outage_under_load_answers_503_then_recovers(scratch: Settings, settings: Settings,
                                                           tmp_path: Path) -> None:
    check(neo4j_outage(context(scratch, settings, tmp_path)))


def test_cli_with_neo4j_down_exits_1_with_one_clear_line(scratch: Settings, settings: Settings,
                                                           tmp_path: Path) -> None:
    check(cli_database_down(context(scratch, settings, tmp_path)))


def test_corrupt_sources_and_cache_entries_are_refused_cleanly(scratch: Settings, settings: Settings,
                                                               tmp_path: Path) -> None:
    check(corrupt_inputs(context(scratch, settings, tmp_path)))


def test_hostile_requests_neither_fail_nor_leak_nor_write(scratch: Settings, settings: Settings,
                                                          loaded_graph: Graph, session_state: dict,
                                                          tmp_path: Path) -> None:
    check(hostile_requests(context(scratch, settings, tmp_path, session_state)))


def test_soak_of_mixed_endpoints_has_no_server_errors(scratch: Settings, settings: Settings,
                                                      loaded_graph: Graph, tmp_path: Path) -> None:
    check(soak(context(scratch, settings, tmp_path)))
