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
    uncertainty: str | None = Field(None, description="an uncertain call of a gene this drug depends on: "
                                                      "what is at stake and what result would settle it")


class RiskReportModel(BaseModel):
    genotype: list[ResolvedGeneModel]
    drugs: list[DrugRiskModel]
