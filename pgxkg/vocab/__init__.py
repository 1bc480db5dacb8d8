"""The project's shared vocabulary: ids, recommendation conditions and closed enums.

Every layer imports this (loaders, queries, calling, export, API); it imports nothing
from them, so the read side never depends on the loaders.
"""

from pgxkg.vocab.conditions import (
    AT_LEAST,
    CONDITION_KINDS,
    activity_conditions,
    activity_value,
    condition,
    genotype_key,
)
from pgxkg.vocab.enums import (
    ACTIONABLE,
    CATEGORIES,
    CATEGORY_RANK,
    Category,
    ClinPGxLevel,
    CpicLevel,
    GuidelineSource,
    level_rank,
    source_rank,
)
from pgxkg.vocab.ids import allele_id, diplotype_id, drug_id, natural_key, normalise_name, phenotype_id, variant_id

__all__ = [
    "ACTIONABLE", "AT_LEAST", "CATEGORIES", "CATEGORY_RANK", "CONDITION_KINDS", "Category", "ClinPGxLevel",
    "CpicLevel", "GuidelineSource",
    "activity_conditions", "activity_value", "allele_id", "condition", "diplotype_id", "drug_id", "genotype_key",
    "level_rank", "natural_key", "normalise_name", "phenotype_id", "source_rank", "variant_id",
]
