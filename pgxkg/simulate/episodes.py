"""One course of treatment per patient under a policy, for many patients at once.

Each prescription of drug ``d`` to patient ``i`` ends in an adverse reaction when
``u_adverse[i, d] < P(adverse)`` and, independently, in a failure when
``u_failure[i, d] < P(failure)`` (probabilities from the World, at the policy's dosing).
Either one stops the drug and the policy chooses again (a *switch*); neither is a success
and ends the course. The uniforms are drawn once per patient and drug and shared by every
policy (common random numbers): a simulated patient responds to a given drug the same way
whichever policy prescribes it, so the policies are compared on the same patients.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pgxkg.simulate.policies import STOP, Policy
from pgxkg.simulate.world import AS_USUAL, GENOTYPE_DOSE, World


@dataclass(frozen=True)
class Rewards:
    """The reward of one prescription: ``success`` if it works, minus ``adverse`` for a reaction
    and ``failure`` for a failure (both when both happen). The Q-learning agent learns from it;
    every policy's mean return is reported on the same scale."""

    success: float = 1.0
    adverse: float = 1.0
    failure: float = 0.5

    def of(self, adverse: np.ndarray | bool, failure: np.ndarray | bool) -> np.ndarray | float:
        ok = ~np.asarray(adverse) & ~np.asarray(failure)
        return self.success * ok - self.adverse * np.asarray(adverse) - self.failure * np.asarray(failure)


@dataclass(frozen=True)
class Courses:
    """Totals over the patients of one evaluation."""

    patients: int
    prescriptions: int
    adverse_reactions: int
    failures: int
    switches: int
    unresolved: int  # courses that ended without a success: every drug was tried
    mean_return: float
    drug_prescriptions: np.ndarray  # (drugs,)
    first_choice: np.ndarray  # (patients,) drug index or STOP

    def per_100(self) -> dict[str, float]:
        scale = 100.0 / self.patients if self.patients else float("nan")
        return {
            "adverse_reactions": self.adverse_reactions * scale,
            "failures": self.failures * scale,
            "switches": self.switches * scale,
            "unresolved": self.unresolved * scale,
            "prescriptions": self.prescriptions * scale,
        }


def evaluate(world: World, policy: Policy, profiles: np.ndarray, u_adverse: np.ndarray, u_failure: np.ndarray,
             rewards: Rewards) -> Courses:
    """Run every patient's course under ``policy`` (vectorised: one pass per line of treatment)."""
    n, n_drugs = len(profiles), world.n_drugs
    dosing = GENOTYPE_DOSE if policy.dose_follows_genotype else AS_USUAL
    tried = np.zeros((n, n_drugs), dtype=bool)
    alive = np.ones(n, dtype=bool)
    succeeded = np.zeros(n, dtype=bool)
    counts = np.zeros(n, dtype=np.int64)
    first = np.full(n, STOP, dtype=np.int64)
    drug_counts = np.zeros(n_drugs, dtype=np.int64)
    adverse_total = failure_total = 0
    total_return = 0.0
    for line in range(n_drugs):
        who = np.flatnonzero(alive)
        if who.size == 0:
            break
        chosen = policy.choose(profiles[who], tried[who])
        stopped = chosen == STOP
        alive[who[stopped]] = False
        who, chosen = who[~stopped], chosen[~stopped]
        if line == 0:
            first[who] = chosen
        p = profiles[who]
        adverse = u_adverse[who, chosen] < world.p_adverse[p, chosen, dosing]
        failure = u_failure[who, chosen] < world.p_failure[p, chosen, dosing]
        success = ~adverse & ~failure
        tried[who, chosen] = True
        counts[who] += 1
        np.add.at(drug_counts, chosen, 1)
        adverse_total += int(adverse.sum())
        failure_total += int(failure.sum())
        total_return += float(np.sum(rewards.of(adverse, failure)))
        succeeded[who[success]] = True
        alive[who[success]] = False
    treated = counts > 0
    return Courses(
        patients=n, prescriptions=int(counts.sum()), adverse_reactions=adverse_total, failures=failure_total,
        switches=int((counts[treated] - 1).sum()), unresolved=int((~succeeded).sum()),
        mean_return=total_return / n if n else float("nan"),
        drug_prescriptions=drug_counts, first_choice=first,
    )
