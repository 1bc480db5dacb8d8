"""The running API's reference data is replaced as a whole after a build.

A real API process answers /risk and /risk/vcf from the CPIC tables; the tables are
changed (a recommendation text and an allele definition), the API rebuilds through
``POST /admin/build``, and the very next answers show both changes: no restart, no
stale vocabulary, rules, texts or allele definitions.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import httpx

from pgxkg.graph.connection import Graph
from pgxkg.loaders.build import build
from pgxkg.loaders.cpic import CpicAdapter
from pgxkg.loaders.fetch import fetch
from pgxkg.settings import Settings
from tests.api_server import running_api

ADMIN_KEY = "rebuild-test-key"
MARKER = "[rebuilt in the test]"
# CYP2C19 *2 is rs12769205 (chr10:94775367 A>G) plus rs4244285 (chr10:94781859 G>A) in the CPIC tables.
VCF = "\n".join([
    "##fileformat=VCFv4.2",
    "##contig=<ID=chr10,length=133797422>",
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS",
    "chr10\t94775367\trs12769205\tA\tG\t.\tPASS\t.\tGT\t0/0",
    "chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1",
]) + "\n"


def cpic_files(settings: Settings, folder: Path) -> Path:
    """The pinned CPIC tables copied into ``folder`` as plain data files (what `fetch --from` takes)."""
    fetched = fetch(CpicAdapter.source, settings.cache)
    folder.mkdir(parents=True)
    for path in fetched.paths.values():
        shutil.copyfile(path, folder / path.name)
    return folder


def edit_rows(path: Path, change) -> None:
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    with path.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([change(row) for row in rows])


def changed(folder: Path) -> None:
    """Clopidogrel's poor-metabolizer text gets a marker; CYP2C19*2 is defined by rs4244285 alone."""
    edit_rows(folder / "recommendation-table.csv", lambda row: [
        *row[:-1], f"{row[-1]} {MARKER}"] if row[:3] == ["clopidogrel", "CYP2C19", "Poor Metabolizer"] else row)
    edit_rows(folder / "allele-table.csv", lambda row: [
        *row[:6], "10-94781859-G-A", *row[7:]] if row[:2] == ["CYP2C19", "*2"] else row)


def clopidogrel_texts(client: httpx.Client) -> list[str]:
    answer = client.post("/risk", json={"CYP2C19": "*2/*2"})
    assert answer.status_code == 200, answer.text
    [drug] = [d for d in answer.json()["drugs"] if d["drug"] == "clopidogrel"]
    return [r["text"] for r in drug["recommendations"]]


def cyp2c19_candidates(client: httpx.Client) -> set[str]:
    answer = client.post("/risk/vcf", files={"vcf": ("s.vcf", VCF.encode())})
    assert answer.status_code == 200, answer.text
    [gene] = [g for g in answer.json()[0]["calls"]["genes"] if g["gene"] == "CYP2C19"]
    return {allele for c in gene["candidates"] for allele in c["diplotype"].split("/")}


def test_a_rebuild_through_the_api_replaces_every_cached_answer_part(
        empty_graph: Graph, settings: Settings, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    scratch = Settings.of(**{**settings.model_dump(), "cache": cache})
    fetch(CpicAdapter.source, cache, from_path=cpic_files(settings, tmp_path / "v1"))
    build(empty_graph, scratch, ["cpic-tables"])
    env = {"PGXKG_CACHE": str(cache), "PGXKG_ADMIN_API_KEY": ADMIN_KEY}
    with running_api(env, tmp_path / "uvicorn.log") as base, httpx.Client(base_url=base, timeout=120) as client:
        assert not any(MARKER in text for text in clopidogrel_texts(client))
        assert "*2" not in cyp2c19_candidates(client)  # rs12769205 is read as reference, so *2 cannot fit

        v2 = cpic_files(settings, tmp_path / "v2")
        changed(v2)
        fetch(CpicAdapter.source, cache, from_path=v2)
        rebuilt = client.post("/admin/build", params={"source": "cpic-tables"}, headers={"X-API-Key": ADMIN_KEY})
        assert rebuilt.status_code == 200, rebuilt.text
        assert rebuilt.json()["unchanged"] is False

        assert any(MARKER in text for text in clopidogrel_texts(client))
        assert "*2" in cyp2c19_candidates(client)
