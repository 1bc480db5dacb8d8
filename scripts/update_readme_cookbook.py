"""Rewrite the README's query cookbook: every named query, its parameters, and its real output.

Runs each query in pgxkg/queries/cypher with its example parameters against the configured
graph (read-only) and pastes the first rows under it.
"""

from __future__ import annotations

import json
from pathlib import Path

from pgxkg.graph.connection import Graph
from pgxkg.queries.research import named_queries, run_named

START, END = "<!-- cookbook:start -->", "<!-- cookbook:end -->"
SKIP = {"entity_summary", "find_entity", "drug_lookup"}  # building blocks of the API, shown there
ROWS = 4


def shorten(value: object) -> object:
    if isinstance(value, str) and len(value) > 90:
        return value[:87] + "..."
    if isinstance(value, list):
        return [shorten(v) for v in value[:6]] + (["..."] if len(value) > 6 else [])
    if isinstance(value, dict):
        return {k: shorten(v) for k, v in list(value.items())[:8]}
    return value


def section(graph: Graph) -> str:
    parts = []
    for query in named_queries().values():
        if query.name in SKIP:
            continue
        params = " ".join(f"--param {k}={v}" for k, v in query.params.items())
        rows = run_named(graph, query.name, dict(query.params))
        if query.name == "subgraph":
            rows = [{"nodes": len(r["nodes"]), "relationships": len(r["relationships"]),
                     "truncated": r["truncated"], "first_nodes": [n["key"] for n in r["nodes"][:6]]}
                    for r in rows]
        shown = "\n".join(json.dumps(shorten(r), default=str) for r in rows[:ROWS])
        more = f"\n... {len(rows) - ROWS} more rows" if len(rows) > ROWS else ""
        file = f"pgxkg/queries/cypher/{query.name}.cypher" if query.text else "pgxkg/queries/research.py"
        parts.append(f"#### `{query.name}`\n\n{query.description} ([{file}]({file}))\n\n"
                     f"```bash\npgxkg query {query.name} {params} --format json\n```\n\n"
                     f"```\n{shown}{more}\n```\n")
    return "\n".join(parts)


def main() -> None:
    readme = Path(__file__).resolve().parents[1] / "README.md"
    text = readme.read_text()
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    with Graph.connect() as graph:
        readme.write_text(f"{head}{START}\n{section(graph)}\n{END}{tail}")


if __name__ == "__main__":
    main()
