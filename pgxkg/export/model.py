"""How a Neo4j node or relationship becomes an exported node or edge.

One mapping for every format, so a graph exported as GraphML and as KGX says the same thing.
A node's id is a CURIE (``RXNORM:32968`` for clopidogrel; ``pgxkg:Allele/CYP2C19*2`` where no
standard id exists; see ``identifiers``); ``pgxkg_id`` keeps the graph's own ``Label:key``
(``Drug:clopidogrel``). Edges are keyed by relationship type, which is unique per ordered pair
(the loaders MERGE them).

Node attributes: ``id``, ``pgxkg_id``, ``type`` (the Neo4j label), ``key``, ``name``, ``label``
(display text, what Gephi and Cytoscape draw), ``category`` (Biolink class), ``provided_by``
(infores ids), ``xref`` (other CURIEs), ``sources`` (Source node ids), then the node's own
properties. Edge attributes: ``id``, ``label`` (the relationship type), ``predicate`` (Biolink),
``primary_knowledge_source`` and ``aggregator_knowledge_source`` (infores ids, see
``knowledge_sources``), ``knowledge_level``, ``agent_type`` (Biolink enums), ``sources``, then the
relationship's properties. List values are joined with ``|`` (the KGX convention), since GraphML
and GEXF hold only scalars.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pgxkg.export.identifiers import ID_PROPERTIES, curie, xrefs
from pgxkg.export.knowledge_sources import knowledge_sources, provided_by
from pgxkg.graph.schema import ASSERTED, MANUAL, NODES_BY_LABEL, RELS_BY_TYPE

LIST_SEPARATOR = "|"
# Characters XML 1.0 cannot hold (a few source texts carry them); dropped in every format, so formats agree.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
NODE_FIELDS = ("id", "pgxkg_id", "type", "key", "name", "label", "category", "provided_by", "xref", "sources")
EDGE_FIELDS = ("id", "label", "predicate", "primary_knowledge_source", "aggregator_knowledge_source",
               "knowledge_level", "agent_type", "sources")
# Relationship properties never take these names: the KGX and CSV edge tables use them.
_EDGE_RESERVED = (*EDGE_FIELDS, "category", "subject", "object", "original_predicate", "source", "target", "key")
Scalar = str | int | float | bool
Attrs = dict[str, Scalar]
NodeRow = tuple[str, Attrs]
EdgeRow = tuple[str, str, str, Attrs]


def pgxkg_id(label: str, key: Any) -> str:
    """The graph's own name for a node: ``Label:key`` (keys alone can collide across labels)."""
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


def _present(**values: Any) -> Attrs:
    """The values that are something, flattened."""
    return {name: flat_value for name, value in values.items() if (flat_value := flat(value)) is not None}


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


def _skipped(label: str, key: Any, props: dict[str, Any]) -> set[str]:
    return {"name", "sources"} | ({"id"} if str(props.get("id")) == str(key) else set())


def node_row(label: str, key: Any, props: dict[str, Any]) -> NodeRow:
    ident = curie(label, key, props)
    name = str(props.get("name") or props.get("symbol") or key)
    node_type = NODES_BY_LABEL.get(label)
    attrs: Attrs = {"id": ident, "pgxkg_id": pgxkg_id(label, key), "type": label, "key": str(key), "name": name,
                    "label": display_label(label, str(key), name, props),
                    "category": node_type.biolink if node_type else "biolink:NamedThing"}
    attrs.update(_present(provided_by=provided_by(label, props.get("sources") or []),
                          xref=xrefs(label, key, props, ident), sources=props.get("sources")))
    attrs.update(_properties(props, NODE_FIELDS, label, _skipped(label, key, props)))
    return ident, attrs


def edge_row(start: str, rel_type: str, end: str, props: dict[str, Any]) -> EdgeRow:
    rel = RELS_BY_TYPE.get(rel_type)
    primary, aggregators = knowledge_sources(rel_type, props.get("sources") or [])
    attrs: Attrs = {"id": f"{start}-{rel_type}->{end}", "label": rel_type,
                    "predicate": rel.biolink if rel else "biolink:related_to"}
    attrs.update(_present(primary_knowledge_source=primary, aggregator_knowledge_source=aggregators,
                          knowledge_level=rel.knowledge_level if rel else ASSERTED,
                          agent_type=rel.agent_type if rel else MANUAL, sources=props.get("sources")))
    attrs.update(_properties(props, _EDGE_RESERVED, "relationship", {"sources"}))
    return start, end, rel_type, attrs


def node_from_record(row: dict[str, Any]) -> NodeRow:
    return node_row(row["label"], row["key"], row["properties"])


def _end(row: dict[str, Any], end: str) -> str:
    """An edge end's exported id, from the label, key and id properties (``$id_keys``) an edge query returns."""
    return curie(row[f"{end}_label"], row[f"{end}_key"], dict(zip(ID_PROPERTIES, row[f"{end}_ids"], strict=True)))


def edge_from_record(row: dict[str, Any]) -> EdgeRow:
    return edge_row(_end(row, "start"), row["type"], _end(row, "end"), row["properties"])


def columns_for(scope: str, names: dict[str, list[str]]) -> list[str]:
    """The attribute names rows of ``scope`` can have, given each label's (type's) property names."""
    found: dict[str, None] = dict.fromkeys(NODE_FIELDS if scope == "node" else EDGE_FIELDS)
    for owner, keys in names.items():
        props = dict.fromkeys(keys, "x")
        if scope == "node":
            attrs = _properties(props, NODE_FIELDS, owner, _skipped(owner, "x", props))
        else:
            attrs = _properties(props, _EDGE_RESERVED, "relationship", {"sources"})
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
