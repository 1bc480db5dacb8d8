"""Run Cypher a researcher wrote: read-only, time-limited and row-limited.

Three fences: a check that refuses write clauses and non-whitelisted procedure
calls before anything is sent; a READ access-mode transaction, which the server
itself refuses to write in; and a server-side transaction timeout plus a row cap.
"""

from __future__ import annotations

import re
from typing import Any

from neo4j.exceptions import DatabaseError

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
MAX_PARAM_DEPTH = 32  # the driver packs and unpacks values recursively; deeper lists fail mid-result


def bracket_depth(text: str) -> int:
    depth = deepest = 0
    for char in text:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth = max(0, depth - 1)
    return deepest


def nesting(value: Any) -> int:
    """How deeply lists and maps nest in ``value`` (iteratively: the value may be very deep)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((sub, depth + 1) for sub in item.values())
        elif isinstance(item, list | tuple):
            stack.extend((sub, depth + 1) for sub in item)
    return deepest


def check_read_only(query: str) -> None:
    """Refuse anything that could write, load files or call a procedure not known to be a read."""
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidInput(f"the query is longer than {MAX_QUERY_CHARS} characters")
    bare = _STRINGS.sub("''", _COMMENTS.sub(" ", query))
    if bracket_depth(bare) > MAX_PARAM_DEPTH:  # the server's parser can take minutes over deep literals
        raise InvalidInput(f"brackets may nest at most {MAX_PARAM_DEPTH} levels deep")
    write = _WRITE_WORDS.search(bare)
    if write:
        raise InvalidInput(f"read-only endpoint: {write.group(0).upper()} is not allowed")
    for procedure in _PROCEDURE.findall(bare):
        if procedure.lower() not in READ_PROCEDURES:
            raise InvalidInput(f"read-only endpoint: procedure {procedure} is not allowed",
                               sorted(READ_PROCEDURES))


def run_read_only(graph: Graph, query: str, params: dict[str, Any], timeout_s: float,
                  max_rows: int) -> dict[str, Any]:
    """``{"rows": [...], "truncated": bool, "max_rows": n}``: at most ``max_rows`` rows as plain JSON
    values, from a READ transaction that is rolled back and stopped after ``timeout_s`` seconds.

    Raises InvalidInput for a query the read-only check refuses, parameters nested too deep or
    that Bolt cannot carry, and a query text the server cannot run.
    """
    check_read_only(query)
    if nesting(params) > MAX_PARAM_DEPTH:
        raise InvalidInput(f"parameters may nest at most {MAX_PARAM_DEPTH} levels deep")
    try:
        rows, truncated = graph.read_capped(query, params, timeout_s, max_rows)
    except (OverflowError, ValueError, TypeError) as error:  # a parameter Bolt cannot carry
        raise InvalidInput(f"parameter not accepted: {error}") from None
    except DatabaseError as error:  # the server choked on the text itself (e.g. a lone backslash)
        raise InvalidInput(f"the database could not run this query ({error.message})") from None
    return {"rows": rows, "truncated": truncated, "max_rows": max_rows}
