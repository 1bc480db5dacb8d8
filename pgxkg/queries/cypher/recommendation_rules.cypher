// Every recommendation's rule: its source, drug, genes and WHEN conditions per gene.
// Loaded once (with the reference data) so matching many genotypes costs no round trips.
MATCH (r:Recommendation)-[:FOR_DRUG]->(d:Drug)
MATCH (r)-[w:WHEN]->()
UNWIND coalesce(w.conditions, [w.condition]) AS condition
RETURN r.id AS id, r.source AS source, d.id AS drug, r.genes AS genes,
       collect({gene: w.gene, kind: w.kind, condition: condition}) AS conditions
