"""The scenarios, each ``(Context) -> ScenarioResult``, in the order the full run takes them."""

from __future__ import annotations

from collections.abc import Callable

from tests.reliability.context import Context, ScenarioResult
from tests.reliability.corrupt import corrupt_inputs
from tests.reliability.hostile import hostile_requests
from tests.reliability.killed_loader import killed_loader
from tests.reliability.outage import cli_database_down, neo4j_outage
from tests.reliability.soak import soak

SCENARIOS: list[Callable[[Context], ScenarioResult]] = [
    killed_loader, neo4j_outage, cli_database_down, corrupt_inputs, hostile_requests, soak,
]

__all__ = ["SCENARIOS", "Context", "ScenarioResult", "cli_database_down", "corrupt_inputs",
           "hostile_requests", "killed_loader", "neo4j_outage", "soak"]
