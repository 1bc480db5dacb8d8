"""PharmGKB adapter (panno 0.3.1 pgx_kb.sqlite3): pure parsing tests, no database.

The fixture is a small SQLite file in the real schema holding real rows (long texts
shortened) plus broken ones. The real file is parsed in tests/integration/test_real_sources.py.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pgxkg.loaders.pharmgkb import (
    MEMBER,
    PharmgkbAdapter,
    guideline_conditions,
)
from pgxkg.loaders.records import EdgeRecord, NodeRecord, RowProblems, SourceFileError

SCHEMA = """
CREATE TABLE "ClinAnn" (
    "ID" INTEGER NOT NULL, "CAID" INTEGER NOT NULL, "Gene" VARCHAR(64) NOT NULL,
    "Variant" VARCHAR(512) NOT NULL, "Allele1" VARCHAR(64) NOT NULL, "Allele2" VARCHAR(64) NULL,
    "Annotation1" TEXT NOT NULL, "Annotation2" TEXT NULL, "Function1" VARCHAR(64) NOT NULL,
    "Function2" VARCHAR(64) NULL, "Score1" FLOAT NULL, "Score2" FLOAT NULL,
    "CPICPhenotype" VARCHAR(64) NULL, "PAnnoPhenotype" VARCHAR(64) NOT NULL,
    "Drug" VARCHAR(256) NOT NULL, "Phenotypes" VARCHAR(256) NOT NULL,
    "EvidenceLevel" VARCHAR(4) NOT NULL, "LevelOverride" TEXT NULL, "LevelModifier" VARCHAR(32) NULL,
    "Score" VARCHAR(32) NOT NULL, "PMIDCount" INTEGER NOT NULL, "EvidenceCount" INTEGER NOT NULL,
    "Specialty" VARCHAR(16) NULL, "PhenotypeCategory" VARCHAR(16) NOT NULL, PRIMARY KEY ("ID"));
CREATE TABLE "DiplotypePhenotype" (
    "ID" INTEGER NOT NULL, "Gene" VARCHAR(32) NOT NULL, "Allele1" VARCHAR(64) NOT NULL,
    "Allele2" VARCHAR(64) NOT NULL, "ActivityScore" VARCHAR(32) NULL, "Phenotype" VARCHAR(64) NOT NULL,
    "EHR" VARCHAR(64) NOT NULL, "ConsultationID" INTEGER NOT NULL, PRIMARY KEY ("ID"));
CREATE TABLE "GuidelineMerge" (
    "ID" INTEGER NOT NULL, "Source" VARCHAR(32) NOT NULL, "PAID" VARCHAR(16) NOT NULL,
    "Summary" TEXT NOT NULL, "Phenotype" VARCHAR(256) NOT NULL, "Genotype" VARCHAR(256) NULL,
    "Recommendation" TEXT NOT NULL, "Avoid" TINYINT NOT NULL DEFAULT '0',
    "Alternate" TINYINT NOT NULL DEFAULT '0', "Dosing" TINYINT NOT NULL DEFAULT '0',
    "Gene" VARCHAR(16) NOT NULL, "Drug" VARCHAR(128) NOT NULL, "GeneID" INTEGER NOT NULL,
    "DrugID" INTEGER NOT NULL, PRIMARY KEY ("ID"));
CREATE TABLE "GuidelineRule" (
    "ID" INTEGER NOT NULL, "Gene" VARCHAR(16) NOT NULL, "Variant" VARCHAR(64) NOT NULL,
    "Allele1" VARCHAR(64) NOT NULL, "Allele2" VARCHAR(64) NULL, "Phenotype" VARCHAR(512) NULL,
    "ClinAnnID" VARCHAR(256) NULL, "GuidelineID" INTEGER NOT NULL, PRIMARY KEY ("ID"));
"""

CFTR_TEXT = ('"Patients with the rs75527207 {} genotype (...) and cystic fibrosis may respond to '
             'ivacaftor treatment."')
CYP2D6_LIST = '"CYP2D6*1, CYP2D6*1xN, CYP2D6*2, CYP2D6*3, CYP2D6*4, CYP2D6*5, CYP2D6*6, CYP2D6*10, CYP2D6*41"'
STAR5 = "The CYP2D6*5 allele is assigned as a no function allele by CPIC. Patients carrying ..."
STAR1 = "The CYP2D6*1 allele is assigned as a normal function allele by CPIC. Patients carrying ..."


def clin_ann(row_id: int, caid: int, gene: str, variant: str, a1: str, a2: str, text1: str, text2: str,
             drug: str, diseases: str, level: str) -> tuple[Any, ...]:
    return (row_id, caid, gene, variant, a1, a2, text1, text2, "", "", None, None, "", "Uncertain",
            drug, diseases, level, "", "Tier 1 VIP", "234.875", 28, 30, "Pediatric", "Efficacy")


CLIN_ANN = [
    clin_ann(1, 981755803, "CFTR", "rs75527207", "A", "A", CFTR_TEXT.format("AA"), "", "ivacaftor",
             "Cystic Fibrosis", "1A"),
    clin_ann(2, 981755803, "CFTR", "rs75527207", "A", "G", CFTR_TEXT.format("AG"), "", "ivacaftor",
             "Cystic Fibrosis", "1A"),
    clin_ann(3, 981755803, "CFTR", "rs75527207", "G", "G", CFTR_TEXT.format("GG"), "", "ivacaftor",
             "Cystic Fibrosis", "1A"),
    # allele-level haplotype annotation: panno crossed the per-allele texts into diplotypes
    clin_ann(18842, 1451259580, "CYP2D6", CYP2D6_LIST, "*5", "*5", STAR5, STAR5, "amitriptyline",
             "Depressive Disorder", "1A"),
    clin_ann(18843, 1451259580, "CYP2D6", CYP2D6_LIST, "*5", "*1", STAR5, STAR1, "amitriptyline",
             "Depressive Disorder", "1A"),
    # genotype-level haplotype annotation with a quoted multi-disease field
    clin_ann(27875, 1183491278, "CYP3A5", "CYP3A5*1, CYP3A5*3", "*3", "*1",
             "Patients with the *1/*3 genotype who are treated with atorvastatin ...", "", "atorvastatin",
             '"Hypercholesterolemia;Muscular Diseases, drug-induced"', "3"),
    # broken rows
    clin_ann(90001, 1449311190, "SLCO1B1", "rs4149056", "C", "C", "Patients with the CC genotype ...", "",
             "mercaptopurine", "", "9Z"),
    clin_ann(90002, 1449311190, "SLCO1B1", "rs4149056", "C", "T", "Patients with the CT genotype ...", "",
             "", "", "3"),
]

CPIC_CLOPIDOGREL = "The CPIC Dosing Guideline for clopidogrel recommends an alternative antiplatelet ..."
CPIC_WARFARIN = '"The updated guideline for pharmacogenetics-guided warfarin dosing ..."'
GUIDELINE_MERGE = [
    (95, "DPWG", "PA166104956", '"Avoid clopidogrel use in patients who are CYP2C19 poor metabolizers ..."',
     "Intermediate Metabolizer", "",
     '"PERCUTANEOUS CORONARY INTERVENTION, STROKE or TIA: choose an alternative or double the dose to '
     '150 mg/day (600 mg loading dose).\nOTHER INDICATIONS: no action required"',
     0, 1, 1, "CYP2C19", "clopidogrel", 4349, 842),
    (261, "CPIC", "PA166104948", CPIC_CLOPIDOGREL, "Normal Metabolizer", "",
     '"If considering clopidogrel, use at standard dose (75 mg/day)"', 0, 0, 0, "CYP2C19", "clopidogrel",
     4349, 842),
    (263, "CPIC", "PA166104948", CPIC_CLOPIDOGREL, "Intermediate Metabolizer", "",
     "Avoid standard dose clopidogrel (75 mg) if possible. Use prasugrel or ticagrelor at standard dose if "
     "no contraindication.", 1, 0, 1, "CYP2C19", "clopidogrel", 4349, 842),
    (265, "CPIC", "PA166104948", CPIC_CLOPIDOGREL, "Poor Metabolizer", "",
     "Avoid clopidogrel if possible. Use prasugrel or ticagrelor at standard dose if no contraindication.",
     1, 0, 1, "CYP2C19", "clopidogrel", 4349, 842),
    (430, "DPWG", "PA166104991",
     '"Avoid abacavir for patients who have the HLA-B*57:01 allele (patients who are '
     '""HLA-B*57:01-positive"")."', "HLA-B*57:01 positive", "",
     "Abacavir is contra-indicated for HLA-B*5701-positive patients.", 1, 0, 0, "HLA-B", "abacavir",
     8015, 26),
    (460, "CPIC", "PA166104997", '"In individuals with the HLA-B*57:01 variant allele ..."',
     "HLA-B*57:01 negative", "", "Use abacavir per standard dosing guidelines", 0, 0, 0, "HLA-B",
     "abacavir", 8015, 26),
    (461, "CPIC", "PA166104997", '"In individuals with the HLA-B*57:01 variant allele ..."',
     "HLA-B*57:01 positive", "", "Abacavir is not recommended", 0, 0, 0, "HLA-B", "abacavir", 8015, 26),
    (100, "CPIC", "PA166104949", CPIC_WARFARIN, "rs9923231 CC", "rs9923231 CC",
     '"A increased dose of warfarin. Calculate warfarin dose using a validated pharmacogenetic algorithm."',
     0, 0, 1, "VKORC1", "warfarin", 23312, 3480),
    (101, "CPIC", "PA166104949", CPIC_WARFARIN, "rs9923231 CT; rs9923231 TT", "rs9923231 CT; rs9923231 TT",
     '"A decreased dose of warfarin. Calculate warfarin dose using a validated pharmacogenetic algorithm."',
     0, 0, 1, "VKORC1", "warfarin", 23312, 3480),
    (102, "CPIC", "PA166104949", CPIC_WARFARIN, "rs12777823 GG", "rs12777823 GG",
     '"A higher dose of warfarin in African Americans."', 0, 0, 1, "-", "warfarin", 32768, 3480),
    # broken rows: a phenotype shape naming no allele (real), no drug, a repeated recommendation
    (234, "DPWG", "PA166104983", "Increased doses of tacrolimus are recommended for CYP3A5 ...",
     "Heterozygote", "", '"Liver transplantation: ... Use 1.5 times the normal initial dose."',
     0, 0, 1, "CYP3A5", "tacrolimus", 4368, 3127),
    (9001, "CPIC", "PA0", "x", "Poor Metabolizer", "", "Avoid.", 1, 0, 0, "CYP2C19", "", 1, 1),
    (9002, "CPIC", "PA166104948", CPIC_CLOPIDOGREL, "Poor Metabolizer", "", "Avoid clopidogrel.",
     1, 0, 0, "CYP2C19", "clopidogrel", 4349, 842),
]

GUIDELINE_RULE = [
    (30136, "VKORC1", "rs9923231", "C", "C", "rs9923231 CC", "6219; 7419; 10239; 10242; 17000", 100),
    (30137, "VKORC1", "rs9923231", "C", "T", "rs9923231 CT", "6220; 7420; 10240; 10243; 17001", 101),
    (30139, "VKORC1", "rs9923231", "T", "T", "rs9923231 TT", "6221; 7421; 10241; 10244; 17002", 101),
    (30141, "-", "rs12777823", "G", "G", "rs12777823 GG", "2598", 102),
    (153158, "HLA-B", "HLA-B*57:01 positive", "*57:01", "", "HLA-B*57:01 positive", "", 430),
    (168561, "HLA-B", "HLA-B*57:01 negative", "*57:01", "", "HLA-B*57:01 negative", "", 460),
    (168562, "HLA-B", "HLA-B*57:01 positive", "*57:01", "", "HLA-B*57:01 positive", "", 461),
]

DIPLOTYPE_PHENOTYPE = [
    (1, "ABCG2", "rs2231142 reference (G)", "rs2231142 reference (G)", "", "Normal Function",
     "Normal/Routine/Low Risk", 2),
    (2, "ABCG2", "rs2231142 reference (G)", "rs2231142 variant (T)", "", "Decreased Function",
     "Abnormal/Priority/High Risk", 1),
    (714, "CYP2C19", "*1", "*2", "", "Intermediate Metabolizer", "Abnormal/Priority/High Risk", 13),
    (4237, "CYP2D6", "*4", "*1", "1.0", "Intermediate Metabolizer", "Abnormal/Priority/High Risk", 43),
    (36115, "MT-RNR1", "663A>G", "", "", "uncertain risk of aminoglycoside-induced hearing loss",
     "Normal/Routine/Low Risk", 73),
    (19097, "G6PD", "A- 202A_376G", "", "", "Deficient", "Abnormal/Priority/High Risk", 58),
]


def write_db(path: Path, tables: dict[str, list[tuple[Any, ...]]] | None = None,
             schema: str = SCHEMA) -> Path:
    tables = tables if tables is not None else {
        "ClinAnn": CLIN_ANN, "GuidelineMerge": GUIDELINE_MERGE, "GuidelineRule": GUIDELINE_RULE,
        "DiplotypePhenotype": DIPLOTYPE_PHENOTYPE}
    with sqlite3.connect(path) as db:
        db.executescript(schema)
        for table, rows in tables.items():
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                db.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)
    return path


class Parsed:
    def __init__(self, path: Path, strict: bool = False) -> None:
        self.problems = RowProblems(strict=strict)
        self.records = list(PharmgkbAdapter().records({MEMBER: path}, self.problems))
        self.nodes = {(r.label, r.key): dict(r.props) for r in self.records if isinstance(r, NodeRecord)}
        self.edges = [r for r in self.records if isinstance(r, EdgeRecord)]

    def edges_from(self, label: str, key: str, rel: str) -> list[EdgeRecord]:
        return [e for e in self.edges if e.start == (label, key) and e.type == rel]

    def targets(self, label: str, key: str, rel: str) -> set[tuple[str, str]]:
        return {e.end for e in self.edges_from(label, key, rel)}

    def keys(self, label: str) -> set[str]:
        return {key for lab, key in self.nodes if lab == label}


@pytest.fixture
def fixture_db(tmp_path: Path) -> Path:
    return write_db(tmp_path / "pgx_kb.sqlite3")


@pytest.fixture
def parsed(fixture_db: Path) -> Parsed:
    return Parsed(fixture_db)


def test_cftr_annotation(parsed: Parsed) -> None:
    key = "PharmGKB:981755803:rs75527207:AA"
    props = parsed.nodes[("ClinicalAnnotation", key)]
    assert props["level"] == "1A"
    assert props["genotype"] == "AA" and props["variant"] == "rs75527207" and props["gene"] == "CFTR"
    assert props["text"].startswith("Patients with the rs75527207 AA") and not props["text"].endswith('"')
    assert props["score"] == 234.875 and props["pmid_count"] == 28 and props["evidence_count"] == 30
    assert props["drugs"] == ["ivacaftor"] and props["diseases"] == ["Cystic Fibrosis"]
    assert parsed.targets("ClinicalAnnotation", key, "ABOUT") == {("Variant", "rs75527207"), ("Gene", "CFTR")}
    assert parsed.targets("ClinicalAnnotation", key, "FOR_DRUG") == {("Drug", "ivacaftor")}
    assert parsed.targets("ClinicalAnnotation", key, "FOR_DISEASE") == {
        ("Disease", "PharmGKB:cystic fibrosis")}
    assert parsed.nodes[("Disease", "PharmGKB:cystic fibrosis")] == {
        "name": "Cystic Fibrosis", "name_normalised": "cystic fibrosis"}
    assert parsed.nodes[("Variant", "rs75527207")] == {"rsid": "rs75527207", "gene": "CFTR"}
    assert {k for k in parsed.keys("ClinicalAnnotation") if ":981755803:" in k} == {
        f"PharmGKB:981755803:rs75527207:{g}" for g in ("AA", "AG", "GG")}


def test_haplotype_annotations_by_allele_or_by_genotype(parsed: Parsed) -> None:
    # per-allele texts -> one node per allele, with that allele's text
    star5, star1 = "PharmGKB:1451259580:CYP2D6:*5", "PharmGKB:1451259580:CYP2D6:*1"
    assert {k for k in parsed.keys("ClinicalAnnotation") if ":1451259580:" in k} == {star5, star1}
    assert parsed.nodes[("ClinicalAnnotation", star1)]["text"] == STAR1
    assert parsed.targets("ClinicalAnnotation", star5, "ABOUT") == {
        ("Allele", "CYP2D6*5"), ("Gene", "CYP2D6")}
    # one text for the genotype -> one node for the (sorted) diplotype, about both alleles
    key = "PharmGKB:1183491278:CYP3A5:*1/*3"
    assert parsed.nodes[("ClinicalAnnotation", key)]["diseases"] == [
        "Hypercholesterolemia", "Muscular Diseases, drug-induced"]
    assert parsed.targets("ClinicalAnnotation", key, "ABOUT") == {
        ("Allele", "CYP3A5*1"), ("Allele", "CYP3A5*3"), ("Gene", "CYP3A5")}


def when(parsed: Parsed, key: str) -> set[tuple[str, str, str, tuple[str, str]]]:
    return {(e.props["gene"], e.props["kind"], e.props["condition"], e.end)
            for e in parsed.edges_from("Recommendation", key, "WHEN")}


def test_abacavir_hla_positive_is_avoid(parsed: Parsed) -> None:
    dpwg = parsed.nodes[("Recommendation", "DPWG:abacavir:positive:HLA-B*57:01")]
    assert dpwg["flags"] == ["avoid"] and "category" not in dpwg  # flags say what a text contains
    assert dpwg["genes"] == ["HLA-B"] and dpwg["phenotypes"] == ["HLA-B: *57:01 positive"]
    assert when(parsed, "DPWG:abacavir:positive:HLA-B*57:01") == {
        ("HLA-B", "positive", "positive:HLA-B*57:01", ("Allele", "HLA-B*57:01"))}
    cpic = parsed.nodes[("Recommendation", "CPIC:abacavir:positive:HLA-B*57:01")]
    assert "flags" not in cpic and cpic["text"] == "Abacavir is not recommended"
    assert ("Recommendation", "CPIC:abacavir:negative:HLA-B*57:01") in parsed.nodes
    assert ("Guideline", "CPIC:abacavir-HLA-B") in {
        e.start for e in parsed.edges if e.type == "RECOMMENDS" and e.end[1].startswith("CPIC:abacavir")}


def test_clopidogrel_flags_and_guidelines(parsed: Parsed) -> None:
    poor = "CPIC:clopidogrel:phenotype:CYP2C19:Poor Metabolizer"
    props = parsed.nodes[("Recommendation", poor)]
    assert props["flags"] == ["avoid", "dosing"] and props["pharmgkb_id"] == "PA166104948"
    assert props["text"].startswith("Avoid clopidogrel")
    assert when(parsed, poor) == {("CYP2C19", "phenotype", "phenotype:CYP2C19:Poor Metabolizer",
                                   ("Phenotype", "CYP2C19:Poor Metabolizer"))}
    dpwg = parsed.nodes[("Recommendation", "DPWG:clopidogrel:phenotype:CYP2C19:Intermediate Metabolizer")]
    assert dpwg["flags"] == ["alternate", "dosing"]
    assert dpwg["text"].startswith("PERCUTANEOUS") and "\nOTHER INDICATIONS" in dpwg["text"]
    normal = parsed.nodes[("Recommendation", "CPIC:clopidogrel:phenotype:CYP2C19:Normal Metabolizer")]
    assert "category" not in normal
    guideline = parsed.nodes[("Guideline", "CPIC:clopidogrel-CYP2C19")]
    assert guideline["source"] == "CPIC" and guideline["pharmgkb_id"] == "PA166104948"
    assert guideline["summary"] == CPIC_CLOPIDOGREL
    assert parsed.targets("Guideline", "CPIC:clopidogrel-CYP2C19", "FOR_DRUG") == {("Drug", "clopidogrel")}
    assert len(parsed.edges_from("Guideline", "CPIC:clopidogrel-CYP2C19", "RECOMMENDS")) == 3
    assert ("Guideline", "DPWG:clopidogrel-CYP2C19") in parsed.nodes
    assert parsed.targets("Recommendation", poor, "FOR_DRUG") == {("Drug", "clopidogrel")}


def test_vkorc1_genotypes_and_a_gene_less_variant(parsed: Parsed) -> None:
    key = "CPIC:warfarin:genotype:rs9923231:CT+genotype:rs9923231:TT"
    assert when(parsed, key) == {
        ("VKORC1", "genotype", "genotype:rs9923231:CT", ("Variant", "rs9923231")),
        ("VKORC1", "genotype", "genotype:rs9923231:TT", ("Variant", "rs9923231"))}
    assert parsed.nodes[("Recommendation", key)]["text"]
    assert parsed.nodes[("Variant", "rs9923231")] == {"rsid": "rs9923231", "gene": "VKORC1"}
    # gene "-" in the row and in its rules: the guideline has no gene part, the rsID is the locus
    assert ("Guideline", "CPIC:warfarin") in parsed.nodes
    gene_less = "CPIC:warfarin:genotype:rs12777823:GG"
    assert parsed.nodes[("Recommendation", gene_less)]["genes"] == ["rs12777823"]
    assert parsed.nodes[("Variant", "rs12777823")] == {"rsid": "rs12777823"}


def test_diplotype_phenotypes(parsed: Parsed) -> None:
    het = "ABCG2 Reference/rs2231142"
    assert parsed.nodes[("Diplotype", het)] == {
        "gene": "ABCG2", "allele1": "Reference", "allele2": "rs2231142"}
    assert parsed.targets("Diplotype", het, "HAS_PHENOTYPE") == {("Phenotype", "ABCG2:Decreased Function")}
    assert parsed.nodes[("Phenotype", "ABCG2:Decreased Function")] == {
        "gene": "ABCG2", "name": "Decreased Function", "priority": "Abnormal/Priority/High Risk"}
    homozygous = parsed.edges_from("Diplotype", "ABCG2 Reference/Reference", "HAS_ALLELE")
    assert [(e.end, e.props) for e in homozygous] == [(("Allele", "ABCG2 Reference"), {"count": 2})]
    assert parsed.targets("Diplotype", "CYP2D6*1/*4", "HAS_ALLELE") == {
        ("Allele", "CYP2D6*1"), ("Allele", "CYP2D6*4")}
    assert parsed.nodes[("Diplotype", "CYP2D6*1/*4")]["activity_score"] == "1.0"
    [edge] = parsed.edges_from("Diplotype", "CYP2D6*1/*4", "HAS_PHENOTYPE")
    assert edge.props == {"activity_score": "1.0"}
    assert parsed.targets("Diplotype", "CYP2D6*1/*4", "OF_GENE") == {("Gene", "CYP2D6")}

def test_one_allele_genotypes_and_names_as_pypgx_writes_them(parsed: Parsed) -> None:
    mito = "MT-RNR1 m.663A>G/m.663A>G"  # mitochondrial: the allele twice
    assert parsed.targets("Diplotype", mito, "HAS_PHENOTYPE") == {
        ("Phenotype", "MT-RNR1:Uncertain Risk of Aminoglycoside-Induced Hearing Loss")}
    male = "G6PD A- 202A_376G/MALE"  # hemizygous
    assert parsed.targets("Diplotype", male, "HAS_PHENOTYPE") == {("Phenotype", "G6PD:G6PD Deficient")}
    assert parsed.targets("Diplotype", male, "HAS_ALLELE") == {
        ("Allele", "G6PD A- 202A_376G"), ("Allele", "G6PD MALE")}


def test_bad_rows_name_table_and_id(parsed: Parsed, fixture_db: Path) -> None:
    found = {(p.line, p.reason.split(":")[0]) for p in parsed.problems.problems}
    assert found == {(90001, "ClinAnn"), (90002, "ClinAnn"), (234, "GuidelineMerge"),
                     (9001, "GuidelineMerge"), (9002, "GuidelineMerge")}
    reasons = {p.line: p.reason for p in parsed.problems.problems}
    assert "9Z" in reasons[90001] and "no drug" in reasons[90002]
    assert "unknown phenotype shape 'Heterozygote'" in reasons[234]
    assert "repeats row 265" in reasons[9002]
    assert all(p.path == str(fixture_db) for p in parsed.problems.problems)
    assert ("ClinicalAnnotation", "PharmGKB:1449311190:rs4149056:CC") not in parsed.nodes


def test_strict_mode_raises_on_the_first_bad_row(fixture_db: Path) -> None:
    with pytest.raises(SourceFileError) as raised:
        Parsed(fixture_db, strict=True)
    assert raised.value.line == 90001 and "ClinAnn" in raised.value.reason


def test_a_file_that_is_not_sqlite_is_a_source_file_error(tmp_path: Path) -> None:
    path = tmp_path / "pgx_kb.sqlite3"
    path.write_text("ID,Gene\n1,CYP2C19\n" * 200)
    with pytest.raises(SourceFileError) as raised:
        Parsed(path)
    assert raised.value.line is None and "SQLite" in raised.value.reason


def test_missing_table_or_column_is_a_source_file_error(tmp_path: Path) -> None:
    no_table = SCHEMA.split('CREATE TABLE "GuidelineRule"')[0]
    with pytest.raises(SourceFileError, match="table GuidelineRule is missing"):
        Parsed(write_db(tmp_path / "a.sqlite3", {}, no_table))
    no_column = SCHEMA.replace('"EHR" VARCHAR(64) NOT NULL,', "")
    with pytest.raises(SourceFileError, match=r"DiplotypePhenotype lacks column.*EHR"):
        Parsed(write_db(tmp_path / "b.sqlite3", {}, no_column))


@pytest.mark.parametrize(("gene", "phenotype", "genotype", "expected"), [
    ("CYP2C19", "Normal Metabolizer; Indeterminate", "",
     {"phenotype:CYP2C19:Normal Metabolizer", "phenotype:CYP2C19:Indeterminate"}),
    ("CYP2D6", "Poor Metabolizers", "", {"phenotype:CYP2D6:Poor Metabolizer"}),
    ("CYP2C19", "Extensive Metabolizer", "", {"phenotype:CYP2C19:Normal Metabolizer"}),
    ("G6PD", "Deficient; Deficient with CNSHA", "",
     {"phenotype:G6PD:G6PD Deficient", "phenotype:G6PD:G6PD Deficient with CNSHA"}),
    ("HLA-A", "HLA-A*31:01 negative + HLA-B*15:02 positive", "",
     {"negative:HLA-A*31:01", "positive:HLA-B*15:02"}),
    ("CYP2B6", "*5/*6 or *5/*18", "*5/*6; *5/*18", {"diplotype:CYP2B6*5/*6", "diplotype:CYP2B6*5/*18"}),
    ("CYP2C19", "*2; *3", "*2; *3", {"carrier:CYP2C19*2", "carrier:CYP2C19*3"}),
    ("VKORC1", "rs9923231", "rs9923231", {"carrier:rs9923231"}),
    ("IFNL3", "CT or TT", "rs12979860 CT; rs12979860 TT",
     {"genotype:rs12979860:CT", "genotype:rs12979860:TT"}),
    ("SLCO1B1", "*1/*5; rs4149056 TC", "*1/*5; rs4149056 TC",
     {"diplotype:SLCO1B1*1/*5", "genotype:rs4149056:CT"}),
    ("DPYD", "Intermediate Metabolizer", "AS 1; AS 0.5",
     {"phenotype:DPYD:Activity Score 1.0", "phenotype:DPYD:Activity Score 0.5"}),
    ("TPMT", "Patients carrying nonfunctional TPMT variants", "*2; *3A",
     {"carrier:TPMT*2", "carrier:TPMT*3A"}),
    # panno's Phenotype column is shifted by a row here; the Genotype column is right
    ("SLC28A3", "rs2229774 AA; rs2229774 AG", "rs7853758 GG; rs7853758 AG",
     {"genotype:rs7853758:GG", "genotype:rs7853758:AG"}),
    ("CFTR", "Homozygous for F508del-CFTR", "rs113993960 del/del", {"genotype:rs113993960:del/del"}),
])
def test_condition_shapes(gene: str, phenotype: str, genotype: str, expected: set[str]) -> None:
    row = {"Phenotype": phenotype, "Genotype": genotype}
    vocabulary = {"G6PD": {"deficient": "Deficient", "deficient with cnsha": "Deficient with CNSHA"}}
    assert {c.string for c in guideline_conditions(row, gene, [], vocabulary)} == expected


@pytest.mark.parametrize(("phenotype", "genotype", "reason"), [
    ("Heterozygote", "", "unknown phenotype shape"),
    ("Intermediate Metabolizer - *10", "", "unknown phenotype shape"),
    ("Factor V Leiden heterozygous", "rs6025 TT", "contradicts"),
])
def test_condition_shapes_that_are_errors(phenotype: str, genotype: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        guideline_conditions({"Phenotype": phenotype, "Genotype": genotype}, "GENE", [], {})
