"""Names that differ between sources for the same thing, mapped onto one spelling.

Phenotype names: the risk layer resolves a genotype to the phenotype names of the loaded
diplotype tables (pypgx's CPIC tables), and a recommendation's condition must use the same
name. CPIC's API, DPWG and PharmCAT's phenotype files spell a few differently:

==========  ==================================================  =======================================
gene        source spelling                                     graph spelling (pypgx, panno)
==========  ==================================================  =======================================
G6PD        ``Deficient``, ``Normal``, ``Variable`` ...         ``G6PD Deficient``, ``G6PD Normal`` ...
MT-RNR1     ``increased risk of aminoglycoside-induced ...``    ``Increased Risk of Aminoglycoside-Induced ...``
CFTR        ``ivacaftor responsive in CF patients``             ``Favorable Response``
CFTR        ``ivacaftor non-responsive in CF patients``         ``Unfavorable Response``
==========  ==================================================  =======================================

Allele names: ClinPGx writes DPYD alleles as ``c.1905+1G>A (*2A)``, the name the allele node has;
its other names (``*2A``, ``c.1905+1G>A``) go into the node's ``synonyms`` (``allele_synonyms``).
"""

from __future__ import annotations

import re

CFTR_RESPONSE = {
    "ivacaftor responsive in cf patients": "Favorable Response",
    "ivacaftor non-responsive in cf patients": "Unfavorable Response",
}
_NAMED_ALLELE = re.compile(r"(?P<hgvs>.+?)\s*\((?P<name>[^()]+)\)")
_PHENOTYPE_WORDS = ("metaboliz", "acetylator", "phenotype", "genotype")


def phenotype_name(gene: str, name: str) -> str:
    """The graph's spelling of a source's phenotype name (see the module table); others unchanged."""
    name = " ".join(name.split())
    if gene == "G6PD" and not name.startswith("G6PD "):
        return f"G6PD {name}"
    if gene == "MT-RNR1":
        return " ".join(word if word == "of" else "-".join(part.capitalize() for part in word.split("-"))
                        for word in name.split())
    if gene == "CFTR":
        return CFTR_RESPONSE.get(name.lower(), name)
    return name


def allele_synonyms(name: str) -> list[str]:
    """Other names of an allele written ``<HGVS> (<name>)``: ``c.1905+1G>A (*2A)`` -> ``*2A``,
    ``c.1905+1G>A``. A haplotype of two variants keeps its variants together
    (``c.1129-5923C>G, c.1236G>A (HapB3)`` -> ``HapB3``, ``c.1129-5923C>G, c.1236G>A``): one of the
    two alone is another allele."""
    match = _NAMED_ALLELE.fullmatch(name.strip())
    if not match:
        return []
    return [match["name"].strip(), match["hgvs"].strip()]


def split_allele(text: str, genes: set[str] | frozenset[str] | None = None) -> tuple[str, str] | None:
    """``CYP2D6*4`` -> (CYP2D6, *4); ``DPYD c.1905+1G>A (*2A)`` -> (DPYD, c.1905+1G>A (*2A)); ``HLA-B*57:01``
    -> (HLA-B, *57:01). With ``genes``, the gene must be one of them. None when there is no gene part."""
    text = text.strip()
    star = text.find("*")
    if star > 0 and " " not in text[:star]:
        gene, allele = text[:star], text[star:]
    elif " " in text:
        gene, allele = text.split(" ", 1)
    else:
        return None
    if not gene or not allele.strip() or (genes is not None and gene not in genes):
        return None
    return gene, allele.strip()


def is_phenotype_phrase(text: str) -> bool:
    """ClinPGx's variant annotations name some findings by phenotype where an allele would stand
    (``CYP2D6 poor metabolizers``, ``NAT2 slow acetylator``): those are not alleles."""
    lowered = text.lower()
    return any(word in lowered for word in _PHENOTYPE_WORDS)
