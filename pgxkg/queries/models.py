"""Typed results of the risk query: the JSON contract of `pgxkg risk` and `POST /risk`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from pgxkg.vocab import Category


class ResolvedGeneModel(BaseModel):
    gene: str
    input: str
    kind: str = Field(description="diplotype, phenotype, activity, status or rsid")
    diplotype: str | None = None
    phenotype: str | None = None
    activity_score: float | None = None
    conditions: list[str] = Field(default_factory=list,
                                  description="canonical facts matched against recommendation rules")
    path: list[str] = Field(default_factory=list, description="how the phenotype was derived")
    reason: str | None = Field(None, description="why a phenotype is Indeterminate")


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
    category_origin: str | None = None
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
    drug: str
    kind: Literal["named_in_recommendation", "same_atc_class"]
    atc_class: str | None = None
    risky: bool = Field(False, description="whether this genotype also flags the alternative")
    category: Category | None = None


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
    genes: list[str]
    recommendations: list[RecommendationModel] = Field(default_factory=list)
    alternatives: list[AlternativeModel] = Field(default_factory=list)
    levels: list[LevelModel] = Field(default_factory=list)
    needs_results_for: list[str] = Field(default_factory=list,
                                         description="genes whose results a rule for this drug needs")


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
