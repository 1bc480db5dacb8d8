"""Which sources exist, and the order a build loads them in.

HPO first (its disease ids are what PharmGKB disease names resolve to), then
CPIC, then PharmGKB (whose flagged recommendations refine shared CPIC rows).
"""

from __future__ import annotations

from importlib import import_module

from pgxkg.errors import InvalidInput
from pgxkg.loaders.records import Adapter

ADAPTERS: dict[str, str] = {
    "hpo": "pgxkg.loaders.hpo:HpoAdapter",
    "cpic-tables": "pgxkg.loaders.cpic:CpicAdapter",
    "pharmgkb-annotations": "pgxkg.loaders.pharmgkb:PharmgkbAdapter",
}


def adapter(name: str) -> Adapter:
    module, cls = ADAPTERS[name].split(":")
    return getattr(import_module(module), cls)()


def selected(names: list[str] | None) -> list[Adapter]:
    """Adapters for ``names`` (all when empty), always in build order."""
    unknown = sorted(set(names or []) - set(ADAPTERS))
    if unknown:
        raise InvalidInput(f"unknown source(s): {', '.join(unknown)}", sorted(ADAPTERS))
    return [adapter(name) for name in ADAPTERS if not names or name in names]
