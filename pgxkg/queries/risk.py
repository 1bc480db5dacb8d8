"""Which drugs are risky for this genotype, why, on what evidence, and what instead.

Pipeline: genotype input -> phenotype resolution (``phenotype.py``) -> matching
recommendations (``rules.py``, the in-memory twin of ``matching_recommendations.cypher``) -> evidence and
alternatives (``drug_evidence.cypher``) -> a ranked report per drug.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pgxkg.queries import uncertainty
from pgxkg.queries.genotype_input import GeneInput
from pgxkg.queries.memo import kept
from pgxkg.queries.models import (
    LevelModel,
    RecommendationModel,
    RiskReportModel,
)
from pgxkg.queries.phenotype import ResolvedGene, resolve_many
from pgxkg.queries.rules import RuleIndex
from pgxkg.vocab import ACTIONABLE, CATEGORY_RANK, ClinPGxLevel, CpicLevel, level_rank, source_rank

MAX_CLASS_ALTERNATIVES = 8

if TYPE_CHECKING:
    from pgxkg.reference import ReferenceData


def risk(reference: ReferenceData, items: list[GeneInput]) -> RiskReportModel:
    """The risk report for one genotype; raises InvalidInput for unknown genes, alleles or phenotypes."""
    return RiskReportModel.model_validate(risk_reports(reference, [items], indexed=False)[0])


def risk_many(reference: ReferenceData, genotypes: list[list[GeneInput]],
              indexed: bool = True) -> list[RiskReportModel]:
    """Typed risk reports for many genotypes (see ``risk_reports``)."""
    return [RiskReportModel.model_validate(r) for r in risk_reports(reference, genotypes, indexed)]


def risk_reports(reference: ReferenceData, genotypes: list[list[GeneInput]], indexed: bool = True) -> list[dict]:
    """Risk reports as plain JSON-ready dicts in the RiskReportModel shape, for batch screening.

    Rules, recommendation texts and drug evidence come from the reference data, so a batch
    costs at most one diplotype lookup round trip; validation is left to the caller's edge (``risk``,
    the API's response model). A genotype the vocabulary rejects raises InvalidInput naming
    its index (unless not ``indexed``). Items carrying ``possible`` diplotypes (an uncertain VCF
    call) are evaluated once per possibility (``uncertainty.py``).
    """
    if uncertainty.has_uncertain(genotypes):
        return uncertainty.risk_reports(reference, genotypes, indexed, _reports, _rank)
    return _reports(reference, genotypes, indexed)


def _reports(reference: ReferenceData, genotypes: list[list[GeneInput]], indexed: bool | list[int]) -> list[dict]:
    resolved = resolve_many(reference, genotypes, indexed)
    index = reference.rules
    rows_by_patient = [
        index.match({c for gene in genes for c in gene.conditions}, {gene.gene for gene in genes if gene.determined},
                    frozenset(gene.gene for gene in genes if gene.kind == "diplotype"))
        for genes in resolved
    ]
    all_rows = [row for rows in rows_by_patient for row in rows]
    details = reference.recommendations({row["recommendation"] for row in all_rows})
    unsettled = {drug for genes in resolved for gene in genes if not gene.determined
                 for drug in index.drugs_by_gene.get(gene.gene, ())}  # listed as needing the result (_report)
    evidence = reference.drug_evidence(sorted({row["drug"] for row in all_rows} | unsettled))
    drug_genes = reference.drug_genes
    data = reference.data
    return [{**_report(genes, rows, details, evidence, index, drug_genes), "data": data}
            for genes, rows in zip(resolved, rows_by_patient, strict=True)]


def _report(genes: list[ResolvedGene], rows: list[dict], details: dict[str, tuple[dict, dict | None]],
            evidence: dict[str, dict], index: RuleIndex, drug_genes: dict[str, dict[str, str]]) -> dict:
    explain = {c: _fact(g) for g in genes for c in g.conditions}
    fired: dict[str, list[dict]] = defaultdict(list)
    needs: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if row["missing"]:
            needs[row["drug"]].update(row["missing"])
        else:
            fired[row["drug"]].append(row)
    # A gene given but not settled (a copy number, one allele, an HLA allele not tested, no call): its
    # drugs say the result is needed, and why, rather than vanish from the answer.
    unsettled = {gene.gene: gene.reason for gene in genes if not gene.determined}
    for symbol in unsettled:
        for name in index.drugs_by_gene.get(symbol, ()):
            if name not in fired:
                needs[name].add(symbol)
    verdict_keys: dict[str, tuple] = {}  # drug -> what its verdict depends on (see _drug)
    drugs = [_drug(drug, fired[drug], details, evidence.get(drug, {}), explain, verdict_keys) for drug in fired]
    classes = index.drug_classes
    drugs += [
        {"drug": drug, "category": "needs_result", "genes": sorted(missing), "recommendations": [],
         "needs_results_for": sorted(missing), "levels": _levels(evidence.get(drug, {})),
         "category_reason": f"a rule for {drug} needs the {', '.join(sorted(missing))} result"
                            + "".join(f"; {g}: {unsettled[g]}" for g in sorted(missing) if unsettled.get(g))}
        for drug, missing in needs.items() if drug not in fired
    ]
    for drug in drugs:
        if drug["drug"] in classes:
            drug["drug_class"] = classes[drug["drug"]]
    for drug, missing in needs.items():
        verdict_keys.setdefault(drug, ("needs_result", tuple(sorted(missing))))
    verdicts = {d["drug"]: d for d in drugs}
    checks = Checks(index, {g.gene for g in genes if g.determined}, drug_genes, verdict_keys=verdict_keys)
    for drug in drugs:
        if drug["category"] in ACTIONABLE:
            drug["alternatives"], drug["not_suitable"] = _alternatives(
                drug, evidence.get(drug["drug"], {}), verdicts, {r["id"] for r in drug["recommendations"]}, checks)
        else:
            drug["alternatives"], drug["not_suitable"] = [], []
    drugs.sort(key=lambda d: _rank(d, evidence.get(d["drug"], {})))
    _source_phenotypes(genes, drugs)
    return {"genotype": [g.as_dict() for g in genes], "drugs": drugs}


def _source_phenotypes(genes: list[ResolvedGene], drugs: list[dict]) -> None:
    """Where a source's own genotype mapping named the patient's phenotype differently (DPWG calls
    CYP2C9 *2/*3 an intermediate metabolizer, CPIC a poor one), say so on the gene."""
    by_gene = {g.gene: g for g in genes}
    for drug in drugs:
        for rec in drug["recommendations"]:
            for gene, name in (rec.get("source_phenotypes") or {}).items():
                resolved = by_gene.get(gene)
                if resolved is not None and name != resolved.phenotype:
                    resolved.phenotypes_by_source[rec["source"]] = name


def _fact(gene: ResolvedGene) -> str:
    """The genotype fact in words, e.g. ``CYP2C19 *2/*2 -> Poor Metabolizer`` (order-free)."""
    given = gene.diplotype[len(gene.gene):].strip() if gene.diplotype else gene.input.split(" ", 1)[-1]
    return f"{gene.gene} {given}" + (f" -> {gene.phenotype}" if gene.phenotype else "")


def _drug(drug: str, rows: list[dict], details: dict[str, tuple[dict, dict | None]], evidence: dict,
          explain: dict[str, str], verdict_keys: dict[str, tuple]) -> dict:
    """The drug's verdict from its fired rules. It depends only on which rules fired and the facts that
    fired them (``verdict_keys[drug]``), so it is kept beside the drug's evidence and reused for the
    next genotype with the same key (a shallow copy: the caller adds the alternatives)."""
    key = tuple(sorted((row["recommendation"], tuple(sorted(explain.get(c, c) for c in row["matched"])))
                       for row in rows))
    verdict_keys[drug] = key
    seen = _bounded(evidence, "_verdicts")
    found = seen.get(key)  # one read: another thread may empty the cache between two
    if found is None:
        found = seen[key] = _verdict(drug, rows, details, evidence, explain)
    return dict(found)


def _bounded(evidence: dict, name: str) -> dict:
    """A per-drug cache of answers by genotype-dependent key (``memo.kept``)."""
    return kept(evidence.setdefault(name, {}))


def _verdict(drug: str, rows: list[dict], details: dict[str, tuple[dict, dict | None]], evidence: dict,
             explain: dict[str, str]) -> dict:
    levels = _levels(evidence)
    recommendations = sorted(
        (_recommendation(row, details, levels, evidence, explain) for row in rows),
        key=lambda r: (source_rank(r["source"]), CATEGORY_RANK[r["category"]], r["id"]),
    )
    cpic = [r for r in recommendations if r["source"] == "CPIC"]
    deciding = min(cpic or recommendations, key=lambda r: CATEGORY_RANK[r["category"]])
    genes = sorted({g for r in recommendations for g in r["genes"]})
    scope = "CPIC's rule decides when CPIC has one" if cpic else "the most severe of the sources' rules"
    reason = deciding.get("category_reason") or deciding["category"]
    return {"drug": drug, "category": deciding["category"], "genes": genes, "recommendations": recommendations,
            "levels": levels, "needs_results_for": [], "category_reason": f"{deciding['source']} ({scope}): {reason}"}


def _recommendation(row: dict, details: dict[str, tuple[dict, dict | None]], levels: list[dict],
                    evidence: dict, explain: dict[str, str]) -> dict:
    """The recommendation as this patient sees it: its static part (validated once against
    the model and cached beside the drug's evidence) plus the facts that triggered it."""
    static = evidence.setdefault("_recommendations", {})
    rec_id = row["recommendation"]
    if rec_id not in static:
        rec, guideline = details[rec_id]
        genes = rec.get("genes") or []
        gene_levels = [level for level in levels if level["gene"] in genes]
        static[rec_id] = RecommendationModel(
            id=rec_id, source=rec.get("source") or "",
            category=rec.get("category") or "no_recommendation",
            category_reason=rec.get("category_reason"), category_signal=rec.get("category_signal"),
            source_phenotypes=_parsed(rec.get("source_phenotypes")), text=rec.get("text") or "",
            guideline={k: v for k, v in guideline.items() if v is not None} if guideline else None,
            genes=genes, phenotypes=rec.get("phenotypes") or [],
            strength=rec.get("strength") or rec.get("classification"), population=rec.get("population"),
            implications=rec.get("implications") or [], lookup=rec.get("lookup") or [],
            alternate_drug_available=rec.get("alternate_drug_available"),
            dosing_information=rec.get("dosing_information"),
            other_prescribing_guidance=rec.get("other_prescribing_guidance"),
            cpic_level=_best(gene_levels, "cpic_level", CpicLevel),
            pharmgkb_level=_best(gene_levels, "pharmgkb_level", ClinPGxLevel),
            pmids=[str(p) for p in evidence.get("pmids") or []],
        ).model_dump(exclude_none=True)
    return {**static[rec_id], "triggered_by": sorted({explain.get(c, c) for c in row["matched"]})}


def _levels(evidence: dict) -> list[dict]:
    """The drug's gene levels, validated once and cached beside its evidence."""
    if "_levels" not in evidence:
        evidence["_levels"] = [LevelModel(**level).model_dump(exclude_none=True)
                               for level in evidence.get("levels") or [] if level.get("gene")]
    return evidence["_levels"]


def _best(levels: list[dict], attribute: str, enum: type[CpicLevel] | type[ClinPGxLevel]) -> str | None:
    values = [level[attribute] for level in levels if level.get(attribute)]
    return min(values, key=lambda v: level_rank(enum, v)) if values else None


@dataclass(frozen=True)
class Checks:
    """What an alternative is checked against: the rules, the genes tested, each drug's pharmacogenes."""

    rules: RuleIndex
    tested: set[str]
    drug_genes: dict[str, dict[str, str]]
    why: dict[str, str] = field(default_factory=dict)  # drug -> why this genotype flags it (per report)
    verdict_keys: dict[str, tuple] = field(default_factory=dict)  # drug -> its verdict's key (_drug)


def _alternatives(drug: dict, evidence: dict, verdicts: dict[str, dict], fired: set[str],
                  checks: Checks) -> tuple[list[dict], list[dict]]:
    """(alternatives, not_suitable) for an actionable drug, each checked against this genotype.

    Candidates are the drugs its fired recommendations name, then the drugs of its own ATC chemical
    subgroup (``_same_mechanism``: the same mechanism, never a combination group). A candidate this
    genotype flags (avoid, alternative, dose change, caution) is not suitable, with the reason; one
    whose rules need a gene the input does not have is offered only as needing that result; one with
    known pharmacogenomic evidence for a gene that made this drug risky, but no guideline rule saying it
    is fine for this genotype (another CYP2D6 substrate for a CYP2D6 poor metabolizer), is offered as
    uncertain (``shares_genes``), and so is a class mate no guideline rule covers for a gene that made this drug
    risky (its mechanism may carry the same gene effect: cerivastatin for SLCO1B1, another
    aminoglycoside for MT-RNR1); the rest are suitable.
    """
    fired_key = frozenset(fired)
    cached = evidence.setdefault("_candidates", {})
    if fired_key not in cached:  # static per drug and set of fired recommendations
        found = _candidates(drug["drug"], evidence, fired, checks)
        cached[fired_key] = (found, frozenset().union(*(genes for _, _, genes, _ in found)))
    candidates, rule_genes = cached[fired_key]
    # The answer depends on the fired rules, each candidate's own verdict and which of the genes its
    # rules test were tested: the same key gives the same lists (kept beside the drug's evidence).
    verdict_keys = checks.verdict_keys
    key = (fired_key, tuple([verdict_keys.get(name) for name, _, _, _ in candidates]),
           frozenset(checks.tested & rule_genes))
    answers = _bounded(evidence, "_alternatives")
    found = answers.get(key)
    if found is None:
        found = answers[key] = _checked(drug, candidates, verdicts, checks)
    suitable, unsuitable = found
    return list(suitable), list(unsuitable)


def _checked(drug: dict, candidates: list, verdicts: dict[str, dict],
             checks: Checks) -> tuple[list[dict], list[dict]]:
    suitable, unsuitable = [], []
    why = checks.why
    risky_genes = set(drug["genes"])
    for name, base, rule_genes, evidence_genes in candidates:
        verdict = verdicts.get(name)
        if verdict is not None and verdict["category"] in ACTIONABLE:
            if name not in why:
                why[name] = _why(verdict)
            unsuitable.append({**base, "category": verdict["category"], "reason": f"{name}: {why[name]}"})
            continue
        candidate = {**base, "needs_results_for": [], "shares_genes": []}  # the model's full shape
        untested = sorted(rule_genes - checks.tested)
        if verdict is not None:
            candidate["category"] = verdict["category"]
        if untested:
            candidate.update(suitable=False, needs_results_for=untested,
                             reason=f"{name} has pharmacogenomic rules for {', '.join(untested)}, "
                                    f"which this genotype does not include: test before choosing it")
            suitable.append(candidate)
            continue
        ruled = verdict["genes"] if verdict is not None else ()
        shared = sorted(g for g in risky_genes.intersection(evidence_genes) if g not in ruled)
        unruled = sorted(risky_genes - rule_genes) if base["kind"] == "same_atc_class" else []
        if shared:
            levels = "; ".join(f"{g}: {evidence_genes[g]}" for g in shared)
            candidate.update(suitable=False, shares_genes=shared,
                             reason=f"{name} also has pharmacogenomic evidence for {', '.join(shared)} "
                                    f"({levels}) but no guideline rule for this genotype: not known to be safe")
        elif unruled:  # the same mechanism may well carry the same gene effect (statins and SLCO1B1)
            candidate.update(suitable=False, shares_genes=unruled,
                             reason=f"{name} shares {drug['drug']}'s ATC class {base.get('atc_class')} (the same "
                                    f"mechanism) but no guideline rule says how {', '.join(unruled)} affects it: "
                                    "not known to be safe for this genotype")
        else:
            if verdict is not None and name not in why:
                why[name] = _why(verdict)
            candidate.update(suitable=True, reason=f"{name}: {why[name]} (standard care)" if verdict is not None
                             else f"no pharmacogenomic rule for {name} applies to this genotype")
        suitable.append(candidate)
    suitable.sort(key=lambda c: not c["suitable"])  # suitable first, then those needing a result
    return suitable, unsuitable


def _candidates(drug: str, evidence: dict, fired: set[str],
                checks: Checks) -> list[tuple[str, dict, frozenset[str], dict[str, str]]]:
    """The drug's candidate alternatives with what checking them needs (static per drug and fired set):
    (name, the answer's base fields, the genes its rules test, its pharmacogenes with levels)."""
    found: dict[str, dict] = {}
    for item in sorted(evidence.get("named") or [], key=lambda i: (i.get("drug") or "", i.get("via") or "")):
        if item.get("drug") and item.get("via") in fired and item["drug"] != drug:
            found.setdefault(item["drug"], {"drug": item["drug"], "kind": "named_in_recommendation"})
    mates = 0
    for item in _same_mechanism(evidence, checks.rules.genes_by_drug.get(drug, frozenset()),
                                checks.rules.genes_by_drug):
        if item["drug"] not in found and item["drug"] != drug and mates < MAX_CLASS_ALTERNATIVES:
            found[item["drug"]] = {"drug": item["drug"], "kind": "same_atc_class", "atc_class": item["atc_class"]}
            mates += 1
    return [(name, base, checks.rules.genes_by_drug.get(name, frozenset()), checks.drug_genes.get(name, {}))
            for name, base in found.items()]


def _same_mechanism(evidence: dict, genes: frozenset[str] = frozenset(),
                    genes_by_drug: dict[str, frozenset[str]] | None = None) -> list[dict]:
    """ATC class mates that share the drug's chemical subgroup as their own primary one.

    The drug's subgroup is the first of its own (``_groups``) whose mates include a drug with guideline
    rules for one of ``genes`` (ibuprofen: M01AE with flurbiprofen's CYP2C9 rules, not C01EB, where
    its first code files it for patent ductus arteriosus beside adenosine); else its first."""
    groups = _groups(evidence.get("atc"))
    by_group: dict[str, dict[str, dict]] = {group: {} for group in groups}
    for item in evidence.get("class_mates") or []:
        group = item.get("atc_class")
        if item.get("drug") and group in by_group and _primary_group(item.get("atc")) == group:
            by_group[group][item["drug"]] = item
    ruled = [group for group in groups
             if any(genes & (genes_by_drug or {}).get(mate, frozenset()) for mate in by_group[group])]
    own = (ruled or groups or [None])[0]
    return sorted(by_group[own].values(), key=lambda i: i["drug"]) if own else []


def _groups(codes: list[str] | None) -> list[str]:
    """The ATC chemical subgroups (level 4, five characters) of a drug's codes, in order, outside WHO's
    "other" groups: a level-4 code ending in X collects substances of unrelated mechanisms (N06AX holds
    bupropion and duloxetine, L01XX arsenic trioxide and celecoxib), so it makes no one a class mate."""
    return list(dict.fromkeys(code[:5] for code in codes or () if len(code) >= 5 and code[4] != "X"))


def _primary_group(codes: list[str] | None) -> str | None:
    """A drug's first ATC chemical subgroup outside the "other" groups (``_groups``)."""
    groups = _groups(codes)
    return groups[0] if groups else None


def _why(verdict: dict) -> str:
    """``CYP2D6 *4/*4 -> Poor Metabolizer -> avoid`` for a drug this genotype flags."""
    facts = sorted({fact for rec in verdict.get("recommendations") or [] for fact in rec.get("triggered_by") or []})
    return f"{'; '.join(facts) or ', '.join(verdict.get('genes') or [])} -> {verdict['category']}"


def _parsed(value: object) -> dict[str, str] | None:
    """``["CYP2C9=Intermediate Metabolizer"]`` (how the graph stores a map) as a dict."""
    if not value:
        return None
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return dict(str(item).split("=", 1) for item in value if "=" in str(item))  # type: ignore[union-attr]


def _rank(drug: dict, evidence: dict | None = None) -> tuple:
    """Severity, then the drug's best CPIC level, then its best PharmGKB level, then name (the level
    ranks are static per drug: with its ``evidence`` cache they are computed once and kept there)."""
    if evidence is None:
        return (CATEGORY_RANK[drug["category"]], *_level_ranks(drug["levels"]), drug["drug"])
    if "_level_ranks" not in evidence:
        evidence["_level_ranks"] = _level_ranks(drug["levels"])
    return (CATEGORY_RANK[drug["category"]], *evidence["_level_ranks"], drug["drug"])


def _level_ranks(levels: list[dict]) -> tuple[int, int]:
    return (
        min((level_rank(CpicLevel, level.get("cpic_level")) for level in levels), default=99),
        min((level_rank(ClinPGxLevel, level.get("pharmgkb_level")) for level in levels), default=99),
    )
