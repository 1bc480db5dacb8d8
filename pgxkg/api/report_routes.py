"""POST /report (HTML), /report/fhir (FHIR R4 Bundle), /report/network (the explorer's patient view) and
/report/vcf: the patient's report from a genotype, PharmCAT's results or a VCF upload."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, File, Form, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response

from pgxkg.api import uploads
from pgxkg.api.deps import ReferenceDep
from pgxkg.api.problems import responses
from pgxkg.errors import InvalidInput
from pgxkg.queries.genotype_input import read_genotype
from pgxkg.reference import ReferenceData
from pgxkg.report import fhir, html, inputs, network
from pgxkg.report.model import PatientReport

router = APIRouter(tags=["report"])

FHIR_JSON = "application/fhir+json"
BODY = Body(..., examples=[{"CYP2C19": "*2/*2", "CYP2D6": "*4/*4", "HLA-B": "*57:01 positive"}],
            description="a genotype as POST /risk takes it (gene -> diplotype, phenotype, activity score, allele "
                        "status; rsID -> genotype; or {\"outside_calls\": \"<PharmCAT TSV>\"}), or PharmCAT's "
                        "report.json or phenotype.json object as it is")
HTML_ANSWER = {200: {"content": {"text/html": {"schema": {"type": "string"}}},
                     "description": "the report as one self-contained HTML page (print stylesheet included)"}}
FHIR_ANSWER = {200: {"content": {FHIR_JSON: {"schema": {"type": "object"}}},
                     "description": "a FHIR R4 Bundle (collection) following the HL7 Genomics Reporting IG"}}


def _report(reference: ReferenceData, body: dict[str, Any]) -> PatientReport:
    context = inputs.context(reference)
    if inputs.is_pharmcat_document(body):
        read = inputs.pharmcat_document(reference, body, "the request body")
        return inputs.genotype_report(reference, read.items, context, "pharmcat", read)
    return inputs.genotype_report(reference, read_genotype(body), context)


def _fhir(reference: ReferenceData, report: PatientReport) -> Response:
    page = html.render(report)
    text = fhir.bundle_json(report, inputs.codes(reference, [report]), presented_html=page)
    return Response(text, media_type=FHIR_JSON)


@router.post("/report", response_class=HTMLResponse, summary="The patient's report as a printable HTML page",
             responses={**HTML_ANSWER, **responses(413, 422)})
def post_report(reference: ReferenceDep, genotype: dict[str, Any] = BODY) -> HTMLResponse:
    """Genes (given or called, phenotype per source), drugs grouped by what to do with the recommendations,
    evidence and suitable alternatives, genes not tested, the network, data sources with their dates."""
    return HTMLResponse(html.render(_report(reference, genotype)))


@router.post("/report/fhir", response_class=Response, summary="The patient's report as a FHIR R4 Bundle",
             responses={**FHIR_ANSWER, **responses(413, 422)})
def post_report_fhir(reference: ReferenceDep, genotype: dict[str, Any] = BODY) -> Response:
    """A Bundle with a genomic DiagnosticReport, a genotype Observation per gene and a therapeutic-implication
    Observation per drug, all about one placeholder Patient the caller replaces."""
    return _fhir(reference, _report(reference, genotype))


@router.post("/report/network", summary="The patient's network, laid out for reading (the explorer's view)",
             responses=responses(413, 422))
def post_report_network(reference: ReferenceDep, genotype: dict[str, Any] = BODY) -> JSONResponse:
    """Cytoscape.js elements with preset positions: genes -> phenotypes -> drugs (one edge per gene and drug,
    coloured by category) -> suitable alternatives (dashed)."""
    return JSONResponse(network.cytoscape(network.build(_report(reference, genotype))))


@router.post("/report/vcf", summary="The report for one sample of a GRCh38 VCF upload (HTML or FHIR)",
             responses={200: {"content": {"text/html": {"schema": {"type": "string"}},
                                          FHIR_JSON: {"schema": {"type": "object"}}}}, **responses(413, 422)})
def post_report_vcf(
    reference: ReferenceDep,
    vcf: UploadFile = File(..., description="VCF 4.x on GRCh38, plain or bgzipped"),
    sample: str | None = Form(None, description="the sample to report (required when the VCF has several)"),
    outside_calls: str | None = Form(None, description="PharmCAT outside-call TSV (e.g. CYP2D6); wins over the "
                                                       "VCF's call for those genes"),
    format: str = Form("html", description="html or fhir"),
) -> Response:
    if format not in {"html", "fhir"}:
        raise InvalidInput(f"format {format!r}: use html or fhir")
    extra = read_genotype({"outside_calls": outside_calls}) if outside_calls else []
    with uploads.saved(vcf) as path:
        reports = inputs.vcf_reports(reference, path, inputs.context(reference), sample or None, extra)
    if len(reports) != 1:
        raise InvalidInput(f"the VCF holds {len(reports)} samples: name one in 'sample'",
                           [r.sample or "" for r in reports[:5]])
    if format == "fhir":
        return _fhir(reference, reports[0])
    return HTMLResponse(html.render(reports[0]))
