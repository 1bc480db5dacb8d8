"""Cohorts for the simulation: given patients (a genotype table, a multi-sample VCF) or patients
drawn from allele frequencies.

Every patient's genotype is kept only for the genes the indication's rules test (plus any
rsID genotypes), so patients who differ only in other genes share one risk answer; the
``GenotypePool`` holds each distinct genotype once and patients are indices into it.

Formats:

- **frequency TSV**: ``gene, allele, frequency, population`` (``#`` lines are comments). Two
  alleles per gene are drawn independently (Hardy-Weinberg), genes unlinked. The frequencies
  of one gene in one population must add up to 1 (within 0.01); they are then normalised.
- **genotype table**: TSV (CSV when the name ends in ``.csv``); the first column is the patient
  id, every other column a gene (or rsID); a cell holds what ``pgxkg risk`` accepts for that
  gene (``*2/*17``, ``Poor Metabolizer``, ``1.5``, ``*57:01 negative``; several separated by
  ``;``). An empty cell, ``NA`` or ``-`` means not tested.
- **VCF**: every sample called by ``pgxkg.calling`` (GRCh38; CYP2D6 is not called from a VCF).
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from pgxkg.errors import InvalidInput
from pgxkg.graph.connection import Graph
from pgxkg.queries.genotype_input import GeneInput, classify, from_mapping

Genotype = tuple[GeneInput, ...]
FREQUENCY_COLUMNS = ("gene", "allele", "frequency", "population")
SUM_TOLERANCE = 0.01
MISSING_CELLS = {"", "na", "n/a", "-", "."}
EXAMPLE = "example"


def example_frequencies_path() -> Path:
    """The packaged illustrative frequency file (invented numbers; its header says so)."""
    return Path(str(resources.files("pgxkg.simulate") / "example_frequencies.tsv"))


@dataclass
class GenotypePool:
    """Each distinct (projected) genotype once; ``add`` returns its index."""

    genotypes: list[Genotype] = field(default_factory=list)
    _index: dict[Genotype, int] = field(default_factory=dict)

    def add(self, genotype: Iterable[GeneInput]) -> int:
        key = tuple(sorted(genotype, key=lambda item: (item.gene.upper(), item.kind, item.value)))
        if key not in self._index:
            self._index[key] = len(self.genotypes)
            self.genotypes.append(key)
        return self._index[key]


def project(genotype: Iterable[GeneInput], genes: frozenset[str]) -> list[GeneInput]:
    """The items about ``genes`` (upper-case symbols), plus every rsID genotype."""
    return [item for item in genotype if item.kind == "rsid" or item.gene.upper() in genes]


@dataclass(frozen=True)
class Split:
    """Indices into a GenotypePool: the patients the policies are evaluated on, and the
    patients the Q-learning agent trains on (never the same patients)."""

    evaluation: np.ndarray
    training: np.ndarray


@dataclass(frozen=True)
class FixedCohort:
    """Patients given by the user (a genotype table or a VCF), as (patient id, genotype)."""

    patients: list[tuple[str, Genotype]]
    description: dict

    def split(self, rng: np.random.Generator, pool: GenotypePool, genes: frozenset[str],
              holdout: float) -> Split:
        """Shuffle, then hold out ``holdout`` of the patients for evaluation (at least one each side)."""
        n = len(self.patients)
        if n < 2:
            raise InvalidInput(f"the cohort has {n} patient(s); evaluation on held-out patients needs "
                               "at least two (one to train the Q-learning agent on, one to evaluate)")
        indices = np.array([pool.add(project(g, genes)) for _, g in self.patients], dtype=np.int64)
        order = rng.permutation(n)
        n_eval = min(n - 1, max(1, round(n * holdout)))
        return Split(evaluation=indices[order[:n_eval]], training=indices[order[n_eval:]])


@dataclass(frozen=True)
class FrequencyTable:
    """Allele frequencies of one population: gene -> (alleles, normalised frequencies)."""

    genes: dict[str, tuple[tuple[str, ...], np.ndarray]]
    population: str
    description: dict


@dataclass(frozen=True)
class DrawnCohort:
    """Patients drawn afresh for every seed from a FrequencyTable."""

    table: FrequencyTable
    patients: int
    training_patients: int

    @property
    def description(self) -> dict:
        return {**self.table.description, "patients_per_seed": self.patients,
                "training_patients_per_seed": self.training_patients}

    def split(self, rng: np.random.Generator, pool: GenotypePool, genes: frozenset[str],
              holdout: float) -> Split:
        """Draw the evaluation patients, then a separate set of training patients."""
        del holdout  # drawn cohorts draw their training patients separately
        return Split(evaluation=self._draw(rng, pool, genes, self.patients),
                     training=self._draw(rng, pool, genes, self.training_patients))

    def _draw(self, rng: np.random.Generator, pool: GenotypePool, genes: frozenset[str], n: int) -> np.ndarray:
        drawn = sorted(g for g in self.table.genes if g.upper() in genes)
        if not drawn:
            return np.full(n, pool.add(()), dtype=np.int64)
        codes = np.empty((n, len(drawn)), dtype=np.int64)
        for column, gene in enumerate(drawn):
            alleles, frequencies = self.table.genes[gene]
            pairs = np.sort(rng.choice(len(alleles), size=(n, 2), p=frequencies), axis=1)
            codes[:, column] = pairs[:, 0] * len(alleles) + pairs[:, 1]
        unique, inverse = np.unique(codes, axis=0, return_inverse=True)
        index = np.array([pool.add(self._genotype(drawn, row)) for row in unique], dtype=np.int64)
        return index[inverse.reshape(-1)]

    def _genotype(self, genes: Sequence[str], row: np.ndarray) -> list[GeneInput]:
        items = []
        for gene, code in zip(genes, row, strict=True):
            alleles = self.table.genes[gene][0]
            first, second = divmod(int(code), len(alleles))
            items.append(classify(gene, f"{alleles[first]}/{alleles[second]}"))
        return items


def read_frequencies(path: Path, population: str | None = None) -> FrequencyTable:
    """Read a frequency TSV and select one population (required when the file has several)."""
    origin = str(path)
    rows = _table_rows(path, "\t")
    if not rows:
        raise InvalidInput(f"{origin}: no frequencies (the file is empty)")
    header_line, header = rows[0]
    header = [h.strip().lower() for h in header]
    missing = [c for c in FREQUENCY_COLUMNS if c not in header]
    if missing:
        raise InvalidInput(f"{origin}:{header_line}: the header lacks {', '.join(missing)} "
                           f"(tab-separated: {', '.join(FREQUENCY_COLUMNS)})")
    by_population: dict[str, dict[str, list[tuple[str, float, int]]]] = defaultdict(lambda: defaultdict(list))
    for number, fields in rows[1:]:
        row = dict(zip(header, (f.strip() for f in fields), strict=False))
        where = f"{origin}:{number}"
        if not row.get("gene") or not row.get("allele") or not row.get("population"):
            raise InvalidInput(f"{where}: gene, allele and population are required")
        try:
            frequency = float(row.get("frequency") or "nan")
        except ValueError:
            raise InvalidInput(f"{where}: frequency {row.get('frequency')!r} is not a number") from None
        if math.isnan(frequency) or not 0.0 <= frequency <= 1.0:
            raise InvalidInput(f"{where}: frequency {row.get('frequency')!r} must lie between 0 and 1")
        by_population[row["population"]][row["gene"]].append((row["allele"], frequency, number))
    if not by_population:
        raise InvalidInput(f"{origin}: no frequencies (only a header)")
    if population is None:
        if len(by_population) > 1:
            raise InvalidInput(f"{origin} has several populations; choose one with --population",
                               sorted(by_population))
        population = next(iter(by_population))
    if population not in by_population:
        raise InvalidInput(f"{origin} has no population {population!r}", sorted(by_population))
    genes = {}
    for gene, entries in sorted(by_population[population].items()):
        alleles = [a for a, _, _ in entries]
        if len(set(alleles)) != len(alleles):
            raise InvalidInput(f"{origin}: {gene} lists an allele twice in population {population!r}")
        total = sum(f for _, f, _ in entries)
        if abs(total - 1.0) > SUM_TOLERANCE:
            raise InvalidInput(
                f"{origin}: the {gene} frequencies in population {population!r} add up to {total:.3f}, "
                f"not 1 (lines {', '.join(str(n) for _, _, n in entries)})",
                ["add the remaining alleles (usually the reference allele, e.g. *1) so they sum to 1"])
        genes[gene] = (tuple(alleles), np.array([f for _, f, _ in entries]) / total)
    return FrequencyTable(genes=genes, population=population, description={
        "kind": "allele frequencies", "path": origin, "population": population,
        "genes": {g: dict(zip(a, (round(float(f), 6) for f in p), strict=True)) for g, (a, p) in genes.items()},
    })


def drawn_cohort(path: Path, population: str | None, patients: int, training_patients: int | None = None
                 ) -> DrawnCohort:
    """A cohort drawn from a frequency file: ``patients`` evaluated and ``training_patients``
    (default: as many) for the Q-learning agent, per seed."""
    if patients < 1:
        raise InvalidInput(f"--patients is {patients}: the cohort is empty; give at least 1")
    training = patients if training_patients is None else training_patients
    if training < 1:
        raise InvalidInput(f"training patients is {training}; the Q-learning agent needs at least 1")
    return DrawnCohort(read_frequencies(path, population), patients, training)


def read_genotype_table(path: Path) -> FixedCohort:
    """Patients from a genotype table (see the module docstring)."""
    origin = str(path)
    rows = _table_rows(path, "," if path.suffix.lower() == ".csv" else "\t")
    if not rows:
        raise InvalidInput(f"{origin}: the genotype table is empty")
    header_line, header = rows[0]
    header = [h.strip() for h in header]
    if len(header) < 2 or not all(header[1:]):
        raise InvalidInput(f"{origin}:{header_line}: the header must name the patient column, then one "
                           "column per gene (e.g. 'patient<TAB>CYP2C19<TAB>CYP2D6')")
    patients: list[tuple[str, Genotype]] = []
    seen: dict[str, int] = {}
    for number, fields in rows[1:]:
        where = f"{origin}:{number}"
        if len(fields) > len(header):
            raise InvalidInput(f"{where}: {len(fields)} fields but the header has {len(header)}")
        patient = fields[0].strip()
        if not patient:
            raise InvalidInput(f"{where}: the patient id is empty")
        if patient in seen:
            raise InvalidInput(f"{where}: patient {patient!r} is listed twice (first on line {seen[patient]})")
        seen[patient] = number
        mapping = {}
        for gene, cell in zip(header[1:], fields[1:], strict=False):
            values = [v.strip() for v in cell.split(";") if v.strip().lower() not in MISSING_CELLS]
            if values:
                mapping[gene] = values
        try:
            genotype = tuple(from_mapping(mapping)) if mapping else ()
        except InvalidInput as error:
            raise InvalidInput(f"{where} (patient {patient!r}): {error.message}", error.suggestions) from None
        patients.append((patient, genotype))
    if not patients:
        raise InvalidInput(f"{origin}: the genotype table has a header but no patients: the cohort is empty")
    return FixedCohort(patients, {"kind": "genotype table", "path": origin, "patients": len(patients),
                                  "columns": header[1:]})


def vcf_cohort(graph: Graph, path: Path) -> FixedCohort:
    """Patients from a multi-sample VCF, each sample's genes called by ``pgxkg.calling``."""
    from pgxkg.calling.report import call_vcf
    from pgxkg.reference import ReferenceData

    called = call_vcf(ReferenceData(graph), path)
    if not called:
        raise InvalidInput(f"{path}: the VCF has no samples: the cohort is empty")
    patients = [(calls.sample, tuple(items)) for calls, items in called]
    return FixedCohort(patients, {"kind": "VCF", "path": str(path), "patients": len(patients),
                                  "note": "genes called from the VCF by pgxkg.calling; CYP2D6 is not "
                                          "called from a VCF, so it is untested here"})


def _table_rows(path: Path, delimiter: str) -> list[tuple[int, list[str]]]:
    """(line number, fields) of the non-comment, non-blank lines; raises InvalidInput if unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read {path}: {error}") from None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
             if line.strip() and not line.lstrip().startswith("#")]
    return [(n, next(csv.reader([line], delimiter=delimiter))) for n, line in lines]
