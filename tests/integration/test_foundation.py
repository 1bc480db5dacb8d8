"""The embedded server, the schema, and how connection failures are reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from neo4j.exceptions import ConstraintError

from pgxkg.errors import GraphUnavailable
from pgxkg.graph import embedded
from pgxkg.graph.connection import Graph, open_driver
from pgxkg.graph.schema import NODE_TYPES
from pgxkg.graph.schema_ops import apply_schema
from pgxkg.graph.scratch import free_port
from pgxkg.settings import Settings


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pgxkg.cli", *args],
        capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=300,
    )


def test_schema_apply_is_idempotent_and_has_uniqueness_constraints(empty_graph: Graph) -> None:
    first = apply_schema(empty_graph)
    second = apply_schema(empty_graph)
    assert first == second
    assert first["uniqueness_constraints"] == len(NODE_TYPES) >= 8
    names = {row["name"] for row in empty_graph.read("SHOW INDEXES YIELD name RETURN name")}
    assert "entity_search" in names


def test_uniqueness_constraint_rejects_duplicate_key(empty_graph: Graph) -> None:
    empty_graph.write("CREATE (:Gene {symbol: 'CYP2C19'})")
    with pytest.raises(ConstraintError):
        empty_graph.write("CREATE (:Gene {symbol: 'CYP2C19'})")
    assert empty_graph.read("MATCH (g:Gene) RETURN count(g) AS n")[0]["n"] == 1


def test_fulltext_index_finds_gene_by_synonym(empty_graph: Graph) -> None:
    empty_graph.write(
        "CREATE (:Gene {symbol: 'CYP2C19', name: 'cytochrome P450 family 2 subfamily C member 19',"
        " synonyms: ['CPCJ', 'P450C2C']})"
    )
    empty_graph.write("CALL db.awaitIndexes(60)")
    rows = empty_graph.read(
        "CALL db.index.fulltext.queryNodes('entity_search', $q) YIELD node RETURN node.symbol AS s",
        q="P450C2C",
    )
    assert rows == [{"s": "CYP2C19"}]


def test_wrong_password_is_reported_clearly(settings: Settings) -> None:
    wrong = settings.model_copy(update={"password": "definitely-not-it"})
    with pytest.raises(GraphUnavailable, match="refused the credentials"):
        open_driver(wrong)


def test_wrong_port_is_reported_clearly(settings: Settings) -> None:
    wrong = settings.model_copy(update={"uri": f"bolt://127.0.0.1:{free_port()}"})
    with pytest.raises(GraphUnavailable, match="not reachable"):
        open_driver(wrong)


def test_cli_reports_unreachable_server_without_traceback(settings: Settings) -> None:
    result = run_cli("schema", "apply", env={"NEO4J_URI": f"bolt://127.0.0.1:{free_port()}"})
    assert result.returncode == 1
    assert "not reachable" in result.stderr
    assert "Traceback" not in result.stderr


def test_start_stop_status_of_a_second_embedded_server(tmp_path: Path) -> None:
    """A separate server (own home and port) so the session's server is untouched."""
    env = {"PGXKG_HOME": str(tmp_path), "PGXKG_BOLT_PORT": str(free_port()), "NEO4J_URI": ""}
    env_settings = Settings.of(
        uri=None, user="neo4j", password=None, database="neo4j", home=tmp_path,
        cache=Settings.from_env().cache, bolt_host="127.0.0.1",
        bolt_port=int(env["PGXKG_BOLT_PORT"]), heap="512m",
    )
    try:
        started = run_cli("neo4j", "start", env={**env, "PGXKG_NEO4J_HEAP": "512m"})
        assert started.returncode == 0, started.stderr
        assert started.stdout.strip() == env_settings.effective_uri
        password_file = env_settings.password_file
        assert password_file.stat().st_mode & 0o777 == 0o600

        again = run_cli("neo4j", "start", env=env)
        assert again.returncode == 0 and "already running" in again.stderr

        status = run_cli("neo4j", "status", "--json", env=env)
        info = json.loads(status.stdout)
        assert info["running"] is True and info["version"].startswith("5.26")
        assert info["pid"] == embedded.read_state(env_settings).pid

        with Graph(env_settings) as graph:
            assert graph.read("RETURN 1 AS one") == [{"one": 1}]

        stopped = run_cli("neo4j", "stop", env=env)
        assert stopped.returncode == 0 and "stopped" in stopped.stderr
        down = run_cli("neo4j", "status", env=env)
        assert down.returncode == 3
        with pytest.raises(GraphUnavailable, match="pgxkg neo4j start"):
            open_driver(env_settings)

        restarted = run_cli("neo4j", "start", env={**env, "PGXKG_NEO4J_HEAP": "512m"})  # same data, same password
        assert restarted.returncode == 0, restarted.stderr
        with Graph(env_settings) as graph:
            assert graph.read("RETURN 1 AS one") == [{"one": 1}]
    finally:
        embedded.stop(env_settings)
