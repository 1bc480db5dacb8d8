"""Closed vocabularies, defined once: recommendation categories, guideline sources, evidence levels.

They are ``StrEnum``s, so they compare equal to, serialise as and are stored in the graph as
plain strings (``Category.AVOID == "avoid"``).
"""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """What a recommendation asks of the prescriber, most severe first.

    ``avoid``: do not use the drug; ``alternative``: choose another drug; ``adjust_dose``: change
    the dose; ``caution``: act on monitoring or a warning standard patients do not need;
    ``standard``: what the source recommends for reference-function patients;
    ``no_recommendation``: the source makes none; ``needs_result``: a rule for the drug needs a
    result the genotype does not give (a gene not tested, an uncertain call).
    """

    AVOID = "avoid"
    ALTERNATIVE = "alternative"
    ADJUST_DOSE = "adjust_dose"
    CAUTION = "caution"
    STANDARD = "standard"
    NO_RECOMMENDATION = "no_recommendation"
    NEEDS_RESULT = "needs_result"

    @property
    def rank(self) -> int:
        """0 for the most severe; ``needs_result`` ranks after ``no_recommendation``."""
        return CATEGORY_RANK[self]

    @property
    def actionable(self) -> bool:
        """Whether it asks for something other than standard care."""
        return self in ACTIONABLE


CATEGORY_RANK: dict[str, int] = {category.value: rank for rank, category in enumerate(Category)}
"""Severity rank by category value (0 most severe), for hot paths that hold plain strings."""
CATEGORIES: tuple[Category, ...] = tuple(c for c in Category if c is not Category.NEEDS_RESULT)
"""The categories a recommendation can carry (``needs_result`` is a per-patient verdict only)."""
ACTIONABLE: frozenset[Category] = frozenset(
    {Category.AVOID, Category.ALTERNATIVE, Category.ADJUST_DOSE, Category.CAUTION})


class GuidelineSource(StrEnum):
    """Bodies that publish pharmacogenomic guidelines, as the sources spell them."""

    CPIC = "CPIC"
    DPWG = "DPWG"
    CPNDS = "CPNDS"
    RNPGX = "RNPGx"
    AUSNZ = "AusNZ"
    SEFF = "SEFF"
    ACR = "ACR"
    CFF = "CFF"
    AIOM = "AIOM"
    AHA = "AHA"
    FDA = "FDA"

    @property
    def rank(self) -> int:
        """Report order: CPIC first, then DPWG, then the others in declaration order."""
        return _SOURCE_RANK[self]


def source_rank(source: str | None) -> int:
    """Report order of a source name; names outside the enum sort last."""
    return _SOURCE_RANK.get(source or "", len(_SOURCE_RANK))


_SOURCE_RANK = {source.value: rank for rank, source in enumerate(GuidelineSource)}


class CpicLevel(StrEnum):
    """CPIC gene-drug pair levels (A strongest; "A/B" etc. are provisional in-between levels)."""

    A = "A"
    A_B = "A/B"
    B = "B"
    B_C = "B/C"
    C = "C"
    C_D = "C/D"
    D = "D"

    @property
    def rank(self) -> int:
        return level_rank(CpicLevel, self)


class ClinPGxLevel(StrEnum):
    """ClinPGx (formerly PharmGKB) levels of evidence, 1A strongest to 4."""

    L1A = "1A"
    L1B = "1B"
    L2A = "2A"
    L2B = "2B"
    L3 = "3"
    L4 = "4"

    @property
    def rank(self) -> int:
        return level_rank(ClinPGxLevel, self)


def level_rank(enum: type[CpicLevel] | type[ClinPGxLevel], value: str | None) -> int:
    """Rank of a level value (0 strongest); unknown or missing values rank last (99)."""
    return _LEVEL_RANKS[enum].get(value or "", 99)


_LEVEL_RANKS: dict[type, dict[str, int]] = {
    enum: {level.value: rank for rank, level in enumerate(enum)} for enum in (CpicLevel, ClinPGxLevel)}
