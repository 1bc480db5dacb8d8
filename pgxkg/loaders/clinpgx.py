"""ClinPGx (formerly PharmGKB) release files -> canonical records.

Each file is optional (a user may have only some of the zips); the build loads what was fetched:

=========================  ======================================================================
file (zip)                 becomes
=========================  ======================================================================
``chemicals.tsv``          Drug (ClinPGx id ``pharmgkb_id``, RxNorm, ATC and its classes, DrugBank,
(or ``drugs.tsv``)         ``synonyms`` = generic and trade names, ``chemical_type``, top label and
                           evidence levels); rows of type ``Drug Class`` become DrugClass (keyed by
                           their ATC code when they have one, else ``PharmGKB:<id>``), never a Drug
``genes.tsv``              Gene (HGNC, NCBI, Ensembl and ClinPGx ids, name, ``synonyms`` = other
                           symbols and names, GRCh38 location)
``phenotypes.tsv``         Disease ``PharmGKB:<name>`` (ClinPGx id, ``synonyms``, ``xrefs``); the
                           build moves it onto HPO's OMIM/ORPHA id where a name matches
``drugLabels.tsv``         DrugLabel per label (FDA, EMA, PMDA, HCSC, Swissmedic) -FOR_DRUG-> Drug,
                           -ABOUT-> Gene; each agency's testing level on Gene -INTERACTS_WITH-> Drug
                           (``fda_label``, ``ema_label``, ``pmda_label``, ``hcsc_label``,
                           ``swissmedic_label``: the strongest of that agency's labels) and on the Drug
                           (``label_testing``: ``FDA: Testing Required``, ...)
``clinicalVariants.tsv``   the best clinical-annotation level of each gene-drug pair
                           (``clinical_level`` on INTERACTS_WITH)
``relationships.tsv``      RELATED_TO between genes, variants, alleles, drugs and diseases
                           (``association``: associated / not associated / ambiguous, evidence,
                           PK/PD, PMIDs); the file lists every pair both ways, the graph once
``var_drug_ann.tsv``       VariantAnnotation -ABOUT-> Variant/Allele/Gene, -FOR_DRUG-> Drug, -CITES->
``guidelineAnnotations``   Guideline ``<body>:<id>`` per annotation (summary, flags, last update,
(``PA*.json``)             literature, ``annotation: true``), and the alleles it names with their
                           other names (``synonyms``: ``c.1905+1G>A (*2A)`` -> ``*2A``)
=========================  ======================================================================

The release date is each zip's ``CREATED_YYYY-MM-DD.txt``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pgxkg.loaders.cpic import atc_classes, atc_records
from pgxkg.loaders.dpwg import plain_text
from pgxkg.loaders.names import allele_synonyms, is_phenotype_phrase, split_allele
from pgxkg.loaders.official import FileSpec, UpstreamFile, files_matching, one_file
from pgxkg.loaders.pharmgkb import disease_id
from pgxkg.loaders.records import EdgeRecord, FirstRecords, NodeRecord, Record, RowProblems, SourceInfo
from pgxkg.loaders.tables import cross_references, name_key, name_list, read_json, split_field, split_names, tsv_rows
from pgxkg.vocab import ClinPGxLevel, allele_id, drug_id, level_rank, normalise_name, variant_id

SOURCE = SourceInfo(
    name="clinpgx",
    version="release",
    package="",
    package_version="",
    filename="",
    sha256="",
    license="CC BY-SA 4.0 with ClinPGx's terms (attribution, share-alike, no sale of the data)",
    url="https://www.clinpgx.org/downloads",
    members=("chemicals.tsv", "drugs.tsv", "genes.tsv", "phenotypes.tsv", "drugLabels.tsv",
             "clinicalVariants.tsv", "relationships.tsv", "var_drug_ann.tsv", "guidelineAnnotations/*.json"),
    description=(
        "ClinPGx release files: drugs and chemicals with ids and synonyms, drug classes, genes, diseases, "
        "drug-label annotations with testing levels per agency, clinical-variant levels, curated "
        "relationships, variant-drug annotations and guideline annotations of every body."
    ),
    official=True,
    provides=frozenset({"drugs", "drug_labels"}),
)
CHEMICAL_COLUMNS = ("PharmGKB Accession Id", "Name", "Generic Names", "Trade Names", "Type", "Cross-references",
                    "RxNorm Identifiers", "ATC Identifiers")
FILES = (
    FileSpec("chemicals.tsv", columns=CHEMICAL_COLUMNS),
    FileSpec("drugs.tsv", columns=CHEMICAL_COLUMNS),
    FileSpec("genes.tsv", columns=("PharmGKB Accession Id", "HGNC ID", "Symbol", "Name")),
    FileSpec("phenotypes.tsv", columns=("PharmGKB Accession Id", "Name", "Alternate Names")),
    FileSpec("drugLabels.tsv", columns=("PharmGKB ID", "Name", "Source", "Testing Level", "Chemicals", "Genes")),
    FileSpec("clinicalVariants.tsv", columns=("variant", "gene", "level of evidence", "chemicals")),
    FileSpec("relationships.tsv", columns=("Entity1_id", "Entity1_name", "Entity1_type", "Entity2_id",
                                           "Entity2_name", "Entity2_type", "Association")),
    FileSpec("var_drug_ann.tsv", columns=("Variant Annotation ID", "Variant/Haplotypes", "Gene", "Drug(s)",
                                          "PMID", "Sentence")),
    FileSpec("guidelineAnnotations*/*.json", json=True, family="guidelineAnnotations"),
)
UPSTREAM = tuple(UpstreamFile("clinpgx_url", f"{name}.zip") for name in (
    "chemicals", "genes", "phenotypes", "drugLabels", "clinicalVariants", "relationships", "variantAnnotations",
    "guidelineAnnotations.json"))
LABEL_LEVELS = ("Testing Required", "Testing Recommended", "Actionable PGx", "Informative PGx", "No Clinical PGx")
AGENCIES = {"FDA": "fda_label", "EMA": "ema_label", "PMDA": "pmda_label", "HCSC": "hcsc_label",
            "Swissmedic": "swissmedic_label"}
BODIES = {"SEFF/SEOM": "SEFF"}  # ClinPGx's name -> the name PharmGKB's guideline rows use
RELATED_ORDER = ("Gene", "Variant", "Allele", "Drug", "DrugClass", "Disease")
_RSID = re.compile(r"rs\d+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def label_rank(level: str | None) -> int:
    return LABEL_LEVELS.index(level) if level in LABEL_LEVELS else len(LABEL_LEVELS)


@dataclass
class Chemicals:
    """ClinPGx ids and names of every chemical -> the node it is: Drug, or DrugClass for a class."""

    by_id: dict[str, tuple[str, str]] = field(default_factory=dict)
    by_name: dict[str, tuple[str, str]] = field(default_factory=dict)
    known: set[str] = field(default_factory=set)  # name_key forms, for splitting lists of names

    def add(self, pharmgkb_id: str, name: str, node: tuple[str, str]) -> None:
        self.by_id[pharmgkb_id] = node
        self.by_name.setdefault(drug_id(name), node)
        self.known.add(name_key(name))

    def node(self, name: str) -> tuple[str, str]:
        """The node a chemical name means (a Drug by its name when ClinPGx's list does not know it)."""
        return self.by_name.get(drug_id(name)) or ("Drug", drug_id(name))


class ClinpgxAdapter:
    """Adapter for the ClinPGx release files."""

    source = SOURCE
    files = FILES
    requires = (tuple(spec.pattern for spec in FILES),)
    upstream = UPSTREAM

    def describe(self, files: dict[str, Path], created: dict[str, str], fetched_on: str | None) -> tuple[str, str]:
        dates = sorted(set(created.values()))
        if not dates:
            day = fetched_on or "unknown"
            return f"ClinPGx release files (no CREATED date; fetched {day})", "" if day == "unknown" else day
        if len(dates) == 1:
            return f"ClinPGx release files created {dates[0]}", dates[0]
        return f"ClinPGx release files created {', '.join(dates)}", dates[-1]

    def records(self, files: Mapping[str, Path], problems: RowProblems,
                skip: frozenset[str] = frozenset()) -> Iterator[Record]:
        return _Parse(dict(files), problems).records()


class _Parse:
    def __init__(self, files: dict[str, Path], problems: RowProblems) -> None:
        self.files = files
        self.problems = problems
        self.node = FirstRecords()
        self.chemicals = Chemicals()
        self.genes: dict[str, str] = {}  # ClinPGx id -> symbol
        self.diseases: dict[str, str] = {}  # ClinPGx id -> Disease key

    def records(self) -> Iterator[Record]:
        yield from self.chemical_records()
        yield from self.gene_records()
        yield from self.disease_records()
        yield from self.label_records()
        yield from self.clinical_variant_records()
        yield from self.relationship_records()
        yield from self.variant_annotation_records()
        yield from self.guideline_records()

    # --- entities -----------------------------------------------------------------------

    def gene(self, symbol: str) -> list[Record]:
        return self.node("Gene", symbol, symbol=symbol)

    def chemical(self, name: str) -> tuple[tuple[str, str], list[Record]]:
        target = self.chemicals.node(name)
        if target[0] == "Drug":
            return target, self.node("Drug", target[1], name=name.strip())
        return target, []

    def allele(self, gene: str, name: str) -> tuple[tuple[str, str], list[Record]]:
        key = allele_id(gene, name)
        records = self.node("Allele", key, gene=gene, name=name, synonyms=allele_synonyms(name))
        if records:
            records += [*self.gene(gene), EdgeRecord("HAS_ALLELE", ("Gene", gene), ("Allele", key))]
        return ("Allele", key), records

    def variant(self, rsid: str, gene: str | None = None) -> tuple[tuple[str, str], list[Record]]:
        key = variant_id(rsid)
        records = self.node("Variant", key, rsid=rsid, gene=gene)
        if records and gene:
            records += [*self.gene(gene), EdgeRecord("IN_GENE", ("Variant", key), ("Gene", gene))]
        return ("Variant", key), records

    def locus(self, text: str, genes: list[str]) -> list[tuple[tuple[str, str], list[Record]]]:
        """The variants or alleles a ``Variant/Haplotypes`` field names (``rs123``; ``CYP2C9*1, CYP2C9*3``)."""
        found = []
        for part in re.split(r",\s*(?=rs\d|[A-Z0-9-]+[*\s])", text):
            part = part.strip()
            if _RSID.fullmatch(part):
                found.append(self.variant(part, genes[0] if len(genes) == 1 else None))
            elif not is_phenotype_phrase(part) and (split := split_allele(part)) is not None:
                found.append(self.allele(*split))
        return found  # a phenotype phrase ("CYP2D6 poor metabolizers"): the annotation is ABOUT its gene

    def chemical_records(self) -> Iterator[Record]:
        path = one_file(self.files, "chemicals.tsv") or one_file(self.files, "drugs.tsv")
        if path is None:
            return
        classes: dict[str, list[dict[str, str]]] = {}
        for _, row in tsv_rows(path, CHEMICAL_COLUMNS, self.problems):
            name, pharmgkb_id = row["Name"], row["PharmGKB Accession Id"]
            atc = split_field(row["ATC Identifiers"], ",")
            if "Drug Class" in row["Type"]:
                code = atc[0] if len(atc) == 1 else f"PharmGKB:{pharmgkb_id}"
                classes.setdefault(code, []).append(row)
                self.chemicals.add(pharmgkb_id, name, ("DrugClass", code))
                for synonym in name_list(row["Generic Names"]):
                    self.chemicals.by_name.setdefault(drug_id(synonym), ("DrugClass", code))
                continue
            key = drug_id(name)
            self.chemicals.add(pharmgkb_id, name, ("Drug", key))
            xrefs = cross_references(row["Cross-references"])
            rxnorm = split_field(row["RxNorm Identifiers"], ",")
            synonyms = [s for s in [*name_list(row["Generic Names"]), *name_list(row["Trade Names"])]
                        if drug_id(s) != key]
            records = self.node(
                "Drug", key, name=name, pharmgkb_id=pharmgkb_id, rxnorm=rxnorm[0] if rxnorm else None,
                rxnorm_ids=rxnorm if len(rxnorm) > 1 else None, atc=atc,
                drugbank_id=(xrefs.get("DrugBank") or [None])[0], synonyms=list(dict.fromkeys(synonyms)),
                chemical_type=row["Type"], top_fda_label_testing=row.get("Top FDA Label Testing Level"),
                top_clinical_level=row.get("Top Clinical Annotation Level"),
                top_cpic_level=row.get("Top CPIC Pairs Level"),
                dosing_guideline_sources=split_field(row.get("Dosing Guideline Sources", ""), ","))
            if records:
                yield from records
                yield from atc_records(key, atc, self.node)
        for code, rows in classes.items():
            names = [row["Name"] for row in rows]
            level = atc_classes(code)[0][1] if not code.startswith("PharmGKB:") else None
            synonyms = [*names[1:], *(s for row in rows for s in name_list(row["Generic Names"]))]
            self.node.seen.add(("DrugClass", code))  # the class's own record, even if a drug's ATC code named it first
            yield NodeRecord("DrugClass", code, {k: v for k, v in {
                "code": code, "name": names[0], "level": level, "pharmgkb_id": rows[0]["PharmGKB Accession Id"],
                "synonyms": list(dict.fromkeys(s for s in synonyms if s != names[0]))}.items() if v not in (None, [])})
            if level and level > 1 and len(code) > 1:
                parent = atc_classes(code)[1][0]
                yield from self.node("DrugClass", parent, code=parent, level=atc_classes(code)[1][1])
                yield EdgeRecord("IS_A", ("DrugClass", code), ("DrugClass", parent))

    def gene_records(self) -> Iterator[Record]:
        path = one_file(self.files, "genes.tsv")
        if path is None:
            return
        for _, row in tsv_rows(path, ("PharmGKB Accession Id", "HGNC ID", "Symbol", "Name"), self.problems):
            symbol = row["Symbol"]
            if not symbol:
                continue
            self.genes[row["PharmGKB Accession Id"]] = symbol
            synonyms = [*name_list(row.get("Alternate Symbols", "")), *name_list(row.get("Alternate Names", ""))]
            yield from self.node(
                "Gene", symbol, symbol=symbol, name=row["Name"], hgnc_id=row["HGNC ID"],
                ncbi_id=row.get("NCBI Gene ID"), ensembl_id=row.get("Ensembl Id"),
                pharmgkb_id=row["PharmGKB Accession Id"], synonyms=[s for s in synonyms if s != symbol],
                chromosome=row.get("Chromosome"), start_grch38=_int(row.get("Chromosomal Start - GRCh38")),
                end_grch38=_int(row.get("Chromosomal Stop - GRCh38")), is_vip=row.get("Is VIP") == "Yes",
                cpic_guideline=row.get("Has CPIC Dosing Guideline") == "Yes")

    def disease_records(self) -> Iterator[Record]:
        path = one_file(self.files, "phenotypes.tsv")
        if path is None:
            return
        for _, row in tsv_rows(path, ("PharmGKB Accession Id", "Name", "Alternate Names"), self.problems):
            key = disease_id(row["Name"])
            self.diseases[row["PharmGKB Accession Id"]] = key
            xrefs = [re.sub(r"\(.*\)$", "", x).strip() for x in name_list(row.get("External Vocabulary", ""))]
            yield from self.node("Disease", key, name=row["Name"], name_normalised=normalise_name(row["Name"]),
                                 pharmgkb_id=row["PharmGKB Accession Id"],
                                 synonyms=name_list(row["Alternate Names"]), xrefs=[x for x in xrefs if ":" in x])

    # --- labels and levels -------------------------------------------------------------------

    def label_records(self) -> Iterator[Record]:
        path = one_file(self.files, "drugLabels.tsv")
        if path is None:
            return
        pairs: dict[tuple[str, tuple[str, str]], dict[str, str]] = {}
        by_drug: dict[tuple[str, str], dict[str, str]] = {}
        columns = ("PharmGKB ID", "Name", "Source", "Testing Level", "Chemicals", "Genes")
        for _, row in tsv_rows(path, columns, self.problems):
            key, agency, level = row["PharmGKB ID"], row["Source"], row["Testing Level"] or None
            drugs = [self.chemical(name) for name in split_field(row["Chemicals"], ";")]
            genes = split_field(row["Genes"], ";")
            yield from self.node(
                "DrugLabel", key, name=row["Name"], source=agency, testing_level=level,
                biomarker=row.get("Biomarker Flag"), prescribing=row.get("Has Prescribing Info") or None,
                dosing=bool(row.get("Has Dosing Info")), alternate_drug=bool(row.get("Has Alternate Drug")),
                other_guidance=bool(row.get("Has Other Prescribing Guidance")),
                cancer_genome=bool(row.get("Cancer Genome")), variants=split_field(row.get("Variants/Haplotypes", ""),
                                                                                   ";"),
                updated=row.get("Latest History Date (YYYY-MM-DD)"))
            for target, records in drugs:
                yield from records
                yield EdgeRecord("FOR_DRUG", ("DrugLabel", key), target)
                if level and agency in AGENCIES:
                    best = by_drug.setdefault(target, {})
                    if label_rank(level) < label_rank(best.get(agency)):
                        best[agency] = level
            for gene in genes:
                yield from self.gene(gene)
                yield EdgeRecord("ABOUT", ("DrugLabel", key), ("Gene", gene))
                for target, _ in drugs:
                    levels = pairs.setdefault((gene, target), {})
                    if level and agency in AGENCIES and label_rank(level) < label_rank(levels.get(agency)):
                        levels[agency] = level
        for (gene, target), levels in pairs.items():
            if levels:
                yield EdgeRecord("INTERACTS_WITH", ("Gene", gene), target,
                                 {AGENCIES[agency]: level for agency, level in levels.items()})
        for (label, key), levels in by_drug.items():
            if label == "Drug":
                yield NodeRecord("Drug", key, {"label_testing": [f"{agency}: {level}"
                                                                 for agency, level in sorted(levels.items())]})

    def clinical_variant_records(self) -> Iterator[Record]:
        path = one_file(self.files, "clinicalVariants.tsv")
        if path is None:
            return
        best: dict[tuple[str, tuple[str, str]], str] = {}
        for line, row in tsv_rows(path, ("variant", "gene", "level of evidence", "chemicals"), self.problems):
            level = row["level of evidence"]
            if level not in {lv.value for lv in ClinPGxLevel}:
                self.problems.bad_row(path, line, f"level of evidence {level!r} is not 1A-4")
                continue
            for gene in split_field(row["gene"], ","):
                for name in split_names(row["chemicals"], ",", self.chemicals.known):
                    target, records = self.chemical(name)
                    yield from records
                    pair = (gene, target)
                    if level_rank(ClinPGxLevel, level) < level_rank(ClinPGxLevel, best.get(pair)):
                        best[pair] = level
        for (gene, target), level in best.items():
            yield from self.gene(gene)
            yield EdgeRecord("INTERACTS_WITH", ("Gene", gene), target, {"clinical_level": level})

    # --- relationships and annotations ----------------------------------------------------------

    def entity(self, kind: str, pharmgkb_id: str, name: str) -> tuple[tuple[str, str] | None, list[Record]]:
        if kind == "Gene":
            symbol = self.genes.get(pharmgkb_id, name)
            return ("Gene", symbol), self.gene(symbol)
        if kind == "Chemical":
            target = self.chemicals.by_id.get(pharmgkb_id)
            return (target, []) if target else self.chemical(name)
        if kind == "Disease":
            key = self.diseases.get(pharmgkb_id) or disease_id(name)
            return ("Disease", key), self.node("Disease", key, name=name, name_normalised=normalise_name(name))
        if kind == "Variant" and _RSID.fullmatch(name):
            return self.variant(name)
        if kind == "Haplotype" and not is_phenotype_phrase(name) and (split := split_allele(name)) is not None:
            return self.allele(*split)
        return None, []

    def relationship_records(self) -> Iterator[Record]:
        path = one_file(self.files, "relationships.tsv")
        if path is None:
            return
        columns = ("Entity1_id", "Entity1_name", "Entity1_type", "Entity2_id", "Entity2_name", "Entity2_type",
                   "Association")
        pairs: set[tuple[str, str]] = set()
        for line, row in tsv_rows(path, columns, self.problems):
            pair = (row["Entity1_id"], row["Entity2_id"])
            if pair in pairs:  # the file lists every pair both ways
                continue
            pairs.add(pair[::-1])
            first, first_records = self.entity(row["Entity1_type"], row["Entity1_id"], row["Entity1_name"])
            second, second_records = self.entity(row["Entity2_type"], row["Entity2_id"], row["Entity2_name"])
            if first is None or second is None:
                unknown = row["Entity1_name"] if first is None else row["Entity2_name"]
                self.problems.bad_row(path, line, f"{unknown!r} is neither an rsID nor a named allele of a gene")
                continue
            if first == second:
                continue  # two ClinPGx entries of one name: the graph has one node, and no loop
            yield from first_records
            yield from second_records
            start, end = sorted((first, second), key=lambda n: (RELATED_ORDER.index(n[0]), n[1]))
            yield EdgeRecord("RELATED_TO", start, end, {k: v for k, v in {
                "association": row["Association"], "evidence": split_field(row.get("Evidence", ""), ","),
                "pk": row.get("PK") == "PK", "pd": row.get("PD") == "PD",
                "pmids": split_field(row.get("PMIDs", ""), ";")}.items() if v not in (None, [])})

    def variant_annotation_records(self) -> Iterator[Record]:
        path = one_file(self.files, "var_drug_ann.tsv")
        if path is None:
            return
        columns = ("Variant Annotation ID", "Variant/Haplotypes", "Gene", "Drug(s)", "PMID", "Sentence")
        for line, row in tsv_rows(path, columns, self.problems):
            key = row["Variant Annotation ID"]
            genes = split_field(row["Gene"], ",")
            drugs = [self.chemical(name) for name in split_names(row["Drug(s)"], ",", self.chemicals.known)]
            if not key or not drugs:
                self.problems.bad_row(path, line, "a variant annotation needs an id and a drug")
                continue
            yield from self.node(
                "VariantAnnotation", key, variant=row["Variant/Haplotypes"], genes=genes, sentence=row["Sentence"],
                significance=row.get("Significance"), phenotype_category=row.get("Phenotype Category"),
                alleles=row.get("Alleles"), associated=row.get("Is/Is Not associated"),
                direction=row.get("Direction of effect"), comparison=row.get("Comparison Allele(s) or Genotype(s)"),
                specialty_population=row.get("Specialty Population"), pmid=row["PMID"])
            for target, records in self.locus(row["Variant/Haplotypes"], genes):
                yield from records
                yield EdgeRecord("ABOUT", ("VariantAnnotation", key), target)
            for gene in genes:
                yield from self.gene(gene)
                yield EdgeRecord("ABOUT", ("VariantAnnotation", key), ("Gene", gene))
            for target, records in drugs:
                yield from records
                yield EdgeRecord("FOR_DRUG", ("VariantAnnotation", key), target)
            if row["PMID"].isdigit():
                yield from self.node("Publication", row["PMID"], pmid=row["PMID"])
                yield EdgeRecord("CITES", ("VariantAnnotation", key), ("Publication", row["PMID"]))

    def guideline_records(self) -> Iterator[Record]:
        for path in files_matching(self.files, "guidelineAnnotations/*.json"):
            document = read_json(path)
            guideline = document.get("guideline") if isinstance(document, dict) else None
            if not isinstance(guideline, dict) or not guideline.get("id") or not guideline.get("source"):
                self.problems.bad_row(path, 1, "no guideline with an id and a source")
                continue
            body = BODIES.get(guideline["source"], guideline["source"])
            key = f"{body}:{guideline['id']}"
            drugs = [self.chemical(c["name"]) for c in guideline.get("relatedChemicals") or [] if c.get("name")]
            genes = [g["symbol"] for g in guideline.get("relatedGenes") or [] if g.get("symbol")]
            history = sorted(h["date"][:10] for h in guideline.get("history") or []
                             if isinstance(h, dict) and _DATE.match(str(h.get("date", ""))))
            summary = guideline.get("summaryMarkdown") or {}
            yield from self.node(
                "Guideline", key, source=body, name=guideline.get("name"), version=guideline.get("version"),
                url=f"https://www.clinpgx.org/guidelineAnnotation/{guideline['id']}",
                pharmgkb_id=guideline["id"], annotation=True, genes=genes, drugs=[t[1] for t, _ in drugs],
                summary=plain_text(summary.get("html", "")) if isinstance(summary, dict) else None,
                recommendation=guideline.get("recommendation"),
                dosing_information=guideline.get("dosingInformation"),
                alternate_drug_available=guideline.get("alternateDrugAvailable"),
                other_prescribing_guidance=guideline.get("otherPrescribingGuidance"),
                pediatric=guideline.get("pediatric"), updated=history[-1] if history else None)
            for target, records in drugs:
                yield from records
                yield EdgeRecord("FOR_DRUG", ("Guideline", key), target)
            for pmid in _pmids(guideline.get("literature") or []):
                yield from self.node("Publication", pmid, pmid=pmid)
                yield EdgeRecord("CITES", ("Guideline", key), ("Publication", pmid))
            for allele in guideline.get("relatedAlleles") or []:
                if allele.get("objCls") == "Haplotype" and (split := split_allele(str(allele.get("symbol", "")))):
                    yield from self.allele(*split)[1]


def _pmids(literature: list[Any]) -> list[str]:
    found = []
    for item in literature:
        if not isinstance(item, dict):
            continue
        for reference in item.get("crossReferences") or []:
            if reference.get("resource") == "PubMed" and str(reference.get("resourceId", "")).isdigit():
                found.append(str(reference["resourceId"]))
        same_as = re.search(r"pubmed/(\d+)", str(item.get("_sameAs", "")))
        if same_as:
            found.append(same_as[1])
    return list(dict.fromkeys(found))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
