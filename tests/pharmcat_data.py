"""PharmCAT's real definition files (../shared/data) as in-memory calling definitions, no database.

The rows are built from the adapter's records the way ``allele_definitions.cypher`` reads them from
the graph, so matcher tests run on the real definitions without a build; the database tests check
the graph gives the same rows.
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import cache
from pathlib import Path

from pgxkg.calling.definitions import Definitions, gene_definition
from pgxkg.loaders.collect import Collection
from pgxkg.loaders.pharmcat import SOURCE, PharmcatAdapter
from pgxkg.loaders.records import RowProblems
from tests.paths import SHARED_DATA

PHARMCAT_DIR = SHARED_DATA / "official-formats" / "pharmcat"
SUITE = SHARED_DATA / "pharmcat-suite-sample"


@cache
def fetched_paths(cache_dir: str) -> dict[str, Path]:
    return PharmcatAdapter().fetch(Path(cache_dir), from_path=PHARMCAT_DIR).paths


@cache
def definitions(cache_dir: str) -> Definitions:
    collection = Collection()
    for record in PharmcatAdapter().records(fetched_paths(cache_dir), RowProblems(strict=True)):
        collection.add(record, SOURCE.id)
    nodes = collection.nodes
    alleles_of: dict[str, list[str]] = defaultdict(list)
    defs_of: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for (rel, start, end), entry in collection.edges.items():
        if rel == "HAS_ALLELE" and start[0] == "Gene":
            alleles_of[start[1]].append(end[1])
        elif rel == "DEFINED_BY":
            defs_of[start[1]].append((end[1], entry.props))
    rows = []
    for (label, key), entry in nodes.items():
        gene = entry.props
        if label != "Gene" or gene.get("allele_definition_source") != "PharmCAT":
            continue
        alleles = []
        for allele_key in alleles_of[key]:
            allele = nodes[("Allele", allele_key)].props
            defs = []
            for variant_key, props in defs_of[allele_key]:
                v = nodes[("Variant", variant_key)].props
                defs.append({"variant": variant_key, "rsid": v.get("rsid"), "chrom": v["chrom"],
                             "pos": v["pos_grch38"], "ref": v["ref"], "alt": v["alt"], "hgvs": v.get("hgvs"),
                             "base": props["alt"], "core": props.get("core")})
            alleles.append({"name": allele["name"], "sv": allele.get("structural_variant"),
                            "function": allele.get("function"), "activity_value": allele.get("activity_value"),
                            "reference": allele.get("reference"), "score": allele.get("definition_score"),
                            "reported_as": allele.get("reported_as"), "ignored": allele.get("matcher_ignored"),
                            "defs": defs})
        rows.append({"gene": key, "source": "PharmCAT", "version": gene.get("allele_definition_version"),
                     "date": gene.get("allele_definition_date"),
                     "pharmcat_reference": gene.get("definition_reference_allele"),
                     "required_positions": gene.get("matcher_required_positions"),
                     "ignored_positions": gene.get("matcher_ignored_positions"),
                     "priority_sets": gene.get("matcher_priority_sets"),
                     "priority_picks": gene.get("matcher_priority_picks"), "alleles": alleles})
    return Definitions({row["gene"]: gene_definition(row) for row in rows})


def nam_cases() -> list[dict]:
    return json.loads((SUITE / "nam_cases.json").read_text())


@cache
def allele_synonyms(cache_dir: str) -> dict[tuple[str, str], tuple[str, ...]]:
    """(gene, allele) -> the allele's other names, as the adapter records them on Allele nodes."""
    out = {}
    for record in PharmcatAdapter().records(fetched_paths(cache_dir), RowProblems(strict=True)):
        if getattr(record, "label", None) == "Allele" and record.props.get("synonyms"):
            out[(record.props["gene"], record.props["name"])] = tuple(record.props["synonyms"])
    return out
