"""Fetch cache, the batched writer, the build lock: on small inputs, against the real Neo4j."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pgxkg.graph.connection import Graph
from pgxkg.graph.fingerprint import fingerprint
from pgxkg.loaders import fetch as fetch_module
from pgxkg.loaders.collect import Collection
from pgxkg.loaders.fetch import fetch
from pgxkg.loaders.lock import BuildLocked, build_lock
from pgxkg.loaders.records import EdgeRecord, NodeRecord, SourceFileError, SourceInfo
from pgxkg.loaders.writer import batch_work, edge_groups, edge_queries, write_collection


def make_wheel(tmp_path: Path, payload: bytes = b"Gene,Function\nCYP2C19,x\n") -> SourceInfo:
    archive = tmp_path / "demo-1.0-py3-none-any.whl"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("demo/data/table.csv", payload)
        zipped.writestr("demo/__init__.py", "")
    return SourceInfo(
        name="demo", version="1.0", package="demo", package_version="1.0",
        filename=archive.name, sha256=hashlib.sha256(archive.read_bytes()).hexdigest(),
        license="MIT", url="file://demo", members=("demo/data/table.csv",),
    )


def test_fetch_from_a_local_archive_checks_sha_and_extracts_only_members(tmp_path: Path) -> None:
    info = make_wheel(tmp_path)
    cache = tmp_path / "cache"
    fetched = fetch(info, cache, from_path=tmp_path / info.filename)
    assert fetched.paths["demo/data/table.csv"].read_text().startswith("Gene,Function")
    assert not (fetch_module.source_dir(cache, info) / "files" / "demo" / "__init__.py").exists()
    manifest = (cache / "sources" / "manifest.json").read_text()
    assert info.sha256 in manifest and "local:" in manifest


def test_fetch_refuses_an_archive_whose_checksum_differs(tmp_path: Path) -> None:
    info = dataclasses.replace(make_wheel(tmp_path), sha256="0" * 64)
    with pytest.raises(SourceFileError, match="does not match the pinned"):
        fetch(info, tmp_path / "cache", from_path=tmp_path / info.filename)


def test_a_corrupted_cache_entry_is_fetched_again(tmp_path: Path) -> None:
    info = make_wheel(tmp_path)
    cache = tmp_path / "cache"
    first = fetch(info, cache, from_path=tmp_path / info.filename)
    (fetch_module.source_dir(cache, info) / info.filename).write_bytes(
        (tmp_path / info.filename).read_bytes())  # the kept archive, as a real fetch leaves it
    first.paths["demo/data/table.csv"].write_text("garbage")
    assert fetch_module.cached(cache, info) is None
    again = fetch(info, cache)  # re-extracted from the kept, verified archive; no network
    assert again.paths["demo/data/table.csv"].read_text().startswith("Gene,Function")


def test_fetch_refuses_a_member_that_expands_past_the_cap(tmp_path: Path, monkeypatch) -> None:
    info = make_wheel(tmp_path, payload=b"A" * 4096)
    monkeypatch.setattr(fetch_module, "MAX_MEMBER_BYTES", 1024)
    with pytest.raises(SourceFileError, match=r"larger than|expands past"):
        fetch(info, tmp_path / "cache", from_path=tmp_path / info.filename)


def test_fetch_adopts_a_folder_of_plain_data_files(tmp_path: Path) -> None:
    info = make_wheel(tmp_path)
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "table.csv").write_text("Gene,Function\nTPMT,y\n")
    fetched = fetch(info, tmp_path / "cache", from_path=folder)
    assert "TPMT" in fetched.paths["demo/data/table.csv"].read_text()
    assert fetched.entry.origin == f"local:{folder}"


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
