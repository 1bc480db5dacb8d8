"""`pgxkg fetch` for the official sources: from a real HTTP server on loopback that serves the shared
files under the official paths (no HTTP mocks), from files, zips and folders a user has, and the
fallback when the endpoints cannot be reached (the normal case on this machine)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pgxkg.errors import PgxkgError
from pgxkg.graph.scratch import free_port
from pgxkg.loaders import registry
from pgxkg.loaders.official import (
    UpstreamSettings,
    UpstreamUnavailable,
    cached_official,
    fetch_official,
    forget_source,
)
from tests.official_data import OFFICIAL_FORMATS, SOURCES

CPIC_TABLES = OFFICIAL_FORMATS / "cpic" / "api-v1-2026-08-13"
CHANGELOG = OFFICIAL_FORMATS / "cpic" / "cpic-data-1.56.0" / "data.tsv"
CLINPGX_ZIPS = {  # upstream zip name -> the shared folder holding its extracted members
    "chemicals": "2026-02-05/chemicals", "genes": "2026-02-05/genes", "phenotypes": "2026-02-05/phenotypes",
    "drugLabels": "2026-02-05/drugLabels", "clinicalVariants": "2026-02-05/clinicalVariants",
    "relationships": "2026-02-05/relationships", "variantAnnotations": "2026-02-05/variantAnnotations",
    "guidelineAnnotations.json": "2026-02-05/guidelineAnnotations.json",
    "summaryAnnotations": "2025-08-05/summaryAnnotations",
}
JAR = "PharmGKB/PharmCAT/releases/download/v2.13.0/pharmcat-2.13.0-all.jar"


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    """A zip of ``folder``'s files (as the upstream zips hold them: the files at the root, or under ``prefix``)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, prefix + path.name)
    return target


SERVED: list[str] = []  # the paths the loopback server was asked for


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UpstreamSettings]:
    """A loopback server answering the official paths with the shared files; settings pointing at it."""
    built = tmp_path_factory.mktemp("upstream")
    routes: dict[str, Path] = {f"/cpic/v1/{name}": CPIC_TABLES / f"{name}.json"
                               for name in ("recommendation", "guideline", "drug", "gene", "pair_view")}
    routes["/cpicpgx/cpic-data/main/data.tsv"] = CHANGELOG
    for name, folder in CLINPGX_ZIPS.items():
        routes[f"/clinpgx/v1/download/file/data/{name}.zip"] = zip_folder(
            OFFICIAL_FORMATS / "clinpgx" / folder, built / f"{name}.zip")
    # a PharmCAT release jar carries the reporter's guideline files (the 2.x layout)
    routes[f"/{JAR}"] = zip_folder(SOURCES["dpwg"][0], built / "pharmcat.jar",
                                   "org/pharmgkb/pharmcat/reporter/guidelines/")
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            SERVED.append(self.path)
            path = routes.get(urlsplit(self.path).path)
            if path is None:
                self.send_error(404)
                return
            body = path.read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings = UpstreamSettings.model_validate({
        "PGXKG_CPIC_API_URL": f"{base}/cpic/v1", "PGXKG_CPIC_CHANGELOG_URL": f"{base}/cpicpgx/cpic-data/main/data.tsv",
        "PGXKG_CLINPGX_URL": f"{base}/clinpgx/v1/download/file/data", "PGXKG_PHARMCAT_URL": f"{base}/{JAR}"})
    yield settings
    server.shutdown()
    thread.join()


def test_upstream_fetch_downloads_verifies_and_records_release_and_date(upstream: UpstreamSettings,
                                                                       tmp_path: Path) -> None:
    today = dt.date.today().isoformat()
    fetched = {name: fetch_official(registry.adapter(name), tmp_path, upstream=upstream)
               for name in registry.OFFICIAL if name != "pharmcat"}  # PharmCAT's own fetch: test_calling
    assert "/cpic/v1/recommendation?select=*" in SERVED
    assert "/cpic/v1/guideline?select=*,publication(title,pmid,year)" in SERVED
    cpic = fetched["cpic-api"]
    assert (cpic.info.release, cpic.info.date) == (f"CPIC API v1 as served on {today}", today)
    assert set(cpic.paths) == {"recommendation.json", "guideline.json", "drug.json", "gene.json",
                               "pair_view.json", "data.tsv"}
    assert cpic.entry.origin.startswith("upstream:http://127.0.0.1:")
    assert (fetched["clinpgx"].info.release, fetched["clinpgx"].info.date) == \
        ("ClinPGx release files created 2026-02-05", "2026-02-05")
    assert len([p for p in fetched["clinpgx"].paths if p.startswith("guidelineAnnotations/")]) == 217
    assert fetched["clinpgx-annotations"].info.date == "2025-08-05"
    assert fetched["dpwg"].info.date == "2024-03-25" and len(fetched["dpwg"].paths) == 62
    # the cache knows them intact; what the build will load
    for name, source in fetched.items():
        again = cached_official(tmp_path, registry.adapter(name).source)
        assert again is not None and again.entry.files == source.entry.files and again.info.date == source.info.date


def test_an_endpoint_that_answers_an_error_changes_nothing(upstream: UpstreamSettings, tmp_path: Path) -> None:
    fetch_official(registry.adapter("cpic-api"), tmp_path, upstream=upstream)
    before = (tmp_path / "sources" / "cpic-api" / "v1" / "entry.json").read_text()
    broken = upstream.model_copy(update={"cpic_api_url": upstream.cpic_api_url + "/missing"})
    with pytest.raises(UpstreamUnavailable, match=r"answered HTTP 404"):
        fetch_official(registry.adapter("cpic-api"), tmp_path, upstream=broken)
    assert (tmp_path / "sources" / "cpic-api" / "v1" / "entry.json").read_text() == before


def test_unreachable_endpoints_fall_back_with_a_clear_message(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    env = {**os.environ, "PGXKG_CACHE": str(tmp_path), "PGXKG_CPIC_API_URL": closed,
           "PGXKG_CLINPGX_URL": closed, "PGXKG_PHARMCAT_URL": f"{closed}/x.jar", "PGXKG_UPSTREAM_TIMEOUT": "5"}
    result = subprocess.run([sys.executable, "-m", "pgxkg.cli", "fetch", "cpic-api", "dpwg", "--upstream"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"cpic-api: cannot reach {closed}/recommendation?select=*" in result.stderr
    assert "the build uses the pinned snapshot for these facts: CPIC tables as shipped in pypgx 0.27.0" \
        in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
    assert cached_official(tmp_path, registry.adapter("cpic-api").source) is None


def test_from_zips_folders_and_single_files(tmp_path: Path) -> None:
    zips = tmp_path / "downloads"
    zips.mkdir()
    zip_folder(CPIC_TABLES, zips / "cpic-tables.zip")
    cpic = fetch_official(registry.adapter("cpic-api"), tmp_path / "cache", from_path=zips / "cpic-tables.zip",
                          date="2026-08-13", release="CPIC API v1, kestrel snapshot")
    assert (cpic.info.release, cpic.info.date) == ("CPIC API v1, kestrel snapshot", "2026-08-13")
    assert "data.tsv" not in cpic.paths  # the change log is optional
    for name in ("drugLabels", "clinicalVariants"):
        zip_folder(OFFICIAL_FORMATS / "clinpgx" / CLINPGX_ZIPS[name], zips / f"{name}.zip")
    clinpgx = fetch_official(registry.adapter("clinpgx"), tmp_path / "cache", from_path=zips)
    assert set(clinpgx.paths) == {"drugLabels.tsv", "clinicalVariants.tsv"} and clinpgx.info.date == "2026-02-05"
    single = fetch_official(registry.adapter("clinpgx"), tmp_path / "cache",
                            from_path=OFFICIAL_FORMATS / "clinpgx" / "2026-02-05" / "drugs" / "drugs.tsv")
    assert set(single.paths) == {"drugs.tsv"}  # a new --from replaces what the cache held
    assert single.info.release.startswith("ClinPGx release files (no CREATED date")


def test_from_a_folder_with_both_annotation_layouts_takes_the_newer(tmp_path: Path) -> None:
    fetched = fetch_official(registry.adapter("clinpgx-annotations"), tmp_path,
                             from_path=OFFICIAL_FORMATS / "clinpgx")
    assert {p for p in fetched.paths if p.startswith("summary_")} == {
        "summary_annotations.tsv", "summary_ann_alleles.tsv.gz", "summary_ann_evidence.tsv"}
    assert fetched.info.date == "2025-08-05"  # the 2025-08-05 layout over the 2025-01-05 one


def test_files_that_are_not_the_source_are_refused(tmp_path: Path) -> None:
    with pytest.raises(PgxkgError, match=r"cpic-api: none of recommendation\.json was found"):
        fetch_official(registry.adapter("cpic-api"), tmp_path, from_path=OFFICIAL_FORMATS / "fda")
    bad = tmp_path / "files"
    bad.mkdir()
    (bad / "recommendation.json").write_text('[{"id": 1,')
    for name in ("guideline.json", "drug.json"):
        (bad / name).write_text("[]")
    with pytest.raises(PgxkgError, match=r"recommendation\.json:1: not valid JSON"):
        fetch_official(registry.adapter("cpic-api"), tmp_path / "cache", from_path=bad)
    assert cached_official(tmp_path / "cache", registry.adapter("cpic-api").source) is None


def test_forget_removes_a_fetched_source(tmp_path: Path) -> None:
    info = registry.adapter("dpwg").source
    fetch_official(registry.adapter("dpwg"), tmp_path, from_path=SOURCES["dpwg"][0])
    assert cached_official(tmp_path, info) is not None
    assert forget_source(tmp_path, info) and cached_official(tmp_path, info) is None
    assert not forget_source(tmp_path, info)
