// The indication's drugs as the graph knows them, each with the genes its recommendations
// test (the union of Recommendation.genes over every guideline source). A drug the graph
// does not hold comes back with found = false.
UNWIND $drugs AS name
OPTIONAL MATCH (d:Drug {id: name})
CALL (d) {
  OPTIONAL MATCH (r:Recommendation)-[:FOR_DRUG]->(d)
  UNWIND coalesce(r.genes, []) AS gene
  RETURN collect(DISTINCT gene) AS genes
}
RETURN name, d IS NOT NULL AS found, genes
