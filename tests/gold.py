"""The labelled gold set of recommendation categories (tests/data/gold_categories.tsv) against the
categories a loaded graph holds: which rows match, and precision, recall and actionable agreement."""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from pgxkg.vocab import ACTIONABLE, CATEGORIES

GOLD = Path(__file__).resolve().parent / "data" / "gold_categories.tsv"
# Source node name -> the gold set's dataset name.
DATASETS = {"cpic-tables": "pypgx-0.27.0", "pharmgkb-annotations": "panno-0.3.1",
            "cpic-api": "cpic-api-2026-08-13", "dpwg": "pharmcat-reporter-2024-05-29"}
_TAGS = re.compile(r"<[^>]+>")


def text_hash(text: str) -> str:
    """The gold set's key for a text: sha256 of the whitespace-folded, lowercased text (16 hex digits)."""
    return hashlib.sha256(" ".join(text.split()).lower().encode("utf-8")).hexdigest()[:16]


def gold_rows() -> list[dict[str, str]]:
    with GOLD.open(newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@dataclass
class Agreement:
    """Graph categories against gold labels, one pair per matched recommendation."""

    pairs: list[tuple[str, str, dict, dict]] = field(default_factory=list)  # (gold, ours, gold row, graph row)

    @property
    def actionable(self) -> float:
        return sum((gold in ACTIONABLE) == (ours in ACTIONABLE) for gold, ours, _, _ in self.pairs) / len(self.pairs)

    def precision(self, category: str) -> float | None:
        predicted = [gold for gold, ours, _, _ in self.pairs if ours == category]
        return sum(gold == category for gold in predicted) / len(predicted) if predicted else None

    def recall(self, category: str) -> float | None:
        labelled = [ours for gold, ours, _, _ in self.pairs if gold == category]
        return sum(ours == category for ours in labelled) / len(labelled) if labelled else None

    def table(self) -> list[dict]:
        """Per category: rows labelled, rows predicted, precision and recall."""
        return [{"category": c, "labelled": sum(g == c for g, _, _, _ in self.pairs),
                 "predicted": sum(o == c for _, o, _, _ in self.pairs),
                 "precision": self.precision(c), "recall": self.recall(c)} for c in CATEGORIES]


def agreement(graph_rows: list[dict]) -> Agreement:
    """Match the graph's recommendations (``recommendation_categories`` rows) to gold rows by dataset,
    source, drug, population and text hash."""
    index = {(g["dataset"], g["source"], g["drug"], g["population"], g["text_sha256"]): g for g in gold_rows()}
    result = Agreement()
    for row in graph_rows:
        text = row.get("text") or "None"
        for loaded in row.get("loaded_from") or []:
            dataset = DATASETS.get(loaded.split("@")[0])
            population = (row.get("population") or "").strip() if dataset and dataset.startswith("cpic-api") else ""
            for candidate in (text, f'"{text}"', _TAGS.sub(" ", text)):
                gold = index.get((dataset, row["source"], row["drug"], population, text_hash(candidate)))
                if gold:
                    result.pairs.append((gold["category"], row["category"], gold, row))
                    break
    return result
