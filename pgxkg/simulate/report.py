"""The simulation's outputs: a Markdown summary, JSON, TSV tables and two charts (SVG and PNG).

Every output says "SIMULATION" and carries (or sits beside) the assumption table, the data
sources and the parameters it came from.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from pgxkg.errors import InvalidInput
from pgxkg.simulate.summary import METRICS, POLICIES

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

LABELS = {"trial_and_error": "trial and error (genotype-blind)", "guided": "guided by pgxkg",
          "q_learning": "Q-learning agent"}
METRIC_LABELS = {"adverse_reactions": "adverse reactions", "failures": "treatment failures",
                 "switches": "switches", "unresolved": "unresolved courses", "mean_return": "mean return"}
RATE_METRICS = METRICS[:4]
COLOURS = {"trial_and_error": "#9E9E9E", "guided": "#1F77B4", "q_learning": "#FF7F0E"}


def write_outputs(document: dict, out: Path) -> list[Path]:
    """Write simulation.json, summary.md, assumptions.tsv, learned_policy.tsv, profiles.tsv and the
    charts (comparison, learning_curve; .svg and .png) into ``out``; returns the paths."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InvalidInput(f"cannot create output folder {out}: {error.strerror}") from None
    paths = {
        "simulation.json": to_json(document),
        "summary.md": markdown(document),
        "assumptions.tsv": _assumptions_tsv(document),
        "learned_policy.tsv": _tsv(["state", "held_out_patients", "q_learning_order", "first_choice_agreement",
                                    "guided_orders"],
                                   [[" & ".join(r["state"]), r["held_out_patients"], " > ".join(r["q_learning_order"]),
                                     r["first_choice_agreement"], " | ".join(" > ".join(o) for o in r["guided_orders"])]
                                    for r in document["learned_policy"]]),
        "profiles.tsv": _tsv(["profile", "state", *document["indication"]["drugs"], "held_out_patients",
                              "guided_order", "genotype_examples"],
                             [[p["profile"], " & ".join(p["state"]), *p["categories"].values(), p["held_out_patients"],
                               " > ".join(p["guided_order"]), " | ".join(p.get("genotype_examples", []))]
                              for p in document["profiles"]]),
    }
    written = []
    for name, text in paths.items():
        (out / name).write_text(text)
        written.append(out / name)
    written += comparison_chart(document, out / "comparison")
    written += learning_curve_chart(document, out / "learning_curve")
    return written


def to_json(document: dict) -> str:
    return json.dumps(document, indent=2, default=_json_default) + "\n"


def markdown(document: dict) -> str:
    """The human-readable summary (what `pgxkg simulate` prints)."""
    indication, cohort, settings = document["indication"], document["cohort"], document["settings"]
    runs = document["per_seed"]
    lines = [
        f"# SIMULATION: {indication['title']} ({indication['name']})",
        "",
        f"> {document['disclaimer']}",
        "",
        f"Drugs in first-line order: {', '.join(indication['drugs'])}. Cohort: {_cohort_line(cohort)}; "
        f"{runs[0]['patients']:,} evaluated and {runs[0]['training_patients']:,} training patients per seed, "
        f"{settings['seeds']} seed(s) from seed {settings['seed']}.",
        "",
        "## Per 100 patients (mean over seeds, 95 % CI)",
        "",
        "| policy | " + " | ".join(METRIC_LABELS[m] for m in METRICS) + " |",
        "|---|" + "---:|" * len(METRICS),
    ]
    for policy in POLICIES:
        lines.append(f"| {LABELS[policy]} | "
                     + " | ".join(_cell(document["results"][policy][m]) for m in METRICS) + " |")
    lines += ["", "Difference from trial and error (paired by seed; negative = fewer):", "",
              "| policy | " + " | ".join(METRIC_LABELS[m] for m in METRICS) + " |",
              "|---|" + "---:|" * len(METRICS)]
    for policy, metrics in document["differences_vs_trial_and_error"].items():
        lines.append(f"| {LABELS[policy]} | " + " | ".join(_cell(metrics[m], signed=True) for m in METRICS) + " |")
    lines += ["", "## Learned policy per phenotype state", "",
              "| phenotype state | held-out patients | Q-learning order | same first choice | guided order |",
              "|---|---:|---|---|---|"]
    for row in document["learned_policy"]:
        lines.append(f"| {' & '.join(row['state'])} | {row['held_out_patients']:,} | "
                     f"{' > '.join(row['q_learning_order'])} | {row['first_choice_agreement']} | "
                     f"{' / '.join(' > '.join(o) for o in row['guided_orders'])} |")
    untested = cohort.get("evaluated_patients_with_untested_gene") or {}
    if untested:
        lines += ["", "Untested genes (the rules that need them cannot fire; those drugs count as standard "
                      "unless a multi-gene rule says needs_result): "
                  + ", ".join(f"{g} for {n:,} evaluated patient(s)" for g, n in untested.items()) + "."]
    lines += ["", "## Assumption table (the outcomes come from here)", "",
              f"From `{document['assumptions']['origin']}`.", "",
              "| situation | P(adverse reaction) | P(failure) | note |", "|---|---:|---:|---|"]
    lines += [f"| {r['situation']} | {r['p_adverse']:g} | {r['p_failure']:g} | {r['note']} |"
              for r in document["assumptions"]["rows"]]
    q = document["q_learning"]
    lines += ["", "## Parameters", "",
              f"- Q-learning: {q['update_rule']}; alpha {q['alpha']:g}, gamma {q['gamma']:g}, "
              f"{q['episodes']:,} training episodes per seed, epsilon {q['epsilon_schedule']}; rewards: "
              f"+{q['rewards']['success']:g} success, -{q['rewards']['adverse']:g} adverse reaction, "
              f"-{q['rewards']['failure']:g} failure.",
              *(f"- {LABELS[name]}: {text}" for name, text in document["policies"].items()),
              "", "## Data the categories came from", ""]
    lines += [f"- {s['source']} (release {s.get('release') or s.get('version') or '-'}, data of "
              f"{s.get('date') or 'an unrecorded date'}, loaded {s.get('loaded_at') or '-'}, "
              f"{s.get('license') or 'license not recorded'})" for s in document.get("data_sources", [])]
    return "\n".join(lines) + "\n"


def _cohort_line(cohort: dict) -> str:
    if cohort.get("kind") == "allele frequencies":
        return f"drawn from allele frequencies in `{cohort['path']}` (population {cohort['population']})"
    return f"{cohort.get('kind')} `{cohort.get('path')}` ({cohort.get('patients'):,} patients, split per seed)"


def _cell(summary: dict, signed: bool = False) -> str:
    sign = "+" if signed else ""
    text = f"{summary['mean']:{sign}.2f}"
    if summary["ci95"] is not None:
        low, high = summary["ci95"]
        text += f" ({low:{sign}.2f} to {high:{sign}.2f})"
    return text


def _assumptions_tsv(document: dict) -> str:
    header = ("# SIMULATION INPUT, NOT CLINICAL EVIDENCE: the assumption table this run used, "
              f"from {document['assumptions']['origin']}\n")
    return header + _tsv(["situation", "p_adverse", "p_failure", "note"],
                         [[r["situation"], r["p_adverse"], r["p_failure"], r["note"]]
                          for r in document["assumptions"]["rows"]])


def _tsv(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _json_default(value: object) -> object:
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _pyplot() -> ModuleType:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"  # SVG text stays text
    matplotlib.rcParams["svg.hashsalt"] = "pgxkg"  # stable ids: the same run gives the same file
    import matplotlib.pyplot as plt

    return plt


def _save(figure: Figure, stem: Path) -> list[Path]:
    paths = [stem.with_suffix(".svg"), stem.with_suffix(".png")]
    figure.savefig(paths[0], metadata={"Date": None})
    figure.savefig(paths[1], dpi=150)
    return paths


def comparison_chart(document: dict, stem: Path) -> list[Path]:
    """Grouped bars: adverse reactions, failures, switches, unresolved per 100, per policy, 95 % CI whiskers."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(8, 4.5))
    width = 0.8 / len(POLICIES)
    for i, policy in enumerate(POLICIES):
        summaries = [document["results"][policy][m] for m in RATE_METRICS]
        means = [s["mean"] for s in summaries]
        errors = [[s["mean"] - s["ci95"][0] if s["ci95"] else 0 for s in summaries],
                  [s["ci95"][1] - s["mean"] if s["ci95"] else 0 for s in summaries]]
        positions = [m + (i - (len(POLICIES) - 1) / 2) * width for m in range(len(RATE_METRICS))]
        axes.bar(positions, means, width, yerr=errors, capsize=3, label=LABELS[policy], color=COLOURS[policy])
    axes.set_xticks(range(len(RATE_METRICS)), [METRIC_LABELS[m] for m in RATE_METRICS])
    axes.set_ylabel("per 100 patients")
    axes.legend(frameon=False)
    _titles(figure, axes, document, "per 100 held-out patients, mean and 95 % CI over seeds")
    return _save(figure, stem)


def learning_curve_chart(document: dict, stem: Path) -> list[Path]:
    """The agent's harms per 100 held-out patients (greedy) against training episodes, with the
    other two policies as reference lines; below, the training return and epsilon."""
    plt = _pyplot()
    curve = document["learning_curve"]
    episodes = [p["episodes"] for p in curve]
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6), sharex=True, height_ratios=[2, 1])
    top.plot(episodes, [p["held_out_harms_per_100"] for p in curve], marker=".", color=COLOURS["q_learning"],
             label=LABELS["q_learning"] + " (greedy)")
    for policy in ("trial_and_error", "guided"):
        harms = sum(document["results"][policy][m]["mean"] for m in ("adverse_reactions", "failures"))
        top.axhline(harms, linestyle="--", color=COLOURS[policy], label=LABELS[policy])
    top.set_ylabel("adverse reactions + failures\nper 100 held-out patients")
    top.legend(frameon=False, fontsize=8)
    trained = [p for p in curve if p["training_mean_return"] is not None]
    bottom.plot([p["episodes"] for p in trained], [p["training_mean_return"] for p in trained], color="#555555",
                label="training return")
    bottom.set_ylabel("mean return per\ntraining episode")
    bottom.set_xlabel("training episodes")
    twin = bottom.twinx()
    twin.plot(episodes, [p["epsilon"] for p in curve], color="#2CA02C", linestyle=":", label="epsilon")
    twin.set_ylabel("epsilon")
    twin.set_ylim(0, 1.05)
    bottom.legend(handles=bottom.get_lines() + twin.get_lines(), frameon=False, fontsize=8, loc="lower right")
    _titles(figure, top, document, "Q-learning: learning curve (mean over seeds)")
    return _save(figure, stem)


def _titles(figure: Figure, axes: Axes, document: dict, subtitle: str) -> None:
    axes.set_title(f"SIMULATION: {document['indication']['title']}\n{subtitle}", fontsize=10)
    figure.text(0.01, 0.005, "Simulated outcomes from the assumption table "
                f"{Path(document['assumptions']['origin']).name}; not clinical evidence.", fontsize=7, color="#555555")
    figure.tight_layout(rect=(0, 0.03, 1, 1))
