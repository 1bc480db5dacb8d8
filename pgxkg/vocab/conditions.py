"""Recommendation conditions: the strings rules and genotypes meet on.

A Recommendation's WHEN edges carry ``condition``: one of these strings. The risk
query derives the same strings from a patient's genotype, so matching is set
membership: AND across the recommendation's genes, OR within one gene.
"""

from __future__ import annotations

import re

from pgxkg.vocab.ids import phenotype_id

CONDITION_KINDS = ("phenotype", "diplotype", "carrier", "positive", "negative", "genotype", "unknown")


def condition(kind: str, gene: str, value: str = "") -> str:
    """Canonical condition string.

    phenotype  -> ``phenotype:CYP2C19:Poor Metabolizer``   (target Phenotype)
    diplotype  -> ``diplotype:CYP2C9*1/*3``                (target Diplotype; value = diplotype id)
    carrier    -> ``carrier:CYP2C19*2``                    (target Allele; carries >= 1 copy)
    positive   -> ``positive:HLA-B*57:01``                 (target Allele; presence genes)
    negative   -> ``negative:HLA-B*57:01``                 (target Allele)
    genotype   -> ``genotype:rs9923231:CT``                (target Variant; bases sorted)
    unknown    -> ``unknown:CYP2D6``                       (target Gene; the gene was not tested)

    Raises ValueError for a kind not in ``CONDITION_KINDS``.
    """
    if kind not in CONDITION_KINDS:
        raise ValueError(f"unknown condition kind {kind!r}")
    if kind == "phenotype":
        return f"phenotype:{phenotype_id(gene, value)}"
    if kind in ("diplotype", "carrier", "positive", "negative"):
        return f"{kind}:{value}"
    if kind == "genotype":
        rsid, bases = value.split(":", 1)
        return f"genotype:{rsid}:{genotype_key(bases)}"
    return f"unknown:{gene}"


def genotype_key(genotype: str) -> str:
    """Order-free genotype: ``T/C`` and ``CT`` -> ``CT``; ``del/A`` -> ``A/del``."""
    parts = [p for p in re.split(r"[/|]", genotype.strip()) if p]
    if len(parts) == 1 and len(parts[0]) == 2 and parts[0].isalpha() and parts[0].isupper():
        parts = list(parts[0])
    parts = sorted(parts)
    return "".join(parts) if all(len(p) == 1 for p in parts) else "/".join(parts)
