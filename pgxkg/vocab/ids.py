"""Entity ids shared by every layer: entity resolution happens here.

Loaders mint these ids; queries, calling and the API derive the same ids from what a
user typed, so both sides meet on equal strings.
"""

from __future__ import annotations

import re
from typing import Any

_COMBINATION = re.compile(r"\s*/\s*")
_SPACES = re.compile(r"\s+")
_NATURAL = re.compile(r"(\d+)")


def normalise_name(name: str) -> str:
    """Lowercase, trimmed, single-spaced: the form drug and disease names are matched on."""
    return _SPACES.sub(" ", name.strip().strip('"')).lower()


def drug_id(name: str) -> str:
    """One Drug per drug: its normalised generic name (``"Clopidogrel "`` -> ``clopidogrel``); a
    combination is written with `` / `` whatever the source's spacing (``fluticasone/salmeterol``
    -> ``fluticasone / salmeterol``, CPIC's spelling)."""
    return _COMBINATION.sub(" / ", normalise_name(name))


def allele_id(gene: str, allele: str) -> str:
    """``CYP2C19`` + ``*2`` -> ``CYP2C19*2``; named alleles keep a space: ``ABCG2 rs2231142``."""
    allele = allele.strip()
    return f"{gene}{allele}" if allele.startswith("*") else f"{gene} {allele}"


def natural_key(text: str) -> list[Any]:
    """Sort ``*2`` before ``*17`` and ``*1x2`` after ``*1``."""
    return [int(part) if part.isdigit() else part for part in _NATURAL.split(text)]


def diplotype_id(gene: str, first: str, second: str) -> str:
    """Order-free: ``CYP2C19 *17/*2`` and ``*2/*17`` are both ``CYP2C19*2/*17``."""
    a, b = sorted((first.strip(), second.strip()), key=natural_key)
    return f"{gene}{a}/{b}" if a.startswith("*") else f"{gene} {a}/{b}"


def phenotype_id(gene: str, phenotype: str) -> str:
    """``CYP2C19`` + ``Poor Metabolizer`` -> ``CYP2C19:Poor Metabolizer``."""
    return f"{gene}:{phenotype.strip()}"


def variant_id(rsid: str | None, chrom: str | None = None, pos: int | str | None = None,
               ref: str | None = None, alt: str | None = None) -> str:
    """rsID if there is one, else ``chr{chrom}-{pos}-{ref}-{alt}`` on GRCh38."""
    if rsid and rsid.startswith("rs"):
        return rsid.strip()
    chrom = str(chrom).removeprefix("chr")
    return f"chr{chrom}-{pos}-{ref}-{alt}"
