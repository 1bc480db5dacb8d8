"""DPWG's per-phenotype recommendations, from PharmCAT's reporter guideline files -> canonical records.

PharmCAT ships the recommendations it reports as ClinPGx guideline annotations *with* their
recommendation rows (the ClinPGx bulk ``guidelineAnnotations.json`` has no rows): until May 2024
one file per guideline (``reporter/guidelines/DPWG_<drugs>_and_<genes>.json``), since then all of
them in ``reporter/prescribing_guidance.json`` (``{"guidelines": [...]}``). Both are read; only
DPWG's guidelines are loaded (CPIC's come from the CPIC API, which is current).

Each row names its drugs (``relatedChemicals``), its text (HTML, read as plain text), its
classification, implications, the three content flags and one ``lookupKey`` per gene, turned into
WHEN conditions as ``pgxkg.loaders.rules`` describes (a list of lookup keys means any of them).
Guidelines are ``DPWG:<ClinPGx id>``, the id ClinPGx's bulk guideline annotations have too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import lxml.html

from pgxkg.loaders.official import FileSpec, UpstreamFile, files_date, files_matching
from pgxkg.loaders.records import EdgeRecord, NodeRecord, Record, RowProblems, SourceInfo, qualified
from pgxkg.loaders.rules import BadKey, GuidelineRow, RuleRecords, dpwg_key, merge_rows, more_specific
from pgxkg.loaders.tables import read_json
from pgxkg.vocab import drug_id

BODY = "DPWG"
SOURCE = SourceInfo(
    name="dpwg",
    version="pharmcat",
    package="",
    package_version="",
    filename="",
    sha256="",
    license="MPL-2.0 (PharmCAT data files); content ClinPGx CC BY-SA 4.0",
    url="https://github.com/PharmGKB/PharmCAT",
    members=("DPWG_*.json", "prescribing_guidance.json"),
    description=(
        "DPWG (Dutch Pharmacogenetics Working Group) recommendations per phenotype, activity score, "
        "diplotype or allele status, with implications, classification and content flags, as PharmCAT "
        "reports them from ClinPGx."
    ),
    official=True,
    provides=frozenset({"recommendations/DPWG", "guidelines/DPWG"}),
)
FILES = (
    FileSpec("DPWG_*.json", json=True, family="guidelines"),
    FileSpec("prescribing_guidance.json", json=True),
)
UPSTREAM = (UpstreamFile("pharmcat_url"),)
_VERSION = re.compile(r"(\d{4}-\d{2}-\d{2})")
_BLOCK_END = re.compile(r"</(?:p|li|h\d|div|tr)>|<br\s*/?>", re.IGNORECASE)


def plain_text(html: str) -> str:
    """The text of an HTML fragment, one line per paragraph or list item."""
    if not html.strip():
        return ""
    fragment = lxml.html.fragment_fromstring(_BLOCK_END.sub("\n", html), create_parent="div")
    return "\n".join(" ".join(line.split()) for line in fragment.text_content().splitlines() if line.strip())


def guideline_documents(files: Mapping[str, Path]) -> Iterator[tuple[Path, dict[str, Any], str | None]]:
    """(file, {guideline, recommendations, citations}, data version) for every guideline in the files."""
    for path in files_matching(dict(files), "DPWG_*.json"):
        document = read_json(path)
        if isinstance(document, dict) and "guideline" in document:
            yield path, document, document.get("version")
    for path in files_matching(dict(files), "prescribing_guidance.json"):
        document = read_json(path)
        elements = document.get("guidelines", []) if isinstance(document, dict) else []
        for element in elements:
            if isinstance(element, dict) and "guideline" in element:
                yield path, element, element.get("version") or document.get("version")
            elif isinstance(element, dict):
                yield path, {"guideline": element, "recommendations": element.get("recommendations") or [],
                             "citations": element.get("citations") or element.get("literature") or []}, \
                    document.get("version")


class DpwgAdapter:
    """Adapter for DPWG's rows in PharmCAT's guideline files."""

    source = SOURCE
    files = FILES
    requires = (("DPWG_*.json", "prescribing_guidance.json"),)
    upstream = UPSTREAM

    def describe(self, files: dict[str, Path], created: dict[str, str], fetched_on: str | None) -> tuple[str, str]:
        versions = sorted({str(v) for _, _, v in guideline_documents(files) if v})
        if versions:
            date = (_VERSION.search(versions[-1]) or [None, ""])[1] or versions[-1]
            return f"DPWG rows from PharmCAT's guideline files, data version {versions[-1]}", date
        day = fetched_on or files_date(files)
        return f"DPWG rows from PharmCAT's guideline files (files dated {day})", day

    def provides_of(self, files: dict[str, Path]) -> frozenset[str]:
        """DPWG's rows for the drugs these files have: PharmCAT covers the genes it calls, not every DPWG
        guideline, so PharmGKB's DPWG rows for the other drugs stay in the build."""
        drugs = {drug_id(c["name"]) for _, document, _ in guideline_documents(files)
                 if str((document.get("guideline") or {}).get("source", "")).upper() == BODY
                 for c in (document.get("guideline") or {}).get("relatedChemicals") or [] if c.get("name")}
        return frozenset(qualified(kind, BODY, drug) for kind in ("recommendations", "guidelines") for drug in drugs)

    def records(self, files: Mapping[str, Path], problems: RowProblems,
                skip: frozenset[str] = frozenset()) -> Iterator[Record]:
        seen: set[tuple[str, str]] = set()
        rows: list[GuidelineRow] = []
        rules = RuleRecords()
        for path, document, version in guideline_documents(files):
            guideline = document.get("guideline") or {}
            if str(guideline.get("source", "")).upper() != BODY:
                continue
            if not guideline.get("id"):
                problems.bad_row(path, 1, "guideline without an id")
                continue
            key = f"{BODY}:{guideline['id']}"
            yield from self.guideline_records(key, guideline, document, version, seen)
            for index, recommendation in enumerate(document.get("recommendations") or [], start=1):
                try:
                    rows += self.rows(key, recommendation)
                except (BadKey, ValueError, TypeError) as error:
                    problems.bad_row(path, index, f"recommendation {recommendation.get('id', index)}: {error}")
        merged = merge_rows(rows)
        unless = more_specific(merged)
        for rule in merged:
            yield from rules.rule(rule, {**rule.same, "implications": list(rule.same.get("implications") or []),
                                         "unless": unless.get(id(rule)), "pharmgkb_ids": rule.lists.get("ids")})

    @staticmethod
    def guideline_records(key: str, guideline: dict[str, Any], document: dict[str, Any], version: str | None,
                          seen: set[tuple[str, str]]) -> Iterator[Record]:
        if ("Guideline", key) in seen:
            return
        seen.add(("Guideline", key))
        drugs = [drug_id(c["name"]) for c in guideline.get("relatedChemicals") or [] if c.get("name")]
        genes = [g["symbol"] for g in guideline.get("relatedGenes") or [] if g.get("symbol")]
        yield NodeRecord("Guideline", key, {k: v for k, v in {
            "source": BODY, "name": guideline.get("name"), "url": guideline.get("url"),
            "version": guideline.get("version"), "pharmgkb_id": guideline["id"], "genes": genes, "drugs": drugs,
            "annotation": True, "data_version": version}.items() if v not in (None, "", [])})
        for drug in drugs:
            yield EdgeRecord("FOR_DRUG", ("Guideline", key), ("Drug", drug))
        for citation in document.get("citations") or []:
            pmid = str(citation.get("pmid") or "").strip()
            if pmid and ("Publication", pmid) not in seen:
                seen.add(("Publication", pmid))
                yield NodeRecord("Publication", pmid, {k: v for k, v in {
                    "pmid": pmid, "title": citation.get("title"), "year": citation.get("year")}.items() if v})
            if pmid:
                yield EdgeRecord("CITES", ("Guideline", key), ("Publication", pmid))

    @staticmethod
    def rows(guideline: str, recommendation: dict[str, Any]) -> list[GuidelineRow]:
        """One row per drug of the recommendation and per lookup key set (a list means any of them)."""
        lookups = recommendation.get("lookupKey")
        lookup_sets = lookups if isinstance(lookups, list) else [lookups]
        if not lookup_sets or not all(isinstance(lookup, dict) and lookup for lookup in lookup_sets):
            raise ValueError("lookupKey names no gene")
        drugs = [c["name"] for c in recommendation.get("relatedChemicals") or [] if c.get("name")]
        if not drugs:
            raise ValueError("no related chemical")
        text_field = recommendation.get("text") or {}
        text = plain_text(text_field.get("html", "") if isinstance(text_field, dict) else str(text_field))
        classification = (recommendation.get("classification") or {}).get("term")
        flags = {"alternate_drug_available": recommendation.get("alternateDrugAvailable"),
                 "dosing_information": recommendation.get("dosingInformation"),
                 "other_prescribing_guidance": recommendation.get("otherPrescribingGuidance")}
        same = {"classification": classification if classification not in (None, "N/A") else None,
                "population": recommendation.get("population") or "general",
                "implications": tuple(str(i) for i in recommendation.get("implications") or []), **flags}
        rows = []
        for lookup in lookup_sets:
            keys = {gene: dpwg_key(gene, value) for gene, value in lookup.items()}
            rows += [GuidelineRow(BODY, drug_id(drug), guideline, text, keys, same,
                                  {"ids": [str(recommendation.get("id"))]}) for drug in drugs]
        return rows
