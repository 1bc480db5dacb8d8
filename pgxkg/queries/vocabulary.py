"""What a genotype may name, read from the graph once and kept with the reference data.

The notation tables are built from the data: every Allele's ``name`` and ``synonyms`` (any
source may add synonyms: legacy names, HGVS with or without the star name, PharmCAT's names),
names derived from those by rule (``notation.derived_names``), Variant ``synonyms`` (legacy
variant names such as VKORC1 ``-1639G>A``) and the allele -> variant definitions. A name
that two alleles of one gene would answer to is kept for neither and, when written, is an
error naming both. Validation and near-match suggestions run against these tables, so a
request costs no extra round trip (``pgxkg.reference`` holds and replaces them).
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pgxkg.errors import InvalidInput
from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher
from pgxkg.queries import notation
from pgxkg.vocab import allele_id

REFERENCE = "Reference"


@dataclass(frozen=True)
class AlleleInfo:
    """One allele as the data define it. ``variants``: (rsid, base) pairs that define it."""

    id: str
    name: str
    function: str | None = None
    activity: float | None = None
    variants: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class VariantInfo:
    """A variant: its gene, GRCh38 reference and alternate bases, and its other names."""

    rsid: str
    gene: str | None = None
    ref: str | None = None
    alt: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    def base(self, allele: str) -> str:
        """A VCF allele as a genotype base: SNVs as they are, indels as ``del``/``ins``."""
        ref = self.ref or ""
        if allele == ref:
            return ref if len(ref) == 1 else ref[1:] or ref
        if len(allele) < len(ref):
            return "del"
        if len(allele) > len(ref) and ref:
            return "ins"
        return allele


@dataclass
class GeneVocabulary:
    symbol: str
    alleles: dict[str, AlleleInfo] = field(default_factory=dict)  # data name -> allele
    names: dict[str, str] = field(default_factory=dict)  # folded name -> data name
    ambiguous: dict[str, tuple[str, ...]] = field(default_factory=dict)  # folded name -> data names
    aliases: dict[str, list[str]] = field(default_factory=dict)  # data name -> its other names, as written
    phenotypes: dict[str, dict] = field(default_factory=dict)  # lowercased name -> row
    phenotype_keys: dict[str, str] = field(default_factory=dict)  # notation key or abbreviation -> name
    status_alleles: set[str] = field(default_factory=set)  # allele ids guidelines test for (HLA)
    variants: dict[str, VariantInfo] = field(default_factory=dict)  # rsid -> variant defining an allele
    variant_names: dict[str, str] = field(default_factory=dict)  # folded legacy/HGVS name -> rsid

    @property
    def is_presence_gene(self) -> bool:
        """Genes whose rules test for the presence of alleles (HLA-A, HLA-B)."""
        return bool(self.status_alleles)

    @property
    def is_hla(self) -> bool:
        return notation.is_hla_gene(self.symbol)

    @property
    def is_variant_gene(self) -> bool:
        """A gene whose alleles are its reference plus one allele per variant (VKORC1, CFTR, IFNL3):
        a diplotype of it is a genotype at each of those variants."""
        named = [a for a in self.alleles.values() if a.name != REFERENCE]
        return REFERENCE in self.alleles and bool(named) and all(len(a.variants) == 1 for a in named)

    @property
    def activity_scored(self) -> bool:
        """Whether the gene's phenotypes are defined by activity-score ranges (CYP2D6, CYP2C9, DPYD)."""
        return any(r.get("activity_min") is not None or r.get("activity_max") is not None
                   for r in self.phenotypes.values())

    def allele_with_variant(self, rsid: str, base: str) -> AlleleInfo | None:
        """The allele defined by ``base`` at ``rsid`` alone, or the reference for the reference base."""
        variant = self.variants.get(rsid)
        if variant and base == variant.base(variant.ref or "") and REFERENCE in self.alleles:
            return self.alleles[REFERENCE]
        for info in self.alleles.values():
            if len(info.variants) == 1 and info.variants[0][0] == rsid and (
                    not variant or variant.base(info.variants[0][1]) == base):
                return info
        return None


@dataclass
class Vocabulary:
    genes: dict[str, GeneVocabulary]
    all_symbols: set[str]
    rsids: dict[str, str | None]  # rsid -> gene (None: the variant names no gene)
    variants: dict[str, VariantInfo] = field(default_factory=dict)

    @classmethod
    def load(cls, graph: Graph) -> Vocabulary:
        """Four small aggregate queries (no per-gene subqueries: that took seconds)."""
        return cls.build(
            alleles=graph.read(read_cypher("pgxkg.queries", "vocabulary")),
            phenotypes=graph.read(read_cypher("pgxkg.queries", "vocabulary_phenotypes")),
            conditions=graph.read(read_cypher("pgxkg.queries", "vocabulary_conditions")),
            symbols=[r["symbol"] for r in graph.read(read_cypher("pgxkg.queries", "gene_symbols"))],
            variants=graph.read(read_cypher("pgxkg.queries", "rsids")),
        )

    @classmethod
    def build(cls, alleles: Iterable[dict], phenotypes: Iterable[dict] = (), conditions: Iterable[dict] = (),
              symbols: Iterable[str] = (), variants: Iterable[dict] = ()) -> Vocabulary:
        """The tables from query rows (also how tests make a vocabulary without a database).

        ``alleles``: ``{gene, alleles: [{id, name, synonyms, function, activity_value,
        variants: [{rsid, alt}]}]}``; ``phenotypes``: ``{gene, phenotypes: [{name, activity_min, ...}]}``;
        ``conditions``: ``{gene, status_alleles}``; ``variants``: ``{rsid, gene, ref, alt, synonyms}``.
        """
        genes: dict[str, GeneVocabulary] = {}

        def gene(symbol: str) -> GeneVocabulary:
            return genes.setdefault(symbol, GeneVocabulary(symbol))

        variant_info = {row["rsid"]: _variant(row) for row in variants}
        synonyms: dict[str, dict[str, list[str]]] = {}
        for row in alleles:
            vocabulary = gene(row["gene"])
            for allele in row["alleles"]:
                if not allele.get("name"):
                    continue
                info = AlleleInfo(
                    allele.get("id") or allele_id(row["gene"], allele["name"]), allele["name"],
                    allele.get("function"), _number(allele.get("activity_value")),
                    tuple(sorted((v["rsid"], v["alt"]) for v in allele.get("variants") or [] if v.get("rsid"))))
                vocabulary.alleles[info.name] = info
                synonyms.setdefault(row["gene"], {})[info.name] = [s for s in allele.get("synonyms") or [] if s]
                for rsid, _ in info.variants:
                    if rsid in variant_info:
                        vocabulary.variants[rsid] = variant_info[rsid]
        for symbol, by_name in synonyms.items():
            _index_names(genes[symbol], by_name)
        for row in phenotypes:
            _index_phenotypes(gene(row["gene"]), row["phenotypes"])
        for row in conditions:
            if row.get("gene"):
                gene(row["gene"]).status_alleles = {a for a in row["status_alleles"] if a}
        rsids = {rsid: info.gene for rsid, info in variant_info.items()}
        for vocabulary in genes.values():
            for rsid, info in variant_info.items():
                if info.gene == vocabulary.symbol or rsid in vocabulary.variants:
                    for name in info.names:
                        vocabulary.variant_names.setdefault(notation.fold(name), rsid)
        return cls(genes, set(symbols) | set(genes), rsids, variant_info)

    # --- validation with suggestions -------------------------------------------------

    def gene(self, symbol: str) -> GeneVocabulary:
        symbol = notation.clean(symbol)
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

    def allele_name(self, gene: GeneVocabulary, written: str) -> tuple[str, str | None]:
        """The data's name of the allele ``written`` names, and how it was read (None when the
        data name was written). HLA genes accept any well-formed allele at any resolution.
        Raises InvalidInput naming the allele, with near matches."""
        text = notation.strip_gene(gene.symbol, written)
        if text in gene.alleles:
            return text, None
        key = notation.fold(text)
        if key in gene.names:
            name = gene.names[key]
            return name, f"{text!r} is {gene.symbol} {name}"
        if key in gene.ambiguous:
            raise InvalidInput(f"{gene.symbol}: {text!r} names several alleles: "
                               + ", ".join(gene.ambiguous[key]), [allele_id(gene.symbol, n)
                                                                  for n in gene.ambiguous[key]])
        if gene.is_hla:
            parsed = notation.hla(text)
            if parsed:
                return parsed.name, None if parsed.name == text else f"{text!r} is {gene.symbol}{parsed.name}"
        pharmcat = notation.pharmcat_variant(text)
        if pharmcat:
            rsid, _, base = pharmcat
            found = gene.allele_with_variant(rsid, base)
            if found:
                return found.name, f"{text!r} (PharmCAT's name) is {gene.symbol} {found.name}"
        rsid = gene.variant_names.get(key) or (text.lower() if notation.is_rsid(text) else None)
        if rsid:
            variant = gene.variants.get(rsid) or self.variants.get(rsid)
            found = next((a for a in gene.alleles.values() if a.variants and [v for v, _ in a.variants] == [rsid]),
                         None)
            if found and variant:
                return found.name, f"{text!r} is the variant {rsid}: {gene.symbol} {found.name}"
        derived = self._by_derived_name(gene, text)
        if derived:
            return derived, f"{text!r} is {gene.symbol} {derived}"
        raise InvalidInput(f"unknown allele {text!r} for {gene.symbol}", self._near_alleles(gene, text))

    def _by_derived_name(self, gene: GeneVocabulary, text: str) -> str | None:
        """A written name read by the rules that derive names from data names: ``B (wildtype)`` is
        G6PD ``B``; ``c.1905+1G>A (*2A)`` must not carry a star name of another allele."""
        parts = notation.derived_names(text)
        if not parts:
            return None
        found = {gene.names.get(notation.fold(p)) for p in parts} - {None}
        base = gene.names.get(notation.fold(parts[0]))
        stars = [p for p in parts[1:] if p.startswith("*")]
        if base is None or len(found) > 1 or any(notation.fold(s) not in gene.names for s in stars):
            return None
        return base

    def _near_alleles(self, gene: GeneVocabulary, text: str) -> list[str]:
        names = sorted(gene.alleles)
        near = difflib.get_close_matches(text, names, n=5, cutoff=0.5)
        if not near:
            by_key = difflib.get_close_matches(notation.fold(text), list(gene.names), n=5, cutoff=0.6)
            near = list(dict.fromkeys(gene.names[k] for k in by_key))
        return [allele_id(gene.symbol, n) for n in near]

    def phenotype(self, gene: GeneVocabulary, name: str) -> dict:
        """The phenotype row ``name`` names: as the data write it, without the gene repeated
        (``G6PD Deficient`` or ``Deficient``), abbreviated (``PM``, ``IM``, ``UM``, ``DF``), or a
        unique beginning (``poor``). Raises InvalidInput with the gene's phenotypes as suggestions."""
        key = notation.phenotype_key(gene.symbol, name)
        found = gene.phenotype_keys.get(key)
        if found is None and key:
            starts = {n for k, n in gene.phenotype_keys.items() if k.startswith(key) and len(key) > 2}
            found = next(iter(starts)) if len(starts) == 1 else None
        if found is not None:
            return gene.phenotypes[found.lower()]
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

    def phenotypes_from(self, gene: GeneVocabulary, low: float, high: float | None) -> list[dict]:
        """Every phenotype an activity score in ``[low, high]`` can have (``high`` None: no upper bound),
        lowest first."""
        found = []
        for row in gene.phenotypes.values():
            row_low, row_high = row.get("activity_min"), row.get("activity_max")
            if row_low is None and row_high is None:
                continue
            starts_below_high = high is None or row_low is None or row_low < high or (
                row_low == high and row.get("activity_min_inclusive", True))
            ends_above_low = row_high is None or row_high > low or (
                row_high == low and row.get("activity_max_inclusive"))
            if starts_below_high and ends_above_low:
                found.append(row)
        return sorted(found, key=lambda r: r.get("activity_min") or 0.0)

    def rsid_gene(self, rsid: str) -> str | None:
        """The gene an rsID lies in (None when the data name none); raises InvalidInput when unknown."""
        rsid = rsid.lower()
        if rsid in self.rsids:
            return self.rsids[rsid]
        near = difflib.get_close_matches(rsid, list(self.rsids), n=5, cutoff=0.8)
        raise InvalidInput(f"unknown rsID {rsid!r}: no variant with that id in the graph", near)


def _number(value: Any) -> float | None:
    try:
        return float(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def _variant(row: dict) -> VariantInfo:
    alt = row.get("alt")
    alts = tuple(a for a in (alt if isinstance(alt, list) else str(alt or "").split(",")) if a)
    return VariantInfo(row["rsid"], row.get("gene"), row.get("ref"), alts,
                       tuple(s for s in row.get("synonyms") or [] if s))


def _index_names(gene: GeneVocabulary, synonyms: dict[str, list[str]]) -> None:
    """Every name an allele answers to -> its data name: its own name, its synonyms, names derived
    by rule; and ``*1`` for the reference of genes that name alleles by variant with star aliases
    (DPYD's legacy ``*1``). A name claimed by two alleles is kept for neither (``ambiguous``)."""
    claims: dict[str, set[str]] = defaultdict(set)
    spelled: dict[str, str] = {}
    own = {notation.fold(name): name for name in gene.alleles}
    for name in gene.alleles:
        for other in [*synonyms.get(name, []), *notation.derived_names(name)]:
            for written in [other, *notation.derived_names(other)]:
                key = notation.fold(notation.strip_gene(gene.symbol, written))
                if key and key not in own:
                    claims[key].add(name)
                    spelled.setdefault(key, written)
    has_star_alias = any(k.startswith("*") for k in claims)
    if REFERENCE in gene.alleles and "*1" not in own and has_star_alias:
        claims["*1"].add(REFERENCE)
        spelled["*1"] = "*1"
    gene.names = dict(own)
    for key, names in claims.items():
        if len(names) == 1:
            name = next(iter(names))
            gene.names[key] = name
            gene.aliases.setdefault(name, []).append(spelled[key])
        else:
            gene.ambiguous[key] = tuple(sorted(names))


def _index_phenotypes(gene: GeneVocabulary, rows: list[dict]) -> None:
    gene.phenotypes = {p["name"].lower(): p for p in rows if p.get("name")}
    keys: dict[str, str] = {}
    abbreviations: dict[str, set[str]] = defaultdict(set)
    for row in gene.phenotypes.values():
        key = notation.phenotype_key(gene.symbol, row["name"])
        keys.setdefault(key, row["name"])
        short = notation.abbreviation(key)
        if short:
            abbreviations[short].add(row["name"])
    for short, names in abbreviations.items():
        if len(names) == 1 and short not in keys:
            keys[short] = next(iter(names))
    gene.phenotype_keys = keys
