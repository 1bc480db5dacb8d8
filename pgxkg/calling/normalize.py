"""One spelling for a variant, so VCF records and allele definitions compare equal.

VCFs and the pypgx tables pad indels differently (``CAT>CATAT`` and ``C>CAT`` are
the same insertion). Trimming the shared suffix, then the shared prefix (keeping
one anchor base), gives the minimal representation without needing the reference
genome. Left-alignment inside repeats would need the genome and is not attempted.
"""

from __future__ import annotations

REF = "ref"  # the token for "the haplotype carries the GRCh38 reference here"


def normalize(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Minimal (pos, ref, alt): shared suffix trimmed, then shared prefix beyond one anchor base."""
    ref, alt = ref.upper(), alt.upper()
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


def token(pos: int, ref: str, alt: str) -> str:
    """The allele token for one alt allele: ``94781859:G>A``."""
    npos, nref, nalt = normalize(pos, ref, alt)
    return f"{npos}:{nref}>{nalt}"


def token_pos(value: str) -> int:
    return int(value.split(":", 1)[0])


def display(value: str, ref: str) -> str:
    """The bases a token stands for: the reference base(s), or the alt of the minimal form."""
    if value == REF:
        return ref
    if value.startswith("other:"):
        return value.split(">", 1)[-1] + "?"
    return value.split(">", 1)[1]


def chrom_name(chrom: str) -> str:
    """``10``, ``chr10``, ``CHR10`` -> ``chr10``; ``MT``/``chrM`` -> ``chrM``."""
    bare = chrom[3:] if chrom.lower().startswith("chr") else chrom
    bare = bare.upper()
    return "chrM" if bare in {"M", "MT"} else f"chr{bare}"
