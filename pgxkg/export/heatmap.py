"""`pgxkg figure --kind heatmap`: genes x drugs coloured by the strongest evidence level (the seed paper's
Fig. 5), from the graph's gene-drug pairs (``figure_heatmap.cypher``).

A cell is coloured by its CPIC level when CPIC has one (blues, A darkest), else by its PharmGKB/ClinPGx
level (oranges, 1A darkest): the two scales are kept apart, never merged into one invented ranking.
The cell's text is the CPIC level (or the ClinPGx level).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pgxkg.errors import InvalidInput
from pgxkg.export.figure import FORMATS
from pgxkg.graph.connection import Graph
from pgxkg.graph.cypher_files import read_cypher
from pgxkg.vocab import ClinPGxLevel, CpicLevel, level_rank

CPIC_SCALE = ["A", "A/B", "B", "B/C", "C", "C/D", "D"]
CLINPGX_SCALE = ["1A", "1B", "2A", "2B", "3", "4"]
CPIC_COLOURS = ["#08306B", "#08519C", "#2171B5", "#4292C6", "#6BAED6", "#9ECAE1", "#C6DBEF"]
CLINPGX_COLOURS = ["#7F2704", "#A63603", "#D94801", "#F16913", "#FD8D3C", "#FDBE85"]


@dataclass
class EvidenceMatrix:
    genes: list[str]
    drugs: list[str]
    cells: dict[tuple[str, str], tuple[str | None, str | None]] = field(default_factory=dict)

    def strength(self, gene: str, drug: str) -> tuple[int, int]:
        """(CPIC rank, ClinPGx rank) of a cell; lower is stronger, 99 when absent."""
        cpic, clinpgx = self.cells.get((gene, drug), (None, None))
        return level_rank(CpicLevel, cpic) if cpic else 99, level_rank(ClinPGxLevel, clinpgx) if clinpgx else 99


def evidence_rows(graph: Graph, genes: list[str] | None = None) -> list[dict]:
    """Gene-drug pairs with a CPIC or ClinPGx level (for ``genes``, or every gene)."""
    return graph.read(read_cypher("pgxkg.export", "figure_heatmap"), genes=list(genes or []))


def matrix(rows: list[dict], genes: list[str] | None = None, top: int = 15, max_drugs: int = 40) -> EvidenceMatrix:
    """The genes asked for (else the ``top`` genes by drugs at CPIC level A/B, then any level) and at most
    ``max_drugs`` drugs (each gene's strongest, in turns), columns grouped under the gene each is strongest for."""
    cells = {(r["gene"], r["drug"]): (r.get("cpic_level"), r.get("pharmgkb_level")) for r in rows}
    present = sorted({g for g, _ in cells})
    if genes:
        wanted = {g.upper(): g for g in genes}
        by_upper = {g.upper(): g for g in present}
        missing = [wanted[g] for g in wanted if g not in by_upper]
        if missing:
            raise InvalidInput(f"no gene-drug evidence for {', '.join(missing)}",
                               [g for g in present if g.upper().startswith(missing[0][:3].upper())][:5])
        chosen = [by_upper[g] for g in wanted]
    else:
        def weight(gene: str) -> tuple[int, int, str]:
            levels = [c for (g, _), c in cells.items() if g == gene]
            strong = sum(1 for cpic, _ in levels if cpic in ("A", "A/B", "B"))
            return -strong, -len(levels), gene

        chosen = sorted(present, key=weight)[:top]
    result = EvidenceMatrix(chosen, [], cells)
    # Every gene gets columns: its strongest drugs, taken in turns across the genes.
    queues = [sorted((d for (g, d) in cells if g == gene), key=lambda d, g=gene: (result.strength(g, d), d))
              for gene in chosen]
    drugs: list[str] = []
    while len(drugs) < max_drugs and any(queues):
        for queue in queues:
            while queue and queue[0] in drugs:
                queue.pop(0)
            if queue and len(drugs) < max_drugs:
                drugs.append(queue.pop(0))
    home = {d: min(range(len(chosen)), key=lambda i, d=d: (result.strength(chosen[i], d), i)) for d in drugs}
    result.drugs = sorted(drugs, key=lambda d: (home[d], result.strength(chosen[home[d]], d), d))
    return result


def draw(found: EvidenceMatrix, out: Path, title: str = "") -> Path:
    """Draw ``found`` to ``out`` (.svg, .png or .pdf)."""
    if out.suffix.lower() not in FORMATS:
        raise InvalidInput(f"a figure is written as {', '.join(sorted(FORMATS))}, not {out.name!r}")
    if not found.genes or not found.drugs:
        raise InvalidInput("nothing to draw: no gene-drug evidence for these genes")
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch, Rectangle

    width = max(6.0, 1.6 + 0.26 * len(found.drugs))
    height = max(3.0, 1.4 + 0.3 * len(found.genes))
    figure, axes = plt.subplots(figsize=(width, height))
    for row, gene in enumerate(found.genes):
        for column, drug in enumerate(found.drugs):
            cpic, clinpgx = found.cells.get((gene, drug), (None, None))
            colour, text = "#FFFFFF", ""
            if cpic in CPIC_SCALE:
                colour, text = CPIC_COLOURS[CPIC_SCALE.index(cpic)], cpic
            elif clinpgx in CLINPGX_SCALE:
                colour, text = CLINPGX_COLOURS[CLINPGX_SCALE.index(clinpgx)], clinpgx
            axes.add_patch(Rectangle((column, row), 1, 1, facecolor=colour, edgecolor="#DDDDDD", linewidth=0.5))
            if text:
                dark = colour in CPIC_COLOURS[:4] or colour in CLINPGX_COLOURS[:3]
                axes.text(column + 0.5, row + 0.5, text, ha="center", va="center", fontsize=6,
                          color="#FFFFFF" if dark else "#111111")
    axes.set_xlim(0, len(found.drugs))
    axes.set_ylim(len(found.genes), 0)
    axes.set_xticks([i + 0.5 for i in range(len(found.drugs))], found.drugs, rotation=60, ha="right", fontsize=7)
    axes.set_yticks([i + 0.5 for i in range(len(found.genes))], found.genes, fontsize=8)
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    handles = [Patch(facecolor=c, label=f"CPIC {lv}") for lv, c in zip(CPIC_SCALE, CPIC_COLOURS, strict=True)]
    handles += [Patch(facecolor=c, label=f"ClinPGx {lv} (no CPIC level)")
                for lv, c in zip(CLINPGX_SCALE, CLINPGX_COLOURS, strict=True)]
    axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=7,
                title="strongest level", title_fontsize=8)
    axes.set_title(title or "Gene-drug evidence: strongest CPIC level, else PharmGKB/ClinPGx level", fontsize=10)
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, bbox_inches="tight", dpi=200)
    plt.close(figure)
    return out
