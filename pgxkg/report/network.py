"""The patient's network, drawn to be read: genes -> phenotypes -> drugs -> alternatives, in columns.

Each recommendation is folded into its drug's edge (one edge per gene and drug, coloured by the
drug's category, the sources and their verdicts as its hover label); suitable alternatives hang off
their drug on dashed edges. Drugs with standard care are not drawn (they are counted), so a 15-gene
genotype stays within ``MAX_NODES``. The layout is computed here, once, so the report's SVG and the
explorer (which places the same nodes with cytoscape.js's ``preset`` layout) show the same picture,
and labels cannot overlap: every node sits in its own row of its own column, each column as wide as
its widest label.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from pydantic import BaseModel, Field

from pgxkg.report.model import DrugEntry, GeneResult, PatientReport
from pgxkg.vocab import CATEGORY_RANK, Category

MAX_NODES = 60
MAX_ROWS = 28  # nodes per column, so a column fits a 900-pixel-high view at full size
MAX_ALTERNATIVES_PER_DRUG = 2
ALTERNATIVE_RESERVE = 6  # nodes kept for alternatives when drugs would fill the budget
FONT_SIZE = 12
ROW_HEIGHT = 26
NODE_HEIGHT = 20
COLUMN_GAP = 70
MAX_LABEL = 30
DRAWN = (Category.AVOID, Category.ALTERNATIVE, Category.ADJUST_DOSE, Category.CAUTION, Category.NEEDS_RESULT)
COLUMNS = ("gene", "phenotype", "drug", "alternative")
COLUMN_TITLES = {"gene": "Gene", "phenotype": "Phenotype", "drug": "Drug: what to do", "alternative": "Instead"}
ALTERNATIVE_COLOUR = "#1B7837"
NEUTRAL_COLOUR = "#888888"


@cache
def palette() -> dict:
    """The explorer's palette (``pgxkg/api/explorer/static/palette.json``): the report uses its colours."""
    return json.loads((resources.files("pgxkg.api") / "explorer" / "static" / "palette.json").read_text())


class NetworkNode(BaseModel):
    id: str
    kind: str = Field(description="gene, phenotype, drug or alternative")
    label: str = Field(description="the text drawn (shortened to fit)")
    title: str = Field(description="the full text, shown on hover")
    key: str = Field(description="the graph node's key (gene symbol, phenotype id, drug id, drug class code)")
    graph_label: str | None = Field(None, description="the graph node's label when the kind does not say it "
                                                      "(DrugClass: a rule about a class of drugs)")
    category: str | None = Field(None, description="a drug's category for this genotype")
    colour: str = Field(description="fill")
    border: str
    text_colour: str
    x: float = Field(description="centre, pixels")
    y: float = Field(description="centre, pixels")
    width: float
    height: float


class NetworkEdge(BaseModel):
    id: str
    source: str
    target: str
    kind: str = Field(description="genotype (gene -> phenotype), recommendation (phenotype -> drug) or "
                                  "alternative (drug -> alternative, dashed)")
    category: str | None = None
    colour: str
    label: str = Field(description="shown on hover: the sources and their verdicts, or why an alternative fits")
    dashed: bool = False


class PatientNetwork(BaseModel):
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    width: float
    height: float
    not_drawn: dict[str, int] = Field(default_factory=dict,
                                      description="drugs left out, by why: standard care, over the node budget...")
    legend: list[tuple[str, str]] = Field(default_factory=list, description="(label, colour) of what is drawn")
    columns: list[tuple[str, float]] = Field(default_factory=list, description="(title, centre x) of each column")


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """A generous estimate of the rendered width of ``text`` in a sans-serif font (pixels)."""
    wide = sum(1 for c in text if c.isupper() or c.isdigit() or c in "*/mwMW")
    return (len(text) - wide) * size * 0.58 + wide * size * 0.72


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def build(report: PatientReport) -> PatientNetwork:
    """The network of one report (see the module docstring for what is drawn and how it is laid out)."""
    colours = palette()
    risk_colour = {**colours["risk"]}
    genes = [g for g in report.genes if g.gene]
    by_gene = {g.gene: g for g in genes}
    drugs = [d for d in report.drugs() if d.category in DRAWN and set(d.genes) & set(by_gene)]
    not_drawn: dict[str, int] = {}
    for drug in report.drugs():
        if drug.category not in DRAWN:
            not_drawn[drug.category.value] = not_drawn.get(drug.category.value, 0) + 1
        elif not set(drug.genes) & set(by_gene):
            not_drawn["needs an untested gene"] = not_drawn.get("needs an untested gene", 0) + 1
    wanted = len({a.drug for d in drugs for a in d.instead[:MAX_ALTERNATIVES_PER_DRUG]})
    room = min(MAX_ROWS, MAX_NODES - 2 * len(genes) - min(ALTERNATIVE_RESERVE, wanted))
    drugs.sort(key=lambda d: (CATEGORY_RANK[d.category], d.drug))
    if len(drugs) > room:
        not_drawn["over the node budget"] = len(drugs) - max(room, 0)
        drugs = drugs[: max(room, 0)]
    alternatives = _alternatives(drugs, budget=min(MAX_ROWS, MAX_NODES - 2 * len(genes) - len(drugs)))

    nodes: dict[str, NetworkNode] = {}
    edges: list[NetworkEdge] = []
    gene_colour, phenotype_colour = colours["types"]["Gene"], colours["types"]["Phenotype"]
    for gene in genes:
        nodes[f"gene:{gene.gene}"] = _node(f"gene:{gene.gene}", "gene", _gene_label(gene), _gene_title(gene),
                                           gene_colour, key=gene.gene)
        phenotype = _phenotype_label(gene)
        nodes[f"phenotype:{gene.gene}"] = _node(f"phenotype:{gene.gene}", "phenotype", phenotype,
                                                f"{gene.gene}: {phenotype}", phenotype_colour,
                                                key=f"{gene.gene}:{gene.phenotype}" if gene.phenotype else "")
        edges.append(NetworkEdge(id=f"e:gene:{gene.gene}", source=f"gene:{gene.gene}",
                                 target=f"phenotype:{gene.gene}", kind="genotype", colour=NEUTRAL_COLOUR,
                                 label=" / ".join(gene.how) or gene.given))
    for drug in drugs:
        colour = risk_colour.get(drug.category.value, NEUTRAL_COLOUR)
        nodes[f"drug:{drug.drug}"] = _node(f"drug:{drug.drug}", "drug", drug.drug,
                                           f"{drug.drug}: {drug.category.value.replace('_', ' ')}"
                                           + (f" ({drug.category_reason})" if drug.category_reason else ""),
                                           colour, drug.category.value, key=drug.drug_class or drug.drug)
        if drug.drug_class:
            nodes[f"drug:{drug.drug}"].graph_label = "DrugClass"
        for gene in sorted(set(drug.genes) & set(by_gene)):
            edges.append(NetworkEdge(id=f"e:{gene}:{drug.drug}", source=f"phenotype:{gene}",
                                     target=f"drug:{drug.drug}", kind="recommendation",
                                     category=drug.category.value, colour=colour, label=_verdicts(drug, gene)))
    for name, (reason, sources) in alternatives.items():
        ident = f"alternative:{name}"
        nodes[ident] = _node(ident, "alternative", name, f"{name}: {reason}", "#FFFFFF", None, ALTERNATIVE_COLOUR,
                             key=name)
        for source in sources:
            edges.append(NetworkEdge(id=f"e:{source}:alt:{name}", source=f"drug:{source}", target=ident,
                                     kind="alternative", colour=ALTERNATIVE_COLOUR, dashed=True,
                                     label=f"instead of {source}: {reason}"))
    width, height, columns = _layout(list(nodes.values()), edges)
    drawn = {n.category for n in nodes.values() if n.kind == "drug"}
    legend = [(f"{c.value.replace('_', ' ')}", risk_colour.get(c.value, NEUTRAL_COLOUR)) for c in DRAWN
              if c.value in drawn]
    if alternatives:
        legend.append(("suitable alternative (dashed)", ALTERNATIVE_COLOUR))
    return PatientNetwork(nodes=list(nodes.values()), edges=edges, width=width, height=height,
                          not_drawn=not_drawn, legend=legend, columns=columns)


def _alternatives(drugs: list[DrugEntry], budget: int) -> dict[str, tuple[str, list[str]]]:
    """Suitable alternatives (at most two per drug, shared ones once) within ``budget`` nodes."""
    drawn = {d.drug for d in drugs}
    found: dict[str, tuple[str, list[str]]] = {}
    for drug in drugs:
        for alternative in drug.instead[:MAX_ALTERNATIVES_PER_DRUG]:
            if alternative.drug in drawn:
                continue
            if alternative.drug in found:
                found[alternative.drug][1].append(drug.drug)
            elif len(found) < budget:
                found[alternative.drug] = (alternative.reason, [drug.drug])
    return found


def _node(ident: str, kind: str, label: str, title: str, colour: str, category: str | None = None,
          border: str | None = None, key: str = "") -> NetworkNode:
    shown = _short(label)
    return NetworkNode(id=ident, kind=kind, label=shown, title=title, key=key, category=category, colour=colour,
                       border=border or colour, text_colour=_readable_on(colour), x=0, y=0,
                       width=round(text_width(shown) + 18, 1), height=NODE_HEIGHT)


def _readable_on(fill: str) -> str:
    """Black or white text, whichever contrasts more with ``fill`` (WCAG relative luminance)."""
    channels = [int(fill.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#111111" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#FFFFFF"


def _gene_label(gene: GeneResult) -> str:
    return gene.gene if gene.kind in ("phenotype", "rsid") else f"{gene.gene} {gene.result}"


def _gene_title(gene: GeneResult) -> str:
    origin = {"called": "called from the VCF", "pharmcat": "from PharmCAT's results"}.get(gene.origin, "given")
    parts = [gene.given, origin]
    if gene.quality is not None:
        parts.append(f"{gene.quality.positions_read} positions read, {gene.quality.positions_missing} missing")
    return "; ".join(parts)


def _phenotype_label(gene: GeneResult) -> str:
    if gene.uncertain:
        return "uncertain: needs a result"
    if gene.kind == "rsid":  # a variant's genotype is the fact the rules test (VKORC1 rs9923231 T/T)
        return gene.given
    phenotype = gene.phenotype or "no phenotype"
    if phenotype.startswith(gene.gene):  # HLA: "HLA-B*57:01 positive" reads as "*57:01 positive"
        phenotype = phenotype.replace(f"{gene.gene}", "")
    return phenotype


def _verdicts(drug: DrugEntry, gene: str) -> str:
    """``CPIC: avoid (Strong); DPWG: alternative`` for the recommendations naming ``gene``."""
    parts = [f"{r.source}: {r.category.value.replace('_', ' ')}"
             + (f" ({r.classification})" if r.classification else "")
             for r in drug.recommendations if gene in r.genes or not r.genes]
    if not parts:
        parts = [drug.uncertainty or f"needs {', '.join(drug.needs_results_for)}"]
    return "; ".join(dict.fromkeys(parts))


def _layout(nodes: list[NetworkNode], edges: list[NetworkEdge]) -> tuple[float, float, list[tuple[str, float]]]:
    """Columns by kind, under a header row; rows ordered by the mean row of each node's neighbours in the column before
    (then the column after, for the first columns), which keeps edges short and crossings few."""
    columns = {kind: [n for n in nodes if n.kind == kind] for kind in COLUMNS}
    before: dict[str, list[str]] = {}
    after: dict[str, list[str]] = {}
    for edge in edges:
        after.setdefault(edge.source, []).append(edge.target)
        before.setdefault(edge.target, []).append(edge.source)
    rank = {n.id: (CATEGORY_RANK.get(n.category or "", 9), n.label) for n in nodes}
    columns["drug"].sort(key=lambda n: rank[n.id])
    position = {n.id: i for i, n in enumerate(columns["drug"])}
    far = len(position) + 1

    def mean(ids: list[str]) -> float:
        found = [position[i] for i in ids if i in position]
        return sum(found) / len(found) if found else far

    for kind in ("phenotype", "gene"):
        columns[kind].sort(key=lambda n: (mean(after.get(n.id, [])), n.label))
        position.update({n.id: i for i, n in enumerate(columns[kind])})
    columns["drug"].sort(key=lambda n: (mean(before.get(n.id, [])), rank[n.id]))
    position.update({n.id: i for i, n in enumerate(columns["drug"])})
    columns["alternative"].sort(key=lambda n: (mean(before.get(n.id, [])), n.label))

    rows = max(len(c) for c in columns.values())
    height = (rows + 2) * ROW_HEIGHT  # a header row above, half a row of margin each side
    x = COLUMN_GAP / 2
    width = x
    headers = []
    for kind in COLUMNS:
        column = columns[kind]
        if not column:
            continue
        widest = max(max(n.width for n in column), text_width(COLUMN_TITLES[kind]))
        top = ROW_HEIGHT * 1.5 + (rows - len(column)) * ROW_HEIGHT / 2 + ROW_HEIGHT / 2
        for i, node in enumerate(column):
            node.x = round(x + widest / 2, 1)
            node.y = round(top + i * ROW_HEIGHT, 1)
        headers.append((COLUMN_TITLES[kind], round(x + widest / 2, 1)))
        x += widest + COLUMN_GAP
        width = x - COLUMN_GAP / 2
    return round(width, 1), round(height, 1), headers


def cytoscape(network: PatientNetwork) -> dict:
    """Cytoscape.js elements with preset positions (the explorer's patient view)."""
    labels = {"gene": "Gene", "phenotype": "Phenotype", "drug": "Drug", "alternative": "Drug"}
    nodes = [{"data": {"id": n.id, "label": n.label, "title": n.title, "kind": n.kind, "category": n.category,
                       "key": n.key, "pgxkg_id": f"{n.graph_label or labels[n.kind]}:{n.key}" if n.key else None,
                       "colour": n.colour, "border": n.border, "text_colour": n.text_colour, "w": n.width,
                       "h": n.height},
              "position": {"x": n.x, "y": n.y}, "classes": " ".join(c for c in (n.kind, n.category) if c)}
             for n in network.nodes]
    edges = [{"data": {"id": e.id, "source": e.source, "target": e.target, "kind": e.kind, "category": e.category,
                       "colour": e.colour, "title": e.label},
              "classes": " ".join(c for c in (e.kind, "dashed" if e.dashed else "") if c)}
             for e in network.edges]
    return {"elements": {"nodes": nodes, "edges": edges}, "width": network.width, "height": network.height,
            "not_drawn": network.not_drawn, "legend": network.legend, "columns": network.columns}
