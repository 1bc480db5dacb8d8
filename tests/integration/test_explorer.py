"""The explorer page in a real headless Chromium against a real uvicorn server and the real graph.

Screenshots go to test-artifacts/ (git-ignored), to be looked at.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import networkx as nx
import pytest

from pgxkg.api.explorer import VENDOR
from pgxkg.graph.connection import Graph
from pgxkg.graph.scratch import free_port

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def server(built_report) -> Iterator[str]:
    """`uvicorn` in a subprocess, reaching the session's Neo4j (with the real graph built) through the
    environment the session set (PGXKG_HOME, PGXKG_BOLT_PORT, or NEO4J_URI)."""
    assert VENDOR.is_file(), f"{VENDOR} is missing: run `make install` (npm ci --prefix pgxkg/api/explorer)"
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "pgxkg.api.app:create_app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"], env=dict(os.environ))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, "the API server exited"
            assert time.monotonic() < deadline, "the API server did not answer within 30 s"
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture()
def page(server: str):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).is_file(), "headless tests need Debian's chromium: apt-get install -y chromium"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        yield tab
        browser.close()
        assert not errors, f"JavaScript errors on the page: {errors}"


def has_node(page, ident: str) -> bool:
    return page.evaluate("(id) => explorer.node(id).length > 0", ident)


def node_on_screen(page, ident: str) -> tuple[float, float]:
    x, y = page.evaluate("(id) => { const p = explorer.node(id).renderedPosition(); "
                         "return [p.x, p.y]; }", ident)
    box = page.locator("#cy").bounding_box()
    return box["x"] + x, box["y"] + y


def click_node(page, ident: str) -> None:
    """A real mouse click on the node's position on the canvas."""
    page.mouse.click(*node_on_screen(page, ident))


def test_search_expand_risk_and_download(loaded_graph: Graph, page, server: str, tmp_path: Path) -> None:
    page.goto(server + "/")
    assert page.title() == "pgxkg explorer"
    assert page.locator("#status").inner_text() == "", "no error banner: the network library loaded"

    page.fill("#search", "CYP2C19")
    result = page.locator("#results li[data-key='CYP2C19']")
    result.wait_for()
    assert "Gene" in result.inner_text()
    result.click()
    page.wait_for_function("explorer.node('Drug:clopidogrel').length > 0")
    assert page.evaluate("explorer.node('Gene:CYP2C19').hasClass('center')")
    colours = page.evaluate("[...new Set(explorer.cy.nodes().map(n => n.style('background-color')))]")
    assert len(colours) >= 4, "nodes are coloured by type"
    legend = page.locator("#legend").inner_text()
    assert "Gene" in legend and "Drug" in legend
    page.wait_for_timeout(300)
    page.screenshot(path=ARTIFACTS / "explorer-search-CYP2C19.png")

    before = page.evaluate("explorer.cy.nodes().length")
    click_node(page, "Drug:clopidogrel")
    page.wait_for_function("explorer.view.centers.includes('clopidogrel') && "
                           "explorer.cy.nodes('[type = \"Guideline\"]').length > 0")
    assert page.evaluate("explorer.cy.nodes().length") > before
    page.mouse.move(5, 5)
    page.mouse.move(*node_on_screen(page, "Drug:clopidogrel"))  # the layout moved it: hover it again
    details = page.locator("#details")
    assert "clopidogrel" in details.inner_text() and "sources" in details.inner_text()
    page.wait_for_timeout(300)
    page.screenshot(path=ARTIFACTS / "explorer-expand-clopidogrel.png")

    page.fill("#genotype", "CYP2C19 *2/*2")
    page.click("#check-risk")
    # CYP2C19 *2/*2: CPIC's "avoid standard dose clopidogrel if possible; use prasugrel or ticagrelor"
    page.wait_for_function("['risk-avoid', 'risk-alternative']"
                           ".some(c => explorer.node('Drug:clopidogrel').hasClass(c))")
    category = page.evaluate("explorer.node('Drug:clopidogrel').data('category')")
    assert category == "alternative"  # CPIC: avoid clopidogrel *if possible*, use prasugrel or ticagrelor
    risk = page.locator("#risks li[data-node='Drug:clopidogrel']")
    assert category in risk.inner_text() and "prasugrel" in risk.inner_text()
    assert f"risk: {category}" in page.locator("#legend").inner_text()
    page.wait_for_timeout(300)
    page.screenshot(path=ARTIFACTS / "explorer-genotype-CYP2C19-2-2.png")

    # "Download this view" of a patient's picture exports the risk subgraph behind it: every drug and gene
    # drawn, with its role, plus the recommendations the picture folds into its edges.
    page.select_option("#format", "graphml")
    with page.expect_download() as download:
        page.click("#download")
    saved = tmp_path / "view.graphml"
    download.value.save_as(saved)
    view = nx.read_graphml(saved, force_multigraph=True)
    exported = {data["pgxkg_id"]: data for _, data in view.nodes(data=True)}
    assert exported["Drug:clopidogrel"]["role"] == f"risk:{category}"
    drawn = page.evaluate("explorer.cy.nodes('.drug, .gene').map(n => n.data('pgxkg_id'))")
    assert drawn and set(drawn) <= set(exported)
    assert any(data["type"] == "Recommendation" for data in exported.values())


FIFTEEN_GENES = ("CYP2C19 *2/*2; CYP2D6 *4/*4; CYP2C9 *3/*3; CYP3A5 *1/*1; CYP2B6 *6/*6; TPMT *3A/*3A; "
                 "NUDT15 *3/*3; SLCO1B1 *5/*5; UGT1A1 *28/*28; DPYD 0.5; HLA-B *57:01 positive; "
                 "HLA-A *31:01 positive; CYP4F2 *3/*3; IFNL3 Unfavorable Response; rs9923231 T/T")


def test_a_fifteen_gene_patient_view_is_readable_at_1400x900(loaded_graph: Graph, page, server: str) -> None:
    """A genotype that flags dozens of drugs: the picture keeps to the node budget, draws no Recommendation
    nodes, and no two labels overlap at the default size; the list offers only suitable alternatives."""
    page.goto(server + "/")
    page.fill("#genotype", FIFTEEN_GENES)
    page.click("#check-risk")
    page.wait_for_function("explorer.view.network && explorer.cy.nodes('.drug').length > 0", timeout=60_000)
    page.wait_for_timeout(300)
    nodes = page.evaluate("""() => explorer.cy.nodes().map(n => ({
        id: n.id(), kind: n.data('kind'), type: n.data('type'), label: n.data('label'),
        box: n.renderedBoundingBox({includeLabels: true}), font: parseFloat(n.renderedStyle('font-size'))}))""")
    assert 30 < len(nodes) <= 60
    assert {n["kind"] for n in nodes} == {"gene", "phenotype", "drug", "alternative"}
    assert not [n for n in nodes if n["type"] not in {"Gene", "Phenotype", "Drug"}]
    overlaps = [(a["label"], b["label"]) for i, a in enumerate(nodes) for b in nodes[i + 1:]
                if a["box"]["x1"] < b["box"]["x2"] and b["box"]["x1"] < a["box"]["x2"]
                and a["box"]["y1"] < b["box"]["y2"] and b["box"]["y1"] < a["box"]["y2"]]
    assert not overlaps
    canvas = page.locator("#cy").bounding_box()
    for node in nodes:  # every node is on screen, its label at a readable size
        assert node["font"] >= 11, node
        assert node["box"]["x1"] >= 0 and node["box"]["x2"] <= canvas["width"], node
        assert node["box"]["y1"] >= 0 and node["box"]["y2"] <= canvas["height"], node
    genes = {n["label"].split(" ")[0] for n in nodes if n["kind"] == "gene"}
    assert {"CYP2C19", "HLA-B", "TPMT", "VKORC1"} <= genes and len(genes) == 15
    drawn_alternatives = {n["label"] for n in nodes if n["kind"] == "alternative"}
    flagged = set(page.evaluate("[...document.querySelectorAll('#risks li')].map(li => li.dataset.node.slice(5))"))
    assert drawn_alternatives and not drawn_alternatives & flagged  # never a drug this genotype flags
    for item in page.locator("#risks .instead").all_inner_texts():
        offered = {name.strip() for name in item.removeprefix("instead:").split(",")}
        assert not offered & flagged, item
    edge = page.evaluate("explorer.cy.edges('.recommendation').first().data()")
    assert edge["title"] and ":" in edge["title"]  # the sources and their verdicts, on hover
    page.screenshot(path=ARTIFACTS / "explorer-patient-15-genes.png")


def test_missing_network_library_is_reported(loaded_graph: Graph, page, server: str) -> None:
    page.route("**/vendor/cytoscape.min.js", lambda route: route.fulfill(status=404, body="missing"))
    page.goto(server + "/")
    banner = page.locator("#status")
    banner.wait_for()
    assert "make install" in banner.inner_text() and "cytoscape" in banner.inner_text()
    page.screenshot(path=ARTIFACTS / "explorer-missing-library.png")
