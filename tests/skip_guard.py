"""With CI=true, a test that skips (or xfails) without being on the allow-list fails the run.

A skip in CI is a test that claims something and did not check it. It is allowed only for
the tests named in tests/skip_allowlist.txt, each with its reason (``PGXKG_SKIP_ALLOWLIST``
names another file). Outside CI, skips are only reported (``-ra``), so a developer without
../shared/data can still run the suite. Loaded by tests/conftest.py (``pytest_plugins``);
``pytest -p tests.skip_guard`` loads it into any pytest run.
"""

from __future__ import annotations

import os
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

ALLOWLIST = Path(__file__).with_name("skip_allowlist.txt")
_ALLOWED = pytest.StashKey[dict[str, str] | None]()
_PATH = pytest.StashKey[Path]()


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def read_allowlist(path: Path) -> dict[str, str]:
    """``{pattern: reason}`` from lines ``node id or fnmatch pattern | why it may skip in CI``.

    Blank lines and lines starting with ``#`` are ignored. An entry without a reason is a
    usage error: every allowed skip says why.
    """
    entries: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        pattern, bar, reason = (part.strip() for part in line.partition("|"))
        if not bar or not pattern or not reason:
            raise pytest.UsageError(f"{path}:{number}: write '<node id or pattern> | <why it may skip in CI>', "
                                    f"not {line.strip()!r}")
        entries[pattern] = reason
    return entries


def pytest_configure(config: pytest.Config) -> None:
    path = Path(os.environ.get("PGXKG_SKIP_ALLOWLIST") or ALLOWLIST)
    config.stash[_PATH] = path
    config.stash[_ALLOWED] = read_allowlist(path) if in_ci() else None


def _unexpected(config: pytest.Config, report: pytest.TestReport | pytest.CollectReport) -> None:
    """Turn an unexpected skip into a failure that says what skipped, why, and what to do."""
    allowed = config.stash.get(_ALLOWED, None)
    xfailed = hasattr(report, "wasxfail")
    if allowed is None or not report.skipped:
        return
    if any(fnmatchcase(report.nodeid, pattern) for pattern in allowed):
        return
    if xfailed:
        why = f"xfail: {report.wasxfail}"
    elif isinstance(report.longrepr, tuple):
        why = report.longrepr[2]
    else:
        why = str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = (f"unexpected skip in CI ({why}). Make it run, or, if the skip is right, add "
                       f"'{report.nodeid} | <why>' to {config.stash[_PATH]}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    _unexpected(item.config, outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    outcome = yield
    _unexpected(collector.config, outcome.get_result())
