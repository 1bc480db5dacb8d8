"""Fetch PharmCAT's data files: from a copy the user has, or from PharmCAT's release download.

PharmCAT publishes each release as ``pharmcat-<version>-all.jar`` (a zip) whose
``org/pharmgkb/pharmcat/`` tree holds the definition and phenotype files. ``--from`` takes that
jar, or a folder holding the files (found by their path under ``definition/alleles/`` and
``phenotype/``, at any depth). A phenotype file the folder lacks may come from an older copy
named ``phenotype-cpic-<GENE>.<date>.<commit>.json`` (the newest is taken and the substitution
recorded in the cache entry's ``origin``; the file's own ``version`` reaches the graph).

The download URL is ``PGXKG_PHARMCAT_URL``. A download is not pinned by checksum (PharmCAT
publishes none): every member must parse as the format the adapter reads, and its sha256 is
recorded. When the release cannot be reached the error says so and what to do instead; the
build then keeps the pinned pypgx definitions.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

import httpx
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from pgxkg.errors import PgxkgError
from pgxkg.loaders.fetch import CacheEntry, FetchedSource, cached, save_entry, sha256_of, source_dir
from pgxkg.loaders.official import UpstreamUnavailable, set_digest
from pgxkg.loaders.records import SourceFileError, SourceInfo
from pgxkg.settings import env, load

JAR_PREFIX = "org/pharmgkb/pharmcat/"
DEFAULT_URL = "https://github.com/PharmGKB/PharmCAT/releases/download/v3.1.1/pharmcat-3.1.1-all.jar"
TIMEOUT_SECONDS = 60.0


class PharmcatSettings(BaseSettings):
    """Where PharmCAT's release is downloaded from (``PGXKG_PHARMCAT_URL``)."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", env_ignore_empty=True)
    url: str = Field(DEFAULT_URL, validation_alias=env("PGXKG_PHARMCAT_URL"))


def fetch_release(info: SourceInfo, cache: Path, *, from_path: Path | None = None,
                  force: bool = False) -> FetchedSource:
    """The source's files in the cache; raises PgxkgError when they cannot be had."""
    if from_path is None and not force:
        hit = cached(cache, info)
        if hit:
            return hit
    with tempfile.TemporaryDirectory(prefix="pgxkg-pharmcat-") as tmp:
        staging = Path(tmp) / "files"
        if from_path is not None:
            origin, archive_sha = _from_local(info, from_path, staging)
        else:
            url = load(PharmcatSettings).url
            jar = _download(url, Path(tmp) / info.filename)
            _extract_jar(info, jar, staging)
            origin, archive_sha = url, sha256_of(jar)
        for member in info.members:
            _check(staging / member)
        final = source_dir(cache, info) / "files"
        shutil.rmtree(final, ignore_errors=True)
        final.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staging, final)
    files = {m: final / m for m in info.members}
    entry = CacheEntry(
        name=info.name, version=info.version, package=info.package, package_version=info.package_version,
        filename=info.filename, url=info.url, license=info.license,
        sha256=archive_sha or set_digest(files),  # a folder of files: the digest of the set
        files={m: sha256_of(final / m) for m in info.members}, origin=origin, fetched_at=time.time(),
    )
    save_entry(cache, info, entry)
    return FetchedSource(info, entry, {m: final / m for m in info.members})


def _from_local(info: SourceInfo, path: Path, staging: Path) -> tuple[str, str]:
    if not path.exists():
        raise PgxkgError(f"{path} does not exist.", "pass PharmCAT's release jar or a folder of its data files")
    if path.is_file():
        _extract_jar(info, path, staging)
        return f"local:{path}", sha256_of(path)
    notes = []
    for member in info.members:
        found, note = _find(path, member)
        target = staging / member
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(found, target)
        if note:
            notes.append(note)
    return f"local:{path}" + (f" ({'; '.join(notes)})" if notes else ""), ""


def _find(folder: Path, member: str) -> tuple[Path, str | None]:
    """A member's file under ``folder``: its own path at any depth, else an older phenotype copy."""
    name = Path(member).name
    parent = Path(member).parent.name
    exact = sorted(p for p in folder.rglob(name) if p.parent.name == parent and p.is_file())
    if len(exact) > 1:
        raise PgxkgError(f"{folder} holds {len(exact)} copies of {member}: {', '.join(map(str, exact[:3]))}",
                         "point --from at the folder of one PharmCAT release")
    if exact:
        return exact[0], None
    if member.startswith("phenotype/"):
        gene = Path(member).stem
        older = sorted(folder.rglob(f"phenotype-cpic-{gene}.*.json"))
        if older:
            return older[-1], f"{member} from {older[-1].name}"
    raise PgxkgError(f"{folder} has no {member} (nor PharmCAT's release jar).",
                     "pass the release jar (pharmcat-<version>-all.jar) or a folder with its definition/alleles "
                     "and phenotype files")


def _download(url: str, target: Path) -> Path:
    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=TIMEOUT_SECONDS) as response:
            response.raise_for_status()
            with target.open("wb") as out:
                for block in response.iter_bytes():
                    out.write(block)
    except httpx.HTTPError as error:
        raise UpstreamUnavailable(
            f"PharmCAT's release is not reachable at {url} ({type(error).__name__}: {error}); VCF calling keeps "
            "the pinned pypgx allele definitions",
            "download the release jar elsewhere and run `pgxkg fetch pharmcat --from pharmcat-3.1.1-all.jar` "
            "(or --from a folder of its definition and phenotype files); PGXKG_PHARMCAT_URL sets a mirror",
        ) from None
    return target


def _extract_jar(info: SourceInfo, jar: Path, staging: Path) -> None:
    try:
        with zipfile.ZipFile(jar) as zipped:
            names = set(zipped.namelist())
            for member in info.members:
                inside = JAR_PREFIX + member
                if inside not in names:
                    raise SourceFileError(jar, None, f"{inside} is not in the archive")
                target = staging / member
                target.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(inside) as reader, target.open("wb") as out:
                    shutil.copyfileobj(reader, out)
    except zipfile.BadZipFile as error:
        raise SourceFileError(jar, None, f"not a PharmCAT release jar ({error})") from None


def _check(path: Path) -> None:
    """The member parses and has the keys the adapter reads (a partial download fails here)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SourceFileError(path, getattr(error, "lineno", None), f"not valid JSON ({error})") from None
    wanted = ("gene", "variants", "namedAlleles") if path.name.endswith("_translation.json") else (
        () if path.name == "exemptions.json" else ("gene", "haplotypes", "diplotypes"))
    missing = [key for key in wanted if not isinstance(data, dict) or key not in data]
    if missing:
        raise SourceFileError(path, None, f"lacks {', '.join(missing)}: not a PharmCAT data file")
