"""Per-seed results -> means with 95 % confidence intervals, paired differences, the learned policy.

Intervals are Student-t intervals over the seeds (``scipy.stats.t``): each seed is one
independent replicate of the whole experiment (cohort draw or split, outcomes, training),
so the interval says how much the figure moves between replicates, not how certain any
clinical quantity is. Differences against trial and error are paired by seed (the same
patients and the same outcome draws).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import stats

from pgxkg.simulate.policies import Guided
from pgxkg.simulate.qlearning import QAgent
from pgxkg.simulate.world import World

POLICIES = ("trial_and_error", "guided", "q_learning")
METRICS = ("adverse_reactions", "failures", "switches", "unresolved", "mean_return")
BASELINE = "trial_and_error"


def interval(values: Sequence[float]) -> dict:
    """Mean, sample SD and the 95 % Student-t interval of the mean (None with fewer than 2 values)."""
    data = np.asarray(values, dtype=float)
    mean = float(data.mean())
    if len(data) < 2:
        return {"mean": mean, "sd": None, "ci95": None, "seeds": len(data)}
    sd = float(data.std(ddof=1))
    half = float(stats.t.ppf(0.975, len(data) - 1)) * sd / math.sqrt(len(data))
    return {"mean": mean, "sd": sd, "ci95": [mean - half, mean + half], "seeds": len(data)}


def summarise(world: World, per_seed: list[dict], agents: list[QAgent], guided: Guided) -> dict:
    """The JSON-ready summary of every seed's results."""
    def values(policy: str, metric: str) -> list[float]:
        return [run["policies"][policy][metric] for run in per_seed]

    results = {p: {m: interval(values(p, m)) for m in METRICS} for p in POLICIES}
    differences = {
        p: {m: interval([a - b for a, b in zip(values(p, m), values(BASELINE, m), strict=True)]) for m in METRICS}
        for p in POLICIES if p != BASELINE
    }
    evaluated = np.sum([run["evaluation_profiles"] for run in per_seed], axis=0)
    return {
        "results": results,
        "differences_vs_trial_and_error": differences,
        "learned_policy": _learned_policy(world, agents, guided, evaluated),
        "profiles": _profiles(world, guided, evaluated),
        "learning_curve": _mean_curve(per_seed),
        "per_seed": per_seed,
    }


def _learned_policy(world: World, agents: list[QAgent], guided: Guided, evaluated: np.ndarray) -> list[dict]:
    """Per phenotype state: the agent's greedy order (modal over seeds), and the guided orders."""
    rows = []
    for s, state in enumerate(world.states):
        members = [p for p in range(len(world.profiles)) if world.state_of[p] == s]
        patients = int(sum(evaluated[p] for p in members))
        orders = Counter(tuple(world.drugs[a] for a in agent.sequence(s)) for agent in agents)
        firsts = Counter(order[0] for order in (tuple(world.drugs[a] for a in agent.sequence(s)) for agent in agents))
        modal, agreement = firsts.most_common(1)[0]
        q_values = [agent.q.get((s, 0)) for agent in agents]
        trained = [v for v in q_values if v is not None]
        rows.append({
            "state": list(state),
            "held_out_patients": patients,
            "q_learning_first_choice": modal,
            "first_choice_agreement": f"{agreement}/{len(agents)} seeds",
            "q_learning_order": list(orders.most_common(1)[0][0]),
            "q_values_first_line": ({d: float(np.mean([v[i] for v in trained])) for i, d in enumerate(world.drugs)}
                                    if trained else None),
            "training_visits_first_line": int(sum(sum(agent.visits.get((s, 0), [0])) for agent in agents)),
            "guided_orders": sorted({tuple(world.drugs[d] for d in guided.order(p)) for p in members}),
            "categories": [dict(zip(world.drugs, world.profiles[p].categories, strict=True)) for p in members],
        })
    rows.sort(key=lambda row: -row["held_out_patients"])
    return rows


def _profiles(world: World, guided: Guided, evaluated: np.ndarray) -> list[dict]:
    return [{
        "profile": p,
        "state": list(profile.state),
        "categories": {d: c + (" (no rule)" if no_rule else "")
                       for d, c, no_rule in zip(world.drugs, profile.categories, profile.no_rule, strict=True)},
        "held_out_patients": int(evaluated[p]),
        "guided_order": [world.drugs[d] for d in guided.order(p)],
    } for p, profile in enumerate(world.profiles)]


def _mean_curve(per_seed: list[dict]) -> list[dict]:
    """The learning curve averaged over seeds (checkpoints are at the same episodes in every seed)."""
    curves = [run["learning_curve"] for run in per_seed]
    keys = ("epsilon", "training_mean_return", "held_out_mean_return", "held_out_harms_per_100")
    return [{"episodes": points[0]["episodes"], **{k: _mean([pt[k] for pt in points]) for k in keys}}
            for points in zip(*curves, strict=True)]


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return float(np.mean(present)) if present else None
