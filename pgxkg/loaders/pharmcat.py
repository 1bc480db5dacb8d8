"""PharmCAT's published allele definitions and phenotype files -> canonical records.

PharmCAT (the CPIC/ClinPGx reference pipeline) ships, per gene, the files its Named Allele
Matcher and phenotyper read (Mozilla Public License 2.0; the content is CPIC's, ClinPGx's and
PharmVar's):

- ``definition/alleles/<GENE>_translation.json``: ``variants`` (VCF position, REF, ALTs, rsID,
  HGVS) and ``namedAlleles`` (name, reference flag, one allele code per variant: a VCF allele, an
  IUPAC ambiguity code such as ``R`` = A or G, or null = the reference allele's base);
  ``suballelesMap`` (``*45.001`` -> ``*45``);
- ``definition/alleles/exemptions.json``: per-gene matcher exemptions (ignored alleles and
  positions, required positions, extra positions to report, NAT2's unphased-diplotype picks);
- ``phenotype/<GENE>.json``: allele function and activity value, and CPIC's diplotype ->
  phenotype rows (``diplotypekey`` names each allele and its count; one allele = hemizygous).

What the graph gets (``pgxkg.graph.schema``): a Variant per defining position (``pos_grch38`` is
the VCF position, ``ref``/``alt`` the VCF alleles, ``hgvs``); an Allele per named allele with
``reference``, ``synonyms``, ``definition_score`` and a DEFINED_BY edge per position its
definition names (``alt`` = the code as written, IUPAC included); the Gene's
``allele_definition_*`` and ``matcher_*`` properties; Diplotype -HAS_PHENOTYPE-> Phenotype.
A pinned snapshot (pypgx) leaves its own allele definitions and diplotype rows out when this
source is in the build (``provides``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pgxkg.loaders.names import phenotype_name
from pgxkg.loaders.records import EdgeRecord, NodeRecord, Record, RowProblems, SourceFileError, SourceInfo
from pgxkg.vocab import allele_id, diplotype_id, natural_key, phenotype_id, variant_id

GENES = ("ABCG2", "CACNA1S", "CFTR", "CYP2B6", "CYP2C19", "CYP2C9", "CYP2D6", "CYP3A4", "CYP3A5", "CYP4F2",
         "DPYD", "G6PD", "IFNL3", "NAT2", "NUDT15", "RYR1", "SLCO1B1", "TPMT", "UGT1A1", "VKORC1")
PHENOTYPE_GENES = ("ABCG2", "CACNA1S", "CFTR", "CYP2B6", "CYP2C19", "CYP2C9", "CYP2D6", "CYP3A4", "CYP3A5",
                   "DPYD", "G6PD", "IFNL3", "MT_RNR1", "NAT2", "NUDT15", "RYR1", "SLCO1B1", "TPMT", "UGT1A1",
                   "VKORC1")
DEFINITIONS = "definition/alleles/"
EXEMPTIONS = DEFINITIONS + "exemptions.json"
PHENOTYPES = "phenotype/"

SOURCE = SourceInfo(
    name="pharmcat",
    version="3.1.1",
    package="pharmcat",
    package_version="3.1.1",
    filename="pharmcat-3.1.1-all.jar",
    sha256="",  # not pinned: a download is checked by parsing every member (see pharmcat_release)
    license="MPL-2.0 (PharmCAT); content from CPIC (CC0), ClinPGx (CC BY-SA 4.0) and PharmVar",
    url="https://github.com/PharmGKB/PharmCAT/releases/tag/v3.1.1",
    members=(*(f"{DEFINITIONS}{gene}_translation.json" for gene in GENES), EXEMPTIONS,
             *(f"{PHENOTYPES}{gene}.json" for gene in PHENOTYPE_GENES)),
    description=(
        "PharmCAT's allele definitions (positions, named alleles with IUPAC codes, reference allele, "
        "matcher exemptions) for 20 genes, and its phenotype files (allele function and activity value, "
        "CPIC diplotype -> phenotype)."
    ),
    release="PharmCAT 3.1.1 data 2025-11-05",
    date="2025-11-05",
    provides=frozenset({"allele_definitions", "diplotype_phenotypes"}),
    official=True,
)

# Names the pinned pypgx tables give the same allele (same definition on GRCh38).
LEGACY_NAMES: dict[tuple[str, str], tuple[str, ...]] = {
    ("NAT2", "*1"): ("*12",),  # the GRCh38 sequence; pypgx's GRCh38Default is *12 (RefAllele *4)
}
_LEGACY_IN_NAME = re.compile(r"^(.*?)\s*\((\*[\w.]+)\)$")  # "c.1905+1G>A (*2A)" -> c.1905+1G>A, *2A
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class PharmcatAdapter:
    """Adapter for PharmCAT's definition and phenotype files."""

    source = SOURCE

    def records(self, files: Mapping[str, Path], problems: RowProblems,
                skip: frozenset[str] = frozenset()) -> Iterator[Record]:
        missing = [member for member in SOURCE.members if member not in files]
        if missing:
            raise SourceFileError(missing[0], None, "not among the fetched files")
        exemptions = _load(files[EXEMPTIONS])
        if not isinstance(exemptions, dict):
            raise SourceFileError(files[EXEMPTIONS], None, "expected a JSON object keyed by gene")
        seen: set[tuple[str, str]] = set()
        for gene in GENES:
            yield from _definition(files[f"{DEFINITIONS}{gene}_translation.json"], exemptions.get(gene) or {},
                                   problems, seen)
        for gene in PHENOTYPE_GENES:
            yield from _phenotypes(files[f"{PHENOTYPES}{gene}.json"], problems, seen)

    def fetch(self, cache: Path, *, from_path: Path | None = None, force: bool = False):
        """The files in the cache: from ``from_path`` (a release jar or a folder holding the files),
        else the cache, else PharmCAT's release download (see ``pharmcat_release``)."""
        from pgxkg.loaders.pharmcat_release import fetch_release

        return fetch_release(SOURCE, cache, from_path=from_path, force=force)


def _load(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except json.JSONDecodeError as error:
        raise SourceFileError(path, error.lineno, f"not valid JSON ({error.msg}); is the file truncated?") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SourceFileError(path, None, f"cannot read ({error})") from None


def _require(data: dict, key: str, kind: type, path: Path) -> Any:
    value = data.get(key)
    if not isinstance(value, kind):
        raise SourceFileError(path, None, f"'{key}' is missing or not a {kind.__name__}")
    return value


def synonyms(gene: str, name: str, reference: bool) -> list[str]:
    """Other names of the same allele: the parts of ``c.1905+1G>A (*2A)``, ``Reference`` for a named
    reference sequence (``rs9923231 reference (C)``), and the pinned tables' names (``LEGACY_NAMES``)."""
    out: list[str] = []
    if match := _LEGACY_IN_NAME.match(name):
        out += [match[1], match[2]]
    if reference and name != "Reference" and not name.startswith("*"):
        out.append("Reference")
    out += LEGACY_NAMES.get((gene, name), ())
    return [s for s in dict.fromkeys(out) if s and s != name]


def _node(seen: set[tuple[str, str]], label: str, key: str, **props: Any) -> list[Record]:
    """A node the first time (the fullest), with its properties; an update later only adds properties."""
    props = {k: v for k, v in props.items() if v is not None and v != []}
    seen.add((label, key))
    return [NodeRecord(label, key, props)]


def _definition(path: Path, exemption: dict, problems: RowProblems, seen: set) -> Iterator[Record]:
    data = _load(path)
    if not isinstance(data, dict):
        raise SourceFileError(path, None, "expected a JSON object")
    gene = _require(data, "gene", str, path)
    chrom = _require(data, "chromosome", str, path)
    variants = _require(data, "variants", list, path)
    alleles = _require(data, "namedAlleles", list, path)
    suballeles = data.get("suballelesMap") or {}
    references = [a.get("name") for a in alleles if isinstance(a, dict) and a.get("reference")]
    if len(references) != 1:
        raise SourceFileError(path, None, f"expected one reference named allele, found {len(references)}")
    keys: list[str] = []
    for index, variant in enumerate(variants):
        if not isinstance(variant, dict) or not isinstance(variant.get("position"), int) \
                or not variant.get("ref") or not isinstance(variant.get("alts"), list):
            raise SourceFileError(path, None, f"variants[{index}] lacks position, ref or alts")
        alts = [str(a) for a in variant["alts"]]
        key = variant_id(variant.get("rsid"), chrom, variant["position"], variant["ref"], alts[0] if alts else "")
        keys.append(key)
        yield from _variant(seen, key, gene, chrom, variant)
    ignored_alleles = set(exemption.get("ignoredAlleles") or [])
    required = [int(p) for p in exemption.get("requiredPositions") or []]
    ignored_positions = [int(p["position"]) for p in exemption.get("ignoredPositions") or [] if p.get("position")]
    extra: list[str] = []
    for variant in exemption.get("extraPositions") or []:
        alt = (variant.get("alts") or [""])[0]
        key = variant_id(variant.get("rsid"), chrom, variant["position"], variant["ref"], alt)
        extra.append(key)
        yield from _variant(seen, key, gene, chrom, variant)
    priorities = [p for p in exemption.get("unphasedDiplotypePriorities") or [] if p.get("pick") and p.get("list")]
    yield from _node(
        seen, "Gene", gene, symbol=gene,
        allele_definition_source="PharmCAT", allele_definition_version=data.get("version"),
        allele_definition_date=str(data.get("modificationDate") or "")[:10] or None,
        allele_definition_build=data.get("genomeBuild"), definition_chromosome=chrom,
        definition_reference_allele=references[0],
        matcher_required_positions=required, matcher_ignored_positions=ignored_positions,
        matcher_extra_positions=extra,
        matcher_priority_sets=["|".join(sorted(p["list"], key=natural_key)) for p in priorities],
        matcher_priority_picks=[p["pick"] for p in priorities],
    )
    parents: set[str] = set()
    for index, allele in enumerate(alleles):
        name = allele.get("name") if isinstance(allele, dict) else None
        codes = allele.get("alleles") if isinstance(allele, dict) else None
        if not name or not isinstance(codes, list) or len(codes) != len(variants):
            problems.bad_row(path, index + 1, f"namedAlleles entry {index + 1} ({name!r}) has no name or its "
                                              f"allele list does not have one code per variant ({len(variants)})")
            continue
        key = allele_id(gene, name)
        reference = bool(allele.get("reference"))
        parent = suballeles.get(name)
        if parent:
            parents.add(parent)
        yield from _node(
            seen, "Allele", key, gene=gene, name=name, synonyms=synonyms(gene, name, reference),
            reference=reference, pharmcat_id=allele.get("id"), definition_score=allele.get("score"),
            structural_variant=bool(allele.get("structuralVariant")), reported_as=parent,
            matcher_ignored=True if name in ignored_alleles else None,
        )
        yield EdgeRecord("HAS_ALLELE", ("Gene", gene), ("Allele", key))
        cpic = allele.get("cpicAlleles") or [None] * len(codes)
        for position, code in enumerate(codes):
            if code is None:
                continue
            props = {"alt": str(code), "core": True, "source_code": cpic[position] if position < len(cpic) else None}
            yield EdgeRecord("DEFINED_BY", ("Allele", key), ("Variant", keys[position]),
                             {k: v for k, v in props.items() if v is not None})
    for parent in sorted(parents - {a.get("name") for a in alleles if isinstance(a, dict)}):
        key = allele_id(gene, parent)
        yield from _node(seen, "Allele", key, gene=gene, name=parent, sub_alleles_reported_as_it=True)
        yield EdgeRecord("HAS_ALLELE", ("Gene", gene), ("Allele", key))


def _variant(seen: set, key: str, gene: str, chrom: str, variant: dict) -> Iterator[Record]:
    alts = [str(a) for a in variant.get("alts") or []]
    yield from _node(
        seen, "Variant", key, rsid=variant.get("rsid"), chrom=chrom, pos_grch38=variant["position"],
        ref=variant["ref"], alt=",".join(alts), hgvs=variant.get("chromosomeHgvsName"),
        hgvs_position=variant.get("cpicPosition"), gene=gene,
    )
    yield EdgeRecord("IN_GENE", ("Variant", key), ("Gene", gene))


def _number(value: Any) -> float | None:
    text = str(value).strip() if value is not None else ""
    return float(text) if _NUMBER.match(text) else None


def _phenotypes(path: Path, problems: RowProblems, seen: set) -> Iterator[Record]:
    data = _load(path)
    if not isinstance(data, dict):
        raise SourceFileError(path, None, "expected a JSON object")
    gene = _require(data, "gene", str, path)
    functions = _require(data, "haplotypes", dict, path)
    values = data.get("activityValues") or {}
    rows = _require(data, "diplotypes", list, path)
    yield from _node(seen, "Gene", gene, symbol=gene, phenotype_source="PharmCAT",
                     phenotype_version=data.get("version"))
    named = {a.get("name"): a for a in data.get("namedAlleles") or [] if isinstance(a, dict)}
    for name in sorted(set(functions) | set(named), key=natural_key):
        entry = named.get(name, {})
        function = entry.get("functionValue") or functions.get(name)
        if _number(function) is not None and entry.get("functionValue") is None:
            function = None  # an activity gene's 'haplotypes' holds the activity value, not a function
        activity = _number(entry.get("activityValue", values.get(name)))
        key = allele_id(gene, name)
        yield from _node(seen, "Allele", key, gene=gene, name=name, function=function,
                         function_normalised=function.lower() if function else None, activity_value=activity)
        yield EdgeRecord("HAS_ALLELE", ("Gene", gene), ("Allele", key))
    phenotypes: set[str] = set()
    for index, row in enumerate(rows):
        counts = row.get("diplotypekey") if isinstance(row, dict) else None
        result = row.get("generesult") if isinstance(row, dict) else None
        result = phenotype_name(gene, result) if isinstance(result, str) else result  # one spelling (names.py)
        if not isinstance(counts, dict) or not counts or sum(counts.values()) not in (1, 2) or not result:
            problems.bad_row(path, index + 1, f"diplotypes entry {index + 1} has no diplotypekey of one or two "
                                              "alleles, or no generesult")
            continue
        names = [name for name, count in counts.items() for _ in range(count)]
        key = diplotype_id(gene, names[0], names[1]) if len(names) == 2 else allele_id(gene, names[0])
        first, second = sorted(names, key=natural_key) if len(names) == 2 else (names[0], None)
        pheno_key = phenotype_id(gene, result)
        if result not in phenotypes:
            phenotypes.add(result)
            yield from _node(seen, "Phenotype", pheno_key, gene=gene, name=result)
            yield EdgeRecord("OF_GENE", ("Phenotype", pheno_key), ("Gene", gene))
        yield from _node(seen, "Diplotype", key, gene=gene, allele1=first, allele2=second,
                         hemizygous=True if second is None else None)
        yield EdgeRecord("OF_GENE", ("Diplotype", key), ("Gene", gene))
        edge = {"activity_score": _number(row.get("activityScore")), "lookup_key": row.get("lookupkey")}
        yield EdgeRecord("HAS_PHENOTYPE", ("Diplotype", key), ("Phenotype", pheno_key),
                         {k: v for k, v in edge.items() if v is not None})
        for name, count in counts.items():
            allele = allele_id(gene, name)
            if ("Allele", allele) not in seen:
                yield from _node(seen, "Allele", allele, gene=gene, name=name)
                yield EdgeRecord("HAS_ALLELE", ("Gene", gene), ("Allele", allele))
            yield EdgeRecord("HAS_ALLELE", ("Diplotype", key), ("Allele", allele), {"count": count})
