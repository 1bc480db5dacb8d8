"""`pgxkg figure --kind heatmap | network` on the real graph: the seed paper's gene-drug evidence heatmap
(Fig. 5) and gene-drug-disease network (Fig. 12), written as SVG (text stays text), PNG and PDF."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pgxkg.errors import InvalidInput, NotFound
from pgxkg.export import heatmap, network_figure
from pgxkg.graph.connection import Graph

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_the_heatmap_colours_each_pair_by_its_strongest_level(loaded_graph: Graph, tmp_path: Path) -> None:
    found = heatmap.matrix(heatmap.evidence_rows(loaded_graph, ["CYP2C19", "CYP2D6", "HLA-B"]),
                           ["CYP2C19", "CYP2D6", "HLA-B"], max_drugs=30)
    assert found.genes == ["CYP2C19", "CYP2D6", "HLA-B"]
    assert found.cells[("CYP2C19", "clopidogrel")][0] == "A"  # CPIC level A
    assert found.cells[("HLA-B", "abacavir")][0] == "A" and found.cells[("CYP2D6", "codeine")][0] == "A"
    assert {"clopidogrel", "abacavir", "codeine"} <= set(found.drugs) and len(found.drugs) <= 30
    homes = [next(g for g in found.genes if (g, d) in found.cells) for d in found.drugs]
    assert homes.index("HLA-B") > homes.index("CYP2C19")  # columns grouped under their gene
    out = heatmap.draw(found, tmp_path / "heatmap.svg")
    svg = out.read_text()
    assert "clopidogrel" in svg and "CPIC A" in svg and "HLA-B" in svg
    ARTIFACTS.mkdir(exist_ok=True)
    heatmap.draw(heatmap.matrix(heatmap.evidence_rows(loaded_graph), top=15), ARTIFACTS / "figure-heatmap.png")
    assert (ARTIFACTS / "figure-heatmap.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_heatmap_for_a_gene_without_evidence_is_a_clear_error(loaded_graph: Graph) -> None:
    with pytest.raises(InvalidInput, match="no gene-drug evidence for NOTAGENE"):
        heatmap.matrix(heatmap.evidence_rows(loaded_graph, ["NOTAGENE"]), ["NOTAGENE"])


def test_the_network_joins_genes_drugs_and_diseases_around_the_centers(loaded_graph: Graph, tmp_path: Path) -> None:
    drawn = network_figure.select(loaded_graph, ["CYP2C19", "clopidogrel"], limit=10)
    kinds = {data["kind"] for _, data in drawn.nodes(data=True)}
    assert kinds == {"Gene", "Drug", "Disease"}
    assert drawn.has_edge("Gene:CYP2C19", "Drug:clopidogrel")
    assert drawn.edges["Gene:CYP2C19", "Drug:clopidogrel"]["cpic_level"] == "A"
    diseases = [n for n, d in drawn.nodes(data=True) if d["kind"] == "Disease"]
    assert diseases and all(drawn.has_edge("Drug:clopidogrel", n) for n in diseases)  # PharmGKB annotations
    assert drawn.nodes["Gene:CYP2C19"]["center"] and not drawn.nodes["Drug:omeprazole"]["center"]
    assert sum(1 for n in drawn["Gene:CYP2C19"] if n.startswith("Drug:")) <= 10
    network_figure.draw(drawn, tmp_path / "network.pdf")
    assert (tmp_path / "network.pdf").read_bytes()[:5] == b"%PDF-"
    ARTIFACTS.mkdir(exist_ok=True)
    network_figure.draw(drawn, ARTIFACTS / "figure-network-CYP2C19-clopidogrel.png")


def test_an_unknown_center_names_near_matches(loaded_graph: Graph) -> None:
    with pytest.raises(NotFound) as error:
        network_figure.select(loaded_graph, ["CYP2C91"])
    assert "CYP2C19 (Gene)" in error.value.suggestions


def test_the_cli_draws_both_kinds_and_says_what_is_missing(built_report, tmp_path: Path) -> None:
    out = tmp_path / "fig.svg"
    done = subprocess.run([sys.executable, "-m", "pgxkg.cli", "figure", "--kind", "heatmap", "-g", "TPMT",
                           "-g", "NUDT15", "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "2 genes x" in done.stderr and "azathioprine" in out.read_text()
    done = subprocess.run([sys.executable, "-m", "pgxkg.cli", "figure", "--kind", "network", "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "needs --center" in done.stderr and "Traceback" not in done.stderr
