"""Official sources in a build, on the real Neo4j: they supersede the pinned snapshot's facts of the
kinds they provide, the graph follows when one is added or removed, and a damaged file stops the
build with file and line, the graph untouched. Small builds (``--source``) keep this quick."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pgxkg.errors import PgxkgError
from pgxkg.graph.connection import Graph
from pgxkg.graph.fingerprint import fingerprint
from pgxkg.loaders import registry
from pgxkg.loaders.build import build
from pgxkg.loaders.official import fetch_official, forget_source
from pgxkg.loaders.records import SourceFileError
from pgxkg.settings import Settings
from tests.official_data import SOURCES, session_cache

CLOPIDOGREL_PM_2022 = "CPIC:clopidogrel:phenotype:CYP2C19:Poor Metabolizer"


@pytest.fixture()
def cache_settings(settings: Settings, tmp_path: Path) -> Settings:
    """The session's settings with a cache of their own (the pinned archives linked in, nothing official)."""
    return settings.model_copy(update={"cache": session_cache(tmp_path / "cache")})


def recommendations(graph: Graph, drug: str) -> dict[str, list[str]]:
    rows = graph.read("MATCH (r:Recommendation {drug: $drug}) RETURN r.id AS id, r.sources AS sources", drug=drug)
    return {row["id"]: sorted(s.split("@")[0] for s in row["sources"]) for row in rows}


def test_an_official_source_supersedes_pinned_facts_and_leaves_when_removed(
        empty_graph: Graph, cache_settings: Settings) -> None:
    fetch_official(registry.adapter("cpic-api"), cache_settings.cache, from_path=SOURCES["cpic-api"][0],
                   date="2026-08-13")

    pinned = build(empty_graph, cache_settings, ["cpic-tables"], pinned_only=True)
    assert [d.source for d in pinned.data] == ["cpic-tables@pypgx-0.27.0"] and pinned.data[0].skipped == []
    assert recommendations(empty_graph, "clopidogrel")[CLOPIDOGREL_PM_2022] == ["cpic-tables"]
    f5 = empty_graph.read("MATCH (r:Recommendation)-[:WHEN]->(:Phenotype {gene: 'F5'}) "
                          "RETURN collect(DISTINCT r.source) AS s")[0]["s"]
    assert f5 == ["DPWG"]  # pypgx's F5 rows are DPWG's text, not CPIC's

    added = build(empty_graph, cache_settings, ["cpic-tables", "cpic-api"])
    skipped = next(d for d in added.data if d.source == "cpic-tables@pypgx-0.27.0").skipped
    assert {"recommendations/CPIC", "guidelines/CPIC", "gene_drug_pairs", "drugs"} <= set(skipped)
    assert added.pruned["nodes"] > 300  # the 2022 CPIC rules no current row has, and their guidelines
    clopidogrel = recommendations(empty_graph, "clopidogrel")
    assert CLOPIDOGREL_PM_2022 not in clopidogrel  # CPIC's rows are per indication now: one rule each
    assert {key.split("@")[1] for key in clopidogrel if key.startswith(CLOPIDOGREL_PM_2022 + "@")} == {
        "CVI ACS PCI", "CVI non-ACS non-PCI", "NVI"}
    assert all(sources == ["cpic-api"] for sources in clopidogrel.values())
    stale = empty_graph.read("MATCH (r:Recommendation {source: 'CPIC'}) "
                             "WHERE any(s IN r.sources WHERE s STARTS WITH 'cpic-tables') RETURN count(r) AS n")
    assert stale[0]["n"] == 0
    assert empty_graph.read("MATCH (r:Recommendation {source: 'DPWG'})-[:WHEN]->(:Phenotype {gene: 'F5'}) "
                            "RETURN count(r) AS n")[0]["n"] == 2  # no official source gives them: kept
    level = empty_graph.read("MATCH (:Gene {symbol: 'CYP2C19'})-[i:INTERACTS_WITH]->(:Drug {id: 'clopidogrel'}) "
                             "RETURN i.sources AS sources, i.pharmgkb_level AS level")[0]
    assert level == {"sources": ["cpic-api@v1"], "level": "1A"}
    assert build(empty_graph, cache_settings, ["cpic-tables", "cpic-api"]).unchanged

    assert forget_source(cache_settings.cache, registry.adapter("cpic-api").source)
    removed = build(empty_graph, cache_settings, ["cpic-tables"])
    assert removed.dropped == ["cpic-api@v1"]
    assert empty_graph.read("MATCH (s:Source) RETURN collect(s.id) AS ids")[0]["ids"] == ["cpic-tables@pypgx-0.27.0"]
    assert recommendations(empty_graph, "clopidogrel")[CLOPIDOGREL_PM_2022] == ["cpic-tables"]
    assert empty_graph.read("MATCH (n) WHERE any(s IN n.sources WHERE s STARTS WITH 'cpic-api') "
                            "RETURN count(n) AS n")[0]["n"] == 0


def test_naming_an_official_source_that_was_not_fetched_says_how(empty_graph: Graph,
                                                                cache_settings: Settings) -> None:
    with pytest.raises(PgxkgError, match=r"dpwg is an official source and has not been fetched") as raised:
        build(empty_graph, cache_settings, ["dpwg"])
    assert "pgxkg fetch dpwg --upstream" in (raised.value.hint or "")


def test_a_damaged_official_file_stops_the_build_with_file_and_line(empty_graph: Graph, cache_settings: Settings,
                                                                   tmp_path: Path) -> None:
    folder = tmp_path / "summaryAnnotations"
    shutil.copytree(SOURCES["clinpgx-annotations"][0] / "summaryAnnotations", folder)
    table = folder / "summary_annotations.tsv"
    text = table.read_text()
    table.write_text(text[: text.index("\n", len(text) // 2) + 40])  # cut mid-line, as a broken download
    fetch_official(registry.adapter("clinpgx-annotations"), cache_settings.cache, from_path=folder)
    before = fingerprint(empty_graph)
    with pytest.raises(SourceFileError, match=r"summary_annotations\.tsv:\d+: \d+ fields, expected 15"):
        build(empty_graph, cache_settings, ["clinpgx-annotations"], strict=True)
    assert fingerprint(empty_graph) == before
    lenient = build(empty_graph, cache_settings, ["clinpgx-annotations"])  # without --strict: reported, skipped
    first, *rest = lenient.problems  # the cut line, then the genotypes of the annotations it lost
    assert "fields, expected 15" in first.reason
    assert rest and all(p.reason.endswith("is not in the annotations file") for p in rest)
    assert empty_graph.read("MATCH (c:ClinicalAnnotation) RETURN count(c) AS n")[0]["n"] > 5000
