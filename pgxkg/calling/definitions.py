"""Allele definitions per gene, read from the graph with one query and kept in memory.

A gene's definition table follows PharmCAT's convention: the reference allele (the
allele GRCh38 itself carries, pypgx's ``GRCh38Default``: *1, *38 for CYP2C19,
"Reference" for DPYD) has the reference base at every position; every other allele
lists the positions where it differs, and is the reference elsewhere.

Data facts this relies on (checked against the loaded graph):

- ``DEFINED_BY.alt`` is the base the allele carries; it can equal the GRCh38
  reference (CYP2D6*2 rs1135840) or name one of several alts merged into one
  Variant (``grch38_names`` keeps each). Indels are matched on their minimal form.
- Only core variants define an allele; tag variants (``core: false``) do not.
- Structural alleles (``sv``) and alleles with no GRCh38 variant cannot be called
  from a VCF's SNVs and indels; they are listed as not callable.
- CYP2C19: GRCh38 carries *38, but the other alleles are defined relative to *1
  (the GRCh37 default), so they also carry *1's variant (rs3758581 G). This is
  applied wherever a gene's RefAllele is its GRCh37 default but not its GRCh38
  default and has GRCh38 definitions.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from dataclasses import dataclass, field

from pgxkg.calling.normalize import REF, chrom_name, token, token_pos
from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher

OUTSIDE_CALL_GENES = {
    "CYP2D6": "CYP2D6 needs copy-number and hybrid-gene aware calling, which a VCF of SNVs cannot give "
              "(PharmCAT also takes it as an outside call); give its diplotype with the genotype",
}


@dataclass(frozen=True)
class Site:
    """One defining position: a Variant node and every allele the tables know there."""

    key: str  # the Variant id
    label: str  # rsID when known, else the id
    chrom: str  # "chr10"
    pos: int  # GRCh38
    pos_grch37: int | None
    ref: str
    alleles: frozenset[str]  # tokens of the known alt alleles
    positions: frozenset[int]  # where a VCF record for this site may start (after normalising)


@dataclass
class GeneDefinition:
    gene: str
    reference: str | None
    sites: dict[str, Site] = field(default_factory=dict)
    alleles: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> {site key: token}
    not_callable: dict[str, str] = field(default_factory=dict)  # allele name -> why
    backbone: dict[str, str] = field(default_factory=dict)  # carried by every non-reference allele
    backbone_allele: str | None = None
    notes: list[str] = field(default_factory=list)
    uncallable_reason: str | None = None  # the whole gene

    @property
    def callable(self) -> bool:
        return self.uncallable_reason is None

    def own_sites(self, allele: str) -> set[str]:
        """The positions that set this allele apart (its definition minus the shared backbone)."""
        tokens = self.alleles[allele]
        if allele == self.backbone_allele:
            return set(tokens)
        return {k for k, v in tokens.items() if self.backbone.get(k) != v}


@dataclass
class Definitions:
    genes: dict[str, GeneDefinition]
    loaded_at: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.by_position: dict[tuple[str, int], list[tuple[str, str]]] = {}  # -> [(gene, site key)]
        self.grch37_positions: set[tuple[str, int]] = set()
        sorted_positions: dict[str, list[int]] = {}
        for gene in self.genes.values():
            if not gene.callable:
                continue
            for site in gene.sites.values():
                for pos in site.positions:
                    self.by_position.setdefault((site.chrom, pos), []).append((gene.gene, site.key))
                    sorted_positions.setdefault(site.chrom, []).append(pos)
                if site.pos_grch37:
                    self.grch37_positions.add((site.chrom, site.pos_grch37))
        self._sorted = {chrom: sorted(set(p)) for chrom, p in sorted_positions.items()}

    def near(self, chrom: str, start: int, end: int) -> bool:
        """Whether any defining position lies in [start, end] on ``chrom``."""
        positions = self._sorted.get(chrom)
        if not positions:
            return False
        index = bisect_left(positions, start)
        return index < len(positions) and positions[index] <= end

    @property
    def callable_genes(self) -> list[str]:
        return sorted(g for g, d in self.genes.items() if d.callable)


def _parse_name(name: str) -> tuple[str, int, str, str] | None:
    parts = name.split("-")
    if len(parts) != 4 or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1]), parts[2], parts[3]


def _definition_token(definition: dict) -> str | None:
    """The allele carried, as a token: an alt named in grch38_names, or REF when the base is the reference."""
    base = definition["base"]
    parsed = [p for p in (_parse_name(n) for n in definition.get("names") or []) if p]
    for _, pos, ref, alt in parsed:
        if alt == base:
            return token(pos, ref, alt)
    if any(ref == base for _, _, ref, _ in parsed) or base == definition.get("ref"):
        return REF
    return None


def _site(definition: dict) -> Site:
    tokens = set()
    for parsed in (_parse_name(n) for n in definition.get("names") or []):
        if parsed:
            tokens.add(token(parsed[1], parsed[2], parsed[3]))
    return Site(
        key=definition["variant"], label=definition.get("rsid") or definition["variant"],
        chrom=chrom_name(definition["chrom"]), pos=definition["pos"], pos_grch37=definition.get("pos_grch37"),
        ref=definition["ref"], alleles=frozenset(tokens),
        positions=frozenset({definition["pos"], *(token_pos(t) for t in tokens)}),
    )


def gene_definition(row: dict) -> GeneDefinition:
    """One gene's definition table from its row of allele_definitions.cypher."""
    gene = GeneDefinition(row["gene"], row.get("grch38_default"))
    if gene.gene in OUTSIDE_CALL_GENES:
        gene.uncallable_reason = OUTSIDE_CALL_GENES[gene.gene]
        return gene
    names = {a["name"] for a in row["alleles"]}
    if not gene.reference or gene.reference not in names:
        gene.uncallable_reason = (f"the graph names no allele for the GRCh38 reference sequence "
                                  f"({gene.reference or 'none'}), so a reference call cannot be named")
        return gene
    raw: dict[str, dict[str, str]] = {}
    for allele in sorted(row["alleles"], key=lambda a: a["name"]):
        name, defs = allele["name"], [d for d in allele["defs"] if d and d.get("core") is not False]
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
        tokens = {}
        for definition in defs:
            value = _definition_token(definition)
            if value is None or definition.get("pos") is None:
                gene.not_callable[name] = f"cannot place base {definition['base']} at {definition['variant']}"
                break
            site = gene.sites.setdefault(definition["variant"], _site(definition))
            tokens[site.key] = value
        else:
            raw[name] = tokens
    backbone_allele = row.get("reference_allele")
    if (backbone_allele and backbone_allele != gene.reference and backbone_allele == row.get("grch37_default")
            and raw.get(backbone_allele)):
        backbone = gene.backbone = dict(raw[backbone_allele])
        gene.backbone_allele = backbone_allele
        for tokens in raw.values():
            for key, value in backbone.items():
                tokens.setdefault(key, value)
        labels = ", ".join(gene.sites[k].label for k in backbone)
        gene.notes.append(f"GRCh38 carries {gene.reference}; the other alleles are defined relative to "
                          f"{backbone_allele} and so also carry its variant(s) at {labels}")
    gene.alleles = raw
    return gene


def load(graph: Graph) -> Definitions:
    """Every gene's definition table, read with one query (``allele_definitions.cypher``)."""
    rows = graph.read(read_cypher("pgxkg.calling", "allele_definitions"))
    return Definitions({row["gene"]: gene_definition(row) for row in rows})
