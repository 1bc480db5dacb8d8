"""One definition of "risky", applied to every source's recommendations (a build step).

A recommendation is actionable when it asks for something other than what the same source
recommends for the drug's standard (reference-function) patients: avoid the drug, choose an
alternative, change the dose, or act on monitoring that standard patients do not need.
Each Recommendation gets ``category`` (``pgxkg.vocab.Category``), ``category_reason`` (which
signal decided, in words) and ``category_signal`` (the signal's name), deciding with structured
signals first and the text last:

1. ``reference phenotype``: the row is the source's own recommendation for the drug's
   reference-function patients (every gene at its reference phenotype, below) -> ``standard``.
2. ``same as reference``: its text is the text the same source gives those reference patients
   for the same drug and population (CPIC's "If considering clopidogrel, use at standard dose"
   for ultrarapid metabolizers) -> ``standard``.
3. ``source classification``: CPIC classifies the row "No Recommendation" -> ``no_recommendation``.
4. ``text``: the ordered text rules of ``categories.py`` (explicit "no action" wording of DPWG
   and others is one of them).

Content flags (PharmGKB's and CPIC's avoid/alternate/dosing flags) say what a text *contains*,
never that it departs from standard care, so they never decide a category on their own; they
stay on the node as ``flags``.

A gene's condition is at its reference when (``reference_status``): the phenotype is the one
CPIC's phenotype table marks routine ("Normal/Routine/Low Risk", "Normal Risk") and is named
normal, favourable or responsive — or, for a gene with no such routine phenotype (CYP3A5's poor
metabolizer, RYR1's uncertain susceptibility), the routine one; without a priority, a phenotype
named normal, favourable or responsive; for NAT2 the rapid acetylator (the phenotype CPIC doses
hydralazine by); an activity score inside the gene's Normal Metabolizer range; an HLA allele
negative; a diplotype whose CPIC phenotype is the reference; an rsID genotype homozygous for the
reference base. Indeterminate and untested genes are never at the reference; beside a reference
condition of the same gene they leave the row the reference patients' (one text for "Normal
Metabolizer or Indeterminate").
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pgxkg.loaders.categories import categorise, normalise_text
from pgxkg.loaders.collect import Collection
from pgxkg.vocab import AT_LEAST, Category

_NORMAL_NAME = re.compile(r"\bnormal\b|\bfavou?rable\b|\bresponsive\b", re.IGNORECASE)
# NAT2: CPIC doses hydralazine by the rapid acetylator (CPIC's API calls it "Rapid Metabolizer").
_GENE_REFERENCE = {"NAT2": re.compile(r"^rapid (?:acetylator|metabolizer)$", re.IGNORECASE)}
_NOT_NORMAL = re.compile(r"\bunfavou?rable\b|\bnon-?responsive\b|\bnot\b|indeterminate|unknown|no result",
                         re.IGNORECASE)
_SCORE = re.compile(r"^activity score\s*([0-9.]+)$", re.IGNORECASE)
_NOT_COMPARED = re.compile(r"[^\w%<>=≤≥]+")


@dataclass(frozen=True)
class GeneCondition:
    gene: str
    kind: str
    condition: str
    target: tuple[str, str]


@dataclass
class _Row:
    key: str
    props: dict[str, Any]
    conditions: list[GeneCondition] = field(default_factory=list)


@dataclass
class Verdict:
    category: Category
    signal: str
    reason: str


def categorise_recommendations(collection: Collection) -> int:
    """Set category, category_reason and category_signal on every Recommendation; returns how many."""
    rows = {key: _Row(key, entry.props) for key, entry in collection.nodes_of("Recommendation")}
    for (rel, start, end), entry in collection.edges.items():
        if rel == "WHEN" and start[1] in rows:
            props = entry.props
            for condition in props.get("conditions") or [props["condition"]]:
                rows[start[1]].conditions.append(GeneCondition(props["gene"], props["kind"], condition, end))
    reference = ReferenceStatus(collection)
    drugs = frozenset(key for key, _ in collection.nodes_of("Drug") if " " not in key and "/" not in key)
    for row in rows.values():
        row.conditions.sort(key=lambda c: (c.gene, c.condition))
    groups: dict[tuple, list[_Row]] = defaultdict(list)
    for row in rows.values():
        groups[_group(row)].append(row)
    for group in groups.values():
        references = [row for row in group if _all_reference(row, reference)]
        texts = {_comparable(row.props.get("text")): row for row in references if row.props.get("text")}
        for row in group:
            verdict = decide(row, row in references, texts, drugs)
            row.props["category"] = verdict.category.value
            row.props["category_signal"] = verdict.signal
            row.props["category_reason"] = verdict.reason
            row.props.pop("category_origin", None)
        _name_source_phenotypes(group)
    return len(rows)


def _name_source_phenotypes(group: list[_Row]) -> None:
    """A source's diplotype rule gets that source's own phenotype name where the same source gives
    a phenotype rule the same advice (DPWG siponimod: CYP2C9 *2/*3 has the intermediate metabolizer
    advice), stored as ``source_phenotypes`` ``["CYP2C9=Intermediate Metabolizer"]``. The advice is
    the text's first sentence: what follows explains it, in words that name the genotype."""
    by_text: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in group:
        for c in row.conditions:
            if c.kind == "phenotype" and not _SCORE.match(c.target[1].split(":", 1)[-1]):
                by_text[(c.gene, _advice(row))].add(c.target[1].split(":", 1)[-1])
    for row in group:
        names = {}
        for c in row.conditions:
            if c.kind == "diplotype":
                found = by_text.get((c.gene, _advice(row)), set())
                if len(found) == 1:
                    names[c.gene] = next(iter(found))
        if names:
            row.props["source_phenotypes"] = [f"{gene}={name}" for gene, name in sorted(names.items())]


def decide(row: _Row, is_reference: bool, reference_texts: dict[str, _Row],
           drugs: frozenset[str] = frozenset()) -> Verdict:
    """The category of one row, given whether it is a reference row and the reference rows' texts."""
    source = row.props.get("source") or "the source"
    if is_reference:
        return Verdict(Category.STANDARD, "reference phenotype",
                       f"{source}'s recommendation for reference-function patients ({_phenotypes(row)})")
    same = reference_texts.get(_comparable(row.props.get("text")))
    if same is not None:
        return Verdict(Category.STANDARD, "same as reference",
                       f"the same advice {source} gives reference-function patients ({_phenotypes(same)})")
    category, rule = categorise(row.props.get("text"), row.props.get("drug"), drugs)
    if normalise_text(str(row.props.get("classification") or "")) == "no recommendation":
        if category == "standard":
            return Verdict(Category.STANDARD, "text",
                           f"{source} classifies it 'No Recommendation', but the text gives the standard dose")
        return Verdict(Category.NO_RECOMMENDATION, "source classification",
                       f"{source} classifies it 'No Recommendation'")
    return Verdict(Category(category), "text", f"text rule '{rule}': {_RULE_WORDS.get(rule, rule)}")


_RULE_WORDS = {
    "no-recommendation": "the text makes no recommendation",
    "no-action": "the text says no action is needed",
    "avoid-drug": "the text says to avoid the drug",
    "contraindicated": "the text says the drug is contraindicated",
    "do-not-use": "the text says not to use the drug",
    "avoid-dose-use-other": "the text says to avoid the standard dose and use another drug",
    "alternative": "the text recommends an alternative drug",
    "dose-percent": "the text changes the dose by an amount",
    "dose-change": "the text changes the dose",
    "titrate": "the text asks for a titration other than standard",
    "dose-cap": "the text caps or lowers the starting dose",
    "monitor": "the text asks for monitoring or caution",
    "standard": "the text gives standard dosing",
    "unrecognised": "no rule matched; the text says something a prescriber should read",
}


class ReferenceStatus:
    """Whether a gene condition is at the gene's reference (True), away from it (False), or neither
    (None: untested or indeterminate), from the Phenotype, Diplotype and Variant nodes collected."""

    def __init__(self, collection: Collection) -> None:
        self.phenotypes = {key: entry.props for key, entry in collection.nodes_of("Phenotype")}
        self.variants = {key: entry.props for key, entry in collection.nodes_of("Variant")}
        self.diplotype_phenotype: dict[str, str] = {}
        for (rel, start, end), _ in collection.edges.items():
            if rel == "HAS_PHENOTYPE" and start[0] == "Diplotype":
                self.diplotype_phenotype.setdefault(start[1], end[1])
        routine: dict[str, list[str]] = defaultdict(list)
        for props in self.phenotypes.values():
            if _routine(props.get("priority")) and not _NOT_NORMAL.search(props.get("name") or ""):
                routine[props.get("gene") or ""].append(props.get("name") or "")
        self.reference_names: dict[str, set[str]] = {}
        for gene, names in routine.items():
            normal = {n.lower() for n in names if _NORMAL_NAME.search(n)}
            self.reference_names[gene] = normal or {n.lower() for n in names}
        self._cache: dict[str, bool | None] = {}

    def of(self, condition: GeneCondition) -> bool | None:
        if condition.condition not in self._cache:
            self._cache[condition.condition] = self._status(condition)
        return self._cache[condition.condition]

    def _status(self, condition: GeneCondition) -> bool | None:
        kind, gene = condition.kind, condition.gene
        if kind == "negative":
            return True
        if kind in ("positive", "carrier"):
            return False
        if kind == "phenotype":
            return self.phenotype(gene, condition.target[1])
        if kind == "phenotype_only":  # phenotype_only:GENE:<phenotype> (a rule keyed by activity score)
            return self.phenotype(gene, condition.condition.split(":", 2)[2])
        if kind == "activity":  # activity:GENE:1.25, or a lower bound activity:GENE:≥3.0
            value = condition.condition.split(":", 2)[2].removeprefix(AT_LEAST)
            try:
                return self.score(gene, float(value))
            except ValueError:
                return None
        if kind == "diplotype":
            mapped = self.diplotype_phenotype.get(condition.target[1])
            return self.phenotype(gene, mapped) if mapped else None
        if kind == "genotype":
            ref = (self.variants.get(condition.target[1]) or {}).get("ref")
            bases = condition.condition.rsplit(":", 1)[-1]
            return bool(ref) and len(ref) == 1 and bases == ref * 2
        return None  # unknown: the gene was not tested

    def phenotype(self, gene: str, phenotype_key: str) -> bool | None:
        name = phenotype_key.split(":", 1)[1] if ":" in phenotype_key else phenotype_key
        score = _SCORE.match(name)
        if score:
            return self.score(gene, float(score.group(1)))
        if _NOT_NORMAL.search(name):
            return None if re.search("indeterminate|unknown|no result", name, re.IGNORECASE) else False
        if gene in _GENE_REFERENCE:
            return bool(_GENE_REFERENCE[gene].match(name))
        known = self.reference_names.get(gene)
        if known is not None:
            return name.lower() in known
        return bool(_NORMAL_NAME.search(name))

    def score(self, gene: str, value: float) -> bool | None:
        """Inside the gene's Normal Metabolizer activity range (bounds as the equation states them)."""
        normal = self.phenotypes.get(f"{gene}:Normal Metabolizer") or {}
        low, high = normal.get("activity_min"), normal.get("activity_max")
        if low is None and high is None:
            return None
        above = low is None or value > low or (value == low and normal.get("activity_min_inclusive", True))
        below = high is None or value < high or (value == high and normal.get("activity_max_inclusive", False))
        return above and below


def _routine(priority: Any) -> bool:
    return isinstance(priority, str) and priority.strip().lower().startswith("normal")


def _all_reference(row: _Row, reference: ReferenceStatus) -> bool:
    genes = row.props.get("genes") or sorted({c.gene for c in row.conditions})
    by_gene: dict[str, list[GeneCondition]] = defaultdict(list)
    for condition in row.conditions:
        by_gene[condition.gene].append(condition)
    # every gene of the rule tested and at its reference: a gene whose conditions cover other
    # genotypes too (carriers, "AG or GG") is a rule for those, not for the reference patients. A gene
    # keyed by activity score is the exception: a source gives one text for a range of scores (DPWG's
    # CYP2D6 1.25-2.5), so the rule is the reference patients' when the reference score is among them
    # (its phenotype_only conditions are derived from those scores and say nothing more).
    # Conditions that say nothing of the genotype (indeterminate, untested) beside the reference one
    # keep it the reference patients' rule: RNPGx gives "TPMT Normal Metabolizer or Indeterminate"
    # one text, and that text is what its normal metabolizers get.
    def at_reference(conditions: list[GeneCondition]) -> bool:
        scores = [c for c in conditions if c.kind == "activity"]
        if scores:
            return any(reference.of(c) for c in scores)
        statuses = [reference.of(c) for c in conditions]
        return True in statuses and False not in statuses

    return bool(genes) and all(by_gene.get(gene) and at_reference(by_gene[gene]) for gene in genes)


def _group(row: _Row) -> tuple:
    props = row.props
    return (props.get("source"), props.get("drug"), (props.get("population") or "").strip().lower(),
            tuple(sorted(props.get("genes") or {c.gene for c in row.conditions})))


def _comparable(text: Any) -> str:
    """Text compared for 'the same advice': lower case, spacing and punctuation dropped ('< 200' = '<200')."""
    return _NOT_COMPARED.sub("", normalise_text(str(text or ""))) if text else ""


def _advice(row: _Row) -> str:
    """The first sentence of the text, compared as in ``_comparable``."""
    return _comparable(re.split(r"(?<=[.;])\s", str(row.props.get("text") or ""), maxsplit=1)[0])


def _phenotypes(row: _Row) -> str:
    return "; ".join(row.props.get("phenotypes") or [c.condition for c in row.conditions])
