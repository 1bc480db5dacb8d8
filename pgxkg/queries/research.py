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

from neo4j.exceptions import ClientError

from pgxkg.errors import InvalidInput, NotFound
from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher

MAX_DEPTH = 3
MAX_SUBGRAPH_NODES = 500
MAX_HOPS = 8
MAX_SEARCH_WORDS = 8
INTEGER_PARAMS = {"limit", "depth", "max_hops", "sample", "offset"}
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
        # Integer parameters default to their example; an empty example marks an optional text one.
        value = given.get(name, example if name in INTEGER_PARAMS or example == "" else None)
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
        return search(graph, params["q"], params["limit"], params.get("offset", 0))
    return graph.read(queries[name].text, **params)


def escape_lucene(text: str) -> str:
    return _LUCENE_SPECIAL.sub(r"\\\1", text)


def search(graph: Graph, q: str, limit: int = 20, offset: int = 0, fuzzy: bool = False) -> list[dict[str, Any]]:
    """Full-text hits, best first; ``fuzzy`` also matches words one or two edits away (for suggestions)."""
    # Lower case: the index is case-insensitive anyway, and AND/OR/NOT stop being operators.
    words = [escape_lucene(w.lower()) for w in q.split() if w.strip()][:MAX_SEARCH_WORDS]
    if not words:
        raise InvalidInput("the search text is empty")
    query = " AND ".join(f"({w} OR {w}*" + (f" OR {w}~)" if fuzzy else ")") for w in words)
    try:
        return graph.read(read_cypher("pgxkg.queries", "search"), q=query,
                          limit=_bounded(limit, 1, 200, "limit"), offset=_bounded(offset, 0, 10_000, "offset"))
    except ClientError as error:  # e.g. Lucene's limit on the clauses a prefix query expands to
        raise InvalidInput(f"cannot search for {q!r}: {error.message}") from None


def suggest(graph: Graph, key: str, label: str | None = None, n: int = 5) -> list[str]:
    """Near matches for a key nothing is called: prefix and fuzzy full-text hits."""
    if not key.strip():
        return []
    try:
        hits = search(graph, key, 25, fuzzy=True)
    except InvalidInput:
        return []
    return [hit["key"] if label else f"{hit['key']} ({hit['label']})"
            for hit in hits if not label or hit["label"] == label][:n]


def find_entity(graph: Graph, key: str, label: str | None = None) -> dict[str, Any]:
    """The node a user means by ``key`` (only among ``label`` nodes if given); NotFound with near matches."""
    key = key.strip()
    rows = graph.read(read_cypher("pgxkg.queries", "find_entity"), key=key, label=label or "") if key else []
    if rows:
        return rows[0]
    what = {"Gene": "gene", "Drug": "drug", "Disease": "disease", "Variant": "variant",
            "Allele": "allele"}.get(label or "", "thing in the graph")
    raise NotFound(f"no {what} is called {key!r}", suggest(graph, key, label))


SUMMARY_LABELS = ("Gene", "Drug", "Disease", "Variant", "Allele")


def entity_summary(graph: Graph, key: str, label: str, sample: int = 10) -> dict[str, Any]:
    """A Gene, Drug, Disease, Variant or Allele with neighbours grouped by type; NotFound with near matches."""
    if label not in SUMMARY_LABELS:
        raise InvalidInput(f"entity summaries are for {', '.join(SUMMARY_LABELS)}, not {label}")
    key = key.strip()
    rows = graph.read(read_cypher("pgxkg.queries", "entity_summary"), key=key, label=label,
                      sample=_bounded(sample, 0, 100, "sample")) if key else []
    if not rows:
        raise NotFound(f"no {label.lower()} is called {key!r}", suggest(graph, key, label))
    row = rows[0]
    row["evidence"] = {n["type"] + ("" if n["direction"] == "out" else "<-") + ":" + n["label"]: n["count"]
                       for n in row["neighbours"]}
    return row


def resolve_drug_id(graph: Graph, key: str) -> str:
    """The drug's id for a name, synonym, RxNorm or PharmGKB id (NotFound with near matches)."""
    return _drug(graph, key)["id"]


def _drug(graph: Graph, key: str) -> dict[str, Any]:
    key = key.strip()
    rows = graph.read(read_cypher("pgxkg.queries", "drug_lookup"), name=key) if key else []
    if rows:
        return {"element_id": rows[0]["element_id"], "label": "Drug", "id": rows[0]["id"]}
    raise NotFound(f"no drug is called {key!r}", suggest(graph, key, "Drug"))


def shortest_paths(graph: Graph, source: str, target: str, max_hops: int = 4,
                   limit: int = 5) -> list[dict[str, Any]]:
    start, end = find_entity(graph, source), find_entity(graph, target)
    if start["element_id"] == end["element_id"]:
        raise InvalidInput(f"{source!r} and {target!r} name the same entity; a path needs two")
    return graph.read(read_cypher("pgxkg.queries", "shortest_path"),
                      from_element=start["element_id"], to_element=end["element_id"],
                      max_hops=_bounded(max_hops, 1, MAX_HOPS, "max_hops"),
                      limit=_bounded(limit, 1, 50, "limit"), timeout=10)


def neighbourhood_elements(graph: Graph, center: str, depth: int, limit: int) -> list[str]:
    """The center's element id and up to ``limit`` nodes in ``depth`` rings around it.

    Breadth-first, one bounded query per ring, each ring balanced across labels (the best
    neighbour of every label in turn), so a hub's hundreds of diplotypes cannot crowd out
    its drugs and cannot blow the size up.
    """
    root = find_entity(graph, center)["element_id"]
    seen = [root]
    frontier = [root]
    for _ in range(depth):
        room = limit - (len(seen) - 1)
        if room <= 0 or not frontier:
            break
        ring = graph.read(read_cypher("pgxkg.queries", "neighbourhood"), frontier=frontier, seen=seen, limit=room)
        frontier = [row["element_id"] for row in ring]
        seen += frontier
    return seen


def subgraph(graph: Graph, center: str, depth: int = 1, limit: int = 100) -> dict[str, Any]:
    """The neighbourhood's nodes and the relationships among them (see neighbourhood_elements)."""
    depth = _bounded(depth, 1, MAX_DEPTH, "depth")
    limit = _bounded(limit, 1, MAX_SUBGRAPH_NODES, "limit")
    seen = neighbourhood_elements(graph, center, depth, limit - 1)  # the cap counts the center too
    result = graph.read(read_cypher("pgxkg.queries", "subgraph"), elements=seen)[0]
    result["center"] = seen[0]
    result["truncated"] = len(seen) >= limit
    return result


def _bounded(value: int, low: int, high: int, name: str) -> int:
    if not low <= value <= high:
        raise InvalidInput(f"{name} must be between {low} and {high}, not {value}")
    return value
