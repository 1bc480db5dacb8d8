"""Recommendation conditions: the strings rules and genotypes meet on.

A Recommendation's WHEN edges carry ``condition``: one of these strings. The risk
query derives the same strings from a patient's genotype, so matching is set
membership: AND across the recommendation's genes, OR within one gene.
"""

from __future__ import annotations

import re

from pgxkg.vocab.ids import phenotype_id

CONDITION_KINDS = ("phenotype", "diplotype", "carrier", "positive", "negative", "genotype", "unknown",
                   "activity", "phenotype_only")
AT_LEAST = "≥"


def condition(kind: str, gene: str, value: str = "") -> str:
    """Canonical condition string.

    phenotype  -> ``phenotype:CYP2C19:Poor Metabolizer``   (target Phenotype)
    diplotype  -> ``diplotype:CYP2C9*1/*3``                (target Diplotype; value = diplotype id)
    carrier    -> ``carrier:CYP2C19*2``                    (target Allele; carries >= 1 copy)
    positive   -> ``positive:HLA-B*57:01``                 (target Allele; presence genes)
    negative   -> ``negative:HLA-B*57:01``                 (target Allele)
    genotype   -> ``genotype:rs9923231:CT``                (target Variant; bases sorted)
    unknown    -> ``unknown:CYP2D6``                       (target Gene; the gene was not tested)
    activity   -> ``activity:CYP2D6:1.25``                 (target Phenotype; the activity score is 1.25)
                  ``activity:CYP2D6:≥3.0``                 (the score is at least 3.0, see ``activity_conditions``)
    phenotype_only -> ``phenotype_only:CYP2D6:Intermediate Metabolizer``  (target Phenotype; the
                  phenotype is known but its activity score is not: it meets rules that CPIC keys by
                  activity score through the phenotype those scores belong to)

    Raises ValueError for a kind not in ``CONDITION_KINDS`` or an activity value that is not a number.
    """
    if kind not in CONDITION_KINDS:
        raise ValueError(f"unknown condition kind {kind!r}")
    if kind == "phenotype":
        return f"phenotype:{phenotype_id(gene, value)}"
    if kind == "phenotype_only":
        return f"phenotype_only:{phenotype_id(gene, value)}"
    if kind == "activity":
        return f"activity:{gene}:{activity_value(value)}"
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


def activity_value(value: str | float) -> str:
    """One spelling of an activity score: ``1`` and ``"1.00"`` -> ``1.0``; ``"≥3"`` -> ``≥3.0``.

    Raises ValueError when ``value`` is not a number (optionally after ``≥`` or ``>=``).
    """
    text = str(value).strip()
    prefix = ""
    for marker in (AT_LEAST, ">="):
        if text.startswith(marker):
            prefix, text = AT_LEAST, text[len(marker):].strip()
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"activity score {value!r} is not a number") from None
    return f"{prefix}{number!r}"


def activity_conditions(gene: str, score: float, exact: set[str], floors: set[str]) -> list[str]:
    """The activity conditions a patient with activity ``score`` meets, given the values rules use.

    CPIC keys rules by exact scores (``1.25``) and, for scores a table cannot list, by lower bounds
    (``≥3.25``: three or more gene copies). A patient meets the exact rule when one names the score;
    otherwise the tightest lower bound at or below it, so one score never meets two rows of a table.
    ``exact`` and ``floors`` are the gene's activity values in rules (``activity_value`` spellings).
    """
    value = activity_value(score)
    found = [condition("activity", gene, value)]
    if value in exact:
        return found
    bounds = [float(bound[len(AT_LEAST):]) for bound in floors if float(bound[len(AT_LEAST):]) <= score]
    if bounds:
        found.append(condition("activity", gene, f"{AT_LEAST}{max(bounds)}"))
    return found
