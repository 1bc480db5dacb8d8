// name: rsid_annotations
// description: PharmGKB clinical annotations for one exact rsID genotype (bases in any order), strongest level first.
// params: rsid=rs4244285 genotype=AA
MATCH (ca:ClinicalAnnotation)-[:ABOUT]->(v:Variant {id: $rsid})
WHERE ca.genotype = $genotype
OPTIONAL MATCH (ca)-[:FOR_DRUG]->(d:Drug)
OPTIONAL MATCH (ca)-[:FOR_DISEASE]->(dis:Disease)
RETURN ca.id AS annotation, ca.level AS level, ca.phenotype_category AS phenotype_category,
       ca.gene AS gene, ca.genotype AS genotype, collect(DISTINCT d.id) AS drugs,
       collect(DISTINCT dis.name) AS diseases, ca.text AS text
ORDER BY ca.level, annotation
