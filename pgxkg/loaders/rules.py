"""Per-phenotype guideline rows (CPIC API, DPWG) -> Recommendation nodes whose WHEN conditions the
risk query can meet.

A row names, per gene, the result it applies to by a *lookup key* (``GeneKey``):

=================================  ===================================  ==============================
lookup key (CPIC, DPWG)            condition                            WHEN target
=================================  ===================================  ==============================
``Poor Metabolizer``, ``Deficient`` ``phenotype:G6PD:G6PD Deficient``    Phenotype (graph spelling,
                                                                        ``names.phenotype_name``)
``1.25``, ``≥3.0`` (activity)      ``activity:CYP2D6:1.25``             Phenotype ``Activity Score 1.25``
``1.5 (Intermediate Metabolizer)``  ``activity:DPYD:1.5``                 (DPWG writes the phenotype
                                                                        after the score)
``*57:01 positive`` / ``negative``  ``positive:HLA-B*57:01``              Allele
``No Result`` (gene not tested)    ``unknown:HLA-B``                    Gene
``n/a`` (score not computable)     ``phenotype:CYP2D6:Indeterminate``   Phenotype
``{"*1": 1.0, "*3": 1.0}``          ``diplotype:CYP2C9*1/*3``            Diplotype
``-1639 AG`` (VKORC1)              ``genotype:rs9923231:CT``            Variant (legacy name -> rsID)
=================================  ===================================  ==============================

CPIC writes one row per activity score (23 for CYP2D6), most with the same text for every score of
one phenotype. Rows that differ only in one gene's score (same drug, guideline, population, text,
classification, implications, flags and other genes' keys) become one Recommendation whose WHEN
lists every score (OR within a gene); it also gets ``phenotype_only:GENE:<phenotype>`` for the
phenotype the source gives with those scores, so a genotype known only by its phenotype (``CYP2D6
PM``) meets it. Where the text differs by score within one phenotype (atomoxetine, the NSAIDs,
fluoropyrimidines), each score group keeps its own rule and a phenotype-only genotype meets all of
them: the answer then shows every text that phenotype can mean.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pgxkg.loaders.categories import categorise
from pgxkg.loaders.names import phenotype_name
from pgxkg.loaders.records import EdgeRecord, FirstRecords, NodeRecord, Record
from pgxkg.vocab import (
    AT_LEAST,
    activity_value,
    allele_id,
    condition,
    diplotype_id,
    genotype_key,
    natural_key,
    phenotype_id,
)

NO_RESULT = "No Result"
NOT_COMPUTABLE = "n/a"
INDETERMINATE = "Indeterminate"
_ACTIVITY = re.compile(r"(?:≥|>=)?\s*\d+(?:\.\d+)?")
_ACTIVITY_WITH_NOTE = re.compile(r"(?P<score>\d+(?:\.\d+)?)\s*\((?P<note>[^()]+)\)")
_STATUS = re.compile(r"(?P<allele>\*\d+(?::\d+)+)\s+(?P<status>positive|negative)", re.IGNORECASE)
_BARE_HLA = re.compile(r"\d{4}")
_LEGACY = re.compile(r"(?P<position>-?\d+)\s+(?P<bases>[ACGT]{2})")

# Variants that guidelines name by their legacy position on the gene's own strand.
LEGACY_VARIANTS: dict[tuple[str, str], tuple[str, bool]] = {
    ("VKORC1", "-1639"): ("rs9923231", True),  # -1639G>A on the minus strand = rs9923231 C>T on GRCh38
}
COMPLEMENT = str.maketrans("ACGT", "TGCA")


class BadKey(ValueError):
    """A lookup key of a shape this module does not know; the row is reported and skipped."""


@dataclass(frozen=True)
class GeneKey:
    """One gene's part of a row: the key as the source writes it and the condition it means."""

    gene: str
    lookup: str
    kind: str
    value: str = ""
    phenotype: str | None = None  # the phenotype the source gives with an activity score

    @property
    def condition(self) -> str:
        return condition(self.kind, self.gene, self.value)

    @property
    def target(self) -> tuple[str, str]:
        if self.kind == "phenotype":
            return "Phenotype", phenotype_id(self.gene, self.value)
        if self.kind == "activity":
            return "Phenotype", phenotype_id(self.gene, activity_phenotype(self.value))
        if self.kind in ("positive", "negative", "carrier"):
            return "Allele", self.value
        if self.kind == "diplotype":
            return "Diplotype", self.value
        if self.kind == "genotype":
            return "Variant", self.value.split(":", 1)[0]
        return "Gene", self.gene


def activity_phenotype(value: str) -> str:
    """The Phenotype node an activity condition points at: ``Activity Score 1.5`` (the name PharmGKB's
    DPWG rows use too), ``Activity Score ≥3.0``."""
    return f"Activity Score {activity_value(value)}"


def cpic_key(gene: str, lookup: str, phenotype: str | None, status: str | None) -> GeneKey:
    """A CPIC API row's key for one gene, read with the row's ``phenotypes`` and ``allelestatus``."""
    lookup = lookup.strip()
    if lookup == NO_RESULT or (status or "").startswith("No "):
        return GeneKey(gene, lookup, "unknown")
    if lookup == NOT_COMPUTABLE:
        return GeneKey(gene, lookup, "phenotype", phenotype_name(gene, phenotype or INDETERMINATE))
    if _ACTIVITY.fullmatch(lookup):
        return GeneKey(gene, lookup, "activity", activity_value(lookup),
                       phenotype_name(gene, phenotype) if phenotype else None)
    if match := _STATUS.fullmatch(lookup):
        return GeneKey(gene, lookup, match["status"].lower(), allele_id(gene, match["allele"]))
    return GeneKey(gene, lookup, "phenotype", phenotype_name(gene, lookup))


def dpwg_key(gene: str, lookup: Any) -> GeneKey:
    """A DPWG (ClinPGx API) row's key for one gene: a phenotype, a score, ``<score> (<note>)``, an
    allele status, ``{allele: copies}``, a legacy genotype (``-1639 AG``), ``1511 and 1502`` (HLA)."""
    if isinstance(lookup, dict):
        alleles = [name for name, copies in lookup.items() for _ in range(int(float(copies)))]
        if len(alleles) != 2:
            raise BadKey(f"{gene} lookup {lookup} does not name two alleles")
        return GeneKey(gene, "/".join(sorted(alleles, key=natural_key)), "diplotype",
                       diplotype_id(gene, *alleles))
    text = str(lookup).strip()
    if _ACTIVITY.fullmatch(text):
        return GeneKey(gene, text, "activity", activity_value(text))
    if match := _ACTIVITY_WITH_NOTE.fullmatch(text):
        note = match["note"].strip()
        phenotype = note if note.endswith(("Metabolizer", "Function")) else None
        return GeneKey(gene, text, "activity", activity_value(match["score"]), phenotype)
    if match := _STATUS.fullmatch(text):
        return GeneKey(gene, text, match["status"].lower(), allele_id(gene, match["allele"]))
    if gene.startswith("HLA-") and (parts := [p.strip() for p in text.split(" and ")]) and len(parts) == 2 \
            and all(_BARE_HLA.fullmatch(p) for p in parts):
        first, second = (f"*{p[:2]}:{p[2:]}" for p in parts)
        return GeneKey(gene, text, "diplotype", diplotype_id(gene, first, second))
    if match := _LEGACY.fullmatch(text):
        legacy = LEGACY_VARIANTS.get((gene, match["position"]))
        if legacy is None:
            raise BadKey(f"{gene} lookup {text!r} names a legacy position pgxkg cannot place on GRCh38")
        rsid, minus_strand = legacy
        bases = match["bases"].translate(COMPLEMENT) if minus_strand else match["bases"]
        return GeneKey(gene, text, "genotype", f"{rsid}:{genotype_key(bases)}")
    if not text:
        raise BadKey(f"{gene} lookup is empty")
    return GeneKey(gene, text, "phenotype", phenotype_name(gene, text))


@dataclass
class GuidelineRow:
    """One source row, parsed. ``same`` holds what must match for rows to merge (text,
    classification, population, implications, flags...); ``lists`` what merged rows add up."""

    body: str
    drug: str
    guideline: str
    text: str
    keys: dict[str, GeneKey]
    same: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Rule:
    """Rows merged into one Recommendation: per gene, the keys any of which may hold."""

    body: str
    drug: str
    guideline: str
    text: str
    keys: dict[str, list[GeneKey]]
    same: dict[str, Any]
    lists: dict[str, list[str]]

    @property
    def conditions(self) -> list[str]:
        return sorted({key.condition for keys in self.keys.values() for key in keys})


def merge_rows(rows: Iterable[GuidelineRow]) -> list[Rule]:
    """Rows that differ only in one gene's activity score, as one Rule each (see the module doc)."""
    groups: dict[tuple, Rule] = {}
    for row in rows:
        scored = sorted(gene for gene, key in row.keys.items() if key.kind == "activity")
        merged = scored[0] if scored else None
        fixed = tuple(sorted((gene, key.condition) for gene, key in row.keys.items() if gene != merged))
        phenotype = row.keys[merged].phenotype if merged else None
        group = (row.body, row.drug, row.guideline, row.text, _frozen(row.same), fixed, merged, phenotype,
                 None if merged else id(row))
        rule = groups.get(group)
        if rule is None:
            groups[group] = Rule(row.body, row.drug, row.guideline, row.text,
                                 {gene: [key] for gene, key in row.keys.items()}, dict(row.same),
                                 {name: list(values) for name, values in row.lists.items()})
            continue
        assert merged is not None
        if row.keys[merged] not in rule.keys[merged]:
            rule.keys[merged].append(row.keys[merged])
        for name, values in row.lists.items():
            rule.lists.setdefault(name, []).extend(v for v in values if v not in rule.lists[name])
    return list(groups.values())


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


def rule_key(rule: Rule, taken: set[str]) -> str:
    """``<body>:<drug>:<conditions joined by +>``, then ``@<population>`` unless it is the general
    one; a second rule with the same conditions (DPWG's two texts for DPYD score 1.0) gets ``#<id>``."""
    key = f"{rule.body}:{rule.drug}:" + "+".join(rule.conditions)
    population = rule.same.get("population")
    if population and population != "general":
        key += f"@{population}"
    if key in taken:
        key += "#" + (rule.lists.get("ids") or [str(len(taken))])[0]
    taken.add(key)
    return key


def readable(gene: str, keys: list[GeneKey]) -> str:
    """``CYP2D6: 0.25, 0.5, 0.75, 1.0 (Intermediate Metabolizer)``, ``HLA-B: *57:01 positive``."""
    lookups = sorted({key.lookup for key in keys}, key=_score_order)
    phenotypes = sorted({key.phenotype for key in keys
                         if key.phenotype and not any(key.phenotype in lookup for lookup in lookups)})
    return f"{gene}: {', '.join(lookups)}" + (f" ({', '.join(phenotypes)})" if phenotypes else "")


def _score_order(lookup: str) -> tuple[int, float, str]:
    text = lookup.replace(AT_LEAST, "").strip()
    try:
        return (1 if lookup.startswith(AT_LEAST) else 0, float(text.split()[0]), lookup)
    except (ValueError, IndexError):
        return (2, 0.0, lookup)


def more_specific(rules: list[Rule]) -> dict[int, list[str]]:
    """For one-gene rules keyed by phenotype or allele status: the diplotype conditions of the same
    guideline, drug and gene (DPWG keys warfarin's CYP2C9 rows both ways: ``*1/*2`` "no action" next to
    "Intermediate Metabolizer" 65%). A patient meeting one of them is covered by that more specific
    rule, so the general one does not apply (``unless`` on the Recommendation). Keyed by ``id(rule)``."""
    diplotypes: dict[tuple[str, str, str, str], set[str]] = {}
    for rule in rules:
        if len(rule.keys) == 1:
            gene, keys = next(iter(rule.keys.items()))
            diplotypes.setdefault((rule.body, rule.guideline, rule.drug, gene), set()).update(
                key.condition for key in keys if key.kind == "diplotype")
    found = {}
    for rule in rules:
        if len(rule.keys) == 1:
            gene, keys = next(iter(rule.keys.items()))
            specific = diplotypes.get((rule.body, rule.guideline, rule.drug, gene), set())
            if specific and all(key.kind != "diplotype" for key in keys):
                found[id(rule)] = sorted(specific)
    return found


class RuleRecords:
    """Records of rules: the Recommendation, its edges and the nodes its conditions point at (each once)."""

    def __init__(self) -> None:
        self.node = FirstRecords()
        self.taken: set[str] = set()

    def target(self, key: GeneKey, phenotype: str | None = None) -> list[Record]:
        """The node a condition points at, with the edge that ties it to its gene."""
        label, target = ("Phenotype", phenotype_id(key.gene, phenotype)) if phenotype else key.target
        records = self.node("Gene", key.gene, symbol=key.gene)
        if label == "Phenotype":
            name = target.split(":", 1)[1]
            if created := self.node("Phenotype", target, gene=key.gene, name=name):
                records += [*created, EdgeRecord("OF_GENE", ("Phenotype", target), ("Gene", key.gene))]
        elif label == "Allele":
            if created := self.node("Allele", target, gene=key.gene, name=target[len(key.gene):].strip()):
                records += [*created, EdgeRecord("HAS_ALLELE", ("Gene", key.gene), ("Allele", target))]
        elif label == "Diplotype":
            if created := self.node("Diplotype", target, gene=key.gene):
                records += [*created, EdgeRecord("OF_GENE", ("Diplotype", target), ("Gene", key.gene))]
        elif label == "Variant" and (created := self.node("Variant", target, rsid=target, gene=key.gene)):
            records += [*created, EdgeRecord("IN_GENE", ("Variant", target), ("Gene", key.gene))]
        return records

    def rule(self, rule: Rule, props: dict[str, Any]) -> Iterator[Record]:
        """The Recommendation (``props`` are the source's own signals and ``unless``, see
        ``more_specific``), FOR_DRUG, RECOMMENDS, WHEN."""
        key = rule_key(rule, self.taken)
        category, rule_name = categorise(rule.text)
        genes = sorted(rule.keys)
        yield NodeRecord("Recommendation", key, {k: v for k, v in {
            "source": rule.body, "drug": rule.drug, "text": rule.text, "category": category,
            "category_origin": f"text rule: {rule_name}", "genes": genes,
            "phenotypes": [readable(gene, rule.keys[gene]) for gene in genes],
            "lookup": [f"{gene}: {k.lookup}" for gene in genes for k in sorted(rule.keys[gene],
                                                                             key=lambda k: _score_order(k.lookup))],
            **props}.items() if v not in (None, "", [])})
        yield EdgeRecord("RECOMMENDS", ("Guideline", rule.guideline), ("Recommendation", key))
        yield EdgeRecord("FOR_DRUG", ("Recommendation", key), ("Drug", rule.drug))
        for gene in genes:
            only: set[str] = set()
            for gene_key in rule.keys[gene]:
                yield from self.target(gene_key)
                yield EdgeRecord("WHEN", ("Recommendation", key), gene_key.target,
                                 {"gene": gene, "kind": gene_key.kind, "condition": gene_key.condition})
                if gene_key.kind == "activity" and gene_key.phenotype:
                    only.add(gene_key.phenotype)
            for phenotype in sorted(only):
                yield from self.target(GeneKey(gene, phenotype, "phenotype", phenotype), phenotype)
                yield EdgeRecord("WHEN", ("Recommendation", key), ("Phenotype", phenotype_id(gene, phenotype)),
                                 {"gene": gene, "kind": "phenotype_only",
                                  "condition": condition("phenotype_only", gene, phenotype)})
