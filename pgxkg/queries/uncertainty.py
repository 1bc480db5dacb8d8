"""Uncertain calls in the risk answer: evaluate every diplotype still possible, and never turn an
uncertain call into a confident verdict.

A genotype item may carry ``possible`` diplotypes (a VCF call that is a tie, or that missing
positions leave open; see ``pgxkg.calling``). The genotype is evaluated once per possibility (the
"worlds": every combination when there are few, else one uncertain gene at a time), with the same
rules as any other genotype. Per drug:

- the verdict is the same in every world: it is kept, with a note saying so;
- it differs, or a possibility cannot be evaluated (too many to list, an allele the graph does not
  know): the drug is ``needs_result``, naming the gene, the verdicts at stake and the result that
  would settle it (``pending``).

The uncertain gene itself is shown in the genotype as uncertain, with its possibilities.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import product
from typing import TYPE_CHECKING, Any

from pgxkg.errors import InvalidInput
from pgxkg.queries import notation
from pgxkg.queries.genotype_input import GeneInput
from pgxkg.queries.phenotype import numbered

if TYPE_CHECKING:
    from pgxkg.reference import ReferenceData

MAX_WORLDS = 256  # combinations of possibilities evaluated jointly per genotype
Evaluate = Callable[["ReferenceData", list[list[GeneInput]], "bool | list[int]"], list[dict]]


def has_uncertain(genotypes: list[list[GeneInput]]) -> bool:
    return any(item.uncertain for items in genotypes for item in items)


def _valid(reference: ReferenceData, gene: str, alleles: tuple[str, ...]) -> bool:
    try:
        vocabulary = reference.vocabulary
        symbol = vocabulary.gene(gene)
        for allele in alleles:
            vocabulary.allele(symbol, allele)
    except InvalidInput:
        return False
    return True


def risk_reports(reference: ReferenceData, genotypes: list[list[GeneInput]], indexed: bool,
                 evaluate: Evaluate, rank: Callable[[dict], tuple]) -> list[dict]:
    """Reports for genotypes some of whose items are uncertain (``evaluate`` is the plain risk
    evaluation of certain genotypes; ``rank`` orders a report's drugs)."""
    plans = []
    batch: list[list[GeneInput]] = []
    numbers: list[int] = []  # the genotype each evaluated world stands for (errors name it)
    for number, items in enumerate(genotypes):
        fixed = [i for i in items if not i.uncertain]
        uncertain = {i.gene: i for i in items if i.uncertain}
        for item in uncertain.values():
            if item.kind == "uncertain":
                try:
                    _typed_options(reference, item)
                except InvalidInput as error:
                    raise (numbered(error, number) if indexed else error) from None
        options: dict[str, list[GeneInput]] = {}
        incomplete: set[str] = set()
        for gene, item in uncertain.items():
            options[gene] = [GeneInput(gene, "diplotype", "/".join(p), alleles=tuple(p)) for p in item.possible
                             if len(p) == 2 and _valid(reference, gene, tuple(p))]
            if item.possible_truncated or len(options[gene]) < len(item.possible) or not options[gene]:
                incomplete.add(gene)
        sizes = [len(o) for o in options.values() if o]
        joint = _product(sizes) <= MAX_WORLDS
        worlds: list[tuple[dict[str, GeneInput], list[GeneInput]]] = []
        if joint:
            genes = [g for g in options if options[g]]
            for choice in product(*(options[g] for g in genes)):
                picked = dict(zip(genes, choice, strict=True))
                worlds.append((picked, fixed + list(choice)))
        else:
            for gene, choices in options.items():
                for choice in choices:
                    worlds.append(({gene: choice}, [*fixed, choice]))
        if not worlds:
            worlds.append(({}, fixed))
        plans.append((uncertain, incomplete, joint, len(batch), len(worlds), worlds))
        batch += [world for _, world in worlds]
        numbers += [number] * len(worlds)
    reports = evaluate(reference, batch, numbers if indexed else False)
    out = []
    for uncertain, incomplete, joint, start, count, worlds in plans:
        world_reports = reports[start:start + count]
        if not uncertain:
            out.append(world_reports[0])
            continue
        out.append(_merge(uncertain, incomplete, joint, worlds, world_reports, rank))
    return out


def _typed_options(reference: ReferenceData, item: GeneInput) -> None:
    """A call typed with "or" is read as strictly as any other input: each option must be a
    diplotype of alleles the data know (``CYP2C19 *1/*99 or *2/*99`` is the same error as
    ``CYP2C19 *1/*99``), never dropped as one possibility fewer."""
    for option in item.options:
        if not notation.separators(option):
            raise InvalidInput(f"{item.gene}: {option!r} in {item.value!r} is not a diplotype like '*1/*2'")
    vocabulary = reference.vocabulary
    gene = vocabulary.gene(item.gene)
    for pair in item.possible:
        for allele in pair:
            vocabulary.allele(gene, allele)


def _product(sizes: list[int]) -> int:
    total = 1
    for size in sizes:
        total *= size
    return total


def _merge(uncertain: dict[str, GeneInput], incomplete: set[str], joint: bool,
           worlds: list[tuple[dict[str, GeneInput], list[GeneInput]]], reports: list[dict],
           rank: Callable[[dict], tuple]) -> dict:
    by_drug: list[dict[str, dict]] = [{d["drug"]: d for d in r["drugs"]} for r in reports]
    drugs = sorted({name for r in by_drug for name in r})
    merged = []
    for drug in drugs:
        entries = [r.get(drug) for r in by_drug]
        genes = set().union(*({*e["genes"], *e.get("needs_results_for", [])} for e in entries if e))
        involved = sorted(genes & set(uncertain))
        if not involved:
            merged.append(next(e for e in entries if e))
            continue
        considered = [i for i, (picked, _) in enumerate(worlds) if joint or set(picked) <= set(involved)]
        if not joint and len(involved) > 1:
            merged.append(_needs(drug, entries, involved, uncertain, "its verdict depends on several uncertain "
                                 "calls at once, too many combinations to try"))
            continue
        verdicts: dict[str, list[str]] = {}
        for i in considered:
            entry = entries[i]
            verdict = entry["category"] if entry else "no matching recommendation"
            shown = " + ".join(f"{g} {worlds[i][0][g].value}" for g in involved if g in worlds[i][0])
            verdicts.setdefault(verdict, []).append(shown)
        lost = sorted(set(involved) & incomplete)
        if len(verdicts) == 1 and not lost:
            entry = next((entries[i] for i in considered if entries[i]), None)
            if entry is None:
                continue
            entry = dict(entry)
            entry["uncertainty"] = (f"the same for every possible {', '.join(involved)} diplotype "
                                    f"({'; '.join(next(iter(verdicts.values()))[:8])}); "
                                    + "; ".join(f"{g}: {uncertain[g].pending}" for g in involved)
                                    + " would confirm the call")
            merged.append(entry)
            continue
        why = "; ".join(f"{verdict} if {', '.join(worlds_[:4])}{' ...' if len(worlds_) > 4 else ''}"
                        for verdict, worlds_ in verdicts.items())
        if lost:
            why += ("; " if why else "") + f"{', '.join(lost)}: more diplotypes are possible than could be tried"
        merged.append(_needs(drug, entries, involved, uncertain, why))
    merged.sort(key=rank)
    genotype = [g for g in reports[0]["genotype"] if g["gene"] not in uncertain]
    for gene, item in uncertain.items():
        possible = [" / ".join(p) for p in item.possible]
        genotype.append({
            "gene": gene, "input": f"{gene} {item.value}", "kind": "uncertain", "determined": False,
            "conditions": [], "path": [f"possible: {', '.join(possible[:20])}"
                                       + (" and more" if item.possible_truncated or len(possible) > 20 else "")],
            "reason": f"uncertain call: {item.pending} would settle it",
        })
    return {"genotype": genotype, "drugs": merged, "data": reports[0].get("data", [])}


def _needs(drug: str, entries: list[dict | None], involved: list[str], uncertain: dict[str, GeneInput],
           why: str) -> dict[str, Any]:
    present = [e for e in entries if e]
    genes = sorted(set().union(*(e["genes"] for e in present)) | set(involved))
    return {
        "drug": drug, "category": "needs_result", "genes": genes, "recommendations": [],
        "needs_results_for": involved, "levels": present[0].get("levels", []) if present else [],
        "alternatives": [],
        "uncertainty": f"uncertain {', '.join(involved)} call: {why}; "
                       + "; ".join(f"{g}: {uncertain[g].pending} would settle it" for g in involved),
    }
