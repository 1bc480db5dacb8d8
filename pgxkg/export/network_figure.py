"""`pgxkg figure --kind network`: genes, drugs and diseases around a set of centers (the seed paper's
Fig. 12), from the graph (``figure_network.cypher``): a gene's drugs (with evidence levels) and HPO
diseases, a drug's genes and the diseases PharmGKB's clinical annotations link it to, a disease's genes
and annotated drugs. Drawn in three columns (diseases, genes, drugs) so every label can be read.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from pgxkg.errors import InvalidInput
from pgxkg.export.figure import FORMATS, palette
from pgxkg.export.heatmap import CLINPGX_COLOURS, CLINPGX_SCALE, CPIC_COLOURS, CPIC_SCALE
from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher
from pgxkg.queries.research import find_entity

COLUMNS = {"Gene": 0, "Drug": 1, "Disease": 2}
MAX_LABEL = 34


def select(graph: Graph, centers: list[str], limit: int = 12) -> nx.Graph:
    """The network around ``centers`` (gene symbols, drug names, disease ids or names; NotFound with
    suggestions for one that is not in the graph), at most ``limit`` neighbours of each kind per center."""
    found = [find_entity(graph, center) for center in centers]
    unusable = [c for c, f in zip(centers, found, strict=True) if f["label"] not in COLUMNS]
    if unusable:
        raise InvalidInput(f"a network figure centers on genes, drugs or diseases, not {', '.join(unusable)}")
    rows = graph.read(read_cypher("pgxkg.export", "figure_network"), centers=[f["element_id"] for f in found],
                      limit=limit)
    result = nx.Graph()
    for f in found:
        props = f["properties"]
        key = props.get("symbol") if f["label"] == "Gene" else props.get("id") if f["label"] == "Drug" \
            else props.get("name") or props.get("id")
        result.add_node(f"{f['label']}:{key}", kind=f["label"], label=str(key), center=True)
    for row in rows:
        source = f"{row['source_label']}:{row['source']}"
        target = f"{row['target_label']}:{row['target']}"
        for node, kind, label in ((source, row["source_label"], row["source"]),
                                  (target, row["target_label"], row["target"])):
            if node not in result:
                result.add_node(node, kind=kind, label=str(label), center=False)
        result.add_edge(source, target, cpic_level=row.get("cpic_level"), pharmgkb_level=row.get("pharmgkb_level"),
                        annotations=row.get("annotations") or 0)
    return result


def _edge_colour(data: dict) -> str:
    if data.get("cpic_level") in CPIC_SCALE:
        return CPIC_COLOURS[CPIC_SCALE.index(data["cpic_level"])]
    if data.get("pharmgkb_level") in CLINPGX_SCALE:
        return CLINPGX_COLOURS[CLINPGX_SCALE.index(data["pharmgkb_level"])]
    return "#BBBBBB"


def draw(network: nx.Graph, out: Path, title: str = "") -> Path:
    """Draw the network in columns (genes | drugs | diseases) to ``out`` (.svg, .png or .pdf)."""
    if out.suffix.lower() not in FORMATS:
        raise InvalidInput(f"a figure is written as {', '.join(sorted(FORMATS))}, not {out.name!r}")
    if network.number_of_edges() == 0:
        raise InvalidInput("nothing to draw: no gene, drug or disease links around these centers")
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    columns: dict[int, list[str]] = {0: [], 1: [], 2: []}
    for node, data in network.nodes(data=True):
        columns[COLUMNS[data["kind"]]].append(node)
    rows = max(len(c) for c in columns.values())
    position = {}
    for column, members in columns.items():
        # Genes first (centers on top); the other columns by their neighbours' mean row, so lines cross less.
        members.sort(key=lambda n: (not network.nodes[n]["center"], network.nodes[n]["label"].lower()))
        if column:
            before = {n: i for i, n in enumerate(columns[column - 1])}
            members.sort(key=lambda n: (sum(before.get(m, len(before)) for m in network[n]) / max(1, len(network[n])),
                                        network.nodes[n]["label"].lower()))
        offset = (rows - len(members)) / 2
        for i, node in enumerate(members):
            position[node] = (column * 4.0, -(offset + i))
    figure, axes = plt.subplots(figsize=(13, max(4.0, 0.32 * rows + 1.5)))
    for a, b, data in network.edges(data=True):
        (x1, y1), (x2, y2) = position[a], position[b]
        width = 1.8 if data.get("cpic_level") else 1.0 + min(2.0, (data.get("annotations") or 0) / 10)
        axes.plot([x1, x2], [y1, y2], color=_edge_colour(data), linewidth=width, alpha=0.8, zorder=1)
    colours = palette()["types"]
    for node, data in network.nodes(data=True):
        x, y = position[node]
        axes.scatter([x], [y], s=160 if data["center"] else 70, color=colours.get(data["kind"], "#999999"),
                     edgecolors="#222222" if data["center"] else "white", linewidths=2 if data["center"] else 0.6,
                     zorder=2)
        label = data["label"] if len(data["label"]) <= MAX_LABEL else data["label"][: MAX_LABEL - 1] + "…"
        right = COLUMNS[data["kind"]] > 0
        axes.text(x + (0.18 if right else -0.18), y, label, ha="left" if right else "right", va="center",
                  fontsize=8, fontweight="bold" if data["center"] else "normal", zorder=3,
                  bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 0.6})
    handles = [Line2D([], [], marker="o", linestyle="", markersize=8, markerfacecolor=colours.get(k, "#999"),
                      markeredgecolor="white", label=k) for k in ("Gene", "Drug", "Disease")]
    handles += [Line2D([], [], color=CPIC_COLOURS[0], linewidth=2, label="gene-drug: CPIC level (dark = A)"),
                Line2D([], [], color=CLINPGX_COLOURS[2], linewidth=2, label="ClinPGx level (no CPIC level)"),
                Line2D([], [], color="#BBBBBB", linewidth=2, label="gene-disease (HPO)"),
                Line2D([], [], color=CLINPGX_COLOURS[4], linewidth=2,
                       label="drug-disease: PharmGKB annotations (best level)")]
    axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    for column, name in ((0, "Genes"), (1, "Drugs"), (2, "Diseases")):
        axes.text(column * 4.0, 1.0, name, ha="center", fontsize=10, fontweight="bold")
    axes.set_xlim(-3.5, 12.5)
    axes.set_ylim(-rows, 1.6)
    axes.set_axis_off()
    if title:
        axes.set_title(title, fontsize=11)
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, bbox_inches="tight", dpi=200)
    plt.close(figure)
    return out
