"""The patient report as data: what every rendering (HTML, PDF, FHIR, network) is made from."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from pgxkg.vocab import Category


class CallQuality(BaseModel):
    """How far a gene called from a VCF can be trusted (``pgxkg.calling``'s quality, in short)."""

    status: str = Field(description="called, ambiguous, variants, no_match or not_called")
    certain: bool = Field(description="called, and nothing missing could change it")
    positions_read: int
    positions_missing: int
    missing: list[str] = Field(default_factory=list, description="the missing defining positions (variant names)")
    tie: bool = False
    alleles_untested: list[str] = Field(default_factory=list,
                                        description="alleles whose defining positions were all missing")
    possible: list[str] = Field(default_factory=list, description="diplotypes still possible when not certain")
    pending: str | None = Field(None, description="the result that would settle an uncertain call")
    definitions: str = Field(description="the allele definitions used (source and version)")
    notes: list[str] = Field(default_factory=list,
                             description="conflicting records, half calls, undocumented variants")


class GeneResult(BaseModel):
    """One gene of the patient: what was given or called, and what it means."""

    gene: str
    origin: Literal["given", "called", "pharmcat"] = Field(
        description="given in the genotype, called from the VCF, or read from PharmCAT's results")
    given: str = Field(description="the fact as given or called, e.g. 'CYP2C19 *2/*2'")
    kind: str = Field(description="diplotype, phenotype, activity, status, rsid")
    diplotype: str | None = None
    phenotype: str | None = None
    phenotypes_by_source: dict[str, str] = Field(
        default_factory=dict, description="a source's own phenotype name where it differs (DPWG)")
    activity_score: float | None = None
    how: list[str] = Field(default_factory=list, description="how the phenotype was derived")
    reason: str | None = Field(None, description="why the phenotype is Indeterminate")
    quality: CallQuality | None = Field(None, description="for a gene called from a VCF")
    uncertain: bool = Field(False, description="the call leaves several diplotypes possible")
    note: str | None = Field(None, description="how a PharmCAT call was read, when not as it was written")

    @property
    def result(self) -> str:
        """The result without the gene's name: ``*2/*2``, ``Poor Metabolizer``, ``*57:01 positive``."""
        if self.uncertain:
            return "uncertain call"
        shown = self.diplotype or self.given
        return shown[len(self.gene):].strip() if shown.upper().startswith(self.gene.upper()) else shown


class UnreadGene(BaseModel):
    """A gene in the input that the loaded data cannot read (e.g. an allele newer than the data)."""

    gene: str
    reason: str


class GuidelineLink(BaseModel):
    name: str | None = None
    url: str | None = None


class RecommendationEntry(BaseModel):
    """One source's recommendation for the drug, as it applies to this patient."""

    source: str
    guideline: GuidelineLink | None = None
    text: str
    category: Category
    classification: str | None = Field(None, description="the source's strength or classification")
    category_reason: str | None = None
    cpic_level: str | None = None
    pharmgkb_level: str | None = Field(None, description="PharmGKB/ClinPGx level of evidence")
    pmids: list[str] = Field(default_factory=list)
    triggered_by: list[str] = Field(default_factory=list, description="the genotype facts that made it apply")
    genes: list[str] = Field(default_factory=list)


class AlternativeEntry(BaseModel):
    drug: str
    reason: str
    needs_results_for: list[str] = Field(default_factory=list)


class LevelEntry(BaseModel):
    gene: str
    cpic_level: str | None = None
    pharmgkb_level: str | None = Field(None, description="PharmGKB/ClinPGx level of evidence")
    fda_label: str | None = Field(None, description="the FDA label's pharmacogenomic testing level")


class DrugEntry(BaseModel):
    """One drug, with what to do and why."""

    drug: str = Field(description="lowercase generic name (or a class's name when drug_class is set)")
    drug_class: str | None = Field(None, description="set when the rule is about a class of drugs (ATC code)")
    category: Category
    category_reason: str | None = None
    genes: list[str] = Field(default_factory=list)
    recommendations: list[RecommendationEntry] = Field(default_factory=list)
    instead: list[AlternativeEntry] = Field(default_factory=list,
                                            description="alternatives this genotype does not flag (suitable)")
    check_first: list[AlternativeEntry] = Field(
        default_factory=list, description="alternatives that need a result or whose safety is unknown, with why")
    not_suitable: list[AlternativeEntry] = Field(default_factory=list,
                                                 description="named or same-class drugs this genotype flags too")
    levels: list[LevelEntry] = Field(default_factory=list)
    needs_results_for: list[str] = Field(default_factory=list)
    uncertainty: str | None = None


class DrugGroup(BaseModel):
    """Drugs that call for the same action."""

    category: Category
    title: str
    advice: str = Field(description="what the group means, in plain words")
    drugs: list[DrugEntry]


class UntestedGene(BaseModel):
    """A pharmacogene the report has no result for, and what a result could change."""

    gene: str
    reason: str = Field(description="why there is no result (not in the genotype, not in the VCF, not callable)")
    drugs: list[str] = Field(description="drugs with guideline rules for this gene, strongest evidence first")


class DataSource(BaseModel):
    """A loaded source the answer was read from, with its release and the date of its data."""

    source: str
    name: str | None = None
    release: str | None = None
    date: str | None = None
    license: str | None = None
    url: str | None = None


class PatientReport(BaseModel):
    """Everything the report shows; HTML, PDF, FHIR and the network are renderings of it."""

    title: str = "Pharmacogenomic report"
    sample: str | None = Field(None, description="the VCF sample, when the report comes from a VCF")
    input: Literal["genotype", "vcf", "pharmcat"]
    generated_at: str = Field(description="when the report was made (ISO 8601, UTC)")
    pgxkg_version: str
    genes: list[GeneResult]
    not_read: list[UnreadGene] = Field(default_factory=list, description="input genes the data could not read")
    groups: list[DrugGroup] = Field(description="non-empty groups, most urgent first")
    counts: dict[str, int] = Field(description="drugs per category")
    untested: list[UntestedGene]
    sources: list[DataSource]
    statement: list[str] = Field(description="what this report is and is not, in plain words")

    def drugs(self) -> list[DrugEntry]:
        return [drug for group in self.groups for drug in group.drugs]

    def group(self, category: Category | str) -> DrugGroup | None:
        return next((g for g in self.groups if g.category == category), None)
