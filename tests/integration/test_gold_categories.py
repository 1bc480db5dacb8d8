"""The graph's recommendation categories measured against the hand-labelled gold set (issue 13).

The README states these figures (between ``gold:start``/``gold:end``); the test fails if they drift.
"""

from __future__ import annotations

import re
from pathlib import Path

from pgxkg.graph.connection import Graph
from pgxkg.queries.research import run_named
from pgxkg.vocab import CATEGORIES
from tests.gold import agreement

README = Path(__file__).resolve().parents[2] / "README.md"
MIN_ACTIONABLE = 0.98
MIN_PRECISION = 0.95


def measured(graph: Graph):
    return agreement(run_named(graph, "recommendation_categories", {"drug": ""}))


def test_categories_agree_with_the_gold_set(loaded_graph: Graph) -> None:
    result = measured(loaded_graph)
    assert len(result.pairs) >= 200, "too few gold rows match the loaded recommendations"
    misses = [(gold["id"], gold["drug"], gold["lookup"], gold["category"], ours, row["reason"])
              for gold_category, ours, gold, row in result.pairs if gold_category != ours]
    assert result.actionable >= MIN_ACTIONABLE, misses
    for category in CATEGORIES:
        precision = result.precision(category)
        assert precision is None or precision >= MIN_PRECISION, (category, precision, misses)


def test_the_readme_states_the_measured_figures(loaded_graph: Graph) -> None:
    block = re.search(r"<!-- gold:start -->(.*?)<!-- gold:end -->", README.read_text(), re.S)
    assert block, "README has no gold-set figures block"
    assert block.group(1).strip() == readme_block(measured(loaded_graph)).strip()


def readme_block(result) -> str:
    """The README's figures block (``python -m tests.gold_readme`` writes it)."""
    def pct(value: float | None) -> str:
        return "-" if value is None else f"{100 * value:.1f} %"
    lines = [f"Matched gold rows: **{len(result.pairs)}**; actionable vs not agree on "
             f"**{pct(result.actionable)}**.", "",
             "| category | labelled | predicted | precision | recall |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {r['category']} | {r['labelled']} | {r['predicted']} | {pct(r['precision'])} | {pct(r['recall'])} |"
              for r in result.table()]
    return "\n".join(lines)
