"""How a Neo4j node or relationship becomes an exported node or edge.

One mapping for every format, so a graph exported as GraphML and as KGX
says the same thing. Nodes are identified as ``Label:key`` (``Gene:CYP2C19``,
``Drug:clopidogrel``): keys alone can collide across labels. Edges are keyed
by relationship type, which is unique per ordered pair (the loaders MERGE them).

Node attributes: ``id``, ``type`` (the Neo4j label), ``key``, ``name``,
``label`` (display text, what Gephi and Cytoscape draw), ``category`` (Biolink),
``sources``, then the node's own properties. Edge attributes: ``id``,
``label`` (the relationship type), ``predicate`` (Biolink), ``sources``,
then the relationship's properties. List values are joined with ``|``
(the KGX convention), since GraphML and GEXF hold only scalars.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pgxkg.graph.schema import NODES_BY_LABEL, RELS_BY_TYPE

LIST_SEPARATOR = "|"
# Characters XML 1.0 cannot hold (a few source texts carry them); dropped in every format, so formats agree.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
NODE_FIELDS = ("id", "type", "key", "name", "label", "category", "sources")
EDGE_FIELDS = ("id", "label", "predicate", "sources")
Scalar = str | int | float | bool
Attrs = dict[str, Scalar]
NodeRow = tuple[str, Attrs]
EdgeRow = tuple[str, str, str, Attrs]


def node_id(label: str, key: Any) -> str:
    return f"{label}:{key}"


def flat(value: Any) -> Scalar | None:
    """A value GraphML, GEXF and a table cell can all hold; None for nothing."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return _NOT_XML.sub("", LIST_SEPARATOR.join(str(item) for item in value)) if value else None
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, int | float | bool):
        return value
    return str(value)  # temporal and spatial values


def _properties(props: dict[str, Any], reserved: Iterable[str], owner: str, skip: set[str]) -> Attrs:
    attrs: Attrs = {}
    reserved = set(reserved)
    for name, value in props.items():
        if name in skip:
            continue
        value = flat(value)
        if value is None:
            continue
        # A property named like one of ours (Recommendation.category) keeps its value under a longer name.
        attrs[f"{owner.lower()}_{name}" if name in reserved else name] = value
    return attrs


def display_label(label: str, key: str, name: str, props: dict[str, Any]) -> str:
    """Short text to draw on a node: ids like "CPIC:clopidogrel:CYP2C19=..." say little at a glance."""
    if label == "Recommendation":
        return f"{props.get('source', '')}: {'; '.join(props.get('phenotypes') or []) or props.get('drug', '')}"
    if label == "ClinicalAnnotation":
        return f"{props.get('variant') or props.get('gene', '')} {props.get('genotype', '')} " \
               f"(level {props.get('level', '?')})"
    if label in {"Allele", "Phenotype"}:
        return key
    return name


def node_row(label: str, key: Any, props: dict[str, Any]) -> NodeRow:
    ident = node_id(label, key)
    name = str(props.get("name") or props.get("symbol") or key)
    node_type = NODES_BY_LABEL.get(label)
    skip = {"name", "sources"} | ({"id"} if str(props.get("id")) == str(key) else set())
    attrs: Attrs = {"id": ident, "type": label, "key": str(key), "name": name,
                    "label": display_label(label, str(key), name, props),
                    "category": node_type.biolink if node_type else "biolink:NamedThing"}
    sources = flat(props.get("sources"))
    if sources is not None:
        attrs["sources"] = sources
    attrs.update(_properties(props, NODE_FIELDS, label, skip))
    return ident, attrs


def edge_row(start: str, rel_type: str, end: str, props: dict[str, Any]) -> EdgeRow:
    rel = RELS_BY_TYPE.get(rel_type)
    attrs: Attrs = {"id": f"{start}-{rel_type}->{end}", "label": rel_type,
                    "predicate": rel.biolink if rel else "biolink:related_to"}
    sources = flat(props.get("sources"))
    if sources is not None:
        attrs["sources"] = sources
    attrs.update(_properties(props, EDGE_FIELDS, "relationship", {"sources"}))
    return start, end, rel_type, attrs


def node_from_record(row: dict[str, Any]) -> NodeRow:
    return node_row(row["label"], row["key"], row["properties"])


def edge_from_record(row: dict[str, Any]) -> EdgeRow:
    return edge_row(node_id(row["start_label"], row["start_key"]), row["type"],
                    node_id(row["end_label"], row["end_key"]), row["properties"])


def columns_for(scope: str, names: dict[str, list[str]]) -> list[str]:
    """The attribute names rows of ``scope`` can have, given each label's (type's) property names."""
    found: dict[str, None] = dict.fromkeys(NODE_FIELDS if scope == "node" else EDGE_FIELDS)
    for owner, keys in names.items():
        props = dict.fromkeys(keys, "x")
        attrs = node_row(owner, "x", props)[1] if scope == "node" else edge_row("a", owner, "b", props)[3]
        found.update(dict.fromkeys(attrs))
    return list(found)


def uniform_types(rows: Iterable[Attrs]) -> None:
    """Give each attribute one type across all rows, in place (GEXF declares one type per attribute).

    Where an attribute is a number on some rows and text on others (DrugClass.level is 1-4,
    ClinicalAnnotation.level is "1A"), it becomes text everywhere; ints mixed with floats become floats.
    """
    rows = list(rows)
    seen: dict[str, set[type]] = {}
    for attrs in rows:
        for name, value in attrs.items():
            seen.setdefault(name, set()).add(type(value))
    target: dict[str, type] = {}
    for name, types in seen.items():
        if len(types) > 1:
            target[name] = float if types <= {int, float} else str
    if not target:
        return
    for attrs in rows:
        for name, kind in target.items():
            if name in attrs and type(attrs[name]) is not kind:
                attrs[name] = kind(attrs[name])
