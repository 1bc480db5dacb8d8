"""Read genotypes at the defining positions from a VCF 4.x (plain, gzip or bgzip), with pysam.

pysam (htslib) installs here as a manylinux wheel, reads VCF and BCF in every
compression, and parses GT/PS properly, so no hand-written parser is needed.
GRCh38 only: a GRCh37 file (by its header, contig lengths or where its records
fall) and a file that mixes ``chr1`` and ``1`` contig names are refused.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pysam

from pgxkg.calling.definitions import Definitions
from pgxkg.calling.matcher import Observation
from pgxkg.calling.normalize import REF, chrom_name, token
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


@dataclass
class SampleGenotypes:
    sample: str
    observed: dict[str, dict[str, Observation]] = field(default_factory=lambda: defaultdict(dict))
    missing: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))


@dataclass
class VcfGenotypes:
    samples: list[SampleGenotypes]
    records: int
    used: int


def _open(path: Path) -> pysam.VariantFile:
    if not path.is_file():
        raise InvalidInput(f"no such VCF file: {path}")
    try:
        return pysam.VariantFile(str(path))
    except (OSError, ValueError):
        raise InvalidInput(f"{path.name} is not a readable VCF: expected VCF 4.x text (plain, gzip or "
                           "bgzip) with a ##fileformat line and a #CHROM header") from None


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


def _tokens(record: pysam.VariantRecord) -> list[str]:
    """Token per allele index: REF for 0, the minimal form for each alt (symbolic alts are 'other')."""
    out = [REF]
    for alt in record.alts or ():
        if not alt or alt.startswith("<") or "[" in alt or "]" in alt or alt in {"*", "."}:
            out.append(f"other:{record.pos}:{record.ref}>{alt}")
        else:
            out.append(token(record.pos, record.ref, alt))
    return out


def read_vcf(path: Path, definitions: Definitions, sample: str | None = None) -> VcfGenotypes:
    """Genotypes at every defining position, per sample (all samples, or just ``sample``)."""
    vcf = _open(path)
    with vcf:
        _check_header(vcf, path.name)
        names = list(vcf.header.samples)
        if not names:
            raise InvalidInput(f"{path.name} has no sample columns: there is nothing to call")
        if sample is not None and sample not in names:
            raise InvalidInput(f"{path.name} has no sample {sample!r}", names[:10])
        chosen = [sample] if sample is not None else names
        indexes = [names.index(s) for s in chosen]
        calls: list[dict[tuple[str, str], list]] = [defaultdict(list) for _ in chosen]
        styles: dict[bool, str] = {}
        records = used = at_grch38 = at_grch37 = ref_disagrees = 0
        try:
            for record in vcf:
                records += 1
                styles.setdefault(record.chrom.lower().startswith("chr"), record.chrom)
                chrom = chrom_name(record.chrom)
                end = record.pos + len(record.ref or "N")
                if not definitions.near(chrom, record.pos, end):
                    at_grch37 += (chrom, record.pos) in definitions.grch37_positions
                    continue
                tokens = _tokens(record)
                starts = {record.pos} | {int(t.split(":", 1)[0]) for t in tokens[1:] if not t.startswith("o")}
                targets = {hit for pos in starts for hit in definitions.by_position.get((chrom, pos), ())}
                if not targets:
                    at_grch37 += (chrom, record.pos) in definitions.grch37_positions
                    continue
                used += 1
                at_grch38 += 1
                ref_disagrees += _ref_disagrees(definitions, targets, record)
                for slot, index in enumerate(indexes):
                    data = record.samples[index]
                    gt = data.get("GT")
                    phased = bool(data.phased)
                    phase_set = str(data.get("PS")) if phased and "PS" in record.format else None
                    entry = ("nocall",) if not gt or any(g is None for g in gt) else (
                        tuple(tokens[g] if g < len(tokens) else "other:bad-index" for g in gt),
                        phased, phase_set)
                    for target in targets:
                        calls[slot][target].append(entry)
        except (OSError, ValueError) as error:
            raise InvalidInput(f"{path.name}: unreadable record after {records} records ({error})") from None
    if len(styles) > 1:
        raise InvalidInput(f"{path.name} mixes contig names with and without 'chr' ({styles[True]} and "
                           f"{styles[False]}); use one naming throughout (bcftools annotate --rename-chrs)")
    if at_grch37 >= MIN_POSITION_EVIDENCE and at_grch37 > at_grch38:
        raise _grch37(path.name, f"{at_grch37} records sit at GRCh37 positions of our defining variants and "
                                 f"only {at_grch38} at GRCh38 ones")
    if ref_disagrees >= MIN_POSITION_EVIDENCE and ref_disagrees * 2 > at_grch38:
        raise InvalidInput(f"{path.name}: the REF base differs from GRCh38 at {ref_disagrees} of {at_grch38} "
                           "defining positions; is this file on GRCh38?")
    samples = [_sample(name, found, definitions) for name, found in zip(chosen, calls, strict=True)]
    return VcfGenotypes(samples, records, used)


def _ref_disagrees(definitions: Definitions, targets: set[tuple[str, str]], record: pysam.VariantRecord) -> int:
    for gene, key in targets:
        site = definitions.genes[gene].sites[key]
        if site.pos == record.pos and len(site.ref) == 1 and record.ref and record.ref[0] != site.ref:
            return 1
    return 0


def _sample(name: str, found: dict[tuple[str, str], list], definitions: Definitions) -> SampleGenotypes:
    result = SampleGenotypes(name)
    for (gene, key), entries in found.items():
        observation, why = _combine(entries)
        if observation is None:
            result.missing[gene][key] = why
        else:
            result.observed[gene][key] = observation
    return result


def _combine(entries: list) -> tuple[Observation | None, str]:
    """One observation from the record(s) at a site (split multi-allelic records are merged)."""
    if any(e == ("nocall",) for e in entries):
        return None, "no call (./.) in the VCF"
    if len(entries) == 1:
        alleles, phased, phase_set = entries[0]
        return Observation(alleles, phased, phase_set), ""
    ploidy = {len(e[0]) for e in entries}
    if len(ploidy) > 1:
        return None, "records at this position disagree on ploidy"
    size = ploidy.pop()
    if all(e[1] for e in entries) and len({e[2] for e in entries}) == 1:
        merged = []
        for index in range(size):
            alts = {e[0][index] for e in entries} - {REF}
            if len(alts) > 1:
                return None, "records at this position conflict"
            merged.append(alts.pop() if alts else REF)
        return Observation(tuple(merged), True, entries[0][2]), ""
    alts = [a for e in entries for a in e[0] if a != REF]
    if len(alts) > size:
        return None, "records at this position give more alleles than the ploidy allows"
    return Observation(tuple(alts + [REF] * (size - len(alts))), False, None), ""
