"""A tabular Q-learning agent for the next drug, with the seed paper's update rule.

- **State** ``s``: the patient's phenotype state (the resolved phenotype of each gene the
  indication's rules test) plus the treatment history (the set of drugs already tried).
  The agent sees phenotypes, not pgxkg's categories: it has to learn which drug suits which
  phenotype from outcomes alone.
- **Action** ``a``: the next drug, among those not yet tried. Like the guided policy it sees
  the genotype, so a drug whose category is ``adjust_dose`` is given at the adjusted dose.
- **Reward** ``r``: ``Rewards`` (default +1 for a prescription that works, -1 for an adverse
  reaction, -0.5 for a failure). A course ends at a success or when every drug was tried.
- **Update** after every prescription, exactly the seed's
  ``Q(s,a) <- Q(s,a) + alpha [r + gamma max_a' Q(s',a') - Q(s,a)]``, where ``s'`` is the
  state after the prescription and the max is over the drugs not yet tried in ``s'``
  (0 when the course has ended). Q starts at 0 everywhere.
- **Exploration**: epsilon-greedy; epsilon falls linearly from ``epsilon_start`` to
  ``epsilon_end`` over the first ``epsilon_decay`` fraction of the training episodes, then
  stays at ``epsilon_end``. A random action is uniform over the untried drugs.
- **Acting** (evaluation): greedy, ties broken by the indication's order, so a state never
  seen in training gets the genotype-blind first-line order.

Training episodes draw a training patient at random (with replacement) and fresh outcomes
for every prescription; the agent is evaluated on held-out patients only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from itertools import pairwise

import numpy as np

from pgxkg.errors import InvalidInput
from pgxkg.simulate.episodes import Rewards
from pgxkg.simulate.policies import STOP
from pgxkg.simulate.world import GENOTYPE_DOSE, World


@dataclass(frozen=True)
class QLearningParameters:
    """Documented in every output. ``checkpoints``: points on the learning curve."""

    episodes: int = 20_000
    alpha: float = 0.1
    gamma: float = 0.9
    epsilon_start: float = 1.0
    epsilon_end: float = 0.05
    epsilon_decay: float = 0.8
    checkpoints: int = 40
    rewards: Rewards = field(default_factory=Rewards)

    def __post_init__(self) -> None:
        if self.episodes < 1:
            raise InvalidInput(f"episodes is {self.episodes}; the agent needs at least 1 training episode")
        for name in ("alpha", "gamma", "epsilon_start", "epsilon_end", "epsilon_decay"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise InvalidInput(f"{name} is {value:g}; it must lie between 0 and 1")
        if self.alpha == 0.0:
            raise InvalidInput("alpha is 0: the agent would learn nothing; use a learning rate in (0, 1]")
        if self.epsilon_end > self.epsilon_start:
            raise InvalidInput(f"epsilon_end ({self.epsilon_end:g}) is above epsilon_start "
                               f"({self.epsilon_start:g}); epsilon decays")
        if self.checkpoints < 1:
            raise InvalidInput("checkpoints must be at least 1")

    def epsilon(self, episode: int) -> float:
        """The exploration rate of training episode ``episode`` (0-based)."""
        span = self.epsilon_decay * self.episodes
        progress = 1.0 if span <= 0 else min(1.0, episode / span)
        return self.epsilon_start + (self.epsilon_end - self.epsilon_start) * progress

    def as_dict(self) -> dict:
        data = asdict(self)
        data["update_rule"] = "Q(s,a) <- Q(s,a) + alpha [r + gamma max_a' Q(s',a') - Q(s,a)]"
        data["epsilon_schedule"] = (f"linear from {self.epsilon_start:g} to {self.epsilon_end:g} over the first "
                                    f"{self.epsilon_decay:.0%} of {self.episodes} episodes, then constant")
        return data


class QAgent:
    """The Q table (lazily, per visited (state, history)) and the greedy policy it implies."""

    name = "q_learning"
    label = "Q-learning agent"
    dose_follows_genotype = True

    def __init__(self, world: World, parameters: QLearningParameters) -> None:
        self.world = world
        self.parameters = parameters
        self.n_drugs = world.n_drugs
        self.full = (1 << self.n_drugs) - 1
        self.untried = [[a for a in range(self.n_drugs) if not mask >> a & 1] for mask in range(self.full + 1)]
        self.q: dict[tuple[int, int], list[float]] = {}
        self.visits: dict[tuple[int, int], list[int]] = {}

    def values(self, state: int, mask: int) -> list[float]:
        key = (state, mask)
        if key not in self.q:
            self.q[key] = [0.0] * self.n_drugs
            self.visits[key] = [0] * self.n_drugs
        return self.q[key]

    def greedy(self, state: int, mask: int) -> int:
        """The untried drug with the highest Q, the first in the indication's order on a tie; STOP if none."""
        candidates = self.untried[mask]
        if not candidates:
            return STOP
        values = self.q.get((state, mask))
        if values is None:
            return candidates[0]
        return max(candidates, key=lambda a: (values[a], -a))

    def choose(self, profiles: np.ndarray, tried: np.ndarray) -> np.ndarray:
        masks = tried.astype(np.int64) @ (1 << np.arange(self.n_drugs, dtype=np.int64))
        keys = self.world.state_of[profiles] * (self.full + 1) + masks
        unique, inverse = np.unique(keys, return_inverse=True)
        actions = np.array([self.greedy(int(k) // (self.full + 1), int(k) % (self.full + 1)) for k in unique],
                           dtype=np.int64)
        return actions[inverse.reshape(-1)]

    def sequence(self, state: int) -> list[int]:
        """The drugs the greedy policy tries in ``state`` if each one fails, in order."""
        mask, order = 0, []
        while (action := self.greedy(state, mask)) != STOP:
            order.append(action)
            mask |= 1 << action
        return order

    def train(self, training_profiles: np.ndarray, rng: np.random.Generator,
              checkpoint: Callable[[int, float | None, float], None] | None = None) -> None:
        """Run ``parameters.episodes`` training episodes on ``training_profiles`` (profile indices).

        ``checkpoint(episodes_done, mean_training_return_of_block, epsilon)`` is called before
        training (return None) and ``parameters.checkpoints`` times, evenly spaced, for the
        learning curve.
        """
        if len(training_profiles) == 0:
            raise InvalidInput("no training patients: the Q-learning agent needs at least one")
        params = self.parameters
        if checkpoint is not None:
            checkpoint(0, None, params.epsilon(0))  # the untrained agent: genotype-blind first-line order
        bounds = np.linspace(0, params.episodes, min(params.checkpoints, params.episodes) + 1).astype(int)
        for start, stop in pairwise(bounds):
            block_return = self._train_block(training_profiles, rng, int(start), int(stop))
            if checkpoint is not None:
                checkpoint(int(stop), block_return / max(1, stop - start), params.epsilon(int(stop) - 1))

    def _train_block(self, training_profiles: np.ndarray, rng: np.random.Generator, start: int, stop: int) -> float:
        params, world, n_drugs = self.parameters, self.world, self.n_drugs
        alpha, gamma = params.alpha, params.gamma
        r_success, c_adverse, c_failure = params.rewards.success, params.rewards.adverse, params.rewards.failure
        count = stop - start
        patients = training_profiles[rng.integers(len(training_profiles), size=count)].tolist()
        explore, pick, u_adverse, u_failure = (rng.random((count, n_drugs)).tolist() for _ in range(4))
        p_adverse = world.p_adverse[:, :, GENOTYPE_DOSE].tolist()
        p_failure = world.p_failure[:, :, GENOTYPE_DOSE].tolist()
        state_of = world.state_of.tolist()
        total = 0.0
        for e in range(count):
            epsilon = params.epsilon(start + e)
            profile = patients[e]
            state = state_of[profile]
            mask = 0
            for line in range(n_drugs):
                values = self.values(state, mask)
                candidates = self.untried[mask]
                if explore[e][line] < epsilon:
                    action = candidates[int(pick[e][line] * len(candidates))]
                else:
                    action = max(candidates, key=lambda a, v=values: (v[a], -a))
                adverse = u_adverse[e][line] < p_adverse[profile][action]
                failure = u_failure[e][line] < p_failure[profile][action]
                success = not adverse and not failure
                reward = (r_success if success else 0.0) - c_adverse * adverse - c_failure * failure
                after = mask | 1 << action
                done = success or after == self.full
                future = 0.0 if done else max(self.values(state, after)[a] for a in self.untried[after])
                values[action] += alpha * (reward + gamma * future - values[action])
                self.visits[(state, mask)][action] += 1
                total += reward
                if done:
                    break
                mask = after
        return total
