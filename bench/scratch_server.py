"""Shared by the benchmarks: printing and saving figures."""

from __future__ import annotations

import json
from pathlib import Path


def save_results(name: str, results: dict) -> None:
    """Print the figures and write them to bench/results/<name>.json."""
    print(json.dumps(results, indent=2))
    out = Path(__file__).resolve().parent / "results" / f"{name}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
