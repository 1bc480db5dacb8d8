"""Peak memory and time of `pgxkg export --all` for each format, against the configured Neo4j.

Each format runs in its own process, so its peak RSS (from getrusage of that child) is its own.
Prints a table and writes bench/results/export_all.json. Usage: python bench/export_all.py [OUT_DIR]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pgxkg.export.writers import FORMATS as FORMATS_BY_NAME
from pgxkg.export.writers import output_paths

FORMATS = {"graphml": "all.graphml", "gexf": "all.gexf", "cytoscape": "all.cyjs", "kgx": "all", "csv": "all"}
RUN = """
import resource, sys
from pgxkg.cli import app
try:
    app(sys.argv[1:])
except SystemExit as stop:
    code = stop.code
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code or 0)
"""


def measure(fmt: str, out: Path) -> dict:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RUN, "export", "--format", fmt, "--all", "--out", str(out)],
                          capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    lines = done.stderr.strip().splitlines()
    files = output_paths(FORMATS_BY_NAME[fmt], out)
    return {"format": fmt, "seconds": round(seconds, 1), "peak_rss_mb": round(int(lines[-1]) / 1024),
            "summary": " ".join(lines[:-1]).strip(), "bytes": sum(f.stat().st_size for f in files)}


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="pgxkg-export-bench-"))
    results = []
    for fmt, name in FORMATS.items():
        row = measure(fmt, folder / name)
        results.append(row)
        print(f"{fmt:<10} {row['seconds']:>7.1f} s  peak RSS {row['peak_rss_mb']:>6} MB  "
              f"{row['bytes'] / 1e6:>8.1f} MB written  {row['summary']}", flush=True)
    target = Path(__file__).parent / "results" / "export_all.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps({"resource_maxrss_unit": "KiB", "results": results}, indent=2))
    print(f"-> {target}")


if __name__ == "__main__":
    main()
