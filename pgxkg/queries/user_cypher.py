"""Run Cypher a researcher wrote: read-only, time-limited and row-limited.

Three fences: a check that refuses write clauses and non-whitelisted procedure
calls before anything is sent; a READ access-mode transaction, which the server
itself refuses to write in; and a server-side transaction timeout plus a row cap.
"""

from __future__ import annotations

import re
from typing import Any

import neo4j

from pgxkg.errors import InvalidInput
from pgxkg.graph.connection import Graph

_STRINGS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`")
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_WRITE_WORDS = re.compile(
    r"(?<![.$])\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|FOREACH|LOAD|GRANT|DENY|REVOKE|ALTER|"
    r"RENAME|TERMINATE|USE|ENABLE|SHOW)\b|\bIN\s+TRANSACTIONS\b",
    re.IGNORECASE,
)
_PROCEDURE = re.compile(r"\bCALL\s+([A-Za-z_][\w.]*)", re.IGNORECASE)
READ_PROCEDURES = frozenset({
    "db.labels", "db.relationshiptypes", "db.propertykeys", "db.schema.visualization",
    "db.schema.nodetypeproperties", "db.schema.reltypeproperties", "db.index.fulltext.querynodes",
    "db.index.fulltext.queryrelationships", "dbms.components",
})
MAX_QUERY_CHARS = 20_000


def check_read_only(query: str) -> None:
    """Refuse anything that could write, load files or call a procedure not known to be a read."""
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidInput(f"the query is longer than {MAX_QUERY_CHARS} characters")
    bare = _STRINGS.sub("''", _COMMENTS.sub(" ", query))
    write = _WRITE_WORDS.search(bare)
    if write:
        raise InvalidInput(f"read-only endpoint: {write.group(0).upper()} is not allowed")
    for procedure in _PROCEDURE.findall(bare):
        if procedure.lower() not in READ_PROCEDURES:
            raise InvalidInput(f"read-only endpoint: procedure {procedure} is not allowed",
                               sorted(READ_PROCEDURES))


def run_read_only(graph: Graph, query: str, params: dict[str, Any], timeout_s: float,
                  max_rows: int) -> dict[str, Any]:
    """Rows (at most ``max_rows``) and whether more were cut off."""
    check_read_only(query)
    rows: list[dict[str, Any]] = []
    truncated = False

    def work(tx: neo4j.ManagedTransaction) -> None:
        nonlocal truncated
        result = tx.run(query, params)
        for record in result:
            if len(rows) >= max_rows:
                truncated = True
                break
            rows.append(record.data())
        result.consume()

    with graph.driver.session(database=graph.settings.database,
                              default_access_mode=neo4j.READ_ACCESS) as session:
        session.execute_read(neo4j.unit_of_work(timeout=timeout_s)(work))
    return {"rows": rows, "truncated": truncated, "max_rows": max_rows}
