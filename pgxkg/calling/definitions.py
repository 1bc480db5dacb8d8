"""Allele definitions per gene, read from the graph with one query and kept in memory.

A gene's table follows PharmCAT's Named Allele Matcher: an ordered list of defining positions
(VCF position, REF, every ALT) and named alleles, each with one code per position (a VCF allele,
an IUPAC ambiguity code at an SNV, or None). The reference allele has a code everywhere; another
allele's None means "as the reference allele" and does not count towards its score (the number of
positions its definition names). Two sources fill it:

- **PharmCAT** (``pgxkg.loaders.pharmcat``, when loaded): the files as published, with the
  reference allele, sub-alleles reported under their parent's name, and the matcher exemptions.
- **the pinned pypgx CPIC tables** (fallback): the reference is the allele GRCh38 itself carries
  (pypgx's ``GRCh38Default``); only core variants define an allele; structural alleles and alleles
  with no GRCh38 variant are not callable. CYP2C19's alleles are defined relative to ``*1`` (the
  GRCh37 default), which differs from GRCh38 (``*38``) at rs3758581, so they carry ``*1``'s base
  there, as in PharmVar and PharmCAT.

Every call names the definitions it used (``GeneDefinition.source``).
"""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from pgxkg.calling.normalize import chrom_name
from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher
from pgxkg.vocab import natural_key

OUTSIDE_CALL_GENES = {
    "CYP2D6": "CYP2D6 needs copy-number and hybrid-gene aware calling, which a VCF of SNVs cannot give "
              "(PharmCAT also takes it as an outside call); give its diplotype with the genotype",
}
# PharmCAT sets a variant at a defining position that no definition names to the reference for these
# genes (their defined variants affect drug toxicity); elsewhere such a variant means no call.
UNDOCUMENTED_AS_REFERENCE = frozenset({"CACNA1S", "DPYD", "G6PD", "NUDT15", "RYR1", "TPMT"})
# Genes whose phenotype follows the lowest-function variants found (CPIC DPYD: two decreased or no
# function variants are presumed on different gene copies); their unphased calls list what was found.
LOWEST_FUNCTION_GENES = frozenset({"DPYD", "RYR1", "CFTR"})
IUPAC = {"A": "A", "C": "C", "G": "G", "T": "T", "R": "AG", "Y": "CT", "S": "CG", "W": "AT", "K": "GT",
         "M": "AC", "B": "CGT", "D": "AGT", "H": "ACT", "V": "ACG", "N": "ACGT"}
PINNED_LABEL = "pypgx 0.27.0 CPIC tables (about 2022-08)"


@dataclass(frozen=True)
class Position:
    """One defining position as a VCF writes it."""

    key: str  # the Variant id
    label: str  # rsID when known, else the HGVS name or the id
    chrom: str  # "chr10"
    pos: int
    ref: str
    alts: tuple[str, ...]
    pos_grch37: int | None = None

    @property
    def snv(self) -> bool:
        return len(self.ref) == 1 and all(len(a) == 1 for a in self.alts)

    @property
    def alleles(self) -> tuple[str, ...]:
        return (self.ref, *self.alts)

    def expand(self, code: str) -> frozenset[str]:
        """The VCF alleles a definition code stands for (IUPAC codes at an SNV)."""
        if self.snv and len(code) == 1 and code.upper() in IUPAC:
            return frozenset(IUPAC[code.upper()])
        return frozenset({code})


@dataclass(frozen=True)
class NamedAllele:
    name: str
    codes: tuple[str | None, ...]  # one per position; None: as the reference allele
    reference: bool = False
    reported_as: str | None = None  # a sub-allele (*45.001) is reported as its parent (*45)
    function: str | None = None
    activity: float | None = None

    @property
    def shown(self) -> str:
        return self.reported_as or self.name


@dataclass
class GeneDefinition:
    gene: str
    reference: str | None
    source: str = PINNED_LABEL
    positions: list[Position] = field(default_factory=list)
    alleles: list[NamedAllele] = field(default_factory=list)
    not_callable: dict[str, str] = field(default_factory=dict)  # allele name -> why
    required: frozenset[int] = frozenset()  # position indexes a call needs (PharmCAT exemptions)
    ignored: frozenset[int] = frozenset()
    priorities: list[tuple[frozenset[str], str]] = field(default_factory=list)  # unphased tie -> pick
    notes: list[str] = field(default_factory=list)
    uncallable_reason: str | None = None  # the whole gene

    def __post_init__(self) -> None:
        self._filled: dict[str, tuple[frozenset[str] | None, ...]] | None = None

    @property
    def callable(self) -> bool:
        return self.uncallable_reason is None

    @property
    def undocumented_as_reference(self) -> bool:
        return self.gene in UNDOCUMENTED_AS_REFERENCE

    @property
    def lowest_function(self) -> bool:
        return self.gene in LOWEST_FUNCTION_GENES

    def allele(self, name: str) -> NamedAllele:
        return next(a for a in self.alleles if a.name == name)

    def filled(self) -> dict[str, tuple[frozenset[str] | None, ...]]:
        """Per allele, the VCF alleles it allows at each position, the reference allele's where its
        own code is None (PharmCAT's "assume reference"); None where nothing is known."""
        if self._filled is None:
            ref = next((a for a in self.alleles if a.reference), None)
            out = {}
            for allele in self.alleles:
                codes = []
                for index, code in enumerate(allele.codes):
                    position = self.positions[index]
                    if code is None and ref is not None and not allele.reference:
                        base = ref.codes[index]
                        code = position.ref if base is None or len(position.expand(base)) > 1 else base
                    codes.append(position.expand(code) if code is not None else None)
                out[allele.name] = tuple(codes)
            self._filled = out
        return self._filled


@dataclass
class Definitions:
    genes: dict[str, GeneDefinition]
    loaded_at: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.by_position: dict[tuple[str, int], list[tuple[str, int]]] = {}  # -> [(gene, position index)]
        self.grch37_positions: set[tuple[str, int]] = set()
        self.indels: dict[str, list[tuple[int, int, str, int]]] = {}  # chrom -> [(start, end, gene, index)]
        sorted_positions: dict[str, list[int]] = {}
        for gene in self.genes.values():
            if not gene.callable:
                continue
            for index, position in enumerate(gene.positions):
                self.by_position.setdefault((position.chrom, position.pos), []).append((gene.gene, index))
                if position.pos_grch37:
                    self.grch37_positions.add((position.chrom, position.pos_grch37))
                sorted_positions.setdefault(position.chrom, []).append(position.pos)
                if not position.snv:
                    end = position.pos + max(len(a) for a in position.alleles)
                    self.indels.setdefault(position.chrom, []).append((position.pos, end, gene.gene, index))
        self._sorted = {chrom: sorted(set(p)) for chrom, p in sorted_positions.items()}

    def near(self, chrom: str, start: int, end: int) -> bool:
        """Whether any defining position lies in [start, end] on ``chrom``."""
        positions = self._sorted.get(chrom)
        if not positions:
            return False
        index = bisect_left(positions, start)
        return index < len(positions) and positions[index] <= end

    def within(self, chrom: str, start: int, end: int) -> list[int]:
        """Defining positions in [start, end] on ``chrom``, sorted."""
        positions = self._sorted.get(chrom, [])
        return positions[bisect_left(positions, start):bisect_right(positions, end)]

    @property
    def callable_genes(self) -> list[str]:
        return sorted(g for g, d in self.genes.items() if d.callable)


# --- from the graph --------------------------------------------------------------------------------------


def _label(definition: dict) -> str:
    return definition.get("rsid") or definition.get("hgvs") or definition["variant"]


def _alts(definition: dict) -> tuple[str, ...]:
    return tuple(a for a in str(definition.get("alt") or "").split(",") if a)


def pharmcat_definition(row: dict) -> GeneDefinition:
    """One gene's table from PharmCAT's definitions (``allele_definitions.cypher`` row)."""
    gene = GeneDefinition(row["gene"], row.get("pharmcat_reference"),
                          source=f"PharmCAT allele definitions, data version {row.get('version')}"
                                 + (f" (gene file of {row['date']})" if row.get("date") else ""))
    if gene.gene in OUTSIDE_CALL_GENES:
        gene.uncallable_reason = OUTSIDE_CALL_GENES[gene.gene]
        return gene
    by_key: dict[str, Position] = {}
    for allele in row["alleles"]:
        for d in allele["defs"]:
            if d and d["variant"] not in by_key and d.get("pos") is not None:
                by_key[d["variant"]] = Position(d["variant"], _label(d), chrom_name(d["chrom"]), d["pos"],
                                                d["ref"], _alts(d), d.get("pos_grch37"))
    gene.positions = sorted(by_key.values(), key=lambda p: p.pos)
    index = {p.key: i for i, p in enumerate(gene.positions)}
    for allele in sorted(row["alleles"], key=lambda a: natural_key(a["name"])):
        if allele.get("ignored"):
            gene.not_callable[allele["name"]] = "PharmCAT's exemptions leave it out of matching"
            continue
        defs = [d for d in allele["defs"] if d]
        if not defs:
            continue  # a parent of sub-alleles, or an allele only the phenotype files name
        if allele.get("sv"):
            gene.not_callable[allele["name"]] = "structural variant: not callable from SNVs and indels"
            continue
        codes: list[str | None] = [None] * len(gene.positions)
        for d in defs:
            codes[index[d["variant"]]] = d["base"]
        gene.alleles.append(NamedAllele(allele["name"], tuple(codes), bool(allele.get("reference")),
                                        allele.get("reported_as"), allele.get("function"),
                                        allele.get("activity_value")))
    positions = {p.pos: i for i, p in enumerate(gene.positions)}
    gene.required = frozenset(positions[p] for p in row.get("required_positions") or [] if p in positions)
    gene.ignored = frozenset(positions[p] for p in row.get("ignored_positions") or [] if p in positions)
    gene.priorities = [(frozenset(s.split("|")), pick) for s, pick in
                       zip(row.get("priority_sets") or [], row.get("priority_picks") or [], strict=False)]
    if not any(a.reference for a in gene.alleles):
        gene.uncallable_reason = "its definitions name no reference allele"
    return gene


def _parse_name(name: str) -> tuple[int, str, str] | None:
    parts = name.split("-")
    if len(parts) != 4 or not parts[1].isdigit():
        return None
    return int(parts[1]), parts[2], parts[3]


def pinned_definition(row: dict) -> GeneDefinition:
    """One gene's table from the pinned pypgx tables (the fallback when PharmCAT is not loaded)."""
    gene = GeneDefinition(row["gene"], row.get("grch38_default"))
    if gene.gene in OUTSIDE_CALL_GENES:
        gene.uncallable_reason = OUTSIDE_CALL_GENES[gene.gene]
        return gene
    names = {a["name"] for a in row["alleles"]}
    if not gene.reference or gene.reference not in names:
        gene.uncallable_reason = (f"the graph names no allele for the GRCh38 reference sequence "
                                  f"({gene.reference or 'none'}), so a reference call cannot be named")
        return gene
    by_key: dict[str, Position] = {}
    raw: dict[str, dict[str, str]] = {}
    info: dict[str, dict] = {}
    for allele in sorted(row["alleles"], key=lambda a: natural_key(a["name"])):
        name, defs = allele["name"], [d for d in allele["defs"] if d and d.get("core") is not False]
        info[name] = allele
        if name == gene.reference:
            if defs:
                gene.uncallable_reason = f"its reference allele {name} carries variants on GRCh38"
                return gene
            continue
        if allele.get("sv"):
            gene.not_callable[name] = "structural variant: not callable from SNVs and indels"
            continue
        if not defs:
            gene.not_callable[name] = "no defining variant on GRCh38"
            continue
        codes = {}
        for d in defs:
            parsed = [p for p in (_parse_name(n) for n in d.get("names") or []) if p]
            if d.get("pos") is None or not parsed:
                gene.not_callable[name] = f"cannot place base {d['base']} at {d['variant']}"
                break
            pos, ref = parsed[0][0], parsed[0][1]
            alts = tuple(dict.fromkeys(alt for p, r, alt in parsed if (p, r) == (pos, ref)))
            position = by_key.setdefault(d["variant"], Position(d["variant"], _label(d), chrom_name(d["chrom"]),
                                                                pos, ref, alts, d.get("pos_grch37")))
            base = d["base"]
            if base not in position.alleles:
                gene.not_callable[name] = f"cannot place base {base} at {d['variant']}"
                break
            codes[d["variant"]] = base
        else:
            raw[name] = codes
    backbone_allele = row.get("reference_allele")
    if (backbone_allele and backbone_allele != gene.reference and backbone_allele == row.get("grch37_default")
            and raw.get(backbone_allele)):
        backbone = dict(raw[backbone_allele])
        for codes in raw.values():
            for key, value in backbone.items():
                codes.setdefault(key, value)
        labels = ", ".join(by_key[k].label for k in backbone)
        gene.notes.append(f"GRCh38 carries {gene.reference}; the other alleles are defined relative to "
                          f"{backbone_allele} and so also carry its variant(s) at {labels}")
    gene.positions = sorted(by_key.values(), key=lambda p: p.pos)
    index = {p.key: i for i, p in enumerate(gene.positions)}
    reference_info = info[gene.reference]
    gene.alleles.append(NamedAllele(gene.reference, tuple(p.ref for p in gene.positions), True, None,
                                    reference_info.get("function"), reference_info.get("activity_value")))
    for name, codes in raw.items():
        row_codes: list[str | None] = [None] * len(gene.positions)
        for key, value in codes.items():
            row_codes[index[key]] = value
        gene.alleles.append(NamedAllele(name, tuple(row_codes), False, None, info[name].get("function"),
                                        info[name].get("activity_value")))
    return gene


def gene_definition(row: dict) -> GeneDefinition:
    """A gene's table from its row: PharmCAT's definitions when loaded, else the pinned tables."""
    if row.get("source") == "PharmCAT":
        return pharmcat_definition(row)
    return pinned_definition(row)


def load(graph: Graph) -> Definitions:
    """Every gene's definition table, read with one query (``allele_definitions.cypher``)."""
    rows = graph.read(read_cypher("pgxkg.calling", "allele_definitions"))
    return Definitions({row["gene"]: gene_definition(row) for row in rows})
