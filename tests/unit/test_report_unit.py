"""The patient report without a database: assembly, network layout, HTML, FHIR and file naming, from
risk answers written out here in the contract's shape (``RiskReportModel``, ``SampleCallsModel``), with
known clinical facts: HLA-B*57:01 positive -> avoid abacavir; CYP2C19 *2/*2 -> clopidogrel alternative
(prasugrel suitable, a class mate flagged too); a CYP2D6 gene not tested -> codeine needs its result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from lxml import html as lxml_html

from pgxkg.calling.report import GeneCallModel, PositionModel, QualityModel, SampleCallsModel
from pgxkg.errors import InvalidInput
from pgxkg.queries.models import RiskReportModel
from pgxkg.report import fhir, html, network, service
from pgxkg.report.assemble import ReportContext, assemble
from pgxkg.report.model import DataSource

NOW = "2025-01-02T03:04:05Z"
CONTEXT = ReportContext(
    sources=[DataSource(source="cpic-tables@pypgx-0.27.0", name="cpic-tables", release="pypgx 0.27.0",
                        date="2022-08", license="CC0")],
    rule_drugs={"HLA-B": ["abacavir", "carbamazepine"], "CYP2C19": ["clopidogrel", "voriconazole"],
                "CYP2D6": ["codeine", "tramadol", "ondansetron"], "TPMT": ["azathioprine", "mercaptopurine"]},
    version="test")


def answer(**extra: object) -> RiskReportModel:
    """HLA-B *57:01 positive, CYP2C19 *2/*2 (CPIC), CYP2D6 untested."""
    cpic_clopidogrel = {
        "id": "CPIC:clopidogrel:CYP2C19=Poor Metabolizer", "source": "CPIC", "category": "alternative",
        "category_reason": "text rule 'alternative'", "text": "Avoid standard dose clopidogrel if possible. Use "
        "prasugrel or ticagrelor at standard dose if no contraindication.", "genes": ["CYP2C19"],
        "guideline": {"id": "g1", "name": "CPIC guideline for clopidogrel and CYP2C19",
                      "url": "https://cpicpgx.org/guidelines/guideline-for-clopidogrel-and-cyp2c19/"},
        "strength": "Strong", "cpic_level": "A", "pharmgkb_level": "1A", "pmids": ["21716271", "23698643"],
        "triggered_by": ["CYP2C19 *2/*2 -> Poor Metabolizer"]}
    data = {
        "genotype": [
            {"gene": "HLA-B", "input": "HLA-B *57:01 positive", "kind": "status", "phenotype": "HLA-B*57:01 positive",
             "path": ["given HLA-B*57:01 positive"]},
            {"gene": "CYP2C19", "input": "CYP2C19 *2/*2", "kind": "diplotype", "diplotype": "CYP2C19*2/*2",
             "phenotype": "Poor Metabolizer", "activity_score": 0.0,
             "path": ["diplotype CYP2C19*2/*2", "CYP2C19*2/*2 -[HAS_PHENOTYPE CPIC]-> CYP2C19:Poor Metabolizer"],
             "phenotypes_by_source": {"DPWG": "Poor Metaboliser"}},
        ],
        "drugs": [
            {"drug": "abacavir", "category": "avoid", "category_reason": "CPIC: the text says not to use the drug",
             "genes": ["HLA-B"], "recommendations": [{
                 "id": "CPIC:abacavir:HLA-B=*57:01 positive", "source": "CPIC", "category": "avoid",
                 "text": "Abacavir is not recommended <b>bold</b>", "genes": ["HLA-B"], "cpic_level": "A",
                 "pharmgkb_level": "1A", "pmids": ["22378157"], "triggered_by": ["HLA-B *57:01 positive"]}],
             "alternatives": [{"drug": "tenofovir", "kind": "same_atc_class", "suitable": True,
                               "reason": "no pharmacogenomic rule for tenofovir applies to this genotype"}],
             "levels": [{"gene": "HLA-B", "cpic_level": "A", "pharmgkb_level": "1A", "fda_label": "Testing required"}]},
            {"drug": "clopidogrel", "category": "alternative", "genes": ["CYP2C19"],
             "recommendations": [cpic_clopidogrel],
             "alternatives": [
                 {"drug": "prasugrel", "kind": "named_in_recommendation", "suitable": True,
                  "reason": "no pharmacogenomic rule for prasugrel applies to this genotype"},
                 {"drug": "warfarin", "kind": "same_atc_class", "suitable": False, "needs_results_for": ["CYP2C9"],
                  "reason": "warfarin has pharmacogenomic rules for CYP2C9, which this genotype does not include"}],
             "not_suitable": [{"drug": "ticlopidine", "kind": "same_atc_class", "category": "adjust_dose",
                               "reason": "ticlopidine: CYP2C19 *2/*2 -> Poor Metabolizer -> adjust_dose"}],
             "levels": [{"gene": "CYP2C19", "cpic_level": "A", "pharmgkb_level": "1A",
                         "fda_label": "Actionable PGx"}]},
            {"drug": "codeine", "category": "needs_result", "genes": ["CYP2D6"], "needs_results_for": ["CYP2D6"],
             "category_reason": "a rule for codeine needs the CYP2D6 result"},
            {"drug": "sertraline", "category": "standard", "genes": ["CYP2C19"], "recommendations": [{
                "id": "CPIC:sertraline:x", "source": "CPIC", "category": "standard", "genes": ["CYP2C19"],
                "text": "Initiate therapy with recommended starting dose.", "triggered_by": ["CYP2C19 *2/*2"]}]},
        ],
    }
    data.update(extra)
    return RiskReportModel.model_validate(data)


def report(**extra: object):
    return assemble(answer(**extra), CONTEXT, NOW)


def test_drugs_are_grouped_by_what_to_do_most_urgent_first() -> None:
    result = report()
    assert [g.category.value for g in result.groups] == ["avoid", "alternative", "needs_result", "standard"]
    assert [d.drug for d in result.group("avoid").drugs] == ["abacavir"]
    assert result.counts == {"avoid": 1, "alternative": 1, "needs_result": 1, "standard": 1}
    assert result.group("avoid").title == "Avoid" and result.group("alternative").title == "Choose an alternative"


def test_only_suitable_alternatives_are_offered_instead_and_the_others_keep_their_reason() -> None:
    clopidogrel = next(d for d in report().drugs() if d.drug == "clopidogrel")
    assert [a.drug for a in clopidogrel.instead] == ["prasugrel"]
    assert [(a.drug, a.needs_results_for) for a in clopidogrel.check_first] == [("warfarin", ["CYP2C9"])]
    assert "CYP2C9" in clopidogrel.check_first[0].reason
    assert clopidogrel.not_suitable[0].reason.startswith("ticlopidine: CYP2C19 *2/*2")
    rec = clopidogrel.recommendations[0]
    assert (rec.source, rec.classification, rec.cpic_level, rec.pharmgkb_level) == ("CPIC", "Strong", "A", "1A")


def test_untested_genes_name_the_drugs_their_result_could_change() -> None:
    untested = {g.gene: g for g in report().untested}
    assert set(untested) == {"CYP2D6", "TPMT"}  # HLA-B and CYP2C19 are in the genotype
    assert untested["CYP2D6"].drugs == ["codeine", "tramadol", "ondansetron"]
    assert untested["CYP2D6"].reason == "not in the genotype given"


def vcf_calls(missing: bool) -> SampleCallsModel:
    quality = QualityModel(positions_read=10, positions_missing=2 if missing else 0)
    gene = GeneCallModel(
        gene="CYP2C19", status="called", definitions="PharmCAT 3.1.1", diplotype="*2/*2", diplotypes=["*2/*2"],
        certain=not missing, quality=quality, possible=["*2/*2", "*2/*35"] if missing else [],
        pending="rs12769205" if missing else None,
        positions_missing=[PositionModel(variant="rs12769205", position="chr10:94761665", reason="not in the VCF"),
                           PositionModel(variant="rs41291556", position="chr10:94775185")] if missing else [])
    return SampleCallsModel(sample="NA12878", genes=[gene], genes_not_in_vcf=["TPMT"],
                            genes_not_callable={"CYP2D6": "copy number and hybrids"})


def test_vcf_calls_bring_their_quality_and_outside_calls_stay_given() -> None:
    result = assemble(answer(), CONTEXT, NOW, input_kind="vcf", calls=vcf_calls(missing=True),
                      given_genes=frozenset({"HLA-B"}))
    genes = {g.gene: g for g in result.genes}
    assert result.sample == "NA12878"
    assert genes["CYP2C19"].origin == "called" and genes["HLA-B"].origin == "given"
    quality = genes["CYP2C19"].quality
    assert quality is not None and not quality.certain
    assert (quality.positions_read, quality.positions_missing) == (10, 2)
    assert quality.missing == ["rs12769205", "rs41291556"] and quality.pending == "rs12769205"
    assert genes["HLA-B"].quality is None
    untested = {g.gene: g.reason for g in result.untested}
    assert untested["CYP2D6"] == "not called from a VCF: copy number and hybrids"
    assert untested["TPMT"] == "no defining position in the VCF"


def test_an_uncertain_gene_stays_uncertain() -> None:
    genotype = answer().model_dump()["genotype"] + [{
        "gene": "CYP2D6", "input": "CYP2D6 uncertain: *1/*4 | *4/*4", "kind": "uncertain",
        "path": ["possible: *1 / *4, *4 / *4"], "reason": "uncertain call: rs3892097 would settle it"}]
    result = report(genotype=genotype)
    cyp2d6 = next(g for g in result.genes if g.gene == "CYP2D6")
    assert cyp2d6.uncertain and cyp2d6.phenotype is None and cyp2d6.result == "uncertain call"
    assert "CYP2D6" not in {g.gene for g in result.untested}  # it was tested: the call is what is open


def fifteen_gene_report() -> object:
    genes = [{"gene": f"GENE{i}", "input": f"GENE{i} *1/*2", "kind": "diplotype", "diplotype": f"GENE{i}*1/*2",
              "phenotype": "Intermediate Metabolizer"} for i in range(15)]
    drugs = []
    for i in range(70):
        category = ["avoid", "alternative", "adjust_dose", "caution", "standard"][i % 5]
        drugs.append({"drug": f"drug-with-a-long-name-{i}", "category": category, "genes": [f"GENE{i % 15}"],
                      "recommendations": [{"id": f"r{i}", "source": "CPIC", "category": category, "text": "t",
                                           "genes": [f"GENE{i % 15}"]}],
                      "alternatives": [{"drug": f"alt-{i % 9}", "kind": "same_atc_class", "suitable": True,
                                        "reason": "r"}]})
    return assemble(RiskReportModel.model_validate({"genotype": genes, "drugs": drugs}), CONTEXT, NOW)


def test_the_network_of_fifteen_genes_stays_within_the_node_budget_without_overlaps() -> None:
    drawn = network.build(fifteen_gene_report())
    assert len(drawn.nodes) <= network.MAX_NODES
    assert {n.kind for n in drawn.nodes} == {"gene", "phenotype", "drug", "alternative"}
    assert drawn.not_drawn["standard"] == 14 and drawn.not_drawn["over the node budget"] > 0
    for a in drawn.nodes:
        for b in drawn.nodes:
            if a.id < b.id:
                apart_x = abs(a.x - b.x) >= (a.width + b.width) / 2
                apart_y = abs(a.y - b.y) >= (a.height + b.height) / 2
                assert apart_x or apart_y, (a.id, b.id)
    assert drawn.height <= 900 and all(n.width >= network.text_width(n.label) for n in drawn.nodes)


def test_the_network_folds_recommendations_into_coloured_edges_and_dashes_alternatives() -> None:
    drawn = network.build(report())
    kinds = {n.id: n.kind for n in drawn.nodes}
    assert kinds["drug:abacavir"] == "drug" and kinds["alternative:prasugrel"] == "alternative"
    assert "drug:sertraline" not in kinds and "drug:codeine" not in kinds  # counted, not drawn:
    assert drawn.not_drawn == {"standard": 1, "needs an untested gene": 1}
    edge = next(e for e in drawn.edges if e.target == "drug:abacavir")
    assert edge.source == "phenotype:HLA-B" and edge.colour == network.palette()["risk"]["avoid"]
    assert edge.label == "CPIC: avoid"
    dashed = [e for e in drawn.edges if e.dashed]
    assert {(e.source, e.target) for e in dashed} == {("drug:abacavir", "alternative:tenofovir"),
                                                      ("drug:clopidogrel", "alternative:prasugrel")}
    assert "alternative:warfarin" not in kinds  # needs a CYP2C9 result: never drawn as "instead"
    elements = network.cytoscape(drawn)["elements"]
    drug = next(n for n in elements["nodes"] if n["data"]["id"] == "drug:abacavir")
    assert drug["data"]["pgxkg_id"] == "Drug:abacavir" and drug["position"]["x"] > 0


def test_html_shows_each_group_escapes_source_text_and_embeds_the_network() -> None:
    page = html.render(report())
    tree = lxml_html.fromstring(page)
    assert tree.xpath("//section[@id='avoid']//article[@data-drug='abacavir']")
    assert tree.xpath("//section[@id='alternative']//article[@data-drug='clopidogrel']//div[@class='instead']"
                      "[contains(., 'prasugrel')]")
    assert not tree.xpath("//div[@class='instead'][contains(., 'warfarin')]")
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold</b>" not in page
    assert tree.xpath("//section[@id='network']//*[local-name()='svg']//*[local-name()='text'][.='abacavir']")
    assert tree.xpath("//tr[@data-gene='CYP2D6']") and "codeine, tramadol, ondansetron" in page
    assert "DPWG: Poor Metaboliser" in page and "2022-08" in page and "not a diagnosis" in page


def test_fhir_bundle_validates_round_trips_and_follows_the_genomics_reporting_ig() -> None:
    text = fhir.bundle_json(report(), fhir.Codes(genes={"CYP2C19": (fhir.HGNC, "HGNC:2621")},
                                                 drugs={"abacavir": "190521"}), presented_html="<p>x</p>")
    data = json.loads(text)
    parsed = Bundle.model_validate_json(text)
    assert json.loads(parsed.model_dump_json(exclude_none=True)) == data
    resources = [e["resource"] for e in data["entry"]]
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    urls = {e["fullUrl"] for e in data["entry"]}
    references = [r for res in resources for r in _references(res)]
    assert references and set(references) <= urls  # every reference resolves inside the Bundle
    patients = [r for r in resources if r["resourceType"] == "Patient"]
    assert len(patients) == 1
    (dr,) = [r for r in resources if r["resourceType"] == "DiagnosticReport"]
    assert dr["meta"]["profile"] == [fhir.IG + "genomic-report"] and dr["code"]["coding"][0]["code"] == "51969-4"
    assert "Avoid: abacavir" in dr["conclusion"] and dr["presentedForm"][0]["contentType"] == "text/html"
    genotypes = {r["component"][0]["valueCodeableConcept"]["text"]: r for r in resources
                 if r.get("meta", {}).get("profile") == [fhir.IG + "genotype"]}
    assert set(genotypes) == {"HLA-B", "CYP2C19"}
    assert genotypes["CYP2C19"]["code"]["coding"][0]["code"] == "84413-4"
    assert genotypes["CYP2C19"]["component"][0]["valueCodeableConcept"]["coding"][0]["code"] == "HGNC:2621"
    implications = {_component(r, "51963-7")["valueCodeableConcept"]["text"]: r for r in resources
                    if r.get("meta", {}).get("profile") == [fhir.IG + "therapeutic-implication"]}
    assert set(implications) == {"abacavir", "clopidogrel", "sertraline"}  # codeine: no tested gene to derive from
    abacavir = implications["abacavir"]
    assert _component(abacavir, "51963-7")["valueCodeableConcept"]["coding"][0]["code"] == "190521"
    assert abacavir["interpretation"][0]["coding"][0]["code"] == "avoid"
    assert abacavir["derivedFrom"] == [{"reference": next(e["fullUrl"] for e in data["entry"]
                                                          if e["resource"] is genotypes["HLA-B"])}]
    clopidogrel = implications["clopidogrel"]
    implication = _component(clopidogrel, "therapeutic-implication")
    assert implication["valueCodeableConcept"]["coding"][0] == {"system": fhir.LOINC, "code": "LA9657-3",
                                                                 "display": "Poor metabolizer"}
    levels = [c["valueCodeableConcept"] for c in clopidogrel["component"]
              if c["code"]["coding"][0]["code"] == "93044-6"]
    assert {"system": fhir.PHARMGKB_LEVELS, "code": "1A", "display": "PGKB 1A"} in [
        c for v in levels for c in v.get("coding", [])]
    assert {"text": "CYP2C19: CPIC level A"} in levels
    assert any(n["text"].startswith("instead (suitable for this genotype): prasugrel") for n in clopidogrel["note"])
    cites = [x["valueRelatedArtifact"].get("url") for x in clopidogrel["extension"]]
    assert "https://pubmed.ncbi.nlm.nih.gov/21716271/" in cites


def _component(resource: dict, code: str) -> dict:
    return next(c for c in resource["component"] if c["code"]["coding"][0]["code"] == code)


def _references(value: object) -> list[str]:
    if isinstance(value, dict):
        found = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return found + [r for v in value.values() for r in _references(v)]
    if isinstance(value, list):
        return [r for v in value for r in _references(v)]
    return []


@pytest.mark.parametrize(("name", "fmt"), [("r.html", "html"), ("r.pdf", "pdf"), ("r.fhir.json", "fhir"),
                                           ("r.json", "fhir")])
def test_the_format_is_read_from_the_file_name(name: str, fmt: str) -> None:
    assert service.format_of(Path(name), None) == fmt


def test_an_unknown_format_is_a_clear_error() -> None:
    with pytest.raises(InvalidInput, match=r"name it \.html, \.pdf or \.fhir\.json"):
        service.format_of(Path("report.docx"), None)
    with pytest.raises(InvalidInput, match="use html, pdf or fhir"):
        service.format_of(Path("x"), "docx")


def test_several_reports_go_to_a_folder_one_file_per_sample(tmp_path: Path) -> None:
    first, second = report(), report()
    first.sample, second.sample = "NA12878", "HG 00096/x"
    with pytest.raises(InvalidInput, match="give --sample"):
        service.write([first, second], tmp_path / "all.html", None)
    written = service.write([first, second], tmp_path / "out", "html")
    assert [p.name for p in written] == ["NA12878.html", "HG_00096_x.html"]
    assert all("abacavir" in p.read_text() for p in written)
    assert not list((tmp_path / "out").glob("*.part"))
