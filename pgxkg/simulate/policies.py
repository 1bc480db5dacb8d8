"""Prescribing policies: which drug next, for many patients at once.

A policy maps (profile, drugs already tried) to the next drug, or STOP. Every policy
prescribes each drug at most once per patient; a patient's course ends at the first
prescription with neither an adverse reaction nor a failure (see ``episodes``).

- **trial and error**: genotype-blind. The indication's first-line drug, then the next one in
  the indication's order after each failure or reaction; the usual dose throughout.
- **guided** (following pgxkg): drugs in order of the category pgxkg gives them for this
  patient (``GUIDED_TIERS``: standard and no_recommendation first, then adjust_dose and caution,
  then needs_result), the indication's order within a tier; an ``adjust_dose`` drug is given at
  the guideline's adjusted dose. It never prescribes a drug whose category is ``alternative``
  or ``avoid``: when the acceptable drugs are used up the course ends unresolved.
- **Q-learning**: see ``qlearning``.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from pgxkg.simulate.world import World

STOP = -1
GUIDED_TIERS: dict[str, int] = {
    "standard": 0, "no_recommendation": 0,
    "adjust_dose": 1, "caution": 1,
    "needs_result": 2,
}  # categories not listed here (alternative, avoid) are never prescribed by the guided policy
GUIDED_NEVER = "alternative, avoid"


class Policy(Protocol):
    """``choose(profiles (n,), tried (n, drugs) bool) -> (n,) drug index or STOP``."""

    name: str
    dose_follows_genotype: bool

    def choose(self, profiles: np.ndarray, tried: np.ndarray) -> np.ndarray: ...


class TrialAndError:
    """Genotype-blind: first untried drug in the indication's order."""

    name = "trial_and_error"
    label = "trial and error (genotype-blind)"
    dose_follows_genotype = False

    def choose(self, profiles: np.ndarray, tried: np.ndarray) -> np.ndarray:
        del profiles  # genotype-blind
        return np.where(tried.all(axis=1), STOP, np.argmin(tried, axis=1))


class Guided:
    """Following pgxkg's categories (GUIDED_TIERS), the indication's order within a tier."""

    name = "guided"
    label = "guided by pgxkg"
    dose_follows_genotype = True

    def __init__(self, world: World) -> None:
        n_drugs = world.n_drugs
        self.rank = np.full((len(world.profiles), n_drugs), np.inf)
        for p, profile in enumerate(world.profiles):
            for d, category in enumerate(profile.categories):
                if category in GUIDED_TIERS:
                    self.rank[p, d] = GUIDED_TIERS[category] * n_drugs + d

    def choose(self, profiles: np.ndarray, tried: np.ndarray) -> np.ndarray:
        rank = np.where(tried, np.inf, self.rank[profiles])
        best = np.argmin(rank, axis=1)
        return np.where(np.isinf(rank[np.arange(len(best)), best]), STOP, best)

    def order(self, profile: int) -> list[int]:
        """The drugs this policy would try for a profile, in order (acceptable ones only)."""
        ranks = self.rank[profile]
        return [int(d) for d in np.argsort(ranks, kind="stable") if np.isfinite(ranks[d])]
