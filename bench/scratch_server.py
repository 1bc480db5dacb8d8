"""Shared by the benchmarks: a throwaway embedded Neo4j, and printing/saving figures."""

from __future__ import annotations

import json
import os
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pgxkg.graph import embedded
from pgxkg.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def scratch_neo4j() -> Iterator[Settings]:
    """Settings for a fresh embedded server that is stopped and deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="pgxkg-bench-") as home:
        os.environ.pop("NEO4J_URI", None)
        base = Settings.from_env()
        settings = Settings(uri=None, user="neo4j", password=None, database="neo4j", home=Path(home),
                            cache=base.cache, bolt_host="127.0.0.1", bolt_port=free_port(), heap=base.heap)
        embedded.start(settings)
        try:
            yield settings
        finally:
            embedded.stop(settings)


def save_results(name: str, results: dict) -> None:
    """Print the figures and write them to bench/results/<name>.json."""
    print(json.dumps(results, indent=2))
    out = Path(__file__).resolve().parent / "results" / f"{name}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
