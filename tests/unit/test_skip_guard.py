"""The CI skip guard (tests/skip_guard.py), shown on a real pytest run of a tiny suite that skips."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT
from tests.skip_guard import ALLOWLIST, read_allowlist

SUITE = '''
import pytest

def test_runs():
    assert True

def test_skips_in_the_body():
    pytest.skip("no data here")

@pytest.mark.skipif(True, reason="never on this machine")
def test_skipped_by_a_mark():
    pass

@pytest.mark.xfail(reason="known broken")
def test_expected_to_fail():
    assert False
'''


def run_suite(tmp_path: Path, *, ci: bool, allowlist: str | None = None) -> subprocess.CompletedProcess[str]:
    """pytest on SUITE in its own folder (no project conftest), with only the skip guard loaded."""
    (tmp_path / "test_demo.py").write_text(SUITE)
    env = {key: value for key, value in os.environ.items() if key not in {"CI", "PGXKG_SKIP_ALLOWLIST"}}
    env["PYTHONPATH"] = str(ROOT)
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # only the guard: schemathesis, hypothesis... load in seconds
    if ci:
        env["CI"] = "true"
    if allowlist is not None:
        (tmp_path / "allow.txt").write_text(allowlist)
        env["PGXKG_SKIP_ALLOWLIST"] = str(tmp_path / "allow.txt")
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "tests.skip_guard", "-p", "no:cacheprovider",
                           "-q", "test_demo.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_outside_ci_skips_are_only_reported(tmp_path: Path) -> None:
    run = run_suite(tmp_path, ci=False)
    assert run.returncode == 0, run.stdout
    assert "1 passed, 2 skipped, 1 xfailed" in run.stdout


def test_in_ci_an_unexpected_skip_fails_the_run(tmp_path: Path) -> None:
    run = run_suite(tmp_path, ci=True)
    assert run.returncode == 1, run.stdout
    assert "2 failed, 1 passed, 1 error" in run.stdout  # the mark skips in setup: an error
    assert "unexpected skip in CI (Skipped: no data here)" in run.stdout
    assert "unexpected skip in CI (Skipped: never on this machine)" in run.stdout
    assert "unexpected skip in CI (xfail: known broken)" in run.stdout
    assert "'test_demo.py::test_skips_in_the_body | <why>'" in run.stdout


def test_in_ci_allow_listed_skips_pass(tmp_path: Path) -> None:
    allowlist = ("# why each may skip\n"
                 "test_demo.py::test_skips_in_the_body | the demo has no data\n"
                 "test_demo.py::test_skipped_by_* | a pattern covers the marked one\n"
                 "test_demo.py::test_expected_to_fail | shows xfail is allowed only when listed\n")
    run = run_suite(tmp_path, ci=True, allowlist=allowlist)
    assert run.returncode == 0, run.stdout
    assert "1 passed, 2 skipped, 1 xfailed" in run.stdout


def test_an_entry_without_its_reason_is_refused(tmp_path: Path) -> None:
    run = run_suite(tmp_path, ci=True, allowlist="test_demo.py::test_skips_in_the_body\n")
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.stdout + run.stderr
    assert "allow.txt:1: write '<node id or pattern> | <why it may skip in CI>'" in run.stderr


def test_the_projects_allowlist_gives_a_reason_for_every_entry() -> None:
    assert all(reason for reason in read_allowlist(ALLOWLIST).values())
