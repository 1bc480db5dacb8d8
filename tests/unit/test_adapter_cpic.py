"""The CPIC-tables adapter on small files in the real pypgx formats (no database).

The real pypgx 0.27.0 tables are parsed in tests/integration/test_real_sources.py.
"""
# ruff: noqa: E501  (the fixtures are real CSV lines, kept whole)

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from pgxkg.loaders.cpic import (
    ALLELE_TABLE,
    CPIC_TABLE,
    DIPLOTYPE_TABLE,
    EQUATION_TABLE,
    GENE_TABLE,
    PHENOTYPE_TABLE,
    RECOMMENDATION_TABLE,
    SOURCE,
    VARIANT_TABLE,
    CpicAdapter,
    atc_classes,
    guideline_name,
)
from pgxkg.loaders.records import EdgeRecord, NodeRecord, Record, RowProblems, SourceFileError

# Real header lines and real rows (exon lists shortened), plus a few reordered rows.
TABLES = {
    GENE_TABLE: """\
Gene,Target,Control,Paralog,Variants,SV,PhenotypeMethod,RefAllele,GRCh37Default,GRCh38Default,Strand,GRCh37Region,GRCh38Region,GRCh37ExonStarts,GRCh37ExonEnds,GRCh38ExonStarts,GRCh38ExonEnds
CYP2C19,TRUE,FALSE,N/A,TRUE,FALSE,Diplotype,*1,*1,*38,+,10:96519437-96615962,10:94759680-94858547,"96522437,96534814,","96522661,96534965,","94762680,94775057,","94762904,94775208,"
CYP2D6,TRUE,FALSE,CYP2D7,TRUE,TRUE,Score,*1,*2,*1,-,22:42512500-42551883,22:42116498-42155810,"42522500,42522852,","42523211,42522995,","42126498,42126850,","42127209,42126993,"
DPYD,TRUE,FALSE,N/A,TRUE,FALSE,Score,Reference,c.85T>C (*9A),Reference,-,1:97540298-98389615,1:97074742-97924034,"97543298,","97544702,","97077742,","97079146,"
""",
    VARIANT_TABLE: """\
Gene,GRCh37Name,GRCh38Name,rsID,Chromosome,GRCh37Position,GRCh38Position,GRCh37Allele,GRCh38Allele,Variant,Impact,GRCh37Synonym,GRCh38Synonym
CYP2C19,10-96521657-C-T,10-94761900-C-T,rs12248560,10,96521657,94761900,C,C,T,N/A,N/A,N/A
CYP2C19,10-96535124-A-G,10-94775367-A-G,rs12769205,10,96535124,94775367,A,A,G,Splice Defect,N/A,N/A
CYP2C19,10-96541616-G-A,10-94781859-G-A,rs4244285,10,96541616,94781859,G,G,A,Splice Defect,N/A,N/A
CYP2D6,22-42526694-G-A,22-42130692-G-A,rs1065852,22,42526694,42130692,G,G,A,P34S
CYP2C19,10-96602623-G-A,10-94842866-A-G,rs3758581,10,96602623,94842866,G,A,A,I331V,N/A,N/A
DPYD,1-97915614-C-T,1-97450058-C-T,rs3918290,1,97915614,97450058,C,C,T,Splice Defect,N/A,N/A
""",
    ALLELE_TABLE: """\
Gene,StarAllele,ActivityScore,Function,GRCh37Core,GRCh37Tag,GRCh38Core,GRCh38Tag,SV
CYP2C19,*1,N/A,Normal Function,N/A,N/A,10-94842866-A-G,N/A,FALSE
CYP2C19,*2,N/A,No Function,"10-96535124-A-G,10-96541616-G-A",N/A,"10-94775367-A-G,10-94781859-G-A",N/A,FALSE
CYP2C19,*17,N/A,Increased Function,10-96521657-C-T,N/A,10-94761900-C-T,N/A,FALSE
CYP2C19,*35,N/A,No Function,10-96534000-G-A,N/A,10-94774000-G-A,N/A,FALSE
DPYD,Reference,1,Normal Function,1-98348885-G-A,N/A,N/A,N/A,FALSE
DPYD,c.1905+1G>A (*2A),zero,No Function,1-97915614-C-T,N/A,1-97450058-C-T,N/A,FALSE
""",
    DIPLOTYPE_TABLE: """\
Gene,Diplotype,Phenotype
CYP2C19,*1/*1,Normal Metabolizer
CYP2C19,*1/*2,Intermediate Metabolizer
CYP2C19,*17/*2,Intermediate Metabolizer
CYP2C19,*1/*38,Normal Metabolizer
""",
    PHENOTYPE_TABLE: """\
Gene,Phenotype,Priority
CYP2C19,Intermediate Metabolizer,Abnormal/Priority/High Risk
CYP2C19,Normal Metabolizer,Normal/Routine/Low Risk
CYP2C19,Poor Metabolizer,Abnormal/Priority/High Risk
CYP2C19,Indeterminate,None
CYP2D6,Normal Metabolizer,Normal/Routine/Low Risk
CYP2D6,Ultrarapid Metabolizer,Abnormal/Priority/High Risk
DPYD,Normal Metabolizer,Normal/Routine/Low Risk
DPYD,Intermediate Metabolizer,Abnormal/Priority/High Risk
""",
    EQUATION_TABLE: """\
Gene,Phenotype,Equation
CYP2D6,Normal Metabolizer,1.25 <= score < 2.5
CYP2D6,Ultrarapid Metabolizer,2.5 <= score
DPYD,Intermediate Metabolizer,1 <= score < 2
DPYD,Normal Metabolizer,2 == score
DPYD,Poor Metabolizer,0 <= score < 1
""",
    CPIC_TABLE: """\
Gene,Drug,RxNorm,ATC,Guideline,CPICLevel,CPICLevelStatus,PharmGKBLevel,FDALabel,PMID
CYP2C19,amitriptyline,704,"N06AA09, N06CA01",https://cpicpgx.org/guidelines/guideline-for-tricyclic-antidepressants-and-cyp2d6-and-cyp2c19/,A,Final,1A,,23486447;27997040
CYP2D6,amitriptyline,704,"N06AA09, N06CA01",https://cpicpgx.org/guidelines/guideline-for-tricyclic-antidepressants-and-cyp2d6-and-cyp2c19/,A,Final,1A,Actionable PGx,23486447;27997040
CYP2C19,clopidogrel,32968,B01AC04,https://cpicpgx.org/guidelines/guideline-for-clopidogrel-and-cyp2c19/,A,Final,1A,Actionable PGx,21716271;23698643;35034351
DPYD,fluorouracil,4492,"L01BC02, L01BC52",https://cpicpgx.org/guidelines/guideline-for-fluoropyrimidines-and-dpyd/,A,Final,1A,Actionable PGx,23988873;29152729
CES1,clopidogrel,32968,B01AC04,,C,Provisional,2B,,
""",
    RECOMMENDATION_TABLE: """\
Drug,Gene1,Phenotype1,Gene2,Phenotype2,Recommendation
clopidogrel,CYP2C19,Normal Metabolizer,None,None,"If considering clopidogrel, use at standard dose (75 mg/day)."
clopidogrel,CYP2C19,Poor Metabolizer,None,None,Avoid standard dose (75 mg/day) clopidogrel if possible. Use prasugrel or ticagrelor at standard dose if no contraindication.
clopidogrel,CYP2C19,Indeterminate,None,None,None
amitriptyline,CYP2C19,Normal Metabolizer,CYP2D6,Normal Metabolizer,Initiate therapy with recommended starting dose.
amitriptyline,CYP2C19,Normal Metabolizer,CYP2D6,None,Initiate therapy with recommended starting dose.
Drug,Gene1,Phenotype1,Gene2,Phenotype2,Recommendation
fluorouracil,DPYD,Intermediate Metabolizer,None,None,Reduce starting dose by 50% followed by titration of dose based on toxicity or therapeutic drug monitoring (if available).
ribavirin,IFNL3,Favorable Response,None,None,"Implications for PEG-IFN alpha and RBV: Approximately 70% chance for SVR after 48 weeks of treatment.
""",
}
# Known bad rows above: (table, line, words in the reason).
BAD_ROWS = [
    (VARIANT_TABLE, 5, "11 fields, expected 13"),
    (ALLELE_TABLE, 5, "10-94774000-G-A is not in variant-table"),
    (ALLELE_TABLE, 7, "ActivityScore 'zero' is not a number"),
    (RECOMMENDATION_TABLE, 7, "repeated header"),
    (RECOMMENDATION_TABLE, 9, "truncated"),
]


def write_tables(directory: Path, tables: dict[str, str] = TABLES) -> dict[str, Path]:
    files = {}
    for member, text in tables.items():
        path = directory / Path(member).name
        path.write_text(text, encoding="utf-8")
        files[member] = path
    return files


def parse(files: dict[str, Path], strict: bool = False) -> tuple[list[Record], RowProblems]:
    problems = RowProblems(strict=strict)
    return list(CpicAdapter().records(files, problems)), problems


@pytest.fixture()
def parsed(tmp_path: Path) -> tuple[list[Record], RowProblems]:
    return parse(write_tables(tmp_path))


@pytest.fixture()
def nodes(parsed: tuple[list[Record], RowProblems]) -> dict[tuple[str, str], dict]:
    return {(r.label, r.key): dict(r.props) for r in parsed[0] if isinstance(r, NodeRecord)}


@pytest.fixture()
def edges(parsed: tuple[list[Record], RowProblems]) -> list[EdgeRecord]:
    return [r for r in parsed[0] if isinstance(r, EdgeRecord)]


def edges_from(edges: list[EdgeRecord], kind: str, start: tuple[str, str]) -> dict[tuple[str, str], dict]:
    return {e.end: dict(e.props) for e in edges if e.type == kind and e.start == start}


def test_source_lists_the_eight_tables() -> None:
    assert len(SOURCE.members) == 8
    assert all(m.startswith("pypgx/api/data/") and m.endswith(".csv") for m in SOURCE.members)
    assert SOURCE.id == "cpic-tables@pypgx-0.27.0"


def test_gene_properties(nodes: dict) -> None:
    gene = nodes[("Gene", "CYP2D6")]
    assert gene["strand"] == "-"
    assert gene["grch38_region"] == "22:42116498-42155810"
    assert gene["phenotype_method"] == "Score"
    assert gene["has_sv"] is True
    assert "paralog" not in nodes[("Gene", "CYP2C19")]  # N/A is left out
    assert nodes[("Gene", "CES1")] == {"symbol": "CES1"}  # named only by cpic-table


def test_allele_function_and_defining_variants(nodes: dict, edges: list[EdgeRecord]) -> None:
    allele = nodes[("Allele", "CYP2C19*2")]
    assert allele["function"] == "No Function"
    assert allele["function_normalised"] == "no function"
    assert allele["name"] == "*2" and allele["gene"] == "CYP2C19"
    assert "activity_value" not in allele
    assert nodes[("Allele", "DPYD Reference")]["activity_value"] == 1.0
    defined_by = edges_from(edges, "DEFINED_BY", ("Allele", "CYP2C19*2"))
    assert defined_by == {("Variant", "rs4244285"): {"alt": "A", "core": True},
                          ("Variant", "rs12769205"): {"alt": "G", "core": True}}
    assert ("Allele", "CYP2C19*17") in edges_from(edges, "HAS_ALLELE", ("Gene", "CYP2C19"))


def test_allele_base_can_be_the_grch38_reference(nodes: dict, edges: list[EdgeRecord]) -> None:
    # rs3758581: the GRCh38 reference (A) is the base the star alleles carry; GRCh38Name says A-G.
    variant = nodes[("Variant", "rs3758581")]
    assert (variant["ref"], variant["alt"], variant["grch38"]) == ("A", "G", "10-94842866-A-G")
    assert edges_from(edges, "DEFINED_BY", ("Allele", "CYP2C19*1")) == {
        ("Variant", "rs3758581"): {"alt": "A", "core": True}}


def test_variant_properties(nodes: dict, edges: list[EdgeRecord]) -> None:
    variant = nodes[("Variant", "rs4244285")]
    assert variant == {
        "rsid": "rs4244285", "chrom": "chr10", "pos_grch38": 94781859, "ref": "G", "alt": "A",
        "grch38": "10-94781859-G-A", "grch38_names": ["10-94781859-G-A"], "pos_grch37": 96541616,
        "grch37": "10-96541616-G-A", "impact": "Splice Defect", "gene": "CYP2C19",
    }
    assert "impact" not in nodes[("Variant", "rs12248560")]
    assert edges_from(edges, "IN_GENE", ("Variant", "rs12248560")) == {("Gene", "CYP2C19"): {}}


def test_diplotypes_are_order_free(nodes: dict, edges: list[EdgeRecord]) -> None:
    assert ("Diplotype", "CYP2C19*17/*2") not in nodes
    assert nodes[("Diplotype", "CYP2C19*2/*17")] == {"gene": "CYP2C19", "allele1": "*2", "allele2": "*17"}
    assert edges_from(edges, "HAS_ALLELE", ("Diplotype", "CYP2C19*2/*17")) == {
        ("Allele", "CYP2C19*2"): {"count": 1}, ("Allele", "CYP2C19*17"): {"count": 1}}
    assert edges_from(edges, "HAS_ALLELE", ("Diplotype", "CYP2C19*1/*1")) == {
        ("Allele", "CYP2C19*1"): {"count": 2}}
    assert edges_from(edges, "HAS_PHENOTYPE", ("Diplotype", "CYP2C19*2/*17")) == {
        ("Phenotype", "CYP2C19:Intermediate Metabolizer"): {}}
    assert edges_from(edges, "OF_GENE", ("Diplotype", "CYP2C19*1/*2")) == {("Gene", "CYP2C19"): {}}


def test_diplotype_allele_missing_from_allele_table_gets_a_node(nodes: dict, edges: list[EdgeRecord]) -> None:
    assert nodes[("Allele", "CYP2C19*38")] == {"gene": "CYP2C19", "name": "*38"}
    assert ("Allele", "CYP2C19*38") in edges_from(edges, "HAS_ALLELE", ("Gene", "CYP2C19"))


def test_phenotypes_with_priority_and_activity_ranges(nodes: dict, edges: list[EdgeRecord]) -> None:
    assert nodes[("Phenotype", "CYP2C19:Poor Metabolizer")]["priority"] == "Abnormal/Priority/High Risk"
    assert "priority" not in nodes[("Phenotype", "CYP2C19:Indeterminate")]
    normal = nodes[("Phenotype", "DPYD:Normal Metabolizer")]
    assert (normal["activity_min"], normal["activity_max"]) == (2.0, 2.0)
    assert normal["activity_max_inclusive"] is True
    intermediate = nodes[("Phenotype", "DPYD:Intermediate Metabolizer")]
    assert (intermediate["activity_min"], intermediate["activity_max"]) == (1.0, 2.0)
    assert intermediate["activity_min_inclusive"] and not intermediate["activity_max_inclusive"]
    ultrarapid = nodes[("Phenotype", "CYP2D6:Ultrarapid Metabolizer")]
    assert ultrarapid["activity_min"] == 2.5 and "activity_max" not in ultrarapid
    # an equation for a phenotype the phenotype table lacks still makes the node
    assert nodes[("Phenotype", "DPYD:Poor Metabolizer")]["activity_max"] == 1.0
    assert edges_from(edges, "OF_GENE", ("Phenotype", "DPYD:Poor Metabolizer")) == {("Gene", "DPYD"): {}}


def test_drugs_and_atc_classes(nodes: dict, edges: list[EdgeRecord]) -> None:
    assert nodes[("Drug", "amitriptyline")] == {
        "name": "amitriptyline", "rxnorm": "704", "atc": ["N06AA09", "N06CA01"]}
    assert edges_from(edges, "IN_CLASS", ("Drug", "amitriptyline")) == {
        ("DrugClass", "N06AA"): {}, ("DrugClass", "N06CA"): {}}
    chain, code = [], "B01AC"
    while parents := edges_from(edges, "IS_A", ("DrugClass", code)):
        (code,) = [key for _, key in parents]
        chain.append(code)
    assert chain == ["B01A", "B01", "B"]
    assert [nodes[("DrugClass", c)]["level"] for c in ("B01AC", "B01A", "B01", "B")] == [4, 3, 2, 1]
    assert atc_classes("L01XE") == [("L01XE", 4), ("L01X", 3), ("L01", 2), ("L", 1)]


def test_gene_drug_pairs_and_guidelines(nodes: dict, edges: list[EdgeRecord]) -> None:
    pair = edges_from(edges, "INTERACTS_WITH", ("Gene", "CYP2C19"))[("Drug", "clopidogrel")]
    assert pair == {
        "cpic_level": "A", "cpic_status": "Final", "pharmgkb_level": "1A", "fda_label": "Actionable PGx",
        "guideline_url": "https://cpicpgx.org/guidelines/guideline-for-clopidogrel-and-cyp2c19/",
        "pmids": ["21716271", "23698643", "35034351"],
    }
    assert edges_from(edges, "INTERACTS_WITH", ("Gene", "CES1"))[("Drug", "clopidogrel")] == {
        "cpic_level": "C", "cpic_status": "Provisional", "pharmgkb_level": "2B"}
    tca = "CPIC:guideline-for-tricyclic-antidepressants-and-cyp2d6-and-cyp2c19"
    guidelines = [key for label, key in nodes if label == "Guideline" and "tricyclic" in key]
    assert guidelines == [tca]  # one node for the two-gene guideline
    name = "CPIC guideline for tricyclic antidepressants and CYP2D6 and CYP2C19"
    assert nodes[("Guideline", tca)]["name"] == name
    assert nodes[("Guideline", tca)]["source"] == "CPIC"
    assert edges_from(edges, "FOR_DRUG", ("Guideline", tca)) == {("Drug", "amitriptyline"): {}}
    assert set(edges_from(edges, "CITES", ("Guideline", tca))) == {
        ("Publication", "23486447"), ("Publication", "27997040")}
    assert nodes[("Publication", "23486447")] == {"pmid": "23486447"}


def test_one_gene_recommendation(nodes: dict, edges: list[EdgeRecord]) -> None:
    key = "CPIC:clopidogrel:phenotype:CYP2C19:Poor Metabolizer"
    rec = nodes[("Recommendation", key)]
    assert "category" not in rec  # the build's verdict step categorises every source alike (verdicts.py)
    assert rec["genes"] == ["CYP2C19"] and rec["phenotypes"] == ["CYP2C19: Poor Metabolizer"]
    assert rec["source"] == "CPIC" and rec["drug"] == "clopidogrel"
    assert rec["text"].startswith("Avoid standard dose (75 mg/day) clopidogrel")
    assert edges_from(edges, "WHEN", ("Recommendation", key)) == {
        ("Phenotype", "CYP2C19:Poor Metabolizer"): {
            "gene": "CYP2C19", "kind": "phenotype", "condition": "phenotype:CYP2C19:Poor Metabolizer"}}
    assert edges_from(edges, "FOR_DRUG", ("Recommendation", key)) == {("Drug", "clopidogrel"): {}}
    guideline = ("Guideline", "CPIC:guideline-for-clopidogrel-and-cyp2c19")
    assert ("Recommendation", key) in edges_from(edges, "RECOMMENDS", guideline)


def test_no_recommendation_text(nodes: dict) -> None:
    rec = nodes[("Recommendation", "CPIC:clopidogrel:phenotype:CYP2C19:Indeterminate")]
    assert "text" not in rec  # the table's "None": no text, so the verdict step finds no recommendation


def test_two_gene_rule_with_an_untested_gene(nodes: dict, edges: list[EdgeRecord]) -> None:
    key = "CPIC:amitriptyline:phenotype:CYP2C19:Normal Metabolizer+unknown:CYP2D6"
    rec = nodes[("Recommendation", key)]
    assert rec["genes"] == ["CYP2C19", "CYP2D6"]
    assert rec["phenotypes"] == ["CYP2C19: Normal Metabolizer", "CYP2D6: No Result"]
    assert edges_from(edges, "WHEN", ("Recommendation", key)) == {
        ("Phenotype", "CYP2C19:Normal Metabolizer"): {
            "gene": "CYP2C19", "kind": "phenotype", "condition": "phenotype:CYP2C19:Normal Metabolizer"},
        ("Gene", "CYP2D6"): {"gene": "CYP2D6", "kind": "unknown", "condition": "unknown:CYP2D6"},
    }
    both = "CPIC:amitriptyline:phenotype:CYP2C19:Normal Metabolizer+phenotype:CYP2D6:Normal Metabolizer"
    assert len(edges_from(edges, "WHEN", ("Recommendation", both))) == 2


def test_bad_rows_are_collected_with_file_and_line(parsed: tuple[list[Record], RowProblems]) -> None:
    problems = parsed[1].problems
    found = [(Path(p.path).name, p.line, p.reason) for p in problems]
    assert len(found) == len(BAD_ROWS), found
    for (member, line, words), (name, found_line, reason) in zip(BAD_ROWS, found, strict=True):
        assert (name, found_line) == (Path(member).name, line)
        assert words in reason
    # the rows around them still load
    keys = {r.key for r in parsed[0] if isinstance(r, NodeRecord)}
    assert "CPIC:fluorouracil:phenotype:DPYD:Intermediate Metabolizer" in keys


def test_bad_rows_are_skipped(nodes: dict) -> None:
    assert ("Allele", "CYP2C19*35") not in nodes  # names an unknown variant
    assert ("Allele", "DPYD c.1905+1G>A (*2A)") not in nodes  # bad activity value
    assert ("Variant", "rs1065852") not in nodes  # wrong field count
    assert not any(label == "Recommendation" and "ribavirin" in key for label, key in nodes)


def test_strict_mode_stops_at_the_first_bad_row(tmp_path: Path) -> None:
    with pytest.raises(SourceFileError) as raised:
        parse(write_tables(tmp_path), strict=True)
    assert raised.value.path.endswith("variant-table.csv")
    assert raised.value.line == 5
    assert "variant-table.csv:5" in str(raised.value)


def test_wrong_header_fails_the_file(tmp_path: Path) -> None:
    tables = dict(TABLES)
    tables[PHENOTYPE_TABLE] = TABLES[PHENOTYPE_TABLE].replace("Priority", "Risk", 1)
    with pytest.raises(SourceFileError) as raised:
        parse(write_tables(tmp_path, tables))
    assert raised.value.line == 1 and raised.value.path.endswith("phenotype-table.csv")
    assert "expected header Gene,Phenotype,Priority" in raised.value.reason


def test_empty_file_and_missing_file_fail(tmp_path: Path) -> None:
    files = write_tables(tmp_path, {**TABLES, EQUATION_TABLE: ""})
    with pytest.raises(SourceFileError, match=r"equation-table\.csv:1"):
        parse(files)
    del files[EQUATION_TABLE]
    with pytest.raises(SourceFileError, match="not among the extracted files"):
        parse(files)


def test_records_follow_the_contract(parsed: tuple[list[Record], RowProblems]) -> None:
    snake = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
    for record in parsed[0]:
        for name, value in record.props.items():
            assert snake.fullmatch(name), (record, name)
            assert value is not None and value != [], (record, name)
    keys = Counter((r.label, r.key) for r in parsed[0] if isinstance(r, NodeRecord))
    assert max(keys.values()) == 1  # each node once


def test_guideline_name_restores_gene_symbols() -> None:
    name = guideline_name("guideline-for-abacavir-and-hla-b", ["HLA-B"])
    assert name == "CPIC guideline for abacavir and HLA-B"
    assert guideline_name("cpic-guideline-for-statins", ["SLCO1B1"]) == "CPIC guideline for statins"
