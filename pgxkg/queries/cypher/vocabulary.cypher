// Everything a genotype can name: typeable genes with their alleles and phenotypes,
// presence genes (HLA) with the alleles guidelines ask about, and rsIDs.
MATCH (g:Gene)
WHERE EXISTS { (g)-[:HAS_ALLELE]->() } OR EXISTS { (:Phenotype)-[:OF_GENE]->(g) }
   OR EXISTS { (:Recommendation)-[:WHEN {gene: g.symbol}]->() }
CALL (g) {
  OPTIONAL MATCH (g)-[:HAS_ALLELE]->(a:Allele)
  RETURN collect(DISTINCT a.name) AS alleles
}
CALL (g) {
  OPTIONAL MATCH (p:Phenotype)-[:OF_GENE]->(g)
  RETURN collect(DISTINCT p {.name, .activity_min, .activity_max, .activity_min_inclusive,
                                .activity_max_inclusive}) AS phenotypes
}
CALL (g) {
  OPTIONAL MATCH (:Recommendation)-[w:WHEN {gene: g.symbol}]->(a:Allele)
  WHERE w.kind IN ['positive', 'negative']
  RETURN collect(DISTINCT a.id) AS status_alleles
}
RETURN g.symbol AS gene, alleles, phenotypes, status_alleles
