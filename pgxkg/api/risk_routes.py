"""POST /risk, /risk/batch and /risk/vcf: the genotype -> risky drugs contract."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Body, Depends, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse

from pgxkg.api import uploads
from pgxkg.api.deps import ApiSettingsDep, ReferenceDep
from pgxkg.api.problems import responses
from pgxkg.calling.report import VcfRiskModel, vcf_risk
from pgxkg.errors import InvalidInput, PgxkgError
from pgxkg.queries.genotype_input import parse_json, read_genotype
from pgxkg.queries.models import RiskReportModel
from pgxkg.queries.pharmcat_input import read_pharmcat, with_overrides
from pgxkg.queries.risk import risk, risk_reports

router = APIRouter(tags=["risk"])


async def unique_keys(request: Request) -> None:
    """Refuse a body that gives one gene twice with different values: the parsed body FastAPI
    hands over keeps only the last, so the raw body is read again with a pairs hook."""
    parse_json(await request.body(), "the request body")

GENOTYPE_EXAMPLE = {"CYP2C19": "*2/*2", "CYP2D6": "Ultrarapid Metabolizer", "HLA-B": "*57:01 positive",
                    "rs9923231": "C/T"}


class TooLarge(PgxkgError):
    status_code = 413


@router.post("/risk", response_model=RiskReportModel, response_model_exclude_none=True,
             summary="Risky drugs for one genotype", responses=responses(413, 422),
             dependencies=[Depends(unique_keys)])
def post_risk(
    reference: ReferenceDep,
    genotype: dict[str, Any] = Body(..., examples=[GENOTYPE_EXAMPLE],
                                    description="gene -> diplotype, phenotype, activity score, allele "
                                                "status or list of those; rsID -> genotype (the README's "
                                                "'Genotype notation' has the grammar). Or "
                                                '{"outside_calls": "<PharmCAT TSV text>"}, or PharmCAT\'s '
                                                "phenotype.json or report.json object as it is"),
) -> RiskReportModel:
    """Drugs whose guideline recommendations call for a change for this genotype, with evidence."""
    return risk(reference, read_genotype(genotype))


@router.post("/risk/batch", response_model=list[RiskReportModel], response_model_exclude_none=True,
             summary="Risky drugs for many genotypes (population screening)", responses=responses(413, 422),
             dependencies=[Depends(unique_keys)])
def post_risk_batch(
    reference: ReferenceDep,
    api: ApiSettingsDep,
    genotypes: list[dict[str, Any]] = Body(..., examples=[[GENOTYPE_EXAMPLE, {"CYP2C19": "*1/*1"}]]),
) -> JSONResponse:
    """One report per genotype, in order; an error names the genotype it is about (``genotype 3: ...``)."""
    if not genotypes:
        raise InvalidInput("the batch is empty")
    if len(genotypes) > api.max_batch:
        raise TooLarge(f"a batch holds at most {api.max_batch} genotypes, not {len(genotypes)}",
                       "split it into several calls")
    parsed = []
    for index, genotype in enumerate(genotypes):
        try:
            parsed.append(read_genotype(genotype))
        except InvalidInput as error:
            raise InvalidInput(f"genotype {index}: {error.message}", error.suggestions) from None
    # Built from pieces validated once and cached; re-validating 1,000 reports would cost seconds.
    return JSONResponse(risk_reports(reference, parsed))


@router.post("/risk/pharmcat", response_model=RiskReportModel, response_model_exclude_none=True,
             summary="Risky drugs from PharmCAT's results (phenotype.json, report.json or outside calls)",
             responses=responses(413, 422))
def post_risk_pharmcat(
    reference: ReferenceDep,
    file: UploadFile = File(..., description="PharmCAT's phenotype.json or report.json, or an outside-call "
                                             "TSV (comment and header lines, CRLF and a byte-order mark are "
                                             "fine)"),
    genotype: str | None = Form(None, description="genes to take from here instead (inline text or JSON, "
                                                  "e.g. 'CYP2D6 *1/*4')"),
) -> RiskReportModel:
    """The file's calls per gene, read as `pgxkg risk --pharmcat FILE` reads them."""
    name = Path(file.filename or "upload").name or "upload"
    try:
        text = file.file.read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{name}: not UTF-8 text (byte {error.start})") from None
    items = with_overrides(read_pharmcat(text, name), read_genotype(genotype) if genotype else [])
    return risk(reference, items)


@router.post("/risk/vcf", response_model=list[VcfRiskModel], response_model_exclude_none=True,
             summary="Call star alleles from a GRCh38 VCF upload, then risky drugs per sample",
             responses=responses(413, 422))
def post_risk_vcf(
    reference: ReferenceDep,
    vcf: UploadFile = File(..., description="VCF 4.x on GRCh38, plain or bgzipped, one or more samples"),
    sample: str | None = Form(None, description="report only this sample"),
    outside_calls: str | None = Form(None, description="PharmCAT outside-call TSV (e.g. CYP2D6); "
                                                       "overrides the VCF's call for those genes"),
) -> list[VcfRiskModel]:
    """Per sample: the diplotype calls (positions read, missing, why) and the risk report they lead to."""
    extra = read_genotype({"outside_calls": outside_calls}) if outside_calls else []
    with uploads.saved(vcf) as path:
        return vcf_risk(reference, path, sample or None, extra)
