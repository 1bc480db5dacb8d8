"""The one door to the database: a driver from Settings, failures turned into clear errors.

Nothing outside ``pgxkg.graph`` touches the driver or opens a session: every read, write,
stream and capped read-only run goes through ``Graph``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import neo4j
from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired

from pgxkg.errors import GraphUnavailable
from pgxkg.graph.values import plain
from pgxkg.settings import Settings

T = TypeVar("T")
STREAM_BATCH = 5_000
UNREACHABLE = (ServiceUnavailable, SessionExpired, ConnectionError, OSError)


def _unreachable(settings: Settings, cause: Exception) -> GraphUnavailable:
    hint = (
        "start the local server with `pgxkg neo4j start`"
        if settings.embedded
        else "check that the server at NEO4J_URI is up and reachable"
    )
    reason = " ".join(str(cause).split())  # the driver's message spans lines; the CLI prints one
    return GraphUnavailable(f"Neo4j at {settings.effective_uri} is not reachable ({reason}).", hint)


def _refused(settings: Settings, cause: Exception) -> GraphUnavailable:
    return GraphUnavailable(
        f"Neo4j at {settings.effective_uri} refused the credentials of user "
        f"{settings.user!r} ({getattr(cause, 'message', None) or cause}).",
        "set NEO4J_USER / NEO4J_PASSWORD to the server's credentials",
    )


def open_driver(settings: Settings, verify: bool = True, retry_seconds: float = 10.0) -> Driver:
    """A driver for the configured server; verifies connectivity unless told not to.

    ``retry_seconds`` bounds how long transient failures (a restarting server) are
    retried before the caller hears about them.
    """
    driver = GraphDatabase.driver(
        settings.effective_uri,
        auth=(settings.user, settings.effective_password()),
        connection_timeout=5.0,
        connection_acquisition_timeout=10.0,
        max_transaction_retry_time=retry_seconds,
        max_connection_pool_size=50,
        notifications_min_severity="OFF",
    )
    if verify:
        try:
            driver.verify_connectivity()
        except Exception as error:
            driver.close()
            raise translate(settings, error) from error
    return driver


def translate(settings: Settings, error: Exception) -> Exception:
    """Map a driver exception to a GraphUnavailable where it means the server is out of reach."""
    if isinstance(error, AuthError):
        return _refused(settings, error)
    if isinstance(error, UNREACHABLE):
        return _unreachable(settings, error)
    return error


class Graph:
    """A driver plus the database name: the one object query code talks to."""

    def __init__(self, settings: Settings, driver: Driver | None = None) -> None:
        self.settings = settings
        self.driver = driver or open_driver(settings)

    @classmethod
    def connect(cls, settings: Settings | None = None) -> Graph:
        return cls(settings or Settings.from_env())

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except (AuthError, *UNREACHABLE) as error:
            raise translate(self.settings, error) from error

    def read(self, query: str, timeout: float | None = None, **params: Any) -> list[dict]:
        """Run a read query (routed to readers, read access mode) and return plain rows."""
        return self._run(query, params, neo4j.READ_ACCESS, timeout)

    def write(self, query: str, timeout: float | None = None, **params: Any) -> list[dict]:
        """Run one write query in its own retried transaction."""
        return self._run(query, params, neo4j.WRITE_ACCESS, timeout)

    def _run(self, query: str, params: dict, mode: str, timeout: float | None) -> list[dict]:
        with self._translated():
            records, _, _ = self.driver.execute_query(
                neo4j.Query(query, timeout=timeout),
                parameters_=params,
                database_=self.settings.database,
                routing_=neo4j.RoutingControl.READ
                if mode == neo4j.READ_ACCESS
                else neo4j.RoutingControl.WRITE,
            )
        return [record.data() for record in records]

    def stream(self, query: str, batch: int = STREAM_BATCH, **params: Any) -> Iterator[dict[str, Any]]:
        """Rows of a read query one by one; the server sends ``batch`` records per round trip,
        so a whole-graph export never holds all rows at once."""
        with self._translated(), self.driver.session(database=self.settings.database, fetch_size=batch,
                                                     default_access_mode=neo4j.READ_ACCESS) as session:
            for record in session.run(query, params):
                yield record.data()

    def read_capped(self, query: str, params: dict[str, Any], timeout: float,
                    max_rows: int) -> tuple[list[dict[str, Any]], bool]:
        """At most ``max_rows`` rows (as plain JSON values) of a query run in a READ transaction
        with a server-side ``timeout`` (seconds), and whether more rows were cut off.

        The transaction is rolled back, never committed, and left as soon as the cap is
        reached, so the server stops producing rows nobody will read. Parameters Bolt cannot
        carry raise OverflowError/ValueError/TypeError; a query the server refuses raises
        the driver's Neo4jError.
        """
        rows: list[dict[str, Any]] = []
        truncated = False
        with self._translated(), \
                self.driver.session(database=self.settings.database, default_access_mode=neo4j.READ_ACCESS,
                                    fetch_size=min(max_rows + 1, 1000)) as session, \
                session.begin_transaction(timeout=timeout) as tx:
            for record in tx.run(query, params):
                if len(rows) >= max_rows:
                    truncated = True
                    break
                rows.append({key: plain(value) for key, value in record.data().items()})
            tx.rollback()
        return rows, truncated

    def run_implicit(self, query: str, **params: Any) -> None:
        """Run an auto-commit query (needed for CALL { ... } IN TRANSACTIONS)."""
        with self._translated(), self.driver.session(database=self.settings.database) as session:
            session.run(query, params).consume()

    def write_transaction(self, work: Callable[[ManagedTransaction], T]) -> T:
        """Run ``work`` in one retried write transaction: all of it lands or none."""
        with self._translated(), self.driver.session(database=self.settings.database) as session:
            return session.execute_write(work)

    def read_transaction(self, work: Callable[[ManagedTransaction], T]) -> T:
        with self._translated(), self.driver.session(database=self.settings.database) as session:
            return session.execute_read(work)


def wait_until_available(settings: Settings, timeout: float = 60.0) -> None:
    """Block until the server answers, re-raising the last error after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            open_driver(settings).close()
            return
        except GraphUnavailable:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.5)
