"""Figures the README quotes, checked against what a test computes (so neither drifts alone)."""

from __future__ import annotations

import pytest

from tests.paths import ROOT

README = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())


def readme_says(*phrases: str) -> None:
    """Each phrase, holding a figure a test just computed, is in README.md (line breaks ignored)."""
    missing = [phrase for phrase in phrases if " ".join(phrase.split()) not in README]
    if missing:  # not a bare assert: its rewrite would print the whole README
        pytest.fail(f"README.md does not say {missing}: fix the README or the code", pytrace=False)
