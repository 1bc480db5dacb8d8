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
from functools import cached_property
from typing import Any

from pgxkg.errors import InvalidInput
from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher
from pgxkg.queries import notation
from pgxkg.vocab import AT_LEAST, allele_id

REFERENCE = "Reference"


@dataclass(frozen=True)
class AlleleInfo:
    """One allele as the data define it. ``variants``: (rsid, base) pairs that define it."""

    id: str
    name: str
    function: str | None = None
    activity: float | None = None
    variants: tuple[tuple[str, str], ...] = ()
    reference: bool = False  # the gene's reference allele (PharmCAT's flag, or named "Reference")


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
    same_as: dict[str, str] = field(default_factory=dict)  # another source's node -> the defined allele it is
    phenotypes: dict[str, dict] = field(default_factory=dict)  # lowercased name -> row
    phenotype_keys: dict[str, str] = field(default_factory=dict)  # notation key or abbreviation -> name
    status_alleles: set[str] = field(default_factory=set)  # allele ids guidelines test for (HLA)
    variants: dict[str, VariantInfo] = field(default_factory=dict)  # rsid -> variant defining an allele
    variant_names: dict[str, str] = field(default_factory=dict)  # folded legacy/HGVS name -> rsid
    named_genotypes: dict[str, str] = field(default_factory=dict)  # phenotype key ("-1639 ag") -> diplotype
    variant_strand: dict[str, dict[str, str]] = field(default_factory=dict)  # legacy position -> ref/alt base
    activity_values: set[str] = field(default_factory=set)  # activity scores rules name (``activity_value``)

    @property
    def is_presence_gene(self) -> bool:
        """Genes whose rules test for the presence of alleles (HLA-A, HLA-B)."""
        return bool(self.status_alleles)

    @property
    def exact_scores(self) -> set[str]:
        """Activity scores rules name exactly (``1.25``)."""
        return {v for v in self.activity_values if not v.startswith(AT_LEAST)}

    @property
    def score_floors(self) -> set[str]:
        """Activity-score lower bounds rules name (``≥3.0``)."""
        return {v for v in self.activity_values if v.startswith(AT_LEAST)}

    @property
    def is_hla(self) -> bool:
        return notation.is_hla_gene(self.symbol)

    @property
    def reference_name(self) -> str | None:
        """The data name of the gene's reference allele: the one flagged so (PharmCAT names VKORC1's
        ``rs9923231 reference (C)``), else the one named ``Reference``."""
        flagged = [a.name for a in self.alleles.values() if a.reference]
        if len(flagged) == 1:
            return flagged[0]
        return REFERENCE if REFERENCE in self.alleles else None

    @cached_property  # read many times per genotype; the vocabulary is complete before the first read
    def is_variant_gene(self) -> bool:
        """A gene whose alleles are a (non-star) reference plus one allele per variant (VKORC1, CFTR,
        IFNL3): a diplotype of it is a genotype at each of those variants. Alleles another source
        names without defining them (``same_as``, or nodes with no definition) do not count."""
        reference = self.reference_name
        named = [a for a in self.alleles.values()
                 if a.name != reference and a.name not in self.same_as and (a.variants or not self.defined)]
        return bool(reference) and not str(reference).startswith("*") and bool(named) and \
            all(len(a.variants) == 1 for a in named)

    @cached_property
    def defined(self) -> bool:
        """Whether some allele of the gene has a definition (variants) in the data."""
        return any(a.variants for a in self.alleles.values())

    def equivalents(self, name: str) -> list[str]:
        """The data names of one allele: its own and other sources' nodes of it (``same_as``)."""
        return [name, *self._aliases.get(name, ())]

    @cached_property
    def _aliases(self) -> dict[str, list[str]]:
        """``same_as`` turned round: a defined allele -> the other sources' nodes of it, in order."""
        found: dict[str, list[str]] = {}
        for alias, of in self.same_as.items():
            found.setdefault(of, []).append(alias)
        return found

    @property
    def activity_scored(self) -> bool:
        """Whether the gene's phenotypes are defined by activity-score ranges (CYP2D6, CYP2C9, DPYD)."""
        return any(r.get("activity_min") is not None or r.get("activity_max") is not None
                   for r in self.phenotypes.values())

    def allele_with_variant(self, rsid: str, base: str) -> AlleleInfo | None:
        """The allele defined by ``base`` at ``rsid`` alone, or the reference for the reference base."""
        variant = self.variants.get(rsid)
        if variant and base == variant.base(variant.ref or "") and self.reference_name:
            return self.alleles[self.reference_name]
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
    readings: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)
    """Items already read (``notation_reading``): GeneInput -> what reading it gave, kept for the next genotype."""

    @classmethod
    def load(cls, graph: Graph) -> Vocabulary:
        """A few small aggregate queries (no per-gene subqueries: that took seconds)."""
        return cls.build(**cls.rows(graph))

    @staticmethod
    def rows(graph: Graph) -> dict[str, Any]:
        """The query rows ``build`` takes, by argument name."""
        return {
            "alleles": graph.read(read_cypher("pgxkg.queries", "vocabulary")),
            "phenotypes": graph.read(read_cypher("pgxkg.queries", "vocabulary_phenotypes")),
            "conditions": graph.read(read_cypher("pgxkg.queries", "vocabulary_conditions")),
            "symbols": [r["symbol"] for r in graph.read(read_cypher("pgxkg.queries", "gene_symbols"))],
            "variants": graph.read(read_cypher("pgxkg.queries", "rsids")),
            "genotype_phenotypes": graph.read(read_cypher("pgxkg.queries", "vocabulary_genotype_phenotypes")),
        }

    @classmethod
    def build(cls, alleles: Iterable[dict], phenotypes: Iterable[dict] = (), conditions: Iterable[dict] = (),
              symbols: Iterable[str] = (), variants: Iterable[dict] = (),
              genotype_phenotypes: Iterable[dict] = ()) -> Vocabulary:
        """The tables from query rows (also how tests make a vocabulary without a database).

        ``alleles``: ``{gene, alleles: [{id, name, synonyms, reference, function, activity_value,
        variants: [{rsid, alt}]}]}``; ``phenotypes``: ``{gene, phenotypes: [{name, activity_min, ...}]}``;
        ``conditions``: ``{gene, status_alleles}``; ``variants``: ``{rsid, gene, ref, alt, synonyms}``;
        ``genotype_phenotypes``: ``{gene, phenotype, diplotype}`` (a phenotype named as a genotype).
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
                    tuple(sorted((v["rsid"], v["alt"]) for v in allele.get("variants") or [] if v.get("rsid"))),
                    bool(allele.get("reference")))
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
                gene(row["gene"]).activity_values = {v for v in row.get("activity_values") or [] if v}
        for row in genotype_phenotypes:
            if row["gene"] in genes:
                _index_named_genotype(genes[row["gene"]], row["phenotype"], row["diplotype"])
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
            same = gene.same_as.get(text)
            return (same, f"{text!r} is {gene.symbol} {same} (another source's name of it)") if same else (text, None)
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
            found = next((a for a in gene.alleles.values() if not a.reference and a.variants
                          and [v for v, _ in a.variants] == [rsid]), None)
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

    def allele(self, gene: GeneVocabulary, name: str) -> str:
        """The allele id ``name`` reads as, structures and combinations included (``CYP2D6*36+*10``);
        raises InvalidInput as ``allele_name`` does."""
        from pgxkg.queries.notation_reading import read_haplotype

        return allele_id(gene.symbol, read_haplotype(self, gene, name).text())

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
    same = _same_alleles(gene, synonyms)
    for alias, allele in same.items():  # another source's node of a defined allele: read as that allele
        gene.aliases.setdefault(allele, []).append(alias)
        gene.same_as[alias] = allele
    own = {notation.fold(name): same.get(name, name) for name in gene.alleles}
    for name in gene.alleles:
        for other in [*synonyms.get(name, []), *notation.derived_names(name)]:
            for written in [other, *notation.derived_names(other)]:
                key = notation.fold(notation.strip_gene(gene.symbol, written))
                if key and key not in own:
                    claims[key].add(name)
                    spelled.setdefault(key, written)
    has_star_alias = any(k.startswith("*") for k in claims)
    reference = gene.reference_name
    if reference and not reference.startswith("*") and "*1" not in own and has_star_alias:
        claims["*1"].add(reference)
        spelled["*1"] = "*1"
    gene.names = dict(own)
    for key, names in claims.items():
        if len(names) == 1:
            name = next(iter(names))
            gene.names[key] = name
            gene.aliases.setdefault(name, []).append(spelled[key])
        else:
            gene.ambiguous[key] = tuple(sorted(names))


def _same_alleles(gene: GeneVocabulary, synonyms: dict[str, list[str]]) -> dict[str, str]:
    """Nodes another source made for an allele a defining source names otherwise: an allele with no
    definition whose name is a defined allele's synonym (PharmCAT calls VKORC1's ``Reference``
    ``rs9923231 reference (C)``), or is an rsID that alone defines one allele (``rs9923231`` is
    ``rs9923231 variant (T)``). Alias node -> the defined allele's name (unique matches only)."""
    defined = [a for a in gene.alleles.values() if a.variants or a.reference]
    if not any(a.variants for a in defined):
        return {}
    out: dict[str, str] = {}
    for info in gene.alleles.values():
        if info.variants or info.reference:
            continue
        key = notation.fold(info.name)
        matches = {a.name for a in defined
                   if key in {notation.fold(s) for s in synonyms.get(a.name, [])}
                   or (notation.is_rsid(info.name) and not a.reference and len(a.variants) == 1
                       and a.variants[0][0] == info.name.lower())}
        if len(matches) == 1:
            out[info.name] = next(iter(matches))
    return out


def _index_named_genotype(gene: GeneVocabulary, phenotype: str, diplotype: str) -> None:
    """A phenotype the table names as a genotype (PharmCAT's VKORC1 ``-1639 AG``) reads as its one
    diplotype; for a gene of one variant, the rows also give the variant's legacy name
    (``-1639 GG`` is reference/reference, ``-1639 AA`` variant/variant: ``-1639G>A``)."""
    text = diplotype[len(gene.symbol):].strip()
    gene.named_genotypes[notation.phenotype_key(gene.symbol, phenotype)] = text
    legacy = notation.legacy_genotype(phenotype)
    if not legacy or len(gene.variants) != 1 or legacy[1][0] != legacy[1][1]:
        return
    (rsid, variant), = gene.variants.items()
    halves = [h.strip() for h in text.split("/")]
    names = [gene.names.get(notation.fold(h)) for h in halves]
    if len(names) != 2 or names[0] is None or names[0] != names[1] or not variant.ref or not variant.alt:
        return
    info = gene.alleles[names[0]]
    base = next((variant.base(code) for r, code in info.variants if r == rsid), None)
    strand_base = legacy[1][0]
    role = "ref" if base == variant.base(variant.ref) else ("alt" if base == variant.base(variant.alt[0]) else None)
    if role:
        gene.variant_strand.setdefault(legacy[0], {})[role] = strand_base
        found = gene.variant_strand[legacy[0]]
        if "ref" in found and "alt" in found:
            gene.variant_names.setdefault(notation.fold(f"{legacy[0]}{found['ref']}>{found['alt']}"), rsid)


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
