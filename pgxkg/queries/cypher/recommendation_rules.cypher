// Every recommendation's rule: its drug, its genes, and its WHEN conditions per gene.
// Loaded once (with the vocabulary) so matching many genotypes costs no round trips.
MATCH (r:Recommendation)-[:FOR_DRUG]->(d:Drug)
MATCH (r)-[w:WHEN]->()
RETURN r.id AS id, d.id AS drug, r.genes AS genes,
       collect({gene: w.gene, kind: w.kind, condition: w.condition}) AS conditions
