"""Prescribing policies: which drug next, for many patients at once.

A policy maps (profile, drugs already tried) to the next drug, or STOP. Every policy
prescribes each drug at most once per patient; a patient's course ends at the first
prescription with neither an adverse reaction nor a failure (see ``episodes``).

- **trial and error**: genotype-blind. The indication's first-line drug, then the next one in
  the indication's order after each failure or reaction; the usual dose throughout.
- **guided** (following pgxkg): drugs in order of the category pgxkg gives them for this
  patient (``GUIDED_TIERS``: standard and no_recommendation first, then adjust_dose and caution,
  then needs_result, then alternative, avoid last), the indication's order within a tier; an
  ``adjust_dose`` drug is given at the guideline's adjusted dose. A drug pgxkg advises against
  is thus a last resort, tried only once every other drug has failed or caused a reaction, as
  a prescriber with no other option would. Every policy can try every drug, so no policy looks
  safer merely by stopping sooner: when the table makes the genotype irrelevant they tie.
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
    "alternative": 3,
    "avoid": 4,
}
UNKNOWN_TIER = 5  # a category this table does not know yet goes last


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
        self.rank = np.array([[GUIDED_TIERS.get(category, UNKNOWN_TIER) * n_drugs + d
                               for d, category in enumerate(profile.categories)] for profile in world.profiles],
                             dtype=float)

    def choose(self, profiles: np.ndarray, tried: np.ndarray) -> np.ndarray:
        rank = np.where(tried, np.inf, self.rank[profiles])
        return np.where(tried.all(axis=1), STOP, np.argmin(rank, axis=1))

    def order(self, profile: int) -> list[int]:
        """The drugs this policy tries for a profile, in order, if each one fails."""
        return [int(d) for d in np.argsort(self.rank[profile], kind="stable")]
