"""Recommendation rules held in memory, matched against many genotypes without round trips.

The semantics are those of ``matching_recommendations.cypher`` (and a test checks the two
agree): a rule applies when, for every gene it names, one of its WHEN conditions holds
(a patient fact, or ``unknown:GENE`` when the patient was not tested for GENE), and at
least one real patient fact is among them, and none of its ``unless`` conditions (a more
specific rule of the same guideline covers those patients). A rule whose only unmet genes
are untested ones is returned with those genes as ``missing``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher


@dataclass(frozen=True)
class Rule:
    id: str
    drug: str
    genes: tuple[str, ...]
    conditions: dict[str, frozenset[str]]  # gene -> its conditions (patient facts)
    unknown_rule_genes: frozenset[str]  # genes with an "unknown:GENE" condition
    unless: frozenset[str] = frozenset()  # conditions of more specific rules that take its place
    drug_class: str | None = None  # the class's code when the rule is about a class of drugs


@dataclass
class RuleIndex:
    rules: dict[str, Rule] = field(default_factory=dict)
    by_condition: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def load(cls, graph: Graph) -> RuleIndex:
        index = cls()
        for row in graph.read(read_cypher("pgxkg.queries", "recommendation_rules")):
            per_gene: dict[str, set[str]] = defaultdict(set)
            unknown = set()
            for cond in row["conditions"]:
                if cond["kind"] == "unknown":
                    unknown.add(cond["gene"])
                else:
                    per_gene[cond["gene"]].add(cond["condition"])
                    index.by_condition[cond["condition"]].append(row["id"])
            index.rules[row["id"]] = Rule(row["id"], row["drug"], tuple(row["genes"] or ()),
                                          {g: frozenset(c) for g, c in per_gene.items()}, frozenset(unknown),
                                          frozenset(row.get("unless") or ()), row.get("drug_class"))
        return index

    def match(self, conditions: set[str], genes: set[str]) -> list[dict]:
        """Rows like the Cypher query's: drug, recommendation id, matched facts, missing genes."""
        candidates = {rule_id for c in conditions for rule_id in self.by_condition.get(c, ())}
        rows = []
        for rule_id in candidates:  # order does not matter: reports sort what they show
            rule = self.rules[rule_id]
            if rule.unless & conditions:
                continue
            missing = []
            applies = True
            for gene in rule.genes:
                if rule.conditions.get(gene, frozenset()) & conditions:
                    continue
                if gene in genes:
                    applies = False
                    break
                if gene not in rule.unknown_rule_genes:
                    missing.append(gene)
            if applies:
                matched = sorted(c for g in rule.genes for c in rule.conditions.get(g, ()) if c in conditions)
                rows.append({"drug": rule.drug, "recommendation": rule_id, "matched": matched,
                             "missing": missing, "drug_class": rule.drug_class})
        return rows
