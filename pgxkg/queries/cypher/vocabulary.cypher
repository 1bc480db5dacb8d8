// Genes with named alleles, and their allele names.
MATCH (g:Gene)-[:HAS_ALLELE]->(a:Allele)
RETURN g.symbol AS gene, collect(DISTINCT a.name) AS alleles
