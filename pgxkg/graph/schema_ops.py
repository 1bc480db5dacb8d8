"""Apply the declared schema to Neo4j and render it as text for people."""

from __future__ import annotations

from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher
from pgxkg.graph.schema import (
    BIOLINK_VERSION,
    FULLTEXT_INDEX,
    NODE_TYPES,
    REL_TYPES,
    constraint_statements,
    index_statements,
)


def apply_schema(graph: Graph) -> dict[str, int]:
    """Create every constraint and index if missing, then wait for them to come online. A full-text
    index declared over other labels or properties than the one the database holds is made anew."""
    searchable = [n for n in NODE_TYPES if n.searchable]
    wanted = ({n.label for n in searchable}, {p for n in searchable for p in n.searchable})
    for row in graph.read(read_cypher("pgxkg.graph", "fulltext_index"), name=FULLTEXT_INDEX):
        if (set(row["labels"]), set(row["properties"])) != wanted:
            graph.write(read_cypher("pgxkg.graph", "drop_fulltext_index"))
    statements = constraint_statements() + index_statements()
    for statement in statements:
        graph.write(statement)
    graph.write(read_cypher("pgxkg.graph", "await_indexes"))
    return current_schema_counts(graph)


def current_schema_counts(graph: Graph) -> dict[str, int]:
    """``{"uniqueness_constraints": n, "indexes": m}`` as the database reports them."""
    return {"uniqueness_constraints": graph.read(read_cypher("pgxkg.graph", "constraint_count"))[0]["n"],
            "indexes": graph.read(read_cypher("pgxkg.graph", "index_count"))[0]["n"]}


def render_markdown() -> str:
    """The README's schema section: a Mermaid diagram plus node and relationship tables."""
    lines = ["```mermaid", "graph LR"]
    for rel in REL_TYPES:
        for start in rel.start:
            for end in rel.end:
                lines.append(f"  {start} -->|{rel.type}| {end}")
    lines += ["```", "", "| label | key | Biolink class | example | indexed | description |",
              "|---|---|---|---|---|---|"]
    for node in NODE_TYPES:
        indexed = ", ".join(node.indexes + tuple(f"{p} (full-text)" for p in node.searchable))
        lines.append(
            f"| {node.label} | `{node.key}` | {_biolink(node.biolink, node.biolink_note)} | `{node.example}` | "
            f"{indexed} | {node.description} |"
        )
    lines += ["", "| relationship | from | to | Biolink predicate | knowledge level, agent | properties "
              "| description |", "|---|---|---|---|---|---|---|"]
    for rel in REL_TYPES:
        lines.append(
            f"| {rel.type} | {', '.join(rel.start)} | {', '.join(rel.end)} | "
            f"{_biolink(rel.biolink, rel.biolink_note)} | {rel.knowledge_level}, {rel.agent_type} | "
            f"{', '.join(rel.properties)} | {rel.description} |"
        )
    lines += ["", "Every node and relationship carries `sources`: the ids of the `Source` "
              "nodes it came from. Every Biolink class and predicate above exists in Biolink "
              f"{BIOLINK_VERSION} (a test loads the model and checks them, with the predicates' "
              "domains and ranges); where Biolink has nothing of our kind, the note says why the "
              "nearest one was chosen."]
    return "\n".join(lines)


def _biolink(term: str, note: str) -> str:
    return f"`{term}`" + (f": {note}" if note else "")


def render_text() -> str:
    out = []
    for node in NODE_TYPES:
        out.append(f"(:{node.label} {{{node.key}}})  {node.description}")
    out.append("")
    for rel in REL_TYPES:
        out.append(f"({'|'.join(rel.start)})-[:{rel.type}]->({'|'.join(rel.end)})  {rel.description}")
    out.append("")
    out += constraint_statements() + index_statements()
    return "\n".join(out)
