"""The patient report on the real graph: PharmCAT's published example through the adapter, the CLI and
the HTTP API (a real uvicorn), read in real headless Chromium, printed to PDF by it, and as FHIR.

Artefacts (HTML, screenshots, the PDF and its first page as PNG) go to test-artifacts/ to be looked at.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pypdf
import pypdfium2
import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from lxml import html as lxml_html

from pgxkg.reference import ReferenceData
from pgxkg.report import fhir, html, inputs, network, service
from pgxkg.report.model import PatientReport
from pgxkg.vocab import ACTIONABLE
from tests.api_server import running_api
from tests.paths import SHARED_DATA

EXAMPLES = SHARED_DATA / "pharmcat-examples"
EXAMPLE_REPORT = EXAMPLES / "pharmcat.example.report.json"
EXAMPLE_VCF = EXAMPLES / "pharmcat.example.vcf"
OUTSIDE_CALLS = "CYP2D6\t*1/*3\nHLA-B\t*15:02/*57:01\n"  # the example's outside calls (its report.json)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
ISSUE_GENOTYPE = {"CYP2C19": "*2/*2", "CYP2D6": "*4/*4", "HLA-B": "*57:01 positive"}


@pytest.fixture(scope="module")
def example(reference: ReferenceData) -> PatientReport:
    """PharmCAT's first published example (its report.json) as a report."""
    return inputs.pharmcat_report(reference, EXAMPLE_REPORT.read_text(), EXAMPLE_REPORT.name,
                                  inputs.context(reference))


@pytest.fixture()
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).is_file(), "headless tests need Debian's chromium: apt-get install -y chromium"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def test_pharmcat_example_reads_every_call_the_data_knows(example: PatientReport) -> None:
    genes = {g.gene: g for g in example.genes}
    assert genes["HLA-B"].origin == "pharmcat" and genes["HLA-B"].result == "*15:02/*57:01"
    assert "HLA-B*57:01 positive" in (genes["HLA-B"].phenotype or "")
    assert genes["CYP2D6"].phenotype == "Intermediate Metabolizer"  # PharmCAT's outside call, *1/*3
    assert genes["CYP2C19"].phenotype == "Normal Metabolizer" and genes["TPMT"].phenotype == "Normal Metabolizer"
    assert "HLA-A" not in genes  # PharmCAT has no call for it: not tested, with the drugs a result could change
    hla_a = next(g for g in example.untested if g.gene == "HLA-A")
    assert "carbamazepine" in hla_a.drugs
    read = set(genes) | {g.gene for g in example.not_read}
    assert {"CYP2B6", "CYP2C9", "CYP3A5", "NUDT15", "SLCO1B1", "UGT1A1", "DPYD"} <= read
    assert {s.source.split("@")[0] for s in example.sources} >= {"cpic-tables", "pharmgkb-annotations", "pharmcat"}
    assert all(s.date for s in example.sources)


def test_pharmcat_example_in_chromium_shows_hla_b_and_abacavir_under_avoid(example: PatientReport, browser) -> None:
    page_html = html.render(example)
    (ARTIFACTS / "report-pharmcat-example.html").write_text(page_html)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_content(page_html, wait_until="load")
    row = page.locator("tr.gene[data-gene='HLA-B']")
    assert "*15:02/*57:01" in row.inner_text() and "*57:01 positive" in row.inner_text()
    avoid = page.locator("section#avoid")
    assert avoid.locator("article[data-drug='abacavir']").is_visible()
    abacavir = avoid.locator("article[data-drug='abacavir']").inner_text()
    assert "HLA-B" in abacavir and "CPIC" in abacavir and "testing required" in abacavir.lower()
    picture = page.locator("#network svg")
    assert picture.is_visible() and page.locator("#network svg text", has_text="abacavir").count() == 1
    page.locator("#avoid").screenshot(path=ARTIFACTS / "report-pharmcat-example-avoid.png")
    page.screenshot(path=ARTIFACTS / "report-pharmcat-example.png")
    page.close()


def test_no_drug_offered_instead_is_flagged_by_the_same_genotype(example: PatientReport) -> None:
    flagged = {d.drug for d in example.drugs() if d.category in ACTIONABLE}
    offered = {alt.drug for drug in example.drugs() for alt in drug.instead}
    assert offered and not offered & flagged
    page = lxml_html.fromstring(html.render(example))
    shown = {s.strip() for s in page.xpath("//div[@class='instead']/span/text()")}
    assert shown == offered


def test_the_pdf_is_printed_by_chromium_and_its_first_page_shows_the_genes(example: PatientReport) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (path,) = service.write([example], ARTIFACTS / "report-pharmcat-example.pdf", None)
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) >= 2
    first = reader.pages[0].extract_text()
    for gene in ("CYP2B6", "CYP2C19", "CYP2C9", "CYP2D6"):
        assert gene in first, gene
    assert "Pharmacogenomic report" in first and "page 1 of" in first
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "abacavir" in text and "What this report is and is not" in text
    document = pypdfium2.PdfDocument(str(path))
    image = document[0].render(scale=1.5).to_pil()
    image.save(ARTIFACTS / "report-pharmcat-example-page1.png")
    dark = sum(image.convert("L").histogram()[:128])
    assert image.size[0] > 800 and dark > 2_000, "the first page is drawn, not blank"


def test_a_vcf_report_shows_call_quality_and_outside_calls_win(reference: ReferenceData) -> None:
    from pgxkg.queries.genotype_input import read_genotype

    extra = read_genotype({"outside_calls": OUTSIDE_CALLS})
    (report,) = inputs.vcf_reports(reference, EXAMPLE_VCF, inputs.context(reference), None, extra)
    genes = {g.gene: g for g in report.genes}
    assert genes["CYP2C19"].origin == "called" and genes["HLA-B"].origin == "given"
    quality = genes["CYP2C19"].quality
    assert quality is not None and quality.positions_read > 10 and "PharmCAT" in quality.definitions
    assert [d.drug for d in report.group("avoid").drugs if d.drug == "abacavir"] == ["abacavir"]
    page = lxml_html.fromstring(html.render(report))
    assert "positions read" in page.xpath("string(//tr[@data-gene='CYP2C19'])")
    assert report.sample and report.input == "vcf"


def test_the_fhir_bundle_validates_round_trips_and_carries_the_abacavir_implication(example: PatientReport,
                                                                                   reference: ReferenceData) -> None:
    codes = inputs.codes(reference, [example])
    text = fhir.bundle_json(example, codes, presented_html=html.render(example))
    (ARTIFACTS / "report-pharmcat-example.fhir.json").write_text(text)
    data = json.loads(text)
    assert json.loads(Bundle.model_validate_json(text).model_dump_json(exclude_none=True)) == data
    resources = [entry["resource"] for entry in data["entry"]]
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    by_profile: dict[str, list[dict]] = {}
    for resource in resources:
        for profile in resource.get("meta", {}).get("profile", []):
            by_profile.setdefault(profile.rsplit("/", 1)[1], []).append(resource)
    assert len(by_profile["genomic-report"]) == 1 and len(by_profile["genotype"]) == len(example.genes)
    hla_b = next(r for r in by_profile["genotype"] if r["component"][0]["valueCodeableConcept"]["text"] == "HLA-B")
    assert hla_b["valueCodeableConcept"]["text"].endswith("*15:02/*57:01")
    abacavir = next(r for r in by_profile["therapeutic-implication"]
                    if r["component"][0]["valueCodeableConcept"]["text"] == "abacavir")
    assert abacavir["interpretation"][0]["coding"][0]["code"] == "avoid"
    hla_b_url = next(e["fullUrl"] for e in data["entry"] if e["resource"] is hla_b)
    assert {"reference": hla_b_url} in abacavir["derivedFrom"]
    assert codes.drugs.get("abacavir") == abacavir["component"][0]["valueCodeableConcept"].get(
        "coding", [{}])[0].get("code")
    report = by_profile["genomic-report"][0]
    assert {x["valueRelatedArtifact"]["label"] for x in report["extension"]} == {s.source for s in example.sources}


def test_the_patient_network_of_the_example_stays_readable(example: PatientReport) -> None:
    drawn = network.build(example)
    assert len(drawn.nodes) <= network.MAX_NODES
    assert "drug:abacavir" in {n.id for n in drawn.nodes}
    assert not [n for n in drawn.nodes if n.kind == "recommendation"]


@pytest.fixture(scope="module")
def api(built_report, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_api(log=tmp_path_factory.mktemp("report-api") / "uvicorn.log") as base:
        yield base


def test_post_report_answers_html_and_fhir(api: str) -> None:
    answer = httpx.post(f"{api}/report", json=ISSUE_GENOTYPE, timeout=60)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    page = lxml_html.fromstring(answer.text)
    assert page.xpath("//section[@id='avoid']//article[@data-drug='abacavir']")
    assert page.xpath("//section[@id='alternative' or @id='avoid']//article[@data-drug='clopidogrel']")
    answer = httpx.post(f"{api}/report/fhir", json=ISSUE_GENOTYPE, timeout=60)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/fhir+json")
    bundle = Bundle.model_validate_json(answer.text)
    assert bundle.type == "collection" and len(bundle.entry) >= 5


def test_post_report_takes_pharmcat_results_as_they_are(api: str) -> None:
    answer = httpx.post(f"{api}/report", content=EXAMPLE_REPORT.read_bytes(),
                        headers={"Content-Type": "application/json"}, timeout=60)
    assert answer.status_code == 200
    page = lxml_html.fromstring(answer.text)
    assert "*15:02/*57:01" in page.xpath("string(//tr[@data-gene='HLA-B'])")
    assert page.xpath("//section[@id='avoid']//article[@data-drug='abacavir']")


def test_post_report_vcf_with_outside_calls(api: str) -> None:
    with EXAMPLE_VCF.open("rb") as handle:
        answer = httpx.post(f"{api}/report/vcf", files={"vcf": ("example.vcf", handle)},
                            data={"outside_calls": OUTSIDE_CALLS, "format": "fhir"}, timeout=120)
    assert answer.status_code == 200, answer.text[:300]
    data = answer.json()
    notes = [n["text"] for e in data["entry"] for n in e["resource"].get("note", [])]
    assert any("called by pgxkg from the VCF" in n for n in notes)


def test_post_report_network_is_the_explorers_picture(api: str) -> None:
    answer = httpx.post(f"{api}/report/network", json=ISSUE_GENOTYPE, timeout=60)
    assert answer.status_code == 200
    elements = answer.json()["elements"]
    ids = {n["data"]["pgxkg_id"] for n in elements["nodes"]}
    assert {"Gene:HLA-B", "Drug:abacavir", "Drug:clopidogrel"} <= ids
    assert all("position" in n for n in elements["nodes"])


@pytest.mark.parametrize("body", [{"CYP2C19": "*99/*2"}, {"NOTAGENE": "*1/*1"}, {"genes": {}, "pharmcatVersion": "3"}])
def test_bad_input_is_a_problem_not_a_page(api: str, body: dict) -> None:
    answer = httpx.post(f"{api}/report", json=body, timeout=60)
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "Traceback" not in answer.text


def test_cli_writes_a_fhir_file_and_refuses_an_unknown_format(built_report, tmp_path: Path) -> None:
    out = tmp_path / "r.fhir.json"
    done = subprocess.run([sys.executable, "-m", "pgxkg.cli", "report", "-g", "HLA-B *57:01 positive",
                           "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "avoid" in done.stderr and Bundle.model_validate_json(out.read_text()).type == "collection"
    done = subprocess.run([sys.executable, "-m", "pgxkg.cli", "report", "-g", "HLA-B *57:01 positive",
                           "--out", str(tmp_path / "r.docx")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr and ".fhir.json" in done.stderr
    assert not (tmp_path / "r.docx").exists()
