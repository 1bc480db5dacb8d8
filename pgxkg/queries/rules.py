"""Recommendation rules held in memory, matched against many genotypes without round trips.

The semantics are those of ``matching_recommendations.cypher`` (and a test checks the two
agree): a rule applies when, for every gene it names, one of its WHEN conditions holds
(a patient fact, or ``unknown:GENE`` when the patient was not tested for GENE), and at
least one real patient fact is among them, and none of its ``unless`` conditions (a more
specific rule of the same guideline covers those patients). A rule whose only unmet genes
are untested ones is returned with those genes as ``missing``.

A source that maps genotypes to its own phenotypes (DPWG's siponimod rules are written per
CYP2C9 diplotype) answers through its own mapping: when the patient's diplotype is known for
a gene, that source's phenotype-level rules for the same drug and gene do not fire on the
phenotype another source's table gave (CPIC calls CYP2C9 *2/*3 a poor metabolizer; DPWG's
"poor metabolizer" rule is its *3/*3 row, and its *2/*3 row says 50% of the dose).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher

PHENOTYPE = "phenotype:"


@dataclass(frozen=True)
class Rule:
    id: str
    source: str
    drug: str
    genes: tuple[str, ...]
    conditions: dict[str, frozenset[str]]  # gene -> its conditions (patient facts)
    unknown_rule_genes: frozenset[str]  # genes with an "unknown:GENE" condition
    own_mapping: frozenset[str] = frozenset()  # genes this rule's source maps from diplotypes itself
    unless: frozenset[str] = frozenset()  # conditions of more specific rules that take its place
    drug_class: str | None = None  # the class's code when the rule is about a class of drugs


@dataclass
class RuleIndex:
    rules: dict[str, Rule] = field(default_factory=dict)
    by_condition: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    genes_by_drug: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, graph: Graph) -> RuleIndex:
        return cls.from_rows(graph.read(read_cypher("pgxkg.queries", "recommendation_rules")))

    @classmethod
    def from_rows(cls, rows: list[dict]) -> RuleIndex:
        """Rows of ``recommendation_rules.cypher``: id, source, drug, genes, conditions [{gene, kind, condition}]."""
        index = cls()
        diplotype_mapped = {(row["source"], row["drug"], cond["gene"]) for row in rows
                            for cond in row["conditions"] if cond["kind"] == "diplotype"}
        genes_by_drug: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            per_gene: dict[str, set[str]] = defaultdict(set)
            unknown = set()
            for cond in row["conditions"]:
                if cond["kind"] == "unknown":
                    unknown.add(cond["gene"])
                else:
                    per_gene[cond["gene"]].add(cond["condition"])
                    index.by_condition[cond["condition"]].append(row["id"])
            genes = tuple(row["genes"] or ())
            genes_by_drug[row["drug"]].update(genes)
            own = frozenset(g for g in genes if (row.get("source"), row["drug"], g) in diplotype_mapped)
            index.rules[row["id"]] = Rule(row["id"], row.get("source") or "", row["drug"], genes,
                                          {g: frozenset(c) for g, c in per_gene.items()}, frozenset(unknown), own,
                                          frozenset(row.get("unless") or ()), row.get("drug_class"))
        index.genes_by_drug = {drug: frozenset(genes) for drug, genes in genes_by_drug.items()}
        return index

    def match(self, conditions: set[str], genes: set[str],
              diplotype_genes: frozenset[str] = frozenset()) -> list[dict]:
        """Rows like the Cypher query's: drug, recommendation id, matched facts, missing genes.

        ``diplotype_genes``: the genes whose diplotype the patient gave or a VCF call found; for
        those, a source with its own genotype mapping answers only through its genotype rules.
        """
        candidates = {rule_id for c in conditions for rule_id in self.by_condition.get(c, ())}
        rows = []
        for rule_id in candidates:  # order does not matter: reports sort what they show
            rule = self.rules[rule_id]
            if rule.unless & conditions:
                continue
            missing = []
            matched: list[str] = []
            applies = True
            for gene in rule.genes:
                hit = rule.conditions.get(gene, frozenset()) & conditions
                if hit and gene in rule.own_mapping and gene in diplotype_genes:
                    hit = {c for c in hit if not c.startswith(PHENOTYPE)}
                if hit:
                    matched += hit
                    continue
                if gene in genes:
                    applies = False
                    break
                if gene not in rule.unknown_rule_genes:
                    missing.append(gene)
            if applies and matched:
                rows.append({"drug": rule.drug, "recommendation": rule_id, "matched": sorted(matched),
                             "missing": missing, "drug_class": rule.drug_class})
        return rows
