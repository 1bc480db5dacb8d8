"""Genotype -> phenotype through the graph, and the conditions recommendations test.

Every resolved gene says how it got its phenotype (``path``), and when the data
cannot type an allele the phenotype is "Indeterminate" with the reason, never a
guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pgxkg.errors import InvalidInput
from pgxkg.queries.genotype_input import GeneInput
from pgxkg.queries.vocabulary import GeneVocabulary, Vocabulary
from pgxkg.vocab import condition, diplotype_id

if TYPE_CHECKING:
    from pgxkg.reference import ReferenceData

INDETERMINATE = "Indeterminate"


@dataclass
class ResolvedGene:
    gene: str
    input: str
    kind: str
    diplotype: str | None = None
    phenotype: str | None = None
    activity_score: float | None = None
    conditions: list[str] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    reason: str | None = None
    phenotypes_by_source: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, [], {})}


def resolve(reference: ReferenceData, items: list[GeneInput]) -> list[ResolvedGene]:
    """Resolve one genotype (validated against the vocabulary; raises InvalidInput)."""
    return resolve_many(reference, [items])[0]


def resolve_many(reference: ReferenceData, genotypes: list[list[GeneInput]],
                 indexed: bool = False) -> list[list[ResolvedGene]]:
    """Resolve many genotypes with one diplotype lookup round trip in total.

    With ``indexed`` a validation error names the genotype it is about ("genotype 3: ...").
    """
    vocab = reference.vocabulary
    prepared = []
    for index, items in enumerate(genotypes):
        try:
            prepared.append([_prepare(vocab, item) for item in items])
        except InvalidInput as error:
            if not indexed:
                raise
            raise InvalidInput(f"genotype {index}: {error.message}", error.suggestions) from None
    wanted = {
        resolved.diplotype: {"id": resolved.diplotype, "alleles": list(alleles)}
        for genotype in prepared for resolved, alleles, gene in genotype
        if resolved.kind == "diplotype" and not gene.is_presence_gene
    }
    mapped = reference.diplotypes(list(wanted.values()))
    results = []
    for genotype in prepared:
        resolved_genes = []
        for resolved, alleles, gene in genotype:
            if resolved.kind == "diplotype" and not gene.is_presence_gene:
                _apply_diplotype(vocab, gene, resolved, mapped[resolved.diplotype or ""])
            if resolved.kind == "diplotype":
                resolved.conditions += [condition("carrier", gene.symbol, a) for a in sorted(set(alleles))]
            if gene.is_presence_gene and resolved.kind == "diplotype":
                _presence_conditions(gene, resolved, alleles)
            if resolved.activity_score is not None:
                # DPWG states some DPYD rules as "Activity Score 1.5" rather than a phenotype.
                resolved.conditions.append(condition(
                    "phenotype", gene.symbol, f"Activity Score {float(resolved.activity_score)}"))
            resolved_genes.append(resolved)
        results.append(resolved_genes)
    return results


def _prepare(vocab: Vocabulary, item: GeneInput) -> tuple[ResolvedGene, tuple[str, ...], GeneVocabulary]:
    """Validate one input item; returns the partly resolved gene, its allele ids, its vocabulary."""
    if item.kind == "rsid":
        gene_symbol = vocab.rsid_gene(item.gene)
        bases = "".join(sorted(item.alleles))
        resolved = ResolvedGene(gene_symbol or item.gene, item.describe(), "rsid",
                                conditions=[condition("genotype", gene_symbol, f"{item.gene}:{bases}")],
                                path=[f"{item.gene} genotype {bases}"])
        return resolved, (), GeneVocabulary(gene_symbol or item.gene)
    gene = vocab.gene(item.gene)
    resolved = ResolvedGene(gene.symbol, item.describe(), item.kind)
    if item.kind == "phenotype":
        row = vocab.phenotype(gene, item.value)
        _set_phenotype(resolved, gene, row["name"], f"given phenotype {row['name']}")
        return resolved, (), gene
    if item.kind == "activity":
        assert item.score is not None
        resolved.activity_score = item.score
        row = vocab.phenotype_for_score(gene, item.score)
        if row is None:
            _indeterminate(resolved, gene, f"no {gene.symbol} phenotype is defined for activity score "
                                           f"{item.score:g}")
        else:
            _set_phenotype(resolved, gene, row["name"], f"activity score {item.score:g} -> {row['name']}")
        return resolved, (), gene
    if item.kind == "status":
        allele = vocab.allele(gene, item.alleles[0])
        kind = "positive" if item.positive else "negative"
        resolved.phenotype = f"{allele} {kind}"
        resolved.conditions.append(condition(kind, gene.symbol, allele))
        resolved.path.append(f"given {allele} {kind}")
        return resolved, (allele,), gene
    alleles = tuple(vocab.allele(gene, name) for name in item.alleles)
    names = [a[len(gene.symbol):].strip() for a in alleles]
    resolved.diplotype = diplotype_id(gene.symbol, names[0], names[1])
    resolved.conditions.append(condition("diplotype", gene.symbol, resolved.diplotype))
    resolved.path.append(f"diplotype {resolved.diplotype}")
    return resolved, alleles, gene


def _apply_diplotype(vocab: Vocabulary, gene: GeneVocabulary, resolved: ResolvedGene, row: dict) -> None:
    alleles = row.get("alleles", [])
    values = [a.get("activity_value") for a in alleles]
    if len(alleles) == 1:  # homozygous: the query returns the allele once
        values = values * 2
    if values and all(isinstance(v, int | float) for v in values):
        resolved.activity_score = float(sum(values))
    mapped = row.get("mapped")
    if mapped:
        source = ", ".join(mapped.get("sources") or [])
        _set_phenotype(resolved, gene, mapped["phenotype"],
                       f"{resolved.diplotype} -[HAS_PHENOTYPE {source}]-> {mapped['phenotype_id']}")
        if mapped["phenotype"] == INDETERMINATE:
            resolved.reason = _untypeable(alleles) or "the guideline's table maps this diplotype to Indeterminate"
        return
    found = vocab.phenotype_for_score(gene, resolved.activity_score) if resolved.activity_score is not None \
        else None
    if found:
        _set_phenotype(resolved, gene, found["name"],
                       f"alleles' activity values sum to {resolved.activity_score:g} -> {found['name']}")
        return
    reason = _untypeable(alleles) or f"{resolved.diplotype} is not in the diplotype-phenotype tables"
    _indeterminate(resolved, gene, reason)


def _untypeable(alleles: list[dict]) -> str | None:
    """Why the data cannot type these alleles: unknown or uncertain function, if any."""
    unknown = [a["id"] for a in alleles if not a.get("function") or "unknown" in str(a["function"]).lower()
               or "uncertain" in str(a["function"]).lower()]
    return f"{', '.join(unknown)}: unknown or uncertain function" if unknown else None


def _presence_conditions(gene: GeneVocabulary, resolved: ResolvedGene, alleles: tuple[str, ...]) -> None:
    """HLA-style genes: positive for the alleles carried, negative for the tested ones not carried."""
    carried = set(alleles)
    for status_allele in sorted(gene.status_alleles):
        kind = "positive" if status_allele in carried else "negative"
        resolved.conditions.append(condition(kind, gene.symbol, status_allele))
    positives = sorted(a for a in carried if a in gene.status_alleles)
    resolved.phenotype = ", ".join(f"{a} positive" for a in positives) or "no tested risk allele"
    resolved.path.append(f"{resolved.diplotype}: " + (resolved.phenotype or ""))


def _set_phenotype(resolved: ResolvedGene, gene: GeneVocabulary, name: str, step: str) -> None:
    resolved.phenotype = name
    resolved.conditions.append(condition("phenotype", gene.symbol, name))
    resolved.path.append(step)


def _indeterminate(resolved: ResolvedGene, gene: GeneVocabulary, reason: str) -> None:
    resolved.reason = reason
    _set_phenotype(resolved, gene, INDETERMINATE, f"{INDETERMINATE}: {reason}")


