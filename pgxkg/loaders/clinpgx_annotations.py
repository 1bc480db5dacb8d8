"""ClinPGx clinical annotations -> ClinicalAnnotation nodes at genotype level, in either layout.

ClinPGx renamed the download in July 2025: ``clinicalAnnotations.zip`` (``clinical_annotations.tsv``,
``clinical_ann_alleles.tsv``, ``clinical_ann_evidence.tsv``, first column ``Clinical Annotation ID``)
became ``summaryAnnotations.zip`` (``summary_annotations.tsv``, ``summary_ann_alleles.tsv``,
``summary_ann_evidence.tsv``, first column ``Summary Annotation ID``) with the same columns
otherwise. The layout is read from the header, so either works; given both, the newer wins.

One node per annotation and genotype (or allele) of ``*_alleles.tsv``, keyed as PharmGKB's
snapshot keys them (``PharmGKB:<id>:<rsID or gene>:<genotype>``), with the annotation's level
(1A-4), override and modifiers, score, phenotype category, counts, specialty population, last
history date and URL, the genotype's text and allele function; ABOUT the variant or the alleles
(with their other names) and the gene, FOR_DRUG each drug, FOR_DISEASE each phenotype, CITES the
PMIDs of its evidence (``evidence_types`` lists what the evidence is: variant, guideline, label
annotations...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pgxkg.loaders.names import allele_synonyms
from pgxkg.loaders.official import FileSpec, UpstreamFile, files_date, one_file
from pgxkg.loaders.pharmgkb import Nodes, disease_id, haplotype_name, listed_haplotypes
from pgxkg.loaders.records import EdgeRecord, NodeRecord, Record, RowProblems, SourceFileError, SourceInfo
from pgxkg.loaders.tables import header_of, split_field, tsv_rows
from pgxkg.vocab import ClinPGxLevel, allele_id, drug_id, genotype_key, natural_key

SOURCE = SourceInfo(
    name="clinpgx-annotations",
    version="release",
    package="",
    package_version="",
    filename="",
    sha256="",
    license="CC BY-SA 4.0 with ClinPGx's terms (attribution, share-alike, no sale of the data)",
    url="https://www.clinpgx.org/downloads",
    members=("summary_annotations.tsv", "summary_ann_alleles.tsv", "summary_ann_evidence.tsv",
             "clinical_annotations.tsv", "clinical_ann_alleles.tsv", "clinical_ann_evidence.tsv"),
    description=(
        "ClinPGx clinical (summary) annotations: variant- and haplotype-drug associations with levels of "
        "evidence 1A-4, per-genotype texts and allele functions, drugs, diseases and evidence PMIDs."
    ),
    official=True,
    provides=frozenset({"clinical_annotations"}),
)
LAYOUTS = {"summary": "Summary Annotation ID", "clinical": "Clinical Annotation ID"}
ANNOTATION_COLUMNS = ("Variant/Haplotypes", "Gene", "Level of Evidence", "Score", "Phenotype Category",
                      "Drug(s)", "Phenotype(s)")
FILES = tuple(FileSpec(f"{prefix}{name}.tsv", columns=(LAYOUTS[layout],))
              for layout, prefix, names in (("summary", "summary_", ("annotations", "ann_alleles", "ann_evidence")),
                                            ("clinical", "clinical_", ("annotations", "ann_alleles", "ann_evidence")))
              for name in names)
UPSTREAM = (UpstreamFile("clinpgx_url", "summaryAnnotations.zip"),)
LEVELS = frozenset(level.value for level in ClinPGxLevel)
_RSID = re.compile(r"rs\d+")


class ClinpgxAnnotationsAdapter:
    """Adapter for ClinPGx clinical/summary annotations (both layouts)."""

    source = SOURCE
    files = FILES
    requires = (("summary_annotations.tsv", "clinical_annotations.tsv"),
                ("summary_ann_alleles.tsv", "clinical_ann_alleles.tsv"))
    upstream = UPSTREAM

    def describe(self, files: dict[str, Path], created: dict[str, str], fetched_on: str | None) -> tuple[str, str]:
        layout = "summary annotations" if one_file(files, "summary_annotations.tsv") else "clinical annotations"
        dates = sorted(set(created.values()))
        if dates:
            return f"ClinPGx {layout} created {dates[-1]}", dates[-1]
        day = fetched_on or files_date(files)
        return f"ClinPGx {layout} (files dated {day})", day

    def records(self, files: Mapping[str, Path], problems: RowProblems,
                skip: frozenset[str] = frozenset()) -> Iterator[Record]:
        prefix = "summary_" if one_file(dict(files), "summary_annotations.tsv") else "clinical_"
        paths = {name: one_file(dict(files), f"{prefix}{name}.tsv")
                 for name in ("annotations", "ann_alleles", "ann_evidence")}
        if paths["annotations"] is None or paths["ann_alleles"] is None:
            raise SourceFileError(f"{prefix}annotations.tsv", None, "not among the fetched files")
        id_column = _id_column(paths["annotations"])
        for path in paths.values():
            if path is not None and _id_column(path) != id_column:
                raise SourceFileError(path, 1, f"the first column is not {id_column!r}: files of two layouts mixed")
        return _Parse(paths, id_column, problems).records()


def _id_column(path: Path) -> str:
    header = header_of(path)
    if not header or header[0] not in LAYOUTS.values():
        raise SourceFileError(path, 1, f"the first column is {header[0] if header else 'missing'!r}, not one of "
                                       f"{', '.join(LAYOUTS.values())}")
    return header[0]


class _Parse:
    def __init__(self, paths: dict[str, Path | None], id_column: str, problems: RowProblems) -> None:
        self.paths = paths
        self.id_column = id_column
        self.problems = problems
        self.nodes = Nodes()

    def records(self) -> Iterator[Record]:
        annotations = self.annotations()
        evidence = self.evidence()
        path = self.paths["ann_alleles"]
        assert path is not None
        columns = (self.id_column, "Genotype/Allele", "Annotation Text")
        for line, row in tsv_rows(path, columns, self.problems):
            annotation = annotations.get(row[self.id_column])
            if annotation is None:
                self.problems.bad_row(path, line, f"annotation {row[self.id_column]} is not in the annotations file")
                continue
            try:
                yield from self.genotype_records(annotation, row, evidence.get(row[self.id_column], ([], [])))
            except ValueError as error:
                self.problems.bad_row(path, line, str(error))

    def annotations(self) -> dict[str, dict[str, Any]]:
        path = self.paths["annotations"]
        assert path is not None
        found = {}
        for line, row in tsv_rows(path, (self.id_column, *ANNOTATION_COLUMNS), self.problems):
            level = row["Level of Evidence"]
            if level not in LEVELS:
                self.problems.bad_row(path, line, f"Level of Evidence {level!r} is not one of 1A-4")
                continue
            try:
                score = float(row["Score"]) if row["Score"] else None
            except ValueError:
                self.problems.bad_row(path, line, f"Score {row['Score']!r} is not a number")
                continue
            found[row[self.id_column]] = {**row, "level": level, "score": score}
        return found

    def evidence(self) -> dict[str, tuple[list[str], list[str]]]:
        """Annotation id -> (PMIDs, evidence types)."""
        path = self.paths["ann_evidence"]
        found: dict[str, tuple[list[str], list[str]]] = {}
        if path is None:
            return found
        for _, row in tsv_rows(path, (self.id_column, "Evidence Type", "PMID"), self.problems):
            pmids, kinds = found.setdefault(row[self.id_column], ([], []))
            if row["PMID"].isdigit() and row["PMID"] not in pmids:
                pmids.append(row["PMID"])
            if row["Evidence Type"] and row["Evidence Type"] not in kinds:
                kinds.append(row["Evidence Type"])
        return found

    def genotype_records(self, annotation: dict[str, Any], row: dict[str, str],
                         evidence: tuple[list[str], list[str]]) -> Iterator[Record]:
        variant = annotation["Variant/Haplotypes"]
        genes = split_field(annotation["Gene"].replace(",", ";"), ";")
        gene = genes[0] if genes else None
        genotype_text = row["Genotype/Allele"]
        if not genotype_text:
            raise ValueError("the genotype/allele is empty")
        if _RSID.fullmatch(variant):
            locus, genotype = variant, genotype_key(genotype_text) if "(" not in genotype_text else genotype_text
            about = [("Variant", variant)]
        else:
            if gene is None:
                raise ValueError(f"haplotype annotation {variant!r} has no gene")
            listed = listed_haplotypes(gene, variant)
            alleles = [haplotype_name(part, gene, listed) for part in genotype_text.split("/") if part.strip()]
            if not alleles:
                raise ValueError(f"genotype {genotype_text!r} names no allele")
            locus, genotype = gene, "/".join(sorted(alleles, key=natural_key))
            about = [("Allele", allele_id(gene, allele)) for allele in dict.fromkeys(alleles)]
        key = f"PharmGKB:{annotation[self.id_column]}:{locus}:{genotype}"
        drugs = split_field(annotation["Drug(s)"], ";")
        diseases = split_field(annotation["Phenotype(s)"], ";")
        pmids, kinds = evidence
        yield NodeRecord("ClinicalAnnotation", key, {k: v for k, v in {
            "caid": annotation[self.id_column], "gene": gene, "genes": genes if len(genes) > 1 else None,
            "variant": locus, "variant_text": variant, "genotype": genotype, "text": row["Annotation Text"],
            "allele_function": row.get("Allele Function") or None, "level": annotation["level"],
            "level_override": annotation.get("Level Override") or None,
            "level_modifiers": annotation.get("Level Modifiers") or None, "score": annotation["score"],
            "phenotype_category": annotation["Phenotype Category"],
            "pmid_count": _int(annotation.get("PMID Count")), "evidence_count": _int(annotation.get("Evidence Count")),
            "specialty_population": annotation.get("Specialty Population") or None,
            "updated": annotation.get("Latest History Date (YYYY-MM-DD)") or None, "url": annotation.get("URL"),
            "drugs": drugs, "diseases": diseases, "evidence_types": kinds}.items() if v not in (None, "", [])})
        start = ("ClinicalAnnotation", key)
        for label, target in about:
            if label == "Variant":
                yield from self.nodes.variant(target, gene)
            else:
                assert gene is not None
                name = target[len(gene):].strip()
                yield from self.nodes.allele(gene, name)
                if synonyms := allele_synonyms(name):
                    yield NodeRecord("Allele", target, {"synonyms": synonyms})
            yield EdgeRecord("ABOUT", start, (label, target))
        for symbol in genes:
            yield from self.nodes.gene(symbol)
            yield EdgeRecord("ABOUT", start, ("Gene", symbol))
        for drug in drugs:
            yield from self.nodes.drug(drug)
            yield EdgeRecord("FOR_DRUG", start, ("Drug", drug_id(drug)))
        for disease in diseases:
            yield from self.nodes.disease(disease)
            yield EdgeRecord("FOR_DISEASE", start, ("Disease", disease_id(disease)))
        for pmid in pmids:
            yield from self.nodes.new("Publication", pmid, {"pmid": pmid})
            yield EdgeRecord("CITES", start, ("Publication", pmid))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
