// Phenotypes a table names as a genotype at a position (PharmCAT's VKORC1 "-1639 AG") and the one
// diplotype each stands for.
MATCH (d:Diplotype)-[:HAS_PHENOTYPE]->(p:Phenotype)-[:OF_GENE]->(g:Gene)
WHERE p.name =~ '^[-+*]?[0-9]+([-+][0-9]+)?\\s*[ACGT]{2}$'
WITH g.symbol AS gene, p.name AS phenotype, collect(DISTINCT d.id) AS diplotypes
WHERE size(diplotypes) = 1
RETURN gene, phenotype, diplotypes[0] AS diplotype
