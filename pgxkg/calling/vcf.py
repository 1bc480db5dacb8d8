"""Read genotypes at the defining positions from a VCF 4.x (plain, gzip or bgzip), with pysam.

pysam (htslib) installs here as a manylinux wheel and parses VCF/BCF, GT and PS properly. A
plain-gzip file (``gzip``, not ``bgzip``) is streamed through Python's gzip into a temporary
file first, since htslib only reads it block-compressed.

What is read, per sample and gene, is one entry per defining position (``Observed`` or
``Missing``), in the order of the gene's positions:

- a record counts for a defining position only when it spells that position's variant: same
  POS and REF (or the same variant after trimming shared bases); an SNV record at the POS of a
  defined deletion is not read as the deletion, and vice versa;
- an indel record near a defined indel that does not spell it (the same deletion written at a
  shifted place in a repeat, say) makes that position missing when the sample carries it,
  never a silent reference;
- two records spelling one position (a split multi-allelic site) are merged; records that
  disagree for a sample make the position missing, naming both;
- a gVCF reference block (``END=``, only a symbolic ALT) reads as the reference at every
  defining position inside it;
- ``./.`` is missing; ``0/.`` is missing too (as PharmCAT takes it); ``./1`` keeps the known
  allele and an unknown one (None).

Records are streamed and each gene is handed on once the file has passed it, so memory holds one
gene's positions at a time. GRCh38 only: a GRCh37 file (by its header, contig lengths or where
its records fall) and a file mixing ``chr1`` and ``1`` contig names are refused.
"""

from __future__ import annotations

import gzip
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pysam

from pgxkg.calling.definitions import Definitions, GeneDefinition, Position
from pgxkg.calling.normalize import chrom_name, normalize
from pgxkg.errors import InvalidInput

pysam.set_verbosity(0)
_GRCH37 = re.compile(r"grch37|hg19|\bb37\b|hs37|g1k_v37|ncbi37", re.IGNORECASE)
# Contig lengths that exist only in GRCh37 (GRCh38's differ for every one of them).
GRCH37_LENGTHS = {
    "chr1": 249250621, "chr2": 243199373, "chr6": 171115067, "chr7": 159138663, "chr10": 135534747,
    "chr12": 133851895, "chr13": 115169878, "chr16": 90354753, "chr19": 59128983, "chr22": 51304566,
    "chrX": 155270560,
}
MIN_POSITION_EVIDENCE = 3
NEAR_INDEL = 25  # bp around a defined indel where another indel may be the same variant written elsewhere
UNDOCUMENTED = "?"  # prefix of an allele no definition at the position names


@dataclass(frozen=True, eq=False)
class Observed:
    """The alleles read at one position: VCF allele strings (None: a half call's unknown allele)."""

    alleles: tuple[str | None, ...]
    phased: bool = False
    phase_set: str | None = None

    @property
    def het(self) -> bool:
        return len(self.alleles) == 2 and self.alleles[0] != self.alleles[1]

    # Interned per reader (one object per distinct genotype), so identity is equality and hashing is
    # cheap for the per-gene call memo; compare values with ``same``.
    def same(self, other: object) -> bool:
        return isinstance(other, Observed) and (self.alleles, self.phased, self.phase_set) == (
            other.alleles, other.phased, other.phase_set)


@dataclass(frozen=True)
class Missing:
    reason: str
    conflict: bool = False


Entry = Observed | Missing
NOT_IN_VCF = Missing("not in the VCF")
NO_CALL = Missing("no call (./.) in the VCF")
HALF_REF = Missing("half call (0/.): one allele unknown")


@dataclass
class GeneBlock:
    """One gene's entries for every sample (``samples[i][p]`` for position ``p``)."""

    gene: GeneDefinition
    samples: list[tuple[Entry, ...]]
    notes: list[list[str]]  # per sample: records near defining positions that were not read


@dataclass
class _Pending:
    """What has been read so far for one gene: per position, the entries of each record."""

    gene: GeneDefinition
    last: int  # the gene's last defining position plus the longest allele
    records: dict[int, list[tuple[str, list[Entry]]]] = field(default_factory=lambda: defaultdict(list))
    blocks: dict[int, list[Entry]] = field(default_factory=dict)  # gVCF reference blocks
    near: dict[int, list[tuple[str, list[bool]]]] = field(default_factory=lambda: defaultdict(list))


@contextmanager
def open_vcf(path: Path) -> Iterator[pysam.VariantFile]:
    """A pysam reader; a plain-gzip file is decompressed to a temporary file first."""
    if not path.is_file():
        raise InvalidInput(f"no such VCF file: {path}")
    with path.open("rb") as handle:
        head = handle.read(18)
    plain_gzip = head[:2] == b"\x1f\x8b" and not (len(head) >= 14 and head[3] & 4 and head[12:14] == b"BC")
    with tempfile.TemporaryDirectory(prefix="pgxkg-vcf-") as tmp:
        source = path
        if plain_gzip:
            source = Path(tmp) / "input.vcf"
            try:
                with gzip.open(path, "rb") as packed, source.open("wb") as out:
                    shutil.copyfileobj(packed, out, 1 << 20)
            except (OSError, EOFError) as error:
                raise InvalidInput(f"{path.name} is gzip-compressed but cannot be decompressed ({error}); "
                                   "compress VCFs with bgzip (`bgzip file.vcf`) or send them plain") from None
        try:
            vcf = pysam.VariantFile(str(source))
        except (OSError, ValueError, NotImplementedError):
            raise InvalidInput(f"{path.name} is not a readable VCF: expected VCF 4.x text (plain, gzip or "
                               "bgzip) with a ##fileformat line and a #CHROM header") from None
        with vcf:
            yield vcf


def _check_header(vcf: pysam.VariantFile, name: str) -> None:
    for record in vcf.header.records:
        text = str(record)
        if record.key == "reference" and _GRCH37.search(record.value or ""):
            raise _grch37(name, f"its header says ##reference={record.value}")
        if record.type == "CONTIG" and "assembly=" in text and _GRCH37.search(text):
            raise _grch37(name, f"its header declares {text.strip()}")
    for contig, info in vcf.header.contigs.items():
        if info.length and GRCH37_LENGTHS.get(chrom_name(contig)) == info.length:
            raise _grch37(name, f"contig {contig} has the GRCh37 length {info.length:,}")


def _grch37(name: str, why: str) -> InvalidInput:
    return InvalidInput(f"{name} looks like a GRCh37/hg19 file ({why}); pgxkg calls alleles on GRCh38 only: "
                        "lift it over to GRCh38 (e.g. with CrossMap or Picard LiftoverVcf) and try again")


def _symbolic(alt: str | None) -> bool:
    return not alt or alt.startswith("<") or "[" in alt or "]" in alt or alt in {"*", "."}


def spelling(record: pysam.VariantRecord, position: Position) -> list[str] | None:
    """The definition's allele for each of the record's alleles (index 0 = REF), when the record
    spells this position's variant; None when it is about something else."""
    alts = list(record.alts or ())
    if record.pos == position.pos and record.ref == position.ref:
        return [position.ref, *[a if a in position.alleles else f"{UNDOCUMENTED}{a}" for a in alts]]
    wanted = {normalize(position.pos, position.ref, a): a for a in position.alts}
    mapped = [wanted.get(normalize(record.pos, record.ref, a)) for a in alts if not _symbolic(a)]
    if not any(mapped):
        return None
    return [position.ref, *[m if m else f"{UNDOCUMENTED}{a}" for m, a in zip(mapped, alts, strict=False)]]


class _Reader:
    def __init__(self, path: Path, definitions: Definitions, vcf: pysam.VariantFile, indexes: list[int]) -> None:
        self.path, self.definitions, self.vcf, self.indexes = path, definitions, vcf, indexes
        self.pending: dict[str, _Pending] = {}
        self.flushed: set[str] = set()
        self.records = self.used = self.at_grch38 = self.at_grch37 = self.ref_disagrees = 0
        self.styles: dict[bool, str] = {}
        self.observations: dict[tuple, Observed] = {}
        self.has_ps = "PS" in vcf.header.formats
        self.last: dict[str, int] = {}
        for gene in definitions.genes.values():
            if gene.callable and gene.positions:
                self.last[gene.gene] = max(p.pos + max(len(a) for a in p.alleles) for p in gene.positions)

    # --- per record -----------------------------------------------------------------------------------

    def genotypes(self, record: pysam.VariantRecord, alleles: list[str]) -> list[Entry]:
        """Each chosen sample's entry, given the definition allele of each record allele.

        The sample columns are taken from the record's text (htslib writes it): one GT/PS string
        is read once per record however many samples share it."""
        fields = str(record).rstrip("\n").split("\t")
        fmt = fields[8].split(":") if len(fields) > 8 else []
        if "GT" not in fmt:
            return [NO_CALL] * len(self.indexes)
        gt_at, ps_at = fmt.index("GT"), (fmt.index("PS") if "PS" in fmt else None)
        cells = fields[9:]
        seen: dict[str, Entry] = {}
        out: list[Entry] = []
        for index in self.indexes:
            cell = cells[index] if index < len(cells) else "."
            entry = seen.get(cell)
            if entry is None:
                entry = seen[cell] = self._entry(cell.split(":"), gt_at, ps_at, alleles)
            out.append(entry)
        return out

    def _entry(self, parts: list[str], gt_at: int, ps_at: int | None, alleles: list[str]) -> Entry:
        text = parts[gt_at] if gt_at < len(parts) else "."
        phased = "|" in text
        gt: list[int | None] = []
        for value in text.replace("|", "/").split("/"):
            if value in (".", ""):
                gt.append(None)
            elif value.isdigit():
                gt.append(int(value))
            else:
                return Missing(f"unreadable genotype {text!r}")
        if all(g is None for g in gt):
            return NO_CALL
        if len(gt) == 2 and None in gt and next(g for g in gt if g is not None) == 0:
            return HALF_REF
        phased = phased and len(gt) > 1
        ps = parts[ps_at] if phased and ps_at is not None and ps_at < len(parts) else None
        phase_set = ps if ps not in (None, ".", "") else None
        key = (tuple(None if g is None else (alleles[g] if g < len(alleles) else f"{UNDOCUMENTED}{g}") for g in gt),
               phased, phase_set)
        observation = self.observations.get(key)
        if observation is None:
            observation = self.observations[key] = Observed(*key)
        return observation

    def read(self, record: pysam.VariantRecord) -> None:
        self.records += 1
        self.styles.setdefault(record.chrom.lower().startswith("chr"), record.chrom)
        chrom = chrom_name(record.chrom)
        stop = max(record.stop, record.pos + len(record.ref or "N") - 1)
        if not self.definitions.near(chrom, record.pos - NEAR_INDEL, stop + NEAR_INDEL):
            self.at_grch37 += (chrom, record.pos) in self.definitions.grch37_positions
            return
        spelled = False
        for gene, index in self.definitions.by_position.get((chrom, record.pos), ()):
            position = self.definitions.genes[gene].positions[index]
            alleles = spelling(record, position)
            if alleles is None:
                self.ref_disagrees += bool(position.snv and record.ref and len(record.ref) == 1
                                           and record.ref != position.ref)
                continue
            spelled = True
            self._pending(gene).records[index].append((self._where(record), self.genotypes(record, alleles)))
        for gene, index in self._shifted(chrom, record):
            position = self.definitions.genes[gene].positions[index]
            alleles = spelling(record, position)
            if alleles is not None:
                spelled = True
                self._pending(gene).records[index].append((self._where(record), self.genotypes(record, alleles)))
            elif record.alts and len(record.ref) != len(record.alts[0]):
                carried = [isinstance(e, Observed) and any(a not in (None, record.ref) and a != position.ref
                                                             for a in e.alleles)
                           for e in self.genotypes(record, [record.ref, *record.alts])]
                self._pending(gene).near[index].append((self._where(record), carried))
        block = stop > record.pos and all(_symbolic(a) for a in record.alts or ())
        if block:
            self._reference_block(chrom, record, stop)
        if spelled or block:
            self.used += 1
            self.at_grch38 += spelled
        else:
            self.at_grch37 += (chrom, record.pos) in self.definitions.grch37_positions

    def _shifted(self, chrom: str, record: pysam.VariantRecord) -> list[tuple[str, int]]:
        """Defined indels near an indel record at another POS (the same variant may be written there)."""
        if not record.alts or all(len(a) == len(record.ref) for a in record.alts if not _symbolic(a)):
            return []
        return [(gene, index) for start, end, gene, index in self.definitions.indels.get(chrom, ())
                if start != record.pos and start - NEAR_INDEL <= record.pos <= end + NEAR_INDEL]

    def _reference_block(self, chrom: str, record: pysam.VariantRecord, stop: int) -> None:
        for pos in self.definitions.within(chrom, record.pos, stop):
            for gene, index in self.definitions.by_position.get((chrom, pos), ()):
                position = self.definitions.genes[gene].positions[index]
                entries = [Missing("gVCF block without a reference call") if isinstance(e, Observed) and any(
                    a not in (None, position.ref) for a in e.alleles) else e
                    for e in self.genotypes(record, [position.ref])]
                self._pending(gene).blocks.setdefault(index, entries)

    def _where(self, record: pysam.VariantRecord) -> str:
        return f"{record.chrom}:{record.pos} {record.ref}>{','.join(record.alts or ('.',))}"

    def _pending(self, gene: str) -> _Pending:
        if gene in self.flushed:
            raise InvalidInput(f"{self.path.name} is not sorted by position (a record of {gene} comes after "
                               "records past it); sort it with `bcftools sort` and try again")
        pending = self.pending.get(gene)
        if pending is None:
            pending = self.pending[gene] = _Pending(self.definitions.genes[gene], self.last[gene])
        return pending

    # --- per gene -----------------------------------------------------------------------------------

    def passed(self, chrom: str, pos: int) -> list[GeneBlock]:
        """Genes the stream has left behind, handed on now."""
        done = [g for g, p in self.pending.items() if p.gene.positions[0].chrom != chrom or p.last < pos]
        return [self.flush(g) for g in done]

    def flush(self, gene: str) -> GeneBlock:
        pending = self.pending.pop(gene)
        self.flushed.add(gene)
        count = len(self.indexes)
        columns: list[list[Entry]] = []
        notes: list[list[str]] = [[] for _ in range(count)]
        for index in range(len(pending.gene.positions)):
            records = pending.records.get(index, [])
            if not records:
                column = pending.blocks.get(index) or [NOT_IN_VCF] * count
            elif len(records) == 1:
                column = records[0][1]
            else:
                ref = pending.gene.positions[index].ref
                column = [_combine([(where, r[slot]) for where, r in records], ref) for slot in range(count)]
            for where, carried in pending.near.get(index, ()):
                label = pending.gene.positions[index].label
                for slot in range(count):
                    if carried[slot]:
                        column[slot] = Missing(f"the record {where} may be this variant written differently "
                                               f"(not read as {label})", conflict=True)
                        notes[slot].append(f"{where} was not read as {label}")
            columns.append(column)
        samples = [tuple(column[slot] for column in columns) for slot in range(count)]
        return GeneBlock(pending.gene, samples, notes)

    def remaining(self) -> list[GeneBlock]:
        for gene in self.last:
            if gene not in self.pending and gene not in self.flushed:
                self.pending[gene] = _Pending(self.definitions.genes[gene], self.last[gene])
        return [self.flush(g) for g in list(self.pending)]

    def check(self) -> None:
        name = self.path.name
        if len(self.styles) > 1:
            raise InvalidInput(f"{name} mixes contig names with and without 'chr' ({self.styles[True]} and "
                               f"{self.styles[False]}); use one naming throughout (bcftools annotate --rename-chrs)")
        if self.at_grch37 >= MIN_POSITION_EVIDENCE and self.at_grch37 > self.at_grch38:
            raise _grch37(name, f"{self.at_grch37} records sit at GRCh37 positions of our defining variants and "
                                f"only {self.at_grch38} at GRCh38 ones")
        if self.ref_disagrees >= MIN_POSITION_EVIDENCE and self.ref_disagrees * 2 > self.at_grch38:
            raise InvalidInput(f"{name}: the REF base differs from GRCh38 at {self.ref_disagrees} of "
                               f"{self.at_grch38} defining positions; is this file on GRCh38?")


def _combine(entries: list[tuple[str, Entry]], ref: str) -> Entry:
    """One entry from several records spelling one position (split multi-allelic records merge;
    records that disagree make the position missing, naming them)."""
    observed = [e for _, e in entries if isinstance(e, Observed)]
    if not observed:
        return entries[0][1]
    if len(observed) < len(entries) or len({len(e.alleles) for e in observed}) > 1:
        return _conflict(entries)
    first = observed[0]
    if all(e.same(first) for e in observed):
        return first
    variants = [where.split(" ", 1)[-1] for where, _ in entries]
    if len(set(variants)) < len(variants) or any(None in e.alleles for e in observed):
        # the same variant twice with different genotypes, or a half call among split pieces
        return _conflict(entries)
    size = len(first.alleles)
    if all(e.phased for e in observed) and len({e.phase_set for e in observed}) == 1:
        merged = []
        for slot in range(size):
            non_ref = {e.alleles[slot] for e in observed} - {ref}
            if len(non_ref) > 1:
                return _conflict(entries)
            merged.append(non_ref.pop() if non_ref else ref)
        return Observed(tuple(merged), True, first.phase_set)
    alts = [a for e in observed for a in e.alleles if a != ref]
    # Pieces of one split site each name their own alt; the same alt from two records is a duplicate
    # record that disagrees with the other.
    if len(alts) > size or len(set(alts)) < len(alts):
        return _conflict(entries)
    return Observed(tuple(alts + [ref] * (size - len(alts))), False, None)


def _conflict(entries: list[tuple[str, Entry]]) -> Missing:
    shown = "; ".join(f"{w}: {_show(e)}" for w, e in entries)
    return Missing(f"records at this position disagree ({shown})", conflict=True)


def _show(entry: Entry) -> str:
    if isinstance(entry, Missing):
        return entry.reason
    return ("|" if entry.phased else "/").join("." if a is None else a for a in entry.alleles)


def read_vcf(path: Path, definitions: Definitions, sample: str | None = None) -> tuple[list[str], Iterator[GeneBlock]]:
    """The chosen samples' names and, gene by gene as the file is streamed, their entries at every
    defining position. File-level problems (GRCh37, mixed contig names, unsorted) raise InvalidInput,
    some only once the stream has ended, so consume the whole iterator before using its blocks."""
    context = open_vcf(path)
    vcf = context.__enter__()
    try:
        _check_header(vcf, path.name)
        names = list(vcf.header.samples)
        if not names:
            raise InvalidInput(f"{path.name} has no sample columns: there is nothing to call")
        if sample is not None and sample not in names:
            raise InvalidInput(f"{path.name} has no sample {sample!r}", names[:10])
    except BaseException:
        context.__exit__(None, None, None)
        raise
    chosen = [sample] if sample is not None else names
    reader = _Reader(path, definitions, vcf, [names.index(s) for s in chosen])

    def blocks() -> Iterator[GeneBlock]:
        try:
            for record in vcf:
                if reader.pending:
                    yield from reader.passed(chrom_name(record.chrom), record.pos)
                reader.read(record)
            yield from reader.remaining()
            reader.check()
        except (OSError, ValueError) as error:
            raise InvalidInput(f"{path.name}: unreadable record after {reader.records} records ({error})") from None
        finally:
            context.__exit__(None, None, None)

    return chosen, blocks()
