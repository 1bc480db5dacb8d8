"""The layers keep their seams: checked on the source code itself, no database needed.

- the read side (queries, calling, export, report, simulation) never imports the loaders,
  directly or through another module;
- the shared vocabulary imports nothing of the project but itself;
- nothing outside ``pgxkg.graph`` touches the driver or opens a session;
- every query sent to Neo4j comes from a ``.cypher`` file, never a string in Python code.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "pgxkg"
READ_SIDE = ("pgxkg.queries", "pgxkg.calling", "pgxkg.export", "pgxkg.report", "pgxkg.simulate",
             "pgxkg.vocab", "pgxkg.graph")
QUERY_METHODS = {"read", "write", "stream", "read_capped", "run_implicit"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, ast.Module]:
    return {module_name(path): ast.parse(path.read_text(), str(path)) for path in PACKAGE.rglob("*.py")}


def imports(tree: ast.Module) -> set[str]:
    """Every pgxkg module a module imports, at top level or inside functions."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("pgxkg")}


def closure(start: str, graph: dict[str, set[str]]) -> dict[str, list[str]]:
    """Every module reachable from ``start``, with one import chain that reaches it."""
    chains = {start: [start]}
    todo = [start]
    while todo:
        current = todo.pop()
        for target in graph.get(current, ()):
            if target in graph and target not in chains:
                chains[target] = [*chains[current], target]
                todo.append(target)
    return chains


@pytest.fixture(scope="module")
def trees() -> dict[str, ast.Module]:
    return modules()


def test_the_read_side_never_reaches_the_loaders(trees: dict[str, ast.Module]) -> None:
    graph = {name: imports(tree) for name, tree in trees.items()}
    offences = []
    for name in graph:
        if not name.startswith(READ_SIDE):
            continue
        for reached, chain in closure(name, graph).items():
            if reached.startswith(("pgxkg.loaders", "pgxkg.api", "pgxkg.cli")):
                offences.append(" -> ".join(chain))
    assert not offences, "read-side modules reach the loaders or the entry points:\n" + "\n".join(offences)


def test_the_vocabulary_imports_only_itself(trees: dict[str, ast.Module]) -> None:
    for name, tree in trees.items():
        if name.startswith("pgxkg.vocab"):
            assert {i for i in imports(tree) if not i.startswith("pgxkg.vocab")} == set(), name


def test_only_the_graph_package_touches_the_driver(trees: dict[str, ast.Module]) -> None:
    offences = []
    for name, tree in trees.items():
        if name.startswith("pgxkg.graph"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in {"driver", "session", "begin_transaction"}:
                offences.append(f"{name}:{node.lineno} .{node.attr}")
            if isinstance(node, ast.ImportFrom) and node.module == "neo4j" and any(
                    alias.name in {"GraphDatabase", "Driver", "Session"} for alias in node.names):
                offences.append(f"{name}:{node.lineno} imports the driver")
    assert not offences, "\n".join(offences)


def test_every_query_comes_from_a_cypher_file(trees: dict[str, ast.Module]) -> None:
    """A call like ``graph.read("MATCH ...")`` or ``tx.run(f"...")`` is refused: Cypher lives in .cypher files
    (schema DDL generated from the declaration in pgxkg/graph/schema.py is the one exception)."""
    offences = []
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args):
                continue
            literal = isinstance(node.args[0], ast.Constant | ast.JoinedStr) and not (
                isinstance(node.args[0], ast.Constant) and not isinstance(node.args[0].value, str))
            if literal and (node.func.attr in QUERY_METHODS or node.func.attr == "run"):
                if not _looks_like_cypher(node.args[0]):
                    continue  # file.read(...), handle.write("..."), uvicorn.run("app") and friends
                offences.append(f"{name}:{node.lineno} {node.func.attr}({ast.unparse(node.args[0])[:60]})")
    assert not offences, "\n".join(offences)


def _looks_like_cypher(node: ast.expr) -> bool:
    text = ast.unparse(node).upper()
    return any(word in text for word in ("MATCH ", "MERGE ", "CREATE ", "CALL ", "UNWIND ", "RETURN ", "SHOW "))
