"""A build lock kept in the database, so two builds (on any machine) cannot interleave."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager

from neo4j.exceptions import ConstraintError

from pgxkg.errors import PgxkgError
from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher
from pgxkg.graph.embedded import pid_alive


class BuildLocked(PgxkgError):
    status_code = 409


def _take(graph: Graph) -> None:
    graph.write(read_cypher("pgxkg.loaders", "acquire_lock"), host=socket.gethostname(),
                pid=os.getpid(), started_at=time.time())


@contextmanager
def build_lock(graph: Graph) -> Iterator[None]:
    """Hold the lock for the block. A lock left by a dead process on this host is taken over."""
    try:
        _take(graph)
    except ConstraintError:
        holder = graph.read(read_cypher("pgxkg.loaders", "lock_holder"))
        lock = holder[0]["l"] if holder else {}
        stale = lock.get("host") == socket.gethostname() and not pid_alive(int(lock.get("pid", 0)))
        if not stale:
            raise BuildLocked(
                f"another build is writing to this database (pid {lock.get('pid')} on "
                f"{lock.get('host')}, started {time.ctime(lock.get('started_at', 0))}).",
                "wait for it to finish; if it died on another host, remove the lock with "
                "`pgxkg build --break-lock`",
            ) from None
        release(graph)
        _take(graph)
    try:
        yield
    finally:
        release(graph)


def release(graph: Graph) -> None:
    graph.write(read_cypher("pgxkg.loaders", "release_lock"))
