"""A build is a function of its input: the same data gives the same graph in any process, and a
build of every source over an older graph gives exactly what a build into a fresh store gives."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher
from pgxkg.graph.fingerprint import canonical_lines
from pgxkg.graph.schema_ops import apply_schema
from pgxkg.loaders.collect import Collection
from pgxkg.loaders.prune import prune, prune_sources
from pgxkg.loaders.records import EdgeRecord, NodeRecord
from pgxkg.loaders.writer import write_collection
from tests.conftest import wipe

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").exists())

# Parse every real source and print a digest of the collection the writer would get: every
# node and edge with its properties and its sources, lists in their order. A set anywhere
# would show as its repr, whose order depends on the string hash seed.
COLLECTION_DIGEST = """
import hashlib, json
from pgxkg.loaders.build import collect, fetch_all
from pgxkg.loaders.records import RowProblems
from pgxkg.settings import Settings
collection, steps = collect(fetch_all(Settings.from_env()), RowProblems())
digest = hashlib.sha256()
for kind, entries in (("node", collection.nodes), ("edge", collection.edges)):
    for key, entry in sorted(entries.items()):
        line = json.dumps([kind, key, entry.props, entry.sources], sort_keys=True, default=repr)
        digest.update(line.encode() + b"\\n")
print(len(collection.nodes), len(collection.edges), json.dumps(steps, sort_keys=True), digest.hexdigest())
"""


def test_the_real_sources_collect_to_the_same_records_under_any_hash_seed() -> None:
    """Two processes with different PYTHONHASHSEED (set and dict-of-set order differ) must agree
    on every record, every winning property and every list order, resolution steps included."""
    runs = [subprocess.Popen([sys.executable, "-c", COLLECTION_DIGEST], cwd=ROOT, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env={**os.environ, "PYTHONHASHSEED": seed})
            for seed in ("1", "2")]
    outputs = []
    for run in runs:
        out, err = run.communicate(timeout=600)
        assert run.returncode == 0, err[-2000:]
        outputs.append(out.split())
    nodes, edges = int(outputs[0][0]), int(outputs[0][1])
    assert nodes > 90_000 and edges > 500_000  # the real sources, not an empty parse
    assert outputs[0] == outputs[1]


def source_node(graph: Graph, source_id: str) -> None:
    name, version = source_id.split("@")
    graph.write(read_cypher("pgxkg.loaders", "upsert_source"), id=source_id,
                props={"name": name, "version": version, "complete": True})


def load_every_source(graph: Graph, collection: Collection, source_id: str) -> None:
    """What `pgxkg build` does after parsing, when it loads every source (here: the one source)."""
    source_node(graph, source_id)
    write_collection(graph, collection, batch_size=2, every_source=True)
    prune(graph, collection, [source_id.split("@")[0]], every_source=True)
    prune_sources(graph, [source_id])


def release(source_id: str, withdrawn: bool) -> Collection:
    """Two releases of one source: the later one drops a property of a gene, a property of
    a relationship, an allele, and moves every record to its own version."""
    collection = Collection()
    gene = {"name": "cytochrome P450 2C19", "chromosome": "chr10"}
    if not withdrawn:
        gene["note"] = "provisional"
    records = [
        NodeRecord("Gene", "CYP2C19", gene),
        NodeRecord("Allele", "CYP2C19*2", {"function": "No function"}),
        EdgeRecord("HAS_ALLELE", ("Gene", "CYP2C19"), ("Allele", "CYP2C19*2"),
                   {} if withdrawn else {"evidence": "limited"}),
    ]
    if not withdrawn:
        records.append(EdgeRecord("HAS_ALLELE", ("Gene", "CYP2C19"), ("Allele", "CYP2C19*99")))
    for record in records:
        collection.add(record, source_id)
    collection.close_dangling()
    return collection


def test_a_build_of_every_source_over_an_older_graph_equals_a_fresh_build(empty_graph: Graph) -> None:
    """MERGE over what an earlier release wrote must end where CREATE into an empty store ends:
    no property, source version or Source node of the earlier release left behind."""
    load_every_source(empty_graph, release("demo@1", withdrawn=False), "demo@1")
    load_every_source(empty_graph, release("demo@2", withdrawn=True), "demo@2")
    upgraded = canonical_lines(empty_graph)

    wipe(empty_graph)
    apply_schema(empty_graph)
    load_every_source(empty_graph, release("demo@2", withdrawn=True), "demo@2")
    fresh = canonical_lines(empty_graph)

    assert [line for line in upgraded[0] if line not in fresh[0]] == []
    assert [line for line in upgraded[1] if line not in fresh[1]] == []
    assert upgraded == fresh
    gene = empty_graph.read("MATCH (g:Gene {symbol: 'CYP2C19'}) RETURN g {.*} AS g")[0]["g"]
    assert "note" not in gene and gene["sources"] == ["demo@2"]


def test_a_build_of_some_sources_replaces_their_version_and_keeps_the_rest(empty_graph: Graph) -> None:
    """A subset build only adds and updates, but a source it reloads is cited in its new version
    only, and what other sources said stays."""
    both = Collection()
    both.add(NodeRecord("Gene", "CYP2C19", {"name": "cytochrome P450 2C19"}), "demo@1")
    both.add(NodeRecord("Gene", "CYP2C19", {"chromosome": "chr10"}), "other@1")
    write_collection(empty_graph, both)
    upgrade = Collection()
    upgrade.add(NodeRecord("Gene", "CYP2C19", {"name": "cytochrome P450 family 2 subfamily C member 19"}),
                "demo@2")
    write_collection(empty_graph, upgrade)
    gene = empty_graph.read("MATCH (g:Gene {symbol: 'CYP2C19'}) RETURN g {.*} AS g")[0]["g"]
    assert gene["sources"] == ["other@1", "demo@2"]
    assert gene["chromosome"] == "chr10" and gene["name"].startswith("cytochrome P450 family 2")
