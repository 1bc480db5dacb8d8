"""The graph model, declared once.

Constraints, indexes, `pgxkg schema show`, the README's schema section and the
KGX export's Biolink categories and predicates are all derived from the declarations below.

Every ``biolink`` value is a class or predicate that exists in the Biolink model
(``BIOLINK_VERSION``, checked by tests/test_biolink.py against the model the
``biolink-model`` package ships); where Biolink has no class of our own kind
(a guideline, an ATC class, the build lock) ``biolink_note`` says which real one
is nearest and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BIOLINK_VERSION = "4.4.6"  # the Biolink model release the categories and predicates below were checked against

# Biolink's KnowledgeLevelEnum and AgentTypeEnum values used below (an edge's epistemic status)
ASSERTED = "knowledge_assertion"  # a source's curators state it
MANUAL = "manual_agent"  # people (guideline authors, curators) made the statement
TEXT_MINING = "text_mining_agent"  # found by matching text


@dataclass(frozen=True)
class NodeType:
    label: str
    key: str
    description: str
    biolink: str  # the Biolink class (KGX node category)
    example: str
    indexes: tuple[str, ...] = ()
    searchable: tuple[str, ...] = ()  # properties in the full-text index
    biolink_note: str = ""  # why this class, where Biolink has none of our kind


@dataclass(frozen=True)
class RelType:
    type: str
    start: tuple[str, ...]
    end: tuple[str, ...]
    description: str
    biolink: str  # the Biolink predicate (KGX edge predicate)
    properties: tuple[str, ...] = field(default=())
    biolink_note: str = ""  # why this predicate, where Biolink has none of our kind
    knowledge_level: str = ASSERTED  # Biolink KnowledgeLevelEnum
    agent_type: str = MANUAL  # Biolink AgentTypeEnum


NODE_TYPES: tuple[NodeType, ...] = (
    NodeType("Gene", "symbol", "A gene, keyed by its HGNC symbol. Genes with PharmCAT allele definitions carry "
             "`allele_definition_source`/`_version`, `definition_reference_allele` and the matcher exemptions "
             "(`matcher_required_positions`, `matcher_ignored_positions`, `matcher_extra_positions`, "
             "`matcher_priority_sets`/`_picks`).", "biolink:Gene", "CYP2C19",
             indexes=("name", "hgnc_id"), searchable=("symbol", "name", "synonyms")),
    NodeType("Variant", "id", "A sequence variant: rsID, else chr-pos-ref-alt on GRCh38. `pos_grch38`, `ref` and "
             "`alt` (every alt, comma-separated) are as a VCF writes them; `hgvs` is the genomic HGVS name.",
             "biolink:SequenceVariant", "rs4244285",
             indexes=("rsid", "grch38"), searchable=("id", "name")),
    NodeType("Allele", "id", "A named haplotype (star allele or HLA allele) with its function; `synonyms` are "
             "other names of it (legacy, HGVS, another source's); `reference` marks the allele a gene's "
             "definitions are relative to; `reported_as` names the allele a sub-allele is reported as.",
             "biolink:Haplotype", "CYP2C19*2", indexes=("gene", "function")),
    NodeType("Diplotype", "id", "Two alleles of one gene, order-free (sorted).",
             "biolink:Genotype", "CYP2C19*2/*17", indexes=("gene",)),
    NodeType("Phenotype", "id", "A gene-level phenotype: metabolizer status, function, or allele status.",
             "biolink:PhenotypicFeature", "CYP2C19:Poor Metabolizer", indexes=("gene", "name"),
             biolink_note="an observable trait of a person resulting from the genotype, and the range of "
                          "has_phenotype; PhenotypicQuality is an attribute, not a phenotype"),
    NodeType("Drug", "id", "A drug; one node per drug whatever a source calls it (RxNorm, ATC, DrugBank and "
             "ClinPGx ids, synonyms).", "biolink:Drug", "clopidogrel",
             indexes=("name", "rxnorm", "pharmgkb_id", "drugbank_id"), searchable=("name", "synonyms")),
    NodeType("DrugClass", "code", "A class of drugs: an ATC class (level 1-4 code), or a ClinPGx drug class "
             "without one (`PharmGKB:<id>`).", "biolink:ChemicalRole", "B01AC",
             indexes=("name", "pharmgkb_id"), searchable=("name", "synonyms"),
             biolink_note="Biolink has no drug class; an ATC group is a therapeutic role its drugs play, "
                          "and Biolink's has_chemical_role asks for ATC codes as roles"),
    NodeType("Disease", "id", "A disease, keyed by OMIM/ORPHA/MeSH/PharmGKB id or a name id.",
             "biolink:Disease", "OMIM:604370", indexes=("name",), searchable=("name", "synonyms")),
    NodeType("PhenotypicFeature", "id", "An HPO term.", "biolink:PhenotypicFeature", "HP:0001250",
             indexes=("name",)),
    NodeType("Guideline", "id", "A published guideline (CPIC, DPWG, CPNDS, RNPGx...).",
             "biolink:Publication", "CPIC:clopidogrel-CYP2C19", indexes=("source",),
             biolink_note="Biolink has no guideline class; a guideline is a published document"),
    NodeType("Recommendation", "id", "One guideline recommendation for one drug and phenotype set.",
             "biolink:Publication", "CPIC:clopidogrel:CYP2C19=Poor Metabolizer",
             indexes=("category", "source", "drug"),
             biolink_note="Biolink has no recommendation class; a recommendation is part of a published "
                          "guideline, and Publication covers parts of a publication"),
    NodeType("ClinicalAnnotation", "id", "A PharmGKB clinical annotation at genotype level, 1A..4.",
             "biolink:Evidence", "PharmGKB:981755803:rs75527207:AA", indexes=("level", "gene"),
             biolink_note="a curated summary of the evidence for a genotype-drug response association; "
                          "Biolink associations are edges, not nodes, and Evidence is the node class for "
                          "evidence that supports one"),
    NodeType("VariantAnnotation", "id", "A ClinPGx variant-drug annotation: one study's finding.",
             "biolink:Evidence", "1451834452",
             biolink_note="one study's finding about a variant and a drug: evidence, as ClinicalAnnotation"),
    NodeType("DrugLabel", "id", "A drug-label annotation of one agency (FDA, EMA, PMDA, HCSC, Swissmedic) with "
             "its pharmacogenomic testing level (ClinPGx).", "biolink:Publication", "PA166104833",
             indexes=("source",), biolink_note="a drug label is a document an agency publishes"),
    NodeType("Publication", "pmid", "A PubMed article.", "biolink:Publication", "24561393"),
    NodeType("BuildLock", "id", "Held while a build writes, so two builds cannot interleave.",
             "biolink:Activity", "build",
             biolink_note="bookkeeping, not knowledge: a build in progress is an activity"),
    NodeType("Source", "id", "A loaded source file: name, version, url, license, sha256.",
             "biolink:DatasetVersion", "cpic-tables@pypgx-0.27.0",
             biolink_note="one pinned release of a source's data files"),
)

# Information content (guidelines, recommendations, annotations) to what it is about: Biolink's only
# predicate for that is `mentions`; the exported original_predicate keeps our finer type.
_ABOUT = "Biolink's predicate from an information content entity to what it refers to"

REL_TYPES: tuple[RelType, ...] = (
    RelType("HAS_ALLELE", ("Gene", "Diplotype"), ("Allele",),
            "A gene's named alleles; a diplotype's two alleles.", "biolink:has_part", ("count",),
            biolink_note="Biolink has no has_allele; a diplotype consists of its two haplotypes"),
    RelType("DEFINED_BY", ("Allele",), ("Variant",), "The variants that define an allele: `alt` is the allele "
            "the haplotype carries there as a VCF writes it, or an IUPAC ambiguity code (R = A or G); "
            "`source_code` is the definition's own spelling (delG, ATGA(1)).",
            "biolink:has_variant_part", ("alt", "core", "source_code")),
    RelType("IN_GENE", ("Variant",), ("Gene",), "The gene a variant lies in.",
            "biolink:is_sequence_variant_of"),
    RelType("HAS_PHENOTYPE", ("Diplotype",), ("Phenotype",), "Diplotype to phenotype (CPIC).",
            "biolink:has_phenotype", ("activity_score", "lookup_key")),
    RelType("OF_GENE", ("Phenotype", "Diplotype"), ("Gene",), "The gene a phenotype is about.",
            "biolink:related_to_at_instance_level",
            biolink_note="no Biolink predicate fits both a genotype and a phenotype to their gene"),
    RelType("INTERACTS_WITH", ("Gene",), ("Drug", "DrugClass"), "A gene-drug pair with its evidence levels and "
            "each agency's label testing level.", "biolink:associated_with_response_to",
            ("cpic_level", "cpic_status", "pharmgkb_level", "clinical_level", "fda_label", "ema_label",
             "pmda_label", "hcsc_label", "swissmedic_label", "guideline_url"),
            biolink_note="variation in the gene is associated with the response to the drug; "
                         "interacts_with is a mixin, not an edge predicate"),
    RelType("RECOMMENDS", ("Guideline",), ("Recommendation",), "A guideline's recommendations.",
            "biolink:has_part"),
    RelType("FOR_DRUG", ("Recommendation", "ClinicalAnnotation", "Guideline", "VariantAnnotation", "DrugLabel"),
            ("Drug", "DrugClass"), "The drug (or class of drugs) a recommendation, annotation, guideline or "
            "label is about.", "biolink:mentions", biolink_note=_ABOUT),
    RelType("WHEN", ("Recommendation",), ("Phenotype", "Diplotype", "Allele", "Variant", "Gene"),
            "A condition the recommendation applies to. `conditions` lists canonical strings "
            "(see pgxkg.vocab.condition; several when a rule tests more than one genotype of one "
            "variant, e.g. rs9923231 CT or TT), `condition` is the first; the rule fires when, for "
            "every gene in the recommendation's `genes`, one of its WHEN conditions holds for the patient.",
            "biolink:mentions", ("gene", "kind", "condition", "conditions"),
            biolink_note=_ABOUT + "; Biolink has no has_condition"),
    RelType("SUGGESTS", ("Recommendation",), ("Drug",),
            "An alternative drug the recommendation text names.", "biolink:mentions",
            biolink_note=_ABOUT + "; found by matching drug names in the text", agent_type=TEXT_MINING),
    RelType("ABOUT", ("ClinicalAnnotation", "VariantAnnotation", "DrugLabel"), ("Variant", "Allele", "Gene"),
            "The variant, allele or gene an annotation or label is about.", "biolink:mentions", biolink_note=_ABOUT),
    RelType("FOR_DISEASE", ("ClinicalAnnotation",), ("Disease",),
            "The disease or condition an annotation is about.", "biolink:mentions", biolink_note=_ABOUT),
    RelType("CITES", ("ClinicalAnnotation", "Guideline", "Recommendation", "VariantAnnotation"), ("Publication",),
            "Supporting publications.", "biolink:related_to_at_instance_level",
            biolink_note="Biolink has no citation predicate; its publications slot is an edge property"),
    RelType("ASSOCIATED_WITH", ("Gene",), ("Disease",), "Gene-disease link (HPO).",
            "biolink:gene_associated_with_condition"),
    RelType("HAS_FEATURE", ("Disease",), ("PhenotypicFeature",),
            "A disease's clinical features (HPO annotations).", "biolink:has_phenotype",
            ("frequency", "onset", "evidence")),
    RelType("IS_A", ("PhenotypicFeature", "DrugClass"), ("PhenotypicFeature", "DrugClass"),
            "Ontology parent.", "biolink:subclass_of"),
    RelType("IN_CLASS", ("Drug",), ("DrugClass",), "A drug's ATC classes.",
            "biolink:has_chemical_role"),
    RelType("RELATED_TO", ("Gene", "Variant", "Allele", "Drug", "DrugClass", "Disease"),
            ("Gene", "Variant", "Allele", "Drug", "DrugClass", "Disease"),
            "A ClinPGx curated relationship (undirected, stored once): `association` is associated, not "
            "associated or ambiguous.", "biolink:related_to", ("association", "evidence", "pk", "pd", "pmids"),
            biolink_note="ClinPGx's relationships file says only that two entities are related, and how "
                         "strongly; Biolink's most general predicate"),
)

NODES_BY_LABEL = {node.label: node for node in NODE_TYPES}
RELS_BY_TYPE = {rel.type: rel for rel in REL_TYPES}
FULLTEXT_INDEX = "entity_search"
# Every node and relationship carries these.
PROVENANCE_PROPERTY = "sources"


def key_of(label: str) -> str:
    return NODES_BY_LABEL[label].key


def constraint_statements() -> list[str]:
    return [
        f"CREATE CONSTRAINT {n.label.lower()}_{n.key} IF NOT EXISTS "
        f"FOR (n:{n.label}) REQUIRE n.{n.key} IS UNIQUE"
        for n in NODE_TYPES
    ]


def index_statements() -> list[str]:
    statements = [
        f"CREATE INDEX {n.label.lower()}_{prop} IF NOT EXISTS FOR (n:{n.label}) ON (n.{prop})"
        for n in NODE_TYPES
        for prop in n.indexes
    ]
    searchable = [n for n in NODE_TYPES if n.searchable]
    labels = "|".join(n.label for n in searchable)
    props = sorted({p for n in searchable for p in n.searchable})
    statements.append(
        f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS FOR (n:{labels}) "
        f"ON EACH [{', '.join('n.' + p for p in props)}]"
    )
    return statements
