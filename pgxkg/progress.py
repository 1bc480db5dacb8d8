"""Progress bars on stderr for long work (fetch, parse, write)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pgxkg.loaders.writer import Progress as ProgressCallback


@contextmanager
def counting_progress(console: Console, enabled: bool = True) -> Iterator[ProgressCallback]:
    """A callback ``(what, rows)`` that shows one running counter per kind of work."""
    if not enabled:
        yield lambda what, rows: None
        return
    bars = Progress(TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=False)
    tasks: dict[str, int] = {}

    def advance(what: str, rows: int) -> None:
        if what not in tasks:
            tasks[what] = bars.add_task(what, total=None)
        bars.advance(tasks[what], rows)

    with bars:
        yield advance
