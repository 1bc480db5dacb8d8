"""Read Cypher from the package's ``.cypher`` files.

Values always travel as parameters. Labels and relationship types cannot be
parameters in Cypher, so templates name them with ``__PLACEHOLDERS__`` that are
filled only with identifiers from the schema declaration.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from pgxkg.graph.schema import NODES_BY_LABEL, RELS_BY_TYPE

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PLACEHOLDER = re.compile(r"__([A-Z_]+)__")


@cache
def read_cypher(package: str, name: str) -> str:
    """The text of ``name``.cypher in ``package`` (e.g. "pgxkg.queries")."""
    return (resources.files(package) / "cypher" / f"{name}.cypher").read_text()


def fill(template: str, **names: str) -> str:
    """Fill schema identifiers (labels, types, keys) into a template; refuse anything else."""
    known = set(NODES_BY_LABEL) | set(RELS_BY_TYPE) | {n.key for n in NODES_BY_LABEL.values()}
    for value in names.values():
        if not _IDENTIFIER.match(value) or value not in known:
            raise ValueError(f"{value!r} is not a schema identifier")
    filled = _PLACEHOLDER.sub(lambda m: names[m.group(1).lower()], template)
    return filled
