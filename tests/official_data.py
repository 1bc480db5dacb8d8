"""The test session's source cache: the pinned sources (fetched once into the user's cache and
linked) plus the official-format files in ../shared/data/official-formats, fetched with ``--from``.

So the session's real build holds the current data (CPIC API 2026-08-13, ClinPGx 2026-02-05 and
2025-08-05, DPWG rows 2024-03-25, PharmCAT 3.1.1 allele definitions) and the user's own cache never
gains official sources from a test run.
"""

from __future__ import annotations

from pathlib import Path

from pgxkg.loaders import registry
from pgxkg.loaders.fetch import FetchedSource, fetch, source_dir
from pgxkg.loaders.official import fetch_official
from pgxkg.settings import Settings
from tests.paths import SHARED_DATA

OFFICIAL_FORMATS = SHARED_DATA / "official-formats"
CPIC_DATE = "2026-08-13"  # the kestrel snapshot of the CPIC API (README of official-formats, section 1)
SOURCES: dict[str, tuple[Path, str | None, str | None]] = {
    # name: (files, release, date); None: as the files say (CREATED_*.txt, PharmCAT's data version)
    "pharmcat": (OFFICIAL_FORMATS / "pharmcat", None, None),
    "cpic-api": (OFFICIAL_FORMATS / "cpic", f"CPIC API v1 tables as served on {CPIC_DATE}", CPIC_DATE),
    "clinpgx": (OFFICIAL_FORMATS / "clinpgx" / "2026-02-05", None, None),
    "clinpgx-annotations": (OFFICIAL_FORMATS / "clinpgx" / "2025-08-05", None, None),
    "dpwg": (OFFICIAL_FORMATS / "pharmcat" / "history" / "reporter-guidelines-2024-05-29", None, None),
}


def session_cache(folder: Path, user_cache: Path | None = None) -> Path:
    """``folder`` as a source cache whose pinned sources (and compiled Neo4j launcher) are the user's:
    each pinned source is fetched into the user's cache when it lacks it, then linked. Nothing official."""
    user_cache = user_cache or Settings.from_env().cache
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    for name in registry.PINNED:
        info = registry.adapter(name).source
        fetch(info, user_cache)  # a no-op when cached
        link = source_dir(folder, info).parent
        if not link.exists():
            link.symlink_to(source_dir(user_cache, info).parent, target_is_directory=True)
    launcher, link = user_cache / "neo4j-launcher", folder / "neo4j-launcher"
    if launcher.exists() and not link.exists():
        link.symlink_to(launcher, target_is_directory=True)
    return folder


def fetch_official_test_data(cache: Path) -> dict[str, FetchedSource]:
    """Fetch every official source from the shared files into ``cache``."""
    fetched = {}
    for name, (files, release, date) in SOURCES.items():
        adapter = registry.adapter(name)
        if getattr(adapter, "fetch", None) is not None:  # its own release format (PharmCAT's files)
            fetched[name] = registry.fetch_source(adapter, cache, from_path=files)
        else:
            fetched[name] = fetch_official(adapter, cache, from_path=files, release=release, date=date)
    return fetched
