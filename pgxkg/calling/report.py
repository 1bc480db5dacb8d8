"""Calls -> the JSON/TSV contract of `pgxkg call`, and -> GeneInput items for the risk queries.

A certain call goes to the risk query as its diplotype. An uncertain one (a tie, alleles left
untested by missing positions, conflicting records, a half call) goes as every diplotype still
possible plus the result that would settle it (``GeneInput.possible`` / ``pending``): the risk
layer reports a drug whose verdict differs across them as needing that result.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from pgxkg.calling.definitions import Definitions, GeneDefinition
from pgxkg.calling.matcher import GeneCall, match
from pgxkg.calling.vcf import Entry, Missing, Observed, read_vcf
from pgxkg.queries.genotype_input import GeneInput
from pgxkg.queries.models import RiskReportModel
from pgxkg.queries.risk import risk_many

if TYPE_CHECKING:
    from pgxkg.reference import ReferenceData


class PositionModel(BaseModel):
    variant: str = Field(description="rsID, else the HGVS name or chr-pos-ref-alt")
    position: str = Field(description="GRCh38 chrom:pos (as a VCF writes it)")
    genotype: str | None = Field(None, description="alleles read, '/' unphased, '|' phased, '.' unknown")
    phase_set: str | None = None
    reason: str | None = Field(None, description="why a position is missing")


class CandidateModel(BaseModel):
    diplotype: str
    score: int = Field(description="positions pinned by the two alleles' definitions (PharmCAT's score)")


class QualityModel(BaseModel):
    """How much the call can be trusted: what was read, what was not, what is left open."""

    positions_read: int
    positions_missing: int
    alleles_untested: list[str] = Field(default_factory=list,
                                        description="alleles whose defining positions were all missing")
    tie: bool = False
    conflicting_records: list[str] = Field(default_factory=list)
    half_calls: list[str] = Field(default_factory=list)
    undocumented_variants: list[str] = Field(default_factory=list)


class GeneCallModel(BaseModel):
    gene: str
    status: Literal["called", "ambiguous", "variants", "no_match", "not_called"]
    definitions: str = Field(description="which allele definitions the call used (source and version)")
    diplotype: str | None = Field(None, description="the call, when exactly one diplotype is called; for "
                                                    "lowest-function genes the diplotype the phenotype follows")
    diplotypes: list[str] = Field(default_factory=list, description="what is reported; several: a tie")
    variants_found: list[str] = Field(default_factory=list,
                                      description="lowest-function genes without a diplotype: the variants found")
    certain: bool = Field(False, description="called, and nothing missing could change it")
    passed_to_risk: bool = False
    possible: list[str] = Field(default_factory=list, description="diplotypes still possible (sent to the "
                                                                  "risk query when the call is not certain)")
    possible_truncated: bool = Field(False, description="more diplotypes are possible than are listed")
    pending: str | None = Field(None, description="the result that would settle an uncertain call")
    candidates: list[CandidateModel] = Field(default_factory=list, description="consistent diplotypes, best first")
    quality: QualityModel
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


@dataclass
class GeneResult:
    """One gene of one sample: its definition, what was read, and the (shared) call."""

    definition: GeneDefinition
    entries: tuple[Entry, ...]
    call: GeneCall
    notes: list[str]


def _genotype(entry: Observed) -> str:
    return ("|" if entry.phased else "/").join("." if a is None else a.lstrip("?") for a in entry.alleles)


def gene_input(call: GeneCall) -> GeneInput | None:
    """The call as a risk-query item: its diplotype when certain, every possible diplotype otherwise,
    None when nothing can be passed (no call at all, or a hemizygous call)."""
    if call.haploid:
        return None
    if call.certain and call.diplotype is not None:
        first, second = call.diplotype
        return GeneInput(call.gene, "diplotype", f"{first}/{second}", alleles=(first, second))
    possible = tuple(p for p in call.possible if len(p) == 2)
    if not possible:
        return None
    if len(possible) == 1 and not call.possible_truncated and call.diplotype == possible[0]:
        return GeneInput(call.gene, "diplotype", "/".join(possible[0]), alleles=possible[0])
    shown = " | ".join("/".join(p) for p in possible[:6]) + (" | ..." if len(possible) > 6 else "")
    return GeneInput(call.gene, "diplotype", f"uncertain: {shown}", possible=possible,
                     pending=call.pending or "a result that separates them",
                     possible_truncated=call.possible_truncated)


def model(result: GeneResult) -> GeneCallModel:
    definition, call = result.definition, result.call
    positions = definition.positions

    def position(i: int) -> PositionModel:
        entry = result.entries[i]
        site = positions[i]
        if isinstance(entry, Observed):
            return PositionModel(variant=site.label, position=f"{site.chrom}:{site.pos}", genotype=_genotype(entry),
                                 phase_set=entry.phase_set)
        return PositionModel(variant=site.label, position=f"{site.chrom}:{site.pos}",
                             reason=entry.reason if isinstance(entry, Missing) else None)

    labels = [p.label for p in positions]
    item = gene_input(call)
    return GeneCallModel(
        gene=call.gene, status=call.status,  # type: ignore[arg-type]
        definitions=definition.source,
        diplotype="/".join(call.diplotype) if call.diplotype else None,
        diplotypes=[c.name for c in call.reported], variants_found=call.variants_found,
        certain=call.certain, passed_to_risk=item is not None,
        possible=["/".join(p) for p in call.possible] if not call.certain else [],
        possible_truncated=call.possible_truncated, pending=call.pending if not call.certain else None,
        candidates=[CandidateModel(diplotype=c.name, score=c.score) for c in call.candidates],
        quality=QualityModel(
            positions_read=len(call.read), positions_missing=len(call.missing), alleles_untested=call.untested,
            tie=call.status == "ambiguous", conflicting_records=[labels[i] for i in call.conflicts],
            half_calls=[labels[i] for i in call.half_calls],
            undocumented_variants=[labels[i] for i in call.undocumented]),
        positions_read=[position(i) for i in call.read],
        positions_missing=[position(i) for i in call.missing],
        explanation=call.explanation + result.notes,
    )


def sample_model(name: str, results: list[GeneResult], defs: Definitions) -> SampleCallsModel:
    genes = [model(r) for r in results if r.call.read]
    absent = sorted(r.definition.gene for r in results if not r.call.read)
    not_callable = {g: d.uncallable_reason or "" for g, d in sorted(defs.genes.items()) if not d.callable}
    return SampleCallsModel(sample=name, genes=genes, genes_not_in_vcf=absent, genes_not_callable=not_callable)


def call_samples(defs: Definitions, path: Path, sample: str | None = None) -> Iterator[tuple[str, list[GeneResult]]]:
    """Every (or one) sample's gene results, reading the VCF once, gene by gene (calls shared by
    samples with identical genotypes)."""
    names, blocks = read_vcf(path, defs, sample)
    per_sample: list[list[GeneResult]] = [[] for _ in names]
    interned: dict[tuple[Entry, ...], tuple[Entry, ...]] = {}
    for block in blocks:
        for slot, entries in enumerate(block.samples):
            entries = interned.setdefault(entries, entries)
            per_sample[slot].append(GeneResult(block.gene, entries, match(block.gene, entries), block.notes[slot]))
        if len(interned) > 100_000:
            interned.clear()
    for name, results in zip(names, per_sample, strict=True):
        results.sort(key=lambda r: r.definition.gene)
        yield name, results


def call_vcf(reference: ReferenceData, path: Path,
             sample: str | None = None) -> list[tuple[SampleCallsModel, list[GeneInput]]]:
    """Every (or one) sample of a VCF called: the report and the risk-query items."""
    defs = reference.definitions
    out = []
    for name, results in call_samples(defs, path, sample):
        items = [item for r in results if r.call.read and (item := gene_input(r.call)) is not None]
        out.append((sample_model(name, results, defs), items))
    return out


def vcf_risk(reference: ReferenceData, path: Path, sample: str | None = None,
             extra: list[GeneInput] | None = None) -> list[VcfRiskModel]:
    """Calls per sample fed to the risk query; ``extra`` items (outside calls such as CYP2D6) win per gene."""
    called = call_vcf(reference, path, sample)
    given = {item.gene.upper() for item in extra or []}
    genotypes = [[i for i in items if i.gene.upper() not in given] + list(extra or []) for _, items in called]
    reports = risk_many(reference, genotypes)
    return [VcfRiskModel(sample=calls.sample, calls=calls, risk=report)
            for (calls, _), report in zip(called, reports, strict=True)]


TSV_COLUMNS = ("sample", "gene", "status", "diplotype", "certain", "possible", "pending", "candidates",
               "positions_read", "positions_missing", "definitions", "explanation")


def tsv_rows(name: str, results: list[GeneResult]) -> Iterator[list[str]]:
    """One row per called gene of one sample (the TSV contract, without building the JSON models)."""
    for result in results:
        call = result.call
        if not call.read:
            continue
        labels = [p.label for p in result.definition.positions]
        yield [
            name, call.gene, call.status,
            "/".join(call.diplotype) if call.diplotype else " | ".join(c.name for c in call.reported),
            "yes" if call.certain else "no",
            "" if call.certain else "; ".join("/".join(p) for p in call.possible)
            + (" ..." if call.possible_truncated else ""),
            "" if call.certain else call.pending or "",
            "; ".join(f"{c.name}:{c.score}" for c in call.candidates),
            str(len(call.read)), ", ".join(labels[i] for i in call.missing),
            result.definition.source, " | ".join(call.explanation + result.notes),
        ]


def calls_tsv(samples: list[SampleCallsModel]) -> str:
    """One row per sample and gene; candidates as 'diplotype:score', best first."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(TSV_COLUMNS)
    for sample in samples:
        for gene in sample.genes:
            writer.writerow([
                sample.sample, gene.gene, gene.status, gene.diplotype or " | ".join(gene.diplotypes),
                "yes" if gene.certain else "no", "; ".join(gene.possible) + (" ..." if gene.possible_truncated else ""),
                gene.pending or "", "; ".join(f"{c.diplotype}:{c.score}" for c in gene.candidates),
                gene.quality.positions_read, ", ".join(p.variant for p in gene.positions_missing),
                gene.definitions, " | ".join(gene.explanation),
            ])
    return out.getvalue()
