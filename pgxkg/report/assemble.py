"""Risk answer (+ the VCF calls behind it) -> ``PatientReport``. Pure: no database, no clock, no I/O.

Everything the report says comes from the answer as it is: drugs keep their category and reason;
an alternative goes under "instead" only when the answer marks it suitable for this genotype (the
others keep their reason); a gene the answer calls uncertain stays uncertain.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pgxkg.calling.report import GeneCallModel, SampleCallsModel
from pgxkg.queries.models import DrugRiskModel, RecommendationModel, ResolvedGeneModel, RiskReportModel
from pgxkg.report.model import (
    AlternativeEntry,
    CallQuality,
    DataSource,
    DrugEntry,
    DrugGroup,
    GeneResult,
    GuidelineLink,
    LevelEntry,
    PatientReport,
    RecommendationEntry,
    UntestedGene,
)
from pgxkg.vocab import Category

# Report order and words: most urgent first; "standard" and "no recommendation" close the list.
GROUPS: dict[Category, tuple[str, str]] = {
    Category.AVOID: ("Avoid", "Do not use: the guideline advises against this drug for this genotype."),
    Category.ALTERNATIVE: ("Choose an alternative",
                           "Prefer another drug; if this one is used, follow the guideline's conditions."),
    Category.ADJUST_DOSE: ("Change the dose", "Use with a dose the guideline gives for this genotype."),
    Category.CAUTION: ("Monitor or use with caution",
                       "Usable, with monitoring or care that patients with standard function do not need."),
    Category.NEEDS_RESULT: ("Needs a result first",
                            "A guideline rule for this drug needs a result this report does not have, or an "
                            "uncertain call leaves the advice open: get the result before relying on it."),
    Category.STANDARD: ("Standard care", "Guidelines were checked for this genotype: standard prescribing."),
    Category.NO_RECOMMENDATION: ("No recommendation",
                                 "A source describes an effect of this genotype but makes no recommendation."),
}
MAX_UNTESTED_DRUGS = 12
MISSING_SHOWN = 12

STATEMENT = (
    "This report applies published pharmacogenomic guideline recommendations (CPIC, DPWG and others, as "
    "loaded in the data sources listed at the end) to the genotype given or called here. It says which "
    "drugs a guideline advises to avoid, replace, dose differently or monitor for this genotype, on what "
    "evidence, and which alternatives this same genotype does not flag.",
    "It is decision support for a clinician, not a diagnosis and not a prescription. It does not know the "
    "patient's other medicines, kidney or liver function, age, weight, pregnancy or allergies, all of which "
    "also decide the right drug and dose. A drug under 'standard care' is standard as far as the genes in "
    "this report go; a drug not listed has no guideline rule for these genes.",
    "A genotype is only as good as the test behind it: genes called from a VCF show how many defining "
    "positions were read; a gene listed as not tested can still change the advice for the drugs named "
    "beside it. Guidelines change: check the release dates of the data sources.",
)


@dataclass(frozen=True)
class ReportContext:
    """What a report needs beyond the answer, read once from the reference data (``inputs.context``).

    ``rule_drugs``: gene -> the drugs with guideline rules for it, strongest evidence first.
    """

    sources: list[DataSource]
    rule_drugs: dict[str, list[str]] = field(default_factory=dict)
    version: str = ""


def assemble(risk: RiskReportModel, context: ReportContext, generated_at: str, *,
             input_kind: str = "genotype", calls: SampleCallsModel | None = None,
             given_genes: frozenset[str] = frozenset(), sample: str | None = None) -> PatientReport:
    """The report for one patient.

    ``calls``: the VCF calls the answer came from (their quality is shown per gene); ``given_genes``:
    genes given beside the VCF or the PharmCAT results (outside calls, upper case), which win over
    them; ``generated_at``: ISO 8601.
    """
    by_call = {g.gene: g for g in calls.genes} if calls else {}
    # a gene with no usable result (PharmCAT's "not called", a no-call) is not tested: it is listed under
    # untested, with why and the drugs a result could change, not as a result
    genes = [_gene(g, by_call.get(g.gene), input_kind, given_genes) for g in risk.genotype if g.kind != "unused"]
    drugs = [_drug(d) for d in risk.drugs]
    groups = [DrugGroup(category=category, title=title, advice=advice,
                        drugs=[d for d in drugs if d.category == category])
              for category, (title, advice) in GROUPS.items()]
    groups = [g for g in groups if g.drugs]
    counts = {g.category.value: len(g.drugs) for g in groups}
    return PatientReport(
        sample=sample or (calls.sample if calls else None), input=input_kind,  # type: ignore[arg-type]
        generated_at=generated_at, pgxkg_version=context.version, genes=genes, groups=groups, counts=counts,
        untested=_untested(risk, context, calls), sources=context.sources, statement=list(STATEMENT))


def _gene(gene: ResolvedGeneModel, call: GeneCallModel | None, input_kind: str,
          given_genes: frozenset[str]) -> GeneResult:
    overridden = gene.gene.upper() in given_genes
    called = call is not None and not overridden
    origin = "called" if called else ("pharmcat" if input_kind == "pharmcat" and not overridden else "given")
    return GeneResult(
        gene=gene.gene, origin=origin, given=gene.input, kind=gene.kind, diplotype=gene.diplotype,  # type: ignore[arg-type]
        phenotype=gene.phenotype, phenotypes_by_source=dict(gene.phenotypes_by_source),
        activity_score=gene.activity_score, how=list(gene.path), reason=gene.reason,
        quality=_quality(call) if called and call is not None else None, uncertain=gene.kind == "uncertain")


def _quality(call: GeneCallModel) -> CallQuality:
    q = call.quality
    notes = ([f"conflicting records: {', '.join(q.conflicting_records)}"] if q.conflicting_records else []) \
        + ([f"half calls: {', '.join(q.half_calls)}"] if q.half_calls else []) \
        + ([f"variants no definition names: {', '.join(q.undocumented_variants)}"] if q.undocumented_variants else [])
    missing = [p.variant for p in call.positions_missing]
    return CallQuality(
        status=call.status, certain=call.certain, positions_read=q.positions_read,
        positions_missing=q.positions_missing,
        missing=missing[:MISSING_SHOWN] + ([f"and {len(missing) - MISSING_SHOWN} more"]
                                           if len(missing) > MISSING_SHOWN else []),
        tie=q.tie, alleles_untested=list(q.alleles_untested), possible=list(call.possible),
        pending=call.pending, definitions=call.definitions, notes=notes)


def _drug(drug: DrugRiskModel) -> DrugEntry:
    return DrugEntry(
        drug=drug.drug, drug_class=drug.drug_class, category=drug.category, category_reason=drug.category_reason,
        genes=list(drug.genes),
        recommendations=[_recommendation(r) for r in drug.recommendations],
        instead=[AlternativeEntry(drug=a.drug, reason=a.reason) for a in drug.alternatives if a.suitable],
        check_first=[AlternativeEntry(drug=a.drug, reason=a.reason, needs_results_for=list(a.needs_results_for))
                     for a in drug.alternatives if not a.suitable],
        not_suitable=[AlternativeEntry(drug=a.drug, reason=a.reason) for a in drug.not_suitable],
        levels=[LevelEntry(gene=lv.gene, cpic_level=lv.cpic_level, pharmgkb_level=lv.pharmgkb_level,
                           fda_label=lv.fda_label) for lv in drug.levels],
        needs_results_for=list(drug.needs_results_for), uncertainty=drug.uncertainty)


def _recommendation(rec: RecommendationModel) -> RecommendationEntry:
    guideline = GuidelineLink(name=rec.guideline.name, url=rec.guideline.url) if rec.guideline else None
    return RecommendationEntry(
        source=rec.source, guideline=guideline, text=rec.text, category=rec.category,
        classification=rec.strength, category_reason=rec.category_reason, cpic_level=rec.cpic_level,
        pharmgkb_level=rec.pharmgkb_level, pmids=list(rec.pmids), triggered_by=list(rec.triggered_by),
        genes=list(rec.genes))


def _untested(risk: RiskReportModel, context: ReportContext, calls: SampleCallsModel | None) -> list[UntestedGene]:
    """Genes with guideline rules that the report has no result for, with the drugs they could change."""
    # an uncertain call was tested: its drugs say what is open; an unused one was not
    tested = {g.gene.upper() for g in risk.genotype if g.kind != "unused"}
    reasons: dict[str, str] = {g.gene: g.reason or "no usable result" for g in risk.genotype if g.kind == "unused"}
    if calls is not None:
        reasons.update({gene: "no defining position in the VCF" for gene in calls.genes_not_in_vcf})
        reasons.update({gene: f"not called from a VCF: {why}" if why else "not called from a VCF"
                        for gene, why in calls.genes_not_callable.items()})
    out = []
    for gene, drugs in sorted(context.rule_drugs.items()):
        if gene.upper() in tested or not drugs:
            continue
        out.append(UntestedGene(gene=gene, reason=reasons.get(gene, "not in the genotype given"),
                                drugs=drugs[:MAX_UNTESTED_DRUGS]
                                + ([f"and {len(drugs) - MAX_UNTESTED_DRUGS} more"]
                                   if len(drugs) > MAX_UNTESTED_DRUGS else [])))
    return out
