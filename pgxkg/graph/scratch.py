"""Throwaway embedded Neo4j servers for benchmarks and tests: own home, free port, stopped after."""

from __future__ import annotations

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


def scratch_settings(home: Path, cache: Path | None = None) -> Settings:
    """An embedded server in ``home`` on a free loopback port, sharing the user's source cache."""
    base = Settings.from_env()
    return Settings.of(uri=None, user="neo4j", password=None, database="neo4j", home=home,
                       cache=cache or base.cache, bolt_host="127.0.0.1", bolt_port=free_port(), heap=base.heap)


@contextmanager
def running(settings: Settings) -> Iterator[Settings]:
    """The embedded server of ``settings``, started here and stopped on the way out."""
    embedded.start(settings)
    try:
        yield settings
    finally:
        embedded.stop(settings)


@contextmanager
def scratch_neo4j(home: Path | None = None) -> Iterator[Settings]:
    """A fresh embedded Neo4j on a free port, stopped (and its folder removed) afterwards."""
    with tempfile.TemporaryDirectory(prefix="pgxkg-scratch-") as tmp, \
            running(scratch_settings(home or Path(tmp))) as settings:
        yield settings
