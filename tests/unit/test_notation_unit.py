"""The genotype notation grammar, the name tables and the readers, without a database.

A small vocabulary is built here from rows shaped like the graph's (``Vocabulary.build``), so the
rules are tested on names the pinned data does not carry yet (PharmCAT's, legacy variant names)
exactly as they will be read once a source puts them in ``synonyms``. The same notations against
the real graph, with their clinical answers, are in ``test_notation_graph.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgxkg.errors import InvalidInput
from pgxkg.queries import notation
from pgxkg.queries.genotype_input import from_outside_call_tsv, read_genotype
from pgxkg.queries.notation_reading import read_items
from pgxkg.queries.pharmcat_input import read_pharmcat, with_overrides
from pgxkg.queries.vocabulary import Vocabulary
from tests.paths import SHARED_DATA

PHARMCAT = SHARED_DATA / "pharmcat-examples"


# --- the grammar --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("CYP2C19 *2/*17", ("CYP2C19", "*2/*17")),
    ("CYP2C19*2/*2", ("CYP2C19", "*2/*2")),
    ("HLA-B*57:01", ("HLA-B", "*57:01")),
    ("CYP2D6=Poor Metabolizer", ("CYP2D6", "Poor Metabolizer")),
    ("CYP2D6: activity score 1.25", ("CYP2D6", "activity score 1.25")),
    ("\ufeffCYP2D6 *1/*4", ("CYP2D6", "*1/*4")),
])
def test_gene_and_value_with_or_without_a_space(text: str, expected: tuple[str, str]) -> None:
    assert notation.split_item(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("1.25", (1.25, False)), ("AS 1.25", (1.25, False)), ("activity score: 1.25", (1.25, False)),
    ("Activity Score 1.0", (1.0, False)), ("score=2", (2.0, False)), ("≥4.0", (4.0, True)),
    (">= 3", (3.0, True)), ("AS 1,5", (1.5, False)), ("Poor Metabolizer", None), ("*1/*2", None),
])
def test_activity_score_phrasings(text: str, expected: tuple[float, bool] | None) -> None:
    assert notation.activity(text) == expected


@pytest.mark.parametrize(("text", "fields", "group"), [
    ("*57:01:01:02", ("57", "01", "01", "02"), "*57:01"),
    ("B*57:01:01", ("57", "01", "01"), "*57:01"),
    ("HLA-B*58:01", ("58", "01"), "*58:01"),
    ("57:01", ("57", "01"), "*57:01"),
    ("*57", ("57",), None),
    ("*07:02:01G", ("07", "02", "01"), "*07:02"),
    ("*5701", ("57", "01"), "*57:01"),  # the notation before 2010, without colons
    ("B*570101", ("57", "01", "01"), "*57:01"),
])
def test_hla_alleles_at_any_resolution_belong_to_their_two_field_group(text: str, fields: tuple, group: str) -> None:
    parsed = notation.hla(text)
    assert parsed is not None and parsed.fields == fields and parsed.group == group


def test_hla_digits_without_colons_that_cannot_be_split_in_twos_are_not_read() -> None:
    assert notation.hla("*57011") is None and notation.hla("*123") is None


def test_hla_one_field_could_be_any_of_its_group_but_two_fields_decide() -> None:
    tested = notation.hla("*57:01")
    assert tested and notation.hla("*57").could_be(tested)  # type: ignore[union-attr]
    assert notation.hla("*57:01:01:02").could_be(tested)  # type: ignore[union-attr]
    assert not notation.hla("*57:03").could_be(tested)  # type: ignore[union-attr]


@pytest.mark.parametrize(("text", "parts"), [
    ("*1x2", [("*1", 2, False)]),
    ("*2xN", [("*2", 2, True)]),
    ("*4x≥3", [("*4", 3, True)]),
    ("*4x>=3", [("*4", 3, True)]),
    ("*36+*10", [("*36", 1, False), ("*10", 1, False)]),
    ("*36x2+*10", [("*36", 2, False), ("*10", 1, False)]),
    ("*68+*4", [("*68", 1, False), ("*4", 1, False)]),
    ("*17", None),
])
def test_cyp2d6_structures(text: str, parts: list | None) -> None:
    found = notation.structure(text)
    assert (None if found is None else [(p.name, p.copies, p.at_least) for p in found]) == parts


@pytest.mark.parametrize("broken", ["*1x", "*36+", "*36++*10", "*1x0"])
def test_a_broken_structure_says_so(broken: str) -> None:
    with pytest.raises(ValueError, match=broken.replace("+", r"\+").replace("*", r"\*")):
        notation.structure(broken)


def test_pharmcat_combinations_list_their_variants() -> None:
    assert notation.combination("[c.85T>C (*9A) + c.496A>G]") == ["c.85T>C (*9A)", "c.496A>G"]
    assert notation.combination("c.85T>C (*9A)") is None


@pytest.mark.parametrize(("name", "derived"), [
    ("c.1905+1G>A (*2A)", ["c.1905+1G>A", "*2A", "1905+1G>A"]),
    ("c.1129-5923C>G, c.1236G>A (HapB3)", ["c.1129-5923C>G, c.1236G>A", "HapB3", "1129-5923C>G, c.1236G>A"]),
    ("m.1555A>G", ["1555A>G"]),
    ("B (reference)", ["B"]),
    ("Seattle, Lodi, Modena", ["Seattle", "Lodi", "Modena"]),
    ("rs9923231 variant (T)", []),  # read by its own rule, never "T"
    ("*2", []),
])
def test_names_derived_from_a_data_name(name: str, derived: list[str]) -> None:
    assert notation.derived_names(name) == derived


@pytest.mark.parametrize(("text", "key"), [
    ("G6PD Deficient", "deficient"), ("Deficient", "deficient"), ("Poor Metaboliser", "poor metabolizer"),
    ("CYP2D6 Ultra-rapid Metabolizer", "ultrarapid metabolizer"), ("Extensive Metabolizer", "normal metabolizer"),
    ("EM", "nm"),
])
def test_phenotype_keys_drop_the_gene_and_spelling(text: str, key: str) -> None:
    assert notation.phenotype_key("G6PD" if "G6PD" in text or text == "Deficient" else "CYP2D6", text) == key


# --- shapes: JSON, outside calls, inline ----------------------------------------------------------

def test_an_outside_call_tsv_with_bom_crlf_comments_and_a_header() -> None:
    text = ("\ufeff# PharmCAT outside calls\r\ngene\tdiplotype\tphenotype\tactivity score\r\n\r\n"
            "CYP2D6\tCYP2D6*1/CYP2D6*4\t\t\r\nHLA-B\t\t*57:01 positive\r\nCYP2C9\t\t\t1.0\r\nCYP2C19\t.\r\n")
    items = from_outside_call_tsv(text, "calls.tsv")
    assert [(i.gene, i.kind, i.origin) for i in items] == [
        ("CYP2D6", "diplotype", "calls.tsv:4"), ("HLA-B", "status", "calls.tsv:5"),
        ("CYP2C9", "activity", "calls.tsv:6"), ("CYP2C19", "nocall", "calls.tsv:7")]


def test_one_outside_call_line_with_a_diplotype_and_a_phenotype_gives_two_facts() -> None:
    items = from_outside_call_tsv("CYP2D6\t*1/*4\tCYP2D6 Intermediate Metabolizer\t1.0\n", "x.tsv")
    assert [i.kind for i in items] == ["diplotype", "phenotype", "activity"]
    assert {i.origin for i in items} == {"x.tsv:1"}


@pytest.mark.parametrize(("text", "message"), [
    ("CYP2D6 *1/*4\n", "has no tab"),
    ("CYP2D6\t\t\tabc\n", "activity score column holds 'abc'"),
    ("\t*1/*4\n", "no gene"),
])
def test_outside_call_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        from_outside_call_tsv("CYP2C19\t*1/*1\n" + text, "calls.tsv")


def test_duplicate_json_keys_with_different_values_are_refused_naming_the_gene() -> None:
    with pytest.raises(InvalidInput, match=r"CYP2C19 is given twice with different values"):
        read_genotype('{"CYP2C19": "*1/*1", "CYP2C19": "*2/*2"}')
    assert len(read_genotype('{"CYP2C19": "*1/*1", "CYP2C19": "*1/*1"}')) == 1  # the same twice is harmless


@pytest.mark.parametrize(("value", "kind"), [
    ("*2/*17", "diplotype"), ("*57:01", "allele"), ("[c.85T>C (*9A) + c.496A>G]", "allele"),
    ("*57:01 positive", "status"), ("*57:01 not detected", "status"), ("activity score 1.25", "activity"),
    ("Poor Metabolizer", "phenotype"), ("-1639G>A", "phenotype"), ("./.", "nocall"),
    ("Unknown/Unknown", "nocall"), ("*1/*2 or *2/*3", "uncertain"), ("rs9923231 C/T", "rsid"),
])
def test_shapes(value: str, kind: str) -> None:
    assert read_genotype({"X": value})[0].kind == kind


def test_overrides_replace_a_genes_facts() -> None:
    base = from_outside_call_tsv("CYP2D6\t*1/*4\nCYP2C19\t*1/*1\n", "a.tsv")
    assert [i.describe() for i in with_overrides(base, read_genotype("CYP2D6 *4/*4"))] == [
        "CYP2C19 *1/*1", "CYP2D6 *4/*4"]


# --- names read against a small vocabulary shaped like the graph's --------------------------------

def _allele(gene: str, name: str, activity: float | None = None, function: str | None = None,
            synonyms: tuple[str, ...] = (), variants: tuple[tuple[str, str], ...] = ()) -> dict:
    sep = "" if name.startswith("*") else " "
    return {"id": f"{gene}{sep}{name}", "name": name, "synonyms": list(synonyms), "function": function,
            "activity_value": activity, "variants": [{"rsid": r, "alt": a} for r, a in variants]}


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.build(
        alleles=[
            {"gene": "DPYD", "alleles": [
                _allele("DPYD", "Reference", 1.0), _allele("DPYD", "c.1905+1G>A (*2A)", 0.0),
                _allele("DPYD", "c.85T>C (*9A)", 1.0), _allele("DPYD", "c.496A>G", 1.0),
                _allele("DPYD", "c.2846A>T", 0.5)]},
            {"gene": "VKORC1", "alleles": [
                _allele("VKORC1", "Reference", synonyms=("rs9923231 reference (C)",)),
                _allele("VKORC1", "rs9923231", variants=(("rs9923231", "T"),))]},
            {"gene": "CFTR", "alleles": [
                _allele("CFTR", "Reference", synonyms=("ivacaftor non-responsive CFTR sequence",)),
                _allele("CFTR", "G551D", variants=(("rs75527207", "A"),)),
                _allele("CFTR", "S549R(A>C)"), _allele("CFTR", "S549R(T>G)")]},
            {"gene": "CYP2D6", "alleles": [
                _allele("CYP2D6", "*1", 1.0), _allele("CYP2D6", "*4", 0.0), _allele("CYP2D6", "*10", 0.25),
                _allele("CYP2D6", "*36", 0.0), _allele("CYP2D6", "*2xN")]},
            {"gene": "G6PD", "alleles": [_allele("G6PD", "B (reference)"), _allele("G6PD", "Kobe"),
                                         _allele("G6PD", "Tenri"), _allele("G6PD", "Kobe/Tenri")]},
            {"gene": "MT-RNR1", "alleles": [_allele("MT-RNR1", "m.1555A>G", variants=(("rs267606617", "G"),))]},
            {"gene": "HLA-B", "alleles": [_allele("HLA-B", "*57:01:01")]},
        ],
        phenotypes=[
            {"gene": "CYP2D6", "phenotypes": [
                {"name": "Poor Metabolizer", "activity_min": 0.0, "activity_max": 0.25,
                 "activity_max_inclusive": False},
                {"name": "Normal Metabolizer", "activity_min": 1.25, "activity_max": 2.5,
                 "activity_max_inclusive": False},
                {"name": "Ultrarapid Metabolizer", "activity_min": 2.5}]},
            {"gene": "G6PD", "phenotypes": [{"name": "G6PD Deficient"}, {"name": "G6PD Normal"}]},
            {"gene": "SLCO1B1", "phenotypes": [{"name": "Decreased Function"}, {"name": "Poor Function"}]},
        ],
        conditions=[{"gene": "HLA-B", "status_alleles": ["HLA-B*57:01", "HLA-B*58:01"]}],
        variants=[{"rsid": "rs9923231", "gene": "VKORC1", "ref": "C", "alt": "T", "synonyms": ["-1639G>A"]},
                  {"rsid": "rs75527207", "gene": "CFTR", "ref": "G", "alt": "A", "synonyms": []}],
    )


@pytest.mark.parametrize(("gene", "written", "name"), [
    ("DPYD", "*2A", "c.1905+1G>A (*2A)"),
    ("DPYD", "c.1905+1G>A", "c.1905+1G>A (*2A)"),
    ("DPYD", "1905+1G>A", "c.1905+1G>A (*2A)"),
    ("DPYD", "c.1905+1g>a (*2a)", "c.1905+1G>A (*2A)"),
    ("DPYD", "DPYD*2A", "c.1905+1G>A (*2A)"),
    ("DPYD", "*1", "Reference"),  # the legacy star name of DPYD's reference
    ("VKORC1", "rs9923231 variant (T)", "rs9923231"),  # PharmCAT's names, by rule
    ("VKORC1", "rs9923231 reference (C)", "Reference"),
    ("VKORC1", "-1639G>A", "rs9923231"),  # a legacy variant name (Variant synonyms)
    ("CFTR", "ivacaftor non-responsive CFTR sequence", "Reference"),  # an Allele synonym
    ("G6PD", "B", "B (reference)"),
    ("G6PD", "B (wildtype)", "B (reference)"),
    ("MT-RNR1", "1555A>G", "m.1555A>G"),
    ("HLA-B", "B*57:01:01", "*57:01:01"),
    ("HLA-B", "*58:01:01:02", "*58:01:01:02"),  # any well-formed HLA allele
])
def test_names_read_as_the_datas_alleles(vocabulary: Vocabulary, gene: str, written: str, name: str) -> None:
    assert vocabulary.allele_name(vocabulary.gene(gene), written)[0] == name


def test_a_name_two_alleles_claim_is_an_error_naming_both(vocabulary: Vocabulary) -> None:
    with pytest.raises(InvalidInput, match=r"names several alleles: S549R\(A>C\), S549R\(T>G\)"):
        vocabulary.allele_name(vocabulary.gene("CFTR"), "S549R")


def test_a_star_name_of_another_allele_is_not_ignored(vocabulary: Vocabulary) -> None:
    with pytest.raises(InvalidInput, match="unknown allele"):
        vocabulary.allele_name(vocabulary.gene("DPYD"), "c.1905+1G>A (*13)")


@pytest.mark.parametrize(("gene", "written", "phenotype"), [
    ("G6PD", "Deficient", "G6PD Deficient"), ("G6PD", "G6PD Deficient", "G6PD Deficient"),
    ("CYP2D6", "PM", "Poor Metabolizer"), ("CYP2D6", "UM", "Ultrarapid Metabolizer"),
    ("CYP2D6", "EM", "Normal Metabolizer"), ("CYP2D6", "CYP2D6 poor metaboliser", "Poor Metabolizer"),
    ("SLCO1B1", "DF", "Decreased Function"), ("SLCO1B1", "poor", "Poor Function"),
])
def test_phenotypes_as_written(vocabulary: Vocabulary, gene: str, written: str, phenotype: str) -> None:
    assert vocabulary.phenotype(vocabulary.gene(gene), written)["name"] == phenotype


def test_an_unknown_phenotype_lists_the_genes_phenotypes(vocabulary: Vocabulary) -> None:
    with pytest.raises(InvalidInput, match="unknown phenotype 'Slow Metabolizer' for CYP2D6") as error:
        vocabulary.phenotype(vocabulary.gene("CYP2D6"), "Slow Metabolizer")
    assert "Poor Metabolizer" in error.value.suggestions


def read(vocabulary: Vocabulary, text: str) -> list:
    return read_items(vocabulary, read_genotype(text))


def test_a_diplotype_splits_where_both_halves_are_alleles(vocabulary: Vocabulary) -> None:
    [group] = read(vocabulary, "G6PD Kobe/Tenri/B")
    assert [a.text() for a in group.facts[0].alleles] == ["Kobe/Tenri", "B (reference)"]


def test_structures_read_their_parts(vocabulary: Vocabulary) -> None:
    [group] = read(vocabulary, "CYP2D6 *36+*10/*2xN")
    first, second = group.facts[0].alleles
    assert [(p.name, p.copies) for p in first.haplotype.parts] == [("*36", 1), ("*10", 1)] and first.name is None
    assert second.name == "*2xN"  # a data name: the table's row if it has one
    with pytest.raises(InvalidInput, match=r"unknown allele '\*999' in the structure '\*36\+\*999'"):
        read(vocabulary, "CYP2D6 *1/*36+*999")
    with pytest.raises(InvalidInput, match="cannot read the structure"):
        read(vocabulary, "CYP2D6 *1/*1x")


def test_rs_genotypes_of_a_one_variant_gene_are_its_diplotype(vocabulary: Vocabulary) -> None:
    for text in ("rs9923231 C/T", "VKORC1 rs9923231 CT", "VKORC1 -1639 GA", "VKORC1 -1639G>A heterozygous",
                 "VKORC1 rs9923231 reference (C)/rs9923231 variant (T)", "VKORC1 Reference/-1639G>A"):
        [group] = read(vocabulary, text)
        assert group.symbol == "VKORC1", text
        assert sorted(a.text() for a in group.facts[0].alleles) == ["Reference", "rs9923231"], text
    with pytest.raises(InvalidInput, match="has G, but the variant is C>T"):
        read(vocabulary, "rs9923231 G/T")


def test_a_mitochondrial_allele_alone_is_the_whole_genotype(vocabulary: Vocabulary) -> None:
    [group] = read(vocabulary, "MT-RNR1 1555A>G")
    assert [a.text() for a in group.facts[0].alleles] == ["m.1555A>G", "m.1555A>G"]


def test_an_unreadable_call_next_to_a_phenotype_is_listed_not_fatal(vocabulary: Vocabulary) -> None:
    [group] = read_items(vocabulary, from_outside_call_tsv("CYP2D6\t*1/*999\tPM\n", "c.tsv"))
    assert [f.kind for f in group.facts] == ["phenotype", "missing"]
    assert "unknown allele '*999'" in (group.facts[1].reason or "")
    with pytest.raises(InvalidInput, match=r"c.tsv:1: unknown allele '\*999' for CYP2D6"):
        read_items(vocabulary, from_outside_call_tsv("CYP2D6\t*1/*999\n", "c.tsv"))


def test_unknown_genes_suggest_near_ones(vocabulary: Vocabulary) -> None:
    with pytest.raises(InvalidInput, match="unknown pharmacogene 'CYP2D7'") as error:
        read(vocabulary, "CYP2D7 *1/*1")
    assert "CYP2D6" in error.value.suggestions


# --- PharmCAT's files ------------------------------------------------------------------------------

pharmcat = pytest.mark.skipif(not PHARMCAT.exists(), reason="../shared/data/pharmcat-examples is not present")


@pharmcat
def test_pharmcat_report_json_becomes_facts_per_gene() -> None:
    path = PHARMCAT / "pharmcat.example.report.json"
    items = read_pharmcat(path.read_text(), path.name)
    by_gene: dict[str, list] = {}
    for item in items:
        by_gene.setdefault(item.gene, []).append(item)
    assert [(i.kind, i.value) for i in by_gene["CYP2D6"]] == [
        ("diplotype", "*1/*3"), ("phenotype", "Intermediate Metabolizer"), ("activity", "1.0")]
    assert [(i.kind, i.value) for i in by_gene["HLA-B"]][:2] == [("diplotype", "*15:02/*57:01"),
                                                                 ("status", "*15:02 positive")]
    assert [i.kind for i in by_gene["HLA-A"]] == ["nocall"]  # PharmCAT's Unknown/Unknown
    assert by_gene["MT-RNR1"][0].kind == "phenotype" and by_gene["MT-RNR1"][0].value == "1555A>G"
    assert all(i.advisory and i.origin == f"{path.name}: {i.gene}" for i in items)


@pharmcat
def test_pharmcat_phenotype_json_reads_like_its_report(tmp_path: Path) -> None:
    """phenotype.json keys PharmCAT's GeneReports by source (Phenotyper.java: geneReports ->
    {CPIC, DPWG} -> gene); built here from the published report's own GeneReports."""
    report = json.loads((PHARMCAT / "pharmcat.example2.report.json").read_text())
    phenotype = {"geneReports": {"DPWG": {"CYP2C19": report["genes"]["CYP2C19"]}, "CPIC": report["genes"]}}
    from_phenotype = read_pharmcat(json.dumps(phenotype), "p.json")
    from_report = read_pharmcat(json.dumps(report), "p.json")
    assert [(i.gene, i.kind, i.value) for i in from_phenotype] == [(i.gene, i.kind, i.value) for i in from_report]


def test_not_a_pharmcat_file_is_an_error_naming_what_was_found() -> None:
    with pytest.raises(InvalidInput, match=r"not a PharmCAT phenotype\.json or report\.json .*found title"):
        read_pharmcat('{"title": "x"}', "r.json")
    with pytest.raises(InvalidInput, match="not a PharmCAT file"):
        read_pharmcat("CYP2D6 *1/*4", "r.txt")


def test_two_sources_naming_one_allele_read_as_the_defined_one() -> None:
    """PharmCAT defines VKORC1's alleles as ``rs9923231 reference (C)`` (synonym ``Reference``) and
    ``rs9923231 variant (T)``; the pinned tables' nodes ``Reference`` and ``rs9923231`` have no
    definition. Their names read as PharmCAT's alleles; a table row named as a genotype
    (``-1639 AG``) reads as its diplotype and gives the variant its legacy name (``-1639G>A``)."""
    vocabulary = Vocabulary.build(
        alleles=[{"gene": "VKORC1", "alleles": [
            {**_allele("VKORC1", "rs9923231 reference (C)", synonyms=("Reference",),
                       variants=(("rs9923231", "C"),)), "reference": True},
            _allele("VKORC1", "rs9923231 variant (T)", variants=(("rs9923231", "T"),)),
            _allele("VKORC1", "Reference"), _allele("VKORC1", "rs9923231")]}],
        variants=[{"rsid": "rs9923231", "gene": "VKORC1", "ref": "C", "alt": "T", "synonyms": []}],
        genotype_phenotypes=[
            {"gene": "VKORC1", "phenotype": "-1639 GG",
             "diplotype": "VKORC1 rs9923231 reference (C)/rs9923231 reference (C)"},
            {"gene": "VKORC1", "phenotype": "-1639 AG",
             "diplotype": "VKORC1 rs9923231 reference (C)/rs9923231 variant (T)"},
            {"gene": "VKORC1", "phenotype": "-1639 AA",
             "diplotype": "VKORC1 rs9923231 variant (T)/rs9923231 variant (T)"}])
    gene = vocabulary.gene("VKORC1")
    assert gene.same_as == {"Reference": "rs9923231 reference (C)", "rs9923231": "rs9923231 variant (T)"}
    assert gene.is_variant_gene and gene.reference_name == "rs9923231 reference (C)"
    for text in ("VKORC1 Reference/rs9923231", "rs9923231 C/T", "VKORC1 -1639 AG", "VKORC1 -1639G>A heterozygous"):
        [group] = read_items(vocabulary, read_genotype(text))
        assert sorted(a.text() for a in group.facts[0].alleles) == [
            "rs9923231 reference (C)", "rs9923231 variant (T)"], text
