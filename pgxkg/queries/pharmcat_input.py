"""PharmCAT's results as genotype input: its ``phenotype.json``, its ``report.json`` and its
outside-call TSV.

PharmCAT (PharmGKB/PharmCAT) writes, per gene, a ``GeneReport``: ``sourceDiplotypes`` (what was
called: ``label`` such as ``*1/*3``, ``rs9923231 reference (C)/rs9923231 variant (T)`` or
``Reference/[c.498G>A + c.2582A>G]``, with its ``phenotypes`` and ``activityScore``) and
``callSource`` (MATCHER, OUTSIDE, NONE). ``phenotype.json`` holds them as
``geneReports: {CPIC: {gene: report}, DPWG: {...}}``; ``report.json`` as ``genes: {gene: report}``
(PharmCAT 3; PharmCAT 2 keyed them by source too). Each called gene becomes a diplotype fact
plus PharmCAT's phenotypes, all ``advisory``: what the loaded data cannot read is listed in the
answer with the reason rather than failing the whole file, while a phenotype the data know and
disagree with is still refused as a contradiction (``phenotype.py``).
"""

from __future__ import annotations

from typing import Any

from pgxkg.errors import InvalidInput
from pgxkg.queries import notation
from pgxkg.queries.genotype_input import GeneInput, classify, from_outside_call_tsv, parse_json

_REPORT_KEYS = {"pharmcatVersion", "dataVersion", "drugs", "matcherMetadata"}
_NO_PHENOTYPE = {"", "n/a", "no result", "not available"}


def kind_of(data: dict) -> str | None:
    """``"phenotype"`` for a phenotype.json object, ``"report"`` for a report.json one, else None."""
    if isinstance(data.get("geneReports"), dict):
        return "phenotype"
    if isinstance(data.get("genes"), dict) and _REPORT_KEYS & data.keys():
        return "report"
    return None


def read_document(data: dict, origin: str) -> list[GeneInput]:
    """A phenotype.json or report.json object -> facts per gene (``origin: GENE`` says where)."""
    section = data["geneReports"] if kind_of(data) == "phenotype" else data["genes"]
    items: list[GeneInput] = []
    for gene, report in sorted(_gene_reports(section).items()):
        if isinstance(report, dict):
            items += _gene_items(gene, report, f"{origin}: {gene}")
    if not items:
        raise InvalidInput(f"{origin}: the PharmCAT result reports no gene")
    return items


def read_pharmcat(text: str, origin: str) -> list[GeneInput]:
    """Any of PharmCAT's three files, recognised by content; raises InvalidInput for anything else."""
    text = text.lstrip("\ufeff")
    if text.lstrip().startswith("{"):
        data = parse_json(text, origin)
        if not isinstance(data, dict) or not kind_of(data):
            keys = ", ".join(list(data)[:6]) if isinstance(data, dict) else type(data).__name__
            raise InvalidInput(f"{origin}: not a PharmCAT phenotype.json or report.json "
                               f"(expected 'geneReports' or 'genes'; found {keys})")
        return read_document(data, origin)
    if text.startswith("##fileformat=VCF"):
        raise InvalidInput(f"{origin} is a VCF, not PharmCAT's results: give it with --vcf (alleles are "
                           "called from it), or PharmCAT's phenotype.json or report.json with --pharmcat")
    if "\t" in text:
        return from_outside_call_tsv(text, origin)
    raise InvalidInput(f"{origin}: not a PharmCAT file: expected a phenotype.json, a report.json or an "
                       "outside-call TSV (gene<TAB>diplotype[<TAB>phenotype[<TAB>activity score]])")


def _gene_reports(section: dict[str, Any]) -> dict[str, dict]:
    """``{gene: report}`` whether PharmCAT keyed the reports by gene or by source (CPIC first)."""
    if all(isinstance(v, dict) and ("geneSymbol" in v or "sourceDiplotypes" in v) for v in section.values()):
        return section
    merged: dict[str, dict] = {}
    for source in sorted(section, key=lambda s: (s != "CPIC", s)):
        for gene, report in (section[source] or {}).items():
            merged.setdefault(gene, report)
    return merged


def _gene_items(gene: str, report: dict, origin: str) -> list[GeneInput]:
    diplotypes = [d for d in report.get("sourceDiplotypes") or report.get("recommendationDiplotypes") or []
                  if isinstance(d, dict)]
    labels = list(dict.fromkeys(str(d["label"]) for d in diplotypes if d.get("label")))
    if report.get("callSource") == "NONE" or not labels or all(notation.is_no_call(x) for x in labels):
        return [GeneInput(gene, "nocall", labels[0] if labels else "no call", origin=origin, advisory=True)]
    if len(labels) > 1:  # PharmCAT could not tell them apart: an uncertain call
        return [classify(gene, " or ".join(labels), origin, advisory=True)]
    items = [classify(gene, labels[0], origin, advisory=True)]
    call = diplotypes[0]
    for phenotype in dict.fromkeys(str(p) for p in call.get("phenotypes") or []):
        if phenotype.strip().lower() not in _NO_PHENOTYPE:
            items.append(classify(gene, phenotype, origin, advisory=True))
    score = call.get("activityScore")
    if score not in (None, "") and notation.activity(str(score)):
        items.append(classify(gene, str(score), origin, advisory=True))
    return items


def with_overrides(items: list[GeneInput], overrides: list[GeneInput]) -> list[GeneInput]:
    """PharmCAT's facts with the genes ``overrides`` names replaced by them (as ``--vcf`` does)."""
    replaced = {item.gene.upper() for item in overrides}
    return [i for i in items if i.gene.upper() not in replaced] + list(overrides)
