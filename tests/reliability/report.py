"""The reliability table (rich, and Markdown for the README) and bench/results/reliability.json."""

from __future__ import annotations

import dataclasses
import json
import platform
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from tests.reliability.context import ROOT, ScenarioResult

RESULTS = ROOT / "bench" / "results" / "reliability.json"


def _recovery(result: ScenarioResult) -> str:
    return "-" if result.recovery_s is None else f"{result.recovery_s:.1f} s"


def print_table(results: list[ScenarioResult], console: Console | None = None) -> None:
    table = Table(title="pgxkg reliability", show_lines=True)
    for column in ("scenario", "runs", "passed", "data lost", "recovery time", "notes"):
        table.add_column(column, overflow="fold")
    for result in results:
        table.add_row(result.name, str(result.runs), str(result.passed), str(result.data_lost),
                      _recovery(result), result.notes)
    (console or Console()).print(table)


def markdown(results: list[ScenarioResult]) -> str:
    lines = ["| scenario | runs | passed | data lost | recovery time | notes |",
             "|---|---:|---:|---:|---:|---|"]
    for result in results:
        notes = result.notes.replace("|", "/")
        lines.append(f"| {result.name} | {result.runs} | {result.passed} | {result.data_lost} | "
                     f"{_recovery(result)} | {notes} |")
    return "\n".join(lines)


def write_json(results: list[ScenarioResult], parameters: dict[str, Any], command: str,
               path: Path = RESULTS) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "command": command, "parameters": parameters,
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "results": [dataclasses.asdict(r) | {"ok": r.ok} for r in results],
    }, indent=2))
    return path
