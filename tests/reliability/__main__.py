"""`python -m tests.reliability`: every scenario at full size against a scratch Neo4j; prints
the table and writes bench/results/reliability.json (exit 1 if any scenario failed)."""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

from pgxkg.graph.scratch import scratch_neo4j
from tests.reliability.context import Context, ScenarioResult
from tests.reliability.report import markdown, print_table, write_json
from tests.reliability.scenarios import SCENARIOS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="killed-build and outage runs (default 3)")
    parser.add_argument("--soak-seconds", type=float, default=300.0, help="soak duration (default 300)")
    parser.add_argument("--soak-max-requests", type=int, default=200_000, help="request cap of the soak")
    parser.add_argument("--outage-seconds", type=float, default=10.0, help="each Neo4j outage (default 10)")
    parser.add_argument("--seed", type=int, default=8, help="seed of the random kill points")
    parser.add_argument("--only", nargs="*", help="scenario function names (default: all)")
    parser.add_argument("--markdown", type=Path, help="also write the table as Markdown here")
    args = parser.parse_args(argv)
    console = Console(stderr=True)
    results: list[ScenarioResult] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pgxkg-reliability-work-") as work, scratch_neo4j() as scratch:
        ctx = Context(scratch=scratch, served=scratch, work=Path(work), kill_runs=args.runs, kill_subset=None,
                      outage_runs=args.runs, outage_s=args.outage_seconds, soak_s=args.soak_seconds,
                      soak_max_requests=args.soak_max_requests,
                      seed=args.seed)
        for scenario in SCENARIOS:
            if args.only and scenario.__name__ not in args.only:
                continue
            console.log(f"running {scenario.__name__} ...")
            result = scenario(ctx)
            console.log(f"{result.name}: {result.passed}/{result.runs} passed, data lost {result.data_lost}")
            for failure in result.failures[:20]:
                console.log(f"  [red]{failure}[/]", highlight=False)
            results.append(result)
    print_table(results, Console(width=160))
    command = "python -m tests.reliability " + shlex.join(argv if argv is not None else sys.argv[1:])
    path = write_json(results, {**vars(args), "markdown": str(args.markdown) if args.markdown else None,
                                "total_s": round(time.monotonic() - started)}, command.strip())
    if args.markdown:
        args.markdown.write_text(markdown(results) + "\n")
    console.log(f"wrote {path} in {time.monotonic() - started:.0f} s")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
