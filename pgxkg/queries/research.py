"""The research query library: named, documented ``.cypher`` files and typed helpers.

Each public query file starts with ``// name:``, ``// description:`` and
``// params:`` lines; `pgxkg query NAME --param k=v` and the README cookbook
are driven by those headers.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from pgxkg.errors import InvalidInput, NotFound
from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher

MAX_DEPTH = 3
MAX_SUBGRAPH_NODES = 500
MAX_HOPS = 8
INTEGER_PARAMS = {"limit", "depth", "max_hops", "sample"}
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    params: dict[str, str]  # name -> example value
    text: str


@cache
def named_queries() -> dict[str, NamedQuery]:
    found = {}
    for entry in sorted(resources.files("pgxkg.queries").joinpath("cypher").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".cypher"):
            continue
        text = entry.read_text()
        header = dict(re.findall(r"^// (name|description|params):[ \t]*(.*)$", text, re.MULTILINE))
        if "name" not in header or header["name"] in {"neighbourhood", "subgraph"}:
            continue
        params = dict(p.split("=", 1) for p in header.get("params", "").split() if "=" in p)
        found[header["name"]] = NamedQuery(header["name"], header.get("description", ""), params, text)
    found["subgraph"] = NamedQuery(
        "subgraph", "The neighbourhood of an entity up to depth hops (1-3), capped at limit nodes.",
        {"center": "clopidogrel", "depth": "1", "limit": "100"}, "")
    return found


def coerce_params(query: NamedQuery, given: dict[str, str]) -> dict[str, Any]:
    unknown = sorted(set(given) - set(query.params))
    if unknown:
        raise InvalidInput(f"query {query.name!r} takes no parameter {', '.join(unknown)}",
                           sorted(query.params))
    params: dict[str, Any] = {}
    for name, example in query.params.items():
        value = given.get(name, example if name in INTEGER_PARAMS else None)
        if value is None:
            raise InvalidInput(f"query {query.name!r} needs --param {name}=... (e.g. {name}={example})")
        if name in INTEGER_PARAMS:
            try:
                params[name] = int(value)
            except ValueError:
                raise InvalidInput(f"{name} must be a whole number, not {value!r}") from None
        else:
            params[name] = value
    return params


def run_named(graph: Graph, name: str, given: dict[str, str]) -> list[dict[str, Any]]:
    queries = named_queries()
    if name not in queries:
        raise NotFound(f"no query named {name!r}", difflib.get_close_matches(name, list(queries), n=3)
                       or sorted(queries))
    params = coerce_params(queries[name], given)
    if name == "shortest_path":
        return shortest_paths(graph, params["from"], params["to"], params["max_hops"])
    if name == "subgraph":
        return [subgraph(graph, params["center"], params["depth"], params["limit"])]
    if name == "search":
        return search(graph, params["q"], params["limit"])
    return graph.read(queries[name].text, **params)


def escape_lucene(text: str) -> str:
    return _LUCENE_SPECIAL.sub(r"\\\1", text)


def search(graph: Graph, q: str, limit: int = 20) -> list[dict[str, Any]]:
    words = [escape_lucene(w) for w in q.split() if w.strip()]
    if not words:
        raise InvalidInput("the search text is empty")
    query = " AND ".join(f"({w} OR {w}*)" for w in words)
    return graph.read(read_cypher("pgxkg.queries", "search"), q=query, limit=_bounded(limit, 1, 200, "limit"))


def find_entity(graph: Graph, key: str) -> dict[str, Any]:
    """The node a user means by ``key``; NotFound with near matches from the full-text index."""
    rows = graph.read(read_cypher("pgxkg.queries", "find_entity"), key=key.strip())
    if rows:
        return rows[0]
    suggestions: list[str] = []
    if key.strip():
        suggestions = [f"{r['key']} ({r['label']})" for r in search(graph, key, 5)]
    raise NotFound(f"nothing in the graph is called {key!r}", suggestions)


def entity_summary(graph: Graph, key: str, label: str | None = None, sample: int = 10) -> dict[str, Any]:
    """A node with neighbours grouped by type; ``label`` restricts what ``key`` may name."""
    found = find_entity(graph, key) if label != "Drug" else _drug(graph, key)
    if label and found["label"] != label:
        raise NotFound(f"{key!r} is a {found['label']}, not a {label}")
    row = graph.read(read_cypher("pgxkg.queries", "entity_summary"), element=found["element_id"],
                     sample=sample)[0]
    row["evidence"] = {n["type"] + ("" if n["direction"] == "out" else "<-") + ":" + n["label"]: n["count"]
                       for n in row["neighbours"]}
    return row


def resolve_drug_id(graph: Graph, key: str) -> str:
    """The drug's id for a name, synonym, RxNorm or PharmGKB id (NotFound with near matches)."""
    return _drug(graph, key)["id"]


def _drug(graph: Graph, key: str) -> dict[str, Any]:
    rows = graph.read(read_cypher("pgxkg.queries", "drug_lookup"), name=key.strip())
    if rows:
        return {"element_id": rows[0]["element_id"], "label": "Drug", "id": rows[0]["id"]}
    suggestions = [r["key"] for r in search(graph, key, 8) if r["label"] == "Drug"][:5] if key.strip() else []
    raise NotFound(f"no drug is called {key!r}", suggestions)


def shortest_paths(graph: Graph, source: str, target: str, max_hops: int = 4,
                   limit: int = 5) -> list[dict[str, Any]]:
    start, end = find_entity(graph, source), find_entity(graph, target)
    return graph.read(read_cypher("pgxkg.queries", "shortest_path"),
                      from_element=start["element_id"], to_element=end["element_id"],
                      max_hops=_bounded(max_hops, 1, MAX_HOPS, "max_hops"),
                      limit=_bounded(limit, 1, 50, "limit"), timeout=10)


def subgraph(graph: Graph, center: str, depth: int = 1, limit: int = 100) -> dict[str, Any]:
    """Breadth-first, one bounded query per ring, so a hub cannot blow the size up."""
    depth = _bounded(depth, 1, MAX_DEPTH, "depth")
    limit = _bounded(limit, 1, MAX_SUBGRAPH_NODES, "limit")
    root = find_entity(graph, center)
    seen = [root["element_id"]]
    frontier = list(seen)
    for _ in range(depth):
        room = limit - len(seen)
        if room <= 0 or not frontier:
            break
        ring = graph.read(read_cypher("pgxkg.queries", "neighbourhood"), frontier=frontier, seen=seen,
                          limit=room)
        frontier = [row["element_id"] for row in ring]
        seen += frontier
    result = graph.read(read_cypher("pgxkg.queries", "subgraph"), elements=seen)[0]
    result["center"] = root["element_id"]
    result["truncated"] = len(seen) >= limit
    return result


def _bounded(value: int, low: int, high: int, name: str) -> int:
    if not low <= value <= high:
        raise InvalidInput(f"{name} must be between {low} and {high}, not {value}")
    return value
