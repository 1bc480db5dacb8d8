"""What a genotype may name, read from the graph once and kept with the reference data.

Validation and near-match suggestions run against this, so a request costs no
extra round trip (``pgxkg.reference`` holds and replaces it).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from pgxkg.errors import InvalidInput
from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher
from pgxkg.vocab import AT_LEAST, allele_id

ABBREVIATIONS = {
    "pm": "Poor Metabolizer", "im": "Intermediate Metabolizer", "nm": "Normal Metabolizer",
    "rm": "Rapid Metabolizer", "um": "Ultrarapid Metabolizer", "em": "Normal Metabolizer",
    "extensive metabolizer": "Normal Metabolizer",
}
_HLA_ALLELE = re.compile(r"^\*\d{2,3}:\d{2,3}(:\d{2,3})*$")


@dataclass
class GeneVocabulary:
    symbol: str
    alleles: set[str] = field(default_factory=set)
    phenotypes: dict[str, dict] = field(default_factory=dict)  # lowercased name -> row
    status_alleles: set[str] = field(default_factory=set)  # allele ids guidelines test for
    activity_values: set[str] = field(default_factory=set)  # activity scores rules name (``activity_value``)

    @property
    def is_presence_gene(self) -> bool:
        return bool(self.status_alleles)

    @property
    def exact_scores(self) -> set[str]:
        """Activity scores rules name exactly (``1.25``)."""
        return {v for v in self.activity_values if not v.startswith(AT_LEAST)}

    @property
    def score_floors(self) -> set[str]:
        """Activity-score lower bounds rules name (``≥3.0``)."""
        return {v for v in self.activity_values if v.startswith(AT_LEAST)}


@dataclass
class Vocabulary:
    genes: dict[str, GeneVocabulary]
    all_symbols: set[str]
    rsids: dict[str, str]  # rsid -> gene

    @classmethod
    def load(cls, graph: Graph) -> Vocabulary:
        """Three small aggregate queries (no per-gene subqueries: that took seconds)."""
        genes: dict[str, GeneVocabulary] = {}

        def gene(symbol: str) -> GeneVocabulary:
            return genes.setdefault(symbol, GeneVocabulary(symbol))

        for row in graph.read(read_cypher("pgxkg.queries", "vocabulary")):
            gene(row["gene"]).alleles = set(row["alleles"])
        for row in graph.read(read_cypher("pgxkg.queries", "vocabulary_phenotypes")):
            gene(row["gene"]).phenotypes = {p["name"].lower(): p for p in row["phenotypes"] if p.get("name")}
        for row in graph.read(read_cypher("pgxkg.queries", "vocabulary_conditions")):
            if row["gene"]:
                gene(row["gene"]).status_alleles = {a for a in row["status_alleles"] if a}
                gene(row["gene"]).activity_values = {v for v in row.get("activity_values") or [] if v}
        symbols = {r["symbol"] for r in graph.read(read_cypher("pgxkg.queries", "gene_symbols"))}
        rsids = {r["rsid"]: r["gene"] for r in graph.read(read_cypher("pgxkg.queries", "rsids"))}
        return cls(genes, symbols, rsids)

    # --- validation with suggestions -------------------------------------------------

    def gene(self, symbol: str) -> GeneVocabulary:
        exact = self.genes.get(symbol) or self.genes.get(symbol.upper())
        if exact:
            return exact
        by_upper = {s.upper(): s for s in self.genes}
        if symbol.upper() in by_upper:
            return self.genes[by_upper[symbol.upper()]]
        near = difflib.get_close_matches(symbol.upper(), list(by_upper), n=5, cutoff=0.6)
        suggestions = [by_upper[n] for n in near]
        where = (
            "it is in the graph but no allele, phenotype or guideline is known for it"
            if symbol.upper() in {s.upper() for s in self.all_symbols}
            else "no such gene in the graph"
        )
        raise InvalidInput(f"unknown pharmacogene {symbol!r}: {where}", suggestions)

    def allele(self, gene: GeneVocabulary, name: str) -> str:
        """The allele's id; presence genes accept any well-formed HLA allele name."""
        if name in gene.alleles or allele_id(gene.symbol, name) in gene.status_alleles:
            return allele_id(gene.symbol, name)
        if gene.is_presence_gene and _HLA_ALLELE.match(name):
            return allele_id(gene.symbol, name)
        folded = {a.lower(): a for a in gene.alleles}
        if name.lower() in folded:
            return allele_id(gene.symbol, folded[name.lower()])
        near = difflib.get_close_matches(name, sorted(gene.alleles), n=5, cutoff=0.5)
        raise InvalidInput(f"unknown allele {name!r} for {gene.symbol}",
                           [allele_id(gene.symbol, n) for n in near])

    def phenotype(self, gene: GeneVocabulary, name: str) -> dict:
        key = ABBREVIATIONS.get(name.lower().strip(), name).lower().strip()
        if key in gene.phenotypes:
            return gene.phenotypes[key]
        starts = [p for p in gene.phenotypes if p.startswith(key)]
        if len(starts) == 1:
            return gene.phenotypes[starts[0]]
        names = sorted(p["name"] for p in gene.phenotypes.values())
        near = difflib.get_close_matches(name, names, n=5, cutoff=0.4) or names[:8]
        raise InvalidInput(f"unknown phenotype {name!r} for {gene.symbol}", near)

    def phenotype_for_score(self, gene: GeneVocabulary, score: float) -> dict | None:
        """The phenotype whose activity-score range (bounds and their inclusiveness) holds ``score``."""
        for row in gene.phenotypes.values():
            low, high = row.get("activity_min"), row.get("activity_max")
            if low is None and high is None:
                continue
            above = low is None or score > low or (score == low and row.get("activity_min_inclusive", True))
            below = high is None or score < high or (score == high and row.get("activity_max_inclusive"))
            if above and below:
                return row
        return None

    def rsid_gene(self, rsid: str) -> str:
        if rsid in self.rsids:
            return self.rsids[rsid]
        near = difflib.get_close_matches(rsid, list(self.rsids), n=5, cutoff=0.8)
        raise InvalidInput(f"unknown rsID {rsid!r}: no variant with that id in the graph", near)
