"""Neo4j going away and coming back under a running API: 503 problem+json, then 200 again.

A second embedded Neo4j (own home and port) so the session's server is untouched.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from pgxkg.graph import embedded
from pgxkg.graph.connection import Graph
from pgxkg.graph.schema_ops import apply_schema
from pgxkg.graph.scratch import free_port
from pgxkg.settings import Settings
from tests.api_server import running_api

SMALL_GRAPH = """
MERGE (g:Gene {symbol: 'CYP2C19'}) SET g.name = 'cytochrome P450 2C19', g.sources = ['test']
MERGE (d:Drug {id: 'clopidogrel'}) SET d.name = 'clopidogrel', d.rxnorm = '32968', d.sources = ['test']
MERGE (a:Allele {id: 'CYP2C19*2'}) SET a.gene = 'CYP2C19', a.name = '*2', a.function = 'No Function'
MERGE (g)-[:HAS_ALLELE]->(a)
MERGE (g)-[i:INTERACTS_WITH]->(d) SET i.cpic_level = 'A', i.sources = ['test']
MERGE (s:Source {id: 'test@1'}) SET s.complete = true, s.version = '1'
"""
REQUEST_TIMEOUT = 20.0


def test_neo4j_outage_answers_503_then_recovers(tmp_path: Path) -> None:
    port = free_port()
    settings = Settings.from_env().model_copy(update={"uri": None, "password": None, "home": tmp_path,
                                                      "bolt_host": "127.0.0.1", "bolt_port": port, "heap": "512m"})
    env = {"PGXKG_HOME": str(tmp_path), "PGXKG_BOLT_PORT": str(port), "PGXKG_BOLT_HOST": "127.0.0.1",
           "NEO4J_URI": "", "NEO4J_PASSWORD": "", "NEO4J_USER": "neo4j", "NEO4J_DATABASE": "neo4j"}
    try:
        embedded.start(settings)
        with Graph(settings) as graph:
            apply_schema(graph)
            graph.write(SMALL_GRAPH)

        with running_api(env, tmp_path / "uvicorn.log") as base, \
                httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as client:
            up = client.get("/genes/CYP2C19")
            assert up.status_code == 200
            assert up.json()["evidence"]["INTERACTS_WITH:Drug"] == 1
            health = client.get("/health").json()
            assert health["neo4j"]["reachable"] is True
            # a toy graph, not a build of the registry's sources: answered, but said to be incomplete
            assert health["status"] == "degraded" and "cpic-tables" in health["data"]["missing"]

            embedded.stop(settings)
            for path in ("/genes/CYP2C19", "/health", "/drugs/clopidogrel", "/search?q=clop"):
                started = time.monotonic()
                down = client.get(path)  # must answer, not hang: the client gives up after 20 s
                assert down.status_code == 503, (path, down.text)
                assert down.headers["content-type"].startswith("application/problem+json")
                assert down.headers["retry-after"]
                assert "Traceback" not in down.text and "not reachable" in down.json()["detail"]
                assert time.monotonic() - started < REQUEST_TIMEOUT
            risk = client.post("/risk", json={"CYP2C19": "*2/*2"})
            assert risk.status_code == 503, risk.text

            embedded.start(settings)  # same home, port and password; the API is not restarted
            deadline = time.monotonic() + 60
            while True:
                again = client.get("/genes/CYP2C19")
                if again.status_code == 200 or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
            assert again.status_code == 200, again.text
            assert again.json()["properties"]["symbol"] == "CYP2C19"
            assert client.get("/health").json()["neo4j"]["reachable"] is True
    finally:
        embedded.stop(settings)
