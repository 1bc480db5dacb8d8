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
from pgxkg.queries.memo import kept

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
    """The rules, grouped by the genes they name: a group's answer for a patient depends only on the
    patient's facts among the group's conditions and on which of its genes were tested (or given as a
    diplotype), so it is kept (``answers``) and the next patient with the same facts for those genes
    reuses it; each patient's answer is the concatenation of its groups' answers."""

    rules: dict[str, Rule] = field(default_factory=dict)
    genes_by_drug: dict[str, frozenset[str]] = field(default_factory=dict)
    drugs_by_gene: dict[str, tuple[str, ...]] = field(default_factory=dict)  # drugs with rules naming the gene
    drug_classes: dict[str, str] = field(default_factory=dict)  # a rule's drug -> its class code (class rules)
    groups: dict[frozenset[str], dict[str, list[str]]] = field(default_factory=dict)  # genes -> condition -> rules
    groups_by_condition: dict[str, list[frozenset[str]]] = field(default_factory=dict)
    answers: dict[tuple, list[dict]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, graph: Graph) -> RuleIndex:
        return cls.from_rows(graph.read(read_cypher("pgxkg.queries", "recommendation_rules")))

    @classmethod
    def from_rows(cls, rows: list[dict]) -> RuleIndex:
        """Rows of ``recommendation_rules.cypher``: id, source, drug, genes, conditions [{gene, kind, condition}]."""
        diplotype_mapped = {(row["source"], row["drug"], cond["gene"]) for row in rows
                            for cond in row["conditions"] if cond["kind"] == "diplotype"}
        rules = []
        for row in rows:
            per_gene: dict[str, set[str]] = defaultdict(set)
            unknown = set()
            for cond in row["conditions"]:
                if cond["kind"] == "unknown":
                    unknown.add(cond["gene"])
                else:
                    per_gene[cond["gene"]].add(cond["condition"])
            genes = tuple(row["genes"] or ())
            own = frozenset(g for g in genes if (row.get("source"), row["drug"], g) in diplotype_mapped)
            rules.append(Rule(row["id"], row.get("source") or "", row["drug"], genes,
                              {g: frozenset(c) for g, c in per_gene.items()}, frozenset(unknown), own,
                              frozenset(row.get("unless") or ()), row.get("drug_class")))
        return cls.of(rules)

    @classmethod
    def of(cls, rules: list[Rule]) -> RuleIndex:
        """The index of these rules."""
        index = cls()
        genes_by_drug: dict[str, set[str]] = defaultdict(set)
        by_condition: dict[str, set[frozenset[str]]] = defaultdict(set)
        for rule in rules:
            index.rules[rule.id] = rule
            genes_by_drug[rule.drug].update(rule.genes)
            if rule.drug_class:
                index.drug_classes[rule.drug] = rule.drug_class
            key = frozenset(rule.genes)
            group = index.groups.setdefault(key, {})
            for condition in sorted(set().union(*rule.conditions.values())):
                group.setdefault(condition, []).append(rule.id)
                by_condition[condition].add(key)
            for condition in rule.unless:  # decides the group's answers too, but selects no rule
                group.setdefault(condition, [])
                by_condition[condition].add(key)
        index.genes_by_drug = {drug: frozenset(genes) for drug, genes in genes_by_drug.items()}
        drugs_by_gene: dict[str, list[str]] = defaultdict(list)
        for drug, genes in sorted(genes_by_drug.items()):
            for gene in genes:
                drugs_by_gene[gene].append(drug)
        index.drugs_by_gene = {gene: tuple(drugs) for gene, drugs in drugs_by_gene.items()}
        index.groups_by_condition = {c: sorted(keys, key=sorted) for c, keys in by_condition.items()}
        return index

    def match(self, conditions: set[str], genes: set[str],
              diplotype_genes: frozenset[str] = frozenset()) -> list[dict]:
        """Rows like the Cypher query's: drug, recommendation id, matched facts, missing genes
        (shared with the next patient with the same facts: read-only).

        ``diplotype_genes``: the genes whose diplotype the patient gave or a VCF call found; for
        those, a source with its own genotype mapping answers only through its genotype rules.
        """
        touched: dict[frozenset[str], list[str]] = {}
        for condition in conditions:
            for group in self.groups_by_condition.get(condition, ()):
                touched.setdefault(group, []).append(condition)
        answers = kept(self.answers)
        rows: list[dict] = []
        for group, present in touched.items():
            key = (group, frozenset(present), group & genes, group & diplotype_genes)
            found = answers.get(key)
            if found is None:
                found = answers[key] = self._match_group(self.groups[group], *key[1:])
            rows += found
        return rows

    def _match_group(self, group: dict[str, list[str]], conditions: frozenset[str], genes: frozenset[str],
                     diplotype_genes: frozenset[str]) -> list[dict]:
        """The rows of one group's rules for the patient's facts among its conditions."""
        candidates = {rule_id for c in conditions for rule_id in group.get(c, ())}
        rows = []
        for rule_id in sorted(candidates):
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
