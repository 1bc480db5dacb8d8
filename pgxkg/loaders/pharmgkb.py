"""PharmGKB clinical annotations and multi-source guideline annotations, as panno 0.3.1 ships them.

One SQLite file, four tables, each read row by row (a bad row is reported as
``<file>:<table ID>`` with the table named in the reason):

* ``ClinAnn`` -> ClinicalAnnotation. Rows are (annotation, genotype, drug); a node is
  one (annotation, genotype) with every drug and disease of its rows. Ids are
  ``PharmGKB:<CAID>:<rsID or gene>:<genotype>``. For rsIDs the genotype is the two
  bases sorted (``AG``; ``A/del`` when an allele is longer than one base; one base for
  hemizygous X-linked rows). Haplotype annotations come in two kinds and panno mixes
  them in one table: genotype rows (``Annotation2`` empty: "patients with the *1/*3
  genotype") give ``*1/*3``; allele rows (``Annotation1``/``Annotation2`` describe
  ``Allele1``/``Allele2`` separately: "patients carrying the *5 allele", panno crossed
  them into diplotypes) give one node per allele, genotype ``*5``. An empty GSTM1 allele
  is the ``null`` (deleted) allele; a G6PD allele misspelt in some rows ("Panama'") is
  matched to the annotation's listed haplotype with the same letters and digits. Genes
  ``-`` (969 rows, intergenic rsIDs) give annotations with no gene.
  Diseases get ``PharmGKB:<normalised name>`` ids; the build resolves them to HPO's.
* ``GuidelineMerge`` -> Guideline (one per source, drug and gene: ``CPIC:clopidogrel-CYP2C19``;
  ``CPIC:warfarin`` where the gene is ``-`` in the row and its rules) and Recommendation (one
  per row, ``<source>:<drug>:<sorted conditions joined by +>``, the CPIC adapter's form) with
  WHEN conditions read from the Phenotype and Genotype columns (``guideline_conditions``):

  ==========================================  =========================================
  shape (Phenotype / Genotype)                condition(s), target
  ==========================================  =========================================
  ``Poor Metabolizer``, ``Normal Function``,  phenotype, Phenotype; ``;`` = either holds;
  ``Deficient; Deficient with CNSHA``         names as the gene's diplotype table spells
                                              them (then pypgx's spelling, see below);
                                              ``Poor Metabolizers``, ``Ultra Rapid`` and
                                              ``Extensive Metabolizer`` (= Normal) mapped
  ``HLA-B*57:01 positive`` / ``negative``,    positive / negative, Allele; the gene comes
  ``A ... + B ...``                           from the text (``+`` = both genes)
  Genotype ``AS 1; AS 0.5`` (``DPD AS 1``)    phenotype ``Activity Score 1.0``, Phenotype
  ``rs9923231 CT; rs9923231 TT``              genotype ``rs9923231:CT``, Variant
  ``rs9923231``, ``rs78655421; rs75527207``   carrier of the variant allele, Variant
  ``*1/*3``, ``*5/*6 or *5/*18``              diplotype, Diplotype
  ``*2; *3``, ``*17``                         carrier (at least one copy), Allele
  CFTR protein changes (``G551D; ...``)       carrier of each rsID its GuidelineRule rows list
  ==========================================  =========================================

  The Genotype column is tried before the Phenotype text: it is the structured copy, and in
  the CPNDS anthracycline rows (RARG/SLC28A3/UGT1A6) the Phenotype column is shifted by one
  row while Genotype is right. A genotype whose gene is ``-`` (rs12777823) uses the rsID as
  its locus in ``gene``. Rows that fail (bad rows in the real file, 15 of 599): a repeated
  recommendation id (DPWG capecitabine/fluorouracil under two PAIDs, CPIC carbamazepine
  HLA-A/HLA-B rows listed once per gene: 7); shapes that name no allele (DPWG CYP3A5
  ``Heterozygote``/``Homozygous`` x2, ``Intermediate Metabolizer - *10``: 5); Factor V
  Leiden, whose genotypes panno swapped ("heterozygous" = ``rs6025 TT``: 2); F508del
  ClinAnn has 2 bad rows
  (rs1800497 with no alleles).
* ``DiplotypePhenotype`` -> Diplotype -HAS_PHENOTYPE-> Phenotype (priority = EHR column).

Names follow the CPIC tables (pypgx) where both sources mean the same thing, so the two
adapters meet on one node: ABCG2 ``rs2231142 reference (G)``/``variant (T)`` ->
``Reference``/``rs2231142``, G6PD ``B (wildtype)`` -> ``B (reference)`` and phenotypes
``G6PD Deficient``, MT-RNR1 ``m.1555A>G`` and ``Normal Risk of Aminoglycoside-Induced
Hearing Loss``. One-allele rows become pypgx's genotypes: a G6PD male ``<allele>/MALE``, a
mitochondrial MT-RNR1 genotype ``m.663A>G/m.663A>G``.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing
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
    qualified,
    skips,
)
from pgxkg.vocab import (
    allele_id,
    condition,
    diplotype_id,
    drug_id,
    genotype_key,
    natural_key,
    normalise_name,
    phenotype_id,
)

SOURCE = SourceInfo(
    name="pharmgkb-annotations",
    version="panno-0.3.1",
    package="panno",
    package_version="0.3.1",
    filename="panno-0.3.1.tar.gz",
    sha256="c35d4e8b525a6c444bac0f7b427868bb434f4c034d5a352e00f8caabeb9ced81",
    license="MPL-2.0 (panno); PharmGKB data CC BY-SA 4.0",
    url="https://pypi.org/project/panno/0.3.1/",
    members=("panno-0.3.1/panno/assets/pgx_kb.sqlite3",),
    description=(
        "PharmGKB knowledge as shipped in the panno 0.3.1 sdist (pgx_kb.sqlite3, 2022): "
        "~4.7k clinical annotations at genotype level with evidence levels 1A-4, drugs and "
        "diseases; 599 guideline annotations from CPIC, DPWG, CPNDS, RNPGx and others with "
        "PharmGKB's avoid/alternate/dosing flags; 39k diplotype-phenotype rows."
    ),
    release="PharmGKB data as packed in panno 0.3.1 (December 2022)",
    date="2022-12",
    provides=frozenset({"variants", "alleles", "diplotype_phenotypes", "drugs", "clinical_annotations",
                        *(qualified(kind, body) for kind in ("guidelines", "recommendations")
                          for body in ("CPIC", "DPWG", "CPNDS", "RNPGx", "AusNZ", "SEFF", "ACR", "CFF"))}),
)
(MEMBER,) = SOURCE.members

# The columns this adapter reads; a file without them is not the database we know.
TABLES: dict[str, tuple[str, ...]] = {
    "ClinAnn": ("ID", "CAID", "Gene", "Variant", "Allele1", "Allele2", "Annotation1", "Annotation2",
                "Drug", "Phenotypes", "EvidenceLevel", "LevelModifier", "Score", "PMIDCount",
                "EvidenceCount", "Specialty", "PhenotypeCategory"),
    "GuidelineMerge": ("ID", "Source", "PAID", "Summary", "Phenotype", "Genotype", "Recommendation",
                       "Avoid", "Alternate", "Dosing", "Gene", "Drug"),
    "GuidelineRule": ("ID", "Gene", "Variant", "Allele1", "Allele2", "Phenotype", "GuidelineID"),
    "DiplotypePhenotype": ("ID", "Gene", "Allele1", "Allele2", "ActivityScore", "Phenotype", "EHR"),
}
LEVELS = frozenset({"1A", "1B", "2A", "2B", "3", "4"})
FLAGS = ("Avoid", "Alternate", "Dosing")
NO_GENE = "-"

RSID = re.compile(r"rs\d+")
_BASE_GENOTYPE = re.compile(r"(rs\d+) ([ACGT])/?([ACGT])")
_OTHER_GENOTYPE = re.compile(r"(rs\d+) (\S+)")
_ACTIVITY = re.compile(r"(?:DPD )?AS (\d+(?:\.\d+)?)")
_DIPLOTYPE = re.compile(r"(\*\w+)/(\*\w+)")
_STAR = re.compile(r"\*\w+")
_HLA = re.compile(r"(HLA-[A-Z0-9]+)(\*\d+:\d+(?::\d+)*) (positive|negative)")
_OR = re.compile(r"\s*;\s*|\s+or\s+")
_ABCG2 = re.compile(r"(rs\d+) (reference|variant) \(\w+\)")
_MITOCHONDRIAL = re.compile(r"\d+[ACGT]>")

# Phenotype names every gene may use, and the old or misspelt names guideline rows use.
STANDARD_PHENOTYPES = tuple(
    f"{prefix}{kind}"
    for kind, prefixes in (
        ("Metabolizer", ("Poor ", "Intermediate ", "Normal ", "Rapid ", "Ultrarapid ", "Likely Poor ",
                         "Likely Intermediate ", "Possible Intermediate ")),
        ("Function", ("Poor ", "Decreased ", "Possible Decreased ", "Normal ", "Increased ")),
        ("Indeterminate", ("",)),
    )
    for prefix in prefixes
)
PHENOTYPE_ALIASES = {
    "poor metabolizers": "Poor Metabolizer",
    "ultra rapid metabolizer": "Ultrarapid Metabolizer",
    "extensive metabolizer": "Normal Metabolizer",  # CPIC's name before 2017
}


# --- reading the database --------------------------------------------------------------

def open_db(path: Path) -> sqlite3.Connection:
    """The database read-only, checked to have every table and column the adapter reads."""
    try:
        db = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise SourceFileError(path, None, f"cannot open as SQLite ({error})") from error
    try:
        for table, columns in TABLES.items():
            try:
                have = {row[1] for row in db.execute(f'PRAGMA table_info("{table}")')}
            except sqlite3.Error as error:
                raise SourceFileError(path, None, f"not a readable SQLite database ({error})") from error
            if not have:
                raise SourceFileError(path, None, f"table {table} is missing")
            missing = [column for column in columns if column not in have]
            if missing:
                raise SourceFileError(path, None, f"table {table} lacks column(s) {', '.join(missing)}")
    except SourceFileError:
        db.close()
        raise
    return db


def rows(db: sqlite3.Connection, table: str, where: str = "",
         params: tuple[Any, ...] = ()) -> Iterator[dict[str, Any]]:
    columns = ", ".join(f'"{column}"' for column in TABLES[table])
    try:
        cursor = db.execute(f'SELECT {columns} FROM "{table}" {where} ORDER BY "ID"', params)
        for values in cursor:
            yield dict(zip(TABLES[table], values, strict=True))
    except sqlite3.DatabaseError as error:  # pages damaged past the schema: "disk image is malformed"
        path = db.execute("PRAGMA database_list").fetchone()[2]
        raise SourceFileError(path, None, f"not a readable SQLite database ({error})") from error


def clean(value: Any) -> str:
    """A field as text, without the CSV quoting panno left in (outer quotes, doubled inner ones)."""
    text = "" if value is None else str(value).strip()
    if text.startswith('"'):
        text = text[1:-1] if len(text) > 1 and text.endswith('"') else text[1:]
        text = text.replace('""', '"')
    return text.strip()


def split(value: Any, separator: str = ";") -> list[str]:
    """A multi-valued field as its distinct values, in order."""
    return list(dict.fromkeys(part.strip() for part in clean(value).split(separator) if part.strip()))


def _compact(props: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in props.items() if value not in (None, "", [], ())}


# --- shared nodes ------------------------------------------------------------------------

class Nodes:
    """Each shared node (gene, drug, allele...) once, with the edges that come with it."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()

    def new(self, label: str, key: str, props: Mapping[str, Any]) -> list[Record]:
        if (label, key) in self.seen:
            return []
        self.seen.add((label, key))
        return [NodeRecord(label, key, _compact(props))]

    def gene(self, symbol: str) -> list[Record]:
        return self.new("Gene", symbol, {"symbol": symbol})

    def drug(self, name: str) -> list[Record]:
        return self.new("Drug", drug_id(name), {"name": name})

    def disease(self, name: str) -> list[Record]:
        normal = normalise_name(name)
        return self.new("Disease", disease_id(name), {"name": name, "name_normalised": normal})

    def variant(self, rsid: str, gene: str | None) -> list[Record]:
        records = self.new("Variant", rsid, {"rsid": rsid, "gene": gene})
        if records and gene:
            records += self.gene(gene)
            records.append(EdgeRecord("IN_GENE", ("Variant", rsid), ("Gene", gene)))
        return records

    def allele(self, gene: str, name: str) -> list[Record]:
        key = allele_id(gene, name)
        records = self.new("Allele", key, {"gene": gene, "name": name})
        if records:
            records += self.gene(gene)
            records.append(EdgeRecord("HAS_ALLELE", ("Gene", gene), ("Allele", key)))
        return records

    def phenotype(self, gene: str, name: str, priority: str | None = None) -> list[Record]:
        key = phenotype_id(gene, name)
        records = self.new("Phenotype", key, {"gene": gene, "name": name, "priority": priority})
        if records:
            records += self.gene(gene)
            records.append(EdgeRecord("OF_GENE", ("Phenotype", key), ("Gene", gene)))
        return records

    def diplotype(self, gene: str, alleles: tuple[str, ...], activity: str | None = None) -> list[Record]:
        key = diplotype_id(gene, *alleles)
        first, second = sorted(alleles, key=natural_key)
        props = {"gene": gene, "allele1": first, "allele2": second, "activity_score": activity}
        records = self.new("Diplotype", key, props)
        if records:
            records += self.gene(gene)
            records.append(EdgeRecord("OF_GENE", ("Diplotype", key), ("Gene", gene)))
            for name, count in Counter(alleles).items():
                records += self.allele(gene, name)
                records.append(EdgeRecord("HAS_ALLELE", ("Diplotype", key), ("Allele", allele_id(gene, name)),
                                          {"count": count}))
        return records


def allele_name(gene: str, name: str) -> str:
    """An allele as the CPIC tables (pypgx) spell it, so both sources meet on one Allele node.

    ABCG2 ``rs2231142 reference (G)`` -> ``Reference``, ``rs2231142 variant (T)`` -> ``rs2231142``;
    G6PD ``B (wildtype)`` -> ``B (reference)``; MT-RNR1 ``1555A>G`` -> ``m.1555A>G``.
    """
    if gene == "ABCG2" and (match := _ABCG2.fullmatch(name)):
        return "Reference" if match[2] == "reference" else match[1]
    if gene == "G6PD" and name == "B (wildtype)":
        return "B (reference)"
    if gene == "MT-RNR1" and _MITOCHONDRIAL.match(name):
        return f"m.{name}"
    return name


def phenotype_name(gene: str, name: str) -> str:
    """A phenotype as pypgx spells it: ``G6PD Deficient``, ``Normal Risk of Aminoglycoside-Induced ...``."""
    if gene == "G6PD" and not name.startswith("G6PD "):
        return f"G6PD {name}"
    if gene == "MT-RNR1":
        return " ".join(word if word == "of" else "-".join(part.capitalize() for part in word.split("-"))
                        for word in name.split())
    return name


def haploid_pair(gene: str, allele: str) -> tuple[str, str]:
    """A one-allele genotype written as pypgx writes it: a G6PD male is ``<allele>/MALE``;
    a mitochondrial (MT-RNR1) genotype is the allele twice (homoplasmy)."""
    return (allele, "MALE") if gene == "G6PD" else (allele, allele)


def disease_id(name: str) -> str:
    return "PharmGKB:" + normalise_name(name)


# --- ClinAnn -> ClinicalAnnotation ---------------------------------------------------------

@dataclass
class Annotation:
    props: dict[str, Any]
    about: list[tuple[str, str]]
    drugs: list[str] = field(default_factory=list)
    diseases: list[str] = field(default_factory=list)

    def add(self, drugs: Iterable[str], diseases: Iterable[str]) -> None:
        self.drugs += [drug for drug in drugs if drug not in self.drugs]
        self.diseases += [disease for disease in diseases if disease not in self.diseases]


def base_genotype(first: str, second: str) -> str:
    """``G``+``A`` -> ``AG``; longer alleles keep a slash: ``A/del``; one allele on X: ``A``."""
    alleles = sorted(allele for allele in (first, second) if allele)
    if not alleles:
        raise ValueError("the genotype has no alleles")
    return ("" if all(len(allele) == 1 for allele in alleles) else "/").join(alleles)


def listed_haplotypes(gene: str, variant: str) -> list[str]:
    """``"CYP2D6*1, CYP2D6*4"`` -> ``["*1", "*4"]``; names with commas (G6PD) stay whole."""
    names = re.split(rf",\s*(?={re.escape(gene)}[\s*])", clean(variant))
    return [name.removeprefix(gene).strip() for name in names]


def haplotype_name(value: Any, gene: str, listed: list[str]) -> str:
    """An allele of a haplotype annotation, matched to the annotation's listed haplotypes."""
    return allele_name(gene, _listed_name(clean(value), listed))


def _listed_name(name: str, listed: list[str]) -> str:
    if not name:
        return "null" if "null" in listed else ""
    if name in listed:
        return name

    def letters(text: str) -> str:
        return re.sub(r"[^0-9a-z*]", "", text.lower())

    return next((known for known in listed if letters(known) == letters(name)), name)


def annotation_genotypes(row: Mapping[str, Any], gene: str | None) -> list[tuple[str, str, str, list]]:
    """(variant key, genotype, text, ABOUT targets) for each node a ClinAnn row feeds."""
    variant = clean(row["Variant"])
    if RSID.fullmatch(variant):
        genotype = base_genotype(clean(row["Allele1"]), clean(row["Allele2"]))
        return [(variant, genotype, clean(row["Annotation1"]), [("Variant", variant)])]
    if not gene:
        raise ValueError(f"haplotype annotation {variant!r} has no gene")
    listed = listed_haplotypes(gene, variant)
    pairs = [(haplotype_name(row[a], gene, listed), clean(row[t]))
             for a, t in (("Allele1", "Annotation1"), ("Allele2", "Annotation2"))]
    alleles = [allele for allele, _ in pairs if allele]
    if not alleles:
        raise ValueError(f"haplotype annotation {variant!r} has no alleles")
    if not pairs[1][1]:  # one text for the genotype
        genotype = "/".join(sorted(alleles, key=natural_key))
        about = [("Allele", allele_id(gene, allele)) for allele in dict.fromkeys(alleles)]
        return [(gene, genotype, pairs[0][1], about)]
    return [(gene, allele, text, [("Allele", allele_id(gene, allele))])
            for allele, text in dict(pairs).items() if allele]


def parse_annotation(row: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str, str, list]]]:
    """Props shared by the row's nodes, and the nodes; ValueError says what is wrong."""
    level = clean(row["EvidenceLevel"])
    if level not in LEVELS:
        raise ValueError(f"evidence level {level!r} is not one of {', '.join(sorted(LEVELS))}")
    if not split(row["Drug"]):
        raise ValueError("no drug")
    gene = clean(row["Gene"])
    gene = None if gene in ("", NO_GENE) else gene
    try:
        numbers = {"score": float(clean(row["Score"])), "pmid_count": int(row["PMIDCount"]),
                   "evidence_count": int(row["EvidenceCount"])}
    except (TypeError, ValueError) as error:
        raise ValueError(f"bad number in Score/PMIDCount/EvidenceCount ({error})") from None
    props = {"caid": str(row["CAID"]), "gene": gene, "level": level,
             "level_modifier": clean(row["LevelModifier"]), "specialty": clean(row["Specialty"]),
             "phenotype_category": clean(row["PhenotypeCategory"]), **numbers}
    return props, annotation_genotypes(row, gene)


def clinical_annotations(db: sqlite3.Connection, path: Path, problems: RowProblems,
                         nodes: Nodes) -> Iterator[Record]:
    annotations: dict[str, Annotation] = {}
    for row in rows(db, "ClinAnn"):
        try:
            props, genotypes = parse_annotation(row)
        except ValueError as error:
            problems.bad_row(path, row["ID"], f"ClinAnn: {error}")
            continue
        for variant, genotype, text, about in genotypes:
            key = f"PharmGKB:{props['caid']}:{variant}:{genotype}"
            if key not in annotations:
                annotations[key] = Annotation(
                    {**props, "variant": variant, "genotype": genotype, "text": text}, about)
            annotations[key].add(split(row["Drug"]), split(row["Phenotypes"]))
    for key, annotation in annotations.items():
        gene = annotation.props.get("gene")
        start = ("ClinicalAnnotation", key)
        yield NodeRecord("ClinicalAnnotation", key, _compact(
            {**annotation.props, "drugs": annotation.drugs, "diseases": annotation.diseases}))
        for label, target in annotation.about:
            if label == "Variant":
                yield from nodes.variant(target, gene)
            else:
                yield from nodes.allele(gene, target[len(gene):].strip())
            yield EdgeRecord("ABOUT", start, (label, target))
        if gene:
            yield from nodes.gene(gene)
            yield EdgeRecord("ABOUT", start, ("Gene", gene))
        for drug in annotation.drugs:
            yield from nodes.drug(drug)
            yield EdgeRecord("FOR_DRUG", start, ("Drug", drug_id(drug)))
        for disease in annotation.diseases:
            yield from nodes.disease(disease)
            yield EdgeRecord("FOR_DISEASE", start, ("Disease", disease_id(disease)))


# --- GuidelineMerge -> Guideline, Recommendation, WHEN conditions ----------------------------

@dataclass(frozen=True)
class Condition:
    """One WHEN: ``kind`` and ``gene`` as in pgxkg.vocab.condition; ``names`` build the target."""

    kind: str
    gene: str
    target_label: str  # Phenotype, Allele, Diplotype or Variant
    names: tuple[str, ...]  # phenotype name | allele | two alleles | rsID [, bases]

    @property
    def target(self) -> str:
        if self.target_label == "Phenotype":
            return phenotype_id(self.gene, self.names[0])
        if self.target_label == "Allele":
            return allele_id(self.gene, self.names[0])
        if self.target_label == "Diplotype":
            return diplotype_id(self.gene, *self.names)
        return self.names[0]

    @property
    def string(self) -> str:
        """The canonical pgxkg.vocab.condition string."""
        if self.kind == "phenotype":
            return condition(self.kind, self.gene, self.names[0])
        if self.kind == "genotype":
            return condition(self.kind, self.gene, ":".join(self.names))
        return condition(self.kind, self.gene, self.target)

    @property
    def readable(self) -> str:
        """``CYP2C19: Poor Metabolizer``, ``HLA-B: *57:01 positive``, ``VKORC1: rs9923231 CT``."""
        if self.kind in ("phenotype", "diplotype"):
            return f"{self.gene}: {'/'.join(sorted(self.names, key=natural_key))}"
        return f"{self.gene}: {' '.join(self.names)}" + ("" if self.kind == "genotype" else f" {self.kind}")

    def records(self, nodes: Nodes) -> list[Record]:
        if self.target_label == "Phenotype":
            return nodes.phenotype(self.gene, self.names[0])
        if self.target_label == "Allele":
            return nodes.allele(self.gene, self.names[0])
        if self.target_label == "Diplotype":
            return nodes.diplotype(self.gene, self.names)
        gene = None if self.gene == self.names[0] else self.gene
        return nodes.variant(self.names[0], gene)


def structured_conditions(text: str, gene: str | None, phenotype: str) -> list[Condition] | None:
    """Conditions from a list of activity scores, rsID genotypes, rsIDs, diplotypes or alleles.

    ``phenotype`` (the row's free text) is checked against genotypes: panno swaps the
    Factor V Leiden genotypes, so "heterozygous" with a homozygous genotype is an error.
    None when some part is none of these shapes.
    """
    found = []
    for part in _OR.split(text):
        if match := _ACTIVITY.fullmatch(part):
            found.append(("phenotype", gene, "Phenotype", (f"Activity Score {float(match[1])}",)))
        elif match := _BASE_GENOTYPE.fullmatch(part):
            rsid, first, second = match.groups()
            check_zygosity(phenotype, first == second, part)
            found.append(("genotype", gene or rsid, "Variant", (rsid, genotype_key(first + second))))
        elif (match := _OTHER_GENOTYPE.fullmatch(part)) and "/" in match[2] and not _STAR.match(part):
            rsid, bases = match.groups()
            found.append(("genotype", gene or rsid, "Variant", (rsid, genotype_key(bases))))
        elif RSID.fullmatch(part):
            found.append(("carrier", gene or part, "Variant", (part,)))
        elif match := _DIPLOTYPE.fullmatch(part):
            found.append(("diplotype", gene, "Diplotype", match.groups()))
        elif _STAR.fullmatch(part):
            found.append(("carrier", gene, "Allele", (part,)))
        else:
            return None
    if any(g is None for _, g, _, _ in found):
        raise ValueError(f"{text!r} needs a gene and the row has none")
    return [Condition(*spec) for spec in found]


def check_zygosity(phenotype: str, homozygous: bool, genotype: str) -> None:
    words = phenotype.lower()
    says = {"heterozygous" in words, "homozygous" in words}
    if says == {True, False} and ("homozygous" in words) != homozygous:
        raise ValueError(f"phenotype {phenotype!r} contradicts genotype {genotype!r}")


def hla_conditions(text: str) -> list[Condition] | None:
    """``HLA-B*57:01 positive``; ``HLA-A*31:01 negative + HLA-B*15:02 positive`` (both hold)."""
    matches = [_HLA.fullmatch(part.strip()) for part in text.split("+")]
    if not all(matches):
        return None
    return [Condition(m[3], m[1], "Allele", (m[2],)) for m in matches if m]


def phenotype_conditions(text: str, gene: str | None,
                         vocabulary: Mapping[str, Mapping[str, str]]) -> list[Condition] | None:
    """``Normal Metabolizer; Indeterminate`` -> one phenotype condition each (either holds)."""
    known = {normalise_name(name): name for name in STANDARD_PHENOTYPES}
    known.update(vocabulary.get(gene or "", {}))
    names = []
    for part in split(text):
        name = PHENOTYPE_ALIASES.get(normalise_name(part)) or known.get(normalise_name(part))
        if not name or not gene:
            return None
        names.append(phenotype_name(gene, name))
    return [Condition("phenotype", gene, "Phenotype", (name,)) for name in names] or None


def rule_conditions(rules: list[dict[str, Any]], gene: str | None) -> list[Condition] | None:
    """Carriers of the variants GuidelineRule lists, where the row names protein changes only."""
    if not rules or not all(RSID.fullmatch(clean(r["Variant"])) and not clean(r["Allele2"]) for r in rules):
        return None
    found = {clean(r["Variant"]): clean(r["Gene"]) for r in rules}
    return [Condition("carrier", g if g not in ("", NO_GENE) else gene or rsid, "Variant", (rsid,))
            for rsid, g in found.items()]


def guideline_conditions(row: Mapping[str, Any], gene: str | None, rules: list[dict[str, Any]],
                         vocabulary: Mapping[str, Mapping[str, str]]) -> list[Condition]:
    """The WHEN conditions of one GuidelineMerge row, from the first shape that fits.

    HLA positive/negative; then the Genotype column (panno's structured copy: in the
    CPNDS anthracycline rows it is right where Phenotype is shifted by one row) and the
    Phenotype column as a list of scores, genotypes, rsIDs, diplotypes or alleles; then
    phenotype names; then GuidelineRule's variants.
    """
    phenotype, genotype = clean(row["Phenotype"]), clean(row["Genotype"])
    for attempt in (lambda: hla_conditions(phenotype),
                    lambda: genotype and structured_conditions(genotype, gene, phenotype),
                    lambda: structured_conditions(phenotype, gene, phenotype),
                    lambda: phenotype_conditions(phenotype, gene, vocabulary),
                    lambda: rule_conditions(rules, gene)):
        if found := attempt():
            return sorted(set(found), key=lambda c: c.string)
    raise ValueError(f"unknown phenotype shape {phenotype!r} (genotype {genotype!r})")


def flags_of(row: Mapping[str, Any]) -> list[str]:
    values = {flag: row[flag] for flag in FLAGS}
    if any(value not in (0, 1) for value in values.values()):
        raise ValueError(f"flags must be 0 or 1: {values}")
    return [flag.lower() for flag, value in values.items() if value]


def phenotype_vocabulary(db: sqlite3.Connection) -> dict[str, dict[str, str]]:
    """{gene: {normalised phenotype name: name}} from the diplotype table."""
    vocabulary: dict[str, dict[str, str]] = {}
    for gene, name in db.execute('SELECT DISTINCT "Gene", "Phenotype" FROM "DiplotypePhenotype"'):
        vocabulary.setdefault(clean(gene), {})[normalise_name(clean(name))] = clean(name)
    return vocabulary


def guidelines(db: sqlite3.Connection, path: Path, problems: RowProblems,
               nodes: Nodes, skip: frozenset[str] = frozenset()) -> Iterator[Record]:
    """Guidelines and recommendations of every body, except those a newer source gives (``skip``)."""
    vocabulary = phenotype_vocabulary(db)
    recommendations: dict[str, int] = {}
    for row in rows(db, "GuidelineMerge"):
        line = row["ID"]
        source, drug = clean(row["Source"]), clean(row["Drug"])
        if skips(skip, "recommendations", source, drug_id(drug)):
            continue
        rules = list(rows(db, "GuidelineRule", 'WHERE "GuidelineID" = ?', (line,)))
        gene = clean(row["Gene"])
        if gene in ("", NO_GENE):
            genes = {clean(r["Gene"]) for r in rules} - {"", NO_GENE}
            gene = genes.pop() if len(genes) == 1 else None
        try:
            if not source or not drug_id(drug):
                raise ValueError("no source or no drug")
            flags = flags_of(row)
            conditions = guideline_conditions(row, gene, rules, vocabulary)
        except ValueError as error:
            problems.bad_row(path, line, f"GuidelineMerge: {error}")
            continue
        drug_key = drug_id(drug)
        key = f"{source}:{drug_key}:" + "+".join(sorted(c.string for c in conditions))
        if key in recommendations:
            problems.bad_row(path, line, f"GuidelineMerge: recommendation {key} repeats "
                                         f"row {recommendations[key]}")
            continue
        recommendations[key] = line

        guideline = f"{source}:{drug_key}-{gene}" if gene else f"{source}:{drug_key}"
        yield from nodes.drug(drug)
        name = f"Annotation of {source} Guideline for {drug}" + (f" and {gene}" if gene else "")
        for record in [] if skips(skip, "guidelines", source, drug_key) else nodes.new("Guideline", guideline, {
                "source": source, "name": name, "drug": drug_key, "gene": gene,
                "pharmgkb_id": clean(row["PAID"]), "summary": clean(row["Summary"])}):
            yield record
            yield EdgeRecord("FOR_DRUG", ("Guideline", guideline), ("Drug", drug_key))

        text = clean(row["Recommendation"])
        # PharmGKB's flags say what the text contains; the build's verdict step decides the category.
        yield NodeRecord("Recommendation", key, _compact({
            "source": source, "drug": drug_key, "text": text, "flags": flags,
            "genes": list(dict.fromkeys(c.gene for c in conditions)),
            "phenotypes": [c.readable for c in conditions], "pharmgkb_id": clean(row["PAID"])}))
        yield EdgeRecord("RECOMMENDS", ("Guideline", guideline), ("Recommendation", key))
        yield EdgeRecord("FOR_DRUG", ("Recommendation", key), ("Drug", drug_key))
        for cond in conditions:
            yield from cond.records(nodes)
            yield EdgeRecord("WHEN", ("Recommendation", key), (cond.target_label, cond.target),
                             {"gene": cond.gene, "kind": cond.kind, "condition": cond.string})


# --- DiplotypePhenotype -----------------------------------------------------------------------

def diplotypes(db: sqlite3.Connection, path: Path, problems: RowProblems,
               nodes: Nodes) -> Iterator[Record]:
    for row in rows(db, "DiplotypePhenotype"):
        gene, phenotype = clean(row["Gene"]), clean(row["Phenotype"])
        alleles = tuple(allele_name(gene, clean(row[column])) for column in ("Allele1", "Allele2")
                        if clean(row[column]))
        if not gene or gene == NO_GENE or not phenotype or not alleles:
            problems.bad_row(path, row["ID"], "DiplotypePhenotype: needs a gene, an allele and a phenotype")
            continue
        if len(alleles) == 1:
            alleles = haploid_pair(gene, alleles[0])
        phenotype = phenotype_name(gene, phenotype)
        activity = clean(row["ActivityScore"]) or None
        key = diplotype_id(gene, *alleles)
        yield from nodes.diplotype(gene, alleles, activity)
        yield from nodes.phenotype(gene, phenotype, re.sub(r"\s+", " ", clean(row["EHR"])) or None)
        yield EdgeRecord("HAS_PHENOTYPE", ("Diplotype", key), ("Phenotype", phenotype_id(gene, phenotype)),
                         _compact({"activity_score": activity}))


# --- the adapter ------------------------------------------------------------------------------

class PharmgkbAdapter:
    source = SOURCE

    def records(self, files: Mapping[str, Path], problems: RowProblems,
                skip: frozenset[str] = frozenset()) -> Iterator[Record]:
        path = Path(files[MEMBER])
        nodes = Nodes()
        with closing(open_db(path)) as db:
            yield from diplotypes(db, path, problems, nodes)
            if not skips(skip, "clinical_annotations"):
                yield from clinical_annotations(db, path, problems, nodes)
            yield from guidelines(db, path, problems, nodes, skip)
