"""The simulated world of one indication: distinct patient profiles and their outcome probabilities.

A *profile* is what the simulation knows about a patient: the phenotype *state* (the
resolved phenotype of every gene the indication's rules test, "not tested" when absent)
and the category pgxkg's risk answer gives each drug. Patients are indices into the
profiles; no database is needed from here on, so the policies can be tested on a
synthetic profile table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pgxkg.errors import InvalidInput
from pgxkg.simulate.assumptions import Assumptions

AS_USUAL, GENOTYPE_DOSE = 0, 1  # dosing axis of the probability arrays


@dataclass(frozen=True)
class Profile:
    """``state``: ("CYP2C19:Poor Metabolizer", ...); ``categories``: one per drug, indication order;
    ``no_rule``: per drug, whether no rule fired (the category is then standard by default)."""

    state: tuple[str, ...]
    categories: tuple[str, ...]
    no_rule: tuple[bool, ...]


@dataclass(frozen=True)
class World:
    """Profiles and per (profile, drug, dosing) outcome probabilities from the assumption table.

    ``p_adverse[p, d, AS_USUAL]`` is the probability of an adverse reaction when drug ``d`` is
    given to a patient of profile ``p`` at the usual dose; ``[..., GENOTYPE_DOSE]`` at the dose
    the genotype calls for (differs only for ``adjust_dose``). ``p_failure`` likewise.
    """

    drugs: tuple[str, ...]
    profiles: tuple[Profile, ...]
    states: tuple[tuple[str, ...], ...]
    state_of: np.ndarray  # profile -> index into states
    p_adverse: np.ndarray  # (profiles, drugs, 2)
    p_failure: np.ndarray  # (profiles, drugs, 2)

    @classmethod
    def build(cls, drugs: Sequence[str], profiles: Sequence[Profile], assumptions: Assumptions) -> World:
        drugs = tuple(drugs)
        if len(drugs) < 2:
            raise InvalidInput(f"an indication needs at least two drugs to choose between, not {len(drugs)}")
        if not profiles:
            raise InvalidInput("the cohort is empty: no patient to simulate")
        for profile in profiles:
            if len(profile.categories) != len(drugs) or len(profile.no_rule) != len(drugs):
                raise InvalidInput(f"profile {profile.state} has {len(profile.categories)} categories "
                                   f"for {len(drugs)} drugs")
            unknown = sorted({c for c in profile.categories if c not in assumptions.rows})
            if unknown:
                raise InvalidInput(f"category {', '.join(unknown)} has no row in the assumption table "
                                   f"{assumptions.origin}", sorted(assumptions.rows))
        states = tuple(dict.fromkeys(p.state for p in profiles))
        state_index = {s: i for i, s in enumerate(states)}
        shape = (len(profiles), len(drugs), 2)
        p_adverse, p_failure = np.empty(shape), np.empty(shape)
        for i, profile in enumerate(profiles):
            for d, category in enumerate(profile.categories):
                for dosing in (AS_USUAL, GENOTYPE_DOSE):
                    outcome = assumptions.outcome(category, dose_follows_genotype=dosing == GENOTYPE_DOSE)
                    p_adverse[i, d, dosing] = outcome.p_adverse
                    p_failure[i, d, dosing] = outcome.p_failure
        return cls(drugs=drugs, profiles=tuple(profiles), states=states,
                   state_of=np.array([state_index[p.state] for p in profiles], dtype=np.int64),
                   p_adverse=p_adverse, p_failure=p_failure)

    @property
    def n_drugs(self) -> int:
        return len(self.drugs)
