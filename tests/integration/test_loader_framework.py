"""The batched writer and the build lock: on small inputs, against the real Neo4j."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pgxkg.graph.connection import Graph
from pgxkg.graph.fingerprint import fingerprint
from pgxkg.loaders.collect import Collection
from pgxkg.loaders.lock import BuildLocked, build_lock
from pgxkg.loaders.records import EdgeRecord, NodeRecord
from pgxkg.loaders.writer import batch_work, edge_groups, edge_queries, write_collection


def small_collection() -> Collection:
    collection = Collection()
    records = [
        NodeRecord("Gene", "CYP2C19", {"name": "cytochrome P450 2C19"}),
        NodeRecord("Allele", "CYP2C19*2", {"gene": "CYP2C19", "function": "No Function"}),
        EdgeRecord("HAS_ALLELE", ("Gene", "CYP2C19"), ("Allele", "CYP2C19*2")),
        EdgeRecord("DEFINED_BY", ("Allele", "CYP2C19*2"), ("Variant", "rs4244285"), {"alt": "A"}),
    ]
    for record in records:
        collection.add(record, "demo@1")
    collection.add(NodeRecord("Gene", "CYP2C19", {"chromosome": "chr10"}), "other@2")
    collection.close_dangling()
    return collection


def test_writer_is_idempotent_and_keeps_every_source(empty_graph: Graph) -> None:
    collection = small_collection()
    summary = write_collection(empty_graph, collection, batch_size=2)
    assert summary.nodes == {"Allele": 1, "Gene": 1, "Variant": 1}
    assert summary.relationships == {"HAS_ALLELE": 1, "DEFINED_BY": 1}
    before = fingerprint(empty_graph)
    write_collection(empty_graph, small_collection(), batch_size=3)
    assert fingerprint(empty_graph) == before
    gene = empty_graph.read("MATCH (g:Gene {symbol: 'CYP2C19'}) RETURN g {.*} AS g")[0]["g"]
    assert gene["sources"] == ["demo@1", "other@2"]
    assert gene["chromosome"] == "chr10" and gene["name"] == "cytochrome P450 2C19"
    edge = empty_graph.read("MATCH (:Allele)-[r:DEFINED_BY]->(v:Variant) RETURN r.alt AS alt, v.id AS v")
    assert edge == [{"alt": "A", "v": "rs4244285"}]  # the dangling endpoint became a node


def test_a_first_load_creates_and_a_reload_merges_to_the_same_graph(empty_graph: Graph) -> None:
    first = write_collection(empty_graph, small_collection(), batch_size=1)
    assert sorted(first.first_load_groups) == [
        "(Allele)-[DEFINED_BY]->(Variant)", "(Gene)-[HAS_ALLELE]->(Allele)", "Allele", "Gene", "Variant"]
    before = fingerprint(empty_graph)
    again = write_collection(empty_graph, small_collection(), batch_size=1)
    assert again.first_load_groups == []
    assert fingerprint(empty_graph) == before


def test_a_first_load_stopped_part_way_converges_without_duplicates(empty_graph: Graph) -> None:
    collection = small_collection()
    for allele in ("CYP2C19*3", "CYP2C19*17"):
        collection.add(EdgeRecord("HAS_ALLELE", ("Gene", "CYP2C19"), ("Allele", allele)), "demo@1")
    collection.close_dangling()

    def stop_after_the_first_relationship_batch(what: str, rows: int) -> None:
        if what == "HAS_ALLELE":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_collection(empty_graph, collection, batch_size=2, progress=stop_after_the_first_relationship_batch)
    assert count(empty_graph, "MATCH ()-[r:HAS_ALLELE]->() RETURN count(r) AS n") == 2
    summary = write_collection(empty_graph, collection, batch_size=2)
    assert "(Gene)-[HAS_ALLELE]->(Allele)" not in summary.first_load_groups  # half there: MERGE
    assert count(empty_graph, "MATCH ()-[r:HAS_ALLELE]->() RETURN count(r) AS n") == 3


def test_a_retried_first_load_batch_merges_so_a_lost_commit_is_not_doubled(empty_graph: Graph) -> None:
    collection = small_collection()
    write_collection(empty_graph, Collection(nodes=collection.nodes))
    queries = edge_queries("HAS_ALLELE", "Gene", "Allele")
    batch = edge_groups(collection)[("HAS_ALLELE", "Gene", "Allele")]
    work = batch_work(queries, batch, first_load=True)
    empty_graph.write_transaction(work)  # committed, as if its answer never reached us
    empty_graph.write_transaction(work)  # the driver's retry of the same work
    assert count(empty_graph, "MATCH ()-[r:HAS_ALLELE]->() RETURN count(r) AS n") == 1


def count(graph: Graph, query: str) -> int:
    return graph.read(query)[0]["n"]


def test_a_second_build_cannot_take_the_lock(empty_graph: Graph) -> None:
    with build_lock(empty_graph), pytest.raises(BuildLocked, match="another build"), \
            build_lock(empty_graph):
        pass
    with build_lock(empty_graph):  # released on exit, so it can be taken again
        assert empty_graph.read("MATCH (l:BuildLock) RETURN l.pid AS pid") == [{"pid": os.getpid()}]


def test_a_lock_left_by_a_dead_process_is_taken_over(empty_graph: Graph) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    import socket

    empty_graph.write("CREATE (:BuildLock {id: 'build', host: $h, pid: $p, started_at: 0})",
                      h=socket.gethostname(), p=int(dead))
    with build_lock(empty_graph):
        assert empty_graph.read("MATCH (l:BuildLock) RETURN l.pid AS pid") == [{"pid": os.getpid()}]
    assert empty_graph.read("MATCH (l:BuildLock) RETURN count(l) AS n") == [{"n": 0}]
