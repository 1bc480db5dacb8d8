"""CPIC tables as shipped in the pypgx 0.27.0 wheel -> canonical records.

Eight CSV files (comma separated, double-quoted fields with commas inside,
``N/A``/``NA``/empty for a missing value). They are read in an order that lets
later tables link to earlier ones:

gene -> equation -> phenotype -> variant -> allele -> diplotype -> cpic -> recommendation

Table facts the code relies on (checked against the real files):

- ``variant-table``: ``GRCh38Name`` is chrom-pos-ref-alt on GRCh38; the
  ``Variant`` column is the base the star alleles carry, which for 11 rows is the
  GRCh38 reference itself (GRCh38 contains e.g. CYP2D6*2). So the Variant node's
  ``ref``/``alt`` come from ``GRCh38Name`` and DEFINED_BY's ``alt`` is the
  ``Variant`` column. Several rows can share an rsID (multi-allelic sites, or one
  site in IFNL3 and IFNL4); they become one Variant whose ``alt`` lists the alt
  bases comma-separated (VCF style), with every name in ``grch38_names`` and an
  IN_GENE edge per gene.
- ``allele-table``: GRCh38Core/GRCh38Tag list ``GRCh38Name`` values (or a
  ``GRCh38Synonym``); an allele naming an unknown variant is a bad row.
- ``diplotype-table``: ``A/B`` with named alleles ("Reference", rsIDs, G6PD
  names with commas); alleles missing from the allele table get a bare node.
- ``equation-table``: activity-score ranges such as ``1 <= score < 2`` or
  ``2 == score`` become ``activity_min``/``activity_max`` (+ ``_inclusive`` flags)
  on the Phenotype.
- ``recommendation-table``: ``Gene2``/``Phenotype2`` ``None`` means a one-gene
  rule; a gene with phenotype ``None`` means "this gene was not tested", which is
  the condition ``unknown:<gene>`` on the Gene node. Text ``None`` means CPIC
  gives no recommendation for that combination. The Factor V Leiden (F5) rows are DPWG's
  text (CPIC has no F5 guideline): they are loaded as DPWG recommendations.

Facts of the kinds a newer source in the build provides (``skip``) are left out: with the CPIC
API loaded, this table's 2022 recommendations, guidelines, gene-drug pairs and drug facts are not
in the graph next to the current ones.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pgxkg.loaders.records import (
    EdgeRecord,
    NodeRecord,
    Record,
    RowProblems,
    SourceFileError,
    SourceInfo,
    skips,
)
from pgxkg.vocab import allele_id, condition, diplotype_id, drug_id, natural_key, phenotype_id, variant_id

_DATA = "pypgx/api/data/"
GENE_TABLE = _DATA + "gene-table.csv"
ALLELE_TABLE = _DATA + "allele-table.csv"
VARIANT_TABLE = _DATA + "variant-table.csv"
DIPLOTYPE_TABLE = _DATA + "diplotype-table.csv"
PHENOTYPE_TABLE = _DATA + "phenotype-table.csv"
EQUATION_TABLE = _DATA + "equation-table.csv"
CPIC_TABLE = _DATA + "cpic-table.csv"
RECOMMENDATION_TABLE = _DATA + "recommendation-table.csv"

HEADERS: dict[str, tuple[str, ...]] = {
    GENE_TABLE: ("Gene", "Target", "Control", "Paralog", "Variants", "SV", "PhenotypeMethod",
                 "RefAllele", "GRCh37Default", "GRCh38Default", "Strand", "GRCh37Region",
                 "GRCh38Region", "GRCh37ExonStarts", "GRCh37ExonEnds", "GRCh38ExonStarts",
                 "GRCh38ExonEnds"),
    ALLELE_TABLE: ("Gene", "StarAllele", "ActivityScore", "Function", "GRCh37Core", "GRCh37Tag",
                   "GRCh38Core", "GRCh38Tag", "SV"),
    VARIANT_TABLE: ("Gene", "GRCh37Name", "GRCh38Name", "rsID", "Chromosome", "GRCh37Position",
                    "GRCh38Position", "GRCh37Allele", "GRCh38Allele", "Variant", "Impact",
                    "GRCh37Synonym", "GRCh38Synonym"),
    DIPLOTYPE_TABLE: ("Gene", "Diplotype", "Phenotype"),
    PHENOTYPE_TABLE: ("Gene", "Phenotype", "Priority"),
    EQUATION_TABLE: ("Gene", "Phenotype", "Equation"),
    CPIC_TABLE: ("Gene", "Drug", "RxNorm", "ATC", "Guideline", "CPICLevel", "CPICLevelStatus",
                 "PharmGKBLevel", "FDALabel", "PMID"),
    RECOMMENDATION_TABLE: ("Drug", "Gene1", "Phenotype1", "Gene2", "Phenotype2", "Recommendation"),
}

SOURCE = SourceInfo(
    name="cpic-tables",
    version="pypgx-0.27.0",
    package="pypgx",
    package_version="0.27.0",
    filename="pypgx-0.27.0-py3-none-any.whl",
    sha256="95303696c51a5d21f44f0f3771ecd142ac30f9c6c1025dcd642352fdd4544d40",
    license="MIT (pypgx); CPIC data CC0",
    url="https://pypi.org/project/pypgx/0.27.0/",
    members=tuple(HEADERS),
    description=(
        "CPIC tables bundled with pypgx: genes, star alleles with function and activity "
        "value, defining variants (GRCh37/GRCh38), diplotype->phenotype, activity-score "
        "ranges, gene-drug pairs with CPIC/PharmGKB levels and FDA label status, and "
        "CPIC recommendations per phenotype."
    ),
    release="CPIC tables as shipped in pypgx 0.27.0 (about August 2022)",
    date="2022-08",
    provides=frozenset({"genes", "variants", "alleles", "allele_definitions", "diplotype_phenotypes", "phenotypes",
                        "drugs", "gene_drug_pairs", "guidelines/CPIC", "recommendations/CPIC", "guidelines/DPWG",
                        "recommendations/DPWG"}),
)
DPWG_GENES = frozenset({"F5"})  # rows of the recommendation table whose text is DPWG's, not CPIC's

MISSING = frozenset({"", "N/A", "NA", "None"})
NOT_TESTED = "None"  # recommendation-table: the gene (or its phenotype) is not part of the rule
NOT_TESTED_LABEL = "No Result"  # how CPIC writes an untested gene in readable phenotypes
_ATC = re.compile(r"[A-Z](?:\d\d(?:[A-Z](?:[A-Z](?:\d\d)?)?)?)?")
_NUMBER = r"(\d+(?:\.\d+)?)"
_RANGE = re.compile(rf"{_NUMBER} (<=|<) score(?: (<=|<) {_NUMBER})?")
_EXACT = re.compile(rf"{_NUMBER} == score")
_BOOLS = {"TRUE": True, "FALSE": False}

Row = dict[str, str]


class BadRow(ValueError):
    """A row that is reported and skipped; the message says why."""


# --- reading ----------------------------------------------------------------------


def read_rows(path: Path, header: tuple[str, ...], problems: RowProblems) -> Iterator[tuple[int, Row]]:
    """Yield (first line number, {column: stripped value}) for each well-shaped row.

    A wrong header or unreadable file raises SourceFileError; a row with the wrong
    number of fields or broken quoting (e.g. a file cut mid-quote) is reported.
    """
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, strict=True)
            try:
                first = next(reader, None)
            except csv.Error as err:
                raise SourceFileError(path, 1, f"unreadable header ({err})") from err
            if first is None or tuple(first) != header:
                found = "nothing" if first is None else ",".join(first)
                raise SourceFileError(path, 1, f"expected header {','.join(header)}, found {found}")
            line = reader.line_num + 1
            while True:
                try:
                    fields = next(reader)
                except StopIteration:
                    return
                except csv.Error as err:
                    problems.bad_row(path, line, f"broken CSV quoting ({err}); is the file truncated?")
                    line = reader.line_num + 1
                    continue
                start, line = line, reader.line_num + 1
                if not fields:
                    continue
                if len(fields) != len(header):
                    problems.bad_row(path, start, f"{len(fields)} fields, expected {len(header)}")
                    continue
                yield start, {name: value.strip() for name, value in zip(header, fields, strict=True)}
    except UnicodeDecodeError as err:
        raise SourceFileError(path, None, f"not UTF-8 text ({err})") from err
    except OSError as err:
        raise SourceFileError(path, None, f"cannot read ({err.strerror})") from err


def optional(row: Row, column: str) -> str | None:
    value = row[column]
    return None if value in MISSING else value


def required(row: Row, column: str) -> str:
    value = optional(row, column)
    if value is None:
        raise BadRow(f"{column} is missing")
    return value


def as_float(row: Row, column: str) -> float | None:
    value = optional(row, column)
    try:
        return None if value is None else float(value)
    except ValueError:
        raise BadRow(f"{column} {value!r} is not a number") from None


def as_int(row: Row, column: str) -> int | None:
    value = optional(row, column)
    try:
        return None if value is None else int(value)
    except ValueError:
        raise BadRow(f"{column} {value!r} is not a whole number") from None


def as_bool(row: Row, column: str) -> bool | None:
    value = optional(row, column)
    if value is not None and value not in _BOOLS:
        raise BadRow(f"{column} {value!r} is not TRUE or FALSE")
    return None if value is None else _BOOLS[value]


def split_list(value: str | None, separator: str) -> list[str]:
    return [part.strip() for part in (value or "").split(separator) if part.strip() not in MISSING]


def props(**values: Any) -> dict[str, Any]:
    """Properties without the missing ones (Neo4j stores no nulls)."""
    return {key: value for key, value in values.items() if value is not None and value != []}


def activity_range(equation: str) -> dict[str, Any]:
    """``1 <= score < 2`` -> activity_min 1.0 (inclusive), activity_max 2.0 (exclusive)."""
    if match := _EXACT.fullmatch(equation):
        value = float(match[1])
        return props(activity_min=value, activity_min_inclusive=True, activity_max=value,
                     activity_max_inclusive=True, activity_equation=equation)
    if match := _RANGE.fullmatch(equation):
        low, low_op, high_op, high = match.groups()
        return props(
            activity_min=float(low), activity_min_inclusive=low_op == "<=",
            activity_max=float(high) if high else None,
            activity_max_inclusive=(high_op == "<=") if high else None,
            activity_equation=equation,
        )
    raise BadRow(f"Equation {equation!r} is not 'a <= score < b' or 'a == score'")


def atc_classes(code: str) -> list[tuple[str, int]]:
    """(class code, level) for the classes an ATC code is in, most specific first.

    ``N06AA09`` -> N06AA (4), N06A (3), N06 (2), N (1); a class code (``L01XE``) includes itself.
    """
    lengths = ((5, 4), (4, 3), (3, 2), (1, 1))
    return [(code[:length], level) for length, level in lengths if length <= len(code)]


def atc_records(drug: str, codes: Iterable[str], node: Callable[..., list[Record]]) -> list[Record]:
    """IN_CLASS from the drug to each code's most specific class, and IS_A up each class tree.

    ``node(label, key, **props)`` returns the node's record the first time it is asked for, else [].
    """
    records: list[Record] = []
    for code in codes:
        classes = atc_classes(code)
        records.append(EdgeRecord("IN_CLASS", ("Drug", drug), ("DrugClass", classes[0][0])))
        for (child, level), parent in zip(classes, [*classes[1:], None], strict=True):
            created = node("DrugClass", child, code=child, level=level)
            records += created
            if created and parent:
                records.append(EdgeRecord("IS_A", ("DrugClass", child), ("DrugClass", parent[0])))
    return records


def guideline_slug(url: str) -> str:
    slug = url.rstrip("/").rsplit("/", 1)[-1]
    if not url.startswith(("http://", "https://")) or not slug:
        raise BadRow(f"Guideline {url!r} is not a guideline URL")
    return slug


def guideline_name(slug: str, genes: Iterable[str]) -> str:
    """``guideline-for-abacavir-and-hla-b`` -> ``CPIC guideline for abacavir and HLA-B``."""
    name = " " + slug.replace("-", " ") + " "
    for gene in sorted(genes, key=len, reverse=True):
        spaced = gene.lower().replace("-", " ")
        name = re.sub(rf"(?<= ){re.escape(spaced)}(?= )", gene, name, flags=re.IGNORECASE)
    name = name.strip()
    name = re.sub(r"^cpic ", "", name, flags=re.IGNORECASE)
    return f"CPIC {name}"


# --- parsed intermediate rows ------------------------------------------------------


@dataclass
class _Variant:
    """One Variant node, gathered from the variant-table rows that share its id."""

    key: str
    genes: list[str]
    names: list[str]
    alts: list[str]
    first: dict[str, Any]


@dataclass
class _Guideline:
    key: str
    url: str | None
    genes: list[str] = field(default_factory=list)
    drugs: list[str] = field(default_factory=list)
    pmids: list[str] = field(default_factory=list)

    def add(self, gene: str, drug: str, pmids: Iterable[str]) -> None:
        for items, values in ((self.genes, [gene]), (self.drugs, [drug]), (self.pmids, pmids)):
            items.extend(value for value in values if value not in items)


# --- the adapter -------------------------------------------------------------------


class CpicAdapter:
    """Adapter for the CPIC tables in pypgx 0.27.0."""

    source = SOURCE

    def records(self, files: Mapping[str, Path], problems: RowProblems,
                skip: frozenset[str] = frozenset()) -> Iterator[Record]:
        return _Parse(files, problems, skip).records()


class _Parse:
    """One pass over the eight tables; holds what later tables link to."""

    def __init__(self, files: Mapping[str, Path], problems: RowProblems,
                 skip: frozenset[str] = frozenset()) -> None:
        missing = [member for member in HEADERS if member not in files]
        if missing:
            raise SourceFileError(missing[0], None, "not among the extracted files")
        self.files = files
        self.problems = problems
        self.skip = skip  # what a newer source in the build gives (e.g. PharmCAT's definitions and diplotype rows)
        self.skip_definitions = "allele_definitions" in skip
        self.skip_diplotypes = "diplotype_phenotypes" in skip
        self.seen: set[tuple[str, str]] = set()
        self.ranges: dict[tuple[str, str], dict[str, Any]] = {}
        self.variants: dict[str, _Variant] = {}
        self.variant_names: dict[str, tuple[str, str]] = {}  # GRCh38 name -> (variant id, allele base)
        self.diplotypes: dict[str, str] = {}  # diplotype id -> phenotype
        self.guidelines: dict[str, _Guideline] = {}  # by url, or by drug for the made-up ones
        self.guideline_for: dict[tuple[str, str], str] = {}  # (drug id, gene) -> guideline url
        self.recommendations: set[str] = set()

    def records(self) -> Iterator[Record]:
        yield from self.table(GENE_TABLE, self.gene)
        yield from self.table(EQUATION_TABLE, self.equation)
        yield from self.table(PHENOTYPE_TABLE, self.phenotype)
        for (gene, name), activity in self.ranges.items():  # equations for phenotypes not in the table
            yield from self.phenotype_node(gene, name, **activity)
        yield from self.table(VARIANT_TABLE, self.variant)
        yield from self.variant_records()
        yield from self.table(ALLELE_TABLE, self.allele)
        yield from self.table(DIPLOTYPE_TABLE, self.diplotype)
        yield from self.table(CPIC_TABLE, self.gene_drug)
        yield from self.guideline_records([g for g in self.guidelines.values() if g.url])
        yield from self.table(RECOMMENDATION_TABLE, self.recommendation)

    def table(self, member: str, parse_row: Callable[[Row], list[Record]]) -> Iterator[Record]:
        """Records from each row of one table; a row that raises BadRow is reported and skipped."""
        path = self.files[member]
        for line, row in read_rows(path, HEADERS[member], self.problems):
            try:
                records = parse_row(row)
            except BadRow as err:
                self.problems.bad_row(path, line, str(err))
                continue
            yield from records

    def node(self, label: str, key: str, **values: Any) -> list[Record]:
        """The node the first time it is named, nothing after: first (fullest) wins."""
        if (label, key) in self.seen:
            return []
        self.seen.add((label, key))
        return [NodeRecord(label, key, props(**values))]

    def gene_node(self, symbol: str) -> list[Record]:
        return self.node("Gene", symbol, symbol=symbol)

    # --- genes, phenotypes ------------------------------------------------------

    def gene(self, row: Row) -> list[Record]:
        symbol = required(row, "Gene")
        return self.node(
            "Gene", symbol, symbol=symbol, strand=optional(row, "Strand"),
            grch37_region=optional(row, "GRCh37Region"), grch38_region=optional(row, "GRCh38Region"),
            phenotype_method=optional(row, "PhenotypeMethod"),
            reference_allele=optional(row, "RefAllele"),
            grch37_default_allele=optional(row, "GRCh37Default"),
            grch38_default_allele=optional(row, "GRCh38Default"),
            paralog=optional(row, "Paralog"), target=as_bool(row, "Target"),
            control=as_bool(row, "Control"), has_variants=as_bool(row, "Variants"),
            has_sv=as_bool(row, "SV"),
        )

    def equation(self, row: Row) -> list[Record]:
        key = (required(row, "Gene"), required(row, "Phenotype"))
        if key in self.ranges:
            raise BadRow(f"second equation for {key[0]} {key[1]}")
        self.ranges[key] = activity_range(required(row, "Equation"))
        return []

    def phenotype(self, row: Row) -> list[Record]:
        gene, name = required(row, "Gene"), required(row, "Phenotype")
        activity = self.ranges.pop((gene, name), {})
        return self.phenotype_node(gene, name, priority=optional(row, "Priority"), **activity)

    def phenotype_node(self, gene: str, name: str, **values: Any) -> list[Record]:
        """The Phenotype and its OF_GENE edge, the first time it is named."""
        key = phenotype_id(gene, name)
        node = self.node("Phenotype", key, gene=gene, name=name, **values)
        if not node:
            return []
        return [*self.gene_node(gene), *node, EdgeRecord("OF_GENE", ("Phenotype", key), ("Gene", gene))]

    # --- variants and alleles ---------------------------------------------------

    def variant(self, row: Row) -> list[Record]:
        gene, name = required(row, "Gene"), required(row, "GRCh38Name")
        chrom, ref = required(row, "Chromosome"), required(row, "GRCh38Allele")
        pos, base = as_int(row, "GRCh38Position"), required(row, "Variant")
        parts = name.split("-")
        if len(parts) != 4 or parts[:3] != [chrom, str(pos), ref]:
            raise BadRow(f"GRCh38Name {name!r} does not match {chrom}-{pos}-{ref}-<alt>")
        rsid = optional(row, "rsID")
        key = variant_id(rsid, chrom, pos, ref, parts[3])
        entry = self.variants.get(key)
        if entry is None:
            first = props(rsid=rsid, chrom=f"chr{chrom}", pos_grch38=pos, ref=ref, grch38=name,
                          pos_grch37=as_int(row, "GRCh37Position"), grch37=optional(row, "GRCh37Name"),
                          impact=optional(row, "Impact"), gene=gene)
            entry = self.variants[key] = _Variant(key, [], [], [], first)
        for items, value in ((entry.genes, gene), (entry.names, name), (entry.alts, parts[3])):
            if value not in items:
                items.append(value)
        for synonym in [name, *split_list(optional(row, "GRCh38Synonym"), ",")]:
            self.variant_names.setdefault(synonym, (key, base))
        return []

    def variant_records(self) -> Iterator[Record]:
        for entry in self.variants.values():
            yield from self.node("Variant", entry.key, **entry.first, alt=",".join(entry.alts),
                                 grch38_names=entry.names)
            for gene in entry.genes:
                yield from self.gene_node(gene)
                yield EdgeRecord("IN_GENE", ("Variant", entry.key), ("Gene", gene))

    def allele(self, row: Row) -> list[Record]:
        gene, name = required(row, "Gene"), required(row, "StarAllele")
        function = required(row, "Function")
        key = allele_id(gene, name)
        defined_by: dict[str, EdgeRecord] = {}
        for column, core in () if self.skip_definitions else (("GRCh38Core", True), ("GRCh38Tag", False)):
            for variant_name in split_list(optional(row, column), ","):
                if variant_name not in self.variant_names:
                    raise BadRow(f"{column} variant {variant_name} is not in variant-table.csv")
                variant, base = self.variant_names[variant_name]
                defined_by.setdefault(variant, EdgeRecord(
                    "DEFINED_BY", ("Allele", key), ("Variant", variant), {"alt": base, "core": core}))
        return [
            *self.gene_node(gene),
            *self.node("Allele", key, gene=gene, name=name, function=function,
                       function_normalised=function.lower(),
                       activity_value=as_float(row, "ActivityScore"), sv=as_bool(row, "SV")),
            EdgeRecord("HAS_ALLELE", ("Gene", gene), ("Allele", key)),
            *defined_by.values(),
        ]

    def diplotype(self, row: Row) -> list[Record]:
        if self.skip_diplotypes:
            return []
        gene, text = required(row, "Gene"), required(row, "Diplotype")
        phenotype = required(row, "Phenotype")
        names = [part.strip() for part in text.split("/")]
        if len(names) != 2 or not all(names):
            raise BadRow(f"Diplotype {text!r} is not two alleles separated by '/'")
        key = diplotype_id(gene, *names)
        known = self.diplotypes.setdefault(key, phenotype)
        if known != phenotype:
            raise BadRow(f"{key} is both {known} and {phenotype}")
        if ("Diplotype", key) in self.seen:
            return []
        first, second = sorted(names, key=natural_key)
        records = [
            *self.gene_node(gene),
            *self.node("Diplotype", key, gene=gene, allele1=first, allele2=second),
            EdgeRecord("OF_GENE", ("Diplotype", key), ("Gene", gene)),
            *self.phenotype_node(gene, phenotype),
            EdgeRecord("HAS_PHENOTYPE", ("Diplotype", key), ("Phenotype", phenotype_id(gene, phenotype))),
        ]
        for name in dict.fromkeys((first, second)):
            allele = allele_id(gene, name)
            if missing := self.node("Allele", allele, gene=gene, name=name):
                records += [*missing, EdgeRecord("HAS_ALLELE", ("Gene", gene), ("Allele", allele))]
            records.append(EdgeRecord("HAS_ALLELE", ("Diplotype", key), ("Allele", allele),
                                      {"count": names.count(name)}))
        return records

    # --- drugs, guidelines, recommendations -------------------------------------

    def gene_drug(self, row: Row) -> list[Record]:
        gene, drug = required(row, "Gene"), drug_id(required(row, "Drug"))
        rxnorm = optional(row, "RxNorm")
        if rxnorm is not None and not rxnorm.isdigit():
            raise BadRow(f"RxNorm {rxnorm!r} is not a number")
        atc = split_list(optional(row, "ATC"), ",")
        if bad := [code for code in atc if not _ATC.fullmatch(code)]:
            raise BadRow(f"ATC {', '.join(bad)} is not an ATC code")
        pmids = split_list(optional(row, "PMID"), ";")
        if bad := [pmid for pmid in pmids if not pmid.isdigit()]:
            raise BadRow(f"PMID {', '.join(bad)} is not a PubMed id")
        url = optional(row, "Guideline")
        if url is not None:
            guideline = self.guidelines.setdefault(url, _Guideline(f"CPIC:{guideline_slug(url)}", url))
            guideline.add(gene, drug, pmids)
            self.guideline_for.setdefault((drug, gene), url)
        if skips(self.skip, "gene_drug_pairs"):  # the row still says which guideline a drug's rules belong to
            return [] if skips(self.skip, "drugs") else self.drug_node(drug, rxnorm=rxnorm, atc=atc)
        return [
            *self.gene_node(gene),
            *self.drug_node(drug, rxnorm=rxnorm, atc=atc),
            EdgeRecord("INTERACTS_WITH", ("Gene", gene), ("Drug", drug), props(
                cpic_level=optional(row, "CPICLevel"), cpic_status=optional(row, "CPICLevelStatus"),
                pharmgkb_level=optional(row, "PharmGKBLevel"), fda_label=optional(row, "FDALabel"),
                guideline_url=url, pmids=pmids)),
        ]

    def drug_node(self, drug: str, rxnorm: str | None = None, atc: list[str] | None = None) -> list[Record]:
        """The Drug with its ATC classes (IN_CLASS to the most specific, IS_A up the tree); only its
        name when a newer source gives the drug facts."""
        if skips(self.skip, "drugs"):
            return self.node("Drug", drug, name=drug)
        records = self.node("Drug", drug, name=drug, rxnorm=rxnorm, atc=atc or [])
        return [*records, *atc_records(drug, atc or [], self.node)] if records else []

    def guideline_records(self, guidelines: Iterable[_Guideline], body: str = "CPIC") -> Iterator[Record]:
        for guideline in guidelines:
            if skips(self.skip, "guidelines", body, *guideline.drugs[:1]):
                continue
            name = (guideline_name(guideline_slug(guideline.url), guideline.genes) if guideline.url
                    else f"{body} guideline for {guideline.drugs[0]} and {', '.join(guideline.genes)}")
            yield from self.node("Guideline", guideline.key, source=body, name=name, url=guideline.url,
                                 genes=guideline.genes, drugs=guideline.drugs)
            for drug in guideline.drugs:
                yield EdgeRecord("FOR_DRUG", ("Guideline", guideline.key), ("Drug", drug))
            for pmid in guideline.pmids:
                yield from self.node("Publication", pmid, pmid=pmid)
                yield EdgeRecord("CITES", ("Guideline", guideline.key), ("Publication", pmid))

    def guideline_of(self, drug: str, genes: list[str], body: str = "CPIC") -> tuple[str, list[Record]]:
        """The guideline a recommendation belongs to; one is made up when cpic-table has none (always
        for DPWG's rows: ``DPWG:<drug>-<gene>``, the key PharmGKB's DPWG guideline has too)."""
        urls = [self.guideline_for[(drug, gene)] for gene in genes if (drug, gene) in self.guideline_for]
        urls += sorted(url for (other, _), url in self.guideline_for.items() if other == drug)
        if urls and body == "CPIC":
            return self.guidelines[urls[0]].key, []
        made_up = self.guidelines.get(f"{body}:{drug}")
        if made_up is not None:
            return made_up.key, []
        made_up = _Guideline(f"{body}:{drug}-{'-'.join(genes)}", None, list(genes), [drug])
        self.guidelines[f"{body}:{drug}"] = made_up
        return made_up.key, list(self.guideline_records([made_up], body))

    def recommendation(self, row: Row) -> list[Record]:
        drug_name, gene1 = row["Drug"], row["Gene1"]
        if gene1 == "Gene1" or row["Phenotype1"] == "Phenotype1":
            raise BadRow("a repeated header line")
        for column in HEADERS[RECOMMENDATION_TABLE]:
            if not row[column]:
                raise BadRow(f"{column} is empty")
        if gene1 == NOT_TESTED:
            raise BadRow("Gene1 is None")
        pairs = [(gene1, row["Phenotype1"])]
        if row["Gene2"] != NOT_TESTED:
            pairs.append((row["Gene2"], row["Phenotype2"]))
        elif row["Phenotype2"] != NOT_TESTED:
            raise BadRow(f"Phenotype2 {row['Phenotype2']!r} without a Gene2")
        body = "DPWG" if {gene for gene, _ in pairs} & DPWG_GENES else "CPIC"
        drug = drug_id(drug_name)
        if skips(self.skip, "recommendations", body, drug):
            return []
        conditions, when, records = [], [], self.drug_node(drug)
        for gene, phenotype in pairs:
            records += self.gene_node(gene)
            if phenotype == NOT_TESTED:
                kind, target, value = "unknown", ("Gene", gene), ""
            else:
                kind, target, value = "phenotype", ("Phenotype", phenotype_id(gene, phenotype)), phenotype
                records += self.phenotype_node(gene, phenotype)
            conditions.append(condition(kind, gene, value))
            when.append((target, {"gene": gene, "kind": kind, "condition": conditions[-1]}))
        key = f"{body}:{drug}:" + "+".join(sorted(conditions))
        if key in self.recommendations:
            raise BadRow(f"second recommendation for {drug} when {' and '.join(conditions)}")
        self.recommendations.add(key)
        genes = [gene for gene, _ in pairs]
        guideline, guideline_records = self.guideline_of(drug, genes, body)
        text = row["Recommendation"]
        readable = [f"{gene}: {NOT_TESTED_LABEL if p == NOT_TESTED else p}" for gene, p in pairs]
        return [
            *records,
            *guideline_records,
            NodeRecord("Recommendation", key, props(
                source=body, drug=drug, text=None if text == NOT_TESTED else text,
                genes=genes, phenotypes=readable)),
            EdgeRecord("RECOMMENDS", ("Guideline", guideline), ("Recommendation", key)),
            EdgeRecord("FOR_DRUG", ("Recommendation", key), ("Drug", drug)),
            *(EdgeRecord("WHEN", ("Recommendation", key), target, edge) for target, edge in when),
        ]
