"""What a report is made from: a genotype, a VCF or PharmCAT's results -> risk answers; the reference
data -> the report's context (data sources, which drugs each gene has rules for).

PharmCAT's results go through one adapter, ``pharmcat_genotype``, over the genotype parser's own
reader (``pgxkg.queries.pharmcat_input``), so a report and `pgxkg risk --pharmcat` read a file alike.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pgxkg import __version__
from pgxkg.calling.report import vcf_risk
from pgxkg.graph.cypher_files import read_cypher
from pgxkg.graph.status import data_sources
from pgxkg.queries.genotype_input import GeneInput
from pgxkg.queries.pharmcat_input import kind_of, read_document, read_pharmcat
from pgxkg.queries.risk import risk
from pgxkg.report.assemble import ReportContext, assemble
from pgxkg.report.fhir import HGNC, NCBI_GENE, Codes
from pgxkg.report.model import DataSource, PatientReport, UnreadGene
from pgxkg.vocab import CpicLevel, level_rank

if TYPE_CHECKING:
    from pgxkg.reference import ReferenceData



def now() -> str:
    """The report's timestamp: UTC, ISO 8601, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def report_sources(reference: ReferenceData) -> list[DataSource]:
    """The loaded sources with release and date (``pgxkg.graph.status.data_sources``; switch to the risk
    answer's own ``data`` list once issue 16 adds it)."""
    return [DataSource(source=s.source, name=s.name, release=s.release or s.version, date=s.date,
                       license=s.license, url=s.url) for s in data_sources(reference.graph)]


def context(reference: ReferenceData) -> ReportContext:
    """Data sources and, per gene, the drugs with guideline rules for it (strongest CPIC level first)."""
    drugs_by_gene: dict[str, set[str]] = defaultdict(set)
    for drug, genes in reference.rules.genes_by_drug.items():
        for gene in genes:
            drugs_by_gene[gene].add(drug)
    evidence = reference.drug_evidence(sorted({d for drugs in drugs_by_gene.values() for d in drugs}))

    def strength(gene: str, drug: str) -> tuple[int, str]:
        levels = [lv.get("cpic_level") for lv in evidence.get(drug, {}).get("levels") or [] if lv.get("gene") == gene]
        return min((level_rank(CpicLevel, lv) for lv in levels if lv), default=99), drug

    rule_drugs = {gene: sorted(drugs, key=lambda d, g=gene: strength(g, d)) for gene, drugs in drugs_by_gene.items()}
    return ReportContext(sources=report_sources(reference), rule_drugs=rule_drugs, version=__version__)


def codes(reference: ReferenceData, reports: list[PatientReport]) -> Codes:
    """HGNC (else NCBI Gene) ids of the reports' genes and RxNorm CUIs of their drugs, in one query."""
    genes = sorted({g.gene for r in reports for g in r.genes})
    drugs = sorted({d.drug for r in reports for d in r.drugs()})
    rows = reference.graph.read(read_cypher("pgxkg.report", "report_codes"), genes=genes, drugs=drugs)
    found = Codes()
    for row in rows:
        for gene in row["genes"]:
            if gene.get("hgnc"):
                hgnc = str(gene["hgnc"])
                found.genes[gene["gene"]] = (HGNC, hgnc if hgnc.upper().startswith("HGNC:") else f"HGNC:{hgnc}")
            elif gene.get("ncbi"):
                found.genes[gene["gene"]] = (NCBI_GENE, str(gene["ncbi"]))
        found.drugs.update({d["drug"]: str(d["rxnorm"]) for d in row["drugs"]})
    return found


@dataclass
class PharmcatGenotype:
    """PharmCAT's calls as genotype items, with what could not be read as the data names it."""

    items: list[GeneInput]
    notes: dict[str, str] = field(default_factory=dict)  # gene -> how its call was read
    unread: dict[str, str] = field(default_factory=dict)  # gene -> what PharmCAT said and why it was not used


def pharmcat_genotype(reference: ReferenceData, text: str, origin: str) -> PharmcatGenotype:
    """PharmCAT's report.json, phenotype.json or outside-call TSV -> genotype items, read by the same
    parser as `pgxkg risk --pharmcat` (``pgxkg.queries.pharmcat_input``); a gene the data cannot read
    is listed in the answer's genotype with the reason. Raises InvalidInput for anything else."""
    return PharmcatGenotype(read_pharmcat(text, origin))


def is_pharmcat_document(data: Any) -> bool:
    return isinstance(data, dict) and kind_of(data) is not None


def pharmcat_document(reference: ReferenceData, data: dict, origin: str) -> PharmcatGenotype:
    """A parsed report.json or phenotype.json object, read as ``pharmcat_genotype`` reads the file."""
    return PharmcatGenotype(read_document(data, origin))


def genotype_report(reference: ReferenceData, items: list[GeneInput], report_context: ReportContext,
                    input_kind: str = "genotype", pharmcat: PharmcatGenotype | None = None,
                    given_genes: frozenset[str] = frozenset()) -> PatientReport:
    """The report for a genotype (raises InvalidInput for genes, alleles or phenotypes the data lack)."""
    answer = risk(reference, items)
    report = assemble(answer, report_context, now(), input_kind=input_kind, given_genes=given_genes)
    if pharmcat is not None:
        _pharmcat_notes(report, pharmcat)
    return report


def pharmcat_report(reference: ReferenceData, text: str, origin: str, report_context: ReportContext,
                    overrides: list[GeneInput] | None = None) -> PatientReport:
    """The report for PharmCAT's results; ``overrides`` (e.g. a CYP2D6 call) replace its genes."""
    read = pharmcat_genotype(reference, text, origin)
    given = frozenset(item.gene.upper() for item in overrides or [])
    read.items = [i for i in read.items if i.gene.upper() not in given] + list(overrides or [])
    return genotype_report(reference, read.items, report_context, "pharmcat", read, given)


def _pharmcat_notes(report: PatientReport, read: PharmcatGenotype) -> None:
    for gene in report.genes:
        if gene.gene in read.notes:
            gene.note = read.notes[gene.gene]
    report.not_read = [UnreadGene(gene=gene, reason=why) for gene, why in sorted(read.unread.items())]


def vcf_reports(reference: ReferenceData, path: Path, report_context: ReportContext, sample: str | None = None,
                extra: list[GeneInput] | None = None) -> list[PatientReport]:
    """One report per sample of a VCF (or the one ``sample``); ``extra`` items win over the calls."""
    given = frozenset(item.gene.upper() for item in extra or [])
    stamp = now()
    return [assemble(answer.risk, report_context, stamp, input_kind="vcf", calls=answer.calls, given_genes=given)
            for answer in vcf_risk(reference, path, sample, extra)]
