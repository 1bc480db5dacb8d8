"""Official upstream releases (CPIC API, ClinPGx, PharmCAT's DPWG rows): fetch, verify, cache.

An official source has no pinned archive. Its files come either from the upstream endpoints
(``pgxkg fetch SOURCE --upstream``; each base URL is a setting, ``UpstreamSettings``) or from files
a user already has (``pgxkg fetch SOURCE --from PATH``: a file, a zip or jar, or a folder searched
recursively, zips inside included). Files are recognised by name (``FileSpec``), copied into the
cache (``<cache>/sources/<name>/<version>/files``), verified (JSON parses, a TSV header has the
columns the adapter reads) and recorded in ``entry.json`` with their sha256, where they came from,
and the release and date of the data: ClinPGx's ``CREATED_YYYY-MM-DD.txt``, PharmCAT's data
version, CPIC's change log or the day the API answered (``--release``/``--date`` override).

When an endpoint cannot be reached the fetch raises ``UpstreamUnavailable`` and changes nothing:
the build keeps what the cache holds, which on a machine that never reached the endpoints is the
pinned PyPI snapshot alone.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Protocol

import httpx
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from pgxkg.errors import PgxkgError
from pgxkg.loaders.fetch import (
    MAX_MEMBER_BYTES,
    CacheEntry,
    FetchedSource,
    read_entry,
    save_entry,
    sha256_of,
    source_dir,
)
from pgxkg.loaders.records import SourceFileError, SourceInfo
from pgxkg.loaders.tables import header_of, read_json
from pgxkg.settings import env, load

CHUNK = 1024 * 1024
_CREATED = re.compile(r"CREATED_(\d{4}-\d{2}-\d{2})\.txt$")
_ZIP_SUFFIXES = (".zip", ".jar")


class UpstreamSettings(BaseSettings):
    """Where ``pgxkg fetch --upstream`` downloads each official source from (environment variables)."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", env_ignore_empty=True)

    cpic_api_url: str = Field("https://api.cpicpgx.org/v1", validation_alias=env("PGXKG_CPIC_API_URL"),
                              description="CPIC's PostgREST API; tables are read as <url>/<table>?select=*")
    cpic_changelog_url: str = Field(
        "https://raw.githubusercontent.com/cpicpgx/cpic-data/main/data.tsv",
        validation_alias=env("PGXKG_CPIC_CHANGELOG_URL"), description="CPIC's data change log (optional)")
    clinpgx_url: str = Field("https://api.clinpgx.org/v1/download/file/data",
                             validation_alias=env("PGXKG_CLINPGX_URL"),
                             description="ClinPGx bulk downloads; files are <url>/<name>.zip")
    pharmcat_url: str = Field(
        "https://github.com/PharmGKB/PharmCAT/releases/download/v3.1.1/pharmcat-3.1.1-all.jar",
        validation_alias=env("PGXKG_PHARMCAT_URL"),
        description="a PharmCAT release asset (the jar carries the reporter's guideline files)")
    timeout: float = Field(30.0, gt=0, validation_alias=env("PGXKG_UPSTREAM_TIMEOUT"),
                           description="seconds per request before the endpoint counts as unreachable")

    @classmethod
    def from_env(cls) -> UpstreamSettings:
        return load(cls)


class UpstreamUnavailable(PgxkgError):
    """An official endpoint did not answer (or answered an error); nothing in the cache changed."""


@dataclass(frozen=True)
class FileSpec:
    """A file (or a family of files) an official source reads, recognised by name.

    ``pattern`` is matched against the file name, or, when it contains ``/``, against
    ``<folder or zip name>/<file name>``; a gzipped copy (``name.gz``) matches too. ``columns``
    are TSV columns the header must have; ``json`` files must parse. A ``family`` keeps every match
    (under ``<family>/`` in the cache); otherwise one file matches (the newest by CREATED date).
    """

    pattern: str
    columns: tuple[str, ...] = ()
    json: bool = False
    family: str = ""

    def matches(self, container: str, name: str) -> bool:
        for candidate in (name, name.removesuffix(".gz")):
            target = f"{container}/{candidate}" if "/" in self.pattern else candidate
            if fnmatch.fnmatchcase(target, self.pattern):
                return True
        return False


@dataclass(frozen=True)
class UpstreamFile:
    """One download: ``<setting URL>/<path>`` (``path`` empty: the URL itself). A zip or jar is searched
    for the source's files like a local one; anything else is saved as ``save_as``."""

    setting: str
    path: str = ""
    save_as: str = ""
    optional: bool = False


class OfficialAdapter(Protocol):
    """What an official source's adapter tells the fetch about its files."""

    source: SourceInfo
    files: tuple[FileSpec, ...]
    requires: tuple[tuple[str, ...], ...]  # groups of patterns: each group needs one matching file
    upstream: tuple[UpstreamFile, ...]

    def describe(self, files: dict[str, Path], created: dict[str, str], fetched_on: str | None) -> tuple[str, str]:
        """(release, date) of the fetched files; ``created`` maps a file to its CREATED date."""
        ...

    # optional: ``provides_of(files) -> frozenset[str]``, the kinds these very files give when they cover
    # only part of what the source can (PharmCAT's DPWG rows: the drugs it has files for)


@dataclass
class Candidate:
    """A file found locally or downloaded: where it sits, how to open it, its CREATED date."""

    container: str
    name: str
    where: str
    open: Callable[[], IO[bytes]]
    created: str | None = None
    size: int | None = None


@dataclass
class Staged:
    spec: FileSpec
    candidate: Candidate
    relative: str = field(default="")


# --- finding files --------------------------------------------------------------------------

def local_candidates(path: Path) -> list[Candidate]:
    """Every file under ``path`` (a file, a zip or jar, or a folder with zips inside)."""
    if not path.exists():
        raise PgxkgError(f"{path} does not exist.", "give a file, a zip or a folder of the source's files")
    if path.is_file():
        return _zip_candidates(path) if path.suffix.lower() in _ZIP_SUFFIXES else [_file_candidate(path)]
    found: list[Candidate] = []
    for folder, dirs, names in os.walk(path):
        dirs.sort()
        created = _created_in(names)
        for name in sorted(names):
            file = Path(folder) / name
            if file.suffix.lower() in _ZIP_SUFFIXES:
                found += _zip_candidates(file)
            else:
                found.append(_file_candidate(file, created))
    return found


def _created_in(names: list[str]) -> str | None:
    dates = sorted(match[1] for name in names if (match := _CREATED.search(name)))
    return dates[-1] if dates else None


def _file_candidate(path: Path, created: str | None = None) -> Candidate:
    return Candidate(path.parent.name, path.name, str(path), lambda: open(path, "rb"), created,
                     path.stat().st_size)


def _zip_candidates(path: Path) -> list[Candidate]:
    try:
        with zipfile.ZipFile(path) as zipped:
            infos = [info for info in zipped.infolist() if not info.is_dir()]
    except zipfile.BadZipFile as error:
        raise SourceFileError(path, None, f"not a valid zip archive ({error})") from error
    created = _created_in([Path(info.filename).name for info in infos])
    container = path.name

    def opener(member: str) -> Callable[[], IO[bytes]]:
        def open_member() -> IO[bytes]:
            zipped = zipfile.ZipFile(path)
            handle = zipped.open(member)
            handle_close = handle.close

            def close() -> None:
                handle_close()
                zipped.close()

            handle.close = close  # type: ignore[method-assign]
            return handle
        return open_member

    return [Candidate(Path(info.filename).parent.name or container, Path(info.filename).name,
                      f"{path}!{info.filename}", opener(info.filename), created, info.file_size)
            for info in infos]


def match_files(adapter: OfficialAdapter, candidates: list[Candidate]) -> list[Staged]:
    """The candidates the source reads, one per single-file spec (newest CREATED date first)."""
    staged: list[Staged] = []
    for spec in adapter.files:
        hits = [c for c in candidates if spec.matches(c.container, c.name)
                or (c.container.endswith(_ZIP_SUFFIXES) and spec.matches(c.container.rsplit(".", 1)[0], c.name))]
        if not hits:
            continue
        if spec.family:
            names: dict[str, Candidate] = {}
            for hit in hits:
                names.setdefault(hit.name, hit)
            staged += [Staged(spec, hit, f"{spec.family}/{hit.name}") for hit in names.values()]
            continue
        hits.sort(key=lambda c: (c.created or "", c.where), reverse=True)
        if len(hits) > 1 and hits[0].created == hits[1].created:
            raise PgxkgError(f"{len(hits)} files match {spec.pattern}: {hits[0].where}, {hits[1].where}",
                             "point --from at one release (one folder or zip)")
        staged.append(Staged(spec, hits[0], hits[0].name))
    for group in adapter.requires:
        if not any(s.spec.pattern in group for s in staged):
            raise PgxkgError(f"{adapter.source.name}: none of {', '.join(group)} was found",
                             "give the folder, zip or files of this source's release")
    return staged


# --- fetching ---------------------------------------------------------------------------------

def fetch_official(
    adapter: OfficialAdapter, cache: Path, *, from_path: Path | None = None,
    upstream: UpstreamSettings | None = None, release: str | None = None, date: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> FetchedSource:
    """Fetch an official source from ``from_path`` or, without it, from its upstream endpoints."""
    info = adapter.source
    with tempfile.TemporaryDirectory(prefix="pgxkg-official-") as tmp:
        if from_path is not None:
            candidates, origin, url, fetched_on = local_candidates(from_path), f"local:{from_path}", \
                from_path.resolve().as_uri(), None
        else:
            upstream = upstream or UpstreamSettings.from_env()
            candidates, url = download(adapter, upstream, Path(tmp), progress)
            origin, fetched_on = f"upstream:{url}", dt.date.today().isoformat()
        staged = match_files(adapter, candidates)
        files = _stage(info, cache, staged)
    created = {s.relative: s.candidate.created for s in staged if s.candidate.created}
    described_release, described_date = adapter.describe(files, created, fetched_on)
    provides = adapter.provides_of(files) if hasattr(adapter, "provides_of") else info.provides
    if date is not None and not re.fullmatch(r"\d{4}(-\d{2}){0,2}", date):
        raise PgxkgError(f"--date {date!r} is not an ISO date", "use YYYY-MM-DD (or YYYY-MM)")
    entry = CacheEntry(
        name=info.name, version=info.version, package="", package_version="", filename="", url=url,
        license=info.license, sha256=set_digest(files),
        files={relative: sha256_of(path) for relative, path in files.items()},
        origin=origin, fetched_at=time.time(),
        release=release or described_release, date=date or described_date, provides=sorted(provides),
    )
    save_entry(cache, info, entry)
    return FetchedSource(described(info, entry), entry, files)


def described(info: SourceInfo, entry: CacheEntry) -> SourceInfo:
    """The source as these fetched files make it: their release, date and the kinds they give."""
    return replace(info, release=entry.release, date=entry.date,
                   provides=frozenset(entry.provides) if entry.provides else info.provides)


def _stage(info: SourceInfo, cache: Path, staged: list[Staged]) -> dict[str, Path]:
    """Copy the matched files into the cache (replacing what was there) and verify each one."""
    staging = source_dir(cache, info) / "files.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    paths: dict[str, Path] = {}
    for item in staged:
        target = staging / item.relative
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy_capped(item.candidate, target)
        _verify(item.spec, target, item.candidate.where)
        paths[item.relative] = target
    final = source_dir(cache, info) / "files"
    shutil.rmtree(final, ignore_errors=True)
    os.replace(staging, final)
    return {relative: final / relative for relative in paths}


def _copy_capped(candidate: Candidate, target: Path) -> None:
    written = 0
    try:
        with candidate.open() as reader, open(target, "wb") as out:
            while block := reader.read(CHUNK):
                written += len(block)
                if written > MAX_MEMBER_BYTES:
                    raise SourceFileError(candidate.where, None, f"larger than {MAX_MEMBER_BYTES} bytes")
                out.write(block)
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise SourceFileError(candidate.where, None, f"cannot be read ({error})") from error


def _verify(spec: FileSpec, path: Path, where: str) -> None:
    try:
        if spec.json:
            read_json(path)
        elif spec.columns:
            header = header_of(path)
            missing = [column for column in spec.columns if column not in header]
            if missing:
                raise SourceFileError(path, 1, f"the header lacks column(s) {', '.join(missing)}")
    except SourceFileError as error:
        raise SourceFileError(where, error.line, error.reason) from None


def set_digest(files: dict[str, Path]) -> str:
    """The sha256 of a set of files (each file's name and sha256, sorted): a release given as loose files."""
    digest = hashlib.sha256()
    for relative in sorted(files):
        digest.update(f"{relative}={sha256_of(files[relative])}\n".encode())
    return digest.hexdigest()


def download(adapter: OfficialAdapter, settings: UpstreamSettings, folder: Path,
             progress: Callable[[str], None] | None = None) -> tuple[list[Candidate], str]:
    """Download the source's upstream files into ``folder``; returns the files found and the first URL.

    Raises UpstreamUnavailable when a required file cannot be fetched (nothing is kept then).
    """
    candidates: list[Candidate] = []
    first = ""
    with httpx.Client(timeout=settings.timeout, follow_redirects=True,
                      headers={"User-Agent": "pgxkg (https://pypi.org/project/pgxkg/)"}) as client:
        for item in adapter.upstream:
            base = str(getattr(settings, item.setting)).rstrip("/")
            url = f"{base}/{item.path}" if item.path else base
            first = first or base
            name = item.save_as or url.split("?", 1)[0].rsplit("/", 1)[-1]
            target = folder / name
            if progress:
                progress(f"GET {url}")
            try:
                _get(client, url, target)
            except UpstreamUnavailable:
                if item.optional:
                    continue
                raise
            candidates += _zip_candidates(target) if target.suffix.lower() in _ZIP_SUFFIXES \
                else [_file_candidate(target)]
    return candidates, first


def _get(client: httpx.Client, url: str, target: Path) -> None:
    written = 0
    try:
        with client.stream("GET", url) as response:
            if response.status_code != 200:
                raise UpstreamUnavailable(f"{url} answered HTTP {response.status_code}",
                                          "check the URL setting (see `pgxkg fetch --help`) or try later")
            with open(target, "wb") as out:
                for block in response.iter_bytes(CHUNK):
                    written += len(block)
                    if written > MAX_MEMBER_BYTES:
                        raise UpstreamUnavailable(f"{url} sent more than {MAX_MEMBER_BYTES} bytes")
                    out.write(block)
    except httpx.HTTPError as error:
        raise UpstreamUnavailable(f"cannot reach {url} ({type(error).__name__}: {error})",
                                  "check network access, or fetch the files elsewhere and use --from PATH") \
            from None


# --- the cache ----------------------------------------------------------------------------------

def cached_official(cache: Path, info: SourceInfo) -> FetchedSource | None:
    """The fetched official source if its entry and every recorded file are intact."""
    entry = read_entry(cache, info)
    if entry is None:
        return None
    files = {relative: source_dir(cache, info) / "files" / relative for relative in entry.files}
    if not files or any(not p.exists() or entry.files[r] != sha256_of(p) for r, p in files.items()):
        return None
    return FetchedSource(described(info, entry), entry, files)


def forget_source(cache: Path, info: SourceInfo) -> bool:
    """Remove a fetched official source from the cache (the build then leaves it out)."""
    folder = source_dir(cache, info)
    if not folder.exists():
        return False
    shutil.rmtree(folder)
    manifest_path = cache / "sources" / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        manifest.pop(info.id, None)
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return True


def files_date(files: dict[str, Path]) -> str:
    """The newest modification date of the files (ISO): a release's date when nothing else says it."""
    return max(dt.date.fromtimestamp(path.stat().st_mtime) for path in files.values()).isoformat()


def files_matching(files: dict[str, Path], pattern: str) -> list[Path]:
    """The fetched files whose name (or ``<family>/<name>``) matches ``pattern`` (``.gz`` ignored)."""
    found = []
    for relative, path in sorted(files.items()):
        name = relative.rsplit("/", 1)[-1]
        for candidate in (relative, name, relative.removesuffix(".gz"), name.removesuffix(".gz")):
            if fnmatch.fnmatchcase(candidate, pattern):
                found.append(path)
                break
    return found


def one_file(files: dict[str, Path], pattern: str) -> Path | None:
    found = files_matching(files, pattern)
    return found[0] if found else None
