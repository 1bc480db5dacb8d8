"""Typed results of the risk query: the JSON contract of `pgxkg risk` and `POST /risk`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from pgxkg.vocab import Category


class ResolvedGeneModel(BaseModel):
    """One gene of the genotype: what was given, what it was read as, and what follows."""

    gene: str
    input: str = Field(description="what was given for this gene, as written ('; ' between several facts)")
    kind: str = Field(description="diplotype, allele (one allele of two), phenotype, activity, status, rsid, "
                                  "or unused (nothing the rules can use: see reason)")
    origin: str | None = Field(None, description="where it was written (file:line, or a PharmCAT file's gene)")
    read_as: str | None = Field(None, description="how the notation was read, in the data's names "
                                                  "(e.g. DPYD *2A -> DPYD c.1905+1G>A (*2A))")
    notes: list[str] = Field(default_factory=list, description="each step of reading the notation")
    diplotype: str | None = None
    phenotype: str | None = None
    activity_score: float | None = None
    allele_status: dict[str, Literal["positive", "negative", "not determined"]] = Field(
        default_factory=dict, description="HLA: each allele a rule tests, as given (never a negative "
                                          "inferred from a higher-resolution positive)")
    determined: bool = Field(True, description="false when the input does not settle this gene (one allele "
                                               "of two, an uncertain call, a copy number not given, HLA "
                                               "alleles not tested): its rules then ask for the result")
    unused: list[str] = Field(default_factory=list,
                              description="facts given for this gene that the rules cannot use, with why")
    conditions: list[str] = Field(default_factory=list,
                                  description="canonical facts matched against recommendation rules")
    path: list[str] = Field(default_factory=list, description="how the phenotype was derived")
    reason: str | None = Field(None, description="why a phenotype is Indeterminate or not determined")
    phenotypes_by_source: dict[str, str] = Field(
        default_factory=dict, description="a source's own phenotype for this genotype where it differs from the one "
                                          "above (DPWG maps some genotypes to its phenotypes itself)")


class GuidelineRef(BaseModel):
    id: str
    name: str | None = None
    url: str | None = None
    source: str | None = None
    version: int | str | None = Field(None, description="the guideline (annotation) version the source gives")
    last_change: str | None = Field(None, description="CPIC: the last change CPIC logged for its drugs (ISO date)")
    updated: str | None = Field(None, description="ClinPGx: the annotation's last update (ISO date)")
    publication_years: list[int] = Field(default_factory=list)


class RecommendationModel(BaseModel):
    id: str
    source: str
    category: Category
    category_reason: str | None = Field(None, description="which signal decided the category, in words")
    category_signal: str | None = Field(
        None, description="reference phenotype, same as reference, source classification or text")
    source_phenotypes: dict[str, str] | None = Field(
        None, description="gene -> the source's own phenotype name for the genotypes this rule covers")
    text: str
    guideline: GuidelineRef | None = None
    genes: list[str] = Field(default_factory=list)
    phenotypes: list[str] = Field(default_factory=list)
    strength: str | None = None
    population: str | None = Field(None, description="whom the row is for, as the source says (CPIC: general, "
                                                     "adults, pediatrics, ...)")
    implications: list[str] = Field(default_factory=list, description="GENE: the source's implication text")
    lookup: list[str] = Field(default_factory=list, description="GENE: the lookup keys (phenotype, activity score, "
                                                                "allele status) the source keys the row by")
    alternate_drug_available: bool | None = None
    dosing_information: bool | None = None
    other_prescribing_guidance: bool | None = None
    triggered_by: list[str] = Field(default_factory=list,
                                    description="the genotype facts that made this rule apply")
    cpic_level: str | None = None
    pharmgkb_level: str | None = None
    pmids: list[str] = Field(default_factory=list)


class AlternativeModel(BaseModel):
    """A drug to use instead, checked against this same genotype."""

    drug: str
    kind: Literal["named_in_recommendation", "same_atc_class"]
    atc_class: str | None = Field(None, description="the ATC chemical subgroup shared with the drug")
    suitable: bool = Field(description="true: nothing in this genotype flags it; false: it needs a result "
                                       "this genotype does not have (needs_results_for), or its safety for this "
                                       "genotype is unknown (shares_genes)")
    category: Category | None = Field(None, description="its category for this genotype, when a rule applies")
    needs_results_for: list[str] = Field(default_factory=list)
    shares_genes: list[str] = Field(
        default_factory=list, description="genes that made the drug risky and that this alternative also has "
                                          "pharmacogenomic evidence for, without a guideline rule for this genotype")
    reason: str


class NotSuitableModel(BaseModel):
    """A drug the recommendation names, or a class mate, that this genotype flags too."""

    drug: str
    kind: Literal["named_in_recommendation", "same_atc_class"]
    atc_class: str | None = None
    category: Category
    reason: str = Field(description="e.g. 'nortriptyline: CYP2D6 *4/*4 -> Poor Metabolizer -> avoid'")


class LevelModel(BaseModel):
    gene: str
    cpic_level: str | None = None
    cpic_status: str | None = None
    pharmgkb_level: str | None = Field(None, description="ClinPGx (PharmGKB) level of evidence, 1A-4")
    fda_label: str | None = Field(None, description="the FDA label's PGx testing level (Testing Required, ...)")
    ema_label: str | None = None
    pmda_label: str | None = None
    hcsc_label: str | None = None
    swissmedic_label: str | None = None


class DrugRiskModel(BaseModel):
    drug: str = Field(description="lowercase generic name (or a class's name when drug_class is set)")
    drug_class: str | None = Field(None, description="set when the rule is about a class of drugs (its ATC code "
                                                     "or ClinPGx id), not one drug")
    category: Category
    category_reason: str | None = Field(None, description="which source and signal decided the category")
    genes: list[str]
    recommendations: list[RecommendationModel] = Field(default_factory=list)
    alternatives: list[AlternativeModel] = Field(default_factory=list,
                                                 description="drugs to use instead, suitable ones first")
    not_suitable: list[NotSuitableModel] = Field(default_factory=list,
                                                 description="named or same-class drugs this genotype flags too")
    levels: list[LevelModel] = Field(default_factory=list)
    needs_results_for: list[str] = Field(default_factory=list,
                                         description="genes whose results a rule for this drug needs")
    uncertainty: str | None = Field(None, description="an uncertain call of a gene this drug depends on: "
                                                      "what is at stake and what result would settle it")


class DataSourceModel(BaseModel):
    """Which release of a source the answer's data comes from, and how old it is."""

    source: str = Field(description="Source id, name@version")
    release: str | None = None
    date: str | None = Field(None, description="the date of the data (ISO 8601)")


class RiskReportModel(BaseModel):
    genotype: list[ResolvedGeneModel]
    drugs: list[DrugRiskModel]
    data: list[DataSourceModel] = Field(default_factory=list,
                                        description="every source the graph was built from: release and date")
