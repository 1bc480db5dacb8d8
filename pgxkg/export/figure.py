"""`pgxkg figure`: a static network picture for a paper (networkx layout, matplotlib drawing).

Colours come from the explorer's palette, so a figure and the page agree.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

import networkx as nx

from pgxkg.errors import InvalidInput

FORMATS = {".svg", ".png", ".pdf"}
MAX_LABEL = 26


@cache
def palette() -> dict:
    return json.loads((resources.files("pgxkg.api") / "explorer" / "static" / "palette.json").read_text())


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def draw(graph: nx.MultiDiGraph, out: Path, title: str = "", centers: list[str] | None = None) -> Path:
    """Draw ``graph`` to ``out`` (.svg, .png or .pdf): nodes coloured by type, a legend, edge labels."""
    if out.suffix.lower() not in FORMATS:
        raise InvalidInput(f"a figure is written as {', '.join(sorted(FORMATS))}, not {out.name!r}")
    if graph.number_of_nodes() == 0:
        raise InvalidInput("nothing to draw: the selection is empty")
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"  # SVG text stays text: searchable, editable in a paper
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    colours, other = palette()["types"], palette()["other"]
    wanted = {c.lower() for c in centers or []}
    is_center = {n: str(d.get("key", "")).lower() in wanted or str(d.get("name", "")).lower() in wanted
                 for n, d in graph.nodes(data=True)}
    simple = nx.Graph(graph.to_undirected(as_view=True))
    layout = nx.spring_layout(simple, seed=7, k=1.6 / max(1, simple.number_of_nodes()) ** 0.5, iterations=200)
    size = min(16.0, 6 + graph.number_of_nodes() / 12)
    figure, axes = plt.subplots(figsize=(size, size * 0.75))
    nx.draw_networkx_edges(simple, layout, ax=axes, edge_color="#BBBBBB", width=0.8)
    if graph.number_of_edges() <= 60:
        edge_labels = {(u, v): k for u, v, k in graph.edges(keys=True)}
        nx.draw_networkx_edge_labels(simple, layout, edge_labels=edge_labels, ax=axes, font_size=5,
                                     font_color="#666666", rotate=False)
    types = sorted({d.get("type", "") for _, d in graph.nodes(data=True)})
    for kind in types:
        members = [n for n, d in graph.nodes(data=True) if d.get("type") == kind]
        nx.draw_networkx_nodes(graph, layout, nodelist=members, ax=axes, node_color=colours.get(kind, other),
                               node_size=[520 if is_center[n] else 180 for n in members],
                               edgecolors=["#222222" if is_center[n] else "white" for n in members],
                               linewidths=[2.0 if is_center[n] else 0.6 for n in members])
    labels = {n: _short(str(d.get("label") or d.get("name") or n)) for n, d in graph.nodes(data=True)}
    nx.draw_networkx_labels(graph, {n: (x, y - 0.035) for n, (x, y) in layout.items()}, labels=labels,
                            ax=axes, font_size=6, verticalalignment="top")
    handles = [Line2D([], [], marker="o", linestyle="", markersize=8, markerfacecolor=colours.get(k, other),
                      markeredgecolor="white", label=k) for k in types]
    axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8,
                title="node type", title_fontsize=8)
    if title:
        axes.set_title(title, fontsize=11)
    axes.set_axis_off()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, bbox_inches="tight", dpi=200)
    plt.close(figure)
    return out
