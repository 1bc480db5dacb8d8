"""The fetch cache on small local archives: checksums, extraction, size caps (no network, no database)."""

from __future__ import annotations

import dataclasses
import hashlib
import zipfile
from pathlib import Path

import pytest

from pgxkg.loaders import fetch as fetch_module
from pgxkg.loaders.fetch import fetch
from pgxkg.loaders.records import SourceFileError, SourceInfo


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
