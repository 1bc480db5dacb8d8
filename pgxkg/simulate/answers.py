"""What the graph says, for the simulation: categories per genotype and drug, the genes that
matter, and the data behind them.

``categories_for`` is the one place the simulation calls pgxkg's risk layer
(``pgxkg.queries.risk.risk_reports``); the rest of the package sees only its
``GenotypeAnswer`` records, so a change in the risk layer's shape touches this function alone.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from pgxkg.errors import InvalidInput
from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher
from pgxkg.graph.status import data_sources as loaded_sources
from pgxkg.queries.genotype_input import GeneInput
from pgxkg.queries.risk import risk_reports
from pgxkg.reference import ReferenceData
from pgxkg.vocab import Category

CATEGORIES: tuple[str, ...] = tuple(category.value for category in Category)
NO_RULE = "standard"  # a drug no rule fires for, for this genotype, is prescribed as usual
NOT_TESTED = "not tested"
BATCH = 500


@dataclass(frozen=True)
class GenotypeAnswer:
    """The risk answer for one genotype, reduced to what the simulation uses.

    ``categories``: drug -> category (one of CATEGORIES) for every drug asked about;
    ``no_rule``: the drugs no pharmacogenomic rule fired for (their category is NO_RULE);
    ``phenotypes``: gene -> the resolved phenotype (or the input, when the gene has none).
    """

    categories: dict[str, str]
    no_rule: frozenset[str]
    phenotypes: dict[str, str]


def categories_for(reference: ReferenceData, genotypes: Sequence[Sequence[GeneInput]],
                   drugs: Sequence[str]) -> list[GenotypeAnswer]:
    """Per genotype, the category pgxkg's risk answer gives each drug (one answer per genotype).

    Callers pass each distinct genotype once. A genotype with no items has no rule firing
    (every drug NO_RULE). Raises InvalidInput naming the genotype the vocabulary rejects.
    """
    answers: list[GenotypeAnswer | None] = [None] * len(genotypes)
    asked = [i for i, genotype in enumerate(genotypes) if genotype]
    for i in (i for i, genotype in enumerate(genotypes) if not genotype):
        answers[i] = GenotypeAnswer({d: NO_RULE for d in drugs}, frozenset(drugs), {})
    for start in range(0, len(asked), BATCH):
        chunk = asked[start:start + BATCH]
        try:
            reports = risk_reports(reference, [list(genotypes[i]) for i in chunk], indexed=False)
        except InvalidInput:
            for i in chunk:  # find and name the genotype that failed
                _one(reference, genotypes[i], i)
            raise
        for i, report in zip(chunk, reports, strict=True):
            given = {d["drug"]: d["category"] for d in report["drugs"] if d["drug"] in drugs}
            answers[i] = GenotypeAnswer(
                categories={d: given.get(d, NO_RULE) for d in drugs},
                no_rule=frozenset(d for d in drugs if d not in given),
                phenotypes={g["gene"]: g.get("phenotype") or g["input"] for g in report["genotype"]},
            )
    return [a for a in answers if a is not None]


def _one(reference: ReferenceData, genotype: Sequence[GeneInput], index: int) -> None:
    try:
        risk_reports(reference, [list(genotype)], indexed=False)
    except InvalidInput as error:
        described = "; ".join(item.describe() for item in genotype)
        raise InvalidInput(f"genotype {described!r}: {error.message}", error.suggestions) from None


def indication_genes(graph: Graph, drugs: Sequence[str]) -> dict[str, list[str]]:
    """drug -> the genes its recommendations test (empty: no rule for any genotype).

    Raises InvalidInput when the graph has no such drug, with near names as suggestions.
    """
    rows = graph.read(read_cypher("pgxkg.simulate", "indication_drugs"), drugs=list(drugs))
    missing = [row["name"] for row in rows if not row["found"]]
    if missing:
        names = [row["id"] for row in graph.read(read_cypher("pgxkg.simulate", "drug_names"))]
        near = sorted({m for name in missing for m in difflib.get_close_matches(name, names, n=3)})
        raise InvalidInput(f"the graph has no drug {', '.join(repr(m) for m in missing)} "
                           f"(drugs are lowercase generic names)", near)
    return {row["name"]: sorted(row["genes"]) for row in rows}


def data_sources(graph: Graph) -> list[dict]:
    """The loaded Source nodes (source, release, date, license, complete, loaded_at, url): the data
    the categories came from, as `pgxkg stats` lists them."""
    return [source.model_dump() for source in loaded_sources(graph)]
