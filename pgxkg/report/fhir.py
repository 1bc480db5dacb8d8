"""``PatientReport`` -> a FHIR R4 Bundle following HL7's Genomics Reporting IG (STU3, 3.0.0).

Resources (built as plain dicts, each validated by ``fhir.resources``' models; R4B's Observation,
DiagnosticReport, Patient and Bundle have the same elements as R4 4.0.1 for everything used here):

- ``Patient``: one placeholder every resource refers to; the caller replaces it (or repoints
  ``subject``) with the patient's record. It carries the VCF sample name, if any, and nothing else.
- ``Observation`` per gene, profile ``genotype``: code LOINC 84413-4 (Genotype display name), the
  diplotype (or the fact as given) as ``valueCodeableConcept.text``, component ``gene-studied``
  (LOINC 48018-6; HGNC id where the graph has one, else NCBI Gene), component ``conclusion-string``
  (the phenotype per source and the activity score), ``note``: how it was called and its quality.
- ``Observation`` per drug, profile ``therapeutic-implication``: code ``tbd-codes-cs#therapeutic-implication``,
  components ``medication-assessed`` (LOINC 51963-7; RxNorm where known), ``therapeutic-implication``
  per gene (LOINC answer codes of the IG's GeneticTherapeuticImplicationsVS: LA9657-3 Poor metabolizer...),
  ``evidence-level`` (LOINC 93044-6, for each gene the drug's rules test: the PharmGKB/ClinPGx level in
  the IG's PharmGKB code system, the CPIC level as text), ``conclusion-string`` (the deciding
  recommendation); ``interpretation``: the category (``urn:pgxkg:category``); ``note``: every source's
  recommendation, the alternatives;
  ``derivedFrom``: the genotype Observations; the guideline and PMIDs as ``workflow-relatedArtifact``.
- ``DiagnosticReport``, profile ``genomic-report``: LOINC 51969-4 (Genetic analysis report), category
  GE, every Observation in ``result``, a summary ``conclusion``, the data sources as
  ``workflow-relatedArtifact`` (derived-from), the HTML report as ``presentedForm``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from pgxkg.report.model import DrugEntry, GeneResult, PatientReport

IG = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/"
LOINC = "http://loinc.org"
TBD = "http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs"
PHARMGKB_LEVELS = "http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/pharmgkb-evidence-level-custom-cs"
HGNC = "http://www.genenames.org"
NCBI_GENE = "http://www.ncbi.nlm.nih.gov/gene"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
RELATED_ARTIFACT = "http://hl7.org/fhir/StructureDefinition/workflow-relatedArtifact"
CATEGORY_SYSTEM = "urn:pgxkg:category"
SAMPLE_SYSTEM = "urn:pgxkg:sample"
PUBMED = "https://pubmed.ncbi.nlm.nih.gov/{}/"
OBSERVATION_CATEGORY = [
    {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory",
                 "display": "Laboratory"}]},
    {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0074", "code": "GE", "display": "Genetics"}]},
]
# The IG's GeneticTherapeuticImplicationsVS (LOINC answers) for the phenotype names the sources use.
IMPLICATIONS: dict[str, tuple[str, str]] = {
    "ultrarapid metabolizer": ("LA10315-2", "Ultrarapid metabolizer"),
    "rapid metabolizer": ("LA25390-8", "Rapid metabolizer"),
    "normal metabolizer": ("LA25391-6", "Normal metabolizer"),
    "intermediate metabolizer": ("LA10317-8", "Intermediate metabolizer"),
    "poor metabolizer": ("LA9657-3", "Poor metabolizer"),
    "increased function": ("LA25392-4", "Increased function"),
    "normal function": ("LA25393-2", "Normal function"),
    "decreased function": ("LA25395-7", "Decreased function"),
    "poor function": ("LA25394-0", "Poor function"),
}
PHARMGKB_LEVEL_CODES = {"1A", "1B", "2A", "2B", "3", "4"}


@dataclass(frozen=True)
class Codes:
    """Standard codes from the graph (``inputs.codes``): gene -> (system, code), drug -> RxNorm CUI."""

    genes: dict[str, tuple[str, str]] = field(default_factory=dict)
    drugs: dict[str, str] = field(default_factory=dict)


def bundle(report: PatientReport, codes: Codes | None = None, presented_html: str | None = None) -> Bundle:
    """The report as a validated ``Bundle`` (type collection; references are ``urn:uuid:`` full URLs)."""
    return Bundle.model_validate(bundle_data(report, codes, presented_html))


def bundle_json(report: PatientReport, codes: Codes | None = None, presented_html: str | None = None) -> str:
    """The Bundle as FHIR JSON text, validated by ``fhir.resources`` (the text is the data validated; the
    tests check that it round-trips through the library unchanged)."""
    data = bundle_data(report, codes, presented_html)
    Bundle.model_validate(data)  # every entry is validated as its own resource type on the way
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def bundle_data(report: PatientReport, codes: Codes | None = None, presented_html: str | None = None) -> dict:
    """The Bundle as plain JSON-ready data (not validated: ``bundle`` and ``bundle_json`` validate it)."""
    codes = codes or Codes()
    ids = _Ids(hashlib.sha256(report.model_dump_json().encode()).hexdigest())
    patient = ids.ref("patient")
    entries: list[tuple[str, dict[str, Any]]] = [(patient, _patient(report, ids.id("patient")))]
    genotypes: dict[str, str] = {}
    for gene in report.genes:
        genotypes[gene.gene] = ids.ref(f"genotype:{gene.gene}")
        entries.append((genotypes[gene.gene], _genotype(gene, ids.id(f"genotype:{gene.gene}"), patient, report, codes)))
    implications = []
    phenotypes = {g.gene: g for g in report.genes}
    for drug in report.drugs():
        derived = [genotypes[g] for g in drug.genes if g in genotypes]
        if not derived:  # only untested genes: listed in the report's conclusion, not an implication
            continue
        reference = ids.ref(f"implication:{drug.drug}")
        implications.append(reference)
        entries.append((reference, _implication(drug, ids.id(f"implication:{drug.drug}"), patient, derived, phenotypes,
                                                report, codes)))
    report_ref = ids.ref("report")
    entries.insert(1, (report_ref, _diagnostic_report(report, ids.id("report"), patient,
                                                      list(genotypes.values()) + implications, presented_html)))
    return {"resourceType": "Bundle", "id": ids.id("bundle"), "type": "collection", "timestamp": report.generated_at,
            "identifier": {"system": "urn:ietf:rfc:3986", "value": ids.ref("bundle")},
            "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries]}


class _Ids:
    """Stable ids: the same report content gives the same resource ids."""

    def __init__(self, digest: str) -> None:
        self.digest = digest

    def id(self, local: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:pgxkg:report:{self.digest}:{local}"))

    def ref(self, local: str) -> str:
        return f"urn:uuid:{self.id(local)}"


def _narrative(text: str) -> dict[str, str]:
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{html.escape(text)}</div>'}


def _code(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def _patient(report: PatientReport, ident: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient", "id": ident,
        "text": _narrative("Placeholder for the patient: replace this entry with the patient's record, or point "
                           "every subject reference at it."),
    }
    if report.sample:
        resource["identifier"] = [{"system": SAMPLE_SYSTEM, "value": report.sample}]
    return resource


def _genotype(gene: GeneResult, ident: str, patient: str, report: PatientReport, codes: Codes) -> dict[str, Any]:
    shown = gene.diplotype or gene.given
    studied: dict[str, Any] = {"text": gene.gene}
    if gene.gene in codes.genes:
        system, code = codes.genes[gene.gene]
        studied = {"coding": [{"system": system, "code": code, "display": gene.gene}], "text": gene.gene}
    conclusion = [f"phenotype: {gene.phenotype}" if gene.phenotype else "phenotype: not settled"]
    conclusion += [f"{source}: {name}" for source, name in gene.phenotypes_by_source.items()]
    if gene.activity_score is not None:
        conclusion.append(f"activity score {gene.activity_score:g}")
    return {
        "resourceType": "Observation", "id": ident, "meta": {"profile": [IG + "genotype"]},
        "text": _narrative(f"{shown}: {'; '.join(conclusion)}"),
        "status": "final", "category": OBSERVATION_CATEGORY,
        "code": _code(LOINC, "84413-4", "Genotype display name"),
        "subject": {"reference": patient}, "issued": report.generated_at,
        "valueCodeableConcept": {"text": shown},
        "component": [
            {"code": _code(LOINC, "48018-6", "Gene studied [ID]"), "valueCodeableConcept": studied},
            {"code": _code(TBD, "conclusion-string"), "valueString": "; ".join(conclusion)},
        ],
        "note": [{"text": text} for text in _call_notes(gene)],  # never empty: says how the gene was obtained
    }


def _call_notes(gene: GeneResult) -> list[str]:
    origin = {"given": "given as input", "called": "called by pgxkg from the VCF",
              "pharmcat": "read from PharmCAT's results"}[gene.origin]
    notes = [f"{gene.given} ({origin})"]
    if gene.note:
        notes.append(gene.note)
    q = gene.quality
    if q is not None:
        notes.append(f"{'certain' if q.certain else 'not certain'}{' (a tie)' if q.tie else ''}: "
                     f"{q.positions_read} defining positions read, {q.positions_missing} missing"
                     + (f" ({', '.join(q.missing)})" if q.missing else "") + f"; definitions: {q.definitions}")
        if q.possible:
            notes.append(f"possible: {', '.join(q.possible[:20])}; would settle it: {q.pending or 'another result'}")
    elif gene.uncertain:
        notes.append("; ".join(gene.how))
    if gene.reason:
        notes.append(gene.reason)
    return notes


def _implication(drug: DrugEntry, ident: str, patient: str, derived: list[str], genes: dict[str, GeneResult],
                 report: PatientReport, codes: Codes) -> dict[str, Any]:
    medication: dict[str, Any] = {"text": drug.drug}
    if drug.drug in codes.drugs:
        medication = {"coding": [{"system": RXNORM, "code": codes.drugs[drug.drug], "display": drug.drug}],
                      "text": drug.drug}
    components: list[dict[str, Any]] = [
        {"code": _code(LOINC, "51963-7", "Medication assessed [ID]"), "valueCodeableConcept": medication}]
    for name in drug.genes:
        gene = genes.get(name)
        if gene is not None:
            components.append({"code": _code(TBD, "therapeutic-implication"),
                               "valueCodeableConcept": _implication_value(gene)})
    for level in (lv for lv in drug.levels if lv.gene in drug.genes):  # the genes its rules test
        if level.pharmgkb_level:
            value: dict[str, Any] = {"text": f"{level.gene}: PharmGKB/ClinPGx level {level.pharmgkb_level}"}
            if level.pharmgkb_level in PHARMGKB_LEVEL_CODES:
                value["coding"] = [{"system": PHARMGKB_LEVELS, "code": level.pharmgkb_level,
                                    "display": f"PGKB {level.pharmgkb_level}"}]
            components.append({"code": _code(LOINC, "93044-6", "Level of evidence"), "valueCodeableConcept": value})
        if level.cpic_level:
            components.append({"code": _code(LOINC, "93044-6", "Level of evidence"),
                               "valueCodeableConcept": {"text": f"{level.gene}: CPIC level {level.cpic_level}"}})
    summary = _summary(drug)
    components.append({"code": _code(TBD, "conclusion-string"), "valueString": summary})
    extensions = []
    seen = set()
    for rec in drug.recommendations:
        if rec.guideline and rec.guideline.url and rec.guideline.url not in seen:
            seen.add(rec.guideline.url)
            extensions.append({"url": RELATED_ARTIFACT, "valueRelatedArtifact": {
                "type": "citation", "display": f"{rec.source}: {rec.guideline.name or rec.guideline.url}",
                "url": rec.guideline.url}})
    for pmid in dict.fromkeys(p for rec in drug.recommendations for p in rec.pmids):
        extensions.append({"url": RELATED_ARTIFACT, "valueRelatedArtifact": {
            "type": "citation", "citation": f"PMID: {pmid}", "url": PUBMED.format(pmid)}})
    resource: dict[str, Any] = {
        "resourceType": "Observation", "id": ident, "meta": {"profile": [IG + "therapeutic-implication"]},
        "text": _narrative(summary), "status": "final", "category": OBSERVATION_CATEGORY,
        "code": _code(TBD, "therapeutic-implication", "Therapeutic Implication"),
        "subject": {"reference": patient}, "issued": report.generated_at,
        "interpretation": [{"coding": [{"system": CATEGORY_SYSTEM, "code": drug.category.value,
                                        "display": drug.category.value.replace("_", " ")}],
                            "text": drug.category.value.replace("_", " ")}],
        "derivedFrom": [{"reference": ref} for ref in derived],
        "component": components,
    }
    notes = _drug_notes(drug)
    if notes:  # FHIR allows no empty arrays
        resource["note"] = [{"text": text} for text in notes]
    if extensions:
        resource["extension"] = extensions
    return resource


def _implication_value(gene: GeneResult) -> dict[str, Any]:
    if gene.uncertain:
        return {"text": f"{gene.gene}: uncertain call ({gene.reason or 'several diplotypes possible'})"}
    text = f"{gene.gene} {gene.phenotype}" if gene.phenotype else gene.given
    found = IMPLICATIONS.get((gene.phenotype or "").lower())
    if found is None:
        return {"text": text}
    return {"coding": [{"system": LOINC, "code": found[0], "display": found[1]}], "text": text}


def _summary(drug: DrugEntry) -> str:
    verdict = drug.category.value.replace("_", " ")
    if drug.recommendations:
        first = drug.recommendations[0]
        return f"{drug.drug}: {verdict} ({first.source}): {first.text}"
    return f"{drug.drug}: {verdict}: {drug.uncertainty or 'needs ' + ', '.join(drug.needs_results_for)}"


def _drug_notes(drug: DrugEntry) -> list[str]:
    notes = [f"why: {drug.category_reason}"] if drug.category_reason else []
    for rec in drug.recommendations[1:]:
        notes.append(f"{rec.source} ({rec.category.value.replace('_', ' ')}"
                     + (f", {rec.classification}" if rec.classification else "") + f"): {rec.text}")
    if drug.uncertainty:
        notes.append(f"uncertain: {drug.uncertainty}")
    if drug.instead:
        notes.append("instead (suitable for this genotype): " + ", ".join(a.drug for a in drug.instead))
    if drug.check_first:
        notes.append("check first: " + "; ".join(f"{a.drug} ({a.reason})" for a in drug.check_first))
    if drug.not_suitable:
        notes.append("not suitable: " + "; ".join(a.reason for a in drug.not_suitable))
    for level in drug.levels:
        if level.fda_label:
            notes.append(f"FDA label ({level.gene}): {level.fda_label}")
    return notes


def _diagnostic_report(report: PatientReport, ident: str, patient: str, results: list[str],
                       presented_html: str | None) -> dict[str, Any]:
    lines = [f"{group.title}: {', '.join(d.drug for d in group.drugs)}" for group in report.groups
             if group.category.value not in ("standard", "no_recommendation")]
    lines += [f"Standard care: {len(g.drugs)} drugs" for g in report.groups if g.category.value == "standard"]
    if report.untested:
        lines.append("Not tested: " + ", ".join(g.gene for g in report.untested))
    lines.append(report.statement[1])
    resource: dict[str, Any] = {
        "resourceType": "DiagnosticReport", "id": ident, "meta": {"profile": [IG + "genomic-report"]},
        "status": "final", "category": [_code("http://terminology.hl7.org/CodeSystem/v2-0074", "GE", "Genetics")],
        "code": _code(LOINC, "51969-4", "Genetic analysis report"), "subject": {"reference": patient},
        "effectiveDateTime": report.generated_at, "issued": report.generated_at,
        "result": [{"reference": ref} for ref in results],
        "conclusion": "\n".join(lines),
        "extension": [{"url": RELATED_ARTIFACT, "valueRelatedArtifact": {
            "type": "derived-from", "label": source.source,
            "display": " ".join(x for x in (source.name or source.source, source.release or "",
                                            f"({source.date})" if source.date else "") if x),
            **({"url": source.url} if source.url else {})}} for source in report.sources],
    }
    if presented_html is not None:
        resource["presentedForm"] = [{"contentType": "text/html", "title": report.title,
                                      "data": base64.b64encode(presented_html.encode()).decode()}]
    if not resource["extension"]:
        del resource["extension"]
    return resource
