"""The real build from the real fetched sources: known facts, provenance, safe reloads."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pgxkg.graph.connection import Graph
from pgxkg.graph.counts import graph_counts
from pgxkg.graph.fingerprint import canonical_lines, fingerprint
from pgxkg.loaders import registry
from pgxkg.loaders.build import build
from pgxkg.loaders.fetch import fetch
from pgxkg.loaders.records import SourceFileError
from pgxkg.settings import Settings
from tests.readme import readme_says


def one(graph: Graph, query: str, **params: object) -> dict:
    rows = graph.read(query, **params)
    assert len(rows) == 1, rows
    return rows[0]


def test_cyp2c19_star2_is_no_function_defined_by_rs4244285(loaded_graph: Graph) -> None:
    row = one(loaded_graph, "MATCH (g:Gene {symbol: 'CYP2C19'})-[:HAS_ALLELE]->(a:Allele {id: 'CYP2C19*2'})"
                            "-[:DEFINED_BY]->(v:Variant {id: 'rs4244285'}) RETURN a.function AS f")
    assert row["f"].lower() == "no function"


def test_cyp2c19_clopidogrel_is_cpic_level_a(loaded_graph: Graph) -> None:
    row = one(loaded_graph, "MATCH (:Gene {symbol: 'CYP2C19'})-[i:INTERACTS_WITH]->(:Drug {id: 'clopidogrel'}) "
                            "RETURN i.cpic_level AS level, i.sources AS sources")
    assert row["level"] == "A"
    # the CPIC API's pair supersedes the pinned table's 2022 copy (see tests/test_official_build.py)
    assert any(s.startswith("cpic-api@") for s in row["sources"])
    assert not any(s.startswith("cpic-tables@") for s in row["sources"])


def test_hla_b_5701_abacavir_has_a_guideline(loaded_graph: Graph) -> None:
    rows = loaded_graph.read(
        "MATCH (g:Guideline)-[:RECOMMENDS]->(r:Recommendation)-[w:WHEN]->(a:Allele {id: 'HLA-B*57:01'}), "
        "(r)-[:FOR_DRUG]->(:Drug {id: 'abacavir'}) WHERE w.kind = 'positive' "
        "RETURN g.source AS source, r.category AS category")
    assert {"CPIC", "DPWG"} <= {r["source"] for r in rows}
    assert {r["category"] for r in rows} == {"avoid"}


def test_cyp2d6_has_more_than_100_alleles(loaded_graph: Graph) -> None:
    assert one(loaded_graph, "MATCH (:Gene {symbol: 'CYP2D6'})-[:HAS_ALLELE]->(a) RETURN count(a) AS n")["n"] > 100


def test_level_1a_annotation_links_cftr_ivacaftor_cystic_fibrosis(loaded_graph: Graph) -> None:
    rows = loaded_graph.read(
        "MATCH (ca:ClinicalAnnotation {level: '1A'})-[:ABOUT]->(:Gene {symbol: 'CFTR'}), "
        "(ca)-[:FOR_DRUG]->(:Drug {id: 'ivacaftor'}), (ca)-[:FOR_DISEASE]->(d:Disease) "
        "WHERE toLower(d.name) = 'cystic fibrosis' RETURN ca.id AS id, d.id AS disease LIMIT 5")
    assert rows
    # PharmGKB's disease name was resolved onto HPO's OMIM id for cystic fibrosis
    assert rows[0]["disease"].startswith("OMIM:")


def test_brca1_is_associated_with_breast_ovarian_cancer(loaded_graph: Graph) -> None:
    rows = loaded_graph.read(
        "MATCH (:Gene {symbol: 'BRCA1'})-[:ASSOCIATED_WITH]->(d:Disease) "
        "WHERE toLower(d.name) CONTAINS 'breast-ovarian cancer' RETURN d.id AS id")
    assert "OMIM:604370" in {r["id"] for r in rows}


def test_every_node_and_relationship_has_provenance(loaded_graph: Graph) -> None:
    sources = {r["id"]: r for r in loaded_graph.read("MATCH (s:Source) RETURN s.id AS id, s.license AS "
                                                      "license, s.sha256 AS sha, s.complete AS complete")}
    assert set(sources) == {a.source.id for a in registry.selected(None)}
    assert all(s["complete"] and s["license"] and len(s["sha"]) == 64 for s in sources.values())
    bare_nodes = one(loaded_graph, "MATCH (n) WHERE NOT n:Source AND (n.sources IS NULL OR size(n.sources) = 0)"
                                   " RETURN count(n) AS n")["n"]
    bare_rels = one(loaded_graph, "MATCH ()-[r]->() WHERE r.sources IS NULL OR size(r.sources) = 0 "
                                  "RETURN count(r) AS n")["n"]
    assert bare_nodes == 0 and bare_rels == 0
    unknown = one(loaded_graph, "MATCH (n) WHERE NOT n:Source UNWIND n.sources AS s WITH DISTINCT s "
                                "WHERE NOT EXISTS { MATCH (:Source {id: s}) } RETURN collect(s) AS s")["s"]
    assert unknown == []


def test_build_summary_matches_the_graph(loaded_graph: Graph, built_report) -> None:
    if built_report.unchanged:
        pytest.skip("NEO4J_URI already held this build, so this session wrote nothing to compare")
    counts = graph_counts(loaded_graph)
    for label, written in built_report.written.nodes.items():
        assert counts["nodes"][label] == written
    assert built_report.written.relationship_total == sum(counts["relationships"].values())
    assert built_report.written.relationship_total > 400_000


def test_graph_size_is_what_the_readme_quotes(loaded_graph: Graph) -> None:
    counts = graph_counts(loaded_graph)
    nodes, relationships = sum(counts["nodes"].values()), sum(counts["relationships"].values())
    readme_says(f"full build from the cached sources ({nodes:,} nodes, {relationships:,} relationships)",
                f"for the full graph ({nodes:,} nodes, {relationships:,} relationships")


def test_stats_cli_prints_counts_as_json(loaded_graph: Graph) -> None:
    result = subprocess.run([sys.executable, "-m", "pgxkg.cli", "stats", "--format", "json"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert {"nodes": printed["nodes"], "relationships": printed["relationships"]} == graph_counts(loaded_graph)
    assert {s["name"] for s in printed["sources"] if s["complete"]} >= {"cpic-tables", "hpo", "pharmgkb-annotations"}


def assert_same_graph(graph: Graph, before: tuple[list[str], list[str]]) -> None:
    nodes, rels = canonical_lines(graph)
    gone, new = sorted(set(before[0]) - set(nodes)), sorted(set(nodes) - set(before[0]))
    assert (gone, new) == ([], []), "nodes differ"
    gone, new = sorted(set(before[1]) - set(rels)), sorted(set(rels) - set(before[1]))
    assert (gone[:5], new[:5]) == ([], []), "relationships differ"
    assert (len(nodes), len(rels)) == (len(before[0]), len(before[1]))


def test_an_unchanged_rebuild_is_a_no_op_and_a_forced_one_converges(loaded_graph: Graph,
                                                                      settings: Settings) -> None:
    before = canonical_lines(loaded_graph)
    assert build(loaded_graph, settings).unchanged
    forced = build(loaded_graph, settings, force=True)
    assert not forced.unchanged
    assert forced.pruned == {"nodes": 0, "relationships": 0}
    assert_same_graph(loaded_graph, before)


def test_a_killed_build_converges_when_run_again(loaded_graph: Graph, settings: Settings) -> None:
    """SIGKILL a forced build while it writes; the re-run restores exactly the same graph."""
    before = canonical_lines(loaded_graph)
    process = subprocess.Popen([sys.executable, "-m", "pgxkg.cli", "build", "--force", "--quiet"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until it holds the lock, i.e. is writing
        if loaded_graph.read("MATCH (l:BuildLock) RETURN count(l) AS n")[0]["n"]:
            break
        time.sleep(0.2)
    time.sleep(3)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    incomplete = loaded_graph.read("MATCH (s:Source) WHERE NOT s.complete RETURN s.id AS id")
    assert incomplete, "the build was killed before it marked its sources complete"
    report = build(loaded_graph, settings)  # the stale lock of the dead process is taken over
    assert not report.unchanged
    assert_same_graph(loaded_graph, before)


def copy_source_files(settings: Settings, name: str, folder: Path) -> None:
    source = fetch(registry.adapter(name).source, settings.cache)
    folder.mkdir()
    for member, path in source.paths.items():
        shutil.copyfile(path, folder / Path(member).name)


def test_a_truncated_source_stops_a_strict_build_with_file_and_line(
        empty_graph: Graph, settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "cpic"
    copy_source_files(settings, "cpic-tables", folder)
    table = folder / "allele-table.csv"
    text = table.read_text()
    table.write_text(text[: len(text) // 2])  # cut mid-row
    cache_settings = settings.model_copy(update={"cache": tmp_path / "cache"})
    fetch(registry.adapter("cpic-tables").source, cache_settings.cache, from_path=folder)
    before = fingerprint(empty_graph)
    with pytest.raises(SourceFileError, match=r"allele-table\.csv:\d+"):
        build(empty_graph, cache_settings, ["cpic-tables"], strict=True)
    assert fingerprint(empty_graph) == before  # nothing was written

    report = build(empty_graph, cache_settings, ["cpic-tables"], strict=False)
    assert report.problems and all("allele-table.csv" in p.path for p in report.problems)
    assert empty_graph.read("MATCH (a:Allele {id: 'CYP2C19*2'}) RETURN count(a) AS n")[0]["n"] in (0, 1)
    assert empty_graph.read("MATCH (r:Recommendation) RETURN count(r) AS n")[0]["n"] > 500
