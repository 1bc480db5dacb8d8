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


class GuidelineRef(BaseModel):
    id: str
    name: str | None = None
    url: str | None = None
    source: str | None = None


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
    pharmgkb_level: str | None = None
    fda_label: str | None = None


class DrugRiskModel(BaseModel):
    drug: str = Field(description="lowercase generic name")
    category: Category
    genes: list[str]
    recommendations: list[RecommendationModel] = Field(default_factory=list)
    alternatives: list[AlternativeModel] = Field(default_factory=list)
    levels: list[LevelModel] = Field(default_factory=list)
    needs_results_for: list[str] = Field(default_factory=list,
                                         description="genes whose results a rule for this drug needs")


class RiskReportModel(BaseModel):
    genotype: list[ResolvedGeneModel]
    drugs: list[DrugRiskModel]
