// Recommendations whose conditions hold for one or many patients.
// $patients: [{id, conditions: [condition strings], genes: [genes the patient was tested for],
//              diplotype_genes: [genes whose diplotype is known]}]
// A recommendation applies when, for every gene in r.genes, one of its WHEN conditions
// holds: a patient condition, or "unknown:GENE" when the patient was not tested for GENE.
// At least one condition must be a real patient fact, so an untested gene alone never
// fires a rule. A rule whose `unless` conditions the patient meets does not apply (a more
// specific rule of the same guideline does, e.g. DPWG's CYP2C9 *1/*2 row over its IM row).
// Rows with `missing` genes are rules that would need those genes' results.
// A source that maps a gene's diplotypes to its own phenotypes (it has diplotype rules for the
// drug and gene) answers through them: when the patient's diplotype for that gene is known,
// its phenotype conditions for the gene do not count.
// A rule may be about a class of drugs (a DrugClass): `drug` is then the class's name.
// Only ids come back: the recommendations' text and guideline are static (recommendation_details).
UNWIND $patients AS patient
MATCH (r:Recommendation)-[:FOR_DRUG]->(d)
WHERE (d:Drug OR d:DrugClass) AND NOT any(c IN coalesce(r.unless, []) WHERE c IN patient.conditions)
WITH patient, r, d,
     [g IN r.genes WHERE g IN coalesce(patient.diplotype_genes, []) AND EXISTS {
        MATCH (other:Recommendation {source: r.source})-[:FOR_DRUG]->(d), (other)-[:WHEN {gene: g, kind: 'diplotype'}]->()
     }] AS own_mapping
MATCH (r)-[w:WHEN]->()
WHERE NOT (w.kind = 'phenotype' AND w.gene IN own_mapping)
UNWIND coalesce(w.conditions, [w.condition]) AS condition
WITH patient, r, d, own_mapping, condition WHERE condition IN patient.conditions
WITH patient, r, d, own_mapping, collect(DISTINCT condition) AS matched
WITH patient, r, d, matched,
     [g IN r.genes WHERE NOT EXISTS {
        MATCH (r)-[w2:WHEN {gene: g}]->()
        WHERE (any(c IN coalesce(w2.conditions, [w2.condition]) WHERE c IN patient.conditions)
               AND NOT (w2.kind = 'phenotype' AND g IN own_mapping))
           OR (w2.kind = 'unknown' AND NOT g IN patient.genes)
     }] AS unmatched
WITH patient, r, d, matched, unmatched, [g IN unmatched WHERE NOT g IN patient.genes] AS missing
WHERE size(unmatched) = size(missing)
RETURN patient.id AS patient, coalesce(d.id, d.name, d.code) AS drug,
       CASE WHEN d:DrugClass THEN d.code END AS drug_class, missing, matched, r.id AS recommendation
