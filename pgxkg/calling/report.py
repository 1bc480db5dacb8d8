"""Calls -> the JSON/TSV contract of `pgxkg call`, and -> GeneInput items for the risk queries."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from pgxkg.calling.definitions import Definitions, GeneDefinition
from pgxkg.calling.matcher import GeneCall, Observation, match
from pgxkg.calling.normalize import display
from pgxkg.calling.vcf import SampleGenotypes, read_vcf
from pgxkg.queries.genotype_input import GeneInput, classify
from pgxkg.queries.models import RiskReportModel
from pgxkg.queries.risk import risk_many

if TYPE_CHECKING:
    from pgxkg.reference import ReferenceData


class PositionModel(BaseModel):
    variant: str = Field(description="rsID, else chr-pos-ref-alt")
    position: str = Field(description="GRCh38 chrom:pos")
    genotype: str | None = Field(None, description="bases read, '/' unphased, '|' phased")
    phase_set: str | None = None
    reason: str | None = Field(None, description="why a position is missing")


class CandidateModel(BaseModel):
    diplotype: str
    score: int = Field(description="positions pinned by the two alleles' definitions (PharmCAT's score)")


class GeneCallModel(BaseModel):
    gene: str
    status: Literal["called", "ambiguous", "no_match", "not_called"]
    diplotype: str | None = Field(None, description="the call, when exactly one diplotype scores best")
    passed_to_risk: bool = False
    candidates: list[CandidateModel] = Field(default_factory=list, description="best first")
    positions_read: list[PositionModel] = Field(default_factory=list)
    positions_missing: list[PositionModel] = Field(default_factory=list)
    explanation: list[str] = Field(default_factory=list)


class SampleCallsModel(BaseModel):
    sample: str
    genes: list[GeneCallModel]
    genes_not_in_vcf: list[str] = Field(default_factory=list,
                                        description="genes with allele definitions but no position in the VCF")
    genes_not_callable: dict[str, str] = Field(default_factory=dict,
                                               description="genes a VCF cannot type, with why")


class VcfRiskModel(BaseModel):
    sample: str
    calls: SampleCallsModel
    risk: RiskReportModel


def _position(definition: GeneDefinition, key: str, obs: Observation | None, reason: str | None) -> PositionModel:
    site = definition.sites[key]
    genotype = None
    if obs is not None:
        genotype = ("|" if obs.phased else "/").join(display(a, site.ref) for a in obs.alleles)
    return PositionModel(variant=site.label, position=f"{site.chrom}:{site.pos}", genotype=genotype,
                         phase_set=obs.phase_set if obs else None, reason=reason)


def gene_input(call: GeneCall) -> GeneInput | None:
    """The call as a risk-query input item, or None when there is no single diploid call."""
    if call.diplotype is None or call.haploid:
        return None
    first, second = call.diplotype
    if "/" in first or "/" in second:  # G6PD names such as "Kobe/Tenri" would split wrongly
        return GeneInput(call.gene, "diplotype", f"{first}/{second}", alleles=(first, second))
    return classify(call.gene, f"{first}/{second}")


def _model(definition: GeneDefinition, call: GeneCall, observed: dict[str, Observation]) -> GeneCallModel:
    explanation = list(call.explanation)
    if call.haploid and call.status == "called":
        explanation.append("hemizygous (haploid) call: not passed to the risk query; give the phenotype instead")
    return GeneCallModel(
        gene=call.gene, status=call.status,  # type: ignore[arg-type]
        diplotype=call.best[0].name if call.status == "called" else None,
        passed_to_risk=gene_input(call) is not None,
        candidates=[CandidateModel(diplotype=c.name, score=c.score) for c in call.candidates],
        positions_read=[_position(definition, k, observed[k], None) for k in call.read],
        positions_missing=[_position(definition, k, None, why) for k, why in call.missing.items()],
        explanation=explanation,
    )


def call_sample(defs: Definitions, genotypes: SampleGenotypes) -> tuple[SampleCallsModel, list[GeneInput]]:
    genes, items, absent = [], [], []
    for name in defs.callable_genes:
        definition = defs.genes[name]
        observed = genotypes.observed.get(name, {})
        if not observed:
            absent.append(name)
            continue
        call = match(definition, observed, genotypes.missing.get(name, {}))
        genes.append(_model(definition, call, observed))
        item = gene_input(call)
        if item is not None:
            items.append(item)
    not_callable = {g: d.uncallable_reason or "" for g, d in sorted(defs.genes.items()) if not d.callable}
    return SampleCallsModel(sample=genotypes.sample, genes=genes, genes_not_in_vcf=absent,
                            genes_not_callable=not_callable), items


def call_vcf(reference: ReferenceData, path: Path,
             sample: str | None = None) -> list[tuple[SampleCallsModel, list[GeneInput]]]:
    """Every (or one) sample of a VCF called: the report and the risk-query items."""
    defs = reference.definitions
    read = read_vcf(path, defs, sample)
    return [call_sample(defs, genotypes) for genotypes in read.samples]


def vcf_risk(reference: ReferenceData, path: Path, sample: str | None = None,
             extra: list[GeneInput] | None = None) -> list[VcfRiskModel]:
    """Calls per sample fed to the risk query; ``extra`` items (outside calls such as CYP2D6) win per gene."""
    called = call_vcf(reference, path, sample)
    given = {item.gene.upper() for item in extra or []}
    genotypes = [[i for i in items if i.gene.upper() not in given] + list(extra or []) for _, items in called]
    reports = risk_many(reference, genotypes)
    return [VcfRiskModel(sample=calls.sample, calls=calls, risk=report)
            for (calls, _), report in zip(called, reports, strict=True)]


TSV_COLUMNS = ("sample", "gene", "status", "diplotype", "candidates", "positions_read", "positions_missing",
               "explanation")


def calls_tsv(samples: list[SampleCallsModel]) -> str:
    """One row per sample and gene; candidates as 'diplotype:score', best first."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(TSV_COLUMNS)
    for sample in samples:
        for gene in sample.genes:
            writer.writerow([
                sample.sample, gene.gene, gene.status, gene.diplotype or "",
                "; ".join(f"{c.diplotype}:{c.score}" for c in gene.candidates),
                len(gene.positions_read),
                ", ".join(p.variant for p in gene.positions_missing),
                " | ".join(gene.explanation),
            ])
    return out.getvalue()
