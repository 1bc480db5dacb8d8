"""Which sources exist, and the order a build loads them in.

HPO first (its disease ids are what PharmGKB disease names resolve to), then
CPIC, then PharmGKB (whose flagged recommendations refine shared CPIC rows).

``REQUIRED`` sources are the pinned snapshot every build has. The others are official upstream
releases (``SourceInfo.official``): a build includes one when it has been fetched (it is in the
cache) or is named, and for the kinds of facts it ``provides`` the pinned ones step aside.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from pgxkg.errors import InvalidInput
from pgxkg.loaders.fetch import FetchedSource, cached, fetch
from pgxkg.loaders.records import Adapter

ADAPTERS: dict[str, str] = {
    "hpo": "pgxkg.loaders.hpo:HpoAdapter",
    "cpic-tables": "pgxkg.loaders.cpic:CpicAdapter",
    "pharmgkb-annotations": "pgxkg.loaders.pharmgkb:PharmgkbAdapter",
    "pharmcat": "pgxkg.loaders.pharmcat:PharmcatAdapter",
}
REQUIRED: tuple[str, ...] = ("hpo", "cpic-tables", "pharmgkb-annotations")
"""The pinned sources a complete graph holds (the official ones are optional)."""


def adapter(name: str) -> Adapter:
    module, cls = ADAPTERS[name].split(":")
    return getattr(import_module(module), cls)()


def selected(names: list[str] | None) -> list[Adapter]:
    """Adapters for ``names`` (all when empty), always in build order."""
    unknown = sorted(set(names or []) - set(ADAPTERS))
    if unknown:
        raise InvalidInput(f"unknown source(s): {', '.join(unknown)}", sorted(ADAPTERS))
    return [adapter(name) for name in ADAPTERS if not names or name in names]


def fetch_source(source: Adapter, cache: Path, *, from_path: Path | None = None,
                 force: bool = False) -> FetchedSource:
    """Fetch one source: an adapter with its own ``fetch`` (an official release) uses it."""
    own = getattr(source, "fetch", None)
    if own is not None:
        return own(cache, from_path=from_path, force=force)
    return fetch(source.source, cache, force=force, from_path=from_path)


def for_build(cache: Path, names: list[str] | None) -> list[FetchedSource]:
    """What a build loads: the named sources (fetched when needed), or every pinned source plus
    every official one already in the cache."""
    out = []
    for source in selected(names):
        if not names and source.source.official:
            hit = cached(cache, source.source)
            if hit is not None:
                out.append(hit)
            continue
        out.append(fetch_source(source, cache))
    return out
