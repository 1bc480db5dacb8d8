"""CPIC's database through its REST API v1 (api.cpicpgx.org/v1, PostgREST JSON) -> canonical records.

Files (one JSON array per table, as ``<url>/<table>?select=*`` answers; ``guideline`` with its
``publication`` rows embedded), plus CPIC's data change log (``data.tsv`` of cpicpgx/cpic-data):

=====================  ==========================================================================
file                   becomes
=====================  ==========================================================================
``recommendation``     Recommendation rules (``pgxkg.loaders.rules``): lookup keys per gene ->
                       WHEN conditions; CPIC's own signals as properties: ``classification``,
                       ``population``, ``implications``, the three content flags
                       (``alternate_drug_available``, ``dosing_information``,
                       ``other_prescribing_guidance``), ``lookup``, ``activity_scores``,
                       ``allele_status``, ``source_phenotypes``, ``comments``, ``cpic_ids``
``guideline``          Guideline ``CPIC:<ClinPGx id>`` (name, version, url, genes) -CITES-> Publication
``drug``               Drug (RxNorm, ATC and its classes, DrugBank, ClinPGx id, UMLS CUI)
``gene``               Gene (HGNC, NCBI, Ensembl and ClinPGx ids, CPIC's lookup method)
``pair_view``          Gene -INTERACTS_WITH-> Drug (CPIC level and status, ClinPGx level, PGx
                       testing on the FDA label, PMIDs)
``data.tsv``           the last change CPIC logged for each guideline's drugs (``last_change``)
=====================  ==========================================================================

Every record the API returns is checked for the fields read here; a record without them is a bad
row reported as file:line (the line where the record starts).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pgxkg.loaders.cpic import atc_records
from pgxkg.loaders.official import FileSpec, UpstreamFile, files_date, one_file
from pgxkg.loaders.records import EdgeRecord, FirstRecords, Record, RowProblems, SourceFileError, SourceInfo
from pgxkg.loaders.rules import BadKey, GuidelineRow, RuleRecords, cpic_key, merge_rows, more_specific
from pgxkg.loaders.tables import continued_rows, json_items
from pgxkg.vocab import drug_id

SOURCE = SourceInfo(
    name="cpic-api",
    version="v1",
    package="",
    package_version="",
    filename="",
    sha256="",
    license="CC0 1.0 (CPIC); CPIC asks to cite the URL, the date accessed and the version",
    url="https://api.cpicpgx.org/v1/",
    members=("recommendation.json", "guideline.json", "drug.json", "gene.json", "pair_view.json", "data.tsv"),
    description=(
        "CPIC's database as its API serves it: every recommendation with lookup keys per gene, "
        "classification, population and implications; guidelines with publications; drugs with RxNorm, "
        "ATC, DrugBank and ClinPGx ids; genes; gene-drug pairs with CPIC and ClinPGx levels."
    ),
    official=True,
    provides=frozenset({"recommendations/CPIC", "guidelines/CPIC", "gene_drug_pairs", "drugs"}),
)
CHANGELOG_HEADER = ("Date of Change", "Type of Data", "Subject", "Note of Change")
FILES = (
    FileSpec("recommendation.json", json=True),
    FileSpec("guideline.json", json=True),
    FileSpec("drug.json", json=True),
    FileSpec("gene.json", json=True),
    FileSpec("pair_view.json", json=True),
    FileSpec("data.tsv", columns=CHANGELOG_HEADER),
)
UPSTREAM = (
    UpstreamFile("cpic_api_url", "recommendation?select=*", "recommendation.json"),
    UpstreamFile("cpic_api_url", "guideline?select=*,publication(title,pmid,year)", "guideline.json"),
    UpstreamFile("cpic_api_url", "drug?select=*", "drug.json"),
    UpstreamFile("cpic_api_url", "gene?select=*", "gene.json"),
    UpstreamFile("cpic_api_url", "pair_view?select=*", "pair_view.json"),
    UpstreamFile("cpic_changelog_url", "", "data.tsv", optional=True),
)
FIELDS = {
    "recommendation.json": ("id", "guidelineid", "drugid", "drugrecommendation", "lookupkey", "implications",
                            "phenotypes", "activityscore", "allelestatus", "classification", "population"),
    "guideline.json": ("id", "name", "url", "genes"),
    "drug.json": ("drugid", "name"),
    "gene.json": ("symbol",),
    "pair_view.json": ("drugname", "genesymbol", "cpiclevel"),
}
CHANGE_TYPES = frozenset({"RECOMMENDATION", "GUIDELINE", "PAIR", "DRUG"})
MISSING = frozenset({"", "n/a", "N/A", "None"})
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class BadRecord(ValueError):
    """A record that is reported (file:line) and skipped."""


def text(record: Mapping[str, Any], name: str) -> str | None:
    value = record.get(name)
    if value is None:
        return None
    value = str(value).strip()
    return None if value in MISSING else value


def per_gene(values: Any, keep: frozenset[str] = frozenset()) -> dict[str, str]:
    """A ``{gene: value}`` object with the not-applicable values left out (except those in ``keep``:
    a lookup key ``n/a`` means "no activity score could be computed", a condition of its own)."""
    if values in (None, ""):
        return {}
    if not isinstance(values, dict):
        raise BadRecord(f"expected an object of genes, got {values!r}")
    return {str(gene): str(value).strip() for gene, value in values.items()
            if value is not None and (str(value).strip() not in MISSING or str(value).strip() in keep)}


def listed(values: Mapping[str, str]) -> list[str]:
    return [f"{gene}: {value}" for gene, value in sorted(values.items())]


class CpicApiAdapter:
    """Adapter for the CPIC API v1 tables."""

    source = SOURCE
    files = FILES
    requires = (("recommendation.json",), ("guideline.json",), ("drug.json",))
    upstream = UPSTREAM

    def describe(self, files: dict[str, Path], created: dict[str, str], fetched_on: str | None) -> tuple[str, str]:
        """The API holds no release number: the date it answered, else the change log's last entry,
        else the files' date."""
        if fetched_on:
            return f"CPIC API v1 as served on {fetched_on}", fetched_on
        changelog = one_file(files, "data.tsv")
        if changelog is not None:
            dates = [row["Date of Change"] for _, row in continued_rows(changelog, CHANGELOG_HEADER, RowProblems())
                     if _DATE.fullmatch(row["Date of Change"])]
            if dates:
                return f"CPIC API v1 tables; CPIC change log through {max(dates)}", max(dates)
        day = files_date(files)
        return f"CPIC API v1 tables (files dated {day})", day

    def records(self, files: Mapping[str, Path], problems: RowProblems,
                skip: frozenset[str] = frozenset()) -> Iterator[Record]:
        return _Parse(dict(files), problems).records()


class _Parse:
    def __init__(self, files: dict[str, Path], problems: RowProblems) -> None:
        self.files = files
        self.problems = problems
        self.node = FirstRecords()
        self.drugs: dict[str, str] = {}  # CPIC drug id (RxNorm:...) -> drug id
        self.drug_guideline: dict[str, int] = {}  # drug id -> guideline id
        self.guidelines: dict[int, str] = {}  # guideline id -> Guideline key
        self.rules = RuleRecords()

    def table(self, name: str) -> Iterator[tuple[Path, int, dict[str, Any]]]:
        """(file, line, record) for each well-formed record of one table (none if the file is absent)."""
        path = self.files.get(name)
        if path is None:
            return
        for line, record in json_items(path):
            missing = [f for f in FIELDS[name] if not isinstance(record, dict) or f not in record]
            if missing:
                self.problems.bad_row(path, line, f"record lacks {', '.join(missing)}")
                continue
            yield path, line, record

    def records(self) -> Iterator[Record]:
        for name in ("recommendation.json", "guideline.json", "drug.json"):
            if name not in self.files:
                raise SourceFileError(name, None, "not among the fetched files")
        yield from self.gene_records()
        yield from self.drug_records()
        changes = self.changes()
        yield from self.guideline_records(changes)
        yield from self.pair_records()
        yield from self.recommendation_records()

    # --- genes and drugs ----------------------------------------------------------------

    def gene_records(self) -> Iterator[Record]:
        for _, _, gene in self.table("gene.json"):
            symbol = str(gene["symbol"]).strip()
            yield from self.node(
                "Gene", symbol, symbol=symbol, hgnc_id=text(gene, "hgncid"), ncbi_id=text(gene, "ncbiid"),
                ensembl_id=text(gene, "ensemblid"), pharmgkb_id=text(gene, "clinpgxid"),
                chromosome=text(gene, "chr"), cpic_lookup_method=text(gene, "lookupmethod"),
                cpic_url=text(gene, "url"))

    def drug_records(self) -> Iterator[Record]:
        for path, line, drug in self.table("drug.json"):
            name = text(drug, "name")
            if not name:
                self.problems.bad_row(path, line, "drug without a name")
                continue
            key = drug_id(name)
            self.drugs[str(drug["drugid"])] = key
            if isinstance(drug.get("guidelineid"), int):
                self.drug_guideline[key] = drug["guidelineid"]
            atc = [str(code).strip() for code in drug.get("atcid") or [] if str(code).strip()]
            records = self.node("Drug", key, name=name, rxnorm=text(drug, "rxnormid"),
                                pharmgkb_id=text(drug, "clinpgxid"), drugbank_id=text(drug, "drugbankid"),
                                atc=atc, umls_cui=text(drug, "umlscui"), cpic_drug_id=text(drug, "drugid"),
                                cpic_flowchart=text(drug, "flowchart"))
            if records:
                yield from records
                yield from atc_records(key, atc, self.node)

    # --- guidelines ---------------------------------------------------------------------

    def changes(self) -> dict[str, tuple[str, str]]:
        """Drug name (lowercase) -> (date, note) of the last recommendation/guideline/pair change logged."""
        path = self.files.get("data.tsv")
        latest: dict[str, tuple[str, str]] = {}
        if path is None:
            return latest
        for line, row in continued_rows(path, CHANGELOG_HEADER, self.problems):
            date = row["Date of Change"]
            if not _DATE.fullmatch(date):
                self.problems.bad_row(path, line, f"Date of Change {date!r} is not YYYY-MM-DD")
                continue
            if row["Type of Data"] not in CHANGE_TYPES or not row["Subject"]:
                continue
            subject = drug_id(row["Subject"])
            if date > latest.get(subject, ("", ""))[0]:
                latest[subject] = (date, row["Note of Change"])
        return latest

    def guideline_records(self, changes: dict[str, tuple[str, str]]) -> Iterator[Record]:
        for path, line, guideline in self.table("guideline.json"):
            clinpgx = text(guideline, "clinpgxid")
            key = f"CPIC:{clinpgx or guideline['id']}"
            self.guidelines[guideline["id"]] = key
            drugs = sorted(d for d, g in self.drug_guideline.items() if g == guideline["id"])
            publications = [p for p in guideline.get("publication") or [] if isinstance(p, dict) and p.get("pmid")]
            last = max((changes[d] for d in drugs if d in changes), default=None)
            if not isinstance(guideline.get("genes"), list):
                self.problems.bad_row(path, line, "genes is not a list")
                continue
            yield from self.node(
                "Guideline", key, source="CPIC", name=f"CPIC guideline for {guideline['name']}",
                url=text(guideline, "url"), version=guideline.get("version"), cpic_id=guideline["id"],
                pharmgkb_id=clinpgx, genes=[str(g) for g in guideline["genes"]], drugs=drugs,
                notes=text(guideline, "notesonusage"),
                publication_years=sorted({int(p["year"]) for p in publications if p.get("year")}),
                last_change=last[0] if last else None, last_change_note=last[1] if last else None)
            for drug in drugs:
                yield EdgeRecord("FOR_DRUG", ("Guideline", key), ("Drug", drug))
            for publication in publications:
                pmid = str(publication["pmid"]).strip()
                yield from self.node("Publication", pmid, pmid=pmid, title=text(publication, "title"),
                                     year=publication.get("year"))
                yield EdgeRecord("CITES", ("Guideline", key), ("Publication", pmid))

    # --- gene-drug pairs ------------------------------------------------------------------

    def pair_records(self) -> Iterator[Record]:
        for _, _, pair in self.table("pair_view.json"):
            gene, drug = str(pair["genesymbol"]).strip(), drug_id(str(pair["drugname"]))
            yield from self.node("Gene", gene, symbol=gene)
            yield from self.node("Drug", drug, name=str(pair["drugname"]).strip())
            pmids = [str(p) for p in pair.get("pmids") or [] if str(p).strip()]
            yield EdgeRecord("INTERACTS_WITH", ("Gene", gene), ("Drug", drug), {k: v for k, v in {
                "cpic_level": text(pair, "cpiclevel"),
                "cpic_status": "Provisional" if pair.get("provisional") else "Final",
                "pharmgkb_level": text(pair, "clinpgxlevel"), "fda_label": text(pair, "pgxtesting"),
                "guideline_url": text(pair, "guidelineurl"), "pmids": pmids,
                "used_for_recommendation": text(pair, "usedforrecommendation")}.items() if v not in (None, [])})

    # --- recommendations ---------------------------------------------------------------------

    def recommendation_records(self) -> Iterator[Record]:
        rows = []
        for path, line, record in self.table("recommendation.json"):
            try:
                rows.append(self.recommendation_row(record))
            except (BadRecord, BadKey) as error:
                self.problems.bad_row(path, line, str(error))
        merged = merge_rows(rows)
        unless = more_specific(merged)
        for rule in merged:
            yield from self.rules.rule(rule, {
                **rule.same, "implications": list(rule.same.get("implications") or []),
                "unless": unless.get(id(rule)),
                "cpic_ids": rule.lists.get("ids"), "activity_scores": rule.lists.get("activity_scores"),
                "allele_status": rule.lists.get("allele_status"),
                "source_phenotypes": rule.lists.get("source_phenotypes")})

    def recommendation_row(self, record: dict[str, Any]) -> GuidelineRow:
        drug = self.drugs.get(str(record["drugid"]))
        if drug is None:
            raise BadRecord(f"drug {record['drugid']} is not in drug.json")
        guideline = self.guidelines.get(record["guidelineid"])
        if guideline is None:
            raise BadRecord(f"guideline {record['guidelineid']} is not in guideline.json")
        recommendation = text(record, "drugrecommendation") or ""  # "n/a": CPIC makes none for this result
        lookup = per_gene(record["lookupkey"], keep=frozenset({"n/a"}))
        if not lookup:
            raise BadRecord("lookupkey names no gene")
        phenotypes, status = per_gene(record["phenotypes"]), per_gene(record["allelestatus"])
        keys = {gene: cpic_key(gene, value, phenotypes.get(gene), status.get(gene)) for gene, value in lookup.items()}
        flags = {name: record.get(field) for name, field in (
            ("alternate_drug_available", "alternatedrugavailable"), ("dosing_information", "dosinginformation"),
            ("other_prescribing_guidance", "otherprescribingguidance"))}
        if any(value not in (True, False, None) for value in flags.values()):
            raise BadRecord(f"content flags must be true or false: {flags}")
        same = {"classification": text(record, "classification"),
                "population": text(record, "population") or "general",
                "implications": tuple(listed(per_gene(record["implications"]))),
                "comments": text(record, "comments"), "version": record.get("version"), **flags}
        lists = {"ids": [str(record["id"])], "activity_scores": listed(per_gene(record["activityscore"])),
                 "allele_status": listed(status), "source_phenotypes": listed(phenotypes)}
        return GuidelineRow("CPIC", drug, guideline, recommendation, keys, same, lists)
