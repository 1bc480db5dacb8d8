"""The test session's source cache: the pinned sources (fetched once into the user's cache and
linked) plus the official files from ../shared/data, so the session's real build holds the current
data without touching the user's own cache."""

from __future__ import annotations

import os
from pathlib import Path

from pgxkg.loaders import registry
from pgxkg.loaders.fetch import fetch, source_dir
from pgxkg.settings import Settings
from tests.paths import SHARED_DATA

OFFICIAL_FILES = {"pharmcat": SHARED_DATA / "official-formats" / "pharmcat"}


def session_cache(target: Path) -> Path:
    """A cache at ``target`` holding every registered source; returns it."""
    user_cache = Settings.from_env().cache
    for name in registry.REQUIRED:
        info = registry.adapter(name).source
        fetch(info, user_cache)  # a no-op when cached
        link = source_dir(target, info).parent
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.exists():
            os.symlink(source_dir(user_cache, info).parent, link)
    for name, folder in OFFICIAL_FILES.items():
        registry.fetch_source(registry.adapter(name), target, from_path=folder)
    return target
