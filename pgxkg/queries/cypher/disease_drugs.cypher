// name: disease_drugs
// description: Drugs linked to a disease by PharmGKB clinical annotations (with the best level), and through its associated genes.
// params: disease=OMIM:219700
MATCH (dis:Disease {id: $disease})
CALL (dis) {
  MATCH (ca:ClinicalAnnotation)-[:FOR_DISEASE]->(dis)
  MATCH (ca)-[:FOR_DRUG]->(d:Drug)
  RETURN d.id AS drug, min(ca.level) AS best_level, count(ca) AS annotations, 'clinical_annotation' AS via,
         collect(DISTINCT ca.gene) AS genes
  UNION
  MATCH (g:Gene)-[:ASSOCIATED_WITH]->(dis)
  MATCH (g)-[i:INTERACTS_WITH]->(d:Drug)
  RETURN d.id AS drug, min(i.pharmgkb_level) AS best_level, count(i) AS annotations, 'associated_gene' AS via,
         collect(DISTINCT g.symbol) AS genes
}
RETURN drug, best_level, annotations, via, genes
ORDER BY coalesce(best_level, '9'), drug
