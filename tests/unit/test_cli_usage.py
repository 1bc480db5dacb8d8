"""The command line refuses what it cannot do before touching the database (a real process, no Neo4j)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("args", [
    ["risk", "-g", "CYP2C19 *2/*2", "--format", "xml"],
    ["stats", "--format", "csv"],
    ["query", "drug_genes", "--format", "xml"],
    ["call", "missing.vcf", "--format", "html"],
])
def test_an_output_format_the_command_does_not_write_is_one_line_and_exit_1(args: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "pgxkg.cli", *args], capture_output=True, text=True, timeout=60,
                          env={"PATH": "", "NEO4J_URI": "bolt://127.0.0.1:9"})
    assert done.returncode == 1, done.stderr
    assert f"--format '{args[args.index('--format') + 1]}': use" in done.stderr
    assert "Traceback" not in done.stderr and not done.stdout
