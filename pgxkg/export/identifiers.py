"""Exported node ids: a CURIE per node, from a standard id where the node carries one.

Every export names a node by one CURIE (KGX requires it; GraphML, GEXF, Cytoscape and CSV use the
same id so the formats agree). The first rule of a node's label whose property is set wins:

- Gene: ``HGNC:2621`` (property ``hgnc``), ``NCBIGene:`` (``ncbi_gene_id``), else ``pgxkg:``;
- Drug: ``RXNORM:32968`` (``rxnorm``), ``CHEBI:`` (``chebi``), ``DRUGBANK:`` (``drugbank``),
  ``PHARMGKB.DRUG:`` (``pharmgkb_id``), else ``pgxkg:``;
- Variant: ``DBSNP:rs4244285`` (``rsid``), else ``pgxkg:`` (chr-pos-ref-alt variants);
- Disease: its key when that is an OMIM/ORPHA/DECIPHER/MONDO/MESH CURIE, else ``pgxkg:``
  (PharmGKB's disease names); PhenotypicFeature: its key (``HP:0001250``);
- Publication: ``PMID:24561393``; DrugClass: ``ATC:B01AC``;
- anything else: ``pgxkg:Label/key`` (``pgxkg:Allele/CYP2C19*2``).

``pgxkg:`` CURIEs are ``pgxkg:<Label>/<key>`` with the key percent-encoded where a CURIE cannot
hold a character (space, ``|``, ``%``, ``#``, ``?``...), so they are unique by construction; a
standard id shared by two nodes is an error (``check_unique``), never a silent merge. Every prefix
used is declared in ``CURIE_MAP`` (written beside a KGX export and listed in the README); where
Biolink's prefix map has a prefix, its expansion is Biolink's (tests/test_biolink.py checks).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

from pgxkg.errors import PgxkgError

PGXKG = "pgxkg"

# Prefix -> IRI. Biolink 4.4's prefix map for the prefixes it has; the others from their registries.
CURIE_MAP: dict[str, str] = {
    "HGNC": "http://identifiers.org/hgnc/",
    "NCBIGene": "http://identifiers.org/ncbigene/",
    "HGNC.SYMBOL": "http://identifiers.org/hgnc.symbol/",  # not in Biolink's map; an xref only
    "RXNORM": "http://purl.bioontology.org/ontology/RXNORM/",
    "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_",
    "DRUGBANK": "http://identifiers.org/drugbank/",
    "PHARMGKB.DRUG": "https://www.pharmgkb.org/chemical/",
    "DBSNP": "http://identifiers.org/dbsnp/",
    "OMIM": "http://purl.obolibrary.org/obo/OMIM_",
    "ORPHA": "http://www.orpha.net/ORDO/Orphanet_",  # not in Biolink's map (it has ORDO:Orphanet_N)
    "DECIPHER": "https://www.deciphergenomics.org/syndrome/",  # not in Biolink's map
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_",
    "MESH": "http://id.nlm.nih.gov/mesh/",
    "HP": "http://purl.obolibrary.org/obo/HP_",
    "PMID": "http://www.ncbi.nlm.nih.gov/pubmed/",
    "ATC": "http://www.whocc.no/atc_ddd_index/?code=",  # not in Biolink's map
    "biolink": "https://w3id.org/biolink/vocab/",
    "infores": "https://w3id.org/biolink/infores/",
    PGXKG: "urn:pgxkg:",  # this graph's own names: no public namespace resolves them
}

# label -> (property, prefix) in order of preference; a property of None means the node's key.
ID_RULES: dict[str, tuple[tuple[str | None, str], ...]] = {
    "Gene": (("hgnc", "HGNC"), ("ncbi_gene_id", "NCBIGene")),
    "Drug": (("rxnorm", "RXNORM"), ("chebi", "CHEBI"), ("drugbank", "DRUGBANK"), ("pharmgkb_id", "PHARMGKB.DRUG")),
    "Variant": (("rsid", "DBSNP"),),
    "Publication": ((None, "PMID"),),
    "DrugClass": ((None, "ATC"),),
}
# label -> prefixes its keys already carry as CURIEs (used as they are)
KEY_PREFIXES: dict[str, frozenset[str]] = {
    "Disease": frozenset({"OMIM", "ORPHA", "DECIPHER", "MONDO", "MESH"}),
    "PhenotypicFeature": frozenset({"HP"}),
}
# The node properties the rules read: an edge query fetches them for both ends (``$id_keys``).
ID_PROPERTIES: tuple[str, ...] = tuple(sorted({p for rules in ID_RULES.values() for p, _ in rules if p}))
# Characters a CURIE's local part keeps as they are; the rest (space, |, %, #, ?, quotes...) are escaped.
_SAFE = "/:*=+-._~!$&'(),;@"


class ExportError(PgxkgError):
    """The graph holds something an export cannot name faithfully (a bug or a source without a mapping)."""

    status_code = 500


def _local(value: Any, prefix: str) -> str | None:
    text = str(value).strip() if value is not None else ""
    if text.upper().startswith(prefix.upper() + ":"):  # "HGNC:2621" and "2621" alike
        text = text[len(prefix) + 1:]
    return text or None


def pgxkg_curie(label: str, key: Any) -> str:
    return f"{PGXKG}:{label}/{quote(str(key), safe=_SAFE)}"


def curie(label: str, key: Any, props: dict[str, Any]) -> str:
    """The node's exported id: its first standard id by ``ID_RULES``/``KEY_PREFIXES``, else its pgxkg CURIE."""
    for prop, prefix in ID_RULES.get(label, ()):
        local = _local(key if prop is None else props.get(prop), prefix)
        if local:
            return f"{prefix}:{quote(local, safe=_SAFE)}"
    text = str(key)
    if text.split(":", 1)[0] in KEY_PREFIXES.get(label, ()) and text.split(":", 1)[1:] != [""]:
        return text
    return pgxkg_curie(label, key)


def xrefs(label: str, key: Any, props: dict[str, Any], ident: str) -> list[str]:
    """Other CURIEs for the node (every rule that applies besides its id; a gene's HGNC symbol)."""
    refs = [f"{prefix}:{local}" for prop, prefix in ID_RULES.get(label, ())
            if (local := _local(key if prop is None else props.get(prop), prefix))]
    if label == "Gene":
        refs.append(f"HGNC.SYMBOL:{key}")
    return [ref for ref in dict.fromkeys(refs) if ref != ident]


def check_unique(rows: Iterable[tuple[str, dict]]) -> Iterator[tuple[str, dict]]:
    """Pass node rows through, failing on a second node with the same exported id."""
    seen: dict[str, str] = {}
    for ident, attrs in rows:
        first = seen.setdefault(ident, attrs["pgxkg_id"])
        if first != attrs["pgxkg_id"]:
            raise ExportError(f"two nodes export as {ident}: {first} and {attrs['pgxkg_id']}",
                              "the graph holds a duplicate standard id; merge the two nodes in the loader")
        yield ident, attrs
