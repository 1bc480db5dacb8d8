// Every recommendation's rule: its source, drug (or class of drugs), genes, WHEN conditions per gene,
// and the conditions of more specific rules that take its place (`unless`).
// Loaded once (with the reference data) so matching many genotypes costs no round trips.
MATCH (r:Recommendation)-[:FOR_DRUG]->(d)
WHERE d:Drug OR d:DrugClass
MATCH (r)-[w:WHEN]->()
UNWIND coalesce(w.conditions, [w.condition]) AS condition
RETURN r.id AS id, r.source AS source, coalesce(d.id, d.name, d.code) AS drug,
       CASE WHEN d:DrugClass THEN d.code END AS drug_class, r.genes AS genes, coalesce(r.unless, []) AS unless,
       collect({gene: w.gene, kind: w.kind, condition: condition}) AS conditions
