"""The official-format adapters on the real files in ../shared/data/official-formats (no database).

CPIC API JSON, CPIC's change log, ClinPGx release files in both annotation layouts, PharmCAT's DPWG
rows: what each becomes, the real files' quirks, and a damaged file as a clear error with file and line.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from pgxkg.loaders.clinpgx import ClinpgxAdapter
from pgxkg.loaders.clinpgx_annotations import ClinpgxAnnotationsAdapter
from pgxkg.loaders.cpic_api import CHANGELOG_HEADER, CpicApiAdapter
from pgxkg.loaders.dpwg import DpwgAdapter, plain_text
from pgxkg.loaders.official import local_candidates, match_files
from pgxkg.loaders.records import EdgeRecord, NodeRecord, RowProblems, SourceFileError
from pgxkg.loaders.rules import cpic_key, dpwg_key
from pgxkg.loaders.tables import continued_rows, name_key, name_list, split_names
from pgxkg.vocab import activity_conditions, condition
from tests.official_data import SOURCES

CPIC_FILES = SOURCES["cpic-api"][0]
CLINPGX = SOURCES["clinpgx"][0]
SUMMARY = SOURCES["clinpgx-annotations"][0]
CLINICAL = SUMMARY.parent / "2025-01-05"
DPWG = SOURCES["dpwg"][0]


def files_of(adapter, folder: Path) -> dict[str, Path]:
    """The files a fetch from ``folder`` would keep, by their cache names (read in place)."""
    return {s.relative: Path(s.candidate.where) for s in match_files(adapter, local_candidates(folder))}


def parse(adapter, files: dict[str, Path], strict: bool = False):
    problems = RowProblems(strict=strict)
    records = list(adapter.records(files, problems))
    nodes: dict[tuple[str, str], dict] = {}
    for record in records:  # properties of one node given in several records add up, as in the build
        if isinstance(record, NodeRecord):
            nodes.setdefault((record.label, record.key), {}).update(record.props)
    edges = [r for r in records if isinstance(r, EdgeRecord)]
    return nodes, edges, problems


@pytest.fixture(scope="module")
def cpic():
    return parse(CpicApiAdapter(), files_of(CpicApiAdapter(), CPIC_FILES))


@pytest.fixture(scope="module")
def dpwg():
    return parse(DpwgAdapter(), files_of(DpwgAdapter(), DPWG))


@pytest.fixture(scope="module")
def clinpgx():
    return parse(ClinpgxAdapter(), files_of(ClinpgxAdapter(), CLINPGX))


def recommendations(nodes: dict, drug: str) -> dict[str, dict]:
    return {key: props for (label, key), props in nodes.items() if label == "Recommendation" and props["drug"] == drug}


def conditions_of(edges: list[EdgeRecord], key: str) -> set[str]:
    return {e.props["condition"] for e in edges if e.type == "WHEN" and e.start == ("Recommendation", key)}


# --- CPIC API -------------------------------------------------------------------------------------

def test_cpic_rows_become_rules_with_cpic_signals(cpic) -> None:
    nodes, _, problems = cpic
    assert problems.problems == []
    rules = [props for (label, _), props in nodes.items() if label == "Recommendation"]
    # 2,115 rows; rows that differ only in one gene's activity score share a rule
    ids = Counter(i for props in rules for i in props["cpic_ids"])
    assert sum(ids.values()) == 2115 and max(ids.values()) == 1
    assert 1000 < len(rules) < 2115
    hydralazine = recommendations(nodes, "hydralazine")["CPIC:hydralazine:phenotype:NAT2:Poor Metabolizer"]
    assert hydralazine["classification"] == "Moderate" and hydralazine["population"] == "general"
    assert hydralazine["text"].startswith("Initiate therapy at a total daily dose of 40 to 75 mg")
    assert hydralazine["implications"][0].startswith("NAT2: ")
    assert hydralazine["dosing_information"] in (True, False)


def test_cpic_activity_rows_of_one_phenotype_merge_and_meet_the_phenotype(cpic) -> None:
    nodes, edges, _ = cpic
    paroxetine = recommendations(nodes, "paroxetine")
    (key,) = [k for k, p in paroxetine.items() if "CYP2D6: 0.25, 0.5, 0.75, 1.0 (Intermediate Metabolizer)"
              in p["phenotypes"]]
    assert conditions_of(edges, key) == {
        *(condition("activity", "CYP2D6", v) for v in ("0.25", "0.5", "0.75", "1.0")),
        condition("phenotype_only", "CYP2D6", "Intermediate Metabolizer")}
    assert paroxetine[key]["category"] == "adjust_dose"  # CPIC 2023: lower starting dose, slower titration


def test_cpic_keeps_every_population_and_score_specific_text(cpic) -> None:
    nodes, _, _ = cpic
    atomoxetine = recommendations(nodes, "atomoxetine")
    assert {p["population"] for p in atomoxetine.values()} == {"adults", "pediatrics"}
    fluorouracil = recommendations(nodes, "fluorouracil")
    assert "CPIC:fluorouracil:activity:DPYD:1.5" in fluorouracil  # CPIC 2024: its own row (Moderate)
    assert fluorouracil["CPIC:fluorouracil:activity:DPYD:1.5"]["category"] == "adjust_dose"


def test_cpic_lookup_keys(cpic) -> None:
    nodes, _, _ = cpic
    assert cpic_key("G6PD", "Deficient", "Deficient", None).condition == "phenotype:G6PD:G6PD Deficient"
    assert cpic_key("HLA-B", "*57:01 positive", None, "HLA-B*57:01 positive").condition == "positive:HLA-B*57:01"
    assert cpic_key("HLA-B", "No Result", None, "No HLA-B Result").condition == "unknown:HLA-B"
    assert cpic_key("CYP2D6", "n/a", "Indeterminate", None).condition == "phenotype:CYP2D6:Indeterminate"
    assert cpic_key("CYP2D6", "≥3.0", "Ultrarapid Metabolizer", None).condition == "activity:CYP2D6:≥3.0"
    assert cpic_key("CFTR", "ivacaftor responsive in CF patients", None, None).value == "Favorable Response"
    primaquine = recommendations(nodes, "primaquine")["CPIC:primaquine:phenotype:G6PD:G6PD Deficient"]
    assert primaquine["category"] == "avoid"


def test_cpic_guidelines_drugs_pairs_and_change_log(cpic) -> None:
    nodes, edges, _ = cpic
    thiopurines = nodes[("Guideline", "CPIC:PA166251442")]
    assert thiopurines["name"] == "CPIC guideline for TPMT, NUDT15 and Thiopurines"
    assert 2026 in thiopurines["publication_years"] and thiopurines["last_change"] == "2026-02-04"
    assert {e.end[1] for e in edges if e.type == "CITES" and e.start == ("Guideline", "CPIC:PA166251442")} \
        >= {"30447069", "41618934"}
    clopidogrel = nodes[("Drug", "clopidogrel")]
    assert (clopidogrel["rxnorm"], clopidogrel["pharmgkb_id"], clopidogrel["drugbank_id"]) == \
        ("32968", "PA449053", "DB00758")
    pair = next(e for e in edges if e.type == "INTERACTS_WITH" and e.start == ("Gene", "CYP2C19")
                and e.end == ("Drug", "clopidogrel"))
    assert (pair.props["cpic_level"], pair.props["pharmgkb_level"]) == ("A", "1A")
    assert nodes[("Gene", "CYP2C19")]["hgnc_id"] == "HGNC:2621"


def test_cpic_change_log_records_span_raw_line_breaks() -> None:
    problems = RowProblems()
    rows = list(continued_rows(CPIC_FILES / "cpic-data-1.56.0" / "data.tsv", CHANGELOG_HEADER, problems))
    assert len(rows) == 786 and problems.problems == []  # 812 physical lines
    slco1b1 = next(row for _, row in rows if row["Note of Change"].startswith("DELETED HAPLOTYPE: *3"))
    assert "\nADDED: *55-*58" in slco1b1["Note of Change"]


def test_cpic_release_is_the_change_log_date_or_the_date_given() -> None:
    adapter = CpicApiAdapter()
    files = files_of(adapter, CPIC_FILES)
    assert adapter.describe(files, {}, None) == ("CPIC API v1 tables; CPIC change log through 2026-02-05",
                                                 "2026-02-05")
    assert adapter.describe(files, {}, "2026-11-30") == ("CPIC API v1 as served on 2026-11-30", "2026-11-30")


def test_a_truncated_cpic_table_is_an_error_with_file_and_line(tmp_path: Path) -> None:
    text = (CPIC_FILES / "api-v1-2026-08-13" / "recommendation.json").read_text()
    cut = tmp_path / "recommendation.json"
    cut.write_text(text[: len(text) // 2])
    files = {**files_of(CpicApiAdapter(), CPIC_FILES), "recommendation.json": cut}
    with pytest.raises(SourceFileError, match=r"recommendation\.json:\d+: not valid JSON"):
        parse(CpicApiAdapter(), files)


def test_a_cpic_record_without_its_fields_is_a_bad_row_with_its_line(tmp_path: Path) -> None:
    records = json.loads((CPIC_FILES / "api-v1-2026-08-13" / "recommendation.json").read_text())
    del records[3]["lookupkey"]
    broken = tmp_path / "recommendation.json"
    broken.write_text(json.dumps(records, indent=1))
    files = {**files_of(CpicApiAdapter(), CPIC_FILES), "recommendation.json": broken}
    _, _, problems = parse(CpicApiAdapter(), files)
    line = 1 + broken.read_text()[: broken.read_text().index(f'"id": {records[3]["id"]}')].count("\n")
    assert [p.message for p in problems.problems] == [f"{broken}:{line - 1}: record lacks lookupkey"]


# --- DPWG from PharmCAT -----------------------------------------------------------------------------

def test_dpwg_lookup_keys() -> None:
    assert dpwg_key("DPYD", "1.5 (Intermediate Metabolizer)").condition == "activity:DPYD:1.5"
    assert dpwg_key("DPYD", "1.5 (Intermediate Metabolizer)").phenotype == "Intermediate Metabolizer"
    assert dpwg_key("CYP2C9", {"*1": 1.0, "*3": 1.0}).condition == "diplotype:CYP2C9*1/*3"
    assert dpwg_key("CYP2C9", {"*3": 2.0}).condition == "diplotype:CYP2C9*3/*3"
    # VKORC1 -1639G>A is rs9923231 C>T on GRCh38 (the gene is on the minus strand)
    assert dpwg_key("VKORC1", "-1639 AG").condition == "genotype:rs9923231:CT"
    assert dpwg_key("HLA-B", "1511 and 1502").condition == "diplotype:HLA-B*15:02/*15:11"
    assert dpwg_key("CYP2D6", "≥3.0").condition == "activity:CYP2D6:≥3.0"


def test_dpwg_rows(dpwg) -> None:
    nodes, _, problems = dpwg
    assert problems.problems == []
    guidelines = {key for label, key in nodes if label == "Guideline"}
    assert len(guidelines) == 62 and all(key.startswith("DPWG:PA") for key in guidelines)
    rules = [p for (label, _), p in nodes.items() if label == "Recommendation"]
    assert {p["source"] for p in rules} == {"DPWG"}
    assert sum(len(p["pharmgkb_ids"]) for p in rules) >= 529  # every row, some for several drugs
    warfarin = recommendations(nodes, "warfarin")
    assert warfarin["DPWG:warfarin:genotype:rs9923231:TT"]["text"].startswith("Use 60% of the standard initial dose")
    # DPWG keys CYP2C9 both by diplotype and by phenotype: *1/*2 ("no action") is not the IM row's 65%
    intermediate = warfarin["DPWG:warfarin:phenotype:CYP2C9:Intermediate Metabolizer"]
    assert "diplotype:CYP2C9*1/*2" in intermediate["unless"]
    assert warfarin["DPWG:warfarin:diplotype:CYP2C9*1/*2"]["category"] == "standard"


def test_dpwg_text_is_plain_and_the_release_is_the_data_version(dpwg) -> None:
    assert plain_text("<p>Use 50%.</p>\n<ul><li>Monitor &amp; adjust.</li></ul>") == "Use 50%.\nMonitor & adjust."
    files = files_of(DpwgAdapter(), DPWG)
    assert DpwgAdapter().describe(files, {}, None) == (
        "DPWG rows from PharmCAT's guideline files, data version 2024-03-25-16-13", "2024-03-25")
    provides = DpwgAdapter().provides_of(files)
    assert "recommendations/DPWG:warfarin" in provides
    assert not any("hormonal contraceptives" in kind for kind in provides)  # PharmCAT has no F5 guideline


# --- ClinPGx ----------------------------------------------------------------------------------------

def test_clinpgx_drugs_with_ids_synonyms_and_classes(clinpgx) -> None:
    nodes, _, problems = clinpgx
    assert {p.path.rsplit("/", 1)[-1] for p in problems.problems} == {"relationships.tsv.gz"}
    clopidogrel = nodes[("Drug", "clopidogrel")]
    assert clopidogrel["pharmgkb_id"] == "PA449053" and "Plavix" in clopidogrel["synonyms"]
    assert ("Drug", "antidepressants") not in nodes
    assert nodes[("DrugClass", "N06A")]["name"] == "antidepressants"
    assert nodes[("DrugClass", "G03A")]["pharmgkb_id"] == "PA452637"


def test_clinpgx_label_testing_levels_per_agency(clinpgx) -> None:
    nodes, edges, _ = clinpgx
    levels = {}
    for edge in edges:
        if edge.type == "INTERACTS_WITH" and edge.start == ("Gene", "HLA-B") and edge.end == ("Drug", "abacavir"):
            levels.update(edge.props)
    assert levels["fda_label"] == "Testing Required" and levels["clinical_level"] == "1A"
    assert nodes[("DrugLabel", "PA166104833")]["source"] == "FDA"


def test_clinpgx_relationships_are_stored_once_and_genes_carry_hgnc_ids(clinpgx) -> None:
    nodes, edges, problems = clinpgx
    related = [(e.start, e.end) for e in edges if e.type == "RELATED_TO"]
    # every pair is listed both ways; one edge each, except 8 pairs of a variant with no rsID (reported)
    unplaced = [p for p in problems.problems if "relationships.tsv" in p.path]
    assert [p.reason.split("'")[1] for p in unplaced].count("CYP3A5 poor metabolizer") == 5
    assert len(related) + len(unplaced) == 127_522 // 2
    assert len(set(related)) > 63_000  # (two ClinPGx diseases of one name are one Disease node)
    assert nodes[("Gene", "CYP2C19")]["hgnc_id"] == "HGNC:2621"
    assert nodes[("Allele", "DPYD c.1905+1G>A (*2A)")]["synonyms"] == ["*2A", "c.1905+1G>A"]


def test_clinpgx_list_fields() -> None:
    assert name_list('"""(2R,3R)-9-methoxy"", ""10-o-desmethyl"""') == ["(2R,3R)-9-methoxy", "10-o-desmethyl"]
    assert name_list("Clopidogrel [Ban:Inn], Clopidogrel sulfate, Plavix")[-1] == "Plavix"
    known = {name_key("Antivirals for treatment of HIV infections, combinations")}
    assert split_names("Antivirals for treatment of HIV infections, combinations,ritonavir", ",", known) == \
        ["Antivirals for treatment of HIV infections, combinations", "ritonavir"]


@pytest.mark.parametrize("folder", [SUMMARY, CLINICAL], ids=["2025-08 summary layout", "2025-01 clinical layout"])
def test_clinical_annotations_in_either_layout(folder: Path) -> None:
    adapter = ClinpgxAnnotationsAdapter()
    files = files_of(adapter, folder)
    assert any(name.endswith(".tsv.gz") for name in files)  # the alleles arrive gzipped
    nodes, edges, problems = parse(adapter, files)
    assert problems.problems == []
    annotation = nodes[("ClinicalAnnotation", "PharmGKB:981755803:rs75527207:AA")]
    assert annotation["level"] == "1A" and annotation["drugs"] == ["ivacaftor"]
    assert {e.end for e in edges if e.start == ("ClinicalAnnotation", "PharmGKB:981755803:rs75527207:AA")} >= {
        ("Variant", "rs75527207"), ("Gene", "CFTR"), ("Drug", "ivacaftor")}
    hla = [key for label, key in nodes if label == "ClinicalAnnotation" and ":HLA-B:*15:02" in key]
    assert hla


def test_a_cut_gzip_member_is_an_error_with_file_and_line(tmp_path: Path) -> None:
    adapter = ClinpgxAnnotationsAdapter()
    files = files_of(adapter, SUMMARY)
    alleles = tmp_path / "summary_ann_alleles.tsv.gz"
    data = (SUMMARY / "summaryAnnotations" / "summary_ann_alleles.tsv.gz").read_bytes()
    alleles.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceFileError, match=r"summary_ann_alleles\.tsv\.gz:\d+: the gzip stream is cut"):
        parse(adapter, {**files, "summary_ann_alleles.tsv.gz": alleles})


def test_a_cut_tsv_line_is_a_bad_row_and_stops_a_strict_load(tmp_path: Path) -> None:
    adapter = ClinpgxAnnotationsAdapter()
    files = files_of(adapter, SUMMARY)
    annotations = tmp_path / "summary_annotations.tsv"
    text = (SUMMARY / "summaryAnnotations" / "summary_annotations.tsv").read_text()
    annotations.write_text(text[: text.index("\n", len(text) // 2) + 30])
    files = {**files, "summary_annotations.tsv": annotations}
    lines = annotations.read_text().count("\n") + 1
    with pytest.raises(SourceFileError, match=rf"summary_annotations\.tsv:{lines}: \d+ fields, expected 15"):
        parse(adapter, files, strict=True)


def test_files_of_two_layouts_are_not_mixed(tmp_path: Path) -> None:
    adapter = ClinpgxAnnotationsAdapter()
    files = files_of(adapter, SUMMARY)
    shutil.copy(CLINICAL / "clinicalAnnotations" / "clinical_ann_evidence.tsv", tmp_path / "summary_ann_evidence.tsv")
    with pytest.raises(SourceFileError, match="two layouts mixed"):
        parse(adapter, {**files, "summary_ann_evidence.tsv": tmp_path / "summary_ann_evidence.tsv"})


def test_gzip_is_read_by_its_bytes_not_its_name(tmp_path: Path) -> None:
    plain = tmp_path / "summary_ann_alleles.tsv"
    with gzip.open(SUMMARY / "summaryAnnotations" / "summary_ann_alleles.tsv.gz", "rb") as source:
        plain.write_bytes(gzip.compress(source.read()))  # gzipped content under a .tsv name
    adapter = ClinpgxAnnotationsAdapter()
    files = {k: v for k, v in files_of(adapter, SUMMARY).items() if "alleles" not in k}
    nodes, _, _ = parse(adapter, {**files, "summary_ann_alleles.tsv": plain})
    assert ("ClinicalAnnotation", "PharmGKB:981755803:rs75527207:AA") in nodes


# --- conditions a patient meets ---------------------------------------------------------------------

def test_a_score_meets_its_exact_rule_else_the_tightest_lower_bound() -> None:
    exact, floors = {"3.0", "4.0"}, {"≥3.0", "≥3.25", "≥5.0"}
    assert activity_conditions("CYP2D6", 4.0, exact, floors) == ["activity:CYP2D6:4.0"]
    assert activity_conditions("CYP2D6", 5.5, exact, floors) == ["activity:CYP2D6:5.5", "activity:CYP2D6:≥5.0"]
    assert activity_conditions("CYP2D6", 3.5, exact, floors) == ["activity:CYP2D6:3.5", "activity:CYP2D6:≥3.25"]
    assert activity_conditions("CYP2D6", 1.0, exact, floors) == ["activity:CYP2D6:1.0"]
