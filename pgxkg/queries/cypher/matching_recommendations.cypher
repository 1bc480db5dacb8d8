// Recommendations whose conditions hold for one or many patients.
// $patients: [{id, conditions: [condition strings], genes: [genes the patient was tested for]}]
// A recommendation applies when, for every gene in r.genes, one of its WHEN conditions
// holds: a patient condition, or "unknown:GENE" when the patient was not tested for GENE.
// At least one condition must be a real patient fact, so an untested gene alone never
// fires a rule. A rule whose `unless` conditions the patient meets does not apply (a more
// specific rule of the same guideline does, e.g. DPWG's CYP2C9 *1/*2 row over its IM row). Rows with `missing` genes are rules that would need those genes' results.
// Only ids come back: the recommendations' text and guideline are static (recommendation_details).
UNWIND $patients AS patient
MATCH (r:Recommendation)-[w:WHEN]->()
WHERE w.condition IN patient.conditions
WITH patient, r, collect(DISTINCT w.condition) AS matched
WHERE NOT any(c IN coalesce(r.unless, []) WHERE c IN patient.conditions)
WITH patient, r, matched,
     [g IN r.genes WHERE NOT EXISTS {
        MATCH (r)-[w2:WHEN {gene: g}]->()
        WHERE w2.condition IN patient.conditions
           OR (w2.kind = 'unknown' AND NOT g IN patient.genes)
     }] AS unmatched
WITH patient, r, matched, unmatched, [g IN unmatched WHERE NOT g IN patient.genes] AS missing
WHERE size(unmatched) = size(missing)
MATCH (r)-[:FOR_DRUG]->(d)
WHERE d:Drug OR d:DrugClass
RETURN patient.id AS patient, coalesce(d.id, d.name, d.code) AS drug, missing, matched, r.id AS recommendation
