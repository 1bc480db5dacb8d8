"""``PatientReport`` -> one self-contained HTML page (Jinja2 templates in ``templates/``, the print
stylesheet inline, the network as inline SVG), and the network alone as an SVG document."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from pgxkg.report import network
from pgxkg.report.model import PatientReport

PUBMED = "https://pubmed.ncbi.nlm.nih.gov/{}/"


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("pgxkg.report", "templates"), autoescape=select_autoescape(["j2"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["words"] = lambda value: str(value or "").replace("_", " ")
    env.globals["pubmed"] = PUBMED.format
    return env


def render(report: PatientReport, drawn: network.PatientNetwork | None = None) -> str:
    """The report as HTML (UTF-8 text). ``drawn``: the network, when the caller built it already."""
    drawn = drawn or network.build(report)
    return environment().get_template("report.html.j2").render(
        report=report, network=drawn, risk_colours=network.palette()["risk"], standalone=False)


def svg(drawn: network.PatientNetwork) -> str:
    """The network as a standalone SVG document (labels are text; hover titles on nodes and edges)."""
    return environment().get_template("network.svg.j2").render(network=drawn, standalone=True)
