"""POST /risk, /risk/batch and /risk/vcf: the genotype -> risky drugs contract."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, File, Form, UploadFile
from fastapi.responses import JSONResponse

from pgxkg.api import uploads
from pgxkg.api.deps import ApiSettingsDep, ReferenceDep
from pgxkg.api.problems import responses
from pgxkg.calling.report import VcfRiskModel, vcf_risk
from pgxkg.errors import InvalidInput, PgxkgError
from pgxkg.queries.genotype_input import read_genotype
from pgxkg.queries.models import RiskReportModel
from pgxkg.queries.risk import risk, risk_reports

router = APIRouter(tags=["risk"])

GENOTYPE_EXAMPLE = {"CYP2C19": "*2/*2", "CYP2D6": "Ultrarapid Metabolizer", "HLA-B": "*57:01 positive",
                    "rs9923231": "C/T"}


class TooLarge(PgxkgError):
    status_code = 413


@router.post("/risk", response_model=RiskReportModel, response_model_exclude_none=True,
             summary="Risky drugs for one genotype", responses=responses(413, 422))
def post_risk(
    reference: ReferenceDep,
    genotype: dict[str, Any] = Body(..., examples=[GENOTYPE_EXAMPLE],
                                    description="gene -> diplotype, phenotype, activity score, allele "
                                                "status or list of those; rsID -> genotype. Or "
                                                '{"outside_calls": "<PharmCAT TSV text>"}'),
) -> RiskReportModel:
    """Drugs whose guideline recommendations call for a change for this genotype, with evidence."""
    return risk(reference, read_genotype(genotype))


@router.post("/risk/batch", response_model=list[RiskReportModel], response_model_exclude_none=True,
             summary="Risky drugs for many genotypes (population screening)", responses=responses(413, 422))
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
